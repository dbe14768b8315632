/**
 * processes.md §6.6 (asynchronous cleanup and its race) and §6.12 (registry death). The race is
 * the point of the model: between a registered process's death and its partition handling the
 * `{:EXIT, …}`, `lookup`/`count`/`keys` still show the dead pid (✔R4, oracle-notes: 199–200 of
 * 200 tries right after the kill, 0 after a `:sys.get_state` on every partition), while
 * `whereis_name` checks liveness and never does.
 */
import { describe, expect, it } from 'vitest';
import {
  Pid,
  Ref,
  Tuple,
  equals,
  exitSignal,
  isAlive,
  match,
  monitor,
  receive,
  register,
  self,
  send,
  spawn,
  t,
  trapExit,
  unlink,
  phash2,
  type Op,
  type Term,
} from '../../src/index.js';
import * as Registry from '../../src/otp/Registry.js';
import * as Supervisor from '../../src/otp/Supervisor.js';
import { always, observe } from '../helpers.js';
import { R, attempt, awaitCleanup, both, inMember, member, partition, startRegistry } from './registry.helpers.js';

/** Kills `pid` and waits for its DOWN. */
function* killAndAwaitDown(pid: Pid, reason: Term = 'kill'): Op<Term> {
  const ref = yield* monitor(pid);
  yield* exitSignal(pid, reason);
  return (yield* receive(match.down(ref)))[4]!;
}

/**
 * Monitors a member and makes sure the monitor is in place before anything else can kill it: a
 * round trip through the member queues behind the monitor signal (per-pair order). Otherwise a
 * death caused by a third process may overtake the monitor signal and give a `:noproc` DOWN.
 */
function* monitorSettled(pid: Pid): Op<Ref> {
  const ref = yield* monitor(pid);
  yield* inMember(pid, function* () {
    return 'pong';
  });
  return ref;
}

/** A process registered as `name` that collects every message until asked for them. */
function* listener(name: string): Op<Pid> {
  const pid = yield* spawn(function* () {
    const got: Term[] = [];
    for (;;) {
      const m = yield* receive();
      if (m instanceof Tuple && m[0] === 'dump') {
        yield* send(m[1] as Pid, t('dumped', got));
        continue;
      }
      got.push(m);
    }
  });
  yield* register(name, pid);
  return pid;
}

function* dump(pid: Pid): Op<Term[]> {
  yield* send(pid, t('dump', yield* self()));
  return (yield* receive(match.tagged('dumped', 2)))[1] as Term[];
}

/** Polls `which_children` (calls, no sleeps) until child `id` runs with a pid other than `old`. */
function* awaitRestart(sup: Pid, id: string, old: Pid): Op<Pid> {
  for (;;) {
    const children = (yield* Supervisor.whichChildren(sup)) as Tuple[];
    const entry = children.find((c) => c[0] === id);
    if (entry && entry[1] instanceof Pid && !equals(entry[1], old)) return entry[1];
  }
}

describe('§6.6 asynchronous cleanup', () => {
  for (const semantics of both) {
    it(`6.6 right after the DOWN, lookup may still return the dead pid (some seeds do); whereis_name never does; once the partition has processed the EXIT, lookup never does (${semantics})`, () => {
      const runs = observe(function* (seen) {
        yield* startRegistry({ keys: 'unique', name: R });
        const m = yield* member(R, 'a', 'v');
        yield* killAndAwaitDown(m.pid);
        const stale = (yield* Registry.lookup(R, 'a')).some((e) => equals(e[0]!, m.pid));
        seen.push(stale ? 'stale entry' : 'no entry');
        seen.push(yield* Registry.whereisName(t(R, 'a')));
        yield* awaitCleanup(R, 0, m.pid);
        seen.push(yield* Registry.lookup(R, 'a'), yield* Registry.count(R), yield* Registry.keys(R, m.pid));
      }, { semantics, seeds: 40 });
      const firsts = new Set(runs.map((r) => r[0]));
      expect(firsts.has('stale entry')).toBe(true);
      for (const r of runs) expect(r.slice(1)).toEqual([':undefined', '[]', '0', '[]']);
    });

    it(`6.6 duplicate registries: every read (lookup, match, count, keys, values, dispatch) shows the dead pid until cleanup (${semantics})`, () => {
      const runs = observe(function* (seen) {
        yield* startRegistry({ keys: 'duplicate', name: 'Elixir.RD', partitions: 2 });
        const m = yield* member('Elixir.RD', 'k', 1);
        // Unlinking from its partition means the partition never gets this process's EXIT.
        yield* inMember(m.pid, function* () {
          yield* unlink((m.result as Tuple)[1] as Pid);
          return 'ok';
        });
        yield* killAndAwaitDown(m.pid);
        const reads: Term[] = [];
        reads.push((yield* Registry.lookup('Elixir.RD', 'k')).length);
        reads.push((yield* Registry.match('Elixir.RD', 'k', '_')).length);
        reads.push(yield* Registry.count('Elixir.RD'));
        reads.push(yield* Registry.keys('Elixir.RD', m.pid));
        reads.push(yield* Registry.values('Elixir.RD', 'k', m.pid));
        let dispatched = 0;
        yield* Registry.dispatch('Elixir.RD', 'k', (entries) => {
          dispatched += entries.length;
        });
        reads.push(dispatched);
        seen.push(reads);
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['[1, 1, 1, [:k], [1], 1]']);
    });
  }

  it('6.6 cleanup is driven by the EXIT alone: a holder that unlinked from its partition stays registered after death', () => {
    const runs = observe(function* (seen) {
      yield* startRegistry({ keys: 'unique', name: R });
      const m = yield* member(R, 'b', 1);
      yield* inMember(m.pid, function* () {
        yield* unlink((m.result as Tuple)[1] as Pid);
        return 'ok';
      });
      yield* killAndAwaitDown(m.pid);
      yield* Registry.count(R); // any number of steps later…
      const found = yield* Registry.lookup(R, 'b');
      seen.push(found.length, equals(found[0]![0]!, m.pid), yield* isAlive(m.pid), yield* Registry.keys(R, m.pid));
    });
    // ✔ p3.exs on 1.14: {[{true, false, 1}], :undefined, 1, [:st]}.
    expect(always(runs)).toEqual(['1', 'true', 'false', '[:b]']);
  });

  for (const semantics of both) {
    it(`6.6 listeners are told of registrations but not of deaths (✔R11b) (${semantics})`, () => {
      const runs = observe(function* (seen) {
        const lst = yield* listener('lst');
        yield* startRegistry({ keys: 'unique', name: R, listeners: ['lst'] });
        const m = yield* member(R, 'k', 'v');
        yield* send(m.pid, 'stop');
        yield* awaitCleanup(R, 0, m.pid);
        seen.push((yield* dump(lst)).map((x) => (x as Tuple)[0]!));
        seen.push(yield* Registry.lookup(R, 'k'));
      }, { semantics });
      expect(always(runs)).toEqual(['[:register]', '[]']);
    });
  }

  it('6.6 {:duplicate, :key} (current): the key partition cleans up', () => {
    const runs = observe(function* (seen) {
      yield* startRegistry({ keys: t('duplicate', 'key'), name: 'Elixir.RK', partitions: 4 });
      const m = yield* member('Elixir.RK', 'k', 1);
      yield* member('Elixir.RK', 'k', 2);
      seen.push((yield* Registry.lookup('Elixir.RK', 'k')).length);
      yield* killAndAwaitDown(m.pid);
      yield* awaitCleanup('Elixir.RK', phash2('k', 4), m.pid);
      seen.push((yield* Registry.lookup('Elixir.RK', 'k')).map((e) => e[1]!), yield* Registry.keys('Elixir.RK', m.pid));
    }, { semantics: 'current' });
    expect(always(runs)).toEqual(['2', '[2]', '[]']);
  });
});

describe('§6.12 registry death', () => {
  for (const semantics of both) {
    it(`6.12 stopped with :shutdown: non-trapping registered processes die :shutdown, trapping ones get {:EXIT, partition, :shutdown}; the registry is gone (✔R13) (${semantics})`, () => {
      const runs = observe(function* (seen) {
        yield* trapExit(true);
        const sup = yield* startRegistry({ keys: 'unique', name: 'Elixir.R2' });
        const owner = (yield* partition('Elixir.R2', 0))!;
        const w = yield* member('Elixir.R2', 'w', 1);
        yield* member('Elixir.R2', 'wt', 1, { trap: true });
        const ref = yield* monitorSettled(w.pid);
        seen.push(yield* Supervisor.stop(sup, 'shutdown'));
        seen.push((yield* receive(match.down(ref)))[4]!);
        const got = (yield* receive(match.where((m) => m instanceof Tuple && m[0] === 'got', 'got'))) as Tuple;
        const exitMsg = got[2] as Tuple;
        seen.push(exitMsg[0]!, equals(exitMsg[1]!, owner), exitMsg[2]!);
        seen.push(yield* receive(match.exit(sup)));
        seen.push(yield* attempt(Registry.lookup('Elixir.R2', 'w')));
      }, { semantics });
      expect(always(runs)).toEqual([
        ':ok',
        ':shutdown',
        ':EXIT',
        'true',
        ':shutdown',
        '{:EXIT, PID, :shutdown}',
        '{:error, %ArgumentError{message: "unknown registry: R2"}}',
      ]);
    });

    it(`6.12 a killed partition kills its non-trapping registered processes (:killed); a unique registry restarts it with empty tables (✔R14) (${semantics})`, () => {
      const runs = observe(function* (seen) {
        const sup = yield* startRegistry({ keys: 'unique', name: 'Elixir.R3' });
        const w = yield* member('Elixir.R3', 'w', 1);
        const wt = yield* member('Elixir.R3', 'wt', 1, { trap: true });
        const old = (yield* partition('Elixir.R3', 0))!;
        const ref = yield* monitorSettled(w.pid);
        yield* exitSignal(old, 'kill');
        seen.push((yield* receive(match.down(ref)))[4]!);
        const got = (yield* receive(match.where((m) => m instanceof Tuple && m[0] === 'got', 'got'))) as Tuple;
        seen.push(((got[2] as Tuple)[2])!);
        yield* awaitRestart(sup, 'Elixir.R3.PIDPartition0', old);
        // ETS data vanishes with its owner: the trapping survivor is no longer registered either.
        seen.push(yield* Registry.lookup('Elixir.R3', 'w'), yield* Registry.lookup('Elixir.R3', 'wt'));
        seen.push(yield* Registry.keys('Elixir.R3', wt.pid), yield* isAlive(sup), yield* isAlive(wt.pid));
      }, { semantics });
      expect(always(runs)).toEqual([':killed', ':killed', '[]', '[]', '[]', 'true', 'true']);
    });
  }

  it('6.12 a duplicate registry restarts only the killed partition; entries in the others survive', () => {
    for (const semantics of both) {
      const runs = observe(function* (seen) {
        const sup = yield* startRegistry({ keys: 'duplicate', name: 'Elixir.RD', partitions: 2 });
        // One member per partition (the partition is phash2(pid, 2)).
        const members: Array<{ pid: Pid; owner: Pid }> = [];
        while (members.length < 2 || members[0]!.owner.id === members[members.length - 1]!.owner.id) {
          const m = yield* member('Elixir.RD', 'k', members.length);
          members.push({ pid: m.pid, owner: (m.result as Tuple)[1] as Pid });
        }
        const victim = members[0]!;
        const survivors = members.filter((m) => m.owner.id !== victim.owner.id);
        const ref = yield* monitorSettled(victim.pid);
        yield* exitSignal(victim.owner, 'kill');
        seen.push((yield* receive(match.down(ref)))[4]!);
        const index = (yield* partition('Elixir.RD', 0))!.id === victim.owner.id ? 0 : 1;
        yield* awaitRestart(sup, `Elixir.RD.PIDPartition${index}`, victim.owner);
        const left = yield* Registry.lookup('Elixir.RD', 'k');
        seen.push(left.length === survivors.length && left.every((e) => survivors.some((s) => equals(s.pid, e[0]!))));
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual([':killed', 'true']);
    }
  });
});
