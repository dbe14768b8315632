/**
 * Pattern 14 — `$ancestors` and `$callers` (processes.md §2.1, §2.3, §8).
 *
 * - proc_lib processes (GenServer, Supervisor, Agent …): `$ancestors = [P | A]`, P the spawner's
 *   registered name if it has one, else its pid; A the spawner's ancestors.
 * - Tasks: `$callers = [caller | caller's $callers]`. `$ancestors`: current Elixir stores
 *   `[spawner_pid | spawner's ancestors]` (always a pid); Elixir 1.14 uses the proc_lib rule. The
 *   spawner is the caller for Task.*, the supervisor for Task.Supervisor.*.
 */
export type Profile = 'current' | 'otp25';

export interface ProcView {
  readonly pid: string;
  readonly name?: string;
  readonly ancestors: readonly string[];
  readonly callers: readonly string[];
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
