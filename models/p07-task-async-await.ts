/**
 * Pattern 7 — Task.async/await. What the owner sees from `await` (processes.md §5.1–§5.2) and the
 * latency claim: concurrent tasks take as long as the slowest one, sequential work takes the sum.
 */
export interface TaskWork {
  /** Virtual ms the task's work takes. */
  readonly ms: number;
  /** The task raises instead of returning. */
  readonly crashes: boolean;
}

export type AwaitOutcome =
  | { kind: 'value' }
  /** `exit({:timeout, {Task, :await, …}})` in the owner; the task keeps running (§5.2.2). */
  | { kind: 'timeout' }
  /** The task crashed: the link kills a non-trapping owner with the task's reason (§5.1.3). */
  | { kind: 'owner_killed' }
  /** A trapping owner survives the link and `await` exits with the task's reason (§5.2.1). */
  | { kind: 'exit' };

/** Outcome of `Task.await(task, timeout)` called when the task was started. */
export function awaitOutcome(work: TaskWork, timeout: number, ownerTraps: boolean): AwaitOutcome {
  if (work.crashes) return ownerTraps ? { kind: 'exit' } : { kind: 'owner_killed' };
  if (work.ms >= timeout + 1) return { kind: 'timeout' };
  return { kind: 'value' };
}

/** Latency of awaiting every task started together: the slowest one (the claim of the "after" example). */
export function concurrentLatency(works: readonly TaskWork[]): number {
  return Math.max(0, ...works.map((w) => w.ms));
}

/** Latency of doing the same work one after another (the "before" example). */
export function sequentialLatency(works: readonly TaskWork[]): number {
  return works.reduce((sum, w) => sum + w.ms, 0);
}
