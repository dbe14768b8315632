/**
 * Pattern 3 — Supervision strategies: the seed's four examples, ported.
 *
 * Why (seed): "Restart strategies model dependency graphs. Using :one_for_all for independent
 * workers causes unnecessary restarts, losing in-progress work for no benefit." … "If process B
 * depends on process A's state and A crashes, B will be working with stale assumptions."
 *
 * - before (`MyApp.DataPipeline` with `strategy: :one_for_one`) and after (`:rest_for_one`)
 *   supervise DataSource → Transformer → Sink, where the Transformer keeps the DataSource pid it
 *   found at start (scenarios/support/pipeline.ts). Crashes of any stage come from the generated
 *   input. Claim: *"If DataSource crashes, Transformer has a stale reference!"* — so the check is:
 *   once the crashes are over, the running Transformer's DataSource reference is the running
 *   DataSource, and that DataSource's items reach the Sink.
 * - over (`MyApp.Workers` — EmailWorker, SMSWorker, PushWorker under `:one_for_all`) and better
 *   (`:one_for_one`) run jobs that take virtual time while workers crash. Claim: *"If email
 *   crashes, why restart SMS and Push? They're independent!"* — a crash never makes the
 *   supervisor terminate an independent sibling (and lose its job in progress).
 *
 * At most three crashes are injected, so the default intensity (3 restarts in 5 s) is exceeded
 * only when crashes coincide and a restart fails and is retried (a Transformer starting while its
 * DataSource dies); the supervisor then stops every stage, and the pipeline claim has nothing left
 * to judge — escalation is pattern 4's subject. The strategies themselves are checked against
 * their model by properties/p03-supervision-strategies.ts.
 */
import fc from 'fast-check';
import {
  GenServer,
  Pid,
  Supervisor,
  TIMEOUT,
  exitSignal,
  fails,
  format,
  holds,
  isTagged,
  match,
  now,
  receive,
  report,
  send,
  sleep,
  spawn,
  t,
  traceQuery,
  trapExit,
  whereis,
  type CheckResult,
  type Op,
  type Outcome,
  type Target,
  type Term,
  type TermObject,
} from '../src/index.js';
import { STAGES, WORKERS, notificationWorkers, pipeline, sendJob, stageName, workerName, type StageId, type WorkerId } from './support/pipeline.js';

const HORIZON_MS = 12_000;
type Strategy = 'one_for_one' | 'rest_for_one' | 'one_for_all';
type CrashReason = 'boom' | 'kill' | 'normal' | 'shutdown';

/** Runs the supervisor started by `start`, the `faults` body, and reports `end()` at the horizon. */
function* supervise(start: () => Op<Term>, faults: () => Op<void>, end: () => Op<TermObject>): Op<void> {
  yield* trapExit(true);
  const started = yield* start();
  yield* report('case.start', { result: started });
  if (!isTagged(started, 'ok', 2)) return;
  const sup = started[1] as Pid;
  const injector = yield* spawn(faults, { label: 'injector' });
  const down = yield* receive(match.exit(sup), { after: HORIZON_MS });
  yield* exitSignal(injector, 'kill');
  if (down !== TIMEOUT) return;
  yield* report('case.end', yield* end());
  yield* Supervisor.stop(sup, 'shutdown');
}

/** Crashes the process registered as `name` (from inside with `{:crash, r}`, or `Process.exit(pid, :kill)`). */
function* crashNamed(name: string, reason: CrashReason): Op<void> {
  const pid = yield* whereis(name);
  if (!pid) return;
  yield* report('fault.inject', { name, reason });
  if (reason === 'kill') yield* exitSignal(pid, 'kill');
  else yield* send(pid, t('crash', reason));
}

function* waitUntil(at: number): Op<void> {
  const wait = at - (yield* now());
  if (wait > 0) yield* sleep(wait);
}

// ------------------------------------------------------------------------------- before / after

interface PipelineInput {
  readonly crashes: ReadonlyArray<{ readonly at: number; readonly stage: StageId; readonly reason: CrashReason }>;
}

const pipelineInput: fc.Arbitrary<PipelineInput> = fc.record({
  crashes: fc.array(
    fc.record({ at: fc.integer({ min: 0, max: 10_000 }), stage: fc.constantFrom(...STAGES), reason: fc.constantFrom<CrashReason>('boom', 'kill', 'normal', 'shutdown') }),
    { maxLength: 3 },
  ),
});

/**
 * ```elixir
 * defmodule MyApp.DataPipeline do
 *   use Supervisor
 *   def init(_) do
 *     children = [MyApp.DataSource, MyApp.Transformer, MyApp.Sink]
 *     Supervisor.init(children, strategy: :one_for_one)   # before; :rest_for_one after
 *   end
 * end
 * ```
 */
function pipelineProgram(strategy: Strategy) {
  return (input: PipelineInput) =>
    function* (): Op<void> {
      const { DataSource, Transformer, Sink } = pipeline();
      const DataPipeline = Supervisor.defmodule('MyApp.DataPipeline', {
        init: () => Supervisor.init([DataSource, Transformer, Sink], { strategy }),
      });
      yield* supervise(
        () => Supervisor.startLink(DataPipeline, []),
        function* () {
          for (const c of [...input.crashes].sort((a, b) => a.at - b.at)) {
            yield* waitUntil(c.at);
            yield* crashNamed(stageName(c.stage), c.reason);
          }
        },
        function* () {
          const source = (yield* whereis(stageName('DataSource'))) ?? 'nil';
          const transformer = yield* whereis(stageName('Transformer'));
          const reference = transformer ? yield* GenServer.call(transformer, 'source') : 'nil';
          return { source, reference };
        },
      );
    };
}

/** The claim: the Transformer's DataSource reference is the live DataSource, whose items reach the Sink. */
function noStaleReference(o: Outcome<PipelineInput>): CheckResult {
  const v = o.run.verdict;
  if (v.kind === 'divergence') return fails(`the run diverged: ${v.detail}`);
  const trace = o.run.trace;
  const end = traceQuery.reports(trace, 'case.end')[0];
  if (!end) return escalated(trace) ? holds : fails('the pipeline supervisor did not survive to the horizon');
  const { source, reference } = end.data as { source: Term; reference: Term };
  const crashes = traceQuery.reports(trace, 'fault.inject').map((r) => `${(r.data['name'] as string).replace('Elixir.', '')} ${format(r.data['reason']!)} at ${r.t} ms`);
  const live = source instanceof Pid ? source : undefined;
  const written = live ? traceQuery.reports(trace, 'sink.write').filter((w) => w.data['source'] instanceof Pid && (w.data['source'] as Pid).id === live.id).length : 0;
  if (live && (!(reference instanceof Pid) || reference.id !== live.id)) {
    return fails(
      `after ${crashes.join(', ')} the Transformer still holds DataSource ${format(reference)} while the running DataSource is ${format(live)}: a stale reference, ` +
        `so ${written} of the new DataSource's items reached the Sink (the Transformer was not restarted with its dependency)`,
    );
  }
  const produced = live ? traceQuery.reports(trace, 'source.produce').filter((p) => p.pid.id === live.id).length : 0;
  if (live && produced >= 3 && written === 0) return fails(`the running DataSource produced ${produced} items but none reached the Sink (after ${crashes.join(', ')})`);
  return holds;
}

/**
 * Crashes that coincide (say DataSource and Transformer at the same instant) can make a restart
 * fail and be retried, so even three crashes may exceed the intensity: the supervisor then stops
 * every stage (rule 55) and no stage is left to hold a reference.
 */
function escalated(trace: Outcome<unknown>['run']['trace']): boolean {
  return traceQuery.reports(trace, 'supervisor.shutdown').some((r) => format(r.data['report']!).includes('reached_max_restart_intensity'));
}

// ------------------------------------------------------------------------------- over / better

interface WorkersInput {
  readonly jobs: ReadonlyArray<{ readonly at: number; readonly worker: WorkerId; readonly ms: number }>;
  readonly crashes: ReadonlyArray<{ readonly at: number; readonly worker: WorkerId; readonly reason: 'boom' | 'kill' }>;
}

const workersInput: fc.Arbitrary<WorkersInput> = fc.record({
  jobs: fc.array(fc.record({ at: fc.integer({ min: 0, max: 10_000 }), worker: fc.constantFrom(...WORKERS), ms: fc.integer({ min: 1, max: 2000 }) }), { maxLength: 12 }),
  crashes: fc.array(fc.record({ at: fc.integer({ min: 0, max: 10_000 }), worker: fc.constantFrom(...WORKERS), reason: fc.constantFrom<'boom' | 'kill'>('boom', 'kill') }), {
    maxLength: 3,
  }),
});

/**
 * ```elixir
 * defmodule MyApp.Workers do
 *   use Supervisor
 *   def init(_) do
 *     children = [{MyApp.EmailWorker, []}, {MyApp.SMSWorker, []}, {MyApp.PushWorker, []}]
 *     Supervisor.init(children, strategy: :one_for_all)   # over; :one_for_one better
 *   end
 * end
 * ```
 * A crash is `Process.exit(pid, reason)` from outside, so it lands even in the middle of a job.
 */
function workersProgram(strategy: Strategy) {
  return (input: WorkersInput) =>
    function* (): Op<void> {
      const { EmailWorker, SMSWorker, PushWorker } = notificationWorkers();
      const Workers = Supervisor.defmodule('MyApp.Workers', {
        init: () => Supervisor.init([t(EmailWorker, []), t(SMSWorker, []), t(PushWorker, [])], { strategy }),
      });
      const events = [...input.jobs.map((j, i) => ({ ...j, kind: 'job' as const, id: i })), ...input.crashes.map((c) => ({ ...c, kind: 'crash' as const }))].sort((a, b) => a.at - b.at);
      yield* supervise(
        () => Supervisor.startLink(Workers, []),
        function* () {
          for (const e of events) {
            yield* waitUntil(e.at);
            if (e.kind === 'job') yield* sendJob(e.worker, e.id, e.ms);
            else {
              const pid = yield* whereis(workerName(e.worker));
              if (!pid) continue;
              yield* report('fault.inject', { worker: e.worker, reason: e.reason });
              yield* exitSignal(pid, e.reason);
            }
          }
        },
        function* () {
          return {};
        },
      );
    };
}

/** The claim: one worker's crash never terminates an independent sibling or loses its job in progress. */
function independentWorkersUntouched(o: Outcome<WorkersInput>): CheckResult {
  const v = o.run.verdict;
  if (v.kind === 'divergence') return fails(`the run diverged: ${v.detail}`);
  const trace = o.run.trace;
  const start = traceQuery.reports(trace, 'case.start')[0]?.data['result'];
  if (!isTagged(start, 'ok', 2)) return fails('the supervisor did not start');
  const sup = start[1] as Pid;
  const end = traceQuery.reports(trace, 'case.end')[0];
  if (!end) return fails('the workers supervisor did not survive to the horizon');
  const workerOf = new Map<number, string>();
  for (const e of trace) if (e.k === 'register' && e.name.startsWith('Elixir.MyApp.')) workerOf.set(e.pid.id, e.name.replace('Elixir.MyApp.', ''));
  const terminated = trace.flatMap((e, index) =>
    index < end.index && e.k === 'signal' && e.kind === 'exit' && e.from.id === sup.id && workerOf.has(e.to.id) ? [{ worker: workerOf.get(e.to.id)!, pid: e.to, t: e.t, index }] : [],
  );
  if (terminated.length === 0) return holds;
  const first = terminated[0]!;
  const cause = traceQuery.reports(trace, 'fault.inject').filter((f) => f.index < first.index).at(-1);
  const lost = lostJobs(trace, first.pid, first.index);
  return fails(
    `${cause ? `${cause.data['worker'] as string} crashed (${format(cause.data['reason']!)}) at ${cause.t} ms and ` : ''}the supervisor terminated ${terminated
      .filter((x) => x.t === first.t)
      .map((x) => x.worker)
      .join(', ')} too, restarting independent workers${lost.length > 0 ? ` and losing job ${lost.join(', ')} in progress` : ''}`,
  );
}

/** Jobs `pid` had started but not finished when it was terminated. */
function lostJobs(trace: Outcome<unknown>['run']['trace'], pid: Pid, at: number): string[] {
  const open = new Set<string>();
  for (let i = 0; i < trace.length; i++) {
    const e = trace[i]!;
    if (e.k === 'exit' && e.pid.id === pid.id && i > at) break;
    if (e.k !== 'report' || e.pid.id !== pid.id) continue;
    const job = format((e.data as TermObject)['job']!);
    if (e.name === 'job.start') open.add(job);
    if (e.name === 'job.done') open.delete(job);
  }
  return [...open];
}

const ID = 'p03-supervision-strategies';
const runtime = { maxSteps: 200_000, maxTime: 60_000 };

export const variants: Array<Target<PipelineInput> | Target<WorkersInput>> = [
  {
    id: `${ID}/before`,
    title: 'DataSource → Transformer → Sink under one_for_one: does the Transformer keep a stale reference?',
    claim: 'If DataSource crashes, Transformer has a stale reference!',
    input: pipelineInput,
    program: pipelineProgram('one_for_one'),
    check: noStaleReference,
    expect: 'fails',
    runtime,
  } satisfies Target<PipelineInput>,
  {
    id: `${ID}/after`,
    title: 'rest_for_one restarts Transformer and Sink with their DataSource: no stale reference',
    claim: 'rest_for_one: crash of DataSource restarts Transformer and Sink',
    input: pipelineInput,
    program: pipelineProgram('rest_for_one'),
    check: noStaleReference,
    expect: 'holds',
    runtime,
  } satisfies Target<PipelineInput>,
  {
    id: `${ID}/over`,
    title: 'independent workers under one_for_all: does a crash restart the others?',
    claim: "If email crashes, why restart SMS and Push? They're independent!",
    input: workersInput,
    program: workersProgram('one_for_all'),
    check: independentWorkersUntouched,
    expect: 'fails',
    runtime,
  } satisfies Target<WorkersInput>,
  {
    id: `${ID}/better`,
    title: 'independent workers under one_for_one: a crash touches no sibling',
    claim: "Independent workers — one crash doesn't affect others",
    input: workersInput,
    program: workersProgram('one_for_one'),
    check: independentWorkersUntouched,
    expect: 'holds',
    runtime,
  } satisfies Target<WorkersInput>,
];
