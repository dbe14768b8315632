/**
 * Pattern 2 — PartitionSupervisor for scalability: the seed's four examples, ported.
 *
 * Why (seed): "A supervisor is a single process. Under heavy start_child load, it serializes all
 * spawn operations. PartitionSupervisor distributes the load across multiple supervisor
 * processes" … "If you're not hitting supervisor mailbox limits, the extra processes and routing
 * logic add complexity without benefit."
 *
 * The claims are about cost, so each check measures one and compares it with what the
 * recommended design achieves (models/p02-partition-supervisor.ts):
 * - before (`Task.Supervisor.async_nolink(MyApp.TaskSupervisor, fun)`) and after (the same through
 *   `{:via, PartitionSupervisor, {MyApp.TaskSupervisors, self()}}`) get a burst of callers that all
 *   call `MyApp.TaskRunner.run_async/1` at the same instant. Claim: *a spawn burst through one
 *   supervisor queues, through a PartitionSupervisor it spreads* — no supervisor's mailbox ever
 *   holds more start requests than the busiest partition of the partitioned design would
 *   (`peakQueue` of the callers' pids over the machine's schedulers).
 * - over (a PartitionSupervisor of DynamicSupervisors for 5 config children started at boot) and
 *   better (one plain DynamicSupervisor). Claim: *"16 partitions for 5 children = massive
 *   overhead, zero benefit"* — extra supervisor processes must buy a shorter start queue
 *   (`partitioningTradeoff`).
 *
 * Measuring: the simulator charges virtual time only for timers, not for a supervisor's own work
 * (spawning costs nothing), so a burst's cost shows as queueing, read exactly from the trace's
 * deliver/receive events (scenarios/support/queues.ts): the peak number of start requests in a
 * supervisor's mailbox, and for each caller how many requests were served before its own. The
 * virtual time at which callers got their tasks is reported; it is the same in both designs.
 *
 * What really happens: both the after and the over example rely on `System.schedulers_online()`
 * (the after one through PartitionSupervisor's default `:partitions`). The simulated VM reports 1
 * there, which would give a single partition; the scenarios pass the simulated machine's
 * scheduler count (generated, 2–16 or 1–64) as `partitions:` — what the default evaluates to on
 * that machine.
 */
import fc from 'fast-check';
import {
  DynamicSupervisor,
  GenServer,
  PartitionSupervisor,
  Pid,
  Supervisor,
  Task,
  TaskSupervisor,
  fails,
  holds,
  isTagged,
  report,
  self,
  sleep,
  spawn,
  t,
  traceQuery,
  trapExit,
  type CheckResult,
  type Op,
  type Outcome,
  type Target,
  type Term,
  type TraceEvent,
} from '../src/index.js';
import { partitioningTradeoff, peakQueue } from '../models/p02-partition-supervisor.js';
import { peakOutstanding, queueStats } from './support/queues.js';

const BURST_AT_MS = 10;

// ------------------------------------------------------------------------------- before / after

interface BurstInput {
  /** `System.schedulers_online()` of the simulated machine. */
  readonly schedulers: number;
  /** Callers of `run_async/1` in the burst. */
  readonly callers: number;
  /** Virtual time each task's work takes. */
  readonly workMs: number;
}

const burstInput: fc.Arbitrary<BurstInput> = fc.record({
  schedulers: fc.integer({ min: 2, max: 16 }),
  callers: fc.integer({ min: 2, max: 40 }),
  workMs: fc.integer({ min: 0, max: 50 }),
});

const TASK_SUPERVISOR = 'Elixir.MyApp.TaskSupervisor';
const TASK_SUPERVISORS = 'Elixir.MyApp.TaskSupervisors';

/** The burst: every caller calls `run_async(fun)` at BURST_AT_MS, then awaits its task. */
function* burst(input: BurstInput, runAsync: (fun: () => Op<Term>) => Op<Term>): Op<void> {
  for (let i = 0; i < input.callers; i++) {
    yield* spawn(function* () {
      yield* sleep(BURST_AT_MS);
      const task = yield* runAsync(function* () {
        yield* sleep(input.workMs);
        return i;
      });
      yield* report('burst.task', { i });
      const result = yield* Task.await(task as Task.Task, 5000);
      yield* report('burst.result', { i, result });
    }, { label: `caller${i}` });
  }
  yield* sleep(BURST_AT_MS + input.workMs + 1000);
}

/**
 * before:
 * ```elixir
 * # Single supervisor — serializes all spawn operations
 * defmodule MyApp.TaskRunner do
 *   def run_async(fun), do: Task.Supervisor.async_nolink(MyApp.TaskSupervisor, fun)
 * end
 * ```
 * (started by the application as `{Task.Supervisor, name: MyApp.TaskSupervisor}`)
 */
function beforeProgram(input: BurstInput) {
  return function* (): Op<void> {
    yield* trapExit(true);
    const children = [t(TaskSupervisor.TaskSupervisorModule, [t('name', TASK_SUPERVISOR)])];
    const started = yield* Supervisor.startLink(children, { strategy: 'one_for_one' });
    yield* report('case.start', { result: started });
    if (!isTagged(started, 'ok', 2)) return;
    const runAsync = (fun: () => Op<Term>) => TaskSupervisor.asyncNolink(TASK_SUPERVISOR, fun);
    yield* burst(input, runAsync);
  };
}

/**
 * after:
 * ```elixir
 * children = [{PartitionSupervisor, child_spec: Task.Supervisor, name: MyApp.TaskSupervisors}]
 * Supervisor.start_link(children, strategy: :one_for_one)
 *
 * def run_async(fun) do
 *   Task.Supervisor.async_nolink({:via, PartitionSupervisor, {MyApp.TaskSupervisors, self()}}, fun)
 * end
 * ```
 */
function afterProgram(input: BurstInput) {
  return function* (): Op<void> {
    yield* trapExit(true);
    const options = [t('child_spec', TaskSupervisor.TaskSupervisorModule), t('name', TASK_SUPERVISORS), t('partitions', input.schedulers)];
    const started = yield* Supervisor.startLink([t(PartitionSupervisor.MODULE, options)], { strategy: 'one_for_one' });
    yield* report('case.start', { result: started });
    if (!isTagged(started, 'ok', 2)) return;
    const runAsync = function* (fun: () => Op<Term>): Op<Term> {
      return yield* TaskSupervisor.asyncNolink(PartitionSupervisor.via(TASK_SUPERVISORS, yield* self()), fun);
    };
    yield* burst(input, runAsync);
  };
}

const isStartTask = (msg: Term): boolean => isTagged(msg, '$gen_call', 3) && isTagged(msg[2], 'start_task', 4);

/** The callers' pids, in order (they are the routing keys of the partitioned design). */
function callerPids(trace: readonly TraceEvent[]): Pid[] {
  return trace.flatMap((e) => (e.k === 'label' && /^caller\d+$/.test(e.label) ? [e.pid] : []));
}

/** The claim: no supervisor queues more start requests than the partitioned design's busiest partition. */
function burstSpreads(o: Outcome<BurstInput>): CheckResult {
  const v = o.run.verdict;
  if (v.kind === 'divergence') return fails(`the run diverged: ${v.detail}`);
  const trace = o.run.trace;
  const { callers, schedulers } = o.input;
  const results = traceQuery.reports(trace, 'burst.result');
  if (results.length !== callers) return fails(`${results.length} of ${callers} callers got their task's result`);
  const bound = peakQueue(callerPids(trace), schedulers);
  const stats = queueStats(trace, isStartTask);
  const worst = stats.reduce((a, b) => (b.peak > a.peak ? b : a), stats[0]!);
  if (worst.peak <= bound) return holds;
  const longestWait = Math.max(...worst.waits.map((w) => w.servedBefore));
  const gotTasksAt = [...new Set(traceQuery.reports(trace, 'burst.task').map((r) => r.t))].join('/');
  return fails(
    `a burst of ${callers} callers at ${BURST_AT_MS} ms queued up to ${worst.peak} start requests in ${stats.length === 1 ? 'the one' : 'one'} supervisor's mailbox ` +
      `(a caller waited while ${longestWait} requests ahead of it were served); spread over ${schedulers} partitions by self() the busiest partition holds at most ${bound} ` +
      `(the callers got their tasks at ${gotTasksAt} ms of virtual time: the simulator charges no time for spawning, so the cost shows as the queue)`,
  );
}

// ------------------------------------------------------------------------------- over / better

interface BootInput {
  /** `System.schedulers_online()` of the simulated machine. */
  readonly schedulers: number;
}

const bootInput: fc.Arbitrary<BootInput> = fc.record({ schedulers: fc.integer({ min: 1, max: 64 }) });

/** The 5 config children the application starts at boot (the seed names only their number). */
const CONFIG_KEYS = ['db', 'cache', 'mailer', 'flags', 'auth'] as const;

const ConfigWorker = GenServer.defmodule('MyApp.ConfigWorker', {
  *init(key: Term) {
    yield* report('config.start', { key });
    return t('ok', key);
  },
});

/**
 * over:
 * ```elixir
 * # Partitioning a supervisor that starts 5 children at boot — pointless
 * {PartitionSupervisor,
 *  child_spec: DynamicSupervisor,
 *  name: MyApp.ConfigSupervisors,
 *  partitions: System.schedulers_online()}
 * ```
 * and at boot, for each config key:
 * `DynamicSupervisor.start_child({:via, PartitionSupervisor, {MyApp.ConfigSupervisors, key}}, {MyApp.ConfigWorker, key})`.
 */
function overProgram(input: BootInput) {
  return function* (): Op<void> {
    yield* trapExit(true);
    const name = 'Elixir.MyApp.ConfigSupervisors';
    const options = [t('child_spec', DynamicSupervisor.MODULE), t('name', name), t('partitions', input.schedulers)];
    const started = yield* Supervisor.startLink([t(PartitionSupervisor.MODULE, options)], { strategy: 'one_for_one' });
    yield* report('case.start', { result: started });
    if (!isTagged(started, 'ok', 2)) return;
    for (const key of CONFIG_KEYS) yield* DynamicSupervisor.startChild(PartitionSupervisor.via(name, key), t(ConfigWorker, key));
    yield* report('case.booted', {});
  };
}

/**
 * better:
 * ```elixir
 * # Just use a plain DynamicSupervisor
 * {DynamicSupervisor, name: MyApp.ConfigSupervisor}
 * ```
 * and at boot `DynamicSupervisor.start_child(MyApp.ConfigSupervisor, {MyApp.ConfigWorker, key})`.
 */
function betterProgram() {
  return function* (): Op<void> {
    yield* trapExit(true);
    const name = 'Elixir.MyApp.ConfigSupervisor';
    const started = yield* Supervisor.startLink([t(DynamicSupervisor.MODULE, [t('name', name)])], { strategy: 'one_for_one' });
    yield* report('case.start', { result: started });
    if (!isTagged(started, 'ok', 2)) return;
    for (const key of CONFIG_KEYS) yield* DynamicSupervisor.startChild(name, t(ConfigWorker, key));
    yield* report('case.booted', {});
  };
}

const isStartChild = (msg: Term): boolean => isTagged(msg, '$gen_call', 3) && isTagged(msg[2], 'start_child', 2);

/** The claim: every supervisor process beyond one must shorten the longest start queue. */
function partitioningPaysOff(o: Outcome<BootInput>): CheckResult {
  const v = o.run.verdict;
  if (v.kind === 'divergence') return fails(`the run diverged: ${v.detail}`);
  const trace = o.run.trace;
  if (traceQuery.reports(trace, 'config.start').length !== CONFIG_KEYS.length) return fails('not every config child started');
  const booted = traceQuery.reports(trace, 'case.booted')[0];
  if (!booted) return fails('the boot did not finish');
  // Supervisor processes: everything the application's supervisor tree spawned before the boot
  // finished, except the config workers and the top-level supervisor itself.
  const supervisorProcesses = trace.filter((e, i) => e.k === 'spawn' && i < booted.index && e.parent !== null && e.parent.id !== o.run.rootPid.id).length - CONFIG_KEYS.length;
  const used = queueStats(trace, isStartChild);
  const peakPartitioned = Math.max(0, ...used.map((s) => s.peak));
  const peakWithOne = peakOutstanding(trace, isStartChild);
  const { benefit, overheadProcesses } = partitioningTradeoff({ peakWithOne, peakPartitioned, supervisorProcesses });
  if (overheadProcesses <= 0 || benefit > 0) return holds;
  return fails(
    `${supervisorProcesses} supervisor processes (${overheadProcesses} more than one plain DynamicSupervisor; ${used.length} of them started a child) and ${o.run.steps} scheduler steps ` +
      `for ${CONFIG_KEYS.length} children started one at a time at boot, yet at most ${peakWithOne} start request was ever waiting, so one supervisor's queue would be no longer: overhead with benefit ${benefit}`,
  );
}

const ID = 'p02-partition-supervisor';
const runtime = { maxSteps: 200_000, maxTime: 60_000 };

export const variants: Array<Target<BurstInput> | Target<BootInput>> = [
  {
    id: `${ID}/before`,
    title: 'a spawn burst through one Task.Supervisor: does it queue?',
    claim: 'Under 10k concurrent requests, this single process becomes a bottleneck',
    input: burstInput,
    program: beforeProgram,
    check: burstSpreads,
    expect: 'fails',
    runtime,
  } satisfies Target<BurstInput>,
  {
    id: `${ID}/after`,
    title: 'through a PartitionSupervisor keyed by self() the burst spreads over the partitions',
    claim: 'Partitioned — distributes load across N supervisor processes',
    input: burstInput,
    program: afterProgram,
    check: burstSpreads,
    expect: 'holds',
    runtime,
  } satisfies Target<BurstInput>,
  {
    id: `${ID}/over`,
    title: 'a PartitionSupervisor for 5 children started at boot: does partitioning pay off?',
    claim: '16 partitions for 5 children = massive overhead, zero benefit',
    input: bootInput,
    program: overProgram,
    check: partitioningPaysOff,
    expect: 'fails',
    runtime,
  } satisfies Target<BootInput>,
  {
    id: `${ID}/better`,
    title: 'one plain DynamicSupervisor for 5 boot-time children: no overhead to pay off',
    claim: 'Just use a plain DynamicSupervisor',
    input: bootInput,
    program: betterProgram,
    check: partitioningPaysOff,
    expect: 'holds',
    runtime,
  } satisfies Target<BootInput>,
];
