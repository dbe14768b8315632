/**
 * Pattern 15 — GenServer.reply/2 for deferred responses (processes.md §3.2.4–§3.2.5, §3.3.2).
 * A call returns the first reply sent to its `from`, by any process; if none arrives before the
 * caller's timeout the caller exits with `:timeout` and a later reply is dropped (the tag is an
 * alias). While the reply is deferred the server keeps serving other requests.
 */
export interface DeferredCall {
  /** When the reply is sent, relative to the call (ms), or null if never. */
  readonly replyAfter: number | null;
  readonly timeout: number;
}

export type CallResult = 'reply' | 'timeout';

export function callResult(c: DeferredCall): CallResult {
  return c.replyAfter !== null && c.replyAfter < c.timeout ? 'reply' : 'timeout';
}

/** Messages left in the caller's mailbox afterwards: always none (late replies are dropped). */
export function strayMessages(_c: DeferredCall): number {
  return 0;
}

/** With N concurrent callers of a T-ms operation: a blocking server takes N·T, a deferring one T. */
export function lastReplyAt(callers: number, workMs: number, deferred: boolean): number {
  return deferred ? workMs : callers * workMs;
}
