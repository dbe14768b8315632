/**
 * Pattern 14 — `$ancestors` and `$callers` (processes.md §2.1, §2.3, §8).
 *
 * - proc_lib processes (GenServer, Supervisor, Agent …): `$ancestors = [P | A]`, P the spawner's
 *   registered name if it has one, else its pid; A the spawner's ancestors (§2.1). They never set
 *   `$callers` (§2.3: "Only tasks set `$callers`").
 * - Tasks: `$callers = [caller | caller's $callers]`. `$ancestors`: current Elixir stores
 *   `[spawner_pid | spawner's ancestors]` (always a pid); Elixir 1.14 uses the proc_lib rule. The
 *   spawner is the caller for Task.*, the supervisor for Task.Supervisor.* (§2.3).
 * - A task's crash report (`Task.Supervisor` `:terminating`, §5.1.3) names its starter — the
 *   caller's registered name or pid — and carries the task's `$callers` as logger metadata.
 *
 * Pids and names are strings here (a pid as `<0.5.0>`, a name as the bare atom text), so the model
 * never depends on the runtime's term types.
 */
export type Profile = 'current' | 'otp25';

export interface ProcView {
  readonly pid: string;
  readonly name?: string;
  readonly ancestors: readonly string[];
  readonly callers: readonly string[];
}

/** How a process of the generated trees is started. */
export type ProcLibKind = 'gen_server' | 'agent' | 'supervisor';
export type TaskKind = 'task_async' | 'task_start' | 'task_start_link' | 'sup_async' | 'sup_async_nolink' | 'sup_start_child';
export type NodeKind = ProcLibKind | TaskKind;

export function isTaskKind(kind: NodeKind): kind is TaskKind {
  return kind !== 'gen_server' && kind !== 'agent' && kind !== 'supervisor';
}

/** Task.Supervisor tasks are spawned by the supervisor, not by their caller (§2.3). */
export function spawnedBySupervisor(kind: NodeKind): boolean {
  return kind === 'sup_async' || kind === 'sup_async_nolink' || kind === 'sup_start_child';
}

export function procLibAncestors(spawner: ProcView): string[] {
  return [spawner.name ?? spawner.pid, ...spawner.ancestors];
}

export function taskAncestors(spawner: ProcView, profile: Profile): string[] {
  return profile === 'current' ? [spawner.pid, ...spawner.ancestors] : procLibAncestors(spawner);
}

export function taskCallers(caller: ProcView): string[] {
  return [caller.pid, ...caller.callers];
}

/** The lineage a new process of `kind` stores, given who spawns it and who asked for it. */
export function lineageOf(kind: NodeKind, spawner: ProcView, caller: ProcView, profile: Profile): { ancestors: string[]; callers: string[] } {
  if (!isTaskKind(kind)) return { ancestors: procLibAncestors(spawner), callers: [] };
  return { ancestors: taskAncestors(spawner, profile), callers: taskCallers(caller) };
}

/** A task crash report: `starter` is the caller's name or pid, `callers` the task's `$callers`. */
export function taskCrashReport(task: ProcView, caller: ProcView): { starter: string; callers: readonly string[] } {
  return { starter: caller.name ?? caller.pid, callers: task.callers };
}

/**
 * Who a plain `spawn`/`spawn_link`ed process's crash is logged with: the emulator's error report
 * ("Process #PID<…> raised an exception") carries no metadata, so no caller — whatever the process
 * stored in its dictionary (measured on Elixir 1.14/OTP 25 and 1.18/OTP 27). A task started *by*
 * that process logs `[process | process's $callers]`.
 */
export function crashLogCallers(where: 'plain_process' | 'task', crashed: ProcView): readonly string[] {
  return where === 'plain_process' ? [] : crashed.callers;
}

/**
 * Logger metadata is per process (Erlang's logger keeps it in the process dictionary): a
 * GenServer serving a request sees only its own, never the caller's, unless the request carries it.
 */
export function requestIdSeenByServer(serverOwn: string | undefined, carriedInRequest: string | undefined): string | undefined {
  return carriedInRequest ?? serverOwn;
}
