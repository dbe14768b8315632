/**
 * Pattern 16 — Process.alias for safe request/response (processes.md §1.6).
 *
 * - An alias accepts messages from any process while active (§1.6.1); messages sent through an
 *   inactive alias are dropped before they reach the mailbox; messages already queued stay.
 * - `alias()` stays active until `unalias/1` or exit; `alias([:reply])` deactivates when the first
 *   message through it arrives (§1.6.2).
 * - `unalias(a)` is true iff `a` was an active alias *of the caller* (§1.6.3).
 * - Monitor aliases (§1.6.4): `:explicit_unalias` survives DOWN and demonitor; `:demonitor` dies
 *   with the monitor (demonitor or DOWN), `unalias` keeps the monitor; `:reply_demonitor` is
 *   `:demonitor` plus: the first message through it removes alias and monitor (no DOWN later).
 *
 * `OwnerModel` is the state of one process's aliases and of its mailbox, stepped by commands.
 */
export type AliasMode = 'explicit_unalias' | 'reply';
export type MonitorAliasMode = 'explicit_unalias' | 'demonitor' | 'reply_demonitor';
export type AliasKind = { readonly monitor: false; readonly mode: AliasMode } | { readonly monitor: true; readonly mode: MonitorAliasMode };

interface AliasState {
  readonly kind: AliasKind;
  active: boolean;
  /** Monitor aliases: the monitor is still in place (a DOWN will come when the target exits). */
  monitoring: boolean;
}

export class OwnerModel {
  private readonly aliases: AliasState[] = [];
  /** Messages queued through aliases, oldest first (DOWNs are awaited and consumed at once). */
  readonly mailbox: string[] = [];

  /** Creates an alias (or monitor alias); returns its index. */
  create(kind: AliasKind): number {
    this.aliases.push({ kind, active: true, monitoring: kind.monitor });
    return this.aliases.length - 1;
  }

  kind(a: number): AliasKind {
    return this.aliases[a]!.kind;
  }

  /** A message arrives through alias `a`: true if it is queued. */
  arrive(a: number, msg: string): boolean {
    const s = this.aliases[a]!;
    if (!s.active) return false;
    if (s.kind.mode === 'reply') s.active = false;
    if (s.kind.mode === 'reply_demonitor') {
      s.active = false;
      s.monitoring = false;
    }
    this.mailbox.push(msg);
    return true;
  }

  /** `unalias(a)` by the owner: true iff it was active; a monitor stays in place. */
  unalias(a: number): boolean {
    const s = this.aliases[a]!;
    const was = s.active;
    s.active = false;
    return was;
  }

  /** `unalias(a)` by another process: always false, nothing changes (§1.6.3). */
  foreignUnalias(): boolean {
    return false;
  }

  /** `demonitor(a, [:info])`: true iff the monitor was in place; `:demonitor` modes lose the alias. */
  demonitor(a: number): boolean {
    const s = this.aliases[a]!;
    const was = s.monitoring;
    s.monitoring = false;
    if (s.kind.mode !== 'explicit_unalias') s.active = false;
    return was;
  }

  /** The monitored process exits: true if a DOWN arrives; `:demonitor` modes lose the alias. */
  targetExits(a: number): boolean {
    const s = this.aliases[a]!;
    const down = s.monitoring;
    s.monitoring = false;
    if (down && s.kind.mode !== 'explicit_unalias') s.active = false;
    return down;
  }

  /**
   * A message through `a` races the owner's `unalias(a)`. Either may happen first; returns the
   * (queued, unalias result) pairs that are possible from the current state.
   */
  raceOutcomes(a: number): Array<{ queued: boolean; unaliased: boolean }> {
    const s = this.aliases[a]!;
    if (!s.active) return [{ queued: false, unaliased: false }];
    const consumes = s.kind.mode === 'reply' || s.kind.mode === 'reply_demonitor';
    return [
      { queued: true, unaliased: !consumes },
      { queued: false, unaliased: true },
    ];
  }

  /** Applies the observed outcome of a race (one of `raceOutcomes`). */
  race(a: number, msg: string, queued: boolean): void {
    if (queued) this.arrive(a, msg);
    this.unalias(a);
  }

  /** The owner receives its oldest alias message. */
  receiveOne(): string | undefined {
    return this.mailbox.shift();
  }
}

/**
 * The request/response claim: replies that arrive after the requester gave up. With a bare pid
 * they stay in the mailbox; with an alias deactivated on timeout they are dropped — except one
 * that arrives between the time-out and the `unalias`, which stays unless the requester flushes it.
 */
export function staleRepliesLeft(replyAddress: 'pid' | 'alias' | 'alias_then_flush', lateReplies: number, racedUnalias: number): number {
  if (replyAddress === 'pid') return lateReplies;
  return replyAddress === 'alias' ? racedUnalias : 0;
}
