/**
 * The effect vocabulary: everything a process can ask of the kernel.
 *
 * A process body is a generator; each `yield` hands one effect to the kernel, which performs it
 * atomically and resumes the process with the result at a later step. That makes every interaction
 * with the world a scheduling point. User code never builds effects by hand: it calls the
 * generator functions in ./api.ts with `yield*`.
 */
import type { Pid, Ref, Term } from '../term/Term.js';

/** A generator that performs effects and returns `T`: the type of every process-level operation. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Op<T> = Generator<Effect, T, any>;

/** A process body: a generator function taking no arguments (capture what it needs). */
export type ProcessBody = () => Op<unknown>;

/**
 * Selects a message in a selective receive: returns `undefined` for "no match" (the message stays
 * queued, in order), anything else is the value `receive` returns and removes the message.
 * `description` (or the function's name) is shown in deadlock reports.
 */
export type Matcher<R> = ((msg: Term) => R | undefined) & { description?: string };

/** Alias modes of `alias/1` and of `monitor(..., {alias})` (processes.md §1.6). */
export type AliasMode = 'explicit_unalias' | 'reply';
export type MonitorAliasMode = 'explicit_unalias' | 'demonitor' | 'reply_demonitor';

/** Where a message can be sent: a pid, a registered name (atom), an alias, or `{name, node}`. */
export type Dest = Pid | Ref | string | Term;

export type ProcessInfoItem =
  | 'message_queue_len'
  | 'messages'
  | 'links'
  | 'monitors'
  | 'monitored_by'
  | 'trap_exit'
  | 'registered_name'
  | 'dictionary'
  | 'status'
  | 'label';

export type EtsType = 'set' | 'ordered_set' | 'bag' | 'duplicate_bag';
export type EtsAccess = 'public' | 'protected' | 'private';

export interface EtsNewOptions {
  type?: EtsType;
  access?: EtsAccess;
  /** Register the table under this atom name (`:named_table`). */
  name?: string;
  /** 1-based key position in stored tuples (default 1). */
  keyPos?: number;
}

export type EtsCall =
  | { fn: 'new'; options: EtsNewOptions }
  | { fn: 'insert'; table: Term; rows: Term[] }
  | { fn: 'insert_new'; table: Term; rows: Term[] }
  | { fn: 'lookup'; table: Term; key: Term }
  | { fn: 'lookup_element'; table: Term; key: Term; pos: number }
  | { fn: 'member'; table: Term; key: Term }
  | { fn: 'delete'; table: Term; key: Term }
  | { fn: 'delete_object'; table: Term; row: Term }
  | { fn: 'delete_table'; table: Term }
  | { fn: 'select'; table: Term; filter: (row: Term) => Term | undefined }
  | { fn: 'select_delete'; table: Term; filter: (row: Term) => boolean }
  | { fn: 'tab2list'; table: Term }
  | { fn: 'info_size'; table: Term }
  | { fn: 'update_element'; table: Term; key: Term; pos: number; value: Term }
  | { fn: 'update_counter'; table: Term; key: Term; pos: number; incr: number; default?: Term }
  | { fn: 'whereis'; name: string };

export type Effect =
  | { op: 'self' }
  | { op: 'spawn'; body: ProcessBody; link: boolean; monitor: boolean; label?: string }
  | { op: 'send'; dest: Dest; msg: Term }
  | { op: 'receive'; matcher: Matcher<unknown>; after: number | 'infinity' }
  | { op: 'link'; pid: Pid }
  | { op: 'unlink'; pid: Pid }
  | { op: 'monitor'; target: Pid | string | Term; alias?: MonitorAliasMode; tag?: Term }
  | { op: 'demonitor'; ref: Ref; flush: boolean; info: boolean }
  | { op: 'exit'; pid: Pid; reason: Term }
  | { op: 'trap_exit'; value: boolean }
  | { op: 'register'; name: string; pid: Pid }
  | { op: 'unregister'; name: string }
  | { op: 'whereis'; name: string }
  | { op: 'put'; key: Term; value: Term }
  | { op: 'get'; key: Term }
  | { op: 'erase'; key: Term }
  | { op: 'get_keys' }
  | { op: 'alias'; mode: AliasMode }
  | { op: 'unalias'; ref: Ref }
  | { op: 'send_after'; dest: Dest; msg: Term; ms: number; startTimer: boolean }
  | { op: 'cancel_timer'; ref: Ref }
  | { op: 'read_timer'; ref: Ref }
  | { op: 'now' }
  | { op: 'make_ref' }
  | { op: 'is_alive'; pid: Pid }
  | { op: 'info'; pid: Pid; item: ProcessInfoItem }
  | { op: 'label'; text: string }
  | { op: 'report'; name: string; data: Term }
  | { op: 'semantics' }
  | { op: 'mutation' }
  | { op: 'choose'; n: number }
  | { op: 'yield' }
  | { op: 'ets'; call: EtsCall };
