/**
 * Elixir's `Agent` (a port of `agent.ex` and `agent/server.ex`, processes.md §4): state behind a
 * GenServer, read and changed by functions sent to it.
 *
 * `Agent.Server` is an ordinary GenServer callback module (./GenServer.ts): `init` runs the start
 * function inside the agent and rewrites `$initial_call` to the function's identity (§2.2, §4.4);
 * `get`/`update`/`get_and_update` are calls, `cast` is a cast, `stop` is `GenServer.stop/3`.
 * Functions may be plain functions or generator functions (an agent function may block), or MFA
 * triples `{m, f, args}` applied as `apply(m, f, [state | args])` (§4.3).
 *
 * ```ts
 * const [, agent] = (yield* Agent.startLink(() => 0)) as Term[];
 * yield* Agent.update(agent!, (n) => n + 1);
 * const n = yield* Agent.get(agent!, (n) => n);   // 1
 * ```
 */
import { put } from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import { functionClause } from '../kernel/errors.js';
import { ErlModule, Tuple, isTagged, t, type Term, type TermFun, type TermObject } from '../term/Term.js';
import { apply, invoke } from './callbacks.js';
import type { Timeout } from './gen.js';
import * as GenServer from './GenServer.js';
import { funInfoMfa } from './taskSupervised.js';

export const AGENT = 'Elixir.Agent';

/** An agent function: a JS function (may be a generator function) or `{m, f, args}`. */
export type AgentFun = TermFun | Tuple;

/** `run/2` of agent/server.ex: `apply(m, f, extra ++ a)` or `apply(fun, extra)`. */
function* run(fun: AgentFun, extra: Term[]): Op<Term> {
  if (fun instanceof Tuple) return yield* apply(fun[0]!, fun[1]!, [...extra, ...(fun[2] as Term[])]);
  return yield* invoke<Term>(fun, extra);
}

/** `get_initial_call/1`: the start function's `{module, name, 0}` or `{m, f, length(a)}`. */
function initialCall(fun: AgentFun): Tuple {
  if (fun instanceof Tuple) return t(fun[0]!, fun[1]!, (fun[2] as Term[]).length);
  return funInfoMfa(fun);
}

/** `Agent.Server`: a `use GenServer` module (no handle_info/2: stray messages are logged). */
export const AgentServer: ErlModule = GenServer.defmodule('Agent.Server', {
  *init(fun) {
    yield* put('$initial_call', initialCall(fun as AgentFun));
    return t('ok', yield* run(fun as AgentFun, []));
  },
  *handleCall(request, _from, state) {
    if (isTagged(request, 'get', 2)) return t('reply', yield* run(request[1] as AgentFun, [state]), state);
    if (isTagged(request, 'get_and_update', 2)) {
      // §4.2: anything but {reply, new_state} stops the agent with {:bad_return_value, other}.
      const r = yield* run(request[1] as AgentFun, [state]);
      if (r instanceof Tuple && r.length === 2) return t('reply', r[0]!, r[1]!);
      return t('stop', t('bad_return_value', r), state);
    }
    if (isTagged(request, 'update', 2)) return t('reply', 'ok', yield* run(request[1] as AgentFun, [state]));
    // No clause matches: the raw `function_clause` error crashes the agent ({:function_clause, stack}).
    return functionClause('Elixir.Agent.Server', 'handle_call', 3);
  },
  *handleCast(request, state) {
    if (isTagged(request, 'cast', 2)) return t('noreply', yield* run(request[1] as AgentFun, [state]));
    return functionClause('Elixir.Agent.Server', 'handle_cast', 2);
  },
});

// ------------------------------------------------------------------------------- starting

/** `(fun, opts)` or `(m, f, args, opts)` → the Agent.Server argument and the options. */
function startArgs(a: unknown[]): [AgentFun, GenServer.StartOptions] {
  if (typeof a[0] === 'function') return [a[0] as TermFun, (a[1] ?? {}) as GenServer.StartOptions];
  return [t(a[0] as Term, a[1] as Term, a[2] as Term[]), (a[3] ?? {}) as GenServer.StartOptions];
}

/** `Agent.start_link(fun, opts)` / `(m, f, a, opts)` (§4.1): `GenServer.start_link(Agent.Server, fun, opts)`. */
export function startLink(fun: TermFun, options?: GenServer.StartOptions): Op<Term>;
export function startLink(module: Term, fun: string, args: Term[], options?: GenServer.StartOptions): Op<Term>;
export function startLink(...a: unknown[]): Op<Term> {
  const [fun, options] = startArgs(a);
  return GenServer.startLink(AgentServer, fun, options);
}

/** `Agent.start(fun, opts)` / `(m, f, a, opts)`: not linked. */
export function start(fun: TermFun, options?: GenServer.StartOptions): Op<Term>;
export function start(module: Term, fun: string, args: Term[], options?: GenServer.StartOptions): Op<Term>;
export function start(...a: unknown[]): Op<Term> {
  const [fun, options] = startArgs(a);
  return GenServer.start(AgentServer, fun, options);
}

// ------------------------------------------------------------------------------- client API

/** `(fun, timeout)` or `(m, f, args, timeout)` → the request fun and the timeout. */
function callArgs(a: unknown[]): [AgentFun, Timeout] {
  if (typeof a[0] === 'function') return [a[0] as TermFun, (a[1] ?? 5000) as Timeout];
  return [t(a[0] as Term, a[1] as Term, a[2] as Term[]), (a[3] ?? 5000) as Timeout];
}

/** `Agent.get(agent, fun, timeout \\ 5000)` (§4.2): `fun.(state)`; the state is unchanged. */
export function get(agent: Term, fun: TermFun, timeout?: Timeout): Op<Term>;
export function get(agent: Term, module: Term, fun: string, args: Term[], timeout?: Timeout): Op<Term>;
export function get(agent: Term, ...a: unknown[]): Op<Term> {
  const [fun, timeout] = callArgs(a);
  return GenServer.call(agent, t('get', fun), timeout);
}

/** `Agent.update(agent, fun, timeout \\ 5000)` (§4.2): state = `fun.(state)`; `:ok`. */
export function update(agent: Term, fun: TermFun, timeout?: Timeout): Op<Term>;
export function update(agent: Term, module: Term, fun: string, args: Term[], timeout?: Timeout): Op<Term>;
export function update(agent: Term, ...a: unknown[]): Op<Term> {
  const [fun, timeout] = callArgs(a);
  return GenServer.call(agent, t('update', fun), timeout);
}

/**
 * `Agent.get_and_update(agent, fun, timeout \\ 5000)` (§4.2): `fun` returns `{reply, new_state}`;
 * anything else stops the agent and the caller exits `{{:bad_return_value, v}, {GenServer, :call, …}}`.
 */
export function getAndUpdate(agent: Term, fun: TermFun, timeout?: Timeout): Op<Term>;
export function getAndUpdate(agent: Term, module: Term, fun: string, args: Term[], timeout?: Timeout): Op<Term>;
export function getAndUpdate(agent: Term, ...a: unknown[]): Op<Term> {
  const [fun, timeout] = callArgs(a);
  return GenServer.call(agent, t('get_and_update', fun), timeout);
}

/** `Agent.cast(agent, fun)` / `(agent, m, f, a)` (§4.2): always `:ok`. */
export function cast(agent: Term, fun: TermFun): Op<'ok'>;
export function cast(agent: Term, module: Term, fun: string, args: Term[]): Op<'ok'>;
export function cast(agent: Term, ...a: unknown[]): Op<'ok'> {
  const [fun] = callArgs(a);
  return GenServer.cast(agent, t('cast', fun));
}

/** `Agent.stop(agent, reason \\ :normal, timeout \\ :infinity)` = `GenServer.stop/3`. */
export function stop(agent: Term, reason: Term = 'normal', timeout: Timeout = 'infinity'): Op<'ok'> {
  return GenServer.stop(agent, reason, timeout);
}

// ------------------------------------------------------------------------------- child specs

/** The `Agent` module, so that `{Agent, :start_link, [fun]}` can be applied by a supervisor. */
export const AgentModule: ErlModule = new ErlModule(AGENT, {
  start_link: (...a: unknown[]) => startLink(...(a as [TermFun])),
  start: (...a: unknown[]) => start(...(a as [TermFun])),
  child_spec: (arg: Term) => childSpec(arg),
});

/** `Agent.child_spec(arg)` (§4.4): `%{id: Agent, start: {Agent, :start_link, [arg]}}` (restart defaults to permanent). */
export function childSpec(arg: Term): TermObject {
  return { id: AgentModule, start: t(AgentModule, 'start_link', [arg]) };
}

/**
 * `defmodule X do use Agent, opts … end`: `child_spec/1` is `%{id: X, start: {X, :start_link, [arg]}}`
 * merged with `use` options; `functions` are the module's exports (it must define `start_link`).
 */
export function defmodule(name: string, functions: Record<string, TermFun>, use: GenServer.UseOptions = {}): ErlModule {
  const exports: Record<string, TermFun> = { ...functions };
  const mod = new ErlModule(GenServer.moduleAtom(name), exports);
  exports['child_spec'] = (arg: Term) => GenServer.useChildSpec(mod, arg, use);
  return mod;
}
