/**
 * Calling user callbacks the way OTP does.
 *
 * A callback may be a plain function (returns a term) or a generator function (performs effects —
 * calls another server, sleeps — and returns a term), so a GenServer callback that blocks reads
 * naturally: `*handleCall(req, from, s) { const v = yield* GenServer.call(db, req); return t('reply', v, s) }`.
 *
 * `tryCallback` mirrors gen_server's `try_dispatch`: a `throw(v)` is the callback's return value,
 * while `raise` and `exit` are failures carrying their Erlang class.
 */
import type { Op } from '../kernel/effects.js';
import { caught, erlangError } from '../kernel/errors.js';
import { ErlModule, t, type Term } from '../term/Term.js';

export function isGenerator(x: unknown): x is Generator {
  return (
    typeof x === 'object' && x !== null && typeof (x as Generator).next === 'function' && typeof (x as Generator).throw === 'function'
  );
}

/** Calls `fn(...args)`, running it as a sub-generator if it is one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function* invoke<T = Term>(fn: (...args: any[]) => any, args: readonly unknown[]): Op<T> {
  const result = fn(...args);
  if (isGenerator(result)) return yield* (result as Op<T>);
  return result as T;
}

export type CallbackOutcome =
  | { ok: true; value: Term }
  | { ok: false; kind: 'exit'; reason: Term }
  | { ok: false; kind: 'error'; reason: Term };

/** Runs a callback; `throw` becomes the return value, `exit`/`raise` a failure (try_dispatch). */
export function* tryCallback(fn: (...args: never[]) => unknown, args: readonly unknown[]): Op<CallbackOutcome> {
  try {
    return { ok: true, value: yield* invoke(fn as never, args) };
  } catch (e) {
    const c = caught(e);
    if (c.kind === 'throw') return { ok: true, value: c.value };
    if (c.kind === 'exit') return { ok: false, kind: 'exit', reason: c.reason };
    return { ok: false, kind: 'error', reason: c.error };
  }
}

/** The exit reason of a failed callback (gen_server `terminate_reason/3`): `{error, []}` or the exit. */
export function failureReason(o: Extract<CallbackOutcome, { ok: false }>): Term {
  return o.kind === 'error' ? t(o.reason, []) : o.reason;
}

/** `apply(m, f, args)`: runs an exported function of a module; `:undef` if there is none. */
export function* apply(m: Term, f: Term, args: readonly Term[]): Op<Term> {
  const fn = m instanceof ErlModule && typeof f === 'string' ? m.exports[f] : undefined;
  if (!fn) return erlangError('undef');
  return yield* invoke(fn, args);
}
