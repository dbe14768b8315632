/**
 * Pattern 8 — Task.Supervisor.async_nolink vs Task.async inside a GenServer. What the calling
 * process sees when the task succeeds or crashes (processes.md §5.1.3, §5.6.4, §5.6.8;
 * oracle-notes "async_nolink task crash: the owner gets one DOWN").
 */
export type Spawn = 'async' | 'async_nolink';

export interface CallerView {
  /** Messages the owner receives for this task, in order. */
  readonly messages: Array<'reply' | 'down_normal' | 'down_crash'>;
  /** The owner (not trapping exits) is killed by the task's crash. */
  readonly ownerDies: boolean;
}

export function callerView(spawn: Spawn, taskCrashes: boolean): CallerView {
  if (!taskCrashes) return { messages: ['reply', 'down_normal'], ownerDies: false };
  if (spawn === 'async_nolink') return { messages: ['down_crash'], ownerDies: false };
  return { messages: [], ownerDies: true };
}

/** The "after" GenServer answers every caller: a reply for a success, `{:error, reason}` for a crash. */
export function serverAnswer(taskCrashes: boolean): 'ok' | 'error' {
  return taskCrashes ? 'error' : 'ok';
}
