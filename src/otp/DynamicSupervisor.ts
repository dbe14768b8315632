/**
 * Elixir's `DynamicSupervisor`: a port of `dynamic_supervisor.ex` (supervision.md §9, rules 86-95)
 * as a GenServer callback module, like the original (it is a GenServer, not `simple_one_for_one`).
 *
 * ```ts
 * const [, sup] = (yield* DynamicSupervisor.startLink({ maxChildren: 10 })) as Term[];
 * const started = yield* DynamicSupervisor.startChild(sup!, t(Worker, arg));
 * ```
 *
 * - Child specs are normalized and validated **in the caller** (rule 89, 122); `:max_children` is
 *   checked in the supervisor. Children are stored `pid => {mfa, restart, shutdown, type, modules}`.
 * - Exits follow the decision table of rule 37 (rule 92); a failed restart is retried by sending
 *   `{:"$gen_restart", old_pid}` to self, each retry counting toward the intensity (rules 57, 93).
 * - Shutdown is **concurrent**: every child is signalled, integer shutdowns share one
 *   `start_timer` per distinct value (rule 95).
 * - Profiles: Elixir 1.14 (`otp25`) rejects `shutdown: 0`, does not check `significant` or
 *   `:auto_shutdown` (E2, E3) and handles Task.Supervisor's `:start_task` without the `{:restart, r}`
 *   reply (E8).
 *
 * Task.Supervisor talks to it as Elixir does: its module's `init/1` stores `{restart, shutdown}`
 * under the process-dictionary key `Task.Supervisor` and returns `DynamicSupervisor.init(…)`; its
 * `start_child` calls `{:start_task, args, restart, shutdown}` (`startTask` below). The start MFA is
 * `{Task.Supervised, :start_link, args}`.
 */
import {
  cancelTimer,
  exitSignal,
  get,
  monitor,
  now,
  put,
  receive,
  self,
  semantics,
  send,
  startTimer,
  trapExit,
  unlink,
  TIMEOUT,
} from '../kernel/api.js';
import type { Matcher, Op } from '../kernel/effects.js';
import { ErlangError, caught, erlangError, functionClause } from '../kernel/errors.js';
import { match } from '../kernel/match.js';
import { compare } from '../term/compare.js';
import { ErlModule, Improper, Pid, Ref, Tuple, isAtom, isInteger, isList, isTagged, t, type Term, type TermObject } from '../term/Term.js';
import { termKey } from '../term/termKey.js';
import { apply } from './callbacks.js';
import { isMutant } from './mutations.js';
import { childSpec, defineSupervisorModule, isMap, mapFind, validateDynamicChild, type ChildSpecOverrides } from './childSpec.js';
import * as GenServer from './GenServer.js';
import type { From } from './gen.js';
import { logReport } from './logger.js';
import { readOptions, splitOptions, toKeyword, type Options } from './supervisor/options.js';
import { reportErrorWith, type ErrorContext } from './supervisor/reports.js';
import { SUPERVISOR_DEFAULT, countsToMap } from './Supervisor.js';
import { TaskSupervisedModule } from './taskSupervised.js';

/** The `DynamicSupervisor` module atom. */
export const DYNAMIC_SUPERVISOR = 'Elixir.DynamicSupervisor';

/** A stored child: `{{m, f, args}, restart, shutdown, type, modules}`. */
type ChildInfo = Tuple;

interface State {
  readonly mod: Term;
  readonly args: Term;
  readonly name: Term;
  readonly strategy: Term;
  readonly maxChildren: Term;
  readonly maxRestarts: number;
  readonly maxSeconds: number;
  readonly extraArguments: Term[];
  /** termKey(pid) → [pid, child | {:restarting, child}]. */
  readonly children: ReadonlyMap<string, readonly [Pid, Term]>;
  readonly restarts: readonly number[];
}

type Reply = Tuple;
const asTerm = (s: State): Term => s as unknown as Term;

// ------------------------------------------------------------------------------- init

/** `init({mod, init_arg, name})` (rules 86-88). */
function* initCallback(arg: Tuple): Op<Term> {
  const [mod, initArg, name] = arg as Term[];
  yield* put('$initial_call', t('supervisor', mod!, 1));
  yield* trapExit(true);
  const res = yield* apply(mod!, 'init', [initArg!]);
  if (isTagged(res, 'ok', 2) && isMap(res[1]!)) {
    const supName = name === undefined || name === 'nil' ? t(yield* self(), mod!) : isAtom(name) ? t('local', name) : name;
    const r = yield* initFlags({ mod: mod!, args: initArg!, name: supName }, res[1] as TermObject);
    return 'error' in r ? t('stop', t('supervisor_data', r.error)) : t('ok', asTerm(r.state));
  }
  if (res === 'ignore') return 'ignore';
  return t('stop', t('bad_return', t(mod!, 'init', res)));
}

/** Flag defaults when a module returns a raw map (intensity 1!) and their checks (rules 86-87). */
function* initFlags(base: Pick<State, 'mod' | 'args' | 'name'>, flags: TermObject): Op<{ state: State } | { error: Term }> {
  const f = (k: string, d: Term) => mapFind(flags, k) ?? d;
  const extraArguments = f('extra_arguments', []);
  const maxChildren = f('max_children', 'infinity');
  const maxRestarts = f('intensity', 1);
  const maxSeconds = f('period', 5);
  const strategy = f('strategy', 'one_for_one');
  const autoShutdown = f('auto_shutdown', 'never');
  const error =
    strategy !== 'one_for_one'
      ? t('invalid_strategy', strategy)
      : !(isInteger(maxRestarts) && Number(maxRestarts) >= 0)
        ? t('invalid_intensity', maxRestarts)
        : !(isInteger(maxSeconds) && Number(maxSeconds) > 0)
          ? t('invalid_period', maxSeconds)
          : !(maxChildren === 'infinity' || (isInteger(maxChildren) && Number(maxChildren) >= 0))
            ? t('invalid_max_children', maxChildren)
            : !isList(extraArguments)
              ? t('invalid_extra_arguments', extraArguments)
              : (yield* semantics()) === 'current' && autoShutdown !== 'never'
                ? t('invalid_auto_shutdown', autoShutdown)
                : undefined;
  if (error) return { error };
  return {
    state: {
      ...base,
      strategy,
      maxChildren,
      maxRestarts: Number(maxRestarts),
      maxSeconds: Number(maxSeconds),
      extraArguments: extraArguments as Term[],
      children: new Map(),
      restarts: [],
    },
  };
}

// ------------------------------------------------------------------------------- calls

function entries(state: State): Array<readonly [Pid, Term]> {
  // Erlang map iteration order (term order for maps of up to 32 keys); not insertion order.
  return [...state.children.values()].sort((a, b) => compare(a[0], b[0]));
}

const isRestartingEntry = (v: Term): boolean => isTagged(v, 'restarting', 2);
const infoOf = (v: Term): ChildInfo => (isRestartingEntry(v) ? ((v as Tuple)[1] as Tuple) : (v as Tuple));

function withChildren(state: State, update: (m: Map<string, readonly [Pid, Term]>) => void): State {
  const children = new Map(state.children);
  update(children);
  return { ...state, children };
}

const deleteChild = (state: State, pid: Pid): State => withChildren(state, (m) => m.delete(termKey(pid)));

function* handleCall(req: Term, from: From, state: State): Op<Reply> {
  if (req === 'which_children') {
    const reply = entries(state).map(([pid, v]) => t('undefined', isRestartingEntry(v) ? 'restarting' : pid, infoOf(v)[3]!, infoOf(v)[4]!));
    return t('reply', reply, asTerm(state));
  }
  if (req === 'count_children') {
    let active = 0;
    let workers = 0;
    let supervisors = 0;
    for (const [, v] of entries(state)) {
      if (!isRestartingEntry(v)) active++;
      if (infoOf(v)[3] === 'worker') workers++;
      else supervisors++;
    }
    const counts = [t('specs', state.children.size), t('active', active), t('supervisors', supervisors), t('workers', workers)];
    return t('reply', counts, asTerm(state));
  }
  if (isTagged(req, 'terminate_child', 2)) {
    const pid = req[1]!;
    const entry = pid instanceof Pid ? state.children.get(termKey(pid)) : undefined;
    if (!entry) return t('reply', t('error', 'not_found'), asTerm(state));
    yield* terminateChildren([entry], state);
    return t('reply', 'ok', asTerm(deleteChild(state, pid as Pid)));
  }
  if (isTagged(req, 'start_task', 4)) return yield* handleStartTask(req, from, state);
  if (isTagged(req, 'start_child', 2)) {
    // Rule 89: `map_size(children) < max_children`, restarting entries included.
    const size = state.children.size;
    const slack = (yield* isMutant('dynamic-max-children-off-by-one')) ? 1 : 0;
    if (state.maxChildren === 'infinity' || size < Number(state.maxChildren) + slack) return yield* handleStartChild(req[1] as ChildInfo, state);
    return t('reply', t('error', 'max_children'), asTerm(state));
  }
  return erlangError('function_clause');
}

/** Task.Supervisor's `{:start_task, args, restart, shutdown}` (EXh:dyn:723-737, E8). */
function* handleStartTask(req: Tuple, from: From, state: State): Op<Reply> {
  const [, args, restart, shutdown] = req as Term[];
  const defaults = yield* get('Elixir.Task.Supervisor');
  if (!(defaults instanceof Tuple && defaults.length === 2)) return erlangError(t('badmatch', defaults ?? 'nil'));
  const [initRestart, initShutdown] = defaults as Term[];
  if ((yield* semantics()) === 'current' && restart === 'nil' && initRestart !== 'temporary') {
    return t('reply', t('restart', initRestart!), asTerm(state));
  }
  const child = t(
    t(TaskSupervisedModule, 'start_link', args!),
    restart === 'nil' ? initRestart! : restart!,
    shutdown === 'nil' ? initShutdown! : shutdown!,
    'worker',
    [TaskSupervisedModule],
  );
  return yield* handleCall(t('start_child', child), from, state);
}

/** `handle_start_child/2`: `apply(m, f, extra ++ args)` inside the supervisor (rule 89). */
function* handleStartChild(child: ChildInfo, state: State): Op<Reply> {
  const [mfa, restart, shutdown, type, modules] = child as Term[];
  const [m, f, args] = mfa as Term[];
  const reply = yield* startChildMfa(m!, f!, [...state.extraArguments, ...(args as Term[])]);
  if ((isTagged(reply, 'ok', 2) || isTagged(reply, 'ok', 3)) && reply[1] instanceof Pid) {
    return t('reply', reply, asTerm(saveChild(state, reply[1], mfa as Tuple, restart!, shutdown!, type!, modules!)));
  }
  return t('reply', reply, asTerm(state));
}

/** `start_child/3`: a raise, exit or throw becomes `{:error, …}`; a throw is not a return value. */
function* startChildMfa(m: Term, f: Term, a: Term[]): Op<Term> {
  let value: Term;
  try {
    value = yield* apply(m, f, a);
  } catch (e) {
    const c = caught(e);
    const reason = c.kind === 'exit' ? c.reason : c.kind === 'error' ? t(c.error, []) : t(t('nocatch', c.value), []);
    return t('error', reason);
  }
  if ((isTagged(value, 'ok', 3) || isTagged(value, 'ok', 2)) && value[1] instanceof Pid) return value;
  if (value === 'ignore') return 'ignore';
  if (isTagged(value, 'error', 2)) return value;
  return t('error', value);
}

/** `save_child/7`: temporary children keep no args. */
function saveChild(state: State, pid: Pid, mfa: Tuple, restart: Term, shutdown: Term, type: Term, modules: Term): State {
  const stored = restart === 'temporary' ? t(mfa[0]!, mfa[1]!, 'undefined') : mfa;
  return withChildren(state, (m) => m.set(termKey(pid), [pid, t(stored, restart, shutdown, type, modules)]));
}

// ------------------------------------------------------------------------------- info, cast, terminate

/** Unknown casts are ignored (rule 85). */
function handleCast(_req: Term, state: State): Reply {
  return t('noreply', asTerm(state));
}

function* handleInfo(msg: Term, state: State): Op<Reply> {
  if (isTagged(msg, 'EXIT', 3)) return outcome(yield* maybeRestartChild(state, msg[1]!, msg[2]!));
  if (isTagged(msg, '$gen_restart', 2)) {
    const entry = msg[1] instanceof Pid ? state.children.get(termKey(msg[1])) : undefined;
    if (!entry) return t('noreply', asTerm(state));
    if (!isRestartingEntry(entry[1])) return erlangError(t('badmatch', entry[1]));
    return outcome(yield* restartChild(state, entry[0], (entry[1] as Tuple)[1] as ChildInfo));
  }
  yield* logReport('dynamic_supervisor.unexpected_message', {
    level: 'error',
    label: t(DYNAMIC_SUPERVISOR, 'unexpected_msg'),
    report: { msg },
    domain: ['otp', 'elixir'],
  });
  return t('noreply', asTerm(state));
}

type Outcome = { stop: boolean; state: State };
const outcome = (o: Outcome): Reply => (o.stop ? t('stop', 'shutdown', asTerm(o.state)) : t('noreply', asTerm(o.state)));

function* terminate(_reason: Term, state: State): Op<void> {
  yield* terminateChildren(entries(state), state);
}

// ------------------------------------------------------------------------------- restarts

/** `maybe_restart_child/3,5` (rule 92): the decision table; restarting entries and strangers are ignored. */
function* maybeRestartChild(state: State, pid: Term, reason: Term): Op<Outcome> {
  const entry = pid instanceof Pid ? state.children.get(termKey(pid)) : undefined;
  if (!entry || isRestartingEntry(entry[1])) return { stop: false, state };
  const child = entry[1] as ChildInfo;
  const restart = child[1];
  if (restart === 'permanent') {
    yield* reportError('child_terminated', reason, pid, child, state);
    return yield* restartChild(state, pid as Pid, child);
  }
  if (reason === 'normal' || reason === 'shutdown' || isTagged(reason, 'shutdown', 2)) return { stop: false, state: deleteChild(state, pid as Pid) };
  yield* reportError('child_terminated', reason, pid, child, state);
  if (restart === 'transient') return yield* restartChild(state, pid as Pid, child);
  return { stop: false, state: deleteChild(state, pid as Pid) };
}

/** `restart_child/3` (rules 57, 93). */
function* restartChild(state0: State, pid: Pid, child: ChildInfo): Op<Outcome> {
  const nowSeconds = Math.floor((yield* now()) / 1000);
  const restarts = [nowSeconds, ...state0.restarts].filter((then) => nowSeconds <= then + state0.maxSeconds);
  const state = { ...state0, restarts };
  if (restarts.length > state.maxRestarts) {
    yield* reportError('shutdown', 'reached_max_restart_intensity', pid, child, state);
    return { stop: true, state: deleteChild(state, pid) };
  }
  const [mfa, restart, shutdown, type, modules] = child as Term[];
  const [m, f, args] = mfa as Term[];
  const r = yield* startChildMfa(m!, f!, [...state.extraArguments, ...(args as Term[])]);
  if ((isTagged(r, 'ok', 2) || isTagged(r, 'ok', 3)) && r[1] instanceof Pid) {
    return { stop: false, state: saveChild(deleteChild(state, pid), r[1], mfa as Tuple, restart!, shutdown!, type!, modules!) };
  }
  if (r === 'ignore') return { stop: false, state: deleteChild(state, pid) };
  yield* reportError('start_error', (r as Tuple)[1]!, t('restarting', pid), child, state);
  const next = withChildren(state, (mp) => mp.set(termKey(pid), [pid, t('restarting', child)]));
  yield* send(yield* self(), t('$gen_restart', pid));
  return { stop: false, state: next };
}

/** `report_error/5` with DynamicSupervisor's offender: no `significant`, `id: :undefined` (rule 109). */
function reportError(context: ErrorContext, reason: Term, pid: Term, child: ChildInfo, state: State): Op<void> {
  const [mfa, restart, shutdown, type] = child as Term[];
  const [m, f, args] = mfa as Term[];
  const extra = state.extraArguments;
  const fullArgs: Term = isList(args) ? [...extra, ...args] : extra.length === 0 ? args! : new Improper(extra, args!);
  const offender = [t('pid', pid), t('id', 'undefined'), t('mfargs', t(m!, f!, fullArgs)), t('restart_type', restart!), t('shutdown', shutdown!), t('child_type', type!)];
  return reportErrorWith(context, reason, offender, state.name);
}

// ------------------------------------------------------------------------------- concurrent shutdown

function downOfAny(): Matcher<Tuple> {
  return Object.assign((m: Term) => (isTagged(m, 'DOWN', 5) && m[2] === 'process' ? m : undefined), { description: '{:DOWN, _, :process, _, _}' });
}

function anyKillTimeout(): Matcher<Tuple> {
  return Object.assign((m: Term) => (isTagged(m, 'timeout', 3) && m[1] instanceof Ref && m[2] === 'kill' ? m : undefined), {
    description: '{:timeout, _, :kill}',
  });
}

/** `monitor_child/1`: monitor, unlink, and see whether the child already died (rule 95). */
function* monitorChild(pid: Pid): Op<{ ok: true } | { ok: false; reason: Term }> {
  const ref = yield* monitor(pid);
  yield* unlink(pid);
  const exit = yield* receive(match.exit(pid), { after: 0 });
  if (exit === TIMEOUT) return { ok: true };
  yield* receive(match.down(ref));
  return { ok: false, reason: exit[2]! };
}

/**
 * `terminate_children/2` (rule 95): signal every child, one timer per distinct integer shutdown,
 * then collect every DOWN; a fired timer kills its group. Failures are reported per pid.
 */
function* terminateChildren(children: Array<readonly [Pid, Term]>, state: State): Op<void> {
  const pids = new Map<string, readonly [Pid, ChildInfo]>();
  const times = new Map<number, Pid[]>();
  const stacks = new Map<string, readonly [Pid, ChildInfo, Term]>();
  for (const [pid, v] of children) {
    if (isRestartingEntry(v)) continue;
    const child = v as ChildInfo;
    const monitored = yield* monitorChild(pid);
    if (monitored.ok) {
      const shutdown = child[2]!;
      if (shutdown === 'brutal_kill') yield* exitSignal(pid, 'kill');
      else {
        yield* exitSignal(pid, 'shutdown');
        if (shutdown !== 'infinity') times.set(Number(shutdown), [pid, ...(times.get(Number(shutdown)) ?? [])]);
      }
      pids.set(termKey(pid), [pid, child]);
    } else if (!(monitored.reason === 'normal' && child[1] !== 'permanent')) {
      stacks.set(termKey(pid), [pid, child, monitored.reason]);
    }
  }
  const timers = new Map<number, readonly [Ref, Pid[]]>();
  for (const [time, group] of [...times].sort((a, b) => a[0] - b[0])) {
    const ref = yield* startTimer(yield* self(), 'kill', time);
    timers.set(ref.id, [ref, group]);
  }
  let size = pids.size;
  while (size > 0) {
    const m = yield* receive(match.oneOf(downOfAny(), anyKillTimeout()));
    if (m[0] === 'DOWN') {
      const entry = m[3] instanceof Pid ? pids.get(termKey(m[3])) : undefined;
      if (!entry) continue;
      if (!cleanDynamicExit(entry[1], m[4]!)) stacks.set(termKey(entry[0]), [entry[0], entry[1], m[4]!]);
      size--;
      continue;
    }
    const timer = timers.get((m[1] as Ref).id);
    if (!timer) throw new ErlangError({ __struct__: 'Elixir.KeyError', key: m[1]!, term: 'nil', message: 'nil' });
    for (const pid of timer[1]) yield* exitSignal(pid, 'kill');
    timers.delete((m[1] as Ref).id);
  }
  for (const [ref] of timers.values()) {
    yield* cancelTimer(ref);
    yield* receive(Object.assign((x: Term) => (isTagged(x, 'timeout', 3) && x[1] instanceof Ref && x[1].id === ref.id ? x : undefined), { description: 'timer' }), { after: 0 });
  }
  const failures = [...stacks.values()].sort((a, b) => compare(a[0], b[0]));
  for (const [pid, child, reason] of failures) yield* reportError('shutdown_error', reason, pid, child, state);
}

/** `wait_child/4`: brutal_kill accepts only `:killed`; else `:shutdown`/`{:shutdown, _}` always, `:normal` if not permanent. */
function cleanDynamicExit(child: ChildInfo, reason: Term): boolean {
  if (child[2] === 'brutal_kill') return reason === 'killed';
  return reason === 'shutdown' || isTagged(reason, 'shutdown', 2) || (reason === 'normal' && child[1] !== 'permanent');
}

// ------------------------------------------------------------------------------- the module

/** The `DynamicSupervisor` module: GenServer callbacks plus `start_link`, `child_spec`, `init`. */
export const MODULE: ErlModule = new ErlModule(DYNAMIC_SUPERVISOR, {
  init: (arg: Term) => (arg instanceof Tuple && arg.length === 3 ? initCallback(arg) : init(arg as Term[])),
  handle_call: handleCall,
  handle_cast: handleCast,
  handle_info: handleInfo,
  terminate,
  start_link: (first: Term, second?: Term, third?: Term) =>
    second === undefined ? startLink(first as Term[]) : startLink(first as ErlModule, second, (third ?? []) as Term[]),
  child_spec: (opts: Term) => childSpecFor(opts as Term[]),
});

// ------------------------------------------------------------------------------- client API

export interface DynamicSupervisorOptions {
  strategy?: Term;
  maxRestarts?: Term;
  maxSeconds?: Term;
  maxChildren?: Term;
  extraArguments?: Term;
  name?: Term;
  [other: string]: unknown;
}

/**
 * `DynamicSupervisor.start_link/1` (options) or `start_link/3` (callback module). Options other
 * than the supervisor's own go to GenServer (rule 88).
 */
export function startLink(opts?: DynamicSupervisorOptions | Term[]): Op<Term>;
export function startLink(mod: ErlModule, arg: Term, opts?: Options | Term[]): Op<Term>;
export function* startLink(first?: DynamicSupervisorOptions | Term[] | ErlModule, arg?: Term, opts?: Options | Term[]): Op<Term> {
  if (first instanceof ErlModule) return yield* startModule(first, arg!, readOptions(opts));
  const options = readOptions(first);
  const [supOpts, startOpts] = splitOptions(options, ['extraArguments', 'maxChildren', 'maxSeconds', 'maxRestarts', 'strategy']);
  return yield* startModule(SUPERVISOR_DEFAULT, yield* init(supOpts), startOpts);
}

function* startModule(mod: ErlModule, arg: Term, options: Record<string, Term>): Op<Term> {
  const name = options['name'];
  const start: GenServer.StartOptions = {};
  if (name !== undefined && name !== 'nil') start.name = name;
  if (options['timeout'] !== undefined) start.timeout = options['timeout'] as GenServer.StartOptions['timeout'];
  return yield* GenServer.startLink(MODULE, t(mod, arg, name ?? 'nil'), start);
}

/**
 * `DynamicSupervisor.init/1` (rule 86): `{:ok, %{strategy:, intensity: 3, period: 5,
 * max_children: :infinity, extra_arguments: []}}` with the given options.
 */
export function* init(opts: DynamicSupervisorOptions | Term[] = {}): Op<Term> {
  const o = readOptions(opts);
  return t('ok', {
    extra_arguments: o['extraArguments'] ?? [],
    intensity: o['maxRestarts'] ?? 3,
    max_children: o['maxChildren'] ?? 'infinity',
    period: o['maxSeconds'] ?? 5,
    strategy: o['strategy'] ?? 'one_for_one',
  });
}

/** `DynamicSupervisor.child_spec/1`: id from the name, `type: :supervisor`. */
export function childSpecFor(opts: DynamicSupervisorOptions | Term[] = {}): TermObject {
  const kw = toKeyword(opts);
  const name = readOptions(opts)['name'] ?? MODULE;
  const id = isAtom(name) ? name : isTagged(name, 'global', 2) ? name[1]! : isTagged(name, 'via', 3) ? name[2]! : name;
  return { id, start: t(MODULE, 'start_link', [kw]), type: 'supervisor' };
}

export interface DynamicSupervisorCallbacks {
  /** Returns `DynamicSupervisor.init(opts)`'s result, a raw `{:ok, flags}`, or `:ignore`. */
  init(arg: Term): Term | Op<Term>;
  startLink?(arg: Term): Op<Term>;
}

/** `defmodule X do use DynamicSupervisor … end`: `init/1`, `start_link/1`, `child_spec/1` (type supervisor). */
export function defmodule(name: string, callbacks: DynamicSupervisorCallbacks, use: ChildSpecOverrides = {}): ErlModule {
  return defineSupervisorModule(name, callbacks, use, (mod, arg) => startLink(mod, arg));
}

function call(sup: Term, request: Term): Op<Term> {
  return GenServer.call(sup, request, 'infinity');
}

/**
 * `DynamicSupervisor.start_child/2` (rule 89): normalized and validated in the caller (errors
 * return without a call); then `{:ok, pid}`, `{:ok, pid, info}`, `:ignore`, `{:error, e}` or
 * `{:error, :max_children}`.
 */
export function* startChild(sup: Term, spec: Term): Op<Term> {
  const normalized = spec instanceof Tuple && spec.length === 6 ? spec : yield* childSpec(spec, {});
  const checked = yield* validateDynamicChild(normalized);
  if (!checked.ok) return t('error', checked.error);
  return yield* call(sup, t('start_child', checked.child));
}

/** `DynamicSupervisor.terminate_child/2` (rule 90): a pid only; `:ok | {:error, :not_found}`. */
export function terminateChild(sup: Term, pid: Pid): Op<Term> {
  if (!(pid instanceof Pid)) return functionClause('Elixir.DynamicSupervisor', 'terminate_child', 2);
  return call(sup, t('terminate_child', pid));
}

/** `DynamicSupervisor.which_children/1` (rule 91): `{:undefined, pid | :restarting, type, modules}`. */
export function* whichChildren(sup: Term): Op<Term[]> {
  return (yield* call(sup, 'which_children')) as Term[];
}

/** `DynamicSupervisor.count_children/1` (rule 91): a map; `active` does not check liveness. */
export function* countChildren(sup: Term): Op<TermObject> {
  return countsToMap((yield* call(sup, 'count_children')) as Term[]);
}

/** `DynamicSupervisor.stop/3`. */
export function stop(sup: Term, reason: Term = 'normal', timeout: number | 'infinity' = 'infinity'): Op<'ok'> {
  return GenServer.stop(sup, reason, timeout);
}

/**
 * The call Task.Supervisor's `start_child_with_spec/4` makes: `{:start_task, args, restart,
 * shutdown}` (`restart`/`shutdown` are `:nil` when not given per call).
 */
export function startTask(sup: Term, args: Term[], restart: Term = 'nil', shutdown: Term = 'nil'): Op<Term> {
  return call(sup, t('start_task', args, restart, shutdown));
}
