/**
 * Hand-written supervisors for the pattern 12 scenarios, ported from the seed, with the simulated
 * children they supervise.
 *
 * - `listSupervisor` / `mapSupervisor`: the before / after `MyApp.CustomSupervisor` (children in a
 *   list scanned by `Enum.reject/2`, or in a map popped by pid). The seed shows only `init/1` and
 *   `handle_info/2`; both get the same `{:start_child, {mod, arg}}` call (not in the seed) so that
 *   a test can give them children.
 * - `fancySupervisor`: the over-application's `MyApp.FancySupervisor` — "200 lines of restart
 *   logic, child tracking, shutdown handling" written by hand. The seed does not show the code, so
 *   this is a typical one, with the mistakes such code typically has (each marked `BUG:`).
 *
 * The collection operations count the entries they visit (`lookup` reports), the honest cost of a
 * lookup: `Enum.reject/2` visits every element, `Map.pop/2` finds the key with one lookup.
 */
import {
  GenServer,
  Pid,
  exit,
  exitSignal,
  isTagged,
  report,
  self,
  sendAfter,
  t,
  trapExit,
  type ErlModule,
  type Op,
  type Term,
  type TermObject,
} from '../../src/index.js';

// ------------------------------------------------------------------------------- collections

/** `Enum.reject(list, fun)`, counting the elements it visits. */
export function enumReject<T>(list: readonly T[], fun: (x: T) => boolean): { result: T[]; visited: number } {
  const result: T[] = [];
  let visited = 0;
  for (const x of list) {
    visited++;
    if (!fun(x)) result.push(x);
  }
  return { result, visited };
}

/** `Map.pop(map, key)` on a map keyed by pid: one lookup. */
export function mapPop<V>(map: ReadonlyMap<number, V>, key: Pid): { value: V | undefined; rest: Map<number, V>; visited: number } {
  const rest = new Map(map);
  const value = rest.get(key.id);
  rest.delete(key.id);
  return { value, rest, visited: 1 };
}

// ------------------------------------------------------------------------------- children

export type ChildReason = 'boom' | 'normal' | 'shutdown' | 'kill';

/** A child that lives `lifetimeMs`, then exits with `reason` (from inside). */
export const ShortLivedChild: ErlModule = GenServer.defmodule('MyApp.Child', {
  *init(arg: Term) {
    const { lifetimeMs, reason } = arg as unknown as { lifetimeMs: number; reason: ChildReason };
    yield* sendAfter(yield* self(), t('die', reason), lifetimeMs);
    return t('ok', arg);
  },
  handleInfo(msg: Term, state: Term) {
    if (isTagged(msg, 'die', 2)) return exit(msg[1] === 'kill' ? 'killed' : msg[1]!);
    return t('noreply', state);
  },
});

/** Starts a `{mod, arg}` child linked to the caller (the supervisor): `mod.start_link(arg)`. */
function* startLinked(spec: Term): Op<Term> {
  const [mod, arg] = spec as [ErlModule, Term];
  return yield* GenServer.startLink(mod, arg);
}

// ------------------------------------------------------------------------------- before / after

/**
 * before:
 * ```elixir
 * def init(_), do: {:ok, %{children: []}}   # List! Every EXIT scans the whole thing
 * def handle_info({:EXIT, pid, _reason}, state) do
 *   children = Enum.reject(state.children, fn {p, _spec} -> p == pid end)
 *   {:noreply, %{state | children: children}}
 * end
 * ```
 */
export function listSupervisor(): ErlModule {
  type State = { children: Array<[Pid, Term]> };
  return GenServer.defmodule('MyApp.CustomSupervisor', {
    init: () => t('ok', { children: [] } as unknown as Term),
    *handleCall(request: Term, _from, state: State) {
      if (!isTagged(request, 'start_child', 2)) return t('reply', t('error', 'unknown_call'), state as unknown as Term);
      const started = yield* startLinked(request[1]!);
      if (!isTagged(started, 'ok', 2)) return t('reply', started, state as unknown as Term);
      return t('reply', started, { children: [[started[1] as Pid, request[1]!], ...state.children] } as unknown as Term);
    },
    *handleInfo(msg: Term, state: State) {
      if (!isTagged(msg, 'EXIT', 3)) return t('noreply', state as unknown as Term);
      const pid = msg[1] as Pid;
      const { result, visited } = enumReject(state.children, ([p]) => p.id === pid.id);
      yield* report('lookup', { visited, children: state.children.length, remaining: result.length });
      return t('noreply', { children: result } as unknown as Term);
    },
  });
}

/**
 * after:
 * ```elixir
 * defstruct children: %{}, restarts: [], max_restarts: 3, max_seconds: 5
 * def init(_) do
 *   Process.flag(:trap_exit, true)
 *   {:ok, %__MODULE__{}}
 * end
 * def handle_info({:EXIT, pid, _reason}, state) do
 *   {_spec, children} = Map.pop(state.children, pid)   # O(1) lookup and delete
 *   {:noreply, %{state | children: children}}
 * end
 * ```
 */
export function mapSupervisor(): ErlModule {
  type State = { children: Map<number, Term>; restarts: number[]; maxRestarts: number; maxSeconds: number };
  const wrap = (s: State) => s as unknown as Term;
  return GenServer.defmodule('MyApp.CustomSupervisor', {
    *init() {
      yield* trapExit(true);
      return t('ok', wrap({ children: new Map(), restarts: [], maxRestarts: 3, maxSeconds: 5 }));
    },
    *handleCall(request: Term, _from, state: State) {
      if (!isTagged(request, 'start_child', 2)) return t('reply', t('error', 'unknown_call'), wrap(state));
      const started = yield* startLinked(request[1]!);
      if (!isTagged(started, 'ok', 2)) return t('reply', started, wrap(state));
      const children = new Map(state.children).set((started[1] as Pid).id, request[1]!);
      return t('reply', started, wrap({ ...state, children }));
    },
    *handleInfo(msg: Term, state: State) {
      if (!isTagged(msg, 'EXIT', 3)) return t('noreply', wrap(state));
      const { rest, visited } = mapPop(state.children, msg[1] as Pid);
      yield* report('lookup', { visited, children: state.children.size, remaining: rest.size });
      return t('noreply', wrap({ ...state, children: rest }));
    },
  });
}

// ------------------------------------------------------------------------------- over: FancySupervisor

interface FancyChild {
  readonly spec: TermObject;
  readonly restart: Term;
}

/**
 * over: `defmodule MyApp.FancySupervisor do use GenServer … end` — "200 lines of restart logic,
 * child tracking, shutdown handling… Congratulations, you've reimplemented DynamicSupervisor with
 * more bugs". It answers the same calls as DynamicSupervisor: `{:start_child, spec}` (a child spec
 * map), `:which_children`.
 */
export function fancySupervisor(): ErlModule {
  type Children = ReadonlyMap<number, readonly [Pid, FancyChild]>;
  type State = { children: Children; restarts: number[]; maxRestarts: number; maxSeconds: number };
  const wrap = (s: State) => s as unknown as Term;
  const withChild = (children: Children, pid: Pid, child: FancyChild): Children => new Map(children).set(pid.id, [pid, child]);

  function* startChild(spec: TermObject): Op<Term> {
    const [m, , a] = spec['start'] as Term[];
    return yield* GenServer.startLink(m as ErlModule, (a as Term[])[0]!);
  }

  return GenServer.defmodule('MyApp.FancySupervisor', {
    *init() {
      yield* trapExit(true);
      // The struct even has the fields for restart intensity…
      return t('ok', wrap({ children: new Map(), restarts: [], maxRestarts: 3, maxSeconds: 5 }));
    },
    *handleCall(request: Term, _from, state: State) {
      if (isTagged(request, 'start_child', 2)) {
        const spec = request[1] as TermObject;
        const started = yield* startChild(spec);
        if (!isTagged(started, 'ok', 2)) return t('reply', started, wrap(state));
        const child: FancyChild = { spec, restart: spec['restart'] ?? 'permanent' };
        return t('reply', started, wrap({ ...state, children: withChild(state.children, started[1] as Pid, child) }));
      }
      if (request === 'which_children') {
        const list = [...state.children.values()].map(([pid]) => t('undefined', pid, 'worker', ['Elixir.MyApp.Worker']));
        return t('reply', list, wrap(state));
      }
      return t('reply', t('error', 'unknown_call'), wrap(state));
    },
    *handleInfo(msg: Term, state: State) {
      if (!isTagged(msg, 'EXIT', 3)) return t('noreply', wrap(state));
      const pid = msg[1] as Pid;
      const reason = msg[2]!;
      const entry = state.children.get(pid.id);
      if (!entry) return t('noreply', wrap(state));
      const child = entry[1];
      const children = new Map(state.children);
      children.delete(pid.id);
      // BUG: only :normal counts as a clean exit, so a transient child that stops with :shutdown
      // or {:shutdown, _} is restarted (OTP: all three are normal, rule 37).
      const restart = child.restart === 'permanent' || (child.restart === 'transient' && reason !== 'normal');
      if (!restart) return t('noreply', wrap({ ...state, children }));
      // BUG: no restart intensity — `restarts`/`max_restarts` are never consulted, so a child
      // that keeps crashing is restarted forever instead of escalating (rules 51–55, 57).
      const started = yield* startChild(child.spec);
      if (!isTagged(started, 'ok', 2)) return t('noreply', wrap({ ...state, children }));
      return t('noreply', wrap({ ...state, children: withChild(children, started[1] as Pid, child) }));
    },
    *terminate(_reason: Term, state: State) {
      // BUG: tells every child to shut down but does not wait for them (rule 95 waits for every
      // DOWN), so a child still cleaning up outlives its supervisor.
      for (const [pid] of state.children.values()) yield* exitSignal(pid, 'shutdown');
    },
  });
}
