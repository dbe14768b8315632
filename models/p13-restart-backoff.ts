/**
 * Pattern 13 — failed restarts and the `:try_again` path (supervision.md rules 39–50, 54–57,
 * 78–81, 90–93, 116). A pure model of what a supervisor does when a restart's start function
 * fails, for a static supervisor (`StaticRetryModel`) and for Elixir's DynamicSupervisor
 * (`DynamicRetryModel`).
 *
 * **Contrary to the seed text**, the retry is *not* separate from the restart counter: a failed
 * start leaves the child `{:restarting, _}`, the supervisor casts itself `{:try_again_restart, id}`
 * (DynamicSupervisor: sends itself `{:"$gen_restart", old_pid}`) and goes back to its loop; the
 * retry runs `restart/2` again *including* `add_restart`, so every retry counts toward intensity
 * (rules 46, 57, 93). With intensity I and an empty window, a child whose start keeps failing gets I
 * attempts and then the supervisor shuts down (rule 47). There is no backoff: the retry is the next
 * message the supervisor handles after whatever was already queued (rules 45, 116).
 *
 * The models are reducers: each event the supervisor handles (a child's EXIT, a retry message, an
 * API call, a stop) goes in with the virtual time it is handled at; the *effects* the supervisor
 * must produce come out, in order. A property replays a run's trace through a model event by
 * event and compares effects (properties/p13-restart-backoff.ts). Start outcomes come from a
 * script: attempt n of child `id` has outcome `outcome(id, n)`.
 */
import type { Strategy } from './p03-supervision-strategies.js';
import { RestartIntensity } from './p04-restart-intensity.js';
import { onChildExit, type Reason, type RestartType } from './p05-restart-values.js';

/** What one start attempt gives a supervisor (rule 30): a pid, `:ignore`, or an error. */
export type StartKind = 'ok' | 'ignore' | 'error';

/** Where a child is: has a pid, has none (`:undefined`), or waits for a retry (`{:restarting, _}`). */
export type ChildState = 'running' | 'undefined' | 'restarting';

export type ReportContext = 'child_terminated' | 'start_error' | 'shutdown';

export type Effect =
  /** A supervisor error report about child `id` (rule 110; `shutdown` = reached_max_restart_intensity). */
  | { readonly kind: 'report'; readonly context: ReportContext; readonly id: string }
  /** The supervisor stops running child `id` (the shutdown protocol of §6). */
  | { readonly kind: 'terminate'; readonly id: string }
  /** Start attempt number `attempt` of child `id`, with its outcome. */
  | { readonly kind: 'start'; readonly id: string; readonly attempt: number; readonly outcome: StartKind }
  /** The supervisor schedules a retry of `id` (the try_again cast / the `$gen_restart` message). */
  | { readonly kind: 'retry'; readonly id: string }
  /** The supervisor exits with `reason`. */
  | { readonly kind: 'exit'; readonly reason: string };

/** Outcome of start attempt `attempt` (1-based, counted per child over the whole run). */
export type StartScript = (id: string, attempt: number) => StartKind;

/** One step of a model: the effects, and the API call's answer if the event was a call. */
export interface Step<R = undefined> {
  readonly effects: Effect[];
  readonly result: R;
}

export interface ChildSpecModel {
  readonly id: string;
  readonly restart: RestartType;
}

interface StaticChild {
  readonly id: string;
  readonly restart: RestartType;
  state: ChildState;
  /** The attempt number whose process is the child's current pid (when running). */
  incarnation: number;
}

/** The answer of `restart_child/2` (rule 79). */
export type RestartChildResult = 'ok_pid' | 'ok_undefined' | 'error' | 'running' | 'restarting' | 'not_found';
/** The answer of `terminate_child/2` (rule 78) and `delete_child/2` (rule 80). */
export type ChildCallResult = 'ok' | 'not_found' | 'running' | 'restarting';

/**
 * A static supervisor (one_for_one, one_for_all, rest_for_one) as the try_again path sees it
 * (supervision.md rules 37–50, 55, 78–81). No auto_shutdown here: pattern 6 covers it.
 */
export class StaticRetryModel {
  /** Children in start order (oldest first). */
  private readonly children: StaticChild[];
  private readonly attempts = new Map<string, number>();
  private readonly window: RestartIntensity;
  private stoppedWith: string | undefined;

  constructor(
    readonly strategy: Strategy,
    intensity: number,
    period: number,
    specs: readonly ChildSpecModel[],
    private readonly script: StartScript,
  ) {
    this.window = new RestartIntensity(intensity, period);
    this.children = specs.map((s) => ({ id: s.id, restart: s.restart, state: 'undefined', incarnation: 0 }));
  }

  /** The reason the supervisor stopped with, once it has. */
  get stopped(): string | undefined {
    return this.stoppedWith;
  }

  /** `which_children` (rule 81): ids newest first with their state. */
  whichChildren(): Array<{ id: string; state: ChildState; incarnation: number }> {
    return [...this.children].reverse().map((c) => ({ id: c.id, state: c.state, incarnation: c.incarnation }));
  }

  /**
   * Start-up (rules 29, 32, 33): every child in order; `:ignore` keeps a non-temporary spec with
   * pid `:undefined` and drops a temporary one; the first error aborts, the started children stop
   * newest first and the supervisor exits `{:shutdown, {:failed_to_start_child, id, reason}}`.
   */
  startUp(): Step<{ failed: string } | 'ok'> {
    const effects: Effect[] = [];
    for (const c of [...this.children]) {
      const outcome = this.attempt(c, effects);
      if (outcome === 'error') {
        effects.push({ kind: 'report', context: 'start_error', id: c.id });
        effects.push(...this.terminateRunning(this.children));
        this.stoppedWith = 'failed_to_start_child';
        return { effects, result: { failed: c.id } };
      }
      this.settle(c, outcome);
    }
    return { effects, result: 'ok' };
  }

  /**
   * `{:EXIT, pid, reason}` from incarnation `incarnation` of child `id` (rule 37). An EXIT from
   * anything but a current child's pid is ignored (rule 36).
   */
  childExit(id: string, incarnation: number, reason: Reason, nowMs: number): Step {
    const child = this.find(id);
    if (!child || child.state !== 'running' || child.incarnation !== incarnation) return { effects: [], result: undefined };
    const decision = onChildExit(child.restart, reason);
    const effects: Effect[] = decision.report ? [{ kind: 'report', context: 'child_terminated', id }] : [];
    child.state = 'undefined';
    if (decision.action === 'remove') this.remove(child);
    if (decision.action === 'restart') effects.push(...this.restart(child, nowMs));
    return { effects, result: undefined };
  }

  /** `{:try_again_restart, id}` (rule 46): a retry only while the child is still restarting; it counts. */
  tryAgain(id: string, nowMs: number): Step {
    const child = this.find(id);
    if (!child || child.state !== 'restarting') return { effects: [], result: undefined };
    return { effects: this.restart(child, nowMs), result: undefined };
  }

  /** Rule 78: stops a running child; `:ok` also for a stopped or restarting one (cancels the retry). */
  terminateChild(id: string): Step<ChildCallResult> {
    const child = this.find(id);
    if (!child) return { effects: [], result: 'not_found' };
    const effects: Effect[] = child.state === 'running' ? [{ kind: 'terminate', id }] : [];
    child.state = 'undefined';
    if (child.restart === 'temporary') this.remove(child);
    return { effects, result: 'ok' };
  }

  /** Rule 79: starts a child without a pid; no report, no intensity entry, no retry. */
  restartChild(id: string): Step<RestartChildResult> {
    const child = this.find(id);
    if (!child) return { effects: [], result: 'not_found' };
    if (child.state !== 'undefined') return { effects: [], result: child.state };
    const effects: Effect[] = [];
    const outcome = this.attempt(child, effects);
    if (outcome === 'ok') child.state = 'running';
    return { effects, result: outcome === 'ok' ? 'ok_pid' : outcome === 'ignore' ? 'ok_undefined' : 'error' };
  }

  /** Rule 80: removes a spec without a pid. */
  deleteChild(id: string): Step<ChildCallResult> {
    const child = this.find(id);
    if (!child) return { effects: [], result: 'not_found' };
    if (child.state !== 'undefined') return { effects: [], result: child.state };
    this.remove(child);
    return { effects: [], result: 'ok' };
  }

  /** `Supervisor.stop/2` or the parent's EXIT (rule 66): running children newest first, then exit. */
  stop(reason: string): Step {
    const effects = [...this.terminateRunning(this.children), { kind: 'exit', reason } as const];
    this.stoppedWith = reason;
    return { effects, result: undefined };
  }

  // ------------------------------------------------------------------------------- restart/2

  /** `restart/2` (rules 45, 46, 55): add_restart first, then the strategy. */
  private restart(child: StaticChild, nowMs: number): Effect[] {
    if (!this.window.add(nowMs)) {
      // Rule 55: report, mark the child stopped, shut everything down, exit :shutdown.
      child.state = 'undefined';
      const effects: Effect[] = [{ kind: 'report', context: 'shutdown', id: child.id }, ...this.terminateRunning(this.children)];
      effects.push({ kind: 'exit', reason: 'shutdown' });
      this.stoppedWith = 'shutdown';
      return effects;
    }
    if (this.strategy === 'one_for_one') return this.restartOne(child);
    const at = this.children.indexOf(child);
    const scope = this.strategy === 'one_for_all' ? [...this.children] : this.children.slice(at);
    return this.restartMultiple(scope);
  }

  /** Rule 39: only the child; `:ignore` leaves it without a pid and is not retried. */
  private restartOne(child: StaticChild): Effect[] {
    const effects: Effect[] = [];
    const outcome = this.attempt(child, effects);
    if (outcome === 'error') {
      effects.push({ kind: 'report', context: 'start_error', id: child.id }, { kind: 'retry', id: child.id });
      child.state = 'restarting';
      return effects;
    }
    child.state = outcome === 'ok' ? 'running' : 'undefined';
    return effects;
  }

  /**
   * Rules 40, 41, 49: terminate the scope's running children newest first (temporary ones are
   * removed), then start the scope in start order until one fails; the failed child is retried,
   * the ones started before it stay up, the ones after it stay without a pid.
   */
  private restartMultiple(scope: StaticChild[]): Effect[] {
    const effects = this.terminateRunning(scope);
    for (const c of scope) {
      if (c.restart === 'temporary') this.remove(c);
      else c.state = 'undefined';
    }
    for (const c of scope.filter((x) => x.restart !== 'temporary')) {
      const outcome = this.attempt(c, effects);
      if (outcome === 'error') {
        effects.push({ kind: 'report', context: 'start_error', id: c.id }, { kind: 'retry', id: c.id });
        c.state = 'restarting';
        return effects;
      }
      this.settle(c, outcome);
    }
    return effects;
  }

  // ------------------------------------------------------------------------------- helpers

  /** One start attempt: records the effect and returns the outcome. */
  private attempt(child: StaticChild, effects: Effect[]): StartKind {
    const n = (this.attempts.get(child.id) ?? 0) + 1;
    this.attempts.set(child.id, n);
    const outcome = this.script(child.id, n);
    effects.push({ kind: 'start', id: child.id, attempt: n, outcome });
    if (outcome === 'ok') child.incarnation = n;
    return outcome;
  }

  /** After a successful or ignored start inside `start_children` (rule 32). */
  private settle(child: StaticChild, outcome: 'ok' | 'ignore'): void {
    if (outcome === 'ok') child.state = 'running';
    else if (child.restart === 'temporary') this.remove(child);
    else child.state = 'undefined';
  }

  /** `terminate_children/2` over `scope`: its running children, newest first (rule 66). */
  private terminateRunning(scope: readonly StaticChild[]): Effect[] {
    const effects: Effect[] = [];
    for (const c of [...scope].reverse()) {
      if (c.state === 'running') effects.push({ kind: 'terminate', id: c.id });
      if (c.state === 'running') c.state = 'undefined';
    }
    return effects;
  }

  private find(id: string): StaticChild | undefined {
    return this.children.find((c) => c.id === id);
  }

  private remove(child: StaticChild): void {
    const i = this.children.indexOf(child);
    if (i >= 0) this.children.splice(i, 1);
  }
}

// ------------------------------------------------------------------------------- DynamicSupervisor

interface DynamicChild {
  readonly handle: string;
  readonly restart: RestartType;
  state: 'running' | 'restarting';
  /** The attempt whose pid is the child's key in the children map (the old pid while restarting). */
  keyIncarnation: number;
}

export type DynamicStartResult = 'ok' | 'ignore' | 'error' | 'max_children';

/**
 * Elixir's DynamicSupervisor (rules 57, 89–93): children keyed by pid; a failed restart keeps the
 * old pid as key with `{:restarting, child}` and sends `{:"$gen_restart", old_pid}` to self; the
 * retry runs add_restart again. `:ignore` from a restart removes the child (rule 93); from
 * `start_child` it returns `:ignore` and saves nothing (rule 89). Children are named by a handle
 * (the start_child call that created them).
 */
export class DynamicRetryModel {
  private readonly children = new Map<string, DynamicChild>();
  private readonly attempts = new Map<string, number>();
  private readonly window: RestartIntensity;
  private stoppedWith: string | undefined;

  constructor(
    intensity: number,
    period: number,
    readonly maxChildren: number | 'infinity',
    private readonly script: StartScript,
  ) {
    this.window = new RestartIntensity(intensity, period);
  }

  get stopped(): string | undefined {
    return this.stoppedWith;
  }

  /** Rule 91: `specs` counts restarting entries, `active` does not. */
  counts(): { specs: number; active: number } {
    const all = [...this.children.values()];
    return { specs: all.length, active: all.filter((c) => c.state === 'running').length };
  }

  /** Rule 89: max_children (restarting entries count), then one attempt. */
  startChild(handle: string, restart: RestartType): Step<DynamicStartResult> {
    if (this.maxChildren !== 'infinity' && this.children.size >= this.maxChildren) return { effects: [], result: 'max_children' };
    const effects: Effect[] = [];
    const n = this.attempt(handle, effects);
    const outcome = this.script(handle, n);
    if (outcome === 'ok') this.children.set(handle, { handle, restart, state: 'running', keyIncarnation: n });
    return { effects, result: outcome };
  }

  /** `{:EXIT, pid, reason}` (rule 92): the pid must be the key of a running child. */
  childExit(handle: string, incarnation: number, reason: Reason, nowMs: number): Step {
    const child = this.children.get(handle);
    if (!child || child.state !== 'running' || child.keyIncarnation !== incarnation) return { effects: [], result: undefined };
    const decision = onChildExit(child.restart, reason);
    const effects: Effect[] = decision.report ? [{ kind: 'report', context: 'child_terminated', id: handle }] : [];
    if (decision.action !== 'restart') {
      this.children.delete(handle);
      return { effects, result: undefined };
    }
    effects.push(...this.restart(child, nowMs));
    return { effects, result: undefined };
  }

  /** `{:"$gen_restart", pid}`: only an entry still keyed by that pid and restarting is retried. */
  genRestart(handle: string, keyIncarnation: number, nowMs: number): Step {
    const child = this.children.get(handle);
    if (!child || child.keyIncarnation !== keyIncarnation || child.state !== 'restarting') return { effects: [], result: undefined };
    return { effects: this.restart(child, nowMs), result: undefined };
  }

  /** Rule 90: a running or restarting child keyed by that pid is stopped (if running) and deleted. */
  terminateChild(handle: string, keyIncarnation: number): Step<'ok' | 'not_found'> {
    const child = this.children.get(handle);
    if (!child || child.keyIncarnation !== keyIncarnation) return { effects: [], result: 'not_found' };
    this.children.delete(handle);
    return { effects: child.state === 'running' ? [{ kind: 'terminate', id: handle }] : [], result: 'ok' };
  }

  /** Stop: every running child is signalled at once (rule 95); then exit. */
  stop(reason: string): Step {
    const effects: Effect[] = [...this.children.values()].filter((c) => c.state === 'running').map((c) => ({ kind: 'terminate', id: c.handle }) as const);
    effects.push({ kind: 'exit', reason });
    this.stoppedWith = reason;
    return { effects, result: undefined };
  }

  /** `restart_child/3` (rules 57, 93). */
  private restart(child: DynamicChild, nowMs: number): Effect[] {
    if (!this.window.add(nowMs)) {
      this.children.delete(child.handle);
      const effects: Effect[] = [{ kind: 'report', context: 'shutdown', id: child.handle }];
      return [...effects, ...this.stop('shutdown').effects];
    }
    const effects: Effect[] = [];
    const n = this.attempt(child.handle, effects);
    const outcome = this.script(child.handle, n);
    if (outcome === 'ok') {
      child.state = 'running';
      child.keyIncarnation = n;
    } else if (outcome === 'ignore') {
      this.children.delete(child.handle);
    } else {
      // The entry stays keyed by the old pid (rule 93).
      child.state = 'restarting';
      effects.push({ kind: 'report', context: 'start_error', id: child.handle }, { kind: 'retry', id: child.handle });
    }
    return effects;
  }

  private attempt(handle: string, effects: Effect[]): number {
    const n = (this.attempts.get(handle) ?? 0) + 1;
    this.attempts.set(handle, n);
    effects.push({ kind: 'start', id: handle, attempt: n, outcome: this.script(handle, n) });
    return n;
  }
}

// ------------------------------------------------------------------------------- the headline claim

export interface RetryOutcome {
  /** Start attempts after the crash, in order. */
  readonly attempts: Array<'ok' | 'error'>;
  /** The supervisor gave up (reached max restart intensity). */
  readonly supervisorShutdown: boolean;
}

/**
 * Rule 47 in one line: a crash at `crashMs` of the only child of a one_for_one supervisor whose
 * next `failures` starts fail, all retried within the same second. With intensity I and
 * `failures >= I`, the answer is I failed attempts and a shutdown.
 */
export function retryOutcome(intensity: number, period: number, failures: number, crashMs = 0): RetryOutcome {
  const script: StartScript = (_id, n) => (n === 1 || n > failures + 1 ? 'ok' : 'error');
  const model = new StaticRetryModel('one_for_one', intensity, period, [{ id: 'c', restart: 'permanent' }], script);
  model.startUp();
  let step = model.childExit('c', 1, 'boom', crashMs);
  const attempts: Array<'ok' | 'error'> = [];
  for (;;) {
    for (const e of step.effects) if (e.kind === 'start') attempts.push(e.outcome === 'ok' ? 'ok' : 'error');
    if (!step.effects.some((e) => e.kind === 'retry')) break;
    step = model.tryAgain('c', crashMs);
  }
  return { attempts, supervisorShutdown: model.stopped === 'shutdown' };
}
