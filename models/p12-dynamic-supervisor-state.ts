/**
 * Pattern 12 — DynamicSupervisor state: `children` (pid → child spec, or `{:restarting, spec}`),
 * `restarts` (a list of whole-second timestamps for the intensity window) and `max_children`
 * (supervision.md rules 57, 86–95, 121).
 *
 * A pure reducer over what happens to the supervisor. Children are named by a stable *key* chosen
 * by the caller (the real supervisor only knows pids, which change on every restart; the property
 * maps pids to keys through the children's own start reports).
 *
 * - start_child: `{:error, :max_children}` when `map_size(children) >= max_children` — restarting
 *   entries count (rule 89); else the start function's outcome: saved on `{:ok, pid}`, nothing
 *   saved on `:ignore` or `{:error, _}`.
 * - a child exits: the decision table of rule 37 (rule 92), except that a DynamicSupervisor
 *   *deletes* every child it does not restart. A restart first records a timestamp (rule 57); past
 *   the intensity the supervisor stops with `:shutdown` and takes every child down. A failed
 *   restart leaves `{:restarting, child}` and retries at once, each retry recorded again
 *   (rules 57, 93); `:ignore` on restart deletes the child.
 * - terminate_child(pid): `:ok` and the child is deleted, or `{:error, :not_found}` (rule 90).
 * - count_children (rule 91): `specs` counts every entry, `active` leaves out restarting ones and
 *   does not check liveness.
 */
import { RestartIntensity } from './p04-restart-intensity.js';
import { onChildExit, type Reason, type RestartType } from './p05-restart-values.js';

export type StartOutcome = 'ok' | 'ignore' | 'error';

export interface DynChild {
  readonly key: string;
  readonly restart: RestartType;
  readonly restarting: boolean;
}

export interface DynCounts {
  readonly specs: number;
  readonly active: number;
  readonly workers: number;
  readonly supervisors: number;
}

export type StartResult = 'ok' | 'ignore' | 'error' | 'max_children';

/** What the supervisor did about one child exit. */
export type ExitEffect =
  | { readonly kind: 'ignored' }
  | { readonly kind: 'deleted'; readonly report: boolean }
  | { readonly kind: 'restarted'; readonly attempts: number; readonly outcome: 'ok' | 'ignore' }
  | { readonly kind: 'escalated'; readonly attempts: number };

export interface DynLimits {
  readonly maxChildren: number | 'infinity';
  readonly maxRestarts: number;
  readonly maxSeconds: number;
}

export class DynamicSupervisorModel {
  private readonly children = new Map<string, DynChild>();
  private readonly intensity: RestartIntensity;
  private up = true;

  constructor(readonly limits: DynLimits) {
    this.intensity = new RestartIntensity(limits.maxRestarts, limits.maxSeconds);
  }

  get alive(): boolean {
    return this.up;
  }

  has(key: string): boolean {
    return this.children.has(key);
  }

  /** `start_child` with the start function's outcome (rule 89). */
  startChild(key: string, restart: RestartType, outcome: StartOutcome): StartResult {
    const max = this.limits.maxChildren;
    if (max !== 'infinity' && this.children.size >= max) return 'max_children';
    if (outcome === 'ok') this.children.set(key, { key, restart, restarting: false });
    return outcome;
  }

  /**
   * Child `key` exited with `reason` at `nowMs`; `nextStart` gives the outcome of each restart
   * attempt in turn (rules 57, 92, 93).
   */
  childExited(key: string, reason: Reason, nowMs: number, nextStart: () => StartOutcome): ExitEffect {
    const child = this.children.get(key);
    if (!child || child.restarting) return { kind: 'ignored' };
    const decision = onChildExit(child.restart, reason);
    if (decision.action !== 'restart') {
      this.children.delete(key);
      return { kind: 'deleted', report: decision.report };
    }
    for (let attempts = 1; ; attempts++) {
      if (!this.intensity.add(nowMs)) {
        this.up = false;
        this.children.clear();
        return { kind: 'escalated', attempts };
      }
      const outcome = nextStart();
      if (outcome === 'ok') {
        this.children.set(key, { ...child, restarting: false });
        return { kind: 'restarted', attempts, outcome };
      }
      if (outcome === 'ignore') {
        this.children.delete(key);
        return { kind: 'restarted', attempts, outcome };
      }
      this.children.set(key, { ...child, restarting: true });
    }
  }

  /** `terminate_child(pid)` of a child (`key`) or of a process that is none (`null`), rule 90. */
  terminateChild(key: string | null): 'ok' | 'not_found' {
    if (key === null || !this.children.has(key)) return 'not_found';
    this.children.delete(key);
    return 'ok';
  }

  /** The supervisor stopped (`stop`, or killed): its children go with it. */
  stopped(): void {
    this.up = false;
    this.children.clear();
  }

  /** count_children (rule 91); every child here is a worker. */
  countChildren(): DynCounts {
    const all = [...this.children.values()];
    return { specs: all.length, active: all.filter((c) => !c.restarting).length, workers: all.length, supervisors: 0 };
  }

  /** which_children as a set (rule 120): running keys sorted, plus the number of `:restarting` entries. */
  whichChildren(): { running: string[]; restarting: number } {
    const all = [...this.children.values()];
    return { running: all.filter((c) => !c.restarting).map((c) => c.key).sort(), restarting: all.filter((c) => c.restarting).length };
  }
}

/**
 * The cost claim: entries a supervisor examines to find the child of one `{:EXIT, pid, _}`.
 * A list is scanned whole (`Enum.reject/2` visits every element); a map keyed by pid finds the
 * entry with one lookup (a HAMT path of ⌈log32 n⌉ nodes past 32 keys — constant for any size a
 * supervisor holds; counted as one lookup here).
 */
export function exitLookupCost(structure: 'list' | 'map', children: number): number {
  return structure === 'list' ? children : children > 0 ? 1 : 0;
}
