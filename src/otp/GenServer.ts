/**
 * GenServer: a port of `gen_server.erl` (init_it, loop, handle_msg, terminate) with Elixir's
 * `GenServer` front end, written as an ordinary simulated process on the public kernel API.
 *
 * A callback module is an `ErlModule` built with `GenServer.defmodule`. Callbacks return Erlang-style
 * tuples (`t('reply', r, s)`, or the helpers `reply`, `noreply`, `stop`) and may be generator
 * functions that block (call other servers, sleep): the server process runs them inline, exactly as
 * a real gen_server process would.
 *
 * Rules implemented (processes.md): §3.1 start and the init/1 table per semantics profile, §3.2 call
 * (wrapping `{reason, {GenServer, :call, [server, req, timeout]}}`, `:noproc`, `:calling_self`, late
 * replies dropped), §3.3 callback returns, §3.4 timeouts / hibernate / continue, §3.5 cast, §3.6
 * terminate/2 exactly when OTP runs it and `GenServer.stop/3`.
 */
import { makeRef, monitor, receive, self, semantics, send, spawnOpt, TIMEOUT } from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import { ExitException, exit, functionClause, raise } from '../kernel/errors.js';
import { match } from '../kernel/match.js';
import { equals } from '../term/compare.js';
import { format } from '../term/format.js';
import { ErlModule, Pid, Tuple, isTagged, t, type Term, type TermObject } from '../term/Term.js';
import { failureReason, tryCallback, type CallbackOutcome } from './callbacks.js';
import { genCall, genReply, isTimeout, type From } from './gen.js';
import { logReport } from './logger.js';
import { parseNameOption, registerName, sendToServer, unregisterName, where, whereisServer, type ServerName } from './names.js';
import { initAck, initFail, initLineage, lineage, syncStart, type Lineage, type StartTimeout } from './procLib.js';

/** The `GenServer` module atom, as it appears in exit reasons (`{GenServer, :call, …}`). */
export const GEN_SERVER = 'Elixir.GenServer';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type State = any;
type Result = Term | Op<Term>;

/** Callbacks of a GenServer module (camelCase here; exported under their Erlang names). */
export interface GenServerCallbacks {
  /** Callbacks return Erlang tuples: `t('ok', s)`, `t('reply', r, s)`, `t('noreply', s, 100)`, `t('stop', r, s)`. */
  init(arg: Term): Result;
  handleCall?(request: Term, from: From, state: State): Result;
  handleCast?(request: Term, state: State): Result;
  handleInfo?(msg: Term, state: State): Result;
  handleContinue?(arg: Term, state: State): Result;
  terminate?(reason: Term, state: State): unknown;
  /** Overrides the generated `start_link/1` (e.g. to pass a `name:`). */
  startLink?(arg: Term): Op<Term>;
}

/** `use GenServer, …` options: defaults for the generated `child_spec/1` (supervision.md rule 19). */
export interface UseOptions {
  id?: Term;
  restart?: 'permanent' | 'transient' | 'temporary';
  shutdown?: number | 'infinity' | 'brutal_kill';
  significant?: boolean;
  type?: 'worker' | 'supervisor';
}

/** Elixir module atom for a TS-side module name: `MyApp.Cache` becomes `Elixir.MyApp.Cache`. */
export function moduleAtom(name: string): string {
  return /^[A-Z]/.test(name) && !name.startsWith('Elixir.') ? `Elixir.${name}` : name;
}

/** `%{id: mod, start: {mod, :start_link, [arg]}}` merged with `use` options. */
export function useChildSpec(mod: ErlModule, arg: Term, use: UseOptions): TermObject {
  const spec: TermObject = { id: mod, start: t(mod, 'start_link', [arg]) };
  for (const [k, v] of Object.entries(use)) if (v !== undefined) spec[k] = v as Term;
  return spec;
}

/**
 * Defines a GenServer callback module (`defmodule X do use GenServer … end`). The module exports
 * the callbacks under their Erlang names, plus `start_link/1` and `child_spec/1`.
 */
export function defmodule(name: string, callbacks: GenServerCallbacks, use: UseOptions = {}): ErlModule {
  const exports: Record<string, (...args: never[]) => unknown> = { init: callbacks.init.bind(callbacks) };
  if (callbacks.handleCall) exports['handle_call'] = callbacks.handleCall.bind(callbacks);
  if (callbacks.handleCast) exports['handle_cast'] = callbacks.handleCast.bind(callbacks);
  if (callbacks.handleInfo) exports['handle_info'] = callbacks.handleInfo.bind(callbacks);
  if (callbacks.handleContinue) exports['handle_continue'] = callbacks.handleContinue.bind(callbacks);
  if (callbacks.terminate) exports['terminate'] = callbacks.terminate.bind(callbacks);
  const mod: ErlModule = new ErlModule(moduleAtom(name), exports as ErlModule['exports']);
  exports['start_link'] = callbacks.startLink ? callbacks.startLink.bind(callbacks) : (arg: Term) => startLink(mod, arg);
  exports['child_spec'] = ((arg: Term) => useChildSpec(mod, arg, use)) as never;
  return mod;
}

// ------------------------------------------------------------------------------- starting

export interface StartOptions {
  name?: Term;
  /** How long the caller waits for init/1 (`:timeout`, default `:infinity`). */
  timeout?: StartTimeout;
  hibernateAfter?: number;
}

/** `GenServer.start_link/3`. */
export function startLink(mod: ErlModule, arg: Term, options: StartOptions = {}): Op<Term> {
  return genStart(mod, arg, options, true);
}

/** `GenServer.start/3` (not linked). */
export function start(mod: ErlModule, arg: Term, options: StartOptions = {}): Op<Term> {
  return genStart(mod, arg, options, false);
}

/**
 * `:gen.start/6`: the name pre-check (§3.1.3: a taken name returns `{:error, {:already_started,
 * pid}}` without spawning), then the proc_lib synchronous start.
 */
export function* genStart(mod: ErlModule, arg: Term, options: StartOptions, link: boolean): Op<Term> {
  const name = parseNameOption(options.name);
  if (name) {
    const existing = yield* where(name);
    if (existing) return t('error', t('already_started', existing));
  }
  const starter = yield* self();
  const lin = yield* lineage();
  const profile = yield* semantics();
  const label = name ? format(name[name.length - 1]!) : format(mod);
  const [pid, ref] = yield* spawnOpt(() => serverMain(mod, arg, name, starter, link, lin), {
    link,
    monitor: profile === 'current' || !link,
    label,
  });
  return yield* syncStart(pid, ref, link, options.timeout ?? 'infinity');
}

interface Server {
  readonly mod: ErlModule;
  readonly self: Pid;
  /** The start_link caller, or the server itself when started unlinked (§3.1.2). */
  readonly parent: Pid;
  readonly name: ServerName | undefined;
}

type LoopAction = number | 'infinity' | 'hibernate' | Tuple;

function isLoopAction(x: Term): x is LoopAction {
  return (typeof x === 'number' && Number.isInteger(x) && x >= 0) || x === 'infinity' || x === 'hibernate' || isTagged(x, 'continue', 2);
}

/** The server process: gen:init_it (name registration) then gen_server:init_it and the loop. */
function* serverMain(mod: ErlModule, arg: Term, name: ServerName | undefined, starter: Pid, link: boolean, lin: Lineage): Op<void> {
  const me = yield* self();
  yield* initLineage(lin, t(mod, 'init', 1));
  const profile = yield* semantics();
  const server: Server = { mod, self: me, parent: link ? starter : me, name };
  if (name) {
    const registered = yield* registerName(name, me);
    if (registered !== true) {
      const error = t('error', t('already_started', registered ?? 'undefined'));
      if (profile === 'otp25') {
        yield* initAck(starter, error);
        return;
      }
      yield* initFail(starter, error, 'normal');
    }
  }
  const outcome = yield* tryCallback(mod.exports['init']!, [arg]);
  if (!outcome.ok) {
    // init raised or exited (§3.1.4 rows raise/exit): no terminate/2.
    const reason = failureReason(outcome);
    yield* unregisterName(name);
    if (profile === 'otp25') yield* initAck(starter, t('error', reason));
    return exit(reason);
  }
  const ret = outcome.value;
  if (isTagged(ret, 'ok', 2)) {
    yield* initAck(starter, t('ok', me));
    return yield* loop(server, ret[1], 'infinity');
  }
  if (isTagged(ret, 'ok', 3) && isLoopAction(ret[2]!)) {
    yield* initAck(starter, t('ok', me));
    return yield* loop(server, ret[1], ret[2]);
  }
  if (ret === 'ignore') {
    yield* unregisterName(name);
    if (profile === 'otp25') {
      yield* initAck(starter, 'ignore');
      return exit('normal');
    }
    return yield* initFail(starter, 'ignore', 'normal');
  }
  if (isTagged(ret, 'stop', 2)) {
    yield* unregisterName(name);
    if (profile === 'otp25') yield* initAck(starter, t('error', ret[1]!));
    return exit(ret[1]!);
  }
  if (isTagged(ret, 'error', 2) && profile === 'current') {
    // OTP 26+: a silent, normal exit; the caller gets {:error, r} (§8 table).
    yield* unregisterName(name);
    return yield* initFail(starter, ret, 'normal');
  }
  const bad = t('bad_return_value', ret);
  yield* unregisterName(name);
  if (profile === 'otp25') yield* initAck(starter, t('error', bad));
  return exit(bad);
}

// ------------------------------------------------------------------------------- the loop

function* loop(server: Server, initialState: State, initialAction: LoopAction): Op<never> {
  let state = initialState;
  let action: LoopAction = initialAction;
  for (;;) {
    if (action instanceof Tuple) {
      // {:continue, arg}: handle_continue runs before reading the mailbox (§3.4.4).
      const fn = server.mod.exports['handle_continue'];
      const outcome: CallbackOutcome = fn
        ? yield* tryCallback(fn, [action[1]!, state])
        : { ok: false, kind: 'error', reason: 'undef' };
      [state, action] = yield* commonReply(server, outcome, action, state);
      continue;
    }
    const after = action === 'hibernate' ? 'infinity' : action;
    const received = yield* receive(match.any, { after });
    const msg: Term = received === TIMEOUT ? 'timeout' : received;
    [state, action] = yield* decode(server, msg, state);
  }
}

function* decode(server: Server, msg: Term, state: State): Op<[State, LoopAction]> {
  if (isTagged(msg, 'system', 3)) return yield* systemMessage(server, msg[1]!, msg[2]!, state);
  if (isTagged(msg, 'EXIT', 3) && msg[1] instanceof Pid && msg[1].id === server.parent.id) {
    // Only the parent's EXIT terminates, with any reason including :normal (§3.6.3).
    return exit(yield* terminate(server, { kind: 'exit', reason: msg[2]! }, state, msg));
  }
  if (isTagged(msg, '$gen_call', 3)) return yield* handleCall(server, msg[1]!, msg[2]!, state);
  if (isTagged(msg, '$gen_cast', 2)) {
    const fn = server.mod.exports['handle_cast'];
    const outcome: CallbackOutcome = fn
      ? yield* tryCallback(fn, [msg[1]!, state])
      : yield* tryCallback(() => missingCallback(server, 'cast', 'handle_cast/2'), []);
    return yield* commonReply(server, outcome, msg, state);
  }
  const fn = server.mod.exports['handle_info'];
  if (!fn) {
    // `use GenServer` default handle_info/2: log and carry on (§3.3.7).
    yield* logReport('gen_server.unexpected_info', { module: server.mod, server: serverLabel(server), message: msg });
    return [state, 'infinity'];
  }
  return yield* commonReply(server, yield* tryCallback(fn, [msg, state]), msg, state);
}

function serverLabel(server: Server): Term {
  return server.name && server.name[0] === 'local' ? server.name[1]! : server.self;
}

function missingCallback(server: Server, verb: string, callback: string): never {
  const who = server.name && server.name[0] === 'local' ? format(server.name[1]!) : inspectPid(server.self);
  return raise('RuntimeError', `attempted to ${verb} GenServer ${who} but no ${callback} clause was provided`);
}

function inspectPid(pid: Pid): string {
  return `#PID${pid.toString()}`;
}

function* handleCall(server: Server, from: Term, request: Term, state: State): Op<[State, LoopAction]> {
  const fn = server.mod.exports['handle_call'];
  const outcome: CallbackOutcome = fn
    ? yield* tryCallback(fn, [request, from, state])
    : yield* tryCallback(() => missingCallback(server, 'call', 'handle_call/3'), []);
  if (outcome.ok) {
    const r = outcome.value;
    if (isTagged(r, 'reply', 3)) {
      yield* genReply(from, r[1]!);
      return [r[2], 'infinity'];
    }
    if (isTagged(r, 'reply', 4) && isLoopAction(r[3]!)) {
      yield* genReply(from, r[1]!);
      return [r[2], r[3]];
    }
    if (isTagged(r, 'stop', 4)) {
      // terminate/2 runs first, then the reply is sent, then the process exits (§3.3.3).
      const final = yield* terminate(server, { kind: 'exit', reason: r[1]! }, r[3], request);
      yield* genReply(from, r[2]!);
      return exit(final);
    }
  }
  return yield* commonReply(server, outcome, request, state);
}

/** gen_server `handle_common_reply/8`. */
function* commonReply(server: Server, outcome: CallbackOutcome, msg: Term, state: State): Op<[State, LoopAction]> {
  if (!outcome.ok) return exit(yield* terminate(server, outcome, state, msg));
  const r = outcome.value;
  if (isTagged(r, 'noreply', 2)) return [r[1], 'infinity'];
  if (isTagged(r, 'noreply', 3) && isLoopAction(r[2]!)) return [r[1], r[2]];
  if (isTagged(r, 'stop', 3)) return exit(yield* terminate(server, { kind: 'exit', reason: r[1]! }, r[2], msg));
  return exit(yield* terminate(server, { kind: 'exit', reason: t('bad_return_value', r) }, state, msg));
}

const isNormalExit = (reason: Term): boolean =>
  reason === 'normal' || reason === 'shutdown' || isTagged(reason, 'shutdown', 2);

/**
 * gen_server `terminate/10`: runs `terminate/2` (default: nothing), logs abnormal exits, and
 * returns the reason the process must exit with — the callback's own failure if it raised (§3.6.4).
 */
function* terminate(
  server: Server,
  cause: { kind: 'exit' | 'error'; reason: Term },
  state: State,
  lastMessage: Term,
): Op<Term> {
  const reason = cause.kind === 'error' ? t(cause.reason, []) : cause.reason;
  const fn = server.mod.exports['terminate'];
  if (fn) {
    const outcome = yield* tryCallback(fn, [reason, state]);
    if (!outcome.ok) {
      const own = failureReason(outcome);
      yield* logReport('gen_server.terminating', { module: server.mod, server: serverLabel(server), last_message: lastMessage, reason: own });
      return own;
    }
  }
  if (cause.kind === 'error' || !isNormalExit(reason)) {
    yield* logReport('gen_server.terminating', { module: server.mod, server: serverLabel(server), last_message: lastMessage, reason });
  }
  return reason;
}

/** System messages (`:sys`): `get_state` answers with the state; `{:terminate, r}` stops. */
function* systemMessage(server: Server, from: Term, request: Term, state: State): Op<[State, LoopAction]> {
  if (request === 'get_state') {
    yield* genReply(from, state);
    return [state, 'infinity'];
  }
  if (isTagged(request, 'terminate', 2)) {
    return exit(yield* terminate(server, { kind: 'exit', reason: request[1]! }, state, t('system', from, request)));
  }
  yield* genReply(from, t('error', t('unknown_system_msg', request)));
  return [state, 'infinity'];
}

// ------------------------------------------------------------------------------- client API

/** Exits with `{reason, {GenServer, fun, args}}` when `body` exits (Elixir's wrapping, §3.2.1). */
function* wrapExit<T>(fun: string, args: Term[], body: Op<T>): Op<T> {
  try {
    return yield* body;
  } catch (e) {
    if (e instanceof ExitException) return exit(t(e.reason, t(GEN_SERVER, fun, args)));
    throw e;
  }
}

/** `GenServer.call/3` (§3.2). `timeout` is a non-negative integer or `'infinity'` (default 5000). */
export function* call(server: Term, request: Term, timeout: number | 'infinity' = 5000): Op<Term> {
  // `when (is_integer(timeout) and timeout >= 0) or timeout == :infinity`: nothing is sent.
  if (!isTimeout(timeout)) return functionClause('Elixir.GenServer', 'call', 3);
  const args = [server, request, timeout];
  const pid = yield* whereisServer(server);
  if (!pid) return exit(t('noproc', t(GEN_SERVER, 'call', args)));
  if (equals(pid, yield* self())) return exit(t('calling_self', t(GEN_SERVER, 'call', args)));
  return yield* wrapExit('call', args, genCall(pid, '$gen_call', request, timeout));
}

/** `GenServer.cast/2`: always `:ok`; send errors are swallowed (§3.5.1). */
export function* cast(server: Term, request: Term): Op<'ok'> {
  try {
    yield* sendToServer(server, t('$gen_cast', request));
  } catch {
    // unregistered name, missing via name: ignored
  }
  return 'ok';
}

/** `GenServer.reply/2`, callable from any process; always `:ok` (§3.3.2). */
export function reply(from: From, replyValue: Term): Op<'ok'> {
  return genReply(from, replyValue);
}

/** `GenServer.whereis/1`. */
export function whereis(server: Term): Op<Pid | undefined> {
  return whereisServer(server);
}

/**
 * `GenServer.stop/3` (§3.6.6): the server runs `terminate(reason, state)` when it processes the
 * request (in mailbox order); returns `:ok` if it exits with `reason`, else exits with
 * `{other, {GenServer, :stop, …}}`, or `{:timeout, …}` after `timeout`.
 */
export function* stop(server: Term, reason: Term = 'normal', timeout: number | 'infinity' = 'infinity'): Op<'ok'> {
  const args = [server, reason, timeout];
  const mfa = t(GEN_SERVER, 'stop', args);
  const pid = yield* whereisServer(server);
  if (!pid) return exit(t('noproc', mfa));
  const me = yield* self();
  if (equals(pid, me)) return exit(t('calling_self', mfa));
  const ref = yield* monitor(pid);
  const tag = yield* makeRef();
  yield* send(pid, t('system', t(me, tag), t('terminate', reason)));
  const down = yield* receive(match.down(ref), { after: timeout });
  if (down === TIMEOUT) return exit(t('timeout', mfa));
  if (equals(down[4]!, reason)) return 'ok';
  return exit(t(down[4]!, mfa));
}

/** `:sys.get_state/2`: a synchronous barrier that returns the server's state. */
export function* getState(server: Term, timeout: number | 'infinity' = 5000): Op<Term> {
  if (!isTimeout(timeout)) {
    // gen:call/4's guard fails before any lookup: OTP 25's sys wraps everything it catches, OTP 26+
    // only exits, so the error itself propagates.
    if ((yield* semantics()) === 'otp25') return exit(t(t('function_clause', []), t('sys', 'get_state', [server, timeout])));
    return functionClause('gen', 'call', 4);
  }
  const pid = yield* whereisServer(server);
  if (!pid) return exit(t('noproc', t('sys', 'get_state', [server, timeout])));
  try {
    return yield* genCall(pid, 'system', 'get_state', timeout);
  } catch (e) {
    if (e instanceof ExitException) return exit(t(e.reason, t('sys', 'get_state', [server, timeout])));
    throw e;
  }
}
