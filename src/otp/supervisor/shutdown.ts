/**
 * Stopping children, ported from supervisor.erl (supervision.md §6, rules 58-69):
 *
 * - `shutdown/1`: monitor first, then the exit signal (`:kill` for brutal_kill, `:shutdown`
 *   otherwise), then wait for the DOWN — with a receive-after for an integer shutdown, after which
 *   the child is killed (rules 58-61). Which exit reasons count as clean is rule 62.
 * - `unlink_flush/2` (rule 63, D3): OTP 25 prefers the reason of a pending `EXIT`; OTP 27+ (PR
 *   #8780) uses the DOWN reason, and for `:noproc` waits for the EXIT while still linked, or gives
 *   `:child_process_unlinked`.
 * - `terminate_children/2`: one child at a time in list (termination) order (rules 33, 66).
 * - `terminate_dynamic_children/1`: simple_one_for_one, all at once with one shared timer (rule 69).
 *
 * The supervisor is an ordinary process here: while it waits for one DOWN, other signals keep
 * arriving and stay queued for its main loop.
 */
import { isMutant } from '../mutations.js';
import {
  cancelTimer,
  exitSignal,
  monitor,
  processInfo,
  receive,
  self,
  semantics,
  startTimer,
  unlink,
  TIMEOUT,
} from '../../kernel/api.js';
import type { Matcher, Op } from '../../kernel/effects.js';
import { erlangError } from '../../kernel/errors.js';
import { match } from '../../kernel/match.js';
import { compare, equals } from '../../term/compare.js';
import { Pid, Ref, Tuple, isTagged, type Term } from '../../term/Term.js';
import { termKey } from '../../term/termKey.js';
import { isPermanent, isTemporary, type Child } from '../childSpec.js';
import { childrenMap, type Children } from './children.js';
import { reportError } from './reports.js';
import { dynKeys, getDynamicChild, type SupState } from './state.js';

const isShutdownTuple = (r: Term): boolean => isTagged(r, 'shutdown', 2);

/** Rule 62: is `reason` a clean end for this child and shutdown mode? */
export function cleanShutdownReason(child: Child, reason: Term): boolean {
  const notPermanent = !isPermanent(child);
  if (child.shutdown === 'brutal_kill') {
    return reason === 'killed' || (notPermanent && (reason === 'shutdown' || isShutdownTuple(reason) || reason === 'normal'));
  }
  return reason === 'shutdown' || (notPermanent && (isShutdownTuple(reason) || reason === 'normal'));
}

/** `unlink_flush/2` per profile (rule 63 / D3). */
export function* unlinkFlush(pid: Pid, downReason: Term): Op<Term> {
  if ((yield* semantics()) === 'otp25') {
    yield* unlink(pid);
    const exit = yield* receive(match.exit(pid), { after: 0 });
    return exit === TIMEOUT ? downReason : exit[2]!;
  }
  if (downReason === 'noproc') {
    // Still linked: the EXIT is guaranteed to come. Not linked: it is already queued, unless the
    // child unlinked itself.
    const links = (yield* processInfo(yield* self(), 'links')) as Term[] | undefined;
    const linked = (links ?? []).some((p) => equals(p, pid));
    const exit = yield* receive(match.exit(pid), { after: linked ? 'infinity' : 0 });
    return exit === TIMEOUT ? 'child_process_unlinked' : exit[2]!;
  }
  yield* unlink(pid);
  yield* receive(match.exit(pid), { after: 0 });
  return downReason;
}

/** `shutdown/1` (rules 58-62): `'ok'` or the unexpected reason to report. */
export function* shutdown(child: Child): Op<{ ok: true } | { ok: false; reason: Term }> {
  const pid = child.pid as Pid;
  const mon = yield* monitor(pid);
  let down: Tuple | typeof TIMEOUT;
  if (child.shutdown === 'brutal_kill' && !(yield* isMutant('brutal-kill-runs-terminate'))) {
    yield* exitSignal(pid, 'kill');
    down = yield* receive(match.down(mon));
  } else {
    yield* exitSignal(pid, 'shutdown');
    const waitForever = child.shutdown === 'infinity' || child.shutdown === 'brutal_kill' || (yield* isMutant('shutdown-timeout-ignored'));
    down = yield* receive(match.down(mon), { after: waitForever ? 'infinity' : Number(child.shutdown) });
    if (down === TIMEOUT) {
      yield* exitSignal(pid, 'kill');
      down = yield* receive(match.down(mon));
    }
  }
  const reason = yield* unlinkFlush(pid, down[4]!);
  return cleanShutdownReason(child, reason) ? { ok: true } : { ok: false, reason };
}

/** `do_terminate/2`: shuts down a running child and reports an unclean end (rule 110). */
export function* doTerminate(child: Child, supName: Term): Op<void> {
  if (!(child.pid instanceof Pid)) return;
  const r = yield* shutdown(child);
  if (!r.ok) yield* reportError('shutdown_error', r.reason, child, supName);
}

/**
 * `terminate_children/2`: in list order, each fully stopped before the next (rule 66); temporary
 * children are dropped, the others kept with pid `:undefined`. Returns ids in start order.
 */
export function* terminateChildren(children: Children, supName: Term): Op<Children> {
  const forward = yield* isMutant('shutdown-forward-order');
  const order = forward ? { ...children, ids: [...children.ids].reverse() } : children;
  const r = yield* childrenMap(order, function* (_id, child) {
    yield* doTerminate(child, supName);
    return isTemporary(child) ? 'remove' : { update: { ...child, pid: 'undefined' } };
  });
  return forward ? { ...r.children, ids: [...r.children.ids].reverse() } : r.children;
}

function downOf(pending: Map<string, readonly [Pid, Ref]>): Matcher<Tuple> {
  return Object.assign(
    (m: Term) => {
      if (!(m instanceof Tuple) || m.length !== 5 || m[0] !== 'DOWN' || !(m[1] instanceof Ref) || !(m[3] instanceof Pid)) return undefined;
      const entry = pending.get(termKey(m[3]));
      return entry && entry[1].id === m[1].id ? m : undefined;
    },
    { description: '{:DOWN, ref, :process, child, _} of a child being stopped' },
  );
}

function timeoutOf(tref: Ref): Matcher<Tuple> {
  return Object.assign(
    (m: Term) => (m instanceof Tuple && m.length === 3 && m[0] === 'timeout' && m[1] instanceof Ref && m[1].id === tref.id && m[2] === 'kill' ? m : undefined),
    { description: `{:timeout, ${tref}, :kill}` },
  );
}

/**
 * `terminate_dynamic_children/1` (rule 69): signal every child first, one timer for the shared
 * shutdown value, kill the rest when it fires; errors are reported once per reason with
 * `nb_children` in place of the pid. Children in `{:restarting, _}` are skipped.
 */
export function* terminateDynamicChildren(state: SupState): Op<void> {
  const child = getDynamicChild(state);
  const pending = new Map<string, readonly [Pid, Ref]>();
  for (const key of dynKeys(state)) {
    if (isTagged(key, 'restarting', 2)) continue;
    // OTP 25 can hold `:undefined` as a key (D5); its dyn_fold has no clause for it.
    if (!(key instanceof Pid)) erlangError('function_clause');
    const mon = yield* monitor(key);
    yield* exitSignal(key, child.shutdown === 'brutal_kill' ? 'kill' : 'shutdown');
    pending.set(termKey(key), [key, mon]);
  }
  let tref: Ref | undefined =
    child.shutdown === 'brutal_kill' || child.shutdown === 'infinity' ? undefined : yield* startTimer(yield* self(), 'kill', Number(child.shutdown));
  const errors = new Map<string, [Term, Pid[]]>();
  while (pending.size > 0) {
    const m: Tuple = tref === undefined ? yield* receive(downOf(pending)) : yield* receive(match.oneOf(downOf(pending), timeoutOf(tref)));
    if (m[0] === 'timeout') {
      for (const [pid] of pending.values()) yield* exitSignal(pid, 'kill');
      tref = undefined;
      continue;
    }
    const pid = m[3] as Pid;
    pending.delete(termKey(pid));
    const reason = yield* unlinkFlush(pid, m[4]!);
    if (!cleanShutdownReason(child, reason)) {
      const entry = errors.get(termKey(reason)) ?? [reason, []];
      entry[1].unshift(pid); // maps_prepend
      errors.set(termKey(reason), entry);
    }
  }
  if (tref !== undefined) {
    yield* cancelTimer(tref);
    yield* receive(timeoutOf(tref), { after: 0 });
  }
  const byReason = [...errors.values()].sort((a, b) => compare(a[0], b[0]));
  for (const [reason, pids] of byReason) yield* reportError('shutdown_error', reason, { ...child, pid: pids }, state.name);
}
