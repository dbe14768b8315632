/**
 * processes.md §5.6 (and the Task.Supervisor parts of §2.3) and supervision.md §10 (rules 96-99,
 * version row E8) — Task.Supervisor on DynamicSupervisor. Expected values come from the probes
 * (✔TS1-TS9b, ✔M11, ✔X7, ✔Q7c-Q10, ✔C8-C10, ✔C14, ✔E8, ✔S1-S6).
 */
import { describe, expect, it } from 'vitest';
import {
  ErlModule,
  GenServer,
  caught,
  demonitor,
  exit,
  exitSignal,
  format,
  get,
  match,
  monitor,
  now,
  processInfo,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnMonitor,
  t,
  trapExit,
  unlink,
  yieldNow,
  type Op,
  type Pid,
  type Ref,
  type Term,
} from '../../src/index.js';
import * as DynamicSupervisor from '../../src/otp/DynamicSupervisor.js';
import * as Task from '../../src/otp/Task.js';
import * as TaskSupervisor from '../../src/otp/TaskSupervisor.js';
import { always, observe, exitOf } from '../helpers.js';

const both = ['current', 'otp25'] as const;


function* startSup(options: TaskSupervisor.TaskSupervisorOptions = {}): Op<Pid> {
  const [ok, pid] = (yield* TaskSupervisor.startLink(options)) as Term[];
  if (ok !== 'ok') throw new Error(`start failed: ${format(ok!)}`);
  return pid as Pid;
}

/** Monitors `pid` and waits until the monitor is in place (a barrier without sleeping). */
function* monitorSure(pid: Pid): Op<Ref> {
  const me = yield* self();
  const ref = yield* monitor(pid);
  for (;;) {
    const by = yield* processInfo(pid, 'monitored_by');
    if (by === undefined || (by as Term[]).some((p) => format(p) === format(me))) return ref;
    yield* yieldNow();
  }
}

/** Waits until `pid` is blocked in a receive. */
function* waiting(pid: Pid): Op<void> {
  while ((yield* processInfo(pid, 'status')) === 'runnable') yield* yieldNow();
}

/**
 * The supervisor's children once it has processed the exit of `dead` (its `{:EXIT, …}` and our
 * DOWN come from different senders, so we poll instead of assuming an order).
 */
function* childrenAfter(sup: Pid, dead: Term): Op<Pid[]> {
  for (;;) {
    const children = yield* TaskSupervisor.children(sup);
    if (!children.some((p) => format(p) === format(dead))) return children;
    yield* yieldNow();
  }
}

/** `{node(), self(), self()}`, the owner tuple a task is told about. */
function* ownerTuple(): Op<Term> {
  const me = yield* self();
  return t('nonode@nohost', me, me);
}

/** A task function that traps exits, tells `me`, and never returns. */
const trappingForever = (me: Pid) =>
  function* () {
    yield* trapExit(true);
    yield* send(me, t('trapping', yield* self()));
    yield* sleep('infinity');
    return 'never';
  };

describe('§2.3 lineage of supervised tasks', () => {
  it('2.3 async: $callers = [caller]; $ancestors start with the supervisor: its pid (current, ✔C8) or its name (otp25, ✔TS1)', () => {
    for (const [semantics, first] of [['current', 'sup pid'], ['otp25', ':tsup']] as const) {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const sup = yield* startSup({ name: 'tsup' });
        const task = yield* TaskSupervisor.async('tsup', function* () {
          return [(yield* get('$callers'))!, (yield* get('$ancestors'))!];
        });
        const [callers, ancestors] = (yield* Task.await(task)) as Term[][];
        const [a0, a1] = ancestors!;
        seen.push(format(callers!) === format([me]), format(a0!) === format(sup) ? 'sup pid' : a0!, format(a1!) === format(me), ancestors!.length);
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['true', first, 'true', '2']);
    }
  });

  it('2.3 start_child: $callers, $ancestors and $initial_call of the fun (✔C9, ✔Q8, ✔X7); the MFA form {m, f, arity} (✔E9)', () => {
    for (const semantics of both) {
      const runs = observe(function* (seen) {
        const me = yield* self();
        yield* startSup({ name: 'tsup' });
        yield* TaskSupervisor.startChild('tsup', function* work() {
          yield* send(me, t('pd', (yield* get('$callers'))!, (yield* get('$initial_call'))!));
          return 'ok';
        });
        seen.push(yield* receive(match.tagged('pd', 3)));
        const W = new ErlModule('Elixir.W', {
          *run(parent: Pid) {
            yield* send(parent, t('pd', (yield* get('$callers'))!, (yield* get('$initial_call'))!));
            return 'ok';
          },
        });
        yield* TaskSupervisor.startChild('tsup', W, 'run', [me]);
        seen.push(yield* receive(match.tagged('pd', 3)));
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['{:pd, [PID], {:js, :work, 0}}', '{:pd, [PID], {W, :run, 1}}']);
    }
  });

  it('2.3 before the work arrives a task has only $ancestors (current, ✔C10); otp25 also $initial_call {Task.Supervised, :reply, 2} (✔Q7c)', () => {
    for (const [semantics, expected] of [
      ['current', ['{:"$ancestors", [PID, PID]}']],
      ['otp25', ['{:"$ancestors", [:tsup, PID]}', '{:"$initial_call", {Task.Supervised, :reply, 2}}']],
    ] as const) {
      const runs = observe(function* (seen) {
        const sup = yield* startSup({ name: 'tsup' });
        const [, pid] = (yield* DynamicSupervisor.startTask(sup, [yield* ownerTuple(), 'monitor'], 'temporary')) as Term[];
        yield* waiting(pid as Pid);
        const dict = (yield* processInfo(pid as Pid, 'dictionary')) as Term[];
        seen.push(...dict.map((e) => format(e)).sort());
      }, { semantics, seeds: 20 });
      expect(always(runs).map((x) => x.replace(/<0\.\d+\.0>/g, 'PID'))).toEqual(expected);
    }
  });
});

describe('§5.6.1 start_link and child_spec', () => {
  it('5.6.1 child_spec: id is the name (or Task.Supervisor), type :supervisor (✔TS6)', () => {
    expect(format(TaskSupervisor.childSpec({ name: 'x' }))).toBe('%{id: :x, start: {Task.Supervisor, :start_link, [[name: :x]]}, type: :supervisor}');
    expect(format(TaskSupervisor.childSpec())).toBe('%{id: Task.Supervisor, start: {Task.Supervisor, :start_link, [[]]}, type: :supervisor}');
    expect(format(TaskSupervisor.childSpec([t('name', t('via', 'Reg', 'k'))]))).toBe('%{id: :k, start: {Task.Supervisor, :start_link, [[name: {:via, :Reg, :k}]]}, type: :supervisor}');
  });

  it('5.6.1 the child spec starts a working supervisor; :name registers it', () => {
    const runs = observe(function* (seen) {
      const [m, f, a] = TaskSupervisor.childSpec({ name: 'tsup' })['start'] as Term[];
      const [ok] = (yield* (m as ErlModule).exports[f as string]!(...(a as Term[]))) as Term[];
      seen.push(ok!, yield* Task.await(yield* TaskSupervisor.async('tsup', () => 'hi')));
    }, { seeds: 10 });
    expect(always(runs)).toEqual([':ok', ':hi']);
  });
});

describe('§5.6.2 task child specs (rules 96-97)', () => {
  for (const semantics of both) {
    it(`5.6.2 tasks are :worker children with modules [Task.Supervised], not linked to the caller (✔TS4, ✔TS5, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const sup = yield* startSup();
        const [, pid] = (yield* TaskSupervisor.startChild(sup, function* () { yield* sleep(100); return 1; })) as Term[];
        const task = yield* TaskSupervisor.asyncNolink(sup, function* () { yield* sleep(100); return 1; });
        seen.push(...(yield* DynamicSupervisor.whichChildren(sup)));
        const links = ((yield* processInfo(me, 'links')) as Term[]).map((l) => format(l));
        seen.push(links.includes(format(pid!)), links.includes(format(task.pid)), links.includes(format(sup)));
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual([
        '{:undefined, PID, :worker, [Task.Supervised]}',
        '{:undefined, PID, :worker, [Task.Supervised]}',
        'false',
        'false',
        'true',
      ]);
    });

    it(`5.6.2 restart :temporary: a crashed task is not restarted (${semantics})`, () => {
      const runs = observe(function* (seen) {
        const sup = yield* startSup();
        const task = yield* TaskSupervisor.asyncNolink(sup, () => exit('boom'));
        seen.push(yield* Task.yield(task, 1000));
        seen.push(yield* childrenAfter(sup, task.pid));
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['{:exit, :boom}', '[]']);
    });

    it(`5.6.2 shutdown 5000: terminate_child gives a trapping task 5000 ms, then kills it (✔S1); :brutal_kill kills at once (${semantics})`, () => {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const sup = yield* startSup();
        for (const options of [{}, { shutdown: 'brutal_kill' }] as TaskSupervisor.StartChildOptions[]) {
          const [, pid] = (yield* TaskSupervisor.startChild(sup, trappingForever(me), options)) as Term[];
          yield* receive(match.tagged('trapping', 2));
          const ref = yield* monitor(pid as Pid);
          const t0 = yield* now();
          seen.push(yield* TaskSupervisor.terminateChild(sup, pid as Pid));
          seen.push((yield* receive(match.down(ref)))[4]!, (yield* now()) - t0 >= 5000 ? '≥ 5000 ms' : '< 5000 ms');
        }
      }, { semantics, seeds: 10 });
      expect(always(runs)).toEqual([':ok', ':killed', '≥ 5000 ms', ':ok', ':killed', '< 5000 ms']);
    });

    it(`5.6.2 start_child restart: :transient restarts an abnormally exiting task (✔TS4b, ✔E8b, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const sup = yield* startSup();
        const W = new ErlModule('Elixir.W', {
          *run(parent: Pid) {
            yield* send(parent, t('ran', yield* self()));
            yield* sleep('infinity');
            return 'never';
          },
        });
        const [, pid] = (yield* TaskSupervisor.startChild(sup, W, 'run', [me], { restart: 'transient' })) as Term[];
        yield* receive(match.tagged('ran', 2));
        yield* exitSignal(pid as Pid, 'boom');
        const [, again] = yield* receive(match.tagged('ran', 2));
        seen.push(format(again!) !== format(pid!), (yield* TaskSupervisor.children(sup)).length);
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['true', '1']);
    });
  }
});

describe('§5.6.3 async', () => {
  for (const semantics of both) {
    it(`5.6.3 async links the caller to the task and replies like Task.async (✔TS1, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const sup = yield* startSup();
        const task = yield* TaskSupervisor.async(sup, function* () { yield* sleep(10); return 'v'; });
        const links = ((yield* processInfo(yield* self(), 'links')) as Term[]).map((l) => format(l));
        seen.push(task, links.includes(format(task.pid)), yield* Task.await(task));
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['%Task{mfa: {:erlang, :apply, 2}, owner: PID, pid: PID, ref: REF}', 'true', ':v']);
    });

    it(`5.6.3 max_children reached: async* raise RuntimeError in the caller (✔TS9, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const sup = yield* startSup({ maxChildren: 1 });
        yield* TaskSupervisor.asyncNolink(sup, function* () { yield* sleep(100); return 1; });
        seen.push(yield* exitOf(() => TaskSupervisor.asyncNolink(sup, () => 1)));
        seen.push(yield* exitOf(() => TaskSupervisor.async(sup, () => 1)));
      }, { semantics, seeds: 10 });
      const message =
        'reached the maximum number of tasks for this task supervisor. The maximum number of tasks that are allowed to run at the same time under this supervisor can be configured with the :max_children option passed to Task.Supervisor.start_link/1';
      expect(always(runs)).toEqual([`{:error, %RuntimeError{message: "${message}"}}`, `{:error, %RuntimeError{message: "${message}"}}`]);
    });

    it(`5.6.3 a task waiting for its work exits {:shutdown, owner_reason} when the owner dies (✔Q10, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const sup = yield* startSup();
        const owner = yield* spawn(function* () {
          const [, pid] = (yield* DynamicSupervisor.startTask(sup, [yield* ownerTuple(), 'monitor'], 'temporary')) as Term[];
          // Barrier: the task's monitor on this owner is in place.
          while (!((yield* processInfo(yield* self(), 'monitored_by')) as Term[]).some((p) => format(p) === format(pid!))) yield* yieldNow();
          yield* send(me, t('task', pid!));
          yield* receive(match.eq('die'));
          exit('owner_bye');
        });
        const [, pid] = yield* receive(match.tagged('task', 2));
        const ref = yield* monitorSure(pid as Pid);
        yield* send(owner, 'die');
        seen.push((yield* receive(match.down(ref)))[4]!);
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['{:shutdown, :owner_bye}']);
    });

    it(`5.6.3 a task that gets no work within 5000 ms exits :timeout (✔Q9, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const sup = yield* startSup();
        const t0 = yield* now();
        const [, pid] = (yield* DynamicSupervisor.startTask(sup, [yield* ownerTuple(), 'monitor'], 'temporary')) as Term[];
        const ref = yield* monitorSure(pid as Pid);
        seen.push((yield* receive(match.down(ref)))[4]!, (yield* now()) - t0 >= 5000);
        seen.push(yield* childrenAfter(sup, pid!));
      }, { semantics, seeds: 10 });
      expect(always(runs)).toEqual([':timeout', 'true', '[]']);
    });

    it(`5.6.3 the :shutdown option of async sets the child's shutdown (${semantics})`, () => {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const sup = yield* startSup();
        const task = yield* TaskSupervisor.asyncNolink(sup, trappingForever(me), { shutdown: 300 });
        yield* receive(match.tagged('trapping', 2));
        const t0 = yield* now();
        seen.push(yield* TaskSupervisor.terminateChild(sup, task.pid as Pid));
        const elapsed = (yield* now()) - t0;
        seen.push(elapsed >= 300 && elapsed < 5000, yield* Task.yield(task, 1000));
      }, { semantics, seeds: 10 });
      expect(always(runs)).toEqual([':ok', 'true', '{:exit, :killed}']);
    });
  }
});

describe('§5.6.4 async_nolink', () => {
  for (const semantics of both) {
    it(`5.6.4 a crash reaches the caller only as {:DOWN, ref, :process, pid, reason} (✔TS2, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const sup = yield* startSup();
        const task = yield* TaskSupervisor.asyncNolink(sup, () => exit('oops'));
        const down = yield* receive(match.down(task.ref));
        seen.push(down, format(down[3]!) === format(task.pid));
        yield* sleep(50);
        seen.push((yield* processInfo(yield* self(), 'messages'))!);
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['{:DOWN, REF, :process, PID, :oops}', 'true', '[]']);
    });

    it(`5.6.4 success: {ref, result} then {:DOWN, ref, :process, pid, :normal} (✔TS3, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const sup = yield* startSup();
        yield* TaskSupervisor.asyncNolink(sup, () => 'v');
        seen.push(yield* receive(), yield* receive());
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['{REF, :v}', '{:DOWN, REF, :process, PID, :normal}']);
    });

    it(`5.6.4 await timeout on a nolink task: the task keeps running, its late reply is dropped (✔TS8, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const sup = yield* startSup();
        const task = yield* TaskSupervisor.asyncNolink(sup, function* () { yield* sleep(200); return 'late'; });
        const ref = yield* monitor(task.pid as Pid);
        seen.push(yield* exitOf(() => Task.await(task, 50)));
        seen.push((yield* receive(match.down(ref)))[4]!);
        seen.push((yield* processInfo(yield* self(), 'messages'))!);
      }, { semantics, seeds: 20 });
      const [reason, down, mailbox] = always(runs);
      expect(reason).toMatch(/^\{:timeout, \{Task, :await, \[%Task\{.*\}, 50\]\}\}$/);
      expect([down, mailbox]).toEqual([':normal', '[]']);
    });

    // Measured on Elixir 1.14 / OTP 25 and 1.18 / OTP 27 (tasks exiting :bad, returning 2, sleeping
    // 200 ms; yield_many(…, 100)): [{:exit, :bad}, {:ok, 2}, nil] and an empty mailbox right after.
    it(`5.3.2 yield_many over nolink tasks: a crashed task gives {:exit, reason}, its DOWN is consumed (${semantics})`, () => {
      const runs = observe(function* (seen) {
        const sup = yield* startSup();
        const tasks = [
          yield* TaskSupervisor.asyncNolink(sup, () => exit('bad')),
          yield* TaskSupervisor.asyncNolink(sup, () => 2),
          yield* TaskSupervisor.asyncNolink(sup, function* () { yield* sleep(200); return 3; }),
        ];
        seen.push((yield* Task.yieldMany(tasks, 100)).map((r) => r[1]!));
        seen.push((yield* processInfo(yield* self(), 'messages'))!);
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual(['[{:exit, :bad}, {:ok, 2}, nil]', '[]']);
    });
  }
});

describe('§5.6.5 start_child', () => {
  for (const semantics of both) {
    it(`5.6.5 {:ok, pid}, then {:error, :max_children} (✔TS9b, rule 97, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const sup = yield* startSup({ maxChildren: 1 });
        const [ok] = (yield* TaskSupervisor.startChild(sup, function* () { yield* sleep(100); return 1; })) as Term[];
        seen.push(ok!, yield* TaskSupervisor.startChild(sup, () => 1));
        const W = new ErlModule('Elixir.W', { run: () => 1 });
        seen.push(yield* TaskSupervisor.startChild(sup, W, 'run', []));
      }, { semantics, seeds: 10 });
      expect(always(runs)).toEqual([':ok', '{:error, :max_children}', '{:error, :max_children}']);
    });
  }

  it('E8: with the deprecated default restart: :transient, current answers the fun form {:restart, :transient} and retries the MFA form; otp25 starts both (✔E8)', () => {
    for (const [semantics, funResult] of [['current', '{:restart, :transient}'], ['otp25', '{:ok, PID}']] as const) {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const sup = yield* startSup({ restart: 'transient' });
        seen.push(yield* TaskSupervisor.startChild(sup, function* () { yield* sleep('infinity'); return 1; }));
        const W = new ErlModule('Elixir.W', {
          *run(parent: Pid) {
            yield* send(parent, t('ran', yield* self()));
            yield* sleep('infinity');
            return 'never';
          },
        });
        const [ok, pid] = (yield* TaskSupervisor.startChild(sup, W, 'run', [me])) as Term[];
        yield* receive(match.tagged('ran', 2));
        yield* exitSignal(pid as Pid, 'boom');
        const [, again] = yield* receive(match.tagged('ran', 2));
        seen.push(ok!, format(again!) !== format(pid!));
      }, { semantics, seeds: 10 });
      expect(always(runs)).toEqual([funResult, ':ok', 'true']);
    }
  });
});

describe('§5.6.6 streams', () => {
  const RACE = /\{:(badmatch|case_clause), |exit: :(normal|noproc)|^:noproc$/;
  /** See task_stream.test.ts: schedules where a signal overtakes a causally earlier one from another sender are set aside. */
  const clean = (runs: string[][]) => {
    const ok = runs.filter((r) => !r.some((x) => RACE.test(x)));
    expect(ok.length).toBeGreaterThanOrEqual(Math.ceil(runs.length * 0.7));
    return always(ok);
  };
  function* items(op: Op<Term>): Op<Term> {
    try {
      return yield* op;
    } catch (e) {
      const c = caught(e);
      if (c.kind === 'error') return t('race', c.error);
      throw e;
    }
  }

  for (const semantics of both) {
    it(`5.6.6 async_stream_nolink: a crash is an {:exit, reason} item, the caller survives (✔TS7, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const sup = yield* startSup();
        const s = yield* TaskSupervisor.asyncStreamNolink(sup, [1, 2], (x) => (x === 2 ? exit('bad') : x));
        seen.push(yield* items(s.toList()));
        seen.push(format((yield* processInfo(yield* self(), 'links'))!) === format([sup]) ? 'linked to sup only' : 'other links');
      }, { semantics, seeds: 30 });
      expect(clean(runs)).toEqual(['[ok: 1, exit: :bad]', 'linked to sup only']);
    });

    it(`5.6.6 async_stream: tasks are linked, a crash kills a non-trapping caller (${semantics})`, () => {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const sup = yield* startSup();
        const [, ref] = yield* spawnMonitor(function* () {
          const s = yield* TaskSupervisor.asyncStream(sup, [1, 2], (x) => (x === 2 ? exit('bad') : x));
          yield* send(me, t('items', yield* s.toList()));
        });
        seen.push((yield* receive(match.down(ref)))[4]!);
      }, { semantics, seeds: 30 });
      expect(clean(runs)).toEqual([':bad']);
    });

    it(`5.6.6 stream tasks run under the supervisor (ancestors) with the stream caller in $callers (${semantics})`, () => {
      const runs = observe(function* (seen) {
        const me = yield* self();
        const sup = yield* startSup();
        const s = yield* TaskSupervisor.asyncStream(sup, [1], function* () {
          const ancestors = (yield* get('$ancestors')) as Term[];
          return t(format((yield* get('$callers'))!) === format([me]), format(ancestors[ancestors.length - 1]!) === format(me));
        });
        seen.push(yield* items(s.toList()));
      }, { semantics, seeds: 20 });
      expect(clean(runs)).toEqual(['[ok: {true, true}]']);
    });

    it(`5.6.6/rule 98 max_children in a stream raises RuntimeError in the caller (✔S4, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const sup = yield* startSup({ maxChildren: 1 });
        yield* TaskSupervisor.startChild(sup, function* () { yield* sleep(200); return 1; });
        const s = yield* TaskSupervisor.asyncStream(sup, [1, 2], (x) => x);
        seen.push(yield* exitOf(() => s.toList()));
      }, { semantics, seeds: 10 });
      expect(always(runs)[0]).toMatch(/^\{:error, %RuntimeError\{message: "reached the maximum number of tasks for this task supervisor\. .*When using async_stream or async_stream_nolink, make sure to configure :max_concurrency to be lower or equal to :max_children/);
    });
  }

  it('5.6.6 :shutdown is validated when the stream is built in current; not at all in otp25 (✔S5)', () => {
    const current = observe(function* (seen) {
      const sup = yield* startSup();
      seen.push(yield* exitOf(() => TaskSupervisor.asyncStream(sup, [1], (x) => x, { shutdown: -1 })));
    }, { semantics: 'current', seeds: 5 });
    expect(always(current)).toEqual(['{:error, %ArgumentError{message: ":shutdown must be either a positive integer or :brutal_kill"}}']);
    const otp25 = observe(function* (seen) {
      const sup = yield* startSup();
      yield* TaskSupervisor.asyncStream(sup, [1], (x) => x, { shutdown: -1 });
      seen.push('built');
    }, { semantics: 'otp25', seeds: 5 });
    expect(always(otp25)).toEqual([':built']);
  });
});

describe('§5.6.7 stopping the supervisor', () => {
  for (const semantics of both) {
    it(`5.6.7 the owner of a linked async task dies :shutdown (✔M11); a nolink owner sees {:exit, :shutdown} (✔C14, ${semantics})`, () => {
      const runs = observe(function* (seen) {
        const [, ref] = yield* spawnMonitor(function* () {
          const sup = yield* startSup();
          yield* TaskSupervisor.async(sup, function* () { yield* sleep('infinity'); return 1; });
          yield* unlink(sup);
          yield* GenServer.stop(sup, 'shutdown');
          yield* sleep(100);
        });
        seen.push((yield* receive(match.down(ref)))[4]!);

        yield* trapExit(true);
        const sup2 = yield* startSup();
        const task = yield* TaskSupervisor.asyncNolink(sup2, function* () { yield* sleep('infinity'); return 1; });
        seen.push(yield* GenServer.stop(sup2, 'shutdown'));
        seen.push(yield* Task.yield(task, 100));
      }, { semantics, seeds: 20 });
      expect(always(runs)).toEqual([':shutdown', ':ok', '{:exit, :shutdown}']);
    });
  }
});

describe('§5.6.8 inside a GenServer', () => {
  it('5.6.8 handle_info gets {ref, result} (then demonitor with :flush) or {:DOWN, ref, :process, pid, reason}', () => {
    const runs = observe(function* (seen) {
      yield* startSup({ name: 'tsup' });
      const Owner = GenServer.defmodule('Owner', {
        init: () => t('ok', []),
        *handleCall(req, _from, log) {
          const task = yield* TaskSupervisor.asyncNolink('tsup', () => (req === 'crash' ? exit('failed') : t('done', req)));
          return t('reply', 'ok', [...(log as Term[]), t('started', req, task.ref)]);
        },
        *handleInfo(msg, log) {
          if (Array.isArray(msg) && msg.length === 2) {
            yield* demonitor(msg[0] as Ref, { flush: true });
            return t('noreply', [...(log as Term[]), t('result', msg[1]!)]);
          }
          return t('noreply', [...(log as Term[]), t('down', (msg as Term[])[4]!)]);
        },
      });
      const [, pid] = (yield* GenServer.start(Owner, 0)) as Term[];
      yield* GenServer.call(pid!, 'ok');
      yield* GenServer.call(pid!, 'crash');
      yield* sleep(50);
      const log = (yield* GenServer.getState(pid!)) as Term[];
      seen.push(...log.filter((e) => (e as Term[])[0] !== 'started'));
    }, { seeds: 20 });
    expect(always(runs)).toEqual(['{:result, {:done, :ok}}', '{:down, :failed}']);
  });
});


describe('supervision.md §10', () => {
  it('rule 96: the deprecated :shutdown of start_link becomes the tasks\' default shutdown (✔S2)', () => {
    const runs = observe(function* (seen) {
      const me = yield* self();
      const sup = yield* startSup({ shutdown: 100 });
      const [, pid] = (yield* TaskSupervisor.startChild(sup, trappingForever(me))) as Term[];
      yield* receive(match.tagged('trapping', 2));
      const t0 = yield* now();
      seen.push(yield* TaskSupervisor.terminateChild(sup, pid as Pid));
      const elapsed = (yield* now()) - t0;
      seen.push(elapsed >= 100 && elapsed < 200);
    }, { seeds: 10 });
    expect(always(runs)).toEqual([':ok', 'true']);
  });

  it('rule 98: async tasks are temporary even when the default restart is :transient (✔S6)', () => {
    for (const semantics of both) {
      const runs = observe(function* (seen) {
        const sup = yield* startSup({ restart: 'transient' });
        const task = yield* TaskSupervisor.asyncNolink(sup, () => exit('boom'));
        seen.push(yield* Task.yield(task, 100));
        seen.push(yield* childrenAfter(sup, task.pid));
      }, { semantics, seeds: 10 });
      expect(always(runs)).toEqual(['{:exit, :boom}', '[]']);
    }
  });

  it('rule 99: children lists pids; terminate_child of an unknown pid is {:error, :not_found} (✔S3)', () => {
    const runs = observe(function* (seen) {
      const sup = yield* startSup();
      const [, pid] = (yield* TaskSupervisor.startChild(sup, function* () { yield* sleep('infinity'); return 1; })) as Term[];
      seen.push(format(yield* TaskSupervisor.children(sup)) === format([pid!]));
      seen.push(yield* TaskSupervisor.terminateChild(sup, yield* self()));
      seen.push(yield* TaskSupervisor.terminateChild(sup, pid as Pid), yield* TaskSupervisor.children(sup));
    }, { seeds: 10 });
    expect(always(runs)).toEqual(['true', '{:error, :not_found}', ':ok', '[]']);
  });
});

