/**
 * `:gen` call and reply: the request/response protocol every OTP behaviour uses
 * (processes.md §3.2.3–§3.2.5, O25 gen.erl:225-275).
 *
 * - Infinite timeout: monitor the server, send `{label, {self, mref}, req}`, wait for `{mref, reply}`
 *   or the DOWN.
 * - Finite timeout: the monitor is also an alias (`alias: :demonitor`) and the tag is the improper
 *   list `[:alias | mref]`; on time-out the monitor is removed with `:flush`, which deactivates the
 *   alias, so a late reply is dropped by the runtime and never reaches the caller's mailbox.
 */
import { demonitor, monitor, receive, self, send, TIMEOUT } from '../kernel/api.js';
import type { Matcher, Op } from '../kernel/effects.js';
import { exit } from '../kernel/errors.js';
import { match } from '../kernel/match.js';
import { Improper, Pid, Ref, Tuple, t, type Term } from '../term/Term.js';
import { isMutant } from './mutations.js';

/** The `from` of a call: `{caller_pid, tag}`. */
export type From = Tuple;

/** `timeout()`: a non-negative integer or `:infinity`. */
export type Timeout = number | 'infinity';

/** The guard of `gen:call/4`, `GenServer.call/3` and Task's waits: `timeout()`. */
export function isTimeout(x: unknown): x is Timeout {
  return x === 'infinity' || (typeof x === 'number' && Number.isInteger(x) && x >= 0);
}

function replyTo(tag: Term): Matcher<Tuple> {
  const ref = tag instanceof Improper ? (tag.tail as Ref) : (tag as Ref);
  const aliased = tag instanceof Improper;
  return Object.assign(
    (m: Term) => {
      if (!(m instanceof Tuple) || m.length !== 2) return undefined;
      const got = m[0];
      if (aliased) return got instanceof Improper && got.tail instanceof Ref && got.tail.id === ref.id ? m : undefined;
      return got instanceof Ref && got.id === ref.id ? m : undefined;
    },
    { description: `{${aliased ? `[:alias | ${ref}]` : String(ref)}, reply}` },
  );
}

/** `gen:do_call/4`: returns the reply, or exits with the server's reason or `:timeout`. */
export function* genCall(pid: Pid, label: Term, request: Term, timeout: number | 'infinity'): Op<Term> {
  const me = yield* self();
  if (timeout === 'infinity') {
    const mref = yield* monitor(pid);
    yield* send(pid, t(label, t(me, mref), request));
    const m = yield* receive(match.oneOf(replyTo(mref), match.down(mref)));
    if (m.length === 2) {
      yield* demonitor(mref, { flush: true });
      return m[1]!;
    }
    return exit(m[4]!);
  }
  const mref = yield* monitor(pid, { alias: 'demonitor' });
  const tag = new Improper(['alias'], mref);
  yield* send(pid, t(label, t(me, tag), request));
  const m = yield* receive(match.oneOf(replyTo(tag), match.down(mref)), { after: timeout });
  if (m === TIMEOUT) {
    // Mutation `late-reply-delivered`: the alias is left active, so a late reply is queued.
    if (!(yield* isMutant('late-reply-delivered'))) yield* demonitor(mref, { flush: true });
    const late = yield* receive(replyTo(tag), { after: 0 });
    if (late === TIMEOUT) return exit('timeout');
    return late[1]!;
  }
  if (m.length === 2) {
    yield* demonitor(mref, { flush: true });
    return m[1]!;
  }
  return exit(m[4]!);
}

/** `gen:reply/2`: alias tags are sent to the alias, plain tags to the pid; always `:ok`. */
export function* genReply(from: Term, reply: Term): Op<'ok'> {
  if (!(from instanceof Tuple) || from.length !== 2) return 'ok';
  const [to, tag] = from;
  try {
    if (tag instanceof Improper && tag.head[0] === 'alias' && tag.tail instanceof Ref) yield* send(tag.tail, t(tag, reply));
    else if (to instanceof Pid) yield* send(to, t(tag!, reply));
  } catch {
    // gen:reply swallows send errors.
  }
  return 'ok';
}
