/**
 * supervision.md §4 (child exits and strategies, rules 36-50) and §5 (restart intensity, rules
 * 51-56). Expected sequences are the [V] outputs of probes/supervision/e3, e4, e10, e12 and the
 * probe my1.exs quoted in the final report.
 */
import { describe, expect, it } from 'vitest';
import {
  ErlModule,
  GenServer,
  Pid,
  TIMEOUT,
  demonitor,
  exitSignal,
  isTagged,
  match,
  monitor,
  now,
  receive,
  self,
  send,
  sleep,
  spawn,
  t,
  trapExit,
  type Op,
  type Term,
} from '../../src/index.js';
import * as Supervisor from '../../src/otp/Supervisor.js';
import {
  awaitChildren,
  awaitInMailbox,
  awaitNewPid,
  blockSupervisor,
  ch,
  counted,
  note,
  outcomesOf,
  pidOf,
  same,
  startW,
  traceRuns,
} from './supervisor.helpers.js';

function* startSup(children: Term[], opts: Supervisor.SupervisorOptions): Op<Term> {
  yield* trapExit(true);
  const r = (yield* Supervisor.startLink(children, opts)) as Term[];
  if (r[0] !== 'ok') throw new Error('start failed');
  return r[1]!;
}

/** Makes W's server stop with `reason` (a cast handled as `{:stop, reason, s}`). */
function* stopChild(pid: Pid, reason: Term): Op<void> {
  yield* GenServer.cast(pid, t('exit', reason));
}

const RawSup = Supervisor.defmodule('RawSup', { init: (arg) => t('ok', arg) });

/**
 * A simple_one_for_one template whose start call number `failAt` tells `test` `{:failing, sup}`,
 * waits (inside the supervisor) for `:go` and returns `{:error, :once}`; every other call starts W.
 */
function failingOnce(failAt: number): ErlModule {
  let n = 0;
  return new ErlModule('Elixir.F', {
    *start_link(test: Pid, ...extra: Term[]): Op<Term> {
      n++;
      yield* note(t('start', n));
      if (n === failAt) {
        yield* send(test, t('failing', yield* self()));
        yield* receive(match.eq('go'));
        return t('error', 'once');
      }
      return yield* startW({ id: extra[0] ?? n });
    },
  });
}

const entryOf = (kids: Term[][], id: string) => kids.find((k) => k[0] === id);
const noTerminateEnd = (lines: string[]) => lines.filter((l) => !l.startsWith('{:terminate_end'));

describe('§4.1 the restart decision', () => {
  it('rule 36: an EXIT from a pid that is no child is ignored; the parent EXIT stops the supervisor with its reason', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a')], { strategy: 'one_for_one' });
      const a = yield* pidOf(sup, 'a');
      const stranger = yield* spawn(function* () {});
      yield* send(sup as Pid, t('EXIT', stranger, 'boom'));
      yield* note(t('same_child', (yield* pidOf(sup, 'a')).id === a.id));
      // The parent: a process that starts a supervisor and then exits :boom.
      const me = yield* self();
      const parent = yield* spawn(function* () {
        const [, sup2] = (yield* Supervisor.startLink([ch('x'), ch('y')], { strategy: 'one_for_one' })) as Term[];
        yield* send(me, t('sup', sup2!));
        yield* receive(match.eq('go'));
        throw new Error('parent crash');
      });
      const [, sup2] = yield* receive(match.tagged('sup', 2));
      const ref = yield* monitor(sup2 as Pid);
      yield* send(parent, 'go');
      yield* note(t('sup_exit', (yield* receive(match.down(ref)))[4]!));
      yield* Supervisor.stop(sup);
    }, { progress: false });
    expect(noTerminateEnd(same(runs))).toEqual([
      '{:start_called, :a}',
      '{:same_child, true}',
      '{:start_called, :x}',
      '{:start_called, :y}',
      '{:terminate, :y, :shutdown}',
      '{:terminate, :x, :shutdown}',
      '{:sup_exit, {%RuntimeError{message: "parent crash"}, []}}',
      '{:terminate, :a, :shutdown}',
    ]);
  });

  const table: Array<[string, Term, string[]]> = [
    ['permanent', 'normal', ['{:child_terminated, :normal, :x, PID}', ':restarted']],
    ['permanent', 'shutdown', ['{:child_terminated, :shutdown, :x, PID}', ':restarted']],
    ['permanent', 'boom', ['{:child_terminated, :boom, :x, PID}', ':restarted']],
    ['transient', 'normal', ['{:x, :undefined}']],
    ['transient', 'shutdown', ['{:x, :undefined}']],
    ['transient', t('shutdown', 'anything'), ['{:x, :undefined}']],
    ['transient', 'boom', ['{:child_terminated, :boom, :x, PID}', ':restarted']],
    ['temporary', 'normal', [':removed']],
    ['temporary', t('shutdown', 1), [':removed']],
    ['temporary', 'boom', ['{:child_terminated, :boom, :x, PID}', ':removed']],
  ];
  for (const [restart, reason, expected] of table) {
    it(`rule 37 / 114 / 115: ${restart} child exiting ${JSON.stringify(reason)} → ${expected.join(', ')}`, () => {
      const runs = traceRuns(function* () {
        const sup = yield* startSup([ch('x', {}, { restart })], { strategy: 'one_for_one' });
        const x = yield* pidOf(sup, 'x');
        yield* stopChild(x, reason);
        const kids = yield* awaitChildren(sup, (k) => !(entryOf(k, 'x')?.[1] instanceof Pid && (entryOf(k, 'x')![1] as Pid).id === x.id));
        const e = entryOf(kids, 'x');
        yield* note(e === undefined ? 'removed' : e[1] instanceof Pid ? 'restarted' : t('x', e[1]!));
        yield* Supervisor.stop(sup);
      }, { progress: false });
      const out = same(runs).filter((l) => !l.startsWith('{:start_called') && !l.startsWith('{:terminate'));
      expect(out).toEqual(expected);
    });
  }

  it('rule 38: a stopped transient child keeps its spec (restart_child works); a temporary one is gone', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('tr', {}, { restart: 'transient' }), ch('tm', {}, { restart: 'temporary' })], { strategy: 'one_for_one' });
      const tr = yield* pidOf(sup, 'tr');
      const tm = yield* pidOf(sup, 'tm');
      yield* stopChild(tr, 'normal');
      yield* stopChild(tm, 'normal');
      yield* awaitChildren(sup, (k) => entryOf(k, 'tm') === undefined && entryOf(k, 'tr')?.[1] === 'undefined');
      yield* note(((yield* Supervisor.restartChild(sup, 'tr')) as Term[])[0]!);
      yield* note(yield* Supervisor.restartChild(sup, 'tm'));
    }, { progress: false });
    expect(same(runs.map((r) => r.filter((l) => l.startsWith(':') || l.startsWith('{:error'))))).toEqual([':ok', '{:error, :not_found}']);
  });
});

describe('§4.2 strategies', () => {
  it('rule 39: one_for_one restarts only the crashed child; a restart returning :ignore leaves :undefined, no retry', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a'), ch('b', { mode: counted((n) => (n === 1 ? 'ok' : 'ignore')) })], { strategy: 'one_for_one' });
      const a = yield* pidOf(sup, 'a');
      const b = yield* pidOf(sup, 'b');
      yield* exitSignal(b, 'kill');
      const kids = yield* awaitChildren(sup, (k) => entryOf(k, 'b')?.[1] === 'undefined');
      yield* note(t('a_same', (entryOf(kids, 'a')![1] as Pid).id === a.id));
      yield* sleep(100);
      yield* note(yield* Supervisor.whichChildren(sup));
    }, { progress: false });
    expect(noTerminateEnd(same(runs))).toEqual([
      '{:start_called, :a}',
      '{:start_called, :b}',
      '{:child_terminated, :killed, :b, PID}',
      '{:start_called, :b}',
      '{:a_same, true}',
      '[{:b, :undefined, :worker, [W]}, {:a, PID, :worker, [W]}]',
      '{:terminate, :a, :shutdown}',
    ]);
  });

  const five = () => [ch('a'), ch('b'), ch('t', {}, { restart: 'temporary' }), ch('c', {}, { restart: 'transient' }), ch('d')];

  it('rule 40: one_for_all: the others stop newest first, then all but temporary ones start in start order', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup(five(), { strategy: 'one_for_all' });
      const d = yield* pidOf(sup, 'd');
      yield* exitSignal(yield* pidOf(sup, 'b'), 'kill');
      yield* awaitNewPid(sup, 'd', d);
      yield* note((yield* Supervisor.whichChildren(sup)).map((k) => (k as Term[])[0]!));
      yield* Supervisor.stop(sup);
    }, { progress: false });
    const out = noTerminateEnd(same(runs)).slice(5);
    expect(out).toEqual([
      '{:child_terminated, :killed, :b, PID}',
      '{:terminate, :d, :shutdown}',
      '{:terminate, :c, :shutdown}',
      '{:terminate, :t, :shutdown}',
      '{:terminate, :a, :shutdown}',
      '{:start_called, :a}',
      '{:start_called, :b}',
      '{:start_called, :c}',
      '{:start_called, :d}',
      '[:d, :c, :b, :a]',
      '{:terminate, :d, :shutdown}',
      '{:terminate, :c, :shutdown}',
      '{:terminate, :b, :shutdown}',
      '{:terminate, :a, :shutdown}',
    ]);
  });

  it('rule 41: rest_for_one: the later children stop newest first, then the crashed one and the later ones start', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup(five(), { strategy: 'rest_for_one' });
      const d = yield* pidOf(sup, 'd');
      const a = yield* pidOf(sup, 'a');
      yield* exitSignal(yield* pidOf(sup, 'b'), 'kill');
      yield* awaitNewPid(sup, 'd', d);
      yield* note(t('a_same', (yield* pidOf(sup, 'a')).id === a.id));
      yield* note((yield* Supervisor.whichChildren(sup)).map((k) => (k as Term[])[0]!));
    }, { progress: false });
    expect(noTerminateEnd(same(runs)).slice(5, 14)).toEqual([
      '{:child_terminated, :killed, :b, PID}',
      '{:terminate, :d, :shutdown}',
      '{:terminate, :c, :shutdown}',
      '{:terminate, :t, :shutdown}',
      '{:start_called, :b}',
      '{:start_called, :c}',
      '{:start_called, :d}',
      '{:a_same, true}',
      '[:d, :c, :b, :a]',
    ]);
  });

  for (const strategy of ['one_for_all', 'rest_for_one'] as const) {
    it(`rule 42: under ${strategy}, a temporary crash or a transient normal exit touches no sibling`, () => {
      const runs = traceRuns(function* () {
        const sup = yield* startSup([ch('a'), ch('t', {}, { restart: 'temporary' }), ch('c', {}, { restart: 'transient' }), ch('d')], { strategy });
        const before = (yield* Supervisor.whichChildren(sup)) as Term[][];
        yield* stopChild(yield* pidOf(sup, 't'), 'boom');
        yield* awaitChildren(sup, (k) => entryOf(k, 't') === undefined);
        yield* stopChild(yield* pidOf(sup, 'c'), t('shutdown', 'x'));
        const after = yield* awaitChildren(sup, (k) => entryOf(k, 'c')?.[1] === 'undefined');
        for (const id of ['a', 'd']) yield* note(t(id, (entryOf(after, id)![1] as Pid).id === (entryOf(before, id)![1] as Pid).id));
      }, { progress: false });
      expect(noTerminateEnd(same(runs)).slice(4, 9)).toEqual([
        '{:terminate, :t, :boom}',
        '{:child_terminated, :boom, :t, PID}',
        '{:terminate, :c, {:shutdown, :x}}',
        '{:a, true}',
        '{:d, true}',
      ]);
    });
  }

  it('rule 43 / 119: a one_for_all restart of N children records one restart', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a'), ch('b'), ch('c')], { strategy: 'one_for_all', maxRestarts: 1 });
      const c = yield* pidOf(sup, 'c');
      yield* exitSignal(yield* pidOf(sup, 'a'), 'kill');
      yield* awaitNewPid(sup, 'c', c);
      yield* note('alive after one restart of three children');
      yield* exitSignal(yield* pidOf(sup, 'a'), 'kill');
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
    }, { progress: false });
    const out = same(runs).filter((l) => !l.startsWith('{:start_called') && !l.startsWith('{:terminate'));
    expect(out).toEqual([
      '{:child_terminated, :killed, :a, PID}',
      'alive after one restart of three children',
      '{:child_terminated, :killed, :a, PID}',
      '{:shutdown, :reached_max_restart_intensity, :a, PID}',
      ':shutdown',
    ]);
  });

  it('rule 44: a sibling that died meanwhile is flushed by the shutdown code: shutdown_error, no extra restart', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a'), ch('b'), ch('c')], { strategy: 'one_for_all', maxRestarts: 1 });
      const a = yield* pidOf(sup, 'a');
      const b = yield* pidOf(sup, 'b');
      const c = yield* pidOf(sup, 'c');
      yield* blockSupervisor(sup, 50);
      yield* exitSignal(a, 'kill');
      yield* exitSignal(c, 'kill');
      yield* awaitInMailbox(sup as Pid, (m) => m instanceof Array && m[0] === 'EXIT' && (m[1] as Pid).id === a.id);
      yield* awaitInMailbox(sup as Pid, (m) => m instanceof Array && m[0] === 'EXIT' && (m[1] as Pid).id === c.id);
      yield* awaitNewPid(sup, 'b', b);
      yield* note(t('running', ((yield* Supervisor.whichChildren(sup)) as Term[][]).filter((k) => k[1] instanceof Pid).length));
    }, { progress: false, seeds: 40 });
    const variants = outcomesOf(runs.map((r) => r.filter((l) => !l.startsWith('{:start_called, :blocker') && !l.startsWith('{:terminate_end'))));
    expect(variants).toEqual(
      new Set([
        ['{:start_called, :a}', '{:start_called, :b}', '{:start_called, :c}', '{:child_terminated, :killed, :a, PID}', '{:shutdown_error, :killed, :c, PID}', '{:terminate, :b, :shutdown}', '{:start_called, :a}', '{:start_called, :b}', '{:start_called, :c}', '{:running, 3}', '{:terminate, :c, :shutdown}', '{:terminate, :b, :shutdown}', '{:terminate, :a, :shutdown}'].join(' | '),
        ['{:start_called, :a}', '{:start_called, :b}', '{:start_called, :c}', '{:child_terminated, :killed, :c, PID}', '{:terminate, :b, :shutdown}', '{:shutdown_error, :killed, :a, PID}', '{:start_called, :a}', '{:start_called, :b}', '{:start_called, :c}', '{:running, 3}', '{:terminate, :c, :shutdown}', '{:terminate, :b, :shutdown}', '{:terminate, :a, :shutdown}'].join(' | '),
      ]),
    );
  });
});

describe('§4.3 failed restarts', () => {
  it('rule 45 / 46 / 47 / 48: a failing restart: {:restarting, old}, start_error per attempt, each retry counts; then :shutdown', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a', { mode: counted((n) => (n === 1 ? 'ok' : t('error', t('attempt', n - 1)))) })], { strategy: 'one_for_one' });
      const a = yield* pidOf(sup, 'a');
      yield* note(t('old', a));
      yield* exitSignal(a, 'kill');
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
    }, { progress: false });
    const out = same(runs.map((r) => r.filter((l) => !l.startsWith('{:start_called'))));
    expect(out).toEqual([
      '{:old, PID}',
      '{:child_terminated, :killed, :a, PID}',
      '{:start_error, {:attempt, 1}, :a, PID}',
      '{:start_error, {:attempt, 2}, :a, {:restarting, PID}}',
      '{:start_error, {:attempt, 3}, :a, {:restarting, PID}}',
      '{:shutdown, :reached_max_restart_intensity, :a, {:restarting, PID}}',
      ':shutdown',
    ]);
  });

  it('rule 47: if attempt 3 succeeds, three restarts are on record and one more crash stops the supervisor', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a', { mode: counted((n) => (n === 1 || n >= 4 ? 'ok' : t('error', t('attempt', n - 1)))) })], { strategy: 'one_for_one', maxRestarts: 3 });
      const a = yield* pidOf(sup, 'a');
      yield* exitSignal(a, 'kill');
      const a2 = yield* awaitNewPid(sup, 'a', a);
      yield* note('recovered');
      yield* exitSignal(a2, 'kill');
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
    }, { progress: false });
    expect(same(runs).filter((l) => l === ':recovered' || l.startsWith('{:start_called') || l === ':shutdown')).toEqual([
      '{:start_called, :a}',
      '{:start_called, :a}',
      '{:start_called, :a}',
      '{:start_called, :a}',
      ':recovered',
      ':shutdown',
    ]);
  });

  for (const strategy of ['one_for_all', 'rest_for_one'] as const) {
    it(`rule 49: a failed multi-child restart under ${strategy} (c fails twice)`, () => {
      const runs = traceRuns(function* () {
        const c = ch('c', { mode: counted((n) => (n === 2 || n === 3 ? t('error', t('attempt', n - 1)) : 'ok')) });
        const sup = yield* startSup([ch('a'), ch('b'), c, ch('d')], { strategy, maxRestarts: 10 });
        const d = yield* pidOf(sup, 'd');
        yield* exitSignal(yield* pidOf(sup, 'b'), 'kill');
        yield* awaitNewPid(sup, 'd', d);
        yield* note((yield* Supervisor.whichChildren(sup)).map((k) => t((k as Term[])[0]!, (k as Term[])[1] instanceof Pid)));
        yield* Supervisor.stop(sup);
      });
      const lines = noTerminateEnd(same(runs));
      const from = lines.indexOf('{:child_terminated, :killed, :b, PID}');
      const to = lines.findIndex((l) => l.startsWith('[d:'));
      const expected =
        strategy === 'one_for_all'
          ? ['{:child_terminated, :killed, :b, PID}', '{:terminate, :d, :shutdown}', '{:terminate, :c, :shutdown}', '{:terminate, :a, :shutdown}',
             '{:start_called, :a}', '{:progress, :a}', '{:start_called, :b}', '{:progress, :b}', '{:start_called, :c}', '{:start_error, {:attempt, 1}, :c, :undefined}',
             '{:terminate, :b, :shutdown}', '{:terminate, :a, :shutdown}',
             '{:start_called, :a}', '{:progress, :a}', '{:start_called, :b}', '{:progress, :b}', '{:start_called, :c}', '{:start_error, {:attempt, 2}, :c, :undefined}',
             '{:terminate, :b, :shutdown}', '{:terminate, :a, :shutdown}',
             '{:start_called, :a}', '{:progress, :a}', '{:start_called, :b}', '{:progress, :b}', '{:start_called, :c}', '{:progress, :c}', '{:start_called, :d}', '{:progress, :d}']
          : ['{:child_terminated, :killed, :b, PID}', '{:terminate, :d, :shutdown}', '{:terminate, :c, :shutdown}',
             '{:start_called, :b}', '{:progress, :b}', '{:start_called, :c}', '{:start_error, {:attempt, 1}, :c, :undefined}',
             '{:start_called, :c}', '{:start_error, {:attempt, 2}, :c, :undefined}',
             '{:start_called, :c}', '{:progress, :c}', '{:start_called, :d}', '{:progress, :d}'];
      expect(lines.slice(from, to)).toEqual(expected);
      expect(lines[to]).toBe('[d: true, c: true, b: true, a: true]');
    });
  }

  it('rule 50 / 116: while {:restarting, _}: which/count/restart/delete/start_child answers; a queued terminate_child cancels the retry loop', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a', { mode: counted((n) => (n === 1 ? 'ok' : t('error', t('attempt', n - 1)))) })], { strategy: 'one_for_one', maxRestarts: 1000 });
      const a = yield* pidOf(sup, 'a');
      yield* blockSupervisor(sup, 50);
      yield* exitSignal(a, 'kill');
      yield* awaitInMailbox(sup as Pid, (m) => isTagged(m, 'EXIT', 3));
      const me = yield* self();
      const calls: Array<[string, Term, () => Op<Term>]> = [
        ['which', 'which_children', () => Supervisor.whichChildren(sup) as Op<Term>],
        ['count', 'count_children', () => Supervisor.countChildren(sup) as Op<Term>],
        ['restart', 'restart_child', () => Supervisor.restartChild(sup, 'a')],
        ['delete', 'delete_child', () => Supervisor.deleteChild(sup, 'a')],
        ['start', 'start_child', () => Supervisor.startChild(sup, ch('a'))],
        ['terminate', 'terminate_child', () => Supervisor.terminateChild(sup, 'a')],
      ];
      // Queue every call behind the EXIT, in this order, before the supervisor runs again.
      for (const [name, request, fn] of calls) {
        yield* spawn(function* () {
          yield* send(me, t(name, yield* fn()));
        });
        yield* awaitInMailbox(sup as Pid, (m) => isTagged(m, '$gen_call', 3) && (m[2] === request || isTagged(m[2], request as string)));
      }
      for (const [name] of calls) yield* note((yield* receive(match.tagged(name, 2)))[1]!);
      yield* sleep(100);
      yield* note(yield* Supervisor.whichChildren(sup));
    }, { progress: false });
    expect(noTerminateEnd(same(runs))).toEqual([
      '{:start_called, :a}',
      '{:child_terminated, :killed, :a, PID}',
      '{:start_called, :a}',
      '{:start_error, {:attempt, 1}, :a, PID}',
      '[{:a, :restarting, :worker, [W]}]',
      '%{active: 0, specs: 1, supervisors: 0, workers: 1}',
      '{:error, :restarting}',
      '{:error, :restarting}',
      '{:error, :already_present}',
      ':ok',
      '[{:a, :undefined, :worker, [W]}]',
    ]);
  });

  // Measured on Elixir 1.14 / OTP 25 and Elixir 1.18 / OTP 27 (same output): while the retry is
  // pending, which_children gives [{:undefined, :restarting, :worker, [F]}] and count_children
  // [specs: 1, active: 0, supervisors: 0, workers: 1]; after the retry the child runs and active is 1.
  it('rule 45 / 46 / 50: simple_one_for_one failed restart: {:restarting, old} shows as :restarting, out of active; the retry restores it', () => {
    const runs = traceRuns(function* () {
      yield* trapExit(true);
      const me = yield* self();
      const [, sup] = (yield* Supervisor.startLink(RawSup, t({ strategy: 'simple_one_for_one', intensity: 10 }, [{ id: 'tpl', start: t(failingOnce(2), 'start_link', [me]) }]))) as Term[];
      const [, c] = (yield* Supervisor.startChild(sup!, [])) as Term[];
      yield* exitSignal(c as Pid, 'kill');
      yield* receive(match.tagged('failing', 2));
      // Queue both calls before the failed restart returns, so they run before the retry cast.
      const calls: Array<[string, Term, () => Op<Term>]> = [
        ['which', 'which_children', () => Supervisor.whichChildren(sup!) as Op<Term>],
        ['count', 'count_children', () => Supervisor.countChildren(sup!) as Op<Term>],
      ];
      for (const [name, request, fn] of calls) {
        yield* spawn(function* () {
          yield* send(me, t(name, yield* fn()));
        });
        yield* awaitInMailbox(sup as Pid, (m) => isTagged(m, '$gen_call', 3) && m[2] === request);
      }
      yield* send(sup as Pid, 'go');
      const during = [];
      for (const [name] of calls) during.push((yield* receive(match.tagged(name, 2)))[1]!);
      const after = yield* awaitChildren(sup!, (k) => k.length === 1 && k[0]![1] instanceof Pid);
      yield* note(t('during', during));
      yield* note(t('after', after.map((k) => t(k[0]!, k[1] instanceof Pid && (k[1] as Pid).id !== (c as Pid).id)), yield* Supervisor.countChildren(sup!)));
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:terminate'))).toEqual([
      '{:start, 1}',
      '{:child_terminated, :killed, :tpl, PID}',
      '{:start, 2}',
      '{:start_error, :once, :tpl, PID}',
      '{:start, 3}',
      '{:during, [[{:undefined, :restarting, :worker, [F]}], %{active: 0, specs: 1, supervisors: 0, workers: 1}]}',
      '{:after, [undefined: true], %{active: 1, specs: 1, supervisors: 0, workers: 1}}',
    ]);
  });
});

describe('§5 restart intensity', () => {
  it('rule 51: with the defaults 3 in 5 s, crashes 1-3 are restarted and crash 4 stops the supervisor', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a')], { strategy: 'one_for_one' });
      let a = yield* pidOf(sup, 'a');
      for (let i = 1; i <= 3; i++) {
        yield* exitSignal(a, 'kill');
        a = yield* awaitNewPid(sup, 'a', a);
        yield* note(t('restarted', i));
      }
      yield* exitSignal(a, 'kill');
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:start_called'))).toEqual([
      '{:child_terminated, :killed, :a, PID}',
      '{:restarted, 1}',
      '{:child_terminated, :killed, :a, PID}',
      '{:restarted, 2}',
      '{:child_terminated, :killed, :a, PID}',
      '{:restarted, 3}',
      '{:child_terminated, :killed, :a, PID}',
      '{:shutdown, :reached_max_restart_intensity, :a, PID}',
      ':shutdown',
    ]);
  });

  for (const [label, times, expected] of [
    ['0.5 s and 1.9 s (floor 0 and 1, inclusive bound)', [500, 1900], ':stopped'],
    ['0.5 s and 2.1 s (floor 0 and 2)', [500, 2100], ':survived'],
  ] as const) {
    it(`rule 52: intensity 1, period 1 s, crashes at ${label} → ${expected}`, () => {
      const runs = traceRuns(function* () {
        const sup = yield* startSup([ch('a')], { strategy: 'one_for_one', maxRestarts: 1, maxSeconds: 1 });
        let a = yield* pidOf(sup, 'a');
        for (const at of times) {
          yield* sleep(at - (yield* now()));
          yield* exitSignal(a, 'kill');
          const kids = yield* awaitGone(sup as Pid, a);
          if (kids === 'stopped') return yield* note('stopped');
          a = kids;
        }
        yield* note('survived');
      }, { progress: false });
      expect(same(runs).filter((l) => l === ':stopped' || l === ':survived')).toEqual([expected]);
    });
  }

  it('rule 53: intensity 0: the first crash stops the supervisor and no restart is attempted', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a'), ch('b')], { strategy: 'one_for_one', maxRestarts: 0 });
      yield* exitSignal(yield* pidOf(sup, 'a'), 'kill');
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
    }, { progress: false });
    expect(noTerminateEnd(same(runs))).toEqual([
      '{:start_called, :a}',
      '{:start_called, :b}',
      '{:child_terminated, :killed, :a, PID}',
      '{:shutdown, :reached_max_restart_intensity, :a, PID}',
      '{:terminate, :b, :shutdown}',
      ':shutdown',
    ]);
  });

  it('rule 54: temporary exits, transient normal exits and terminate/restart_child API calls record no restart', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('p'), ch('tr', {}, { restart: 'transient' })], { strategy: 'one_for_one', maxRestarts: 1 });
      for (let i = 0; i < 3; i++) {
        yield* Supervisor.startChild(sup, ch(`tmp${i}`, {}, { restart: 'temporary' }));
        yield* stopChild(yield* pidOf(sup, `tmp${i}`), 'boom');
        yield* awaitChildren(sup, (k) => entryOf(k, `tmp${i}`) === undefined);
        yield* stopChild(yield* pidOf(sup, 'tr'), 'normal');
        yield* awaitChildren(sup, (k) => entryOf(k, 'tr')?.[1] === 'undefined');
        yield* Supervisor.restartChild(sup, 'tr');
        yield* Supervisor.terminateChild(sup, 'p');
        yield* Supervisor.restartChild(sup, 'p');
      }
      const p = yield* pidOf(sup, 'p');
      yield* exitSignal(p, 'kill');
      yield* awaitNewPid(sup, 'p', p);
      yield* note('one crash restarted: nothing else was counted');
    }, { progress: false });
    expect(same(runs)).toContain('one crash restarted: nothing else was counted');
  });

  it('rule 55 / 118: at the limit: shutdown report, no restart, the others stop newest first, exit :shutdown', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a'), ch('b'), ch('c')], { strategy: 'one_for_one', maxRestarts: 0 });
      yield* exitSignal(yield* pidOf(sup, 'b'), 'kill');
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
    }, { progress: false });
    expect(noTerminateEnd(same(runs)).slice(3)).toEqual([
      '{:child_terminated, :killed, :b, PID}',
      '{:shutdown, :reached_max_restart_intensity, :b, PID}',
      '{:terminate, :c, :shutdown}',
      '{:terminate, :a, :shutdown}',
      ':shutdown',
    ]);
  });

  for (const restart of ['permanent', 'transient'] as const) {
    it(`rule 55: escalation: a ${restart} sub-supervisor that gives up exits :shutdown to its parent`, () => {
      const Sub = Supervisor.defmodule('Sub', { init: () => Supervisor.init([ch('w')], { strategy: 'one_for_one', maxRestarts: 0 }) });
      const runs = traceRuns(function* () {
        const sup = yield* startSup([{ id: 'sub', start: t(Sub, 'start_link', [0]), type: 'supervisor', restart }], { strategy: 'one_for_one' });
        const sub = yield* pidOf(sup, 'sub');
        yield* exitSignal(yield* pidOf(sub, 'w'), 'kill');
        const kids = yield* awaitChildren(sup, (k) => !(k[0]![1] instanceof Pid && (k[0]![1] as Pid).id === sub.id));
        yield* note(kids[0]![1] instanceof Pid ? 'sub restarted' : t('sub', kids[0]![1]!));
      }, { progress: false });
      expect(noTerminateEnd(same(runs)).slice(1)).toEqual(
        restart === 'permanent'
          ? ['{:child_terminated, :killed, :w, PID}', '{:shutdown, :reached_max_restart_intensity, :w, PID}', '{:child_terminated, :shutdown, :sub, PID}', '{:start_called, :w}', 'sub restarted', '{:terminate, :w, :shutdown}']
          : ['{:child_terminated, :killed, :w, PID}', '{:shutdown, :reached_max_restart_intensity, :w, PID}', '{:sub, :undefined}'],
      );
    });
  }

  for (const [at, expected] of [[5900, ':stopped'], [6000, ':survived']] as const) {
    it(`rule 56 / D9: intensity 2, period 5: two crashes at 0.1 s, a third at ${at / 1000} s → ${expected}`, () => {
      const runs = traceRuns(function* () {
        const sup = yield* startSup([ch('a')], { strategy: 'one_for_one', maxRestarts: 2, maxSeconds: 5 });
        let a = yield* pidOf(sup, 'a');
        for (const when of [100, 100, at]) {
          yield* sleep(when - (yield* now()));
          yield* exitSignal(a, 'kill');
          const next = yield* awaitGone(sup as Pid, a);
          if (next === 'stopped') return yield* note('stopped');
          a = next;
        }
        yield* note('survived');
      }, { progress: false });
      expect(same(runs).filter((l) => l === ':stopped' || l === ':survived')).toEqual([expected]);
    });
  }
});

/** After killing `old`: the restarted child's pid, or 'stopped' when the supervisor gave up. */
function* awaitGone(sup: Pid, old: Pid): Op<Pid | 'stopped'> {
  const ref = yield* monitor(sup);
  for (;;) {
    const down = yield* receive(match.down(ref), { after: 0 });
    if (down !== TIMEOUT) return 'stopped';
    let kids: Term[][];
    try {
      kids = (yield* Supervisor.whichChildren(sup)) as Term[][];
    } catch {
      return 'stopped';
    }
    const e = kids[0]!;
    if (e[1] instanceof Pid && e[1].id !== old.id) {
      yield* demonitor(ref, { flush: true });
      return e[1];
    }
  }
}
