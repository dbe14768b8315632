/**
 * Child exits and restarts, ported from supervisor.erl (supervision.md §4, §5, §7):
 *
 * - `restart_child/3` + `do_restart/3`: the decision table of rule 37, in its exact clause order.
 * - `do_auto_shutdown/2`: significant children (rules 72-74).
 * - `restart/2`: `add_restart` first (rules 51-55), then the strategy; a failed start leaves the
 *   child `{:restarting, _}` and casts `{:try_again_restart, id}` to self (rules 45-49).
 * - `restart/3` per strategy: one_for_one, rest_for_one, one_for_all (rules 39-41) and
 *   simple_one_for_one (D5).
 *
 * Time is the kernel's virtual clock; the intensity window uses whole seconds of it, as
 * `erlang:monotonic_time(second)` does (rule 52).
 */
import { isMutant } from '../mutations.js';
import { now, self, semantics } from '../../kernel/api.js';
import type { Op } from '../../kernel/effects.js';
import { equals } from '../../term/compare.js';
import { Pid, isTagged, t, type Term } from '../../term/Term.js';
import { isPermanent, isSignificant, isTransient, type Child } from '../childSpec.js';
import { cast } from '../GenServer.js';
import {
  allChildren,
  append,
  delChild,
  findChild,
  findChildByPid,
  restarting,
  restartingPid,
  setPid,
  splitChild,
  type Children,
} from './children.js';
import { reportError } from './reports.js';
import { terminateChildren } from './shutdown.js';
import { doStartChild, doStartChildI, startChildren } from './start.js';
import { dynArgs, dynErase, dynSize, dynStore, findDynamicChild, isSimple, type SupState } from './state.js';

/** `{ok, State}` or `{shutdown, State}`: whether the supervisor goes on or stops with `:shutdown`. */
export type Outcome = { stop: false; state: SupState } | { stop: true; state: SupState };

const goOn = (state: SupState): Outcome => ({ stop: false, state });
const stopWith = (state: SupState): Outcome => ({ stop: true, state });

/** Rule 37: `:normal`, `:shutdown` and `{:shutdown, _}` are the normal exit reasons. */
export function isNormalReason(reason: Term): boolean {
  return reason === 'normal' || reason === 'shutdown' || isTagged(reason, 'shutdown', 2);
}

/** `find_child_and_args/2`. */
export function findChildAndArgs(state: SupState, idOrPid: Term): Child | undefined {
  if (isSimple(state)) {
    const c = findDynamicChild(state, idOrPid);
    if (!c) return undefined;
    const [m, f] = c.mfargs;
    return { ...c, mfargs: t(m!, f!, dynArgs(state, idOrPid)!) };
  }
  if (idOrPid instanceof Pid) return findChildByPid(state.children, idOrPid);
  return findChild(state.children, idOrPid);
}

/** `del_child/2` on a record: simple_one_for_one erases the pid, a static child by id (rule 38). */
export function delChildRecord(state: SupState, child: Child): SupState {
  if (isSimple(state)) return dynErase(state, child.pid);
  return { ...state, children: delChild(state.children, child.id) };
}

/** `restart_child/3`: an EXIT from an unknown pid is ignored (rule 36). */
export function* handleChildExit(state: SupState, pid: Term, reason: Term): Op<Outcome> {
  const child = findChildAndArgs(state, pid);
  if (!child) return goOn(state);
  return yield* doRestart(state, reason, child);
}

/** `do_restart/3`: the decision table (rule 37). */
function* doRestart(state: SupState, reason: Term, child: Child): Op<Outcome> {
  const normal = isNormalReason(reason);
  if (isPermanent(child) && !(normal && (yield* isMutant('permanent-normal-not-restarted')))) {
    yield* reportError('child_terminated', reason, child, state.name);
    return yield* restart(state, child);
  }
  if (normal && !(isTransient(child) && (yield* isMutant('transient-restart-on-normal')))) {
    return yield* autoShutdown(delChildRecord(state, child), child);
  }
  if (isTransient(child) || (yield* isMutant('temporary-restarted'))) {
    yield* reportError('child_terminated', reason, child, state.name);
    return yield* restart(state, child);
  }
  yield* reportError('child_terminated', reason, child, state.name);
  return yield* autoShutdown(delChildRecord(state, child), child);
}

function* autoShutdown(state: SupState, child: Child): Op<Outcome> {
  if (yield* isMutant('auto-shutdown-ignored')) return goOn(state);
  return doAutoShutdown(state, child);
}

/** `do_auto_shutdown/2` (rule 72). */
function doAutoShutdown(state: SupState, child: Child): Outcome {
  if (state.autoShutdown === 'never' || !isSignificant(child)) return goOn(state);
  if (state.autoShutdown === 'any_significant') return stopWith(state);
  if (isSimple(state)) return dynSize(state) === 0 ? stopWith(state) : goOn(state);
  // all_significant: stop when no significant child still has a pid ({:restarting, _} counts).
  const anyLeft = allChildren(state.children).some((c) => c.pid !== 'undefined' && isSignificant(c));
  return anyLeft ? goOn(state) : stopWith(state);
}

/** `add_restart/1` (rule 51): floor-seconds, inclusive window, refuse when more than intensity. */
function* addRestart(state: SupState): Op<{ ok: boolean; state: SupState }> {
  const nowSeconds = Math.floor((yield* now()) / 1000);
  const threshold = nowSeconds - state.period;
  const kept: number[] = [];
  const exclusive = yield* isMutant('intensity-window-exclusive');
  for (const r of state.restarts) {
    if (r < threshold || (exclusive && r === threshold)) break; // lists:takewhile
    kept.push(r);
  }
  const restarts = [nowSeconds, ...kept];
  const slack = (yield* isMutant('intensity-off-by-one')) ? 1 : 0;
  return { ok: restarts.length <= state.intensity + slack, state: { ...state, restarts } };
}

/** `restart/2` (rules 45, 55). */
export function* restart(state: SupState, child: Child, retry = false): Op<Outcome> {
  const added = retry && (yield* isMutant('failed-restart-not-counted')) ? { ok: true, state } : yield* addRestart(state);
  if (!added.ok) {
    yield* reportError('shutdown', 'reached_max_restart_intensity', child, state.name);
    return stopWith(delChildRecord(added.state, child));
  }
  const r = yield* restartWithStrategy(added.state, child);
  if (r.tryAgain !== undefined) {
    // Back to the gen_server loop before trying again: queued requests are served first (rule 45).
    yield* cast(yield* self(), t('try_again_restart', r.tryAgain));
  }
  return goOn(r.state);
}

interface StrategyResult {
  state: SupState;
  /** The id (or `{:restarting, pid}` for simple_one_for_one) to retry, when the start failed. */
  tryAgain?: Term;
}

function* restartWithStrategy(state: SupState, child: Child): Op<StrategyResult> {
  switch (state.strategy) {
    case 'simple_one_for_one':
      return yield* restartSimple(state, child);
    case 'one_for_one':
      return yield* restartOneForOne(state, child);
    case 'rest_for_one': {
      const [after, before] = splitChild(state.children, child.id);
      if (yield* isMutant('rest-for-one-wrong-side')) {
        // The wrong side: restart the crashed child with the ones started *before* it.
        const crashed = after.ids.length - 1;
        const older = { ids: [after.ids[crashed]!, ...before.ids], db: new Map([...before.db, ...after.db]) };
        const newer = { ids: after.ids.slice(0, crashed), db: after.db };
        const r = yield* restartMultipleChildren(child, older, state.name);
        return { state: { ...state, children: append(newer, r.children) }, tryAgain: r.tryAgain };
      }
      const r = yield* restartMultipleChildren(child, after, state.name);
      return { state: { ...state, children: append(r.children, before) }, tryAgain: r.tryAgain };
    }
    case 'one_for_all': {
      const r = yield* restartMultipleChildren(child, delChild(state.children, child.id), state.name);
      return { state: { ...state, children: r.children }, tryAgain: r.tryAgain };
    }
  }
}

/** `restart(one_for_one, …)` (rule 39): `:ignore` leaves pid `:undefined` and no retry. */
function* restartOneForOne(state: SupState, child: Child): Op<StrategyResult> {
  const r = yield* doStartChild(state.name, child, 'info');
  if (r[0] === 'ok') return { state: { ...state, children: setPid(state.children, r[1]!, child.id) } };
  const next = { ...state, children: setPid(state.children, restarting(child.pid), child.id) };
  yield* reportError('start_error', r[1]!, child, state.name); // offender: the old pid (rule 48)
  return { state: next, tryAgain: child.id };
}

/**
 * `restart_multiple_children/3` (rules 40, 41, 49): stop the given children in termination order,
 * start them all in start order; on a failure the children already started stay up and the failed
 * one becomes `{:restarting, _}`.
 */
function* restartMultipleChildren(child: Child, children: Children, supName: Term): Op<{ children: Children; tryAgain?: Term }> {
  const stopped = yield* terminateChildren(children, supName);
  // The mutant starts the restarted children newest first.
  const wrongOrder = yield* isMutant('restart-start-order');
  const r0 = yield* startChildren(wrongOrder ? { ...stopped, ids: [...stopped.ids].reverse() } : stopped, supName);
  const r = wrongOrder ? { ...r0, children: { ...r0.children, ids: [...r0.children.ids].reverse() } } : r0;
  if (r.ok) return { children: r.children };
  const failedId = (r.reason as Term[])[1]!;
  const newPid = equals(failedId, child.id) ? restarting(child.pid) : restartingPid('undefined');
  return { children: setPid(r.children, newPid, failedId), tryAgain: failedId };
}

/** `restart(simple_one_for_one, …)`; OTP 25 stores `:undefined` as a child key on `:ignore` (D5). */
function* restartSimple(state0: SupState, child: Child): Op<StrategyResult> {
  const oldPid = child.pid;
  const [m, f, a] = child.mfargs as Term[];
  const state1 = isRestartingTuple(oldPid) ? { ...state0, dynamicRestarts: state0.dynamicRestarts - 1 } : state0;
  const state2 = dynErase(state1, oldPid);
  const r = yield* doStartChildI(m!, f!, a!);
  if (r[0] === 'ok' && r[1] === 'undefined' && (yield* semantics()) === 'current') return { state: state2 };
  if (r[0] === 'ok') return { state: dynStore(state2, r[1]!, a!) };
  const rOldPid = restarting(oldPid);
  const state3 = dynStore({ ...state2, dynamicRestarts: state2.dynamicRestarts + 1 }, rOldPid, a!);
  yield* reportError('start_error', r[1]!, child, state3.name);
  return { state: state3, tryAgain: rOldPid };
}

function isRestartingTuple(x: Term): boolean {
  return isTagged(x, 'restarting', 2);
}

/** `handle_cast({try_again_restart, Id})` (rule 46): retry only while the child is still restarting. */
export function* tryAgainRestart(state: SupState, id: Term): Op<Outcome> {
  const child = findChildAndArgs(state, id);
  if (child && isRestartingTuple(child.pid)) return yield* restart(state, child, true);
  return goOn(state);
}
