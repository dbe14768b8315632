/**
 * supervision.md §1 (child specifications, rules 1-20) and §2 (flags, rules 21-27). Expected values
 * are the [V] outcomes of probes/supervision/e6.exs, e11.exs and the Elixir 1.14 probe in the
 * final report.
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
  processInfo,
  receive,
  run,
  self,
  sleep,
  t,
  trapExit,
  type Op,
  type Term,
  type TermObject,
} from '../../src/index.js';
import * as DynamicSupervisor from '../../src/otp/DynamicSupervisor.js';
import * as Supervisor from '../../src/otp/Supervisor.js';
import { W, awaitNewPid, both, ch, note, pidOf, same, traceRuns, type Profile } from './supervisor.helpers.js';

/** A callback module whose init/1 returns `{:ok, arg}` (probes' RawSup). */
const RawSup = Supervisor.defmodule('RawSup', { init: (arg) => t('ok', arg) });

/** Starts RawSup with `{flags, specs}` from a trapping caller and flushes the EXIT (the probes' `st`). */
function* st(flags: Term, specs: Term[]): Op<Term> {
  yield* trapExit(true);
  const r = yield* Supervisor.startLink(RawSup, t(flags, specs));
  yield* receive(match.exit(), { after: 0 });
  return r;
}

/** The result of each body, printed, under a few seeds (must agree across seeds). */
function results(body: () => Op<Term[]>, semantics: Profile = 'current', seeds = 5): string[] {
  const runs: string[][] = [];
  for (let seed = 0; seed < seeds; seed++) {
    let out: Term[] = [];
    const r = run(function* () {
      out = yield* body();
    }, { seed, semantics });
    if (r.rootExit !== 'normal') throw new Error(`root exited ${format(r.rootExit ?? 'alive')}`);
    runs.push(out.map((x) => format(x).replace(/<0\.\d+\.0>/g, 'PID')));
  }
  return same(runs);
}

/** What a raise inside `body` looks like: `{struct_name, message}`. */
function* raised(body: () => Op<unknown>): Op<Term> {
  try {
    yield* body();
    return 'no raise';
  } catch (e) {
    const c = caught(e);
    if (c.kind !== 'error') return t(c.kind, (c as { reason: Term }).reason);
    const err = c.error as TermObject;
    return t(err['__struct__'] ?? c.error, err['message'] ?? 'nil');
  }
}

const mfa = t(W, 'start_link', [{ id: 'x' }]);

describe('§1.1 fields and defaults', () => {
  it('rule 1: a map spec is merged over %{restart: :permanent, type: :worker}; user keys win', () => {
    const out = results(function* () {
      const [, sup] = (yield* st({}, [ch('a'), ch('b', {}, { restart: 'transient', type: 'worker' })])) as Term[];
      return [yield* Supervisor.getChildspec(sup!, 'a'), yield* Supervisor.getChildspec(sup!, 'b')];
    });
    expect(out[0]).toContain('restart: :permanent');
    expect(out[0]).toContain('type: :worker');
    expect(out[1]).toContain('restart: :transient');
  });

  it('rule 2: :id is required (missing_id) and may be any term', () => {
    const out = results(function* () {
      const missing = yield* st({}, [{ start: mfa }]);
      const [, sup] = (yield* st({}, [ch(t(1, 'x')), ch([1, 2])])) as Term[];
      return [missing, (yield* Supervisor.whichChildren(sup!)).map((c) => (c as Term[])[0]!)];
    });
    expect(out).toEqual(['{:error, {:start_spec, :missing_id}}', '[[1, 2], {1, :x}]']);
  });

  it('rule 3: :start is required and must be {atom, atom, list}', () => {
    const out = results(function* () {
      return [
        yield* st({}, [{ id: 'x' }]),
        yield* st({}, [{ id: 'x', start: t(W, 'start_link') }]),
        yield* st({}, [{ id: 'x', start: t(W, 1, []) }]),
        yield* st({}, [{ id: 'x', start: t(W, 'start_link', 'notalist') }]),
      ];
    });
    expect(out).toEqual([
      '{:error, {:start_spec, :missing_start}}',
      '{:error, {:start_spec, {:invalid_mfa, {W, :start_link}}}}',
      '{:error, {:start_spec, {:invalid_mfa, {W, 1, []}}}}',
      '{:error, {:start_spec, {:invalid_mfa, {W, :start_link, :notalist}}}}',
    ]);
  });

  it('rule 4: restart must be :permanent | :transient | :temporary', () => {
    expect(results(function* () {
      return [yield* st({}, [ch('a', {}, { restart: 'foo' })])];
    })).toEqual(['{:error, {:start_spec, {:invalid_restart_type, :foo}}}']);
  });

  it('rule 5: significant must be a boolean', () => {
    expect(results(function* () {
      return [yield* st({ auto_shutdown: 'any_significant' }, [ch('a', {}, { significant: 'yes', restart: 'temporary' })])];
    })).toEqual(['{:error, {:start_spec, {:invalid_significant, :yes}}}']);
  });

  it('rule 6: type must be :worker | :supervisor', () => {
    expect(results(function* () {
      return [yield* st({}, [ch('a', {}, { type: 'foo' })])];
    })).toEqual(['{:error, {:start_spec, {:invalid_child_type, :foo}}}']);
  });

  it('rule 7: shutdown defaults by final type (5000 / :infinity); 0 is valid, -1 is not', () => {
    const out = results(function* () {
      const [, sup] = (yield* st({}, [ch('w'), ch('s', {}, { type: 'supervisor' }), ch('z', {}, { shutdown: 0 })])) as Term[];
      const specOf = function* (id: string) {
        return ((yield* Supervisor.getChildspec(sup!, id)) as Term[])[1] as TermObject;
      };
      return [(yield* specOf('w'))['shutdown']!, (yield* specOf('s'))['shutdown']!, (yield* specOf('z'))['shutdown']!, yield* st({}, [ch('a', {}, { shutdown: -1 })])];
    });
    expect(out).toEqual(['5000', ':infinity', '0', '{:error, {:start_spec, {:invalid_shutdown, -1}}}']);
  });

  it('rule 8: modules default to [m]; :dynamic or a list of atoms; invalid_modules / invalid_module', () => {
    const out = results(function* () {
      const [, sup] = (yield* st({}, [ch('a'), ch('d', {}, { modules: 'dynamic' })])) as Term[];
      return [
        yield* Supervisor.whichChildren(sup!),
        yield* st({}, [ch('a', {}, { modules: [1] })]),
        yield* st({}, [ch('a', {}, { modules: 'x' })]),
      ];
    });
    expect(out).toEqual([
      '[{:d, PID, :worker, :dynamic}, {:a, PID, :worker, [W]}]',
      '{:error, {:start_spec, {:invalid_module, 1}}}',
      '{:error, {:start_spec, {:invalid_modules, :x}}}',
    ]);
  });

  it('rule 9: the first failing check is reported: id, start, mfa, restart, significant, type, shutdown, modules', () => {
    const bad = { restart: 'r', significant: 's', type: 'ty', shutdown: 'sh', modules: 'mo' };
    const out = results(function* () {
      return [
        yield* st({ auto_shutdown: 'any_significant' }, [{ start: 'nope', ...bad }]),
        yield* st({ auto_shutdown: 'any_significant' }, [{ id: 1, ...bad }]),
        yield* st({ auto_shutdown: 'any_significant' }, [{ id: 1, start: 'nope', ...bad }]),
        yield* st({ auto_shutdown: 'any_significant' }, [{ id: 1, start: mfa, ...bad }]),
        yield* st({ auto_shutdown: 'any_significant' }, [{ id: 1, start: mfa, ...bad, restart: 'temporary' }]),
        yield* st({ auto_shutdown: 'any_significant' }, [{ id: 1, start: mfa, ...bad, restart: 'temporary', significant: false }]),
        yield* st({ auto_shutdown: 'any_significant' }, [{ id: 1, start: mfa, ...bad, restart: 'temporary', significant: false, type: 'worker' }]),
        yield* st({ auto_shutdown: 'any_significant' }, [{ id: 1, start: mfa, ...bad, restart: 'temporary', significant: false, type: 'worker', shutdown: 1 }]),
      ];
    });
    expect(out).toEqual([
      '{:error, {:start_spec, :missing_id}}',
      '{:error, {:start_spec, :missing_start}}',
      '{:error, {:start_spec, {:invalid_mfa, :nope}}}',
      '{:error, {:start_spec, {:invalid_restart_type, :r}}}',
      '{:error, {:start_spec, {:invalid_significant, :s}}}',
      '{:error, {:start_spec, {:invalid_child_type, :ty}}}',
      '{:error, {:start_spec, {:invalid_shutdown, :sh}}}',
      '{:error, {:start_spec, {:invalid_modules, :mo}}}',
    ]);
  });

  it('rule 10: a 6-tuple becomes a map with significant: false; any other term is {:invalid_child_spec, term}', () => {
    const out = results(function* () {
      const [, sup] = (yield* st({}, [t('six', mfa, 'transient', 100, 'worker', [W])])) as Term[];
      return [
        yield* Supervisor.getChildspec(sup!, 'six'),
        yield* st({}, ['not_a_spec']),
        yield* st({}, [t('six', mfa, 'transient', 100, 'worker')]),
        yield* st({}, [t('six', mfa, 'bad', 100, 'worker', [W])]),
      ];
    });
    expect(out).toEqual([
      '{:ok, %{id: :six, modules: [W], restart: :transient, shutdown: 100, significant: false, start: {W, :start_link, [%{id: :x}]}, type: :worker}}',
      '{:error, {:start_spec, {:invalid_child_spec, :not_a_spec}}}',
      '{:error, {:start_spec, {:invalid_child_spec, {:six, {W, :start_link, [%{id: :x}]}, :transient, 100, :worker}}}}',
      '{:error, {:start_spec, {:invalid_restart_type, :bad}}}',
    ]);
  });

  it('rule 11: duplicate ids: the second occurrence in list order triggers {:duplicate_child_name, id}', () => {
    const out = results(function* () {
      return [yield* st({}, [ch('a'), ch('a')]), yield* st({}, [ch('a'), ch('b'), ch('b'), ch('a')])];
    });
    expect(out).toEqual(['{:error, {:start_spec, {:duplicate_child_name, :a}}}', '{:error, {:start_spec, {:duplicate_child_name, :b}}}']);
  });

  it('rule 12: get_childspec has all 7 keys; a temporary child from start_child keeps start {m, f, :undefined}', () => {
    const out = results(function* () {
      const [, sup] = (yield* st({}, [])) as Term[];
      yield* Supervisor.startChild(sup!, ch('tmp', {}, { restart: 'temporary' }));
      return [yield* Supervisor.getChildspec(sup!, 'tmp'), yield* Supervisor.getChildspec(sup!, 'nope')];
    });
    expect(out).toEqual([
      '{:ok, %{id: :tmp, modules: [W], restart: :temporary, shutdown: 5000, significant: false, start: {W, :start_link, :undefined}, type: :worker}}',
      '{:error, :not_found}',
    ]);
  });
});

describe('§1.2 where the errors surface', () => {
  for (const semantics of both) {
    it(`rule 13: a spec error at init returns {:error, {:start_spec, e}} and the supervisor exits with it (${semantics})`, () => {
      const out = results(function* () {
        yield* trapExit(true);
        const r = yield* Supervisor.startLink(RawSup, t({}, [ch('a'), ch('a')]));
        yield* sleep(5);
        return [r, (yield* processInfo(yield* self(), 'messages'))!];
      }, semantics);
      // D1: OTP 25 leaves the supervisor's EXIT (same reason) in the trapping caller's mailbox.
      const exitMsg = semantics === 'otp25' ? '[{:EXIT, PID, {:start_spec, {:duplicate_child_name, :a}}}]' : '[]';
      expect(out).toEqual(['{:error, {:start_spec, {:duplicate_child_name, :a}}}', exitMsg]);
    });
  }

  it('rule 14: start_child with a bad spec returns {:error, e} without :start_spec; the supervisor keeps running', () => {
    const out = results(function* () {
      const [, sup] = (yield* st({}, [ch('a')])) as Term[];
      return [yield* Supervisor.startChild(sup!, ch('b', {}, { restart: 'foo' })), (yield* Supervisor.whichChildren(sup!)).length];
    });
    expect(out).toEqual(['{:error, {:invalid_restart_type, :foo}}', '1']);
  });

  it('rule 15: check_childspecs/1,2: :undefined skips the auto_shutdown check only; badarg for non-lists', () => {
    const sig = { id: 1, start: mfa, significant: true };
    expect(format(Supervisor.checkChildspecs([{ ...sig, restart: 'transient' }]))).toBe(':ok');
    expect(format(Supervisor.checkChildspecs([sig]))).toBe('{:error, {:bad_combination, [restart: :permanent, significant: true]}}');
    expect(format(Supervisor.checkChildspecs([{ ...sig, restart: 'transient' }], 'never'))).toBe('{:error, {:bad_combination, [auto_shutdown: :never, significant: true]}}');
    expect(format(Supervisor.checkChildspecs('x'))).toBe('{:error, {:badarg, :x}}');
    expect(format(Supervisor.checkChildspecs([], 'foo'))).toBe('{:error, {:badarg, :foo}}');
    expect(format(Supervisor.checkChildspecs([ch('a'), ch('a')]))).toBe('{:error, {:duplicate_child_name, :a}}');
  });
});

describe('§1.3 Elixir front end', () => {
  const NoChildSpec = new ErlModule('Elixir.NoChildSpec', {});

  for (const semantics of both) {
    it(`rule 16: start_link(children, opts) raises in the caller for no :strategy, a bad child form, a module without child_spec/1 (${semantics})`, () => {
      const dot = semantics === 'otp25' ? '.' : '';
      const out = results(function* () {
        return [
          yield* raised(() => Supervisor.startLink([ch('a')], {})),
          yield* raised(() => Supervisor.startLink([t(1, 2)], { strategy: 'one_for_one' })),
          yield* raised(() => Supervisor.startLink(['Elixir.NoSuch'], { strategy: 'one_for_one' })),
          yield* raised(() => Supervisor.startLink([NoChildSpec], { strategy: 'one_for_one' })),
        ];
      }, semantics);
      expect(out[0]).toBe('{ArgumentError, "expected :strategy option to be given"}');
      expect(out[1]).toBe(
        '{ArgumentError, "supervisors expect each child to be one of the following:\\n\\n  * a module\\n  * a {module, arg} tuple\\n  * a child specification as a map with at least the :id and :start fields\\n  * or a tuple with 6 elements generated by Supervisor.Spec (deprecated)\\n\\nGot: {1, 2}\\n"}',
      );
      expect(out[2]).toBe(`{ArgumentError, "The module NoSuch was given as a child to a supervisor but it does not exist${dot}"}`);
      expect(out[3]).toContain('The module NoChildSpec was given as a child to a supervisor\\nbut it does not implement child_spec/1.');
      expect(out[3]).toContain(`See the Supervisor documentation for more information${dot}\\n"}`);
    });
  }

  it('rule 16: nothing is spawned when the caller raises', () => {
    const r = run(function* () {
      try {
        yield* Supervisor.startLink([ch('a')], {});
      } catch {
        // expected
      }
    });
    expect(r.trace.filter((e) => e.k === 'spawn').length).toBe(1);
  });

  it('rule 17: Mod → Mod.child_spec([]); {Mod, arg} → Mod.child_spec(arg); maps and 6-tuples pass through', () => {
    const Mod = new ErlModule('Elixir.Mod', { child_spec: (arg: Term) => ({ id: t('mod', arg), start: mfa }) });
    const six = t('six', mfa, 'permanent', 5000, 'worker', [W]);
    const out = results(function* () {
      const r = (yield* Supervisor.init([Mod, t(Mod, 7), { id: 'm', start: mfa }, six], { strategy: 'one_for_one' })) as Term[];
      return ((r[1] as Term[])[1] as Term[]).map((s) => s);
    });
    expect(out).toEqual([
      '%{id: {:mod, []}, start: {W, :start_link, [%{id: :x}]}}',
      '%{id: {:mod, 7}, start: {W, :start_link, [%{id: :x}]}}',
      '%{id: :m, start: {W, :start_link, [%{id: :x}]}}',
      '{:six, {W, :start_link, [%{id: :x}]}, :permanent, 5000, :worker, [W]}',
    ]);
  });

  for (const semantics of both) {
    it(`rule 18: child_spec/2 overrides: allowed keys, unknown keys raise, :significant only from 1.15, 6-tuples raise (${semantics})`, () => {
      const out = results(function* () {
        return [
          yield* Supervisor.childSpec(ch('a'), { id: 'b', restart: 'temporary', shutdown: 1, type: 'supervisor', modules: [], start: mfa }),
          yield* raised(() => Supervisor.childSpec(ch('a'), { foo: 1, bar: 2 })),
          yield* raised(() => Supervisor.childSpec(ch('a'), { significant: true })),
          yield* raised(() => Supervisor.childSpec(t(1, 2, 3, 4, 5, 6), {})),
        ];
      }, semantics);
      expect(out[0]).toBe('%{id: :b, start: {W, :start_link, [%{id: :x}]}, restart: :temporary, shutdown: 1, type: :supervisor, modules: []}');
      expect(out[1]).toBe('{ArgumentError, "unknown key :foo in child specification override"}');
      expect(out[2]).toBe(semantics === 'otp25' ? '{ArgumentError, "unknown key :significant in child specification override"}' : ':"no raise"');
      expect(out[3]).toBe('{ArgumentError, "old tuple-based child specification {1, 2, 3, 4, 5, 6} is not supported in Supervisor.child_spec/2"}');
    });
  }

  it('rule 19: `use` defaults: GenServer id = module, start {mod, :start_link, [arg]}; Supervisor/DynamicSupervisor add type :supervisor (shutdown :infinity)', () => {
    const G = GenServer.defmodule('G', { init: (a) => t('ok', a) });
    const S = Supervisor.defmodule('S', { init: () => Supervisor.init([], { strategy: 'one_for_one' }) });
    const D = DynamicSupervisor.defmodule('D', { init: () => DynamicSupervisor.init({}) });
    const out = results(function* () {
      const [, sup] = (yield* Supervisor.startLink([t(G, 1), t(S, 2), t(D, 3)], { strategy: 'one_for_one' })) as Term[];
      return [yield* Supervisor.getChildspec(sup!, G), yield* Supervisor.getChildspec(sup!, S), yield* Supervisor.getChildspec(sup!, D)];
    });
    expect(out).toEqual([
      '{:ok, %{id: G, modules: [G], restart: :permanent, shutdown: 5000, significant: false, start: {G, :start_link, [1]}, type: :worker}}',
      '{:ok, %{id: S, modules: [S], restart: :permanent, shutdown: :infinity, significant: false, start: {S, :start_link, [2]}, type: :supervisor}}',
      '{:ok, %{id: D, modules: [D], restart: :permanent, shutdown: :infinity, significant: false, start: {D, :start_link, [3]}, type: :supervisor}}',
    ]);
  });

  it('rule 20: Supervisor.Spec builds 6-tuples; supervise/2 rejects duplicate ids and defaults to {strategy, 3, 5}', () => {
    const GenEvent = 'Elixir.GenEvent';
    expect(format(Supervisor.Spec.worker(W, [1]))).toBe('{W, {W, :start_link, [1]}, :permanent, 5000, :worker, [W]}');
    expect(format(Supervisor.Spec.supervisor(W, [1], { id: 'x', function: 'go' }))).toBe('{:x, {W, :go, [1]}, :permanent, :infinity, :supervisor, [W]}');
    expect(format(Supervisor.Spec.worker(GenEvent, []))).toBe('{GenEvent, {GenEvent, :start_link, []}, :permanent, 5000, :worker, :dynamic}');
    const w = Supervisor.Spec.worker(W, []);
    expect(format(Supervisor.Spec.supervise([w], { strategy: 'one_for_all' }))).toBe(
      '{:ok, {{:one_for_all, 3, 5}, [{W, {W, :start_link, []}, :permanent, 5000, :worker, [W]}]}}',
    );
    let message = '';
    try {
      Supervisor.Spec.supervise([w, w], { strategy: 'one_for_one' });
    } catch (e) {
      message = format(((caught(e) as { error: Term }).error as TermObject)['message']!);
    }
    expect(message).toBe('"duplicate ID W found in the supervisor specification, please explicitly pass the :id option when defining this worker/supervisor"');
  });

  // Measured on Elixir 1.14 / OTP 25 and Elixir 1.18 / OTP 27 (p6.exs): the same two ArgumentError messages.
  it('rule 20: Supervisor.Spec.supervise/2 without :strategy, or given a map child spec, raises ArgumentError', () => {
    const messageOf = (f: () => unknown): Term => {
      try {
        f();
        return 'no raise';
      } catch (e) {
        const err = (caught(e) as { error: Term }).error as TermObject;
        return t(err['__struct__']!, err['message']!);
      }
    };
    expect(format(messageOf(() => Supervisor.Spec.supervise([], {})))).toBe('{ArgumentError, "expected :strategy option to be given"}');
    expect(format(messageOf(() => Supervisor.Spec.supervise([{ id: 'a', start: t('Elixir.M', 'f', []) }], { strategy: 'one_for_one' })))).toBe(
      '{ArgumentError, "invalid tuple specification given to supervise/2. If you are trying to use the map child specification that is part of the Elixir v1.5, use Supervisor.init/2 instead of Supervisor.Spec.supervise/2. See the Supervisor module for more information. Got: %{id: :a, start: {M, :f, []}}"}',
    );
  });

  // Measured on Elixir 1.14 / OTP 25 and Elixir 1.18 / OTP 27 (p6.exs).
  it('rule 83: :supervisor.get_childspec/2 on a name nobody holds exits {:noproc, {:gen_server, :call, [name, req, :infinity]}}', () => {
    const r = run(function* () {
      try {
        yield* Supervisor.getChildspec('nope', 'a');
        yield* note('no exit');
      } catch (e) {
        const c = caught(e);
        yield* note(c.kind === 'exit' ? c.reason : 'other');
      }
    });
    const notes = r.trace.filter((e) => e.k === 'report' && e.name === 'user').map((e) => format((e as { data: Term }).data));
    expect(notes).toEqual(['{:noproc, {:gen_server, :call, [:nope, {:get_childspec, :a}, :infinity]}}']);
  });
});

describe('§2 supervisor flags', () => {
  it('rule 21: Erlang defaults are one_for_one, intensity 1, period 5, auto_shutdown :never', () => {
    const runs = traceRuns(function* () {
      const [, sup] = (yield* st({}, [ch('a'), ch('b')])) as Term[];
      const b = yield* pidOf(sup!, 'b');
      const a = yield* pidOf(sup!, 'a');
      yield* exitSignal(a, 'kill');
      const a2 = yield* awaitNewPid(sup!, 'a', a);
      yield* note(t('b_untouched', b.id === (yield* pidOf(sup!, 'b')).id)); // one_for_one
      yield* exitSignal(a2, 'kill'); // a second restart within 5 s exceeds intensity 1
      yield* note((yield* receive(match.exit(sup as Pid)))[2]!);
    }, { progress: false });
    expect(same(runs)).toEqual([
      '{:start_called, :a}',
      '{:start_called, :b}',
      '{:child_terminated, :killed, :a, PID}',
      '{:start_called, :a}',
      '{:b_untouched, true}',
      '{:child_terminated, :killed, :a, PID}',
      '{:shutdown, :reached_max_restart_intensity, :a, PID}',
      '{:terminate, :b, :shutdown}',
      '{:terminate_end, :b}',
      ':shutdown',
    ]);
    // A significant child is refused: auto_shutdown defaults to :never.
    expect(results(function* () {
      return [yield* st({}, [ch('a', {}, { restart: 'transient', significant: true })])];
    })).toEqual(['{:error, {:start_spec, {:bad_combination, [auto_shutdown: :never, significant: true]}}}']);
  });

  for (const semantics of both) {
    it(`rule 22: Supervisor.init/2 defaults max_restarts 3, max_seconds 5 (+ auto_shutdown :never from 1.15) (${semantics})`, () => {
      const out = results(function* () {
        return [yield* Supervisor.init([], { strategy: 'one_for_one' }), yield* Supervisor.init([], { strategy: 'rest_for_one', maxRestarts: 1, maxSeconds: 2 })];
      }, semantics);
      expect(out).toEqual(
        semantics === 'current'
          ? ['{:ok, {%{auto_shutdown: :never, intensity: 3, period: 5, strategy: :one_for_one}, []}}', '{:ok, {%{auto_shutdown: :never, intensity: 1, period: 2, strategy: :rest_for_one}, []}}']
          : ['{:ok, {%{intensity: 3, period: 5, strategy: :one_for_one}, []}}', '{:ok, {%{intensity: 1, period: 2, strategy: :rest_for_one}, []}}'],
      );
    });
  }

  it('rule 23: OTP checks the flags: {:error, {:supervisor_data, e}}', () => {
    const out = results(function* () {
      return [
        yield* st({ strategy: 'foo' }, []),
        yield* st({ intensity: -1 }, []),
        yield* st({ period: 0 }, []),
        yield* st({ auto_shutdown: 'x' }, []),
        yield* st('foo', []),
        yield* Supervisor.startLink([ch('a')], { strategy: 'one_for_one', maxRestarts: -1 }),
      ];
    });
    expect(out).toEqual([
      '{:error, {:supervisor_data, {:invalid_strategy, :foo}}}',
      '{:error, {:supervisor_data, {:invalid_intensity, -1}}}',
      '{:error, {:supervisor_data, {:invalid_period, 0}}}',
      '{:error, {:supervisor_data, {:invalid_auto_shutdown, :x}}}',
      '{:error, {:supervisor_data, {:invalid_type, :foo}}}',
      '{:error, {:supervisor_data, {:invalid_intensity, -1}}}',
    ]);
  });

  it('rule 24: a {strategy, intensity, period} tuple is accepted and implies auto_shutdown :never', () => {
    const out = results(function* () {
      const ok = yield* st(t('one_for_all', 2, 3), [ch('a')]);
      return [
        (ok as Term[])[0]!,
        yield* st(t('one_for_one', 1, 5), [ch('a', {}, { restart: 'transient', significant: true })]),
        yield* st(t('bogus', 1, 5), []),
      ];
    });
    expect(out).toEqual([
      ':ok',
      '{:error, {:start_spec, {:bad_combination, [auto_shutdown: :never, significant: true]}}}',
      '{:error, {:supervisor_data, {:invalid_strategy, :bogus}}}',
    ]);
  });

  for (const semantics of both) {
    it(`rule 25: init/1 :ignore gives :ignore and a :normal exit; other returns give {:bad_return, {mod, :init, x}} (${semantics})`, () => {
      const Ign = Supervisor.defmodule('Ign', { init: () => 'ignore' });
      const Bad = Supervisor.defmodule('Bad', { init: () => t('ok', 'oops') });
      const out = results(function* () {
        yield* trapExit(true);
        const ignored = yield* Supervisor.startLink(Ign, 0);
        const bad = yield* Supervisor.startLink(Bad, 0);
        yield* sleep(5);
        return [ignored, bad, (yield* processInfo(yield* self(), 'messages'))!];
      }, semantics);
      expect(out.slice(0, 2)).toEqual([':ignore', '{:error, {:bad_return, {Bad, :init, {:ok, :oops}}}}']);
      expect(out[2]).toBe(semantics === 'otp25' ? '[{:EXIT, PID, :normal}, {:EXIT, PID, {:bad_return, {Bad, :init, {:ok, :oops}}}}]' : '[]');
    });
  }

  it('rule 26: simple_one_for_one needs exactly one spec: {:error, {:bad_start_spec, specs}}', () => {
    const out = results(function* () {
      return [yield* st({ strategy: 'simple_one_for_one' }, []), yield* st({ strategy: 'simple_one_for_one' }, [ch('a'), ch('b')])];
    });
    expect(out[0]).toBe('{:error, {:bad_start_spec, []}}');
    expect(out[1]).toMatch(/^\{:error, \{:bad_start_spec, \[%\{id: :a/);
  });

  for (const semantics of both) {
    it(`rule 27 / E1: Supervisor.start_link/2 drops :auto_shutdown in Elixir 1.14, forwards it from 1.15 (${semantics})`, () => {
      const out = results(function* () {
        yield* trapExit(true);
        const r = yield* Supervisor.startLink([ch('a', {}, { significant: true, restart: 'transient' })], { strategy: 'one_for_one', autoShutdown: 'any_significant' });
        return [(r as Term[])[0] === 'ok' ? 'ok' : r];
      }, semantics);
      expect(out).toEqual(
        semantics === 'otp25' ? ['{:error, {:start_spec, {:bad_combination, [auto_shutdown: :never, significant: true]}}}'] : [':ok'],
      );
    });
  }
});
