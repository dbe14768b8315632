/**
 * Pattern 15 — GenServer.reply/2 for deferred responses (processes.md §3.2.3–§3.2.5, §3.3.2).
 *
 * - A call returns the first reply sent to its `from`, by any process (§3.3.2). On one node every
 *   signal to a process enters its queue in send order, so "first to arrive" is "first sent".
 * - A finite-timeout call's tag is an alias (`alias: :demonitor`, §3.2.3). If no reply has arrived
 *   when the timeout fires, the caller removes the monitor — deactivating the alias — and then
 *   takes a reply that is already queued, if any; else it exits `:timeout` (§3.2.4). Every reply
 *   that arrives after the alias is gone is dropped before the mailbox (§3.2.5).
 * - After a successful receive the caller also demonitors; a duplicate reply arriving before that
 *   stays in the mailbox (OTP has the same window), later ones are dropped. An `:infinity` call
 *   has no alias: duplicates always land in the mailbox.
 * - While a reply is deferred the server keeps serving: each request is taken from the mailbox as
 *   soon as it arrives, and a deferred reply goes out after its own delay, whatever else is pending.
 */
export type CallTimeout = number | 'infinity';

export type CallResult = { kind: 'reply'; index: number } | { kind: 'timeout' };

/** Finite timeouts use an alias as the reply tag (§3.2.3). */
export function usesAlias(timeout: CallTimeout): boolean {
  return timeout !== 'infinity';
}

/**
 * The results a call may have, given when its replies were sent (ms after the call started, in
 * send order). Within `slack` ms of the deadline both are possible: the reply and the time-out
 * race (signals and steps may lag the clock).
 */
export function acceptableResults(timeout: CallTimeout, replySentAfter: readonly number[], slack: number): CallResult[] {
  const first = replySentAfter[0];
  if (first === undefined) return timeout === 'infinity' ? [] : [{ kind: 'timeout' }];
  if (timeout === 'infinity' || first < timeout - slack) return [{ kind: 'reply', index: 0 }];
  if (first > timeout + slack) return [{ kind: 'timeout' }];
  return [{ kind: 'reply', index: 0 }, { kind: 'timeout' }];
}

/**
 * Whether a reply that arrives at the caller is queued: always without an alias; with one, only
 * while the alias is still active (before the caller's demonitor).
 */
export function replyQueued(timeout: CallTimeout, arrivesBeforeDemonitor: boolean): boolean {
  return !usesAlias(timeout) || arrivesBeforeDemonitor;
}

/** With N concurrent callers of a T-ms operation: a blocking server answers the last at N·T, a deferring one at T. */
export function lastReplyAt(callers: number, workMs: number, deferred: boolean): number {
  return deferred ? workMs : callers * workMs;
}

/** How long a request may wait in the server's mailbox: a non-blocking server takes it at once. */
export function queueingDelayBound(blockedForMs: number, deferred: boolean, slack: number): number {
  return deferred ? slack : blockedForMs + slack;
}
