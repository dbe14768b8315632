/**
 * processes.md §4 (Agent) and the Agent part of §2.2. Expected values come from the probes
 * (✔A1-A6, ✔M8, ✔Q14, ✔Q15, ✔Q17, ✔C12). Nothing here differs between the profiles (§4.4), so
 * each scenario runs under both.
 */
import { describe, expect, it } from 'vitest';
import {
  ErlModule,
  GenServer,
  exitSignal,
  format,
  get,
  match,
  monitor,
  processInfo,
  raise,
  receive,
  run,
  self,
  send,
  sleep,
  spawnMonitor,
  t,
  trapExit,
  whereis,
  type Op,
  type Pid,
  type Term,
} from '../../src/index.js';
import * as Agent from '../../src/otp/Agent.js';
import { always, observe, exitOf } from '../helpers.js';

const both = ['current', 'otp25'] as const;


function* startAgent(fun: () => Term | Op<Term>): Op<Pid> {
  const [, pid] = (yield* Agent.start(fun)) as Term[];
  return pid as Pid;
}

const Kernel = new ErlModule('Elixir.Kernel', { '+': (a: number, b: number) => a + b, '*': (a: number, b: number) => a * b });
const Lists = new ErlModule('lists', { reverse: (l: Term[]) => [...l].reverse() });

describe('§4.1 starting', () => {
  for (const semantics of both) {
    it(`4.1 start_link runs fun inside the agent and links; start does not link (${semantics})`, () => {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const [ok, linked] = (yield* Agent.startLink(function* () { return yield* self(); })) as Term[];
        const [, unlinked] = (yield* Agent.start(() => 0)) as Term[];
        const links = ((yield* processInfo(me, 'links')) as Term[]).map((p) => format(p));
        seen.push(ok!, format(yield* Agent.get(linked!, (s: Term) => s)) === format(linked!));
        seen.push(links.includes(format(linked!)), links.includes(format(unlinked!)));
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual([':ok', 'true', 'true', 'false']);
    });

    it(`4.1 a raising start function → {:error, {exception, []}} (✔A4); a name registers the agent (${semantics})`, () => {
      const runs = observe(function* (seen) {
        seen.push(yield* Agent.start(() => raise('RuntimeError', 'x')));
        const [, pid] = (yield* Agent.startLink(() => 1, { name: 'counter' })) as Term[];
        seen.push(format((yield* whereis('counter'))!) === format(pid!), yield* Agent.get('counter', (s: Term) => s));
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['{:error, {%RuntimeError{message: "x"}, []}}', 'true', '1']);
    });

    it(`4.1 the MFA form starts with apply(m, f, a) (✔Q14, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const [, a] = (yield* Agent.start(Lists, 'reverse', [[1]])) as Term[];
        seen.push(yield* Agent.get(a!, (s: Term) => s));
      }, { semantics, seeds: 10 });
      expect(always(runs)).toEqual(['[1]']);
    });
  }
});

describe('§4.2 get, update, get_and_update, cast, stop', () => {
  for (const semantics of both) {
    it(`4.2 basics: get, update, get_and_update, cast, stop (✔A1, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const a = yield* startAgent(() => 1);
        const r1 = yield* Agent.get(a, (s: number) => s);
        const u = yield* Agent.update(a, (s: number) => s + 1);
        const r2 = yield* Agent.getAndUpdate(a, (s: number) => t(s, s * 10));
        const c = yield* Agent.cast(a, (s: number) => s + 1);
        const r3 = yield* Agent.get(a, (s: number) => s);
        const ref = yield* monitor(a);
        seen.push(r1, u, r2, c, r3, yield* Agent.stop(a), (yield* receive(match.down(ref)))[4]!);
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['1', ':ok', '2', ':ok', '21', ':ok', ':normal']);
    });

    it(`4.2 get_and_update with a bad return stops the agent; the caller exits {{:bad_return_value, v}, {GenServer, :call, …}} (✔A2, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const a = yield* startAgent(() => 1);
        const ref = yield* monitor(a);
        seen.push(yield* exitOf(() => Agent.getAndUpdate(a, () => 'bad')));
        seen.push((yield* receive(match.down(ref)))[4]!);
      }, { semantics, seeds: 20 });
      const [callerExit, agentExit] = always(runs);
      expect(callerExit).toMatch(/^\{\{:bad_return_value, :bad\}, \{GenServer, :call, \[PID, \{:get_and_update, #Function<.*>\}, 5000\]\}\}$/);
      expect(agentExit).toBe('{:bad_return_value, :bad}');
    });
  }

  it('4.2 functions may block (call another agent); the caller waits', () => {
    const runs = observe(function* (seen) {
      const other = yield* startAgent(() => 41);
      const a = yield* startAgent(() => 0);
      seen.push(yield* Agent.get(a, function* () { return ((yield* Agent.get(other, (s: number) => s)) as number) + 1; }));
    });
    expect(always(runs)).toEqual(['42']);
  });

  it('4.2 get honours its timeout: {:timeout, {GenServer, :call, …}}', () => {
    const runs = observe(function* (seen) {
      const a = yield* startAgent(() => 0);
      seen.push(yield* exitOf(() => Agent.get(a, function* () { yield* sleep(500); return 1; }, 100)));
    });
    expect(always(runs)[0]).toMatch(/^\{:timeout, \{GenServer, :call, \[PID, \{:get, #Function<.*>\}, 100\]\}\}$/);
  });

  it('4.2 cast always returns :ok, also to a dead agent; stop with a reason and timeout is GenServer.stop/3', () => {
    const runs = observe(function* (seen) {
      const a = yield* startAgent(() => 0);
      const ref = yield* monitor(a);
      seen.push(yield* Agent.stop(a, 'shutdown', 1000), (yield* receive(match.down(ref)))[4]!);
      seen.push(yield* Agent.cast(a, (s: number) => s + 1), yield* Agent.cast('nobody', (s: number) => s));
      seen.push(yield* exitOf(() => Agent.stop(a)));
    });
    expect(always(runs)).toEqual([':ok', ':shutdown', ':ok', ':ok', '{:noproc, {GenServer, :stop, [PID, :normal, :infinity]}}']);
  });

  it('4.2 a stray message is logged by the default handle_info/2 and the agent carries on (✔Q15)', () => {
    const result = run(function* () {
      const a = yield* startAgent(() => 0);
      yield* send(a, 'stray');
      return yield* Agent.get(a, (s: number) => s);
    });
    const reports = result.trace.filter((e) => e.k === 'report' && e.name === 'gen_server.unexpected_info');
    expect(reports.map((e) => format((e as { data: Term }).data))).toEqual([expect.stringContaining('module: Agent.Server')]);
    expect(format(reports[0] ? (reports[0] as { data: Term }).data : 'none')).toContain('message: :stray');
  });

  it('4.2 a killed linked agent reaches a trapping caller as {:EXIT, pid, :killed} (✔M8)', () => {
    const runs = observe(function* (seen) {
      yield* trapExit(true);
      const [, a] = (yield* Agent.startLink(() => 1)) as Term[];
      yield* exitSignal(a as Pid, 'kill');
      seen.push((yield* receive(match.exit(a as Pid)))[2]!);
    });
    expect(always(runs)).toEqual([':killed']);
  });

  // Measured on Elixir 1.14 / OTP 25 and 1.18 / OTP 27: GenServer.call(agent, :foo) exits
  // {{:function_clause, [{Agent.Server, :handle_call, [:foo, from, 0], …} | …]}, {GenServer, :call,
  // [agent, :foo, 5000]}} and GenServer.cast(agent, :foo) kills the agent with {:function_clause,
  // [{Agent.Server, :handle_cast, …} | …]}: the raw VM error, not a %FunctionClauseError{} (only
  // `rescue` builds the struct). The simulator has no stack trace, hence `[]`.
  for (const semantics of both) {
    it(`4.2 a request Agent.Server has no clause for crashes the agent with {:function_clause, stack} (${semantics})`, () => {
      const runs = observe(function* (seen) {
        const a = yield* startAgent(() => 0);
        seen.push(yield* exitOf(() => GenServer.call(a, 'foo')));
        const b = yield* startAgent(() => 0);
        const ref = yield* monitor(b);
        seen.push(yield* GenServer.cast(b, 'foo'), (yield* receive(match.down(ref)))[4]!);
      }, { semantics, seeds: 10 });
      expect(always(runs)).toEqual(['{{:function_clause, []}, {GenServer, :call, [PID, :foo, 5000]}}', ':ok', '{:function_clause, []}']);
    });
  }
});

describe('§4.3 MFA forms', () => {
  for (const semantics of both) {
    it(`4.3 apply(m, f, [state | args]) for get/update/get_and_update/cast (✔A6, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const a = yield* startAgent(() => 1);
        seen.push(yield* Agent.get(a, Kernel, '+', [10]));
        seen.push(yield* Agent.update(a, Kernel, '*', [3]));
        seen.push(yield* Agent.get(a, (s: Term) => s));
        const Pair = new ErlModule('Elixir.Pair', { split: (s: number, k: number) => t(s, s + k) });
        seen.push(yield* Agent.getAndUpdate(a, Pair, 'split', [4]), yield* Agent.cast(a, Kernel, '+', [1]));
        seen.push(yield* Agent.get(a, (s: Term) => s));
      }, { semantics, seeds: 10 });
      expect(always(runs)).toEqual(['11', ':ok', '3', '3', ':ok', '8']);
    });
  }
});

describe('§4.4 child_spec and lineage', () => {
  it('4.4 Agent.child_spec(arg) = %{id: Agent, start: {Agent, :start_link, [arg]}} (✔A5, ✔Q17); the start MFA works', () => {
    expect(format(Agent.childSpec('x'))).toBe('%{id: Agent, start: {Agent, :start_link, [:x]}}');
    const runs = observe(function* (seen) {
      const [m, f, a] = Agent.childSpec(() => 5)['start'] as Term[];
      const [ok, pid] = (yield* (m as ErlModule).exports[f as string]!(...(a as Term[]))) as Term[];
      seen.push(ok!, yield* Agent.get(pid!, (s: Term) => s));
    }, { seeds: 5 });
    expect(always(runs)).toEqual([':ok', '5']);
  });

  it('4.4 `use Agent`: child_spec with id: the module, merged with use options', () => {
    const Counter = Agent.defmodule('Counter', { start_link: (n: Term) => Agent.startLink(() => n) }, { restart: 'transient' });
    expect(format(Counter.exports['child_spec']!(0) as Term)).toBe('%{id: Counter, start: {Counter, :start_link, [0]}, restart: :transient}');
  });

  for (const semantics of both) {
    it(`2.2/4.4 $initial_call is rewritten to the start function; $ancestors = [caller]; no $callers (✔A3, ✔C12, ✔Q14, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const info = function* (a: Term) {
          return yield* Agent.get(a, function* () { return [(yield* get('$initial_call'))!, (yield* get('$ancestors'))!, (yield* get('$callers')) ?? 'nil']; });
        };
        const a = yield* startAgent(function initState() { return 1; });
        seen.push(yield* info(a));
        const [, b] = (yield* Agent.start(Lists, 'reverse', [[1]])) as Term[];
        seen.push(yield* info(b!));
      }, { semantics, seeds: 10 });
      expect(always(runs)).toEqual(['[{:js, :initState, 0}, [PID], nil]', '[{:lists, :reverse, 1}, [PID], nil]']);
    });
  }

  it('4.1 a linked agent dies with its start_link caller (non-trapping agent, abnormal reason)', () => {
    const runs = observe(function* (seen) {
      const me = yield* self();
      const [owner] = yield* spawnMonitor(function* () {
        const [, a] = (yield* Agent.startLink(() => 1)) as Term[];
        yield* send(me, t('agent', a!));
        yield* receive(match.eq('die'));
        return raise('RuntimeError', 'owner crash');
      });
      const [, a] = yield* receive(match.tagged('agent', 2));
      const agentRef = yield* monitor(a as Pid);
      yield* Agent.get(a!, (st: Term) => st); // a barrier: the monitor is in place
      yield* send(owner, 'die');
      seen.push((yield* receive(match.down(agentRef)))[4]!);
    });
    expect(always(runs)).toEqual(['{%RuntimeError{message: "owner crash"}, []}']);
  });
});
