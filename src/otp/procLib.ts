/**
 * `proc_lib`: spawning OTP processes with lineage, and the synchronous start protocol.
 *
 * Lineage (processes.md §2.1): a proc_lib process stores `$ancestors = [P | A]`, P being the
 * spawner's registered name if it has one, else its pid, and A the spawner's own ancestors; and
 * `$initial_call`.
 *
 * Start protocol, by semantics profile (§3.1.5, supervision.md rule 34 / D1):
 * - `otp25` (stdlib-4.2): `start_link` spawns linked and waits for `{:ack, pid, ret}` or, when the
 *   caller traps exits, `{:EXIT, pid, reason}`; a failing child acks `{:error, r}` *then* exits, so a
 *   trapping caller keeps the `{:EXIT, …}` message. `start` monitors instead.
 * - `current` (OTP 26+): spawns linked *and* monitored; `ack` → demonitor(flush); `nack` (from
 *   `init_fail`) → unlink, flush the EXIT, await the DOWN; DOWN → unlink, flush, `{:error, reason}`;
 *   time-out → unlink, kill, flush, await DOWN, `{:error, :timeout}`. Failing children do not ack.
 */
import {
  demonitor,
  exitSignal,
  get,
  processInfo,
  put,
  receive,
  self,
  semantics,
  send,
  unlink,
  TIMEOUT,
} from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import { exit } from '../kernel/errors.js';
import { match } from '../kernel/match.js';
import { Pid, Ref, Tuple, t, type Term } from '../term/Term.js';

/** What a spawner passes to a proc_lib child: its name-or-pid and its ancestors. */
export interface Lineage {
  readonly parent: Term;
  readonly ancestors: Term[];
}

/** Computed in the spawning process (`get_my_name/0`, `get_ancestors/0`). */
export function* lineage(): Op<Lineage> {
  const me = yield* self();
  const name = yield* processInfo(me, 'registered_name');
  const ancestors = yield* get('$ancestors');
  return {
    parent: typeof name === 'string' ? name : me,
    ancestors: Array.isArray(ancestors) ? ancestors : [],
  };
}

/** Stores the lineage keys in the new process (`init_p/5`). */
export function* initLineage(l: Lineage, initialCall: Term): Op<void> {
  yield* put('$ancestors', [l.parent, ...l.ancestors]);
  yield* put('$initial_call', initialCall);
}

export function* initAck(starter: Pid, ret: Term): Op<void> {
  yield* send(starter, t('ack', yield* self(), ret));
}

/** `proc_lib:init_fail/3` (OTP 26+): tell the starter, then exit with `reason`. */
export function* initFail(starter: Pid, ret: Term, reason: Term): Op<never> {
  yield* send(starter, t('nack', yield* self(), ret));
  return exit(reason);
}

export type StartTimeout = number | 'infinity';

const isAckFrom = (tag: string, pid: Pid) =>
  Object.assign(
    (m: Term) => (m instanceof Tuple && m.length === 3 && m[0] === tag && m[1] instanceof Pid && m[1].id === pid.id ? m : undefined),
    { description: `{:${tag}, ${pid}, _}` },
  );

function* flushExit(pid: Pid): Op<void> {
  yield* unlink(pid);
  yield* receive(match.exit(pid), { after: 0 });
}

function* awaitDown(pid: Pid, ref: Ref): Op<Tuple> {
  void pid;
  return yield* receive(match.down(ref));
}

/**
 * Waits for a child spawned by `spawnStart` to acknowledge its start; returns what the child
 * passed to `initAck`/`initFail`, or `{:error, reason}` / `{:error, :timeout}`.
 */
export function* syncStart(pid: Pid, ref: Ref | null, link: boolean, timeout: StartTimeout): Op<Term> {
  const profile = yield* semantics();
  if (profile === 'otp25') {
    if (link) {
      const m = yield* receive(match.oneOf(isAckFrom('ack', pid), match.exit(pid)), { after: timeout });
      if (m === TIMEOUT) {
        yield* killFlush(pid);
        return t('error', 'timeout');
      }
      return m[0] === 'ack' ? m[2]! : t('error', m[2]!);
    }
    const m = yield* receive(match.oneOf(isAckFrom('ack', pid), match.down(ref!)), { after: timeout });
    if (m === TIMEOUT) {
      yield* demonitor(ref!, { flush: true });
      yield* killFlush(pid);
      return t('error', 'timeout');
    }
    if (m[0] === 'ack') {
      yield* demonitor(ref!, { flush: true });
      return m[2]!;
    }
    return t('error', m[4]!);
  }
  const m = yield* receive(match.oneOf(isAckFrom('ack', pid), isAckFrom('nack', pid), match.down(ref!)), { after: timeout });
  if (m === TIMEOUT) {
    yield* unlink(pid);
    yield* exitSignal(pid, 'kill');
    yield* receive(match.exit(pid), { after: 0 });
    yield* awaitDown(pid, ref!);
    return t('error', 'timeout');
  }
  if (m[0] === 'ack') {
    yield* demonitor(ref!, { flush: true });
    return m[2]!;
  }
  if (m[0] === 'nack') {
    yield* flushExit(pid);
    yield* awaitDown(pid, ref!);
    return m[2]!;
  }
  yield* flushExit(pid);
  return t('error', m[4]!);
}

/** OTP 25 `kill_flush/1`. */
function* killFlush(pid: Pid): Op<void> {
  yield* unlink(pid);
  yield* exitSignal(pid, 'kill');
  yield* receive(match.exit(pid), { after: 0 });
}
