/**
 * `supervisor.erl` as a GenServer callback module, exactly as OTP builds it: the supervisor is a
 * gen_server whose `init/1`, `handle_call/3`, `handle_cast/2`, `handle_info/2` and `terminate/2`
 * are ported here (supervision.md §2-§8). gen_server itself (src/otp/GenServer.ts) provides the
 * start protocol per profile (rule 34 / D1), parent EXITs (rule 36), `terminate/2` on every stop
 * (rule 66) and the crash of an unknown call or cast (rule 85).
 *
 * The callback module atom is `:supervisor`; it is started with `{sup_name | :self, mod, args}`.
 */
import { isAlive, put, self, semantics, trapExit } from '../../kernel/api.js';
import type { Op } from '../../kernel/effects.js';
import { erlangError } from '../../kernel/errors.js';
import { Improper, Pid, Tuple, isList, isTagged, t, type Term } from '../../term/Term.js';
import { apply } from '../callbacks.js';
import { checkChildspec, checkStartspec, childRecordTerm, childToSpec, isTemporary, type Child } from '../childSpec.js';
import { defmodule } from '../GenServer.js';
import type { From } from '../gen.js';
import { childrenToList, findChild, fromStartOrder, isRestarting, removeChild, saveChild, setPid, allChildren } from './children.js';
import { reportUnexpectedMessage } from './reports.js';
import { delChildRecord, handleChildExit, tryAgainRestart, type Outcome } from './restart.js';
import { doTerminate, terminateChildren, terminateDynamicChildren } from './shutdown.js';
import { doStartChild, doStartChildI, startChildren } from './start.js';
import {
  dynInit,
  dynKeys,
  dynSize,
  dynStore,
  findDynamicChild,
  getDynamicChild,
  initState,
  isSimple,
  type SupState,
} from './state.js';

type Reply = Tuple;

const asTerm = (s: SupState): Term => s as unknown as Term;
const reply = (r: Term, s: SupState): Reply => t('reply', r, asTerm(s));
const noreplyOrStop = (o: Outcome): Reply => (o.stop ? t('stop', 'shutdown', asTerm(o.state)) : t('noreply', asTerm(o.state)));

// ------------------------------------------------------------------------------- init

/** `init/1` (rules 25, 28): trap exits, call `Mod:init/1`, check flags, start the children. */
function* init(arg: Term): Op<Term> {
  const [supNameArg, mod, args] = arg as Tuple;
  // proc_lib's trans_init reports a supervisor as {:supervisor, Mod, 1} (processes.md §2.2).
  yield* put('$initial_call', t('supervisor', mod!, 1));
  yield* trapExit(true);
  const res = yield* apply(mod!, 'init', [args!]);
  if (isTagged(res, 'ok', 2) && res[1] instanceof Tuple && res[1].length === 2) {
    const [flags, startSpec] = res[1];
    const supName = supNameArg === 'self' ? t(yield* self(), mod!) : supNameArg!;
    const st = initState(supName, flags!, mod!, args!, yield* semantics());
    if (!st.ok) return t('stop', t('supervisor_data', st.error));
    return isSimple(st.state) ? initDynamic(st.state, startSpec!) : yield* initChildren(st.state, startSpec!);
  }
  if (res === 'ignore') return 'ignore';
  return t('stop', t('bad_return', t(mod!, 'init', res)));
}

/** `init_children/2` (rules 13, 29-35): a spec error stops with `{:start_spec, e}`. */
function* initChildren(state: SupState, startSpec: Term): Op<Term> {
  if (!isList(startSpec)) return erlangError('function_clause');
  const checked = checkStartspec(startSpec, state.autoShutdown);
  if (!checked.ok) return t('stop', t('start_spec', checked.error));
  const children = fromStartOrder(checked.value.ids, checked.value.children);
  const started = yield* startChildren(children, state.name);
  if (!started.ok) {
    // Rule 33: the children already started stop in reverse start order, then the supervisor.
    yield* terminateChildren(started.children, state.name);
    return t('stop', t('shutdown', started.reason));
  }
  const next = { ...state, children: started.children };
  // OTP 27+ hibernates a static supervisor right after init (D7); no observable difference here.
  return (yield* semantics()) === 'current' ? t('ok', asTerm(next), 'hibernate') : t('ok', asTerm(next));
}

/** `init_dynamic/2` (rule 26): simple_one_for_one needs exactly one spec. */
function initDynamic(state: SupState, startSpec: Term): Term {
  if (!(isList(startSpec) && startSpec.length === 1)) return t('stop', t('bad_start_spec', startSpec));
  const checked = checkStartspec(startSpec, state.autoShutdown);
  if (!checked.ok) return t('stop', t('start_spec', checked.error));
  return t('ok', asTerm(dynInit({ ...state, children: fromStartOrder(checked.value.ids, checked.value.children) })));
}

// ------------------------------------------------------------------------------- calls

/** `find_child/2` as the API uses it: simple_one_for_one looks pids up, then checks liveness. */
function* findChildApi(state: SupState, id: Term): Op<Child | undefined> {
  if (id instanceof Pid && isSimple(state)) {
    const found = findDynamicChild(state, id) ?? findDynamicChild(state, t('restarting', id));
    if (found) return found;
    return (yield* isAlive(id)) ? undefined : getDynamicChild(state);
  }
  return findChild(state.children, id);
}

function* handleCall(req: Term, _from: From, state: SupState): Op<Reply> {
  const tag = req instanceof Tuple && req.length === 2 ? req[0] : req;
  const arg = req instanceof Tuple ? req[1]! : undefined;
  switch (tag) {
    case 'start_child':
      return isSimple(state) ? yield* startDynamicChild(state, arg!) : yield* startStaticChild(state, arg!);
    case 'terminate_child':
      return yield* terminateChildCall(state, arg!);
    case 'restart_child':
      return yield* restartChildCall(state, arg!);
    case 'delete_child':
      return deleteChildCall(state, arg!);
    case 'get_childspec': {
      const child = yield* findChildApi(state, arg!);
      return reply(child ? t('ok', childToSpec(child)) : t('error', 'not_found'), state);
    }
    case 'which_children':
      if (req === 'which_children') return reply(whichChildren(state), state);
      break;
    case 'count_children':
      if (req === 'count_children') return reply(yield* countChildren(state), state);
      break;
  }
  // No catch-all clause in supervisor.erl (rule 85).
  return erlangError('function_clause');
}

/** simple_one_for_one `{:start_child, extra_args}`: `A ++ EArgs`, no progress report. */
function* startDynamicChild(state: SupState, extraArgs: Term): Op<Reply> {
  const [m, f, a] = getDynamicChild(state).mfargs as Term[];
  const args = Array.isArray(extraArgs) && !(extraArgs instanceof Tuple) ? [...(a as Term[]), ...extraArgs] : new Improper(a as Term[], extraArgs);
  const r = yield* doStartChildI(m!, f!, args);
  if (r[0] === 'ok' && r[1] instanceof Pid) return reply(r, dynStore(state, r[1], args));
  return reply(r, state);
}

/** Rules 14, 77: validate, then `handle_start_child/2`. */
function* startStaticChild(state: SupState, spec: Term): Op<Reply> {
  const checked = checkChildspec(spec, state.autoShutdown);
  if (!checked.ok) return reply(t('error', checked.error), state);
  const child = checked.child;
  const existing = findChild(state.children, child.id);
  if (existing) {
    return reply(existing.pid instanceof Pid ? t('error', t('already_started', existing.pid)) : t('error', 'already_present'), state);
  }
  const r = yield* doStartChild(state.name, child, 'api');
  if (r[0] === 'ok') {
    if (r[1] === 'undefined' && isTemporary(child)) return reply(r, state);
    return reply(r, { ...state, children: saveChild(state.children, saveable({ ...child, pid: r[1]! })) });
  }
  const what = r[1]!;
  if (isTagged(what, 'already_started', 2) && (yield* semantics()) === 'current') return reply(t('error', what), state); // D2
  return reply(t('error', t(what, childRecordTerm(child))), state);
}

/** `save_child/2`: a temporary child's start args are dropped (rule 12). */
function saveable(child: Child): Child {
  if (!isTemporary(child)) return child;
  const [m, f] = child.mfargs;
  return { ...child, mfargs: t(m!, f!, 'undefined') };
}

/** Rule 78. */
function* terminateChildCall(state: SupState, id: Term): Op<Reply> {
  if (!(id instanceof Pid) && isSimple(state)) return reply(t('error', 'simple_one_for_one'), state);
  const child = yield* findChildApi(state, id);
  if (!child) return reply(t('error', 'not_found'), state);
  yield* doTerminate(child, state.name);
  return reply('ok', delChildRecord(state, child));
}

/** Rule 79. */
function* restartChildCall(state: SupState, id: Term): Op<Reply> {
  if (isSimple(state)) return reply(t('error', 'simple_one_for_one'), state);
  const child = findChild(state.children, id);
  if (!child) return reply(t('error', 'not_found'), state);
  if (child.pid === 'undefined') {
    const r = yield* doStartChild(state.name, child, 'api');
    if (r[0] === 'ok') return reply(r, { ...state, children: setPid(state.children, r[1]!, id) });
    return reply(r, state);
  }
  return reply(t('error', isRestarting(child.pid) ? 'restarting' : 'running'), state);
}

/** Rule 80. */
function deleteChildCall(state: SupState, id: Term): Reply {
  if (isSimple(state)) return reply(t('error', 'simple_one_for_one'), state);
  const child = findChild(state.children, id);
  if (!child) return reply(t('error', 'not_found'), state);
  if (child.pid === 'undefined') return reply('ok', { ...state, children: removeChild(state.children, id) });
  return reply(t('error', isRestarting(child.pid) ? 'restarting' : 'running'), state);
}

/** Rule 81: `{id, pid | :restarting | :undefined, type, modules}`, newest first. */
function whichChildren(state: SupState): Term[] {
  if (isSimple(state)) {
    const { childType, modules } = getDynamicChild(state);
    return dynKeys(state).map((k) => t('undefined', isRestarting(k) ? 'restarting' : k, childType, modules));
  }
  return childrenToList(state.children, (id, c) => t(id, isRestarting(c.pid) ? 'restarting' : c.pid, c.childType, c.modules));
}

/** Rule 82: `active` checks `is_process_alive`; simple_one_for_one subtracts restarting children. */
function* countChildren(state: SupState): Op<Term[]> {
  if (isSimple(state)) {
    const sz = dynSize(state);
    const supervisors = getDynamicChild(state).childType === 'supervisor';
    return [t('specs', 1), t('active', sz - state.dynamicRestarts), t('supervisors', supervisors ? sz : 0), t('workers', supervisors ? 0 : sz)];
  }
  let active = 0;
  let supervisors = 0;
  let workers = 0;
  const all = allChildren(state.children);
  for (const c of all) {
    if (c.pid instanceof Pid && (yield* isAlive(c.pid))) active++;
    if (c.childType === 'supervisor') supervisors++;
    else workers++;
  }
  return [t('specs', all.length), t('active', active), t('supervisors', supervisors), t('workers', workers)];
}

// ------------------------------------------------------------------------------- cast, info, terminate

/** Only `{:try_again_restart, id}` has a clause (rules 46, 85). */
function* handleCast(req: Term, state: SupState): Op<Reply> {
  if (isTagged(req, 'try_again_restart', 2)) return noreplyOrStop(yield* tryAgainRestart(state, req[1]!));
  return erlangError('function_clause');
}

/** Child EXITs (rule 37); any other message is logged and ignored (rule 85). */
function* handleInfo(msg: Term, state: SupState): Op<Reply> {
  if (isTagged(msg, 'EXIT', 3)) return noreplyOrStop(yield* handleChildExit(state, msg[1]!, msg[2]!));
  yield* reportUnexpectedMessage(msg);
  return t('noreply', asTerm(state));
}

/** `terminate/2` (rules 66, 69): every child, newest first; or all dynamic children at once. */
function* terminate(_reason: Term, state: SupState): Op<void> {
  if (isSimple(state)) yield* terminateDynamicChildren(state);
  else yield* terminateChildren(state.children, state.name);
}

/** The `:supervisor` gen_server callback module. */
export const SUPERVISOR = defmodule('supervisor', { init, handleCall, handleCast, handleInfo, terminate });
