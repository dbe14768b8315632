/**
 * supervision.md §3: start-up at init (rules 28-35). Expected values follow
 * probes/supervision/e1.exs, e1c.exs and e11.exs (OTP 25.2.3 / Elixir 1.14.0).
 */
import { describe, expect, it } from 'vitest';
import {
  GenServer,
  Pid,
  match,
  processInfo,
  format,
  receive,
  run,
  self,
  sleep,
  spawnMonitor,
  t,
  throwValue,
  trapExit,
  type Term,
  type TermObject,
} from '../../src/index.js';
import * as Supervisor from '../../src/otp/Supervisor.js';
import { both, ch, note, pidOf, reportsOf, same, startW, traceRuns } from './supervisor.helpers.js';

describe('§3 start-up at init', () => {
  it('rule 28: trap_exit is on before Mod.init/1 runs', () => {
    const Probe = Supervisor.defmodule('TrapProbe', {
      *init() {
        yield* note(t('trapping_in_init', (yield* processInfo(yield* self(), 'trap_exit'))!));
        return yield* Supervisor.init([], { strategy: 'one_for_one' });
      },
    });
    expect(same(traceRuns(function* () {
      yield* Supervisor.startLink(Probe, 0);
    }))).toEqual(['{:trapping_in_init, true}']);
  });

  it('rule 29: children start strictly in list order, one at a time, inside the supervisor process; each is linked to it', () => {
    const slow = (id: string) =>
      ch(id, {
        *mode(opts: TermObject) {
          yield* sleep(10);
          yield* note(t('start_returning', id, (yield* self()).id));
          return yield* startW(opts);
        },
      });
    const runs = traceRuns(function* () {
      const [, sup] = (yield* Supervisor.startLink([slow('a'), slow('b'), slow('c')], { strategy: 'one_for_one' })) as Term[];
      const a = yield* pidOf(sup!, 'a');
      yield* note(t('sup_pid', (sup as Pid).id));
      yield* note(t('a_linked_to_sup', ((yield* processInfo(a, 'links')) as Pid[]).some((p) => p.id === (sup as Pid).id)));
    }, { progress: false });
    const out = same(runs);
    const supId = out.find((l) => l.startsWith('{:sup_pid'))!.match(/\d+/)![0];
    expect(out.slice(0, 6)).toEqual([
      '{:start_called, :a}',
      `{:start_returning, :a, ${supId}}`,
      '{:start_called, :b}',
      `{:start_returning, :b, ${supId}}`,
      '{:start_called, :c}',
      `{:start_returning, :c, ${supId}}`,
    ]);
    expect(out).toContain('{:a_linked_to_sup, true}');
  });

  it('rule 30: start results: {:ok, pid, info} succeeds, errors/bad returns/raise/exit fail, a thrown value is classified', () => {
    const failures: Array<[string, Term]> = [
      ['error', t('error', 'boom')],
      ['bad', 'bad'],
      ['raise', 'raise'],
      ['exit', 'exit'],
      ['throw', 'throw'],
    ];
    const runs = traceRuns(function* () {
      yield* trapExit(true);
      for (const [, mode] of failures) {
        yield* note(yield* Supervisor.startLink([ch('c', { mode })], { strategy: 'one_for_one' }));
        yield* receive(match.exit(), { after: 0 });
      }
      // A thrown {:ok, pid} counts as success; {:ok, pid, info} too (info only shows in start_child).
      const thrown = ch('thrown', {
        *mode(opts: TermObject) {
          throwValue(yield* startW(opts));
        },
      });
      const [, sup] = (yield* Supervisor.startLink([thrown], { strategy: 'one_for_one' })) as Term[];
      yield* note(t('thrown_ok_running', (yield* pidOf(sup!, 'thrown')) instanceof Pid));
      const withInfo = ch('info', {
        *mode(opts: TermObject) {
          const [, pid] = (yield* startW(opts)) as Term[];
          return t('ok', pid!, 'extra_info');
        },
      });
      yield* note(yield* Supervisor.startChild(sup!, withInfo));
    }, { progress: false });
    const out = same(runs).filter((l) => !l.startsWith('{:start_called') && !l.startsWith('{:start_error'));
    expect(out).toEqual([
      '{:error, {:shutdown, {:failed_to_start_child, :c, :boom}}}',
      '{:error, {:shutdown, {:failed_to_start_child, :c, :bad_return}}}',
      '{:error, {:shutdown, {:failed_to_start_child, :c, {:EXIT, {%RuntimeError{message: "boom_c"}, []}}}}}',
      '{:error, {:shutdown, {:failed_to_start_child, :c, {:EXIT, :exit_boom}}}}',
      '{:error, {:shutdown, {:failed_to_start_child, :c, :thrown}}}',
      '{:thrown_ok_running, true}',
      '{:ok, PID, :extra_info}',
      '{:terminate, :info, :shutdown}',
      '{:terminate_end, :info}',
      '{:terminate, :thrown, :shutdown}',
      '{:terminate_end, :thrown}',
    ]);
  });

  for (const semantics of both) {
    it(`rule 31: a {:supervisor, :progress} report at info level after each successful start (${semantics})`, () => {
      const r = traceRuns(function* () {
        yield* Supervisor.startLink([ch('a'), ch('i', { mode: 'ignore' }), ch('b')], { strategy: 'one_for_one' });
      }, { semantics, seeds: 3 });
      expect(same(r).slice(0, 5)).toEqual(['{:start_called, :a}', '{:progress, :a}', '{:start_called, :i}', '{:start_called, :b}', '{:progress, :b}']);
      const result = run(function* () {
        yield* Supervisor.startLink([ch('a')], { strategy: 'one_for_one' });
      }, { semantics });
      const progress = reportsOf(result.trace).filter((x) => x.name === 'supervisor.progress');
      expect(progress.map((p) => format(p.data))).toEqual([
        expect.stringMatching(/^%\{level: :info, label: \{:supervisor, :progress\}, report: \[supervisor: \{<0\.\d+\.0>, Supervisor.Default\}, started: \[pid: <0\.\d+\.0>, id: :a, mfargs: \{W, :start_link, \[%\{id: :a\}\]\}, restart_type: :permanent, significant: false, shutdown: 5000, child_type: :worker\]\], domain: \[:otp, :sasl\]\}$/),
      ]);
    });
  }

  it('rule 32: :ignore keeps a non-temporary spec with pid :undefined; a temporary one is dropped', () => {
    const runs = traceRuns(function* () {
      const [, sup] = (yield* Supervisor.startLink(
        [ch('p', { mode: 'ignore' }), ch('t', { mode: 'ignore' }, { restart: 'temporary' }), ch('x'), ch('y')],
        { strategy: 'one_for_one' },
      )) as Term[];
      yield* note(yield* Supervisor.whichChildren(sup!));
      yield* note(yield* Supervisor.countChildren(sup!));
    }, { progress: false });
    const out = same(runs).filter((l) => !l.startsWith('{:start_called') && !l.startsWith('{:terminate'));
    expect(out).toEqual([
      '[{:y, PID, :worker, [W]}, {:x, PID, :worker, [W]}, {:p, :undefined, :worker, [W]}]',
      '%{active: 2, specs: 3, supervisors: 0, workers: 3}',
    ]);
  });

  for (const semantics of both) {
    it(`rule 33: a failed start: start_error (offender pid :undefined), later children not started, earlier ones stopped newest first (${semantics})`, () => {
      const runs = traceRuns(function* () {
        yield* trapExit(true);
        yield* note(yield* Supervisor.startLink([ch('a'), ch('t', {}, { restart: 'temporary' }), ch('b'), ch('c', { mode: t('error', 'boom') }), ch('d')], { strategy: 'one_for_one' }));
      }, { semantics });
      expect(same(runs)).toEqual([
        '{:start_called, :a}',
        '{:progress, :a}',
        '{:start_called, :t}',
        '{:progress, :t}',
        '{:start_called, :b}',
        '{:progress, :b}',
        '{:start_called, :c}',
        '{:start_error, :boom, :c, :undefined}',
        '{:terminate, :b, :shutdown}',
        '{:terminate_end, :b}',
        '{:terminate, :t, :shutdown}',
        '{:terminate_end, :t}',
        '{:terminate, :a, :shutdown}',
        '{:terminate_end, :a}',
        '{:error, {:shutdown, {:failed_to_start_child, :c, :boom}}}',
      ]);
    });
  }

  for (const semantics of both) {
    it(`rule 34 / 117 / D1: a non-trapping caller is killed with the reason; a trapping one gets {:error, …} (${semantics})`, () => {
      const runs = traceRuns(function* () {
        const [, ref] = yield* spawnMonitor(function* () {
          yield* Supervisor.startLink([ch('c', { mode: t('error', 'boom') })], { strategy: 'one_for_one' });
          yield* note('caller survived');
          yield* sleep(100);
        });
        yield* note(t('caller_died', (yield* receive(match.down(ref)))[4]!));
        yield* trapExit(true);
        yield* note(yield* Supervisor.startLink([ch('c', { mode: t('error', 'boom') })], { strategy: 'one_for_one' }));
        yield* sleep(10);
        yield* note(t('mailbox', (yield* processInfo(yield* self(), 'messages'))!));
      }, { semantics, progress: false });
      // OTP 25 acks the error before exiting, so the caller may run briefly before the signal lands.
      const out = same(runs.map((r) => r.filter((l) => !l.startsWith('{:start') && (semantics === 'otp25' ? l !== 'caller survived' : true))));
      expect(out[0]).toBe('{:caller_died, {:shutdown, {:failed_to_start_child, :c, :boom}}}');
      expect(out[1]).toBe('{:error, {:shutdown, {:failed_to_start_child, :c, :boom}}}');
      expect(out[2]).toBe(
        semantics === 'otp25' ? '{:mailbox, [{:EXIT, PID, {:shutdown, {:failed_to_start_child, :c, :boom}}}]}' : '{:mailbox, []}',
      );
    });
  }

  it('rule 35: {:ok, pid}; the child list is newest first', () => {
    const runs = traceRuns(function* () {
      const r = (yield* Supervisor.startLink([ch('p'), ch('x'), ch('y')], { strategy: 'one_for_one' })) as Term[];
      yield* note(r[0]!);
      yield* note((yield* Supervisor.whichChildren(r[1]!)).map((c) => (c as Term[])[0]!));
      yield* Supervisor.stop(r[1]!);
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:start'))).toEqual([
      ':ok',
      '[:y, :x, :p]',
      '{:terminate, :y, :shutdown}',
      '{:terminate_end, :y}',
      '{:terminate, :x, :shutdown}',
      '{:terminate_end, :x}',
      '{:terminate, :p, :shutdown}',
      '{:terminate_end, :p}',
    ]);
  });

  it('a GenServer child started by the supervisor has the supervisor as its parent (terminate/2 on the parent EXIT)', () => {
    const runs = traceRuns(function* () {
      const [, sup] = (yield* Supervisor.startLink([ch('a')], { strategy: 'one_for_one' })) as Term[];
      yield* note(yield* GenServer.call(yield* pidOf(sup!, 'a'), 'ping'));
    }, { progress: false });
    expect(same(runs)).toEqual(['{:start_called, :a}', ':ping', '{:terminate, :a, :shutdown}', '{:terminate_end, :a}']);
  });
});

describe('§2.2 lineage of supervisors', () => {
  it('2.2 a module-based supervisor records $initial_call {:supervisor, Mod, 1}', async () => {
    const { Supervisor, get, run, format } = await import('../../src/index.js');
    const seen: string[] = [];
    run(function* () {
      const Sup = Supervisor.defmodule('MySup', {
        *init() {
          seen.push(format((yield* get('$initial_call'))!));
          return yield* Supervisor.init([], { strategy: 'one_for_one' });
        },
      });
      yield* Supervisor.startLink(Sup, []);
    });
    expect(seen).toEqual(['{:supervisor, MySup, 1}']);
  });
});
