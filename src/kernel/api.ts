/**
 * The process API: what user code calls, with `yield*`, inside a process body.
 *
 * ```ts
 * function* pinger(): Op<void> {
 *   const me = yield* self();
 *   const pong = yield* spawnLink(function* () {
 *     const [, from] = yield* receive(match.tagged('ping', 2));
 *     yield* send(from as Pid, 'pong');
 *   });
 *   yield* send(pong, t('ping', me));
 *   yield* receive(match.eq('pong'), { after: 1000 });
 * }
 * ```
 *
 * Every function here is a scheduling point (it yields one effect). Semantics follow
 * processes.md §1; the kernel (./Runtime.ts) implements them.
 */
import { erlangError } from './errors.js';
import type { Pid, Ref, Term } from '../term/Term.js';
import type {
  AliasMode,
  Dest,
  Effect,
  EtsCall,
  Matcher,
  MonitorAliasMode,
  Op,
  ProcessBody,
  ProcessInfoItem,
} from './effects.js';

/** Returned by `receive` with `after` when no message matched in time. */
export const TIMEOUT: unique symbol = Symbol('timeout');
export type Timeout = typeof TIMEOUT;

/**
 * One effect as an `Op`: `yield*` over it yields the effect once and returns what the kernel
 * resumes the process with. A hand-written iterator rather than a generator because it is the
 * hottest object in the simulator (one per scheduling point): `npm run bench` measured the ring
 * faster with it. `throw` rethrows, so an error the kernel raises in the process surfaces at the
 * `yield*`, exactly as it did through a generator. (No `return`: the kernel never closes a process
 * early, so `yield*` never asks for it.)
 */
class EffectOp<T> {
  private done = false;

  constructor(private readonly effect: Effect) {}

  [Symbol.iterator](): this {
    return this;
  }

  next(value?: unknown): IteratorResult<Effect, T> {
    if (this.done) return { value: value as T, done: true };
    this.done = true;
    return { value: this.effect, done: false };
  }

  throw(error: unknown): IteratorResult<Effect, T> {
    this.done = true;
    throw error;
  }
}

function perform<T>(effect: Effect): Op<T> {
  return new EffectOp<T>(effect) as unknown as Op<T>;
}

/** The calling process's pid. */
export function self(): Op<Pid> {
  return perform({ op: 'self' });
}

export interface SpawnOptions {
  /** A display name for traces and diagrams (a child id, a role). */
  label?: string;
}

/** Starts a new process running `body`. */
export function spawn(body: ProcessBody, options: SpawnOptions = {}): Op<Pid> {
  return perform({ op: 'spawn', body, link: false, monitor: false, ...options });
}

/** Starts a new process linked to the caller (atomically). */
export function spawnLink(body: ProcessBody, options: SpawnOptions = {}): Op<Pid> {
  return perform({ op: 'spawn', body, link: true, monitor: false, ...options });
}

/** Starts a new process monitored by the caller (atomically); returns `[pid, monitorRef]`. */
export function spawnMonitor(body: ProcessBody, options: SpawnOptions = {}): Op<readonly [Pid, Ref]> {
  return perform({ op: 'spawn', body, link: false, monitor: true, ...options });
}

/** `spawn_opt/2` with `link` and/or `monitor`: returns `[pid, monitorRef | null]`. */
export function* spawnOpt(
  body: ProcessBody,
  options: SpawnOptions & { link?: boolean; monitor?: boolean },
): Op<readonly [Pid, Ref | null]> {
  const { link = false, monitor = false, ...rest } = options;
  const result: unknown = yield { op: 'spawn', body, link, monitor, ...rest };
  return monitor ? (result as readonly [Pid, Ref]) : [result as Pid, null];
}

/**
 * Sends `msg` to a pid, a registered name, an alias, or `{name, node}`; returns `msg`.
 * Sending to an unregistered name raises `badarg` (processes.md §1.7.1); to a dead pid or an
 * inactive alias the message is silently dropped.
 */
export function send(dest: Dest, msg: Term): Op<Term> {
  return perform({ op: 'send', dest, msg });
}

const ANY_MESSAGE: Matcher<Term> = Object.assign((m: Term) => m, { description: 'any message' });

export interface ReceiveOptions {
  /** Milliseconds of virtual time to wait; `0` checks the mailbox once. */
  after: number | 'infinity';
}

/**
 * Selective receive: returns the value of `matcher` for the first message in the mailbox it
 * accepts, removing that message; non-matching messages stay queued in order. Without a matcher,
 * takes the first message. With `{after}`, returns `TIMEOUT` when nothing matched in time.
 */
export function receive<R = Term>(matcher?: Matcher<R>): Op<R>;
export function receive<R = Term>(matcher: Matcher<R> | undefined, options: ReceiveOptions): Op<R | Timeout>;
export function receive<R>(matcher?: Matcher<R>, options?: ReceiveOptions): Op<R | Timeout> {
  return perform({
    op: 'receive',
    matcher: (matcher ?? ANY_MESSAGE) as Matcher<unknown>,
    after: options?.after ?? 'infinity',
  });
}

/** Suspends the caller for `ms` of virtual time (`Process.sleep/1`). */
export function* sleep(ms: number | 'infinity'): Op<'ok'> {
  yield* receive(NOTHING, { after: ms });
  return 'ok';
}
const NOTHING: Matcher<never> = Object.assign(() => undefined, { description: 'nothing (sleep)' });

/** Links the caller to `pid` (§1.4). Raises `:noproc` for a dead pid unless trapping exits. */
export function link(pid: Pid): Op<true> {
  return perform({ op: 'link', pid });
}

/** Removes the link to `pid`; always `true` (§1.4.3). */
export function unlink(pid: Pid): Op<true> {
  return perform({ op: 'unlink', pid });
}

export interface MonitorOptions {
  /** Make the monitor reference also an alias (§1.6.4). */
  alias?: MonitorAliasMode;
  /** Replace `:DOWN` in the DOWN message (§1.5.4). */
  tag?: Term;
}

/** Monitors a pid or a registered name; returns the monitor reference (§1.5). */
export function monitor(target: Pid | string | Term, options: MonitorOptions = {}): Op<Ref> {
  return perform({ op: 'monitor', target, ...options });
}

export interface DemonitorOptions {
  /** Also remove an already queued `{_, ref, _, _, _}` message. */
  flush?: boolean;
  /** Return whether an active monitor was removed. */
  info?: boolean;
}

/** Removes a monitor (§1.5.5). */
export function demonitor(ref: Ref, options: DemonitorOptions = {}): Op<boolean> {
  return perform({ op: 'demonitor', ref, flush: options.flush ?? false, info: options.info ?? false });
}

/** Sends an exit signal (`Process.exit/2`, §1.3); returns `true`. */
export function exitSignal(pid: Pid, reason: Term): Op<true> {
  return perform({ op: 'exit', pid, reason });
}

/** Sets `trap_exit`; returns the previous value. */
export function trapExit(value: boolean): Op<boolean> {
  return perform({ op: 'trap_exit', value });
}

/** Registers `pid` under the atom `name` (§1.7.2); raises `badarg` if not possible. */
export function register(name: string, pid: Pid): Op<true> {
  return perform({ op: 'register', name, pid });
}

export function unregister(name: string): Op<true> {
  return perform({ op: 'unregister', name });
}

/** The pid registered as `name`, or `undefined`. */
export function whereis(name: string): Op<Pid | undefined> {
  return perform({ op: 'whereis', name });
}

/** Process dictionary: stores `value`, returns the previous value or `undefined`. */
export function put(key: Term, value: Term): Op<Term | undefined> {
  return perform({ op: 'put', key, value });
}

export function get(key: Term): Op<Term | undefined> {
  return perform({ op: 'get', key });
}

export function erase(key: Term): Op<Term | undefined> {
  return perform({ op: 'erase', key });
}

/** All keys in the process dictionary, in insertion order. */
export function getKeys(): Op<Term[]> {
  return perform({ op: 'get_keys' });
}

/**
 * Creates an alias of the caller (§1.6); `'reply'` deactivates after the first message. Also takes
 * Erlang's option list (`alias([:reply])` → `['reply']`); anything else raises `badarg`.
 */
export function alias(mode: AliasMode | readonly AliasMode[] = 'explicit_unalias'): Op<Ref> {
  const options: readonly unknown[] = Array.isArray(mode) ? mode : [mode];
  if (!options.every((o) => o === 'reply' || o === 'explicit_unalias')) return erlangError('badarg');
  return perform({ op: 'alias', mode: options.includes('reply') ? 'reply' : 'explicit_unalias' });
}

/** Deactivates an alias; `true` iff it was an active alias of the caller. */
export function unalias(ref: Ref): Op<boolean> {
  return perform({ op: 'unalias', ref });
}

/** `Process.send_after/3`: sends `msg` to `dest` after `ms`; returns the timer reference. */
export function sendAfter(dest: Dest, msg: Term, ms: number): Op<Ref> {
  return perform({ op: 'send_after', dest, msg, ms, startTimer: false });
}

/** `:erlang.start_timer/3`: sends `{:timeout, ref, msg}` after `ms`. */
export function startTimer(dest: Dest, msg: Term, ms: number): Op<Ref> {
  return perform({ op: 'send_after', dest, msg, ms, startTimer: true });
}

/** Cancels a timer: the remaining milliseconds, or `false` if it already fired or is unknown. */
export function cancelTimer(ref: Ref): Op<number | false> {
  return perform({ op: 'cancel_timer', ref });
}

export function readTimer(ref: Ref): Op<number | false> {
  return perform({ op: 'read_timer', ref });
}

/** Virtual time in milliseconds (monotonic). */
export function now(): Op<number> {
  return perform({ op: 'now' });
}

export function makeRef(): Op<Ref> {
  return perform({ op: 'make_ref' });
}

export function isAlive(pid: Pid): Op<boolean> {
  return perform({ op: 'is_alive', pid });
}

/** `Process.info/2` for one item; `undefined` when the process is dead. */
export function processInfo(pid: Pid, item: ProcessInfoItem): Op<Term | undefined> {
  return perform({ op: 'info', pid, item });
}

/** Names the calling process in traces and diagrams. */
export function label(text: string): Op<void> {
  return perform({ op: 'label', text });
}

/** Appends a named event (a supervisor report, a scenario observation) to the trace. */
export function report(name: string, data: Term): Op<void> {
  return perform({ op: 'report', name, data });
}

/** The run's semantics profile: `'current'` or `'otp25'`. */
export function semantics(): Op<'current' | 'otp25'> {
  return perform({ op: 'semantics' });
}

/**
 * Draws an integer in `[0, n)` from the run's choice source. Simulated services use this for
 * latency and failures, so that data choices replay and shrink with the schedule.
 */
export function choose(n: number): Op<number> {
  if (n <= 1) return constant(0);
  return perform({ op: 'choose', n });
}

function* constant<T>(value: T): Op<T> {
  return value;
}

/** The mutation (deliberately wrong runtime variant) this run uses, or null; test-only. */
export function mutation(): Op<string | null> {
  return perform({ op: 'mutation' });
}

/** A bare scheduling point. */
export function yieldNow(): Op<void> {
  return perform({ op: 'yield' });
}

/** Performs an ETS call (see ./ets.ts for the typed wrappers). */
export function etsCall<T>(call: EtsCall): Op<T> {
  return perform({ op: 'ets', call });
}
