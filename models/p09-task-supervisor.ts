/**
 * Pattern 9 — Task.Supervisor as a DynamicSupervisor specialization (supervision.md §10, rules
 * 96–99; §9 rules 89–92, 95; processes.md §2.3, §5.5.2, §5.6).
 *
 * - Every task child is `{Task.Supervised, :start_link, args}`: restart `:temporary`, shutdown
 *   5000, type `:worker`, modules `[Task.Supervised]` unless `start_child`/`async_nolink` override
 *   the shutdown (rules 97–98, §5.6.2). A temporary child is never restarted (rule 92).
 * - `max_children` counts the children the supervisor still holds: `start_child` then returns
 *   `{:error, :max_children}`, `async`/`async_nolink` raise (rules 89, 97–98).
 * - `terminate_child(sup, pid)` runs the shutdown protocol on one child (rules 90, 95): `:kill` for
 *   `:brutal_kill`; otherwise `:shutdown`, which kills a process that does not trap exits at once,
 *   while a trapping one has `shutdown` ms to end on its own before it is killed.
 * - A task records `$callers = [caller | caller's $callers]` and, spawned by the supervisor,
 *   `$ancestors = [supervisor | supervisor's $ancestors]` (§2.3).
 *
 * Time windows as in models/p07: a quantity known up to signal lag is a `[lo, hi]` window.
 */
export const TASK_SUPERVISED = 'Elixir.Task.Supervised';

export const TASK_CHILD_DEFAULTS = { restart: 'temporary', shutdown: 5000, type: 'worker', modules: [TASK_SUPERVISED] } as const;

export type ShutdownOption = 'default' | 'brutal_kill' | number;

/** The shutdown a task child gets (rule 97: the option, else the supervisor's default 5000). */
export function shutdownOf(option: ShutdownOption): number | 'brutal_kill' {
  return option === 'default' ? TASK_CHILD_DEFAULTS.shutdown : option;
}

export interface Window {
  readonly lo: number;
  readonly hi: number;
}

/** `{:ok, pid}` | `{:error, :max_children}` answers `start_child` may give when between `surely` and `maybe` children are held. */
export function startResults(maxChildren: number | 'infinity', held: { surely: number; maybe: number }): Array<'ok' | 'max_children'> {
  if (maxChildren === 'infinity') return ['ok'];
  const out: Array<'ok' | 'max_children'> = [];
  if (held.surely < maxChildren) out.push('ok');
  if (held.maybe >= maxChildren) out.push('max_children');
  return out;
}

/** How a child ends when `terminate_child` reaches it at `at` while its own work ends within `finish`. */
export type TerminateEnd = { readonly by: 'own' | 'shutdown' | 'killed'; readonly at: Window };

export function terminateEnds(shutdown: number | 'brutal_kill', trapsExits: boolean, at: number, finish: Window, slack: number): TerminateEnd[] {
  // The exit signal (:kill, or :shutdown for a child not trapping exits) ends it on arrival; a
  // trapping child has `shutdown` ms to end on its own, then it is killed (rule 95).
  const graceful = shutdown !== 'brutal_kill' && trapsExits;
  const signal: TerminateEnd['by'] = shutdown === 'brutal_kill' || trapsExits ? 'killed' : 'shutdown';
  const grace = graceful ? shutdown : 0;
  const deadline: Window = { lo: at + grace, hi: at + grace + slack };
  const out: TerminateEnd[] = [];
  if (finish.lo <= deadline.hi) out.push({ by: 'own', at: finish });
  if (finish.hi >= deadline.lo) out.push({ by: signal, at: deadline });
  return out;
}

/** A task child that crashes is not restarted (temporary): every task runs exactly once. */
export function incarnations(crashes: number): number {
  void crashes;
  return 1;
}

/** `$callers` of a task started by `caller` (§2.3). */
export function callersOf<P>(caller: P, callersOfCaller: readonly P[]): P[] {
  return [caller, ...callersOfCaller];
}

/** `$ancestors` of a task spawned by the supervisor (§2.3; the supervisor has no registered name here). */
export function ancestorsOf<P>(supervisor: P, ancestorsOfSupervisor: readonly P[]): P[] {
  return [supervisor, ...ancestorsOfSupervisor];
}
