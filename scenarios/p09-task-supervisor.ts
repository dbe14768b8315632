/**
 * Pattern 9 — Task Supervisor as a DynamicSupervisor specialization: the seed's four examples,
 * ported.
 *
 * Why (seed): "Task.Supervisor adds task-specific behavior (caller tracking, async/nolink patterns,
 * stream support) on top of the generic dynamic supervision infrastructure." / "Task.Supervisor is
 * purpose-built for Task processes. It adds caller tracking, $callers propagation, and task-specific
 * APIs. For anything that isn't a Task, use DynamicSupervisor."
 *
 * - `MyApp.Workers` before (`DynamicSupervisor.start_child(MyApp.WorkerSup, %{id: make_ref(),
 *   start: {Task, :start_link, [fun]}, restart: :temporary})`) and after
 *   (`Task.Supervisor.async_nolink(MyApp.TaskSupervisor, fn -> work() end)` under
 *   `{Task.Supervisor, name: MyApp.TaskSupervisor}`). Request processes start jobs that run for a
 *   generated time and may fail; each job logs its `$callers` as Logger metadata would. Claim (the
 *   before's "No caller tracking, no async_nolink"): *a job knows the process it works for — its
 *   `$callers` starts with that caller — and its outcome reaches that caller* (`{ref, result}`, or a
 *   DOWN when it fails). Before: `Task.start_link/1` runs inside the DynamicSupervisor, so
 *   `$callers` is `[WorkerSup]` and nothing comes back. (Checked on Elixir 1.14 / OTP 25 and
 *   Elixir 1.18 / OTP 27: `[#PID<WorkerSup>]` vs `[caller]`.)
 * - the "Task.Supervisor to start GenServers" over (`Task.Supervisor.start_child(sup, fn ->
 *   {:ok, _} = MyApp.Worker.start_link(args); Process.sleep(:infinity) end)`) and better
 *   (`DynamicSupervisor.start_child(MyApp.WorkerSupervisor, {MyApp.Worker, args})`). A client makes
 *   requests to the worker and now and then sends it a poison message that crashes it (times from
 *   the input; at most three, within DynamicSupervisor's default intensity). Claim: *the GenServer is
 *   supervised as a worker: after a crash it is restarted and later requests are served*. Over: the
 *   worker is linked to a temporary task, the crash takes the task down with it and nothing restarts
 *   either, so every later request exits `:noproc`.
 *
 * What the seed says agrees with OTP here; no correction was needed.
 */
import fc from 'fast-check';
import {
  DynamicSupervisor,
  GenServer,
  Pid,
  Ref,
  Supervisor,
  Task,
  TaskSupervisor,
  Tuple,
  caught,
  equals,
  exception,
  fails,
  format,
  get,
  holds,
  isTagged,
  makeRef,
  processInfo,
  raise,
  report,
  runProblem,
  self,
  sleep,
  spawn,
  t,
  trapExit,
  type CheckResult,
  type ErlModule,
  type Op,
  type Outcome,
  type ProcessBody,
  type Target,
  type Term,
  type TermObject,
} from '../src/index.js';
import { callersOf } from '../models/p09-task-supervisor.js';

const ID = 'p09-task-supervisor';
const WORKER_SUP = 'Elixir.MyApp.WorkerSup';
const WORKER_SUPERVISOR = 'Elixir.MyApp.WorkerSupervisor';
const TASK_SUPERVISOR = 'Elixir.MyApp.TaskSupervisor';
const show = (x: Term): string => format(x, { maxLength: 200 });

// ------------------------------------------------------------------------------- MyApp.Workers

interface Job {
  /** When the request process starts the job. */
  readonly at: number;
  readonly ms: number;
  readonly fails: boolean;
}

interface JobsInput {
  readonly jobs: Job[];
}

const jobsInput: fc.Arbitrary<JobsInput> = fc.record({
  jobs: fc.array(fc.record({ at: fc.integer({ min: 0, max: 500 }), ms: fc.integer({ min: 0, max: 500 }), fails: fc.boolean() }), { minLength: 1, maxLength: 4 }),
});

/** `work()` for job `i`: logs with the process's `$callers` (as Logger metadata does), works, returns or raises. */
function work(i: number, job: Job): () => Op<Term> {
  return function* () {
    yield* report('job.run', { i, callers: (yield* get('$callers')) ?? 'nil' });
    if (job.ms > 0) yield* sleep(job.ms);
    if (job.fails) return raise('RuntimeError', `job ${i} failed`);
    return t('done', i);
  };
}

/** before: `MyApp.Workers.start_task(fun)` on a plain DynamicSupervisor. */
function* startTaskBefore(fun: () => Op<Term>): Op<Term> {
  const spec = { id: yield* makeRef(), start: t(Task.TaskModule, 'start_link', [fun]), restart: 'temporary' };
  return yield* DynamicSupervisor.startChild(WORKER_SUP, spec);
  // No caller tracking, no async_nolink, no stream support
  // Must manually build all of that
}

/** after: `Task.Supervisor.async_nolink(MyApp.TaskSupervisor, fn -> work() end)`. */
function* startTaskAfter(fun: () => Op<Term>): Op<Term> {
  return yield* TaskSupervisor.asyncNolink(TASK_SUPERVISOR, fun);
}

const SETTLE_MS = 50;

function jobsProgram(children: () => Term[], startTask: (fun: () => Op<Term>) => Op<Term>) {
  return (input: JobsInput): ProcessBody =>
    function* () {
      yield* trapExit(true);
      yield* Supervisor.startLink(children(), { strategy: 'one_for_one' });
      for (const [i, job] of input.jobs.entries()) {
        yield* spawn(function* () {
          if (job.at > 0) yield* sleep(job.at);
          yield* report('request.start', { i });
          yield* startTask(work(i, job));
          yield* sleep(job.ms + SETTLE_MS);
          yield* report('request.mailbox', { i, messages: (yield* processInfo(yield* self(), 'messages'))! });
        }, { label: `request${i}` });
      }
      yield* sleep(Math.max(...input.jobs.map((j) => j.at + j.ms)) + 2 * SETTLE_MS);
    };
}

/** The job's outcome as its caller sees it: `{ref, {:done, i}}`, or a DOWN with the job's exception. */
function outcomeReached(messages: Term[], i: number, job: Job): boolean {
  const failure = t(exception('RuntimeError', `job ${i} failed`), []);
  return messages.some((m) =>
    job.fails ? isTagged(m, 'DOWN', 5) && equals(m[4]!, failure) : m instanceof Tuple && m.length === 2 && m[0] instanceof Ref && equals(m[1]!, t('done', i)),
  );
}

/** `<0.2.0> (MyApp.WorkerSup)`: a pid with the name it registered, if any. */
function named(o: Outcome<unknown>, x: Term): string {
  if (!(x instanceof Pid)) return show(x);
  const reg = o.run.trace.find((e) => e.k === 'register' && e.pid.id === x.id);
  return reg && reg.k === 'register' ? `${show(x)} (${format(reg.name)})` : show(x);
}

function callerTracked(o: Outcome<JobsInput>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const requester = new Map<number, Pid>();
  const callers = new Map<number, Term>();
  const mailboxes = new Map<number, Term[]>();
  for (const e of o.run.trace) {
    if (e.k !== 'report') continue;
    const d = e.data as TermObject;
    if (e.name === 'request.start') requester.set(d['i'] as number, e.pid);
    if (e.name === 'job.run') callers.set(d['i'] as number, d['callers']!);
    if (e.name === 'request.mailbox') mailboxes.set(d['i'] as number, d['messages'] as Term[]);
  }
  for (const [i, job] of o.input.jobs.entries()) {
    const caller = requester.get(i);
    if (!caller) return fails(`request ${i} never started its job`);
    const want = callersOf<Term>(caller, []);
    const got = callers.get(i);
    if (got === undefined) return fails(`job ${i} never ran`);
    if (!Array.isArray(got) || !equals(got[0]!, caller)) {
      const who = Array.isArray(got) ? `[${got.map((p) => named(o, p)).join(', ')}]` : show(got);
      return fails(
        `job ${i}, started by request process ${show(caller)}, runs with $callers ${who}: the caller is not tracked (expected ${show(want)}) — Task.start_link/1 ran inside the supervisor — so Logger metadata, test sandboxes and tracing lose who the work is for`,
      );
    }
    const box = mailboxes.get(i) ?? [];
    if (!outcomeReached(box, i, job)) {
      return fails(`job ${i} (${job.ms} ms, ${job.fails ? 'fails' : 'succeeds'}): its ${job.fails ? 'failure' : 'result'} never reached the request process ${show(caller)} (its mailbox: ${show(box)})`);
    }
  }
  return holds;
}

// ------------------------------------------------------------------------------- MyApp.Worker

/** `MyApp.Worker`: a GenServer registered under `args`; `:work` answers `{:done, n}`, a `:poison` cast crashes it. */
function workerModule(): ErlModule {
  const mod: ErlModule = GenServer.defmodule('MyApp.Worker', {
    init: () => t('ok', 0),
    handleCall(_request: Term, _from, n: number) {
      return t('reply', t('done', n), n + 1);
    },
    handleCast(request: Term) {
      if (request === 'poison') return raise('RuntimeError', 'poisoned');
      return t('noreply', 0);
    },
    startLink: (args: Term) => GenServer.startLink(mod, args, { name: args }),
  });
  return mod;
}

const WORKER = 'worker';

interface Event {
  /** Pause before the event. */
  readonly gapMs: number;
  readonly kind: 'work' | 'poison';
}

interface WorkerInput {
  readonly events: Event[];
}

const workerInput: fc.Arbitrary<WorkerInput> = fc
  .array(fc.record({ gapMs: fc.integer({ min: 20, max: 500 }), kind: fc.constantFrom<'work' | 'poison'>('work', 'poison') }), { minLength: 1, maxLength: 8 })
  // At most three crashes: DynamicSupervisor's default intensity is 3 restarts in 5 s.
  .filter((events) => events.filter((e) => e.kind === 'poison').length <= 3)
  .map((events) => ({ events: [...events, { gapMs: 20, kind: 'work' as const }] }));

/** over: the GenServer lives inside a task of the Task.Supervisor. */
function* startWorkerOver(Worker: ErlModule, args: Term): Op<Term> {
  return yield* TaskSupervisor.startChild(TASK_SUPERVISOR, function* () {
    // This spawns a Task that starts a GenServer... awkward
    const started = (yield* (Worker.exports['start_link']!(args) as Op<Term>)) as Tuple; // MyApp.Worker.start_link(args)
    if (started[0] !== 'ok') return raise('MatchError', `no match of right hand side value: ${format(started)}`);
    return yield* sleep('infinity'); // Keep the task alive??
  });
}

/** better: `DynamicSupervisor.start_child(MyApp.WorkerSupervisor, {MyApp.Worker, args})`. */
function* startWorkerBetter(Worker: ErlModule, args: Term): Op<Term> {
  return yield* DynamicSupervisor.startChild(WORKER_SUPERVISOR, t(Worker, args));
}

function workerProgram(children: () => Term[], startWorker: (Worker: ErlModule, args: Term) => Op<Term>) {
  return (input: WorkerInput): ProcessBody =>
    function* () {
      yield* trapExit(true);
      yield* Supervisor.startLink(children(), { strategy: 'one_for_one' });
      yield* report('worker.start', { result: yield* startWorker(workerModule(), WORKER) });
      for (const [k, ev] of input.events.entries()) {
        yield* sleep(ev.gapMs);
        if (ev.kind === 'poison') {
          yield* GenServer.cast(WORKER, 'poison');
          yield* report('event', { k, kind: 'poison' });
          continue;
        }
        try {
          yield* report('event', { k, kind: 'work', answer: yield* GenServer.call(WORKER, 'work') });
        } catch (e) {
          const ex = caught(e);
          if (ex.kind !== 'exit') throw e;
          yield* report('event', { k, kind: 'work', exit: ex.reason });
        }
      }
    };
}

function workerSupervised(o: Outcome<WorkerInput>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  let crashes = 0;
  /** The worker's incarnations (pids registered as `:worker`) and how each ended. */
  const incarnations: Pid[] = [];
  const exits = new Map<number, Term>();
  const diedWith = (reason: Term) => o.run.trace.filter((e) => e.k === 'exit' && equals(e.reason, reason)).length;
  for (const e of o.run.trace) {
    if (e.k === 'register' && e.name === WORKER) incarnations.push(e.pid);
    if (e.k === 'exit') exits.set(e.pid.id, e.reason);
    if (e.k !== 'report' || e.name !== 'event') continue;
    const d = e.data as TermObject;
    if (d['kind'] === 'poison') {
      crashes++;
      continue;
    }
    if (d['exit'] !== undefined) {
      const last = incarnations.at(-1);
      const reason = last ? exits.get(last.id) : undefined;
      const why =
        reason === undefined
          ? 'was not running'
          : `crashed with ${show(reason)} and was not restarted (${incarnations.length} incarnation(s) in all; ${diedWith(reason)} processes died with that reason — the worker and the temporary task it was linked to)`;
      return fails(`request ${String(d['k'])} to the worker at ${e.t} ms exited ${show(d['exit']!)} after ${crashes} crash(es): the worker ${why}`);
    }
    if (!isTagged(d['answer'], 'done', 2)) return fails(`request ${String(d['k'])} got ${show(d['answer']!)}`);
  }
  return holds;
}

// ------------------------------------------------------------------------------- variants

const dynamicSupervisorChild = (name: string): Term => t(DynamicSupervisor.MODULE, [t('name', name), t('strategy', 'one_for_one')]);
const taskSupervisorChild = (): Term => t(TaskSupervisor.TaskSupervisorModule, [t('name', TASK_SUPERVISOR)]);

const trackingClaim = 'Use Task.Supervisor — it handles caller tracking, owner propagation, and proper shutdown';
const nonTaskClaim = "Task.Supervisor is purpose-built for Task processes … For anything that isn't a Task, use DynamicSupervisor";

export const variants: Array<Target<JobsInput> | Target<WorkerInput>> = [
  {
    id: `${ID}/before`,
    title: 'tasks on a plain DynamicSupervisor: is the caller tracked, does the result come back?',
    claim: trackingClaim,
    input: jobsInput,
    program: jobsProgram(() => [dynamicSupervisorChild(WORKER_SUP)], startTaskBefore),
    check: callerTracked,
    expect: 'fails',
  },
  {
    id: `${ID}/after`,
    title: 'Task.Supervisor.async_nolink: the job records its caller and its outcome reaches it',
    claim: trackingClaim,
    input: jobsInput,
    program: jobsProgram(() => [taskSupervisorChild()], startTaskAfter),
    check: callerTracked,
    expect: 'holds',
  },
  {
    id: `${ID}/over`,
    title: 'a GenServer started inside a Task.Supervisor task is not restarted after a crash',
    claim: nonTaskClaim,
    input: workerInput,
    program: workerProgram(() => [taskSupervisorChild()], startWorkerOver),
    check: workerSupervised,
    expect: 'fails',
  },
  {
    id: `${ID}/better`,
    title: 'a GenServer under DynamicSupervisor is restarted after a crash and keeps serving',
    claim: nonTaskClaim,
    input: workerInput,
    program: workerProgram(() => [dynamicSupervisorChild(WORKER_SUPERVISOR)], startWorkerBetter),
    check: workerSupervised,
    expect: 'holds',
  },
];
