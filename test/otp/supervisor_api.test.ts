/**
 * supervision.md §8 (the static supervisor API, rules 77-85), §12 (reports, rules 108-113), the
 * OTP rows of §13 not covered elsewhere (D2, D5, D6, D7) and §14 (rules 119-121). Expected values
 * follow probes/supervision/e1.exs, e4.out, e13.exs and my1.exs (see the final report).
 */
import { describe, expect, it } from 'vitest';
import {
  ErlModule,
  GenServer,
  Pid,
  caught,
  exitSignal,
  format,
  match,
  monitor,
  receive,
  run,
  self,
  send,
  spawn,
  t,
  trapExit,
  type Op,
  type Term,
  type TermObject,
} from '../../src/index.js';
import * as Supervisor from '../../src/otp/Supervisor.js';
import { W, awaitChildren, awaitNewPid, both, ch, counted, note, pidOf, reportsOf, same, startW, traceRuns } from './supervisor.helpers.js';

function* startSup(children: Term[], opts: Supervisor.SupervisorOptions): Op<Term> {
  yield* trapExit(true);
  const r = (yield* Supervisor.startLink(children, opts)) as Term[];
  if (r[0] !== 'ok') throw new Error('start failed');
  return r[1]!;
}

const RawSup = Supervisor.defmodule('RawSup', { init: (arg) => t('ok', arg) });

const exitReason = function* (body: () => Op<unknown>): Op<Term> {
  try {
    yield* body();
    return 'no exit';
  } catch (e) {
    const c = caught(e);
    return c.kind === 'exit' ? c.reason : c.kind === 'error' ? t('raised', (c.error as TermObject)['__struct__'] ?? c.error) : c.value;
  }
};

describe('§8 static supervisor API', () => {
  for (const semantics of both) {
    it(`rule 77 / D2: start_child results: already_started, already_present, ok (last), ignore, {r, child_record} (${semantics})`, () => {
      const runs = traceRuns(function* () {
        const sup = yield* startSup([ch('x')], { strategy: 'one_for_one' });
        yield* note(yield* Supervisor.startChild(sup, ch('x')));
        yield* Supervisor.terminateChild(sup, 'x');
        yield* note(yield* Supervisor.startChild(sup, ch('x')));
        yield* note(yield* Supervisor.startChild(sup, ch('z', { mode: t('error', 'nope') })));
        const me = yield* self();
        yield* note(yield* Supervisor.startChild(sup, ch('z2', { mode: t('error', t('already_started', me)) })));
        yield* note(yield* Supervisor.startChild(sup, ch('tz', { mode: 'ignore' }, { restart: 'temporary' })));
        yield* note(yield* Supervisor.startChild(sup, ch('pz', { mode: 'ignore' })));
        yield* note(((yield* Supervisor.startChild(sup, ch('new'))) as Term[])[0]!);
        yield* note((yield* Supervisor.whichChildren(sup)).map((k) => (k as Term[])[0]!));
      }, { semantics, progress: false });
      const out = same(runs.map((r) => r.filter((l) => !l.startsWith('{:start_called') && !l.startsWith('{:terminate'))));
      expect(out).toEqual([
        '{:error, {:already_started, PID}}',
        '{:error, :already_present}',
        '{:error, {:nope, {:child, :undefined, :z, {W, :start_link, [%{id: :z, mode: {:error, :nope}}]}, :permanent, false, 5000, :worker, [W]}}}',
        semantics === 'current'
          ? '{:error, {:already_started, PID}}'
          : '{:error, {{:already_started, PID}, {:child, :undefined, :z2, {W, :start_link, [%{id: :z2, mode: {:error, {:already_started, PID}}}]}, :permanent, false, 5000, :worker, [W]}}}',
        '{:ok, :undefined}',
        '{:ok, :undefined}',
        ':ok',
        '[:new, :pz, :x]',
      ]);
    });
  }

  it('rule 77: the spec is built in the caller (a bad form raises there); no start_error report for API failures', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([], { strategy: 'one_for_one' });
      yield* note(yield* exitReason(() => Supervisor.startChild(sup, t(1, 2))));
      yield* note(yield* Supervisor.startChild(sup, ch('f', { mode: 'raise' })));
      yield* note(yield* Supervisor.startChild(sup, t('six', t(W, 'start_link', [{ id: 'six' }]), 'permanent', 5000, 'worker', [W])));
      yield* note(yield* Supervisor.startChild(sup, ['a', 'list']));
    }, { progress: false });
    const out = same(runs);
    expect(out[0]).toBe('{:raised, ArgumentError}');
    expect(out.some((l) => l.startsWith('{:start_error'))).toBe(false);
    expect(out).toContain('{:error, {{:EXIT, {%RuntimeError{message: "boom_f"}, []}}, {:child, :undefined, :f, {W, :start_link, [%{id: :f, mode: :raise}]}, :permanent, false, 5000, :worker, [W]}}}');
    expect(out.find((l) => l.startsWith('{:ok'))).toBe('{:ok, PID}');
    expect(out).toContain('{:error, {:invalid_child_spec, [:a, :list]}}');
  });

  for (const semantics of both) {
    it(`rule 110 / D6: progress reports for start_child/restart_child are info in OTP 25, debug in 27+; init and restarts stay info (${semantics})`, () => {
      const r = run(function* () {
        const sup = yield* startSup([ch('a')], { strategy: 'one_for_one' });
        yield* Supervisor.startChild(sup, ch('b'));
        yield* Supervisor.terminateChild(sup, 'b');
        yield* Supervisor.restartChild(sup, 'b');
        const a = yield* pidOf(sup, 'a');
        yield* exitSignal(a, 'kill');
        yield* awaitNewPid(sup, 'a', a);
      }, { semantics });
      const levels = reportsOf(r.trace)
        .filter((x) => x.name === 'supervisor.progress')
        .map((x) => `${format(((x.data['report'] as Term[])[1] as Term[])[1] as Term).match(/id: :(\w)/)![1]}:${x.data['level'] as string}`);
      const api = semantics === 'current' ? 'debug' : 'info';
      expect(levels).toEqual(['a:info', `b:${api}`, `b:${api}`, 'a:info']);
    });
  }

  it('rule 78: terminate_child: :not_found, :ok twice, temporary removed, no restart and no sibling touched under one_for_all', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a'), ch('b'), ch('tmp', {}, { restart: 'temporary' })], { strategy: 'one_for_all', maxRestarts: 0 });
      const a = yield* pidOf(sup, 'a');
      yield* note(yield* Supervisor.terminateChild(sup, 'nope'));
      yield* note(yield* Supervisor.terminateChild(sup, 'b'));
      yield* note(yield* Supervisor.terminateChild(sup, 'b'));
      yield* note(yield* Supervisor.terminateChild(sup, 'tmp'));
      yield* note(yield* Supervisor.terminateChild(sup, a));
      yield* note(t('a_same', (yield* pidOf(sup, 'a')).id === a.id));
      yield* note(yield* Supervisor.whichChildren(sup));
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:start_called') && !l.startsWith('{:terminate'))).toEqual([
      '{:error, :not_found}',
      ':ok',
      ':ok',
      ':ok',
      '{:error, :not_found}',
      '{:a_same, true}',
      '[{:b, :undefined, :worker, [W]}, {:a, PID, :worker, [W]}]',
    ]);
  });

  it('rule 78: on simple_one_for_one a non-pid gives {:error, :simple_one_for_one}; a pid works', () => {
    const runs = traceRuns(function* () {
      yield* trapExit(true);
      const [, sup] = (yield* Supervisor.startLink(RawSup, t({ strategy: 'simple_one_for_one' }, [{ id: 'tpl', start: t(W, 'start_link', []) }]))) as Term[];
      const [, c] = (yield* Supervisor.startChild(sup!, [{ id: 'c' }])) as Term[];
      yield* note(yield* Supervisor.terminateChild(sup!, 'tpl'));
      yield* note(yield* Supervisor.terminateChild(sup!, c!));
      yield* note(yield* Supervisor.terminateChild(sup!, yield* self()));
      yield* note(yield* Supervisor.restartChild(sup!, 'tpl'));
      yield* note(yield* Supervisor.deleteChild(sup!, 'tpl'));
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:start_called') && !l.startsWith('{:terminate'))).toEqual([
      '{:error, :simple_one_for_one}',
      ':ok',
      '{:error, :not_found}',
      '{:error, :simple_one_for_one}',
      '{:error, :simple_one_for_one}',
    ]);
  });

  it('rule 79: restart_child: {:ok, pid}, {:ok, :undefined} on ignore, the start error as is (no report, no intensity), :running, :not_found', () => {
    const runs = traceRuns(function* () {
      const mode = counted((n) => (n === 1 ? 'ok' : n === 2 ? 'ignore' : n === 3 ? t('error', 'again') : 'ok'));
      const sup = yield* startSup([ch('a', { mode }), ch('tmp', {}, { restart: 'temporary' })], { strategy: 'one_for_one', maxRestarts: 0 });
      yield* note(yield* Supervisor.restartChild(sup, 'a'));
      yield* Supervisor.terminateChild(sup, 'a');
      yield* note(yield* Supervisor.restartChild(sup, 'a'));
      yield* note(yield* Supervisor.restartChild(sup, 'a'));
      yield* note(((yield* Supervisor.restartChild(sup, 'a')) as Term[])[0]!);
      yield* Supervisor.terminateChild(sup, 'tmp');
      yield* note(yield* Supervisor.restartChild(sup, 'tmp'));
      yield* note(yield* Supervisor.restartChild(sup, 'nope'));
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:start_called') && !l.startsWith('{:terminate'))).toEqual([
      '{:error, :running}',
      '{:ok, :undefined}',
      '{:error, :again}',
      ':ok',
      '{:error, :not_found}',
      '{:error, :not_found}',
    ]);
  });

  it('rule 80: delete_child: :ok when stopped, :running, :not_found', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('p', { mode: 'ignore' }), ch('x')], { strategy: 'one_for_one' });
      yield* note(yield* Supervisor.deleteChild(sup, 'x'));
      yield* note(yield* Supervisor.deleteChild(sup, 'p'));
      yield* note(yield* Supervisor.deleteChild(sup, 'p'));
      yield* note(yield* Supervisor.whichChildren(sup));
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:start_called') && !l.startsWith('{:terminate'))).toEqual([
      '{:error, :running}',
      ':ok',
      '{:error, :not_found}',
      '[{:x, PID, :worker, [W]}]',
    ]);
  });

  it('rule 81 / 120: which_children is newest first, start_child goes in front', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('p'), ch('x'), ch('y')], { strategy: 'one_for_one' });
      yield* note((yield* Supervisor.whichChildren(sup)).map((k) => (k as Term[])[0]!));
      yield* Supervisor.startChild(sup, ch('pz'));
      yield* note((yield* Supervisor.whichChildren(sup)).map((k) => (k as Term[])[0]!));
    }, { progress: false });
    expect(same(runs).filter((l) => l.startsWith('['))).toEqual(['[:y, :x, :p]', '[:pz, :y, :x, :p]']);
  });

  it('rule 82 / 121: count_children: active needs a live pid; supervisors and workers count every spec', () => {
    const Sub = Supervisor.defmodule('Sub', { init: () => Supervisor.init([], { strategy: 'one_for_one' }) });
    const Unlinked = new ErlModule('Elixir.Unlinked', {
      *start_link(): Op<Term> {
        return t('ok', yield* spawn(function* () {
          yield* receive(match.eq('die'));
        }));
      },
    });
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('w'), ch('i', { mode: 'ignore' }), t(Sub, 0), { id: 'u', start: t(Unlinked, 'start_link', []) }], { strategy: 'one_for_one' });
      yield* note(yield* Supervisor.countChildren(sup));
      const u = yield* pidOf(sup, 'u');
      const ref = yield* monitor(u);
      yield* send(u, 'die');
      yield* receive(match.down(ref));
      yield* note(yield* Supervisor.countChildren(sup));
    }, { progress: false });
    expect(same(runs).filter((l) => l.startsWith('%'))).toEqual([
      '%{active: 3, specs: 4, supervisors: 1, workers: 3}',
      '%{active: 2, specs: 4, supervisors: 1, workers: 3}',
    ]);
  });

  it('rule 83: get_childspec: {:ok, spec} or {:error, :not_found}', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a', {}, { restart: 'transient', shutdown: 'brutal_kill' })], { strategy: 'one_for_one' });
      yield* note(yield* Supervisor.getChildspec(sup, 'a'));
      yield* note(yield* Supervisor.getChildspec(sup, 'b'));
    }, { progress: false });
    expect(same(runs).filter((l) => l.startsWith('{:ok') || l.startsWith('{:error'))).toEqual([
      '{:ok, %{id: :a, modules: [W], restart: :transient, shutdown: :brutal_kill, significant: false, start: {W, :start_link, [%{id: :a}]}, type: :worker}}',
      '{:error, :not_found}',
    ]);
  });

  it('rule 85: an unexpected message is logged and ignored; an unknown call or cast crashes the supervisor (function_clause) after stopping its children', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a')], { strategy: 'one_for_one' });
      yield* send(sup as Pid, 'hello');
      yield* note(yield* Supervisor.whichChildren(sup));
      yield* note(yield* exitReason(() => GenServer.call(sup, 'foo')));
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
      const sup2 = yield* startSup([ch('b')], { strategy: 'one_for_one' });
      yield* GenServer.cast(sup2, 'foo');
      yield* note((yield* receive(match.exit(sup2 as Pid)))[2]!);
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:start_called') && !l.startsWith('{:terminate_end'))).toEqual([
      '[{:a, PID, :worker, [W]}]',
      '{:terminate, :a, :shutdown}',
      '{{:function_clause, []}, {GenServer, :call, [PID, :foo, 5000]}}',
      '{:function_clause, []}',
      '{:terminate, :b, :shutdown}',
      '{:function_clause, []}',
    ]);
    const r = run(function* () {
      const sup = yield* startSup([], { strategy: 'one_for_one' });
      yield* send(sup as Pid, 'hello');
      yield* Supervisor.whichChildren(sup);
    });
    const unexpected = reportsOf(r.trace).filter((x) => x.name === 'supervisor.unexpected_message');
    expect(unexpected.map((x) => format(x.data))).toEqual(['%{level: :error, format: "Supervisor received unexpected message: ~tp~n", args: [:hello], domain: [:otp]}']);
  });
});

describe('§12 reports', () => {
  it('rule 108: report shape: label, report [supervisor:, errorContext:, reason:, offender:], level error, domain [:otp, :sasl]; supervisor names', () => {
    const Named = Supervisor.defmodule('Named', { init: () => Supervisor.init([ch('n')], { strategy: 'one_for_one' }) });
    const r = run(function* () {
      const sup = yield* startSup([ch('a')], { strategy: 'one_for_one' });
      const a = yield* pidOf(sup, 'a');
      yield* exitSignal(a, 'kill');
      yield* awaitNewPid(sup, 'a', a);
      yield* Supervisor.startLink(Named, 0, { name: 'named_sup' });
      yield* Supervisor.startLink(Named, 0);
    });
    const first = reportsOf(r.trace).find((x) => x.name === 'supervisor.child_terminated')!;
    expect(format(first.data).replace(/<0\.\d+\.0>/g, 'PID')).toBe(
      '%{level: :error, label: {:supervisor, :child_terminated}, report: [supervisor: {PID, Supervisor.Default}, errorContext: :child_terminated, reason: :killed, offender: [pid: PID, id: :a, mfargs: {W, :start_link, [%{id: :a}]}, restart_type: :permanent, significant: false, shutdown: 5000, child_type: :worker]], domain: [:otp, :sasl]}',
    );
    const names = reportsOf(r.trace)
      .filter((x) => x.name === 'supervisor.progress')
      .map((x) => format(((x.data['report'] as Term[])[0] as Term[])[1]!).replace(/<0\.\d+\.0>/g, 'PID'));
    expect(names).toEqual(['{PID, Supervisor.Default}', '{PID, Supervisor.Default}', '{:local, :named_sup}', '{PID, Named}']);
  });

  it('rule 109: the offender keyword list (pid, id, mfargs, restart_type, significant, shutdown, child_type)', () => {
    const r = run(function* () {
      const sup = yield* startSup([ch('a', {}, { restart: 'transient', shutdown: 'infinity', type: 'worker' })], { strategy: 'one_for_one' });
      const a = yield* pidOf(sup, 'a');
      yield* GenServer.cast(a, t('exit', 'boom'));
      yield* awaitNewPid(sup, 'a', a);
    });
    const rep = reportsOf(r.trace).find((x) => x.name === 'supervisor.child_terminated')!;
    const offender = ((rep.data['report'] as Term[])[3] as Term[])[1] as Term[];
    expect(offender.map((kv) => (kv as Term[])[0])).toEqual(['pid', 'id', 'mfargs', 'restart_type', 'significant', 'shutdown', 'child_type']);
    expect(format(offender).replace(/<0\.\d+\.0>/g, 'PID')).toBe('[pid: PID, id: :a, mfargs: {W, :start_link, [%{id: :a}]}, restart_type: :transient, significant: false, shutdown: :infinity, child_type: :worker]');
  });

  it('rule 110: contexts: child_terminated, start_error, shutdown, shutdown_error, progress (each tested above); a permanent :normal exit is reported', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a')], { strategy: 'one_for_one' });
      const a = yield* pidOf(sup, 'a');
      yield* GenServer.cast(a, t('exit', 'normal'));
      yield* awaitNewPid(sup, 'a', a);
    });
    expect(same(runs)).toContain('{:child_terminated, :normal, :a, PID}');
  });

  it('rule 111: nothing is written for auto_shutdown, normal transient/temporary exits, clean terminate_child, API spec errors, :ignore', () => {
    const r = run(function* () {
      yield* trapExit(true);
      const [, sup] = (yield* Supervisor.startLink(RawSup, t({ auto_shutdown: 'any_significant' }, [ch('i', { mode: 'ignore' }), ch('tr', {}, { restart: 'transient' }), ch('tm', {}, { restart: 'temporary' }), ch('s', {}, { restart: 'transient', significant: true })]))) as Term[];
      yield* GenServer.cast(yield* pidOf(sup!, 'tr'), t('exit', 'normal'));
      yield* GenServer.cast(yield* pidOf(sup!, 'tm'), t('exit', t('shutdown', 1)));
      yield* awaitChildren(sup!, (k) => !k.some((c) => c[0] === 'tm') && k.some((c) => c[0] === 'tr' && c[1] === 'undefined'));
      yield* Supervisor.startChild(sup!, ch('bad', {}, { restart: 'nope' }));
      yield* Supervisor.restartChild(sup!, 'i');
      yield* GenServer.cast(yield* pidOf(sup!, 's'), t('exit', 'normal'));
      yield* receive(match.exit(sup as Pid));
    });
    expect(reportsOf(r.trace).filter((x) => x.name !== 'supervisor.progress')).toEqual([]);
  });

  it('rule 112: a supervisor exiting :shutdown (intensity) writes no gen_server crash report; unknown calls do', () => {
    const r = run(function* () {
      const sup = yield* startSup([ch('a')], { strategy: 'one_for_one', maxRestarts: 0 });
      yield* exitSignal(yield* pidOf(sup, 'a'), 'kill');
      yield* receive(match.exit(sup as Pid));
    });
    expect(r.trace.some((e) => e.k === 'report' && e.name === 'gen_server.terminating')).toBe(false);
    const r2 = run(function* () {
      const sup = yield* startSup([], { strategy: 'one_for_one' });
      yield* GenServer.cast(sup, 'foo');
      yield* receive(match.exit(sup as Pid));
    });
    expect(r2.trace.some((e) => e.k === 'report' && e.name === 'gen_server.terminating')).toBe(true);
  });

  it('rule 113: supervisor reports carry domain [:otp, :sasl] (dropped by default Elixir console); a child crash report does not', () => {
    const r = run(function* () {
      const sup = yield* startSup([ch('a')], { strategy: 'one_for_one' });
      const a = yield* pidOf(sup, 'a');
      yield* GenServer.cast(a, t('exit', 'boom'));
      yield* awaitNewPid(sup, 'a', a);
    });
    const sups = reportsOf(r.trace);
    expect(sups.length).toBeGreaterThan(0);
    expect(sups.every((x) => format(x.data['domain']!) === '[:otp, :sasl]')).toBe(true);
    const crash = reportsOf(r.trace, 'gen_server.terminating');
    expect(crash.length).toBe(1);
    expect((crash[0]!.data as TermObject)['domain']).toBeUndefined();
  });
});

describe('§13 OTP version rows and §14 edge cases', () => {
  for (const semantics of both) {
    it(`D5: simple_one_for_one restart returning :ignore: OTP 25 stores :undefined as a child, 27+ drops it (${semantics})`, () => {
      const runs = traceRuns(function* () {
        yield* trapExit(true);
        const mode = counted((n) => (n === 1 ? 'ok' : 'ignore'));
        const [, sup] = (yield* Supervisor.startLink(RawSup, t({ strategy: 'simple_one_for_one' }, [{ id: 'tpl', start: t(W, 'start_link', [{ id: 'c', mode }]) }]))) as Term[];
        const [, c] = (yield* Supervisor.startChild(sup!, [])) as Term[];
        yield* exitSignal(c as Pid, 'kill');
        yield* awaitChildren(sup!, (k) => !k.some((x) => x[1] instanceof Pid));
        yield* note(yield* Supervisor.whichChildren(sup!));
        yield* note(yield* Supervisor.countChildren(sup!));
      }, { semantics, progress: false });
      expect(same(runs).filter((l) => l.startsWith('[') || l.startsWith('%'))).toEqual(
        semantics === 'otp25'
          ? ['[{:undefined, :undefined, :worker, [W]}]', '%{active: 1, specs: 1, supervisors: 0, workers: 1}']
          : ['[]', '%{active: 0, specs: 1, supervisors: 0, workers: 0}'],
      );
    });
  }

  it('simple_one_for_one: start_child appends the extra args; children restart with the same args', () => {
    const runs = traceRuns(function* () {
      yield* trapExit(true);
      const Two = new ErlModule('Elixir.Two', {
        *start_link(tag: Term, opts: TermObject): Op<Term> {
          yield* note(t('args', tag, opts['id']!));
          return yield* startW(opts);
        },
      });
      const [, sup] = (yield* Supervisor.startLink(RawSup, t({ strategy: 'simple_one_for_one' }, [{ id: 'tpl', start: t(Two, 'start_link', ['tag']) }]))) as Term[];
      const [, c] = (yield* Supervisor.startChild(sup!, [{ id: 'c' }])) as Term[];
      yield* exitSignal(c as Pid, 'kill');
      yield* awaitChildren(sup!, (k) => k.length === 1 && k[0]![1] instanceof Pid && (k[0]![1] as Pid).id !== (c as Pid).id);
    }, { progress: false });
    expect(same(runs).filter((l) => l.startsWith('{:args') || l.startsWith('{:child'))).toEqual(['{:args, :tag, :c}', '{:child_terminated, :killed, :tpl, PID}', '{:args, :tag, :c}']);
  });

  // Measured on Elixir 1.14 / OTP 25 and Elixir 1.18 / OTP 27: Supervisor.start_child(sup, map) on a
  // simple_one_for_one supervisor sends the map as extra args; `A ++ map` is no proper list, so
  // apply/3 fails: {:error, {:EXIT, {:badarg, _}}}, and nothing is stored (count: active 0, workers 0).
  it('rule 77: simple_one_for_one start_child with a child spec map: A ++ map is no arg list → {:error, {:EXIT, {:badarg, _}}}', () => {
    const runs = traceRuns(function* () {
      yield* trapExit(true);
      for (const args of [[], ['tag']] as Term[][]) {
        const [, sup] = (yield* Supervisor.startLink(RawSup, t({ strategy: 'simple_one_for_one' }, [{ id: 'tpl', start: t(W, 'start_link', args) }]))) as Term[];
        const r = (yield* Supervisor.startChild(sup!, ch('x'))) as Term[];
        const inner = (r[1] as Term[] | undefined)?.[1] as Term[] | undefined;
        yield* note(t(r[0]!, (r[1] as Term[])[0]!, inner?.[0] ?? 'nil'));
        yield* note(yield* Supervisor.countChildren(sup!));
      }
    }, { progress: false });
    expect(same(runs)).toEqual([
      '{:error, :EXIT, :badarg}',
      '%{active: 0, specs: 1, supervisors: 0, workers: 0}',
      '{:error, :EXIT, :badarg}',
      '%{active: 0, specs: 1, supervisors: 0, workers: 0}',
    ]);
  });

  for (const semantics of both) {
    it(`D7: a static supervisor serves calls after init in both profiles (OTP 27 hibernates it; nothing observable) (${semantics})`, () => {
      const runs = traceRuns(function* () {
        const sup = yield* startSup([ch('a')], { strategy: 'one_for_one' });
        yield* note((yield* Supervisor.whichChildren(sup)).length);
      }, { semantics, progress: false });
      expect(same(runs)).toContain('1');
    });
  }

  it('rule 119: a retry after a failed multi-child restart counts again', () => {
    const runs = traceRuns(function* () {
      const c = ch('c', { mode: counted((n) => (n === 2 ? t('error', 'once') : 'ok')) });
      const sup = yield* startSup([ch('a'), c], { strategy: 'one_for_all', maxRestarts: 1 });
      yield* exitSignal(yield* pidOf(sup, 'a'), 'kill');
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:start_called') && !l.startsWith('{:terminate'))).toEqual([
      '{:child_terminated, :killed, :a, PID}',
      '{:start_error, :once, :c, :undefined}',
      '{:shutdown, :reached_max_restart_intensity, :c, {:restarting, :undefined}}',
      ':shutdown',
    ]);
  });
});
