/**
 * Pattern 8 — Task.Supervisor.async_nolink vs linked tasks. What the calling process sees when a
 * task succeeds or crashes (processes.md §5.1.2-§5.1.3, §5.6.3-§5.6.4, §5.6.8; oracle-notes
 * "async_nolink task crash: the owner gets one DOWN"):
 *
 * | spawned with                 | linked to caller | success                         | crash                                   |
 * |------------------------------|------------------|---------------------------------|-----------------------------------------|
 * | `Task.async`                 | yes              | `{ref, r}`, DOWN `:normal`      | kills a non-trapping caller; a trapping one gets `{:EXIT, pid, r}` and DOWN `r` |
 * | `Task.Supervisor.async`      | yes              | same                            | same                                    |
 * | `Task.Supervisor.async_nolink` | no             | same                            | DOWN `r` only; the caller lives on      |
 *
 * And the other way round: a linked task dies with its caller's abnormal exit reason (§1.4.4),
 * a nolink task runs on.
 */
export type Spawn = 'Task.async' | 'Task.Supervisor.async' | 'Task.Supervisor.async_nolink';

export const SPAWNS: readonly Spawn[] = ['Task.async', 'Task.Supervisor.async', 'Task.Supervisor.async_nolink'];

export type CallerMessage = 'reply' | 'down_normal' | 'down_crash' | 'exit_normal' | 'exit_crash';

export interface CallerView {
  /** Monitor messages the caller receives for this task, in order (when it survives). */
  readonly messages: ReadonlyArray<'reply' | 'down_normal' | 'down_crash'>;
  /** `{:EXIT, pid, reason}` reaches the caller (a trapping caller of a linked task). */
  readonly exitMessage: 'exit_normal' | 'exit_crash' | null;
  /** The task's crash kills the caller (a linked task, a caller not trapping exits). */
  readonly ownerDies: boolean;
}

export function isLinked(spawn: Spawn): boolean {
  return spawn !== 'Task.Supervisor.async_nolink';
}

export function callerView(spawn: Spawn, taskCrashes: boolean, callerTraps = false): CallerView {
  const linked = isLinked(spawn);
  const messages: CallerView['messages'] = taskCrashes ? ['down_crash'] : ['reply', 'down_normal'];
  const exitMessage = linked && callerTraps ? (taskCrashes ? 'exit_crash' : 'exit_normal') : null;
  return { messages, exitMessage, ownerDies: linked && taskCrashes && !callerTraps };
}

/** Does the caller's abnormal death take the (still running) task down with it? */
export function diesWithCaller(spawn: Spawn): boolean {
  return isLinked(spawn);
}

/** The "after" GenServer answers every caller: a reply for a success, `{:error, reason}` for a crash. */
export function serverAnswer(taskCrashes: boolean): 'ok' | 'error' {
  return taskCrashes ? 'error' : 'ok';
}
