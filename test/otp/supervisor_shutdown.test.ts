/**
 * supervision.md §6 (the shutdown protocol, rules 58-69) and §7 (auto_shutdown and significant
 * children, rules 70-76). Expected values follow probes/supervision/e6.exs, e7.exs, e14.exs and
 * my1.exs (quoted in the final report).
 */
import { describe, expect, it } from 'vitest';
import {
  ErlModule,
  GenServer,
  Pid,
  Ref,
  exit,
  exitSignal,
  format,
  isTagged,
  match,
  monitor,
  now,
  processInfo,
  receive,
  run,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
  t,
  trapExit,
  unlink,
  type Op,
  type Term,
} from '../../src/index.js';
import * as Supervisor from '../../src/otp/Supervisor.js';
import {
  W,
  awaitChildren,
  awaitInMailbox,
  awaitNewPid,
  blockSupervisor,
  both,
  ch,
  counted,
  note,
  pidOf,
  same,
  startW,
  traceRuns,
} from './supervisor.helpers.js';

function* startSup(children: Term[], opts: Supervisor.SupervisorOptions): Op<Term> {
  yield* trapExit(true);
  const r = (yield* Supervisor.startLink(children, opts)) as Term[];
  if (r[0] !== 'ok') throw new Error(`start failed ${String(r)}`);
  return r[1]!;
}

const RawSup = Supervisor.defmodule('RawSup', { init: (arg) => t('ok', arg) });

function* rawSup(flags: Term, specs: Term[]): Op<Term> {
  yield* trapExit(true);
  const r = yield* Supervisor.startLink(RawSup, t(flags, specs));
  yield* receive(match.exit(), { after: 0 });
  return r;
}

/**
 * e7's Naughty: a linked child that traps exits; on `{:unlink, from}` it unlinks itself from the
 * supervisor (and tells `from`), on `{:die, r}` it exits with r, and it logs anything else it receives.
 */
const NaughtyLinked = new ErlModule('Elixir.NaughtyLinked', {
  *start_link(): Op<Term> {
    const parent = yield* self();
    const pid = yield* spawnLink(function* () {
      yield* trapExit(true);
      for (;;) {
        const m = yield* receive();
        if (isTagged(m, 'unlink', 2)) {
          yield* unlink(parent);
          yield* send(m[1] as Pid, 'unlinked');
        } else if (isTagged(m, 'die', 2)) return exit(m[1]!);
        else yield* note(t('naughty_got', m));
      }
    });
    return t('ok', pid);
  },
});

/** Monitors a W server and makes sure the monitor is in place (a call travels behind it). */
function* monitorNow(pid: Pid): Op<Ref> {
  const ref = yield* monitor(pid);
  yield* GenServer.call(pid, 'ping');
  return ref;
}

describe('§6.1 stopping one child', () => {
  it('rule 58 / e7: monitor first, then the signal; a child that unlinked itself cannot hang the supervisor', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([{ id: 'n', start: t(NaughtyLinked, 'start_link', []), shutdown: 100 }], { strategy: 'one_for_one' });
      const n = yield* pidOf(sup, 'n');
      yield* send(n, t('unlink', yield* self()));
      yield* receive(match.eq('unlinked'));
      yield* note(yield* Supervisor.terminateChild(sup, 'n'));
      yield* note(t('sup_links', ((yield* processInfo(sup as Pid, 'links')) as Pid[]).some((p) => p.id === n.id)));
    }, { progress: false });
    expect(same(runs)).toEqual(['{:naughty_got, {:EXIT, PID, :shutdown}}', '{:shutdown_error, :killed, :n, PID}', ':ok', '{:sup_links, false}']);
    // The monitor is set before the exit signal is sent.
    const r = run(function* () {
      const sup = yield* startSup([ch('a')], { strategy: 'one_for_one' });
      yield* Supervisor.terminateChild(sup, 'a');
    });
    const spawned = r.trace.find((e) => e.k === 'spawn' && e.parent?.id === r.rootPid.id) as { pid: Pid };
    const sup = spawned.pid;
    const mon = r.trace.findIndex((e) => e.k === 'monitor' && e.pid.id === sup.id);
    const sig = r.trace.findIndex((e) => e.k === 'signal' && e.kind === 'exit' && e.from.id === sup.id);
    expect(mon).toBeGreaterThan(0);
    expect(sig).toBeGreaterThan(mon);
  });

  it('rule 58: after the DOWN the supervisor is unlinked and no EXIT of the child is left in its mailbox', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a'), ch('b')], { strategy: 'one_for_one' });
      const a = yield* pidOf(sup, 'a');
      yield* Supervisor.terminateChild(sup, 'a');
      yield* note(t('linked', ((yield* processInfo(sup as Pid, 'links')) as Pid[]).some((p) => p.id === a.id)));
      yield* note(t('mailbox', (yield* processInfo(sup as Pid, 'messages'))!));
    }, { progress: false });
    expect(same(runs)).toContain('{:linked, false}');
    expect(same(runs)).toContain('{:mailbox, []}');
  });

  it('rule 59: brutal_kill: exit(pid, :kill), terminate/2 never runs, :killed is clean', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('bk', { onTerminate: { sleep: 300 } }, { shutdown: 'brutal_kill' })], { strategy: 'one_for_one' });
      const bk = yield* pidOf(sup, 'bk');
      const ref = yield* monitorNow(bk);
      yield* note(yield* Supervisor.terminateChild(sup, 'bk'));
      yield* note((yield* receive(match.down(ref)))[4]!);
    }, { progress: false });
    expect(same(runs)).toEqual(['{:start_called, :bk}', ':ok', ':killed']);
  });

  it('rule 60: an integer shutdown: :shutdown, wait that long, then :kill (reported as :killed); 0 kills at once', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup(
        [ch('slow', { onTerminate: { sleep: 300 } }, { shutdown: 100 }), ch('ok', { onTerminate: { sleep: 300 } }, { shutdown: 500 }), ch('zero', { onTerminate: { sleep: 300 } }, { shutdown: 0 })],
        { strategy: 'one_for_one' },
      );
      for (const id of ['slow', 'ok']) {
        const t0 = yield* now();
        yield* Supervisor.terminateChild(sup, id);
        yield* note(t(id, (yield* now()) - t0 >= (id === 'slow' ? 100 : 300) && (yield* now()) - t0 < (id === 'slow' ? 110 : 310)));
      }
      const t0 = yield* now();
      yield* Supervisor.terminateChild(sup, 'zero');
      yield* note(t('zero', (yield* now()) - t0 < 5));
    }, { progress: false });
    const out = same(runs.map((r) => r.filter((l) => l !== '{:terminate, :zero, :shutdown}')));
    expect(out.slice(3)).toEqual([
      '{:terminate, :slow, :shutdown}',
      '{:shutdown_error, :killed, :slow, PID}',
      '{:slow, true}',
      '{:terminate, :ok, :shutdown}',
      '{:terminate_end, :ok}',
      '{:ok, true}',
      '{:shutdown_error, :killed, :zero, PID}',
      '{:zero, true}',
    ]);
  });

  it('rule 61: :infinity waits as long as terminate/2 takes', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('inf', { onTerminate: { sleep: 20_000 } }, { shutdown: 'infinity' })], { strategy: 'one_for_one' });
      const t0 = yield* now();
      yield* note(yield* Supervisor.terminateChild(sup, 'inf'));
      yield* note(t('waited', (yield* now()) - t0 >= 20_000));
    }, { progress: false });
    expect(same(runs)).toEqual(['{:start_called, :inf}', '{:terminate, :inf, :shutdown}', '{:terminate_end, :inf}', ':ok', '{:waited, true}']);
  });

  it('rule 62 / 66 / 115: the clean-reason table on stop (e7): reported: permanent :normal / {:shutdown, _}, :killed after timeout', () => {
    const mk = (id: string, onTerminate: { sleep: number } | { exit: Term } | undefined, extra: Record<string, Term> = {}) =>
      ch(id, onTerminate ? { onTerminate } : {}, extra);
    const runs = traceRuns(function* () {
      const sup = yield* startSup(
        [
          mk('slow', { sleep: 300 }, { shutdown: 100 }),
          mk('bk', { sleep: 300 }, { shutdown: 'brutal_kill' }),
          mk('permsd', { exit: t('shutdown', 'x') }),
          mk('transd', { exit: t('shutdown', 'x') }, { restart: 'transient' }),
          mk('permnorm', { exit: 'normal' }),
          mk('transnorm', { exit: 'normal' }, { restart: 'transient' }),
          mk('ok', undefined),
          ch('notrap', { trap: false }),
        ],
        { strategy: 'one_for_one' },
      );
      const t0 = yield* now();
      yield* Supervisor.stop(sup);
      yield* note(t('stop_ms_about_110', (yield* now()) - t0 >= 100 && (yield* now()) - t0 < 120));
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:start_called'))).toEqual([
      '{:terminate, :ok, :shutdown}',
      '{:terminate_end, :ok}',
      '{:terminate, :transnorm, :shutdown}',
      '{:terminate, :permnorm, :shutdown}',
      '{:shutdown_error, :normal, :permnorm, PID}',
      '{:terminate, :transd, :shutdown}',
      '{:terminate, :permsd, :shutdown}',
      '{:shutdown_error, {:shutdown, :x}, :permsd, PID}',
      '{:terminate, :slow, :shutdown}',
      '{:shutdown_error, :killed, :slow, PID}',
      '{:stop_ms_about_110, true}',
    ]);
  });

  for (const reason of ['normal', 'shutdown', t('shutdown', 'x')] as Term[]) {
    it(`rule 62: brutal_kill accepts ${JSON.stringify(reason)} only for a non-permanent child that died before the kill`, () => {
      const runs = traceRuns(function* () {
        const sup = yield* startSup([ch('p', {}, { shutdown: 'brutal_kill' }), ch('tr', {}, { shutdown: 'brutal_kill', restart: 'transient' })], { strategy: 'one_for_one' });
        const p = yield* pidOf(sup, 'p');
        const tr = yield* pidOf(sup, 'tr');
        const ref = yield* monitor(sup as Pid);
        yield* blockSupervisor(sup, 50);
        yield* spawn(function* () {
          yield* Supervisor.stop(sup);
        });
        yield* awaitInMailbox(sup as Pid, (m) => isTagged(m, 'system', 3));
        yield* GenServer.cast(p, t('exit', reason));
        yield* GenServer.cast(tr, t('exit', reason));
        yield* awaitInMailbox(sup as Pid, (m) => isTagged(m, 'EXIT', 3) && (m[1] as Pid).id === p.id);
        yield* awaitInMailbox(sup as Pid, (m) => isTagged(m, 'EXIT', 3) && (m[1] as Pid).id === tr.id);
        yield* receive(match.down(ref));
      }, { progress: false });
      const out = same(runs.map((r) => r.filter((l) => l.startsWith('{:shutdown_error'))));
      expect(out).toEqual([`{:shutdown_error, ${format(reason)}, :p, PID}`]);
    });
  }

  for (const semantics of both) {
    it(`rule 63 / D3: a child that unlinked itself and died is reported as ${semantics === 'otp25' ? ':noproc' : ':child_process_unlinked'} (${semantics})`, () => {
      const runs = traceRuns(function* () {
        const sup = yield* startSup([{ id: 'n', start: t(NaughtyLinked, 'start_link', []) }], { strategy: 'one_for_one' });
        const n = yield* pidOf(sup, 'n');
        yield* send(n, t('unlink', yield* self()));
        yield* receive(match.eq('unlinked'));
        const ref = yield* monitor(n);
        yield* send(n, t('die', 'bye'));
        yield* receive(match.down(ref));
        yield* note(yield* Supervisor.terminateChild(sup, 'n'));
      }, { semantics, progress: false });
      expect(same(runs)).toEqual([`{:shutdown_error, ${semantics === 'otp25' ? ':noproc' : ':child_process_unlinked'}, :n, PID}`, ':ok']);
    });
  }

  it('rule 64 / e14: what the child sees: not trapping → dies :shutdown, no terminate; trapping → terminate(:shutdown); :kill → :killed', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('trap'), ch('notrap', { trap: false }), ch('bk', {}, { shutdown: 'brutal_kill' })], { strategy: 'one_for_one' });
      for (const id of ['trap', 'notrap', 'bk']) {
        const ref = yield* monitorNow(yield* pidOf(sup, id));
        yield* Supervisor.terminateChild(sup, id);
        yield* note(t(id, (yield* receive(match.down(ref)))[4]!));
      }
    }, { progress: false });
    expect(same(runs).slice(3)).toEqual(['{:terminate, :trap, :shutdown}', '{:terminate_end, :trap}', '{:trap, :shutdown}', '{:notrap, :shutdown}', '{:bk, :killed}']);
  });

  for (const semantics of both) {
    it(`rule 65: a child started without a link is never restarted; its dead pid stays; shutdown still works (${semantics})`, () => {
      const Unlinked = new ErlModule('Elixir.Unlinked', {
        *start_link(): Op<Term> {
          const pid = yield* spawn(function* () {
            yield* receive(match.eq('die'));
            exit('bye');
          });
          return t('ok', pid);
        },
      });
      const runs = traceRuns(function* () {
        const sup = yield* startSup([{ id: 'u', start: t(Unlinked, 'start_link', []) }], { strategy: 'one_for_one' });
        const u = yield* pidOf(sup, 'u');
        const ref = yield* monitor(u);
        yield* send(u, 'die');
        yield* receive(match.down(ref));
        yield* sleep(50);
        yield* note(t('same_dead_pid', (yield* pidOf(sup, 'u')).id === u.id));
        yield* note(yield* Supervisor.countChildren(sup));
        yield* note(yield* Supervisor.terminateChild(sup, 'u'));
      }, { semantics, progress: false });
      expect(same(runs)).toEqual([
        '{:same_dead_pid, true}',
        '%{active: 0, specs: 1, supervisors: 0, workers: 1}',
        `{:shutdown_error, ${semantics === 'otp25' ? ':noproc' : ':child_process_unlinked'}, :u, PID}`,
        ':ok',
      ]);
    });
  }
});

describe('§6.2 stopping the whole supervisor', () => {
  it('rule 66: terminate/2 stops children newest first, one at a time: the total is the sum', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a', { onTerminate: { sleep: 100 } }), ch('b', { onTerminate: { sleep: 100 } }), ch('c', { onTerminate: { sleep: 100 } })], { strategy: 'one_for_one' });
      const t0 = yield* now();
      yield* Supervisor.stop(sup);
      yield* note(t('sum', (yield* now()) - t0 >= 300));
    }, { progress: false });
    expect(same(runs).slice(3)).toEqual([
      '{:terminate, :c, :shutdown}',
      '{:terminate_end, :c}',
      '{:terminate, :b, :shutdown}',
      '{:terminate_end, :b}',
      '{:terminate, :a, :shutdown}',
      '{:terminate_end, :a}',
      '{:sum, true}',
    ]);
  });

  it('rule 67: stop/3 returns :ok with any reason; a killed supervisor gives every child {:EXIT, sup, :killed} at once', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a')], { strategy: 'one_for_one' });
      yield* note(yield* Supervisor.stop(sup, t('shutdown', 'bye')));
      const sup2 = yield* startSup([ch('x'), ch('y', { trap: false }), ch('z')], { strategy: 'one_for_one' });
      const refs = new Map<number, string>();
      for (const id of ['x', 'y', 'z']) refs.set((yield* monitorNow(yield* pidOf(sup2, id))).id, id);
      yield* exitSignal(sup2 as Pid, 'kill');
      const downs: string[] = [];
      for (let i = 0; i < 3; i++) {
        const d = yield* receive(match.tagged('DOWN', 5));
        downs.push(`${refs.get((d[1] as Ref).id)}:${format(d[4]!)}`);
      }
      yield* note(downs.sort().join(' '));
    }, { progress: false });
    const out = same(runs.map((r) => r.filter((l) => !l.startsWith('{:terminate'))));
    expect(out).toEqual(['{:start_called, :a}', ':ok', '{:start_called, :x}', '{:start_called, :y}', '{:start_called, :z}', 'x::killed y::killed z::killed']);
    // The trapping GenServer children ran terminate(:killed): the supervisor is their parent.
    expect(runs[0]).toContain('{:terminate, :x, :killed}');
    expect(runs[0]).toContain('{:terminate, :z, :killed}');
    expect(runs[0]).not.toContain('{:terminate, :y, :killed}');
  });

  it('rule 68: start_child appends: the new child is stopped first and is "after" everyone under rest_for_one', () => {
    const runs = traceRuns(function* () {
      const sup = yield* startSup([ch('a'), ch('b')], { strategy: 'rest_for_one' });
      yield* Supervisor.startChild(sup, ch('z'));
      const z = yield* pidOf(sup, 'z');
      yield* exitSignal(yield* pidOf(sup, 'a'), 'kill');
      yield* awaitNewPid(sup, 'z', z);
      yield* Supervisor.stop(sup);
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:terminate_end')).slice(3)).toEqual([
      '{:child_terminated, :killed, :a, PID}',
      '{:terminate, :z, :shutdown}',
      '{:terminate, :b, :shutdown}',
      '{:start_called, :a}',
      '{:start_called, :b}',
      '{:start_called, :z}',
      '{:terminate, :z, :shutdown}',
      '{:terminate, :b, :shutdown}',
      '{:terminate, :a, :shutdown}',
    ]);
  });

  it('rule 69: simple_one_for_one stops all children at once with one timer; errors grouped per reason (nb_children)', () => {
    const runs = traceRuns(function* () {
      const [, sup] = (yield* rawSup({ strategy: 'simple_one_for_one' }, [{ id: 'tpl', start: t(W, 'start_link', []), shutdown: 100 }])) as Term[];
      for (const [id, onTerminate] of [['c1', { sleep: 300 }], ['c2', { sleep: 300 }], ['c3', { exit: t('shutdown', 'x') }], ['c4', undefined]] as const) {
        yield* Supervisor.startChild(sup!, [onTerminate ? { id, onTerminate } : { id }]);
      }
      const t0 = yield* now();
      yield* Supervisor.stop(sup!);
      yield* note(t('elapsed_about_100', (yield* now()) - t0 >= 100 && (yield* now()) - t0 < 110));
    }, { progress: false });
    const out = same(runs.map((r) => r.filter((l) => !l.startsWith('{:start_called') && !l.startsWith('{:terminate'))));
    expect(out).toEqual(['{:shutdown_error, :killed, :tpl, {:nb_children, 2}}', '{:shutdown_error, {:shutdown, :x}, :tpl, {:nb_children, 1}}', '{:elapsed_about_100, true}']);
    // All four were signalled before any timeout: every terminate began.
    for (const id of ['c1', 'c2', 'c3', 'c4']) expect(runs[0]).toContain(`{:terminate, :${id}, :shutdown}`);
  });
});


describe('§6.2 simple_one_for_one shutdown variants', () => {
  // Measured on Elixir 1.14 / OTP 25 and Elixir 1.18 / OTP 27 (same output): a stop queued while
  // the first child's restart is failing returns :ok; only the running child runs terminate
  // (:shutdown), the restarting one is skipped, no report, and the start function is not retried.
  it('rule 69 / 45: a stop that arrives while a child is {:restarting, _} skips it; the running child stops; no retry', () => {
    const runs = traceRuns(function* () {
      yield* trapExit(true);
      const me = yield* self();
      let n = 0;
      const F = new ErlModule('Elixir.F', {
        *start_link(test: Pid, id: Term): Op<Term> {
          n++;
          yield* note(t('start', n));
          if (n === 3) {
            yield* send(test, t('failing', yield* self()));
            yield* receive(match.eq('go'));
            return t('error', 'once');
          }
          return yield* startW({ id });
        },
      });
      const [, sup] = (yield* Supervisor.startLink(RawSup, t({ strategy: 'simple_one_for_one', intensity: 10 }, [{ id: 'tpl', start: t(F, 'start_link', [me]) }]))) as Term[];
      const [, c1] = (yield* Supervisor.startChild(sup!, ['c1'])) as Term[];
      yield* Supervisor.startChild(sup!, ['c2']);
      yield* exitSignal(c1 as Pid, 'kill');
      yield* receive(match.tagged('failing', 2));
      yield* spawn(function* () {
        yield* send(me, t('stopped', yield* Supervisor.stop(sup!)));
      });
      yield* awaitInMailbox(sup as Pid, (m) => isTagged(m, 'system', 3));
      yield* send(sup as Pid, 'go');
      yield* note((yield* receive(match.tagged('stopped', 2)))[1]!);
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:terminate_end'))).toEqual([
      '{:start, 1}',
      '{:start, 2}',
      '{:child_terminated, :killed, :tpl, PID}',
      '{:start, 3}',
      '{:start_error, :once, :tpl, PID}',
      '{:terminate, :c2, :shutdown}',
      ':ok',
    ]);
  });

  // Measured on Elixir 1.14 / OTP 25 and Elixir 1.18 / OTP 27: brutal_kill children (trapping
  // exits) die :killed without terminate/2 and nothing is reported.
  it('rule 69 / 59: simple_one_for_one brutal_kill: every child is killed, terminate/2 never runs, no report', () => {
    const runs = traceRuns(function* () {
      const [, sup] = (yield* rawSup({ strategy: 'simple_one_for_one' }, [{ id: 'tpl', start: t(W, 'start_link', []), shutdown: 'brutal_kill' }])) as Term[];
      yield* Supervisor.startChild(sup!, [{ id: 'k1' }]);
      const [, k2] = (yield* Supervisor.startChild(sup!, [{ id: 'k2' }])) as Term[];
      const ref = yield* monitor(k2 as Pid);
      yield* note(yield* Supervisor.stop(sup!));
      yield* note(t('k2_down', (yield* receive(match.down(ref)))[4]!));
    }, { progress: false });
    expect(same(runs)).toEqual(['{:start_called, :k1}', '{:start_called, :k2}', ':ok', '{:k2_down, :killed}']);
  });

  // Measured on Elixir 1.14 / OTP 25 and Elixir 1.18 / OTP 27: with shutdown :infinity and
  // type :supervisor, count_children gives [specs: 1, active: 2, supervisors: 2, workers: 0]; stop
  // waits for both terminate/2 calls (run concurrently) to finish; no report.
  it('rule 69 / 61 / 82: simple_one_for_one :infinity waits for every terminate/2 (no timer); a :supervisor template counts as supervisors', () => {
    const runs = traceRuns(function* () {
      const [, sup] = (yield* rawSup({ strategy: 'simple_one_for_one' }, [{ id: 'tpl', start: t(W, 'start_link', []), shutdown: 'infinity', type: 'supervisor' }])) as Term[];
      yield* Supervisor.startChild(sup!, [{ id: 'i1', onTerminate: { sleep: 20_000 } }]);
      yield* Supervisor.startChild(sup!, [{ id: 'i2', onTerminate: { sleep: 20_000 } }]);
      yield* note(yield* Supervisor.countChildren(sup!));
      const t0 = yield* now();
      yield* note(yield* Supervisor.stop(sup!));
      const took = (yield* now()) - t0;
      yield* note(t('took_20s_once', took >= 20_000 && took < 40_000));
    }, { progress: false });
    // The two children stop concurrently: their notes interleave differently per seed.
    for (const run of runs) {
      const out = run.filter((l) => !l.startsWith('{:start_called'));
      expect(out[0]).toBe('%{active: 2, specs: 1, supervisors: 2, workers: 0}');
      expect(out.slice(1, 3).sort()).toEqual(['{:terminate, :i1, :shutdown}', '{:terminate, :i2, :shutdown}']);
      expect(out.slice(3, 5).sort()).toEqual(['{:terminate_end, :i1}', '{:terminate_end, :i2}']);
      expect(out.slice(5)).toEqual([':ok', '{:took_20s_once, true}']);
    }
  });
});

describe('§7 auto_shutdown and significant children', () => {
  it('rule 70: with auto_shutdown :never any significant child is invalid, checked before the permanent rule', () => {
    const out = same(traceRuns(function* () {
      yield* note(yield* rawSup({}, [ch('a', {}, { significant: true, restart: 'transient' })]));
      yield* note(yield* rawSup({}, [ch('a', {}, { significant: true })]));
    }, { seeds: 3 }));
    expect(out).toEqual([
      '{:error, {:start_spec, {:bad_combination, [auto_shutdown: :never, significant: true]}}}',
      '{:error, {:start_spec, {:bad_combination, [auto_shutdown: :never, significant: true]}}}',
    ]);
  });

  it('rule 71: significant + permanent is invalid under any auto_shutdown', () => {
    const out = same(traceRuns(function* () {
      yield* note(yield* rawSup({ auto_shutdown: 'any_significant' }, [ch('a', {}, { significant: true })]));
      yield* note(yield* rawSup({ auto_shutdown: 'all_significant' }, [ch('a', {}, { significant: true })]));
    }, { seeds: 3 }));
    expect(out).toEqual([
      '{:error, {:start_spec, {:bad_combination, [restart: :permanent, significant: true]}}}',
      '{:error, {:start_spec, {:bad_combination, [restart: :permanent, significant: true]}}}',
    ]);
  });

  it('rule 72 / 73 / 74 / e6: any_significant: terminate_child and a transient crash do not stop it; a transient normal exit does, with no supervisor report', () => {
    const runs = traceRuns(function* () {
      const [, sup] = (yield* rawSup({ auto_shutdown: 'any_significant' }, [ch('a'), ch('t', {}, { restart: 'transient', significant: true }), ch('u', {}, { restart: 'temporary', significant: true })])) as Term[];
      yield* note(yield* Supervisor.terminateChild(sup!, 't'));
      yield* note(((yield* Supervisor.restartChild(sup!, 't')) as Term[])[0]!);
      const t1 = yield* pidOf(sup!, 't');
      yield* GenServer.cast(t1, t('exit', 'crash'));
      const t2 = yield* awaitNewPid(sup!, 't', t1);
      yield* GenServer.cast(t2, t('exit', 'normal'));
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:terminate_end') && !l.startsWith('{:start_called, :a') && !l.startsWith('{:start_called, :u'))).toEqual([
      '{:start_called, :t}',
      '{:terminate, :t, :shutdown}',
      ':ok',
      '{:start_called, :t}',
      ':ok',
      '{:terminate, :t, :crash}',
      '{:child_terminated, :crash, :t, PID}',
      '{:start_called, :t}',
      '{:terminate, :t, :normal}',
      '{:terminate, :u, :shutdown}',
      '{:terminate, :a, :shutdown}',
      ':shutdown',
    ]);
  });

  it('rule 72: any_significant: a temporary significant child exiting for any reason stops it', () => {
    const runs = traceRuns(function* () {
      const [, sup] = (yield* rawSup({ auto_shutdown: 'any_significant' }, [ch('a'), ch('u', {}, { restart: 'temporary', significant: true })])) as Term[];
      yield* GenServer.cast(yield* pidOf(sup!, 'u'), t('exit', 'crash'));
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
    }, { progress: false });
    expect(same(runs).filter((l) => l.startsWith('{:child') || l.startsWith(':'))).toEqual(['{:child_terminated, :crash, :u, PID}', ':shutdown']);
  });

  it('rule 72 / e6: all_significant stops when the last significant child is gone', () => {
    const runs = traceRuns(function* () {
      const [, sup] = (yield* rawSup({ auto_shutdown: 'all_significant' }, [ch('a'), ch('t', {}, { restart: 'transient', significant: true }), ch('u', {}, { restart: 'temporary', significant: true })])) as Term[];
      yield* GenServer.cast(yield* pidOf(sup!, 'u'), t('exit', 'crash'));
      yield* awaitChildren(sup!, (k) => !k.some((c) => c[0] === 'u'));
      yield* note('alive after one of two');
      yield* GenServer.cast(yield* pidOf(sup!, 't'), t('exit', 'shutdown'));
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:start_called') && !l.startsWith('{:terminate_end'))).toEqual([
      '{:terminate, :u, :crash}',
      '{:child_terminated, :crash, :u, PID}',
      'alive after one of two',
      '{:terminate, :t, :shutdown}',
      '{:terminate, :a, :shutdown}',
      ':shutdown',
    ]);
  });

  it('rule 72: all_significant counts a {:restarting, _} significant child as still there', () => {
    const runs = traceRuns(function* () {
      const tMode = counted((n) => (n === 2 ? t('error', 'once') : 'ok'));
      const [, sup] = (yield* rawSup({ auto_shutdown: 'all_significant', intensity: 10 }, [ch('t', { mode: tMode }, { restart: 'transient', significant: true }), ch('u', {}, { restart: 'temporary', significant: true })])) as Term[];
      const tp = yield* pidOf(sup!, 't');
      const u = yield* pidOf(sup!, 'u');
      yield* blockSupervisor(sup!, 50);
      yield* exitSignal(tp, 'kill');
      yield* awaitInMailbox(sup as Pid, (m) => isTagged(m, 'EXIT', 3) && (m[1] as Pid).id === tp.id);
      yield* GenServer.cast(u, t('exit', 'normal'));
      yield* awaitInMailbox(sup as Pid, (m) => isTagged(m, 'EXIT', 3) && (m[1] as Pid).id === u.id);
      yield* awaitNewPid(sup!, 't', tp);
      yield* note('still alive');
    }, { progress: false });
    expect(same(runs).filter((l) => l.startsWith('{:start_error') || l === 'still alive')).toEqual(['{:start_error, :once, :t, PID}', 'still alive']);
  });

  it('rule 73: under all_significant a terminated significant child counts as gone when a later one exits', () => {
    const runs = traceRuns(function* () {
      const [, sup] = (yield* rawSup({ auto_shutdown: 'all_significant' }, [ch('a'), ch('t1', {}, { restart: 'transient', significant: true }), ch('t2', {}, { restart: 'transient', significant: true })])) as Term[];
      yield* Supervisor.terminateChild(sup!, 't1');
      yield* note('alive after terminate_child');
      yield* GenServer.cast(yield* pidOf(sup!, 't2'), t('exit', 'normal'));
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
    }, { progress: false });
    expect(same(runs).filter((l) => l === 'alive after terminate_child' || l === ':shutdown')).toEqual(['alive after terminate_child', ':shutdown']);
  });

  it('rule 73: a significant child stopped by a one_for_all restart, or ignored at start-up, triggers nothing', () => {
    const runs = traceRuns(function* () {
      const [, sup] = (yield* rawSup({ auto_shutdown: 'any_significant', strategy: 'one_for_all' }, [ch('a'), ch('s', {}, { restart: 'transient', significant: true }), ch('i', { mode: 'ignore' }, { restart: 'transient', significant: true })])) as Term[];
      const s = yield* pidOf(sup!, 's');
      yield* exitSignal(yield* pidOf(sup!, 'a'), 'kill');
      yield* awaitNewPid(sup!, 's', s);
      yield* note('alive');
    }, { progress: false });
    expect(same(runs)).toContain(':alive');
  });

  for (const semantics of both) {
    it(`rule 75 / D4: simple_one_for_one with auto_shutdown: allowed in OTP 25, refused in 27+ (${semantics})`, () => {
      const runs = traceRuns(function* () {
        const r = yield* rawSup({ strategy: 'simple_one_for_one', auto_shutdown: 'any_significant' }, [ch('a')]);
        yield* note((r as Term[])[0] === 'ok' ? 'ok' : r);
      }, { semantics });
      expect(same(runs)).toEqual([
        semantics === 'otp25' ? ':ok' : '{:error, {:supervisor_data, {:bad_combination, [auto_shutdown: :any_significant, strategy: :simple_one_for_one]}}}',
      ]);
    });
  }

  it('rule 75: OTP 25 simple_one_for_one all_significant stops when no dynamic child is left', () => {
    const runs = traceRuns(function* () {
      const [, sup] = (yield* rawSup({ strategy: 'simple_one_for_one', auto_shutdown: 'all_significant' }, [{ id: 'tpl', start: t(W, 'start_link', []), restart: 'temporary', significant: true }])) as Term[];
      const [, c1] = (yield* Supervisor.startChild(sup!, [{ id: 'c1' }])) as Term[];
      const [, c2] = (yield* Supervisor.startChild(sup!, [{ id: 'c2' }])) as Term[];
      yield* GenServer.cast(c1!, t('exit', 'normal'));
      yield* awaitChildren(sup!, (k) => k.length === 1);
      yield* note('alive with one child');
      yield* GenServer.cast(c2!, t('exit', 'normal'));
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
    }, { semantics: 'otp25', progress: false });
    expect(same(runs).filter((l) => l === 'alive with one child' || l === ':shutdown')).toEqual(['alive with one child', ':shutdown']);
  });
});
