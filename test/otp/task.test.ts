/**
 * processes.md §2.3 (task lineage) and §5.1–§5.3, §5.5 — Task. Test titles carry the rule numbers;
 * expected values come from the probes (✔ marks) run on Elixir 1.14/OTP 25 (`otp25`) and
 * Elixir 1.18/OTP 27 (`current`). Outcomes OTP leaves to scheduling are checked under many seeds.
 */
import { describe, expect, it } from 'vitest';
import {
  ErlModule,
  GenServer,
  TIMEOUT,
  exit,
  exitSignal,
  format,
  get,
  match,
  monitor,
  now,
  processInfo,
  raise,
  receive,
  register,
  run,
  self,
  send,
  sleep,
  spawn,
  spawnMonitor,
  t,
  throwValue,
  trapExit,
  yieldNow,
  type Op,
  type Pid,
  type Term,
} from '../../src/index.js';
import * as Task from '../../src/otp/Task.js';
import { always, observe, outcomes, exitOf } from '../helpers.js';

const both = ['current', 'otp25'] as const;

/** The exit reason of `body`, or `'no exit'`. */

/**
 * Waits (without consuming anything) until the mailbox holds a message accepted by `pred`: a
 * barrier for a message sent to self, which the kernel delivers asynchronously (see the report).
 */
function* queued(pred: (m: Term) => boolean): Op<void> {
  for (;;) {
    const box = (yield* processInfo(yield* self(), 'messages')) as Term[];
    if (box.some(pred)) return;
    yield* yieldNow();
  }
}

/** `Task.completed(v)` once its `{ref, v}` is in the mailbox. */
function* completedQueued(v: Term): Op<Task.Task> {
  const task = yield* Task.completed(v);
  yield* queued((m) => Array.isArray(m) && format(m[0]!) === format(task.ref));
  return task;
}

/** Runs `body` in a fresh unmonitored-by-link process: `{result | :no_result, exit_reason}` (probe helper `iso`). */
function* iso(body: () => Op<Term>): Op<Term> {
  const me = yield* self();
  const [, ref] = yield* spawnMonitor(function* () {
    const r = yield* body();
    yield* send(me, t('result', r));
  });
  const down = yield* receive(match.down(ref));
  const res = yield* receive(match.tagged('result', 2), { after: 0 });
  return t(res === TIMEOUT ? 'no_result' : res[1]!, down[4]!);
}

const Lists = new ErlModule('lists', { reverse: (l: Term[]) => [...l].reverse() });

describe('§2.3 task lineage', () => {
  for (const semantics of both) {
    it(`2.3 $callers = [owner], $ancestors = [owner], $initial_call = fun identity (✔T1, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const task = yield* Task.async(function* work() {
          return [(yield* get('$callers'))!, (yield* get('$ancestors'))!, (yield* get('$initial_call'))!];
        });
        const [callers, ancestors, initial] = (yield* Task.await(task)) as Term[];
        seen.push(format(callers!) === format([me]), format(ancestors!) === format([me]), initial!);
      }, { semantics });
      expect(always(runs)).toEqual(['true', 'true', '{:js, :work, 0}']);
    });
  }

  it('2.3 nested tasks accumulate $callers [inner_caller, outer_caller] (✔T1b)', () => {
    for (const semantics of both) {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const outer = yield* Task.async(function* () {
          const inner = yield* Task.async(function* () { return (yield* get('$callers'))!; });
          return t(yield* self(), yield* Task.await(inner));
        });
        const [outerPid, callers] = (yield* Task.await(outer)) as Term[];
        seen.push(format(callers!) === format([outerPid!, me]));
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['true']);
    }
  });

  it('2.3 $ancestors of a task whose owner is registered: a pid in current (✔C6), the name in otp25 (✔T1f)', () => {
    for (const [semantics, expected] of [['current', '[PID]'], ['otp25', '[:owner_name]']] as const) {
      const runs = observe(function* (seen) {
        yield* register('owner_name', yield* self());
        const task = yield* Task.async(function* () { return (yield* get('$ancestors'))!; });
        seen.push(yield* Task.await(task));
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual([expected]);
    }
  });

  it('2.3 $initial_call for an MFA is {m, f, length(args)}; Task.start sets the same keys (✔T10b)', () => {
    for (const semantics of both) {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const Probe = new ErlModule('Elixir.Probe', {
          *report(tag: Term) {
            yield* send(me, t(tag, (yield* get('$initial_call'))!, (yield* get('$callers'))!, (yield* get('$ancestors'))!));
          },
        });
        yield* Task.start(Probe, 'report', ['mfa']);
        seen.push(yield* receive(match.tagged('mfa')));
        yield* Task.start(function* named() { yield* send(me, t('fun', (yield* get('$initial_call'))!)); return 'ok'; });
        seen.push(yield* receive(match.tagged('fun')));
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['{:mfa, {Probe, :report, 1}, [PID], [PID]}', '{:fun, {:js, :named, 0}}']);
    }
  });

  it('2.3 only tasks set $callers: a GenServer started from a task has none', () => {
    const runs = observe(function* (seen) {
      const Srv = GenServer.defmodule('NoCallers', {
        *init() { return t('ok', (yield* get('$callers')) ?? 'nil'); },
        handleCall: (_r, _f, s) => t('reply', s, s),
      });
      const task = yield* Task.async(function* () {
        const [, pid] = (yield* GenServer.start(Srv, 0)) as Term[];
        return yield* GenServer.call(pid!, 'get');
      });
      seen.push(yield* Task.await(task));
    });
    expect(always(runs)).toEqual(['nil']);
  });
});

describe('§5.1 struct and async', () => {
  it('5.1.1 %Task{mfa, owner, pid, ref}; 5.1.2 owner gets {ref, result} then {:DOWN, ref, :process, pid, :normal} (✔T1e)', () => {
    const runs = observe(function* (seen) {
      const task = yield* Task.async(() => 1);
      seen.push(task);
      const m1 = yield* receive();
      const m2 = yield* receive();
      seen.push(m1, m2, format((m1 as Term[])[0]!) === format(task.ref), format((m2 as Term[])[3]!) === format(task.pid));
      seen.push((yield* processInfo(yield* self(), 'links'))!);
    });
    expect(always(runs)).toEqual([
      '%Task{mfa: {:erlang, :apply, 2}, owner: PID, pid: PID, ref: REF}',
      '{REF, 1}',
      '{:DOWN, REF, :process, PID, :normal}',
      'true',
      'true',
      '[]',
    ]);
  });

  it('5.1.2 the mfa field of Task.async(m, f, a) is {m, f, arity} (✔T1c)', () => {
    const runs = observe(function* (seen) {
      const task = yield* Task.async(Lists, 'reverse', [[1, 2]]);
      seen.push(yield* Task.await(task), task.mfa);
    });
    expect(always(runs)).toEqual(['[2, 1]', '{:lists, :reverse, 1}']);
  });

  it('5.1.1 task.ref is an alias-monitor: after the owner gives up, a late reply never reaches the mailbox (✔T2)', () => {
    const runs = observe(function* (seen) {
      const task = yield* Task.async(function* () { yield* sleep(200); return 'late'; });
      seen.push(yield* exitOf(() => Task.await(task, 50)));
      seen.push((yield* processInfo(task.pid as Pid, 'status')) !== undefined ? 'task alive' : 'task dead');
      yield* sleep(250);
      seen.push((yield* processInfo(yield* self(), 'messages'))!);
    });
    expect(always(runs)).toEqual([
      '{:timeout, {Task, :await, [%Task{mfa: {:erlang, :apply, 2}, owner: PID, pid: PID, ref: REF}, 50]}}',
      'task alive',
      '[]',
    ]);
  });

  describe('5.1.3 a failing task logs and its linked, non-trapping owner dies with the same reason', () => {
    const cases: [string, () => Term, string][] = [
      ['exit(:boom) (✔T4a)', () => exit('boom'), ':boom'],
      ['raise (✔T4d)', () => raise('RuntimeError', 'tb'), '{%RuntimeError{message: "tb"}, []}'],
      ['throw (✔T4e)', () => throwValue('tt'), '{{:nocatch, :tt}, []}'],
    ];
    for (const [name, body, reason] of cases) {
      it(name, () => {
        const runs = observe(function* (seen) {
          seen.push(yield* iso(function* () {
            yield* Task.async(body);
            yield* sleep(50);
            return 'not reached';
          }));
        });
        expect(always(runs)).toEqual([`{:no_result, ${reason}}`]);
      });
    }

    it('the report is a {Task.Supervisor, :terminating} task.terminating event; :normal, :shutdown, {:shutdown, _} are silent', () => {
      const reportsFor = (body: () => Term, semantics: 'current' | 'otp25') => {
        const result = run(function* () {
          yield* trapExit(true);
          const task = yield* Task.async(body);
          yield* Task.yield(task, 100);
        }, { semantics });
        return result.trace.filter((e) => e.k === 'report' && e.name === 'task.terminating').map((e) => format((e as { data: Term }).data));
      };
      for (const semantics of both) {
        expect(reportsFor(() => exit('normal'), semantics)).toEqual([]);
        expect(reportsFor(() => exit('shutdown'), semantics)).toEqual([]);
        expect(reportsFor(() => exit(t('shutdown', 'x')), semantics)).toEqual([]);
        const [boom] = reportsFor(function crashing() { return exit('boom'); }, semantics);
        expect(boom).toMatch(/^%\{label: \{Task\.Supervisor, :terminating\}, report: %\{name: <0\.\d+\.0>, starter: <0\.0\.0>, function: #Function<crashing>, args: \[\], reason: \{:boom, \[\]\}/);
        const [thrown] = reportsFor(() => throwValue('v'), semantics);
        expect(thrown).toContain('reason: {{:nocatch, :v}, []}');
      }
      const [mfa] = (() => {
        const result = run(function* () {
          yield* trapExit(true);
          const Bad = new ErlModule('Elixir.Bad', { go: () => exit('bad') });
          yield* Task.yield(yield* Task.async(Bad, 'go', [1]), 100);
        });
        return result.trace.filter((e) => e.k === 'report').map((e) => format((e as { data: Term }).data));
      })();
      expect(mfa).toContain('function: #Function<&Bad.go/1>, args: [1]');
    });
  });

  describe('5.1.4 query functions raise ArgumentError when called by a non-owner (✔M9, ✔Q12)', () => {
    const calls: [string, (task: Task.Task) => Op<unknown>][] = [
      ['await', (task) => Task.await(task, 0)],
      ['yield', (task) => Task.yield(task, 0)],
      ['ignore', (task) => Task.ignore(task)],
      ['shutdown', (task) => Task.shutdown(task)],
      ['await_many', (task) => Task.awaitMany([task], 0)],
      ['yield_many', (task) => Task.yieldMany([task], 0)],
    ];
    for (const [name, call] of calls) {
      it(name, () => {
        for (const semantics of both) {
          const runs = observe(function* (seen) {
            const me = yield* self();
            const task = yield* Task.async(() => 1);
            yield* spawn(function* () {
              const r = yield* exitOf(() => call(task));
              yield* send(me, t('r', r));
            });
            const [, r] = yield* receive(match.tagged('r', 2));
            seen.push(r!);
          }, { semantics, seeds: 10 });
          const [r] = always(runs);
          expect(r).toBe('{:error, %ArgumentError{message: "task %Task{mfa: {:erlang, :apply, 2}, owner: #PIDPID, pid: #PIDPID, ref: REF} must be queried from the owner but was queried from #PIDPID"}}');
        }
      });
    }
  });
});

describe('§5.2 await', () => {
  it('5.2.1 a DOWN exits {reason, {Task, :await, [task, timeout]}}; a trapping owner also keeps the EXIT (✔T4b)', () => {
    const runs = observe(function* (seen) {
      yield* trapExit(true);
      const task = yield* Task.async(() => exit('boom'));
      seen.push(yield* exitOf(() => Task.await(task)));
      seen.push(yield* receive(match.exit(task.pid as Pid)));
    });
    expect(always(runs)).toEqual([
      '{:boom, {Task, :await, [%Task{mfa: {:erlang, :apply, 2}, owner: PID, pid: PID, ref: REF}, 5000]}}',
      '{:EXIT, PID, :boom}',
    ]);
  });

  it('5.2.1 a task that exits :normal without replying makes await exit {:normal, …} (✔T4c)', () => {
    const runs = observe(function* (seen) {
      const task = yield* Task.async(() => exit('normal'));
      seen.push(yield* exitOf(() => Task.await(task)));
    });
    expect(always(runs)[0]).toMatch(/^\{:normal, \{Task, :await, \[%Task\{.*\}, 5000\]\}\}$/);
  });

  it('5.2.1 an invalid timeout is a FunctionClauseError (✔Q11)', () => {
    const runs = observe(function* (seen) {
      const task = yield* Task.async(() => 1);
      seen.push(yield* exitOf(() => Task.await(task, -1)));
    }, { seeds: 5 });
    expect(always(runs)[0]).toContain('%FunctionClauseError{');
  });

  it('5.2.2 an uncaught await timeout kills the owner with {:timeout, …}, which reaches the task through the link (✔T2b)', () => {
    const runs = observe(function* (seen) {
      const me = yield* self();
      const [, ref] = yield* spawnMonitor(function* () {
        const task = yield* Task.async(function* () { yield* sleep(200); return 'late'; });
        yield* send(me, t('task', task.pid));
        yield* Task.await(task, 50);
      });
      const [, pid] = yield* receive(match.tagged('task', 2));
      const taskRef = yield* monitor(pid as Pid);
      seen.push((yield* receive(match.down(ref)))[4]!);
      seen.push((yield* receive(match.down(taskRef)))[4]!);
    });
    const [owner, task] = always(runs);
    expect(owner).toMatch(/^\{:timeout, \{Task, :await, \[%Task\{.*\}, 50\]\}\}$/);
    expect(task).toBe(owner);
  });

  it('5.2.3 await succeeds only once: a second await waits the full timeout (✔T6h)', () => {
    const runs = observe(function* (seen) {
      const task = yield* Task.async(() => 1);
      seen.push(yield* Task.await(task));
      const t0 = yield* now();
      seen.push(yield* exitOf(() => Task.await(task, 100)));
      seen.push((yield* now()) - t0 >= 100);
    });
    const [first, second, waited] = always(runs);
    expect(first).toBe('1');
    expect(second).toMatch(/^\{:timeout, \{Task, :await, \[%Task\{.*\}, 100\]\}\}$/);
    expect(waited).toBe('true');
  });

  it('5.2.4 await_many: replies in input order, whatever the arrival order (✔T8b)', () => {
    const runs = observe(function* (seen) {
      const slow = yield* Task.async(function* () { yield* sleep(20); return 1; });
      const fast = yield* Task.async(() => 2);
      seen.push(yield* Task.awaitMany([slow, fast]));
      seen.push((yield* processInfo(yield* self(), 'messages'))!);
    });
    expect(always(runs)).toEqual(['[1, 2]', '[]']);
  });

  it('5.2.4 await_many: the deadline exits {:timeout, {Task, :await_many, [tasks, timeout]}} (✔T8c)', () => {
    const runs = observe(function* (seen) {
      const tasks = [yield* Task.async(() => 1), yield* Task.async(function* () { yield* sleep(300); return 2; })];
      seen.push(yield* exitOf(() => Task.awaitMany(tasks, 50)));
      yield* sleep(400);
      seen.push((yield* processInfo(yield* self(), 'messages'))!);
    });
    const [reason, mailbox] = always(runs);
    expect(reason).toMatch(/^\{:timeout, \{Task, :await_many, \[\[%Task\{.*\}, %Task\{.*\}\], 50\]\}\}$/);
    expect(mailbox).toBe('[]');
  });

  it('5.2.4 await_many: the first DOWN exits {reason, {Task, :await_many, …}}', () => {
    const runs = observe(function* (seen) {
      yield* trapExit(true);
      const tasks = [yield* Task.async(function* () { yield* sleep(50); return 1; }), yield* Task.async(() => exit('bad'))];
      seen.push(yield* exitOf(() => Task.awaitMany(tasks)));
    });
    expect(always(runs)[0]).toMatch(/^\{:bad, \{Task, :await_many, \[\[%Task\{.*\}, %Task\{.*\}\], 5000\]\}\}$/);
  });
});

describe('§5.3 yield, yield_many, ignore, shutdown, completed', () => {
  it('5.3.1 yield: nil (monitor kept), then {:ok, v}, then nil once consumed (✔T5a)', () => {
    const runs = observe(function* (seen) {
      const task = yield* Task.async(function* () { yield* sleep(100); return 'v'; });
      seen.push(yield* Task.yield(task, 10), yield* Task.yield(task, 200), yield* Task.yield(task, 10));
    });
    expect(always(runs)).toEqual(['nil', '{:ok, :v}', 'nil']);
  });

  it('5.3.1 yield: a crashed task gives {:exit, r} to a trapping owner (✔T5b); :normal without reply gives {:exit, :normal} (✔T5c)', () => {
    const runs = observe(function* (seen) {
      yield* trapExit(true);
      const bad = yield* Task.async(() => exit('bad'));
      seen.push(yield* Task.yield(bad, 100));
      seen.push(yield* receive(match.exit(bad.pid as Pid)));
      const quiet = yield* Task.async(() => exit('normal'));
      seen.push(yield* Task.yield(quiet, 100));
    });
    expect(always(runs)).toEqual(['{:exit, :bad}', '{:EXIT, PID, :bad}', '{:exit, :normal}']);
  });

  describe('5.3.2 yield_many', () => {
    for (const semantics of both) {
      it(`results in input order, nil for a task still running at the deadline (✔T8, ✔Q13, ${semantics})`, () => {
        const runs = observe(function* (seen) {
          const tasks = [yield* Task.async(() => 1), yield* Task.async(function* () { yield* sleep(300); return 2; })];
          seen.push((yield* Task.yieldMany(tasks, 100)).map((r) => r[1]!));
          const later = [yield* Task.async(function* () { yield* sleep(50); return 1; }), yield* Task.async(() => 2)];
          seen.push((yield* Task.yieldMany(later, 10)).map((r) => r[1]!));
          seen.push(format((yield* Task.yieldMany(tasks, 0))[0]![0]!) === format(tasks[0]!));
        }, { semantics });
        expect(always(runs)).toEqual(['[{:ok, 1}, nil]', '[nil, {:ok, 2}]', 'true']);
      });
    }

    it('otp25 (Elixir 1.14): options are a FunctionClauseError (✔Q3); both profiles reject a bad timeout (✔C13)', () => {
      const runs = observe(function* (seen) {
        const tasks = [yield* Task.async(() => 1)];
        seen.push(yield* exitOf(() => Task.yieldMany(tasks, { timeout: 100 })));
        seen.push(yield* exitOf(() => Task.yieldMany(tasks, 'bad' as never)));
      }, { semantics: 'otp25', seeds: 5 });
      const [opts, bad] = always(runs);
      expect(opts).toContain('%FunctionClauseError{');
      expect(bad).toContain('%FunctionClauseError{');
      const current = observe(function* (seen) {
        const tasks = [yield* Task.async(() => 1)];
        seen.push(yield* exitOf(() => Task.yieldMany(tasks, 'bad' as never)));
      }, { semantics: 'current', seeds: 5 });
      expect(always(current)[0]).toContain('%FunctionClauseError{');
    });

    it('current: limit returns as soon as `limit` tasks are done, without on_timeout (✔C2)', () => {
      const runs = observe(function* (seen) {
        const tasks = [
          yield* Task.async(function* () { yield* sleep(50); return 1; }),
          yield* Task.async(() => 2),
          yield* Task.async(function* () { yield* sleep(300); return 3; }),
        ];
        const t0 = yield* now();
        seen.push((yield* Task.yieldMany(tasks, { limit: 2, timeout: 200, onTimeout: 'kill_task' })).map((r) => r[1]!));
        seen.push((yield* now()) - t0 < 200, (yield* processInfo(tasks[2]!.pid as Pid, 'status')) !== undefined);
      }, { semantics: 'current' });
      expect(always(runs)).toEqual(['[{:ok, 1}, {:ok, 2}, nil]', 'true', 'true']);
    });

    it('current: on_timeout :kill_task shuts the late tasks down with :brutal_kill (✔C3)', () => {
      const runs = observe(function* (seen) {
        const tasks = [yield* Task.async(() => 1), yield* Task.async(function* () { yield* sleep(300); return 3; })];
        const ref = yield* monitor(tasks[1]!.pid as Pid);
        seen.push((yield* Task.yieldMany(tasks, { timeout: 100, onTimeout: 'kill_task' })).map((r) => r[1]!));
        seen.push((yield* receive(match.down(ref)))[4]!);
      }, { semantics: 'current' });
      expect(always(runs)).toEqual(['[{:ok, 1}, nil]', ':killed']);
    });

    it('current: on_timeout :ignore unlinks and drops the late reply (✔C4)', () => {
      const runs = observe(function* (seen) {
        const tasks = [yield* Task.async(() => 1), yield* Task.async(function* () { yield* sleep(100); return 3; })];
        const ref = yield* monitor(tasks[1]!.pid as Pid);
        seen.push((yield* Task.yieldMany(tasks, { timeout: 50, onTimeout: 'ignore' })).map((r) => r[1]!));
        seen.push((yield* receive(match.down(ref)))[4]!);
        seen.push((yield* processInfo(yield* self(), 'links'))!, (yield* processInfo(yield* self(), 'messages'))!);
      }, { semantics: 'current' });
      expect(always(runs)).toEqual(['[{:ok, 1}, nil]', ':normal', '[]', '[]']);
    });

    it('current: on_timeout :nothing (default) leaves the task monitored, so it can still be awaited', () => {
      const runs = observe(function* (seen) {
        const tasks = [yield* Task.async(function* () { yield* sleep(100); return 3; })];
        seen.push((yield* Task.yieldMany(tasks, { timeout: 50 })).map((r) => r[1]!));
        seen.push(yield* Task.await(tasks[0]!));
      }, { semantics: 'current' });
      expect(always(runs)).toEqual(['[nil]', '3']);
    });
  });

  describe('5.3.3 ignore', () => {
    it('a running task: nil, unlinked and demonitored; it keeps running and its reply is dropped (✔T7)', () => {
      const runs = observe(function* (seen) {
        const task = yield* Task.async(function* () { yield* sleep(50); return 'x'; });
        const ref = yield* monitor(task.pid as Pid);
        seen.push(yield* Task.ignore(task));
        seen.push((yield* processInfo(yield* self(), 'links'))!);
        seen.push((yield* receive(match.down(ref)))[4]!);
        yield* sleep(10);
        seen.push((yield* processInfo(yield* self(), 'messages'))!);
      });
      expect(always(runs)).toEqual(['nil', '[]', ':normal', '[]']);
    });

    it('a queued reply gives {:ok, r}; a queued DOWN gives {:exit, r}', () => {
      const runs = observe(function* (seen) {
        yield* trapExit(true);
        const done = yield* Task.async(() => 'r');
        const doneRef = yield* monitor(done.pid as Pid);
        yield* receive(match.down(doneRef));
        seen.push(yield* Task.ignore(done));
        const crashed = yield* Task.async(() => exit('bad'));
        const crashedRef = yield* monitor(crashed.pid as Pid);
        yield* receive(match.down(crashedRef));
        seen.push(yield* Task.ignore(crashed));
      });
      expect(always(runs)).toEqual(['{:ok, :r}', '{:exit, :bad}']);
    });

    it('a completed/1 task: {:ok, v} in current (✔C1b); Elixir 1.14 unlinks nil and fails with :badarg (✔Q1)', () => {
      for (const [semantics, expected] of [['current', '{{:ok, 5}, :normal}'], ['otp25', '{:no_result, {:badarg, []}}']] as const) {
        const runs = observe(function* (seen) {
          seen.push(yield* iso(function* () { return yield* Task.ignore(yield* completedQueued(5)); }));
        }, { semantics, seeds: 5 });
        expect(always(runs)).toEqual([expected]);
      }
    });
  });

  describe('5.3.4 shutdown', () => {
    for (const semantics of both) {
      it(`a reply already queued → {:ok, reply} (✔T6a, ${semantics})`, () => {
        const runs = observe(function* (seen) {
          const task = yield* Task.async(() => 'done');
          const ref = yield* monitor(task.pid as Pid);
          yield* receive(match.down(ref)); // barrier: the reply came first on the same channel
          seen.push(yield* Task.shutdown(task));
        }, { semantics });
        expect(always(runs)).toEqual(['{:ok, :done}']);
      });

      it(`a running task → nil, also with :brutal_kill (✔T6b, ✔T6c, ${semantics})`, () => {
        const runs = observe(function* (seen) {
          const a = yield* Task.async(function* () { yield* sleep(1000); return 1; });
          const aRef = yield* monitor(a.pid as Pid);
          seen.push(yield* Task.shutdown(a), (yield* receive(match.down(aRef)))[4]!);
          const b = yield* Task.async(function* () { yield* sleep(1000); return 1; });
          seen.push(yield* Task.shutdown(b, 'brutal_kill'));
          seen.push((yield* processInfo(yield* self(), 'messages'))!);
        }, { semantics });
        expect(always(runs)).toEqual(['nil', ':shutdown', 'nil', '[]']);
      });

      it(`a trapping task that outlives the timeout is killed → {:exit, :killed} (✔T6d, ${semantics})`, () => {
        const runs = observe(function* (seen) {
          const me = yield* self();
          const task = yield* Task.async(function* () {
            yield* trapExit(true);
            yield* send(me, 'trapping');
            yield* sleep(1000);
            return 1;
          });
          yield* receive(match.eq('trapping'));
          const t0 = yield* now();
          seen.push(yield* Task.shutdown(task, 100));
          seen.push((yield* now()) - t0 >= 100);
        }, { semantics });
        expect(always(runs)).toEqual(['{:exit, :killed}', 'true']);
      });

      it(`a trapping task that exits otherwise → {:exit, reason}; that returns a value → {:ok, v} (✔T6e, ✔T6i, ${semantics})`, () => {
        const runs = observe(function* (seen) {
          const me = yield* self();
          const trapping = (onShutdown: () => Term) =>
            Task.async(function* () {
              yield* trapExit(true);
              yield* send(me, 'trapping');
              yield* receive(match.exit());
              return onShutdown();
            });
          const custom = yield* trapping(() => exit('custom'));
          yield* receive(match.eq('trapping'));
          seen.push(yield* Task.shutdown(custom, 1000));
          const valued = yield* trapping(() => 'replied_value');
          yield* receive(match.eq('trapping'));
          seen.push(yield* Task.shutdown(valued, 1000));
        }, { semantics });
        expect(always(runs)).toEqual(['{:exit, :custom}', '{:ok, :replied_value}']);
      });

      it(`an already crashed task → {:exit, reason} (✔T6f); monitor already consumed → {:exit, :noproc} (✔T6g, ${semantics})`, () => {
        const runs = observe(function* (seen) {
          yield* trapExit(true);
          const early = yield* Task.async(() => exit('early'));
          yield* receive(match.exit(early.pid as Pid));
          seen.push(yield* Task.shutdown(early));
          const awaited = yield* Task.async(() => 'x');
          const ref = yield* monitor(awaited.pid as Pid);
          yield* Task.await(awaited);
          yield* receive(match.down(ref)); // the probe's task had exited by then too
          seen.push(yield* Task.shutdown(awaited));
        }, { semantics });
        expect(always(runs)).toEqual(['{:exit, :early}', '{:exit, :noproc}']);
      });
    }

    it('a completed/1 task: current behaves as ignore/1 (✔C1); otp25 raises ArgumentError (✔Q2)', () => {
      const current = observe(function* (seen) {
        seen.push(yield* Task.shutdown(yield* completedQueued(5)));
      }, { semantics: 'current', seeds: 5 });
      expect(always(current)).toEqual(['{:ok, 5}']);
      const otp25 = observe(function* (seen) {
        seen.push(yield* exitOf(function* () { return yield* Task.shutdown(yield* Task.completed(5)); }));
      }, { semantics: 'otp25', seeds: 5 });
      expect(always(otp25)).toEqual(['{:error, %ArgumentError{message: "task %Task{mfa: {Task, :completed, 1}, owner: #PIDPID, pid: nil, ref: REF} does not have an associated task process"}}']);
    });

    it('the task dies even when the owner is killed in the middle of shutdown (the enforcer)', () => {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const owner = yield* spawn(function* () {
          const task = yield* Task.async(function* () { yield* sleep('infinity'); return 1; });
          yield* send(me, t('task', task.pid));
          yield* receive(match.eq('go'));
          yield* Task.shutdown(task);
        });
        const [, pid] = yield* receive(match.tagged('task', 2));
        const ref = yield* monitor(pid as Pid);
        yield* send(owner, 'go');
        yield* exitSignal(owner, 'kill');
        seen.push((yield* receive(match.down(ref), { after: 10_000 })) === TIMEOUT ? 'task still alive' : 'task dead');
      }, { seeds: 100 });
      expect(outcomes(runs)).toEqual(new Set(['task dead']));
    });
  });

  it('5.3.5 completed(v): pid nil, {ref, v} is sent to self, await returns v (✔M10)', () => {
    const runs = observe(function* (seen) {
      const task = yield* Task.completed(5);
      seen.push(task);
      yield* queued(() => true);
      seen.push((yield* processInfo(yield* self(), 'messages'))!, yield* Task.await(task));
    });
    expect(always(runs)).toEqual(['%Task{mfa: {Task, :completed, 1}, owner: PID, pid: nil, ref: REF}', '[{REF, 5}]', '5']);
  });
});

describe('§5.5 start, start_link, child_spec', () => {
  it('5.5.1 start and start_link return {:ok, pid}; start is not linked (✔T10)', () => {
    for (const semantics of both) {
      const runs = observe(function* (seen) {
        const [okA, a] = (yield* Task.start(() => 'ok')) as Term[];
        const [okB, b] = (yield* Task.startLink(function* () { yield* sleep(10); return 'ok'; })) as Term[];
        const links = (yield* processInfo(yield* self(), 'links')) as Term[];
        seen.push(okA!, okB!, links.some((l) => format(l) === format(a!)), links.some((l) => format(l) === format(b!)));
      }, { semantics, seeds: 10 });
      expect(always(runs)).toEqual([':ok', ':ok', 'false', 'true']);
    }
  });

  it('5.5.1 a start_link task crash kills a non-trapping caller (✔T10c); a start task crash does not', () => {
    const runs = observe(function* (seen) {
      seen.push(yield* iso(function* () {
        yield* Task.startLink(() => exit('x'));
        yield* sleep(50);
        return 'survived';
      }));
      seen.push(yield* iso(function* () {
        yield* Task.start(() => exit('x'));
        yield* sleep(50);
        return 'survived';
      }));
    });
    expect(always(runs)).toEqual(['{:no_result, :x}', '{:survived, :normal}']);
  });

  it('5.5.2 Task.child_spec(arg) = %{id: Task, restart: :temporary, start: {Task, :start_link, [arg]}} (✔T10, ✔Q16)', () => {
    expect(format(Task.childSpec('x'))).toBe('%{id: Task, restart: :temporary, start: {Task, :start_link, [:x]}}');
  });

  it('5.5.2 `use Task`: child_spec with id: the module, merged with use options; start_link runs run/1', () => {
    const runs = observe(function* (seen) {
      const me = yield* self();
      const Worker = Task.defmodule('MyWorker', { *run(arg: Term) { yield* send(me, t('ran', arg)); return 'ok'; } }, { shutdown: 100 });
      const spec = Worker.exports['child_spec']!('a') as Record<string, Term>;
      seen.push(spec);
      const [m, f, a] = spec['start'] as Term[];
      seen.push(yield* (m as ErlModule).exports[f as string]!(...(a as Term[])));
      seen.push(yield* receive(match.tagged('ran')));
    }, { seeds: 5 });
    expect(always(runs)).toEqual([
      '%{id: MyWorker, restart: :temporary, shutdown: 100, start: {MyWorker, :start_link, [:a]}}',
      '{:ok, PID}',
      '{:ran, :a}',
    ]);
  });
});
