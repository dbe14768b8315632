/**
 * supervision.md §11 (PartitionSupervisor, rules 100-107), processes.md §7 (routing, 7.1-7.4) and
 * the Elixir rows E4-E7 of §13. Expected values follow probes/supervision/e9.out (Elixir 1.14.0)
 * and the routing values measured in oracle-notes.md.
 */
import { describe, expect, it } from 'vitest';
import {
  ErlModule,
  Ets,
  GenServer,
  Pid,
  bin,
  caught,
  rescued,
  exitSignal,
  format,
  match,
  monitor,
  phash2,
  receive,
  register,
  send,
  t,
  trapExit,
  unregister,
  whereis,
  type Op,
  type Term,
  type TermObject,
} from '../../src/index.js';
import * as PartitionSupervisor from '../../src/otp/PartitionSupervisor.js';
import * as Supervisor from '../../src/otp/Supervisor.js';
import { both, note, same, traceRuns } from './supervisor.helpers.js';

/** The probes' PW: an agent-like server whose state is its start options. */
const PW = GenServer.defmodule('PW', {
  init: (opts) => t('ok', opts),
  handleCall: (req, _from, s) => (req === 'get' ? t('reply', s, s) : t('reply', req, s)),
});

/** A `:via` module over the local name registry (stands in for Registry in the probes). */
const LocalVia = new ErlModule('Elixir.LocalVia', {
  *register_name(name: string, pid: Pid): Op<Term> {
    try {
      yield* register(name, pid);
      return 'yes';
    } catch {
      return 'no';
    }
  },
  *whereis_name(name: string): Op<Term> {
    return (yield* whereis(name)) ?? 'undefined';
  },
  *unregister_name(name: string): Op<Term> {
    yield* unregister(name);
    return 'ok';
  },
  *send(name: string, msg: Term): Op<Term> {
    return yield* send(name, msg);
  },
});

const withPartition = ([opts]: Term[], p: number): Term[] => [[t('partition', p), ...(opts as Term[])]];

function* startPs(opts: PartitionSupervisor.PartitionSupervisorOptions): Op<Term> {
  yield* trapExit(true);
  const r = (yield* PartitionSupervisor.startLink(opts)) as Term[];
  if (r[0] !== 'ok') throw new Error(`start failed: ${format(r)}`);
  return r[1]!;
}

function* raised(body: () => Op<unknown>): Op<Term> {
  try {
    yield* body();
    return 'no raise';
  } catch (e) {
    const c = caught(e);
    if (c.kind === 'exit') return t('exit', c.reason);
    // As `rescue` sees it: a VM :function_clause / :undef as the struct naming the function.
    const err = c.kind === 'error' ? (rescued(e) ?? c.error) : c.value;
    if (err && typeof err === 'object' && '__struct__' in (err as TermObject)) {
      const s = err as TermObject;
      return t(s['__struct__']!, s['message'] !== undefined && s['message'] !== 'nil' ? s['message']! : s['function'] ?? 'nil');
    }
    return t('error', err);
  }
}

const partitionOf = function* (name: Term, key: Term): Op<Term> {
  const state = (yield* GenServer.call(PartitionSupervisor.via(name, key), 'get')) as Term[];
  return (state.find((kv) => (kv as Term[])[0] === 'partition') as Term[])[1]!;
};

describe('§11 PartitionSupervisor', () => {
  for (const semantics of both) {
    it(`rule 100 / 76: option checks raise in the caller; only auto_shutdown :never (HEAD) (${semantics})`, () => {
      const out = same(traceRuns(function* () {
        yield* note(yield* raised(() => PartitionSupervisor.startLink({ childSpec: PW })));
        yield* note(yield* raised(() => PartitionSupervisor.startLink({ name: 'ps' })));
        yield* note(yield* raised(() => PartitionSupervisor.startLink({ name: 'ps', childSpec: PW, partitions: 0 })));
        yield* note(yield* raised(() => PartitionSupervisor.startLink({ name: 'ps', childSpec: PW, partitions: 'x' })));
        yield* note(yield* raised(() => PartitionSupervisor.startLink({ name: 'ps', childSpec: PW, withArguments: ((a: Term[]) => a) as never })));
        yield* note(yield* raised(() => PartitionSupervisor.startLink({ name: 'ps', childSpec: PW, withArguments: (_a, _p) => 'nope' })));
        yield* note(yield* raised(() => PartitionSupervisor.startLink({ name: 'ps2', childSpec: PW, autoShutdown: 'any_significant' })));
      }, { semantics, seeds: 3, progress: false }));
      expect(out.slice(0, 6)).toEqual([
        '{ArgumentError, "the :name option must be given to PartitionSupervisor"}',
        '{ArgumentError, "the :child_spec option must be given to PartitionSupervisor"}',
        '{ArgumentError, "the :partitions option must be a positive integer, got: 0"}',
        '{ArgumentError, "the :partitions option must be a positive integer, got: :x"}',
        expect.stringMatching(/^\{ArgumentError, "the :with_arguments option must be a function that receives two arguments, the current call arguments and the partition, got: #Function</),
        '{RuntimeError, "the call to the function in :with_arguments must return a list, got: :nope"}',
      ]);
      expect(out[6]).toBe(semantics === 'current' ? '{ArgumentError, "the :auto_shutdown option must be :never, got: :any_significant"}' : 'no raise');
    });
  }

  it('rule 100 / 7.2: defaults: partitions = schedulers_online (2 on the simulated machine), one_for_one, 3 restarts in 5 s', () => {
    const runs = traceRuns(function* () {
      const ps = yield* startPs({ name: 'ps', childSpec: t(PW, []) });
      yield* note(yield* PartitionSupervisor.partitions('ps'));
      yield* note(yield* Supervisor.countChildren('ps'));
      for (let i = 0; i < 4; i++) {
        const p = (yield* GenServer.whereis(PartitionSupervisor.via('ps', 0)))!;
        yield* exitSignal(p, 'kill');
        if (i === 3) break;
        for (;;) {
          const kids = (yield* PartitionSupervisor.whichChildren('ps')) as Term[][];
          const zero = kids.find((k) => k[0] === 0)!;
          if (zero[1] instanceof Pid && zero[1].id !== p.id) break;
        }
      }
      yield* note((yield* receive(match.exit(ps as Pid)))[2]!);
    }, { progress: false });
    expect(same(runs)).toEqual([
      '2',
      '%{active: 2, specs: 2, supervisors: 0, workers: 2}',
      '{:child_terminated, :killed, 0, PID}',
      '{:child_terminated, :killed, 0, PID}',
      '{:child_terminated, :killed, 0, PID}',
      '{:child_terminated, :killed, 0, PID}',
      '{:shutdown, :reached_max_restart_intensity, 0, PID}',
      ':shutdown',
    ]);
  });

  for (const semantics of both) {
    it(`rule 101 / e9: partition specs: id = partition, start through PartitionSupervisor.start_child, with_arguments (${semantics})`, () => {
      const runs = traceRuns(function* () {
        yield* startPs({ childSpec: t(PW, [t('x', 1)]), name: 'MyPS', partitions: 4, withArguments: withPartition });
        yield* note(yield* Supervisor.getChildspec('MyPS', 2));
        yield* note(yield* PartitionSupervisor.whichChildren('MyPS'));
      }, { semantics, progress: false });
      const nameArg = semantics === 'otp25' ? ':MyPS, ' : '';
      expect(same(runs)).toEqual([
        `{:ok, %{id: 2, modules: [PW], restart: :permanent, shutdown: 5000, significant: false, start: {PartitionSupervisor, :start_child, [PW, :start_link, [[partition: 2, x: 1]], ${nameArg}2]}, type: :worker}}`,
        '[{3, PID, :worker, [PW]}, {2, PID, :worker, [PW]}, {1, PID, :worker, [PW]}, {0, PID, :worker, [PW]}]',
      ]);
    });
  }

  it('rule 101: restart, shutdown and type of the child spec are kept; modules default to [m]', () => {
    const runs = traceRuns(function* () {
      const spec = { id: 'ignored', start: t(PW, 'start_link', [[]]), restart: 'transient', shutdown: 77, type: 'supervisor', modules: ['Elixir.Other'] };
      yield* startPs({ childSpec: spec, name: 'ps', partitions: 1 });
      yield* note(yield* Supervisor.getChildspec('ps', 0));
    }, { progress: false });
    expect(same(runs)).toEqual([
      '{:ok, %{id: 0, modules: [Other], restart: :transient, shutdown: 77, significant: false, start: {PartitionSupervisor, :start_child, [PW, :start_link, [[]], 0]}, type: :supervisor}}',
    ]);
  });

  it('rule 102: only {:ok, pid} results are recorded; an :ignore partition has no row and its lookup raises', () => {
    const Maybe = new ErlModule('Elixir.Maybe', {
      *start_link(p: number): Op<Term> {
        return p === 1 ? 'ignore' : yield* GenServer.startLink(PW, [t('partition', p)]);
      },
    });
    const runs = traceRuns(function* () {
      yield* startPs({ childSpec: { id: 'm', start: t(Maybe, 'start_link', [0]) }, name: 'ps', partitions: 2, withArguments: (_a, p) => [p] });
      yield* note(yield* PartitionSupervisor.whichChildren('ps'));
      yield* note(yield* partitionOf('ps', 0));
      yield* note(yield* raised(() => GenServer.whereis(PartitionSupervisor.via('ps', 1))));
      const Failing = new ErlModule('Elixir.Failing', { start_link: () => t('error', 'nope') });
      yield* note(yield* PartitionSupervisor.startLink({ childSpec: { id: 'f', start: t(Failing, 'start_link', []) }, name: 'ps3', partitions: 2 }));
    }, { progress: false });
    expect(same(runs).filter((l) => !l.startsWith('{:start_error'))).toEqual([
      '[{1, :undefined, :worker, [Maybe]}, {0, PID, :worker, [Maybe]}]',
      '0',
      '{:error, :badarg}',
      '{:error, {:shutdown, {:failed_to_start_child, 0, :nope}}}',
    ]);
  });

  it('rule 103 / 7.1: routing: rem(abs(k), n) for integers, phash2(k, n) otherwise (measured values, 4 partitions)', () => {
    const keys: Term[] = [0, 1, 4, 5, 7, -5, -6, -7, 'a', bin('a'), bin('hello'), 'nil', 1.5, t(1, 2)];
    const runs = traceRuns(function* () {
      yield* startPs({ childSpec: t(PW, []), name: 'ps', partitions: 4, withArguments: (_a, p) => [[t('partition', p)]] });
      for (const k of keys) yield* note(t(k, yield* partitionOf('ps', k)));
    }, { progress: false });
    expect(same(runs)).toEqual([
      '{0, 0}', '{1, 1}', '{4, 0}', '{5, 1}', '{7, 3}', '{-5, 1}', '{-6, 2}', '{-7, 3}',
      '{:a, 1}', '{"a", 3}', '{"hello", 3}', '{nil, 0}', '{1.5, 3}', '{{1, 2}, 2}',
    ]);
    expect([phash2('a', 4), phash2(bin('a'), 4), phash2(bin('hello'), 4), phash2('nil', 4), phash2(1.5, 4)]).toEqual([1, 3, 3, 0, 3]);
    expect(PartitionSupervisor.partitionOf(12345678901234567890n, 7)).toBe(Number(12345678901234567890n % 7n));
  });

  for (const semantics of both) {
    it(`rule 103 / e9: the lookup reads the recorded pid: new after a restart, stale and dead after terminate_child (${semantics})`, () => {
      const runs = traceRuns(function* () {
        yield* startPs({ childSpec: t(PW, []), name: 'MyPS', partitions: 4 });
        const p1 = (yield* GenServer.whereis(PartitionSupervisor.via('MyPS', 1)))!;
        yield* exitSignal(p1, 'kill');
        for (;;) {
          const p = (yield* GenServer.whereis(PartitionSupervisor.via('MyPS', 1)))!;
          if (p.id !== p1.id) break;
        }
        const p1b = (yield* GenServer.whereis(PartitionSupervisor.via('MyPS', 1)))!;
        yield* note(t('after_restart_alive', (yield* GenServer.call(p1b, 'ping')) === 'ping'));
        yield* note(yield* Supervisor.terminateChild('MyPS', 1));
        const p1c = (yield* GenServer.whereis(PartitionSupervisor.via('MyPS', 1)))!;
        yield* note(t('stale', p1c.id === p1b.id));
        const ref = yield* monitor(p1c);
        yield* note((yield* receive(match.down(ref)))[4]!);
      }, { semantics, progress: false });
      expect(same(runs)).toEqual(['{:child_terminated, :killed, 1, PID}', '{:after_restart_alive, true}', ':ok', '{:stale, true}', ':noproc']);
    });
  }

  for (const semantics of both) {
    it(`rule 104: an atom name gets a named ETS table: :public {:partitions, n, n} (HEAD) or :protected {:partitions, n} (1.14) (${semantics})`, () => {
      const runs = traceRuns(function* () {
        yield* startPs({ childSpec: t(PW, []), name: 'MyPS', partitions: 2 });
        yield* note(yield* Ets.lookup('MyPS', 'partitions'));
        yield* note(yield* raised(() => Ets.insert('MyPS', t('other', 1))));
      }, { semantics, progress: false });
      expect(same(runs)).toEqual(
        semantics === 'current' ? ['[{:partitions, 2, 2}]', 'no raise'] : ['[partitions: 2]', '{:error, :badarg}'],
      );
    });
  }

  for (const semantics of both) {
    it(`rule 104 / E4: via names: HEAD routes to the restarted partition; Elixir 1.14 keeps returning the dead original pid (${semantics})`, () => {
      const runs = traceRuns(function* () {
        const name = t('via', LocalVia, 'vps');
        yield* startPs({ childSpec: t(PW, []), name, partitions: 2 });
        const a = (yield* GenServer.whereis(PartitionSupervisor.via(name, 0)))!;
        yield* exitSignal(a, 'kill');
        for (;;) {
          const kids = (yield* Supervisor.whichChildren(name)) as Term[][];
          const k0 = kids.find((k) => k[0] === 0)!;
          if (k0[1] instanceof Pid && k0[1].id !== a.id) break;
        }
        const b = (yield* GenServer.whereis(PartitionSupervisor.via(name, 0)))!;
        yield* note(t('same_as_dead_original', b.id === a.id));
        yield* note(yield* PartitionSupervisor.partitions(name));
      }, { semantics, progress: false });
      expect(same(runs)).toEqual(['{:child_terminated, :killed, 0, PID}', `{:same_as_dead_original, ${semantics === 'otp25'}}`, '2']);
    });
  }

  for (const semantics of both) {
    it(`rule 105 / E6: which_children highest first; count_children and stop with a via name raise in 1.14 (${semantics})`, () => {
      const runs = traceRuns(function* () {
        const name = t('via', LocalVia, 'vps');
        yield* startPs({ childSpec: t(PW, []), name, partitions: 2 });
        yield* note(yield* PartitionSupervisor.whichChildren(name));
        yield* note(yield* raised(() => PartitionSupervisor.countChildren(name)));
        yield* note(yield* raised(() => PartitionSupervisor.stop(name)));
        yield* note(yield* raised(() => PartitionSupervisor.whichChildren(42)));
      }, { semantics, progress: false });
      const current = semantics === 'current';
      expect(same(runs).filter((l) => !l.startsWith('{:terminate'))).toEqual([
        '[{1, PID, :worker, [PW]}, {0, PID, :worker, [PW]}]',
        current ? 'no raise' : '{FunctionClauseError, :count_children}',
        current ? 'no raise' : '{FunctionClauseError, :stop}',
        '{FunctionClauseError, :which_children}',
      ]);
    });
  }

  for (const semantics of both) {
    it(`rule 106 / E5: child_spec/1: id from the name (via: third element), default PartitionSupervisor (HEAD) or DynamicSupervisor (1.14) (${semantics})`, () => {
      const out = same(traceRuns(function* () {
        yield* note(yield* PartitionSupervisor.childSpecFor({ name: 'MyPS2', childSpec: PW }));
        yield* note(yield* PartitionSupervisor.childSpecFor({ childSpec: PW }));
        yield* note(yield* PartitionSupervisor.childSpecFor({ name: t('via', LocalVia, 'vn'), childSpec: PW }));
      }, { semantics, seeds: 2 }));
      expect(out).toEqual([
        '%{id: :MyPS2, start: {PartitionSupervisor, :start_link, [[name: :MyPS2, child_spec: PW]]}, type: :supervisor}',
        `%{id: ${semantics === 'current' ? 'PartitionSupervisor' : 'DynamicSupervisor'}, start: {PartitionSupervisor, :start_link, [[child_spec: PW]]}, type: :supervisor}`,
        '%{id: :vn, start: {PartitionSupervisor, :start_link, [[name: {:via, LocalVia, :vn}, child_spec: PW]]}, type: :supervisor}',
      ]);
    });
  }

  it('rule 106: a PartitionSupervisor started as a child of a Supervisor through its child_spec', () => {
    const runs = traceRuns(function* () {
      yield* trapExit(true);
      const [, sup] = (yield* Supervisor.startLink([t(PartitionSupervisor.MODULE, [t('name', 'inner'), t('child_spec', PW), t('partitions', 2)])], { strategy: 'one_for_one' })) as Term[];
      yield* note(yield* Supervisor.whichChildren(sup!));
      yield* note(yield* PartitionSupervisor.partitions('inner'));
    }, { progress: false });
    expect(same(runs)).toEqual(['[{:inner, PID, :supervisor, [PartitionSupervisor]}]', '2']);
  });

  for (const semantics of both) {
    it(`rule 107 / 7.4 / E7: resize!/2 stops and restarts partitions (HEAD); zero partitions raise on routing; absent in 1.14 (${semantics})`, () => {
      const runs = traceRuns(function* () {
        yield* startPs({ childSpec: t(PW, []), name: 'ps', partitions: 3 });
        yield* note(yield* raised(() => PartitionSupervisor.resize('ps', 1)));
        if (semantics === 'otp25') return;
        yield* note(yield* PartitionSupervisor.whichChildren('ps'));
        yield* note(yield* PartitionSupervisor.partitions('ps'));
        yield* note(yield* PartitionSupervisor.resize('ps', 0));
        yield* note(yield* raised(() => GenServer.whereis(PartitionSupervisor.via('ps', 5))));
        yield* note(yield* PartitionSupervisor.resize('ps', 3));
        yield* note(yield* PartitionSupervisor.partitions('ps'));
        yield* note(yield* raised(() => PartitionSupervisor.resize('ps', 4)));
      }, { semantics, progress: false });
      const out = same(runs).filter((l) => !l.startsWith('{:terminate'));
      if (semantics === 'otp25') {
        expect(out).toEqual(['{UndefinedFunctionError, :resize!}']);
        return;
      }
      expect(out).toEqual([
        'no raise',
        '[{2, :undefined, :worker, [PW]}, {1, :undefined, :worker, [PW]}, {0, PID, :worker, [PW]}]',
        '1',
        '1',
        '{ArgumentError, "PartitionSupervisor :ps has zero partitions"}',
        '0',
        '3',
        '{ArgumentError, "the number of partitions to resize to must be a number between 0 and 3, got: 4"}',
      ]);
    });
  }
});

describe('processes.md §7', () => {
  for (const semantics of both) {
    it(`7.3: register_name raises; starting a server under {:via, PartitionSupervisor, …} returns {:error, {:already_started, partition_pid}} (${semantics})`, () => {
      const runs = traceRuns(function* () {
        yield* startPs({ childSpec: t(PW, []), name: 'ps', partitions: 2 });
        const target = (yield* GenServer.whereis(PartitionSupervisor.via('ps', 1)))!;
        const r = (yield* GenServer.start(PW, [], { name: PartitionSupervisor.via('ps', 1) })) as Term[];
        yield* note(t(r[0]!, ((r[1] as Term[])[1] as Pid).id === target.id));
        yield* note(yield* raised(function* () {
          return PartitionSupervisor.MODULE.exports['register_name']!(t('ps', 1), target);
        }));
        yield* note(yield* raised(function* () {
          return yield* (PartitionSupervisor.MODULE.exports['unregister_name']!(t('ps', 1)) as Op<Term>);
        }));
      }, { semantics, progress: false });
      expect(same(runs)).toEqual([
        '{:error, true}',
        '{RuntimeError, "{:via, PartitionSupervisor, _} cannot be given on registration"}',
        semantics === 'current' ? '{RuntimeError, "{:via, PartitionSupervisor, _} cannot be given on unregistration"}' : '{UndefinedFunctionError, :unregister_name}',
      ]);
    });
  }

  it('7.1: send/2 through the via name reaches the partition; GenServer.cast/call route the same way', () => {
    const runs = traceRuns(function* () {
      yield* startPs({ childSpec: t(PW, []), name: 'ps', partitions: 3, withArguments: (_a, p) => [[t('partition', p)]] });
      yield* note(yield* GenServer.call(PartitionSupervisor.via('ps', 'key'), 'get'));
      yield* note(phash2('key', 3));
    }, { progress: false });
    const out = same(runs);
    expect(out[0]).toBe(`[partition: ${out[1]}]`);
  });

  for (const semantics of both) {
    // Measured on Elixir 1.14 / OTP 25 and Elixir 1.18 / OTP 27 (p5.exs): GenServer.cast through
    // {:via, PartitionSupervisor, {name, key}} goes through PartitionSupervisor.send/2 and reaches
    // partition rem(abs(-4), 3) = 1; with a via-named supervisor whose partition 1 returned :ignore,
    // whereis gives nil in 1.14 (Registry.values → :undefined) but raises ArgumentError in 1.18;
    // partitions/1 and routing on a via name that is not running exit {:noproc, {PartitionSupervisor, :partitions, [name]}}.
    it(`7.1 / rule 102 / 103: cast routes through send/2; an ignored partition under a via name; a via name not running exits :noproc (${semantics})`, () => {
      const PC = GenServer.defmodule('PC', {
        init: (opts) => t('ok', opts),
        handleCast: (m, s) => t('noreply', [t('got', m), ...(s as Term[])]),
        handleCall: (req, _from, s) => (req === 'get' ? t('reply', s, s) : t('reply', req, s)),
      });
      const MaybePC = new ErlModule('Elixir.MaybePC', {
        *start_link(opts: Term[]): Op<Term> {
          const get = (k: string) => (opts.find((kv) => (kv as Term[])[0] === k) as Term[] | undefined)?.[1];
          return get('partition') === 1 && get('ign') === true ? 'ignore' : yield* GenServer.startLink(PC, opts);
        },
        child_spec: (opts: Term) => ({ id: 'Elixir.MaybePC', start: t(MaybePC, 'start_link', [opts]) }),
      });
      const runs = traceRuns(function* () {
        yield* startPs({ childSpec: t(MaybePC, []), name: 'ps', partitions: 3, withArguments: withPartition });
        yield* note(t('cast', yield* GenServer.cast(PartitionSupervisor.via('ps', -4), 'hello')));
        yield* note(t('p1', yield* GenServer.call(PartitionSupervisor.via('ps', 1), 'get')));
        yield* note(t('p0', yield* GenServer.call(PartitionSupervisor.via('ps', 0), 'get')));
        const name = t('via', LocalVia, 'vps');
        yield* startPs({ childSpec: t(MaybePC, [t('ign', true)]), name, partitions: 2, withArguments: withPartition });
        let ignored: Term = 'no raise';
        const raisedIgnored = yield* raised(function* () {
          ignored = (yield* GenServer.whereis(PartitionSupervisor.via(name, 1))) ?? 'nil';
        });
        yield* note(t('ignored_via', raisedIgnored === 'no raise' ? ignored : raisedIgnored));
        yield* note(t('cast_via', yield* GenServer.cast(PartitionSupervisor.via(name, 0), 'hi')));
        yield* note(t('p0_via', yield* GenServer.call(PartitionSupervisor.via(name, 0), 'get')));
        const gone = t('via', LocalVia, 'nope');
        yield* note(t('partitions_gone', yield* raised(() => PartitionSupervisor.partitions(gone))));
        yield* note(t('whereis_gone', yield* raised(() => GenServer.whereis(PartitionSupervisor.via(gone, 1)))));
      }, { semantics, progress: false });
      expect(same(runs)).toEqual([
        '{:cast, :ok}',
        '{:p1, [got: :hello, partition: 1]}',
        '{:p0, [partition: 0]}',
        semantics === 'otp25' ? '{:ignored_via, nil}' : '{:ignored_via, {:error, :badarg}}',
        '{:cast_via, :ok}',
        '{:p0_via, [got: :hi, partition: 0, ign: true]}',
        '{:partitions_gone, {:exit, {:noproc, {PartitionSupervisor, :partitions, [{:via, LocalVia, :nope}]}}}}',
        '{:whereis_gone, {:exit, {:noproc, {PartitionSupervisor, :partitions, [{:via, LocalVia, :nope}]}}}}',
      ]);
    });
  }

  it('a stopped PartitionSupervisor: partitions/1 exits {:noproc, {PartitionSupervisor, :partitions, [name]}}', () => {
    const runs = traceRuns(function* () {
      yield* startPs({ childSpec: t(PW, []), name: 'ps', partitions: 2 });
      yield* note(yield* PartitionSupervisor.stop('ps'));
      yield* note(yield* raised(() => PartitionSupervisor.partitions('ps')));
    }, { progress: false });
    expect(same(runs)).toEqual([':ok', '{:exit, {:noproc, {PartitionSupervisor, :partitions, [:ps]}}}']);
  });
});


