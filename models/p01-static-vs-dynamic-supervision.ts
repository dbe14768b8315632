/**
 * Pattern 1 — static vs dynamic supervision.
 *
 * A static supervisor starts its children strictly in list order, one at a time; the first start
 * that fails stops the start-up, the children already started are shut down in reverse start order
 * (temporary ones included) and `start_link` returns
 * `{:error, {:shutdown, {:failed_to_start_child, id, reason}}}` (supervision.md rules 29, 32, 33,
 * 35). After a successful start its `which_children` lists the children newest first; a
 * non-temporary child whose start returned `:ignore` is kept with pid `:undefined`, a temporary one
 * is dropped (rules 32, 81).
 *
 * Under rest_for_one (rule 41) and one_for_all (rule 40) the order survives restarts: a running
 * child's running predecessors always started before it. A DynamicSupervisor keeps no order (rules
 * 91, 120): it restarts only the crashed child and stops all its children concurrently (rule 95).
 */

export type StartOutcome = 'ok' | 'ignore' | 'fail';
export type RestartType = 'permanent' | 'transient' | 'temporary';

export interface StaticChild {
  readonly id: string;
  readonly restart: RestartType;
  /** What the child's start function does. */
  readonly start: StartOutcome;
}

export interface StaticStart {
  /** Start attempts in order. */
  readonly attempted: string[];
  /** Children terminated by the rollback, in order (reverse start order). */
  readonly rolledBack: string[];
  /** `ok`, or the id that failed: `{:error, {:shutdown, {:failed_to_start_child, id, reason}}}`. */
  readonly result: { ok: true } | { ok: false; failed: string };
  /** After a successful start: `which_children` as `[id, running]`, newest first (rules 32, 81). */
  readonly children: Array<readonly [string, boolean]>;
}

/** What `Supervisor.start_link(children, opts)` does with these start outcomes (rules 29-35). */
export function staticStart(children: readonly StaticChild[]): StaticStart {
  const attempted: string[] = [];
  const kept: Array<readonly [string, boolean]> = [];
  const started: string[] = [];
  for (const c of children) {
    attempted.push(c.id);
    if (c.start === 'fail') return { attempted, rolledBack: [...started].reverse(), result: { ok: false, failed: c.id }, children: [] };
    if (c.start === 'ok') started.push(c.id);
    if (c.start === 'ok' || c.restart !== 'temporary') kept.push([c.id, c.start === 'ok']);
  }
  return { attempted, rolledBack: [], result: { ok: true }, children: kept.reverse() };
}

/**
 * The start-order invariant "pool before consumers" as a reducer over child lifecycle events in
 * trace order: a child may start only while none of the children listed after it is running
 * (otherwise that successor would be running with a predecessor younger than itself).
 * Equivalently, at every moment, every running child's running predecessors started before it.
 */
export class StartOrder {
  private readonly running = new Set<string>();

  constructor(private readonly order: readonly string[]) {}

  /** `id` starts: the first successor of `id` still running, if any (a violation), else null. */
  start(id: string): string | null {
    const at = this.order.indexOf(id);
    const successor = this.order.slice(at + 1).find((s) => this.running.has(s));
    this.running.add(id);
    return successor ?? null;
  }

  /** `id` stopped (its process exited). */
  stop(id: string): void {
    this.running.delete(id);
  }
}

/** The first start-order violation in a list of lifecycle events, as a sentence, or null. */
export function startOrderViolation(order: readonly string[], events: ReadonlyArray<{ kind: 'start' | 'stop'; id: string }>): string | null {
  const model = new StartOrder(order);
  for (const e of events) {
    if (e.kind === 'stop') {
      model.stop(e.id);
      continue;
    }
    const successor = model.start(e.id);
    if (successor) return `${e.id} started while ${successor}, listed after it, was running`;
  }
  return null;
}

/**
 * The stop-order counterpart for a supervisor being stopped (rule 66): children stop newest
 * first, so a child never stops while a successor still runs. Returns the first violation or null.
 */
export function stopOrderViolation(order: readonly string[], running: ReadonlySet<string>, stops: readonly string[]): string | null {
  const alive = new Set(running);
  for (const id of stops) {
    const at = order.indexOf(id);
    const successor = order.slice(at + 1).find((s) => alive.has(s));
    if (successor) return `${id} stopped while ${successor}, listed after it, was still running`;
    alive.delete(id);
  }
  return null;
}
