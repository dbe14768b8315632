/**
 * Pattern 16 — Process.alias for safe request/response (processes.md §1.6). An alias accepts
 * messages while active; `:reply` aliases deactivate on the first message received; `unalias`
 * deactivates; messages sent through an inactive alias are dropped before they reach the mailbox,
 * messages already queued stay.
 */
export type AliasMode = 'explicit_unalias' | 'reply';

export class AliasModel {
  private active = true;
  constructor(readonly mode: AliasMode) {}

  /** A message sent through the alias arrives: `true` if it is queued. */
  deliver(): boolean {
    if (!this.active) return false;
    if (this.mode === 'reply') this.active = false;
    return true;
  }

  /** `unalias`: true iff it was active. */
  unalias(): boolean {
    const was = this.active;
    this.active = false;
    return was;
  }
}

/**
 * The request/response claim: replies that arrive after the requester gave up. With a bare pid
 * they stay in the mailbox; with an alias deactivated on timeout they are dropped.
 */
export function staleRepliesLeft(replyAddress: 'pid' | 'alias', lateReplies: number): number {
  return replyAddress === 'pid' ? lateReplies : 0;
}
