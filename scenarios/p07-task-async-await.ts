/**
 * Pattern 7 — Task.async/await for concurrent value computation: the seed's four examples, ported.
 *
 * Why (seed): "Tasks provide structured concurrency — the caller is linked to the task, so failures
 * propagate naturally." / "Tasks add process spawn overhead (~2-5μs) plus message passing. Only use
 * them when the work is expensive enough to justify parallelism — typically >1ms or when running
 * multiple operations concurrently."
 *
 * Both claims here are about cost, so each check measures a quantity and compares it with what the
 * recommended design achieves (models/p07-task-async-await.ts):
 * - `build_dashboard` (before: three backend calls in sequence; after: three `Task.async` +
 *   `Task.await`). Claim: "total latency is the slowest task, not the sum" — the dashboard's
 *   virtual time must stay within the model's `concurrentLatency` (the slowest backend) plus the
 *   signal lag of one round trip. The backends (support/taskServices.ts) answer after latencies
 *   from the input (the seed's 200 / 300 / 500 ms are one case), each serving requests concurrently.
 *   The sequential version takes the sum and fails as soon as two backends are slow.
 * - `format_name` (over: `Task.async(fn -> String.upcase(user.name) end)` + `Task.await`; better:
 *   `String.upcase(user.name)`). Claim: "Process spawn + message passing for a microsecond
 *   operation!" — measured honestly as what the simulator can count: the processes spawned and the
 *   messages sent while format_name runs (virtual time has millisecond resolution and says nothing
 *   about microseconds). The recommended inline version costs the model's INLINE_OVERHEAD (none); the
 *   task version costs TASK_OVERHEAD (a process and two messages — the work and the reply — plus the
 *   link, monitor and DOWN signals), so it fails.
 *
 * What the seed says agrees with OTP here; no correction was needed.
 */
import fc from 'fast-check';
import { Task, bin, equals, fails, format, holds, now, report, t, type Bin, type CheckResult, type Op, type Outcome, type ProcessBody, type Target, type Term, type TermObject } from '../src/index.js';
import { INLINE_OVERHEAD, TASK_OVERHEAD, concurrentLatency, sequentialLatency, type Overhead } from '../models/p07-task-async-await.js';
import { computeRecs, fetchProfile, fetchRecentOrders, startDashboardBackends, type DashboardLatencies } from './support/taskServices.js';

const ID = 'p07-task-async-await';
/** The runtime's default maxDelay (ms). */
const MAX_DELAY = 2;
/** Signal lag a concurrent dashboard may add to the slowest backend: its call, reply, task spawn and await hops. */
const LAG_MS = 10 * MAX_DELAY;

// ------------------------------------------------------------------------------- build_dashboard

interface DashboardInput {
  readonly userId: number;
  readonly latencies: DashboardLatencies;
}

const dashboardInput: fc.Arbitrary<DashboardInput> = fc.record({
  userId: fc.integer({ min: 1, max: 1000 }),
  latencies: fc.record({ profileMs: fc.integer({ min: 0, max: 1000 }), ordersMs: fc.integer({ min: 0, max: 1000 }), recsMs: fc.integer({ min: 0, max: 1000 }) }),
});

/** before: `profile = fetch_profile(user_id); orders = …; recommendations = …` (sequential). */
function* buildDashboardSequential(userId: number): Op<Term> {
  const profile = yield* fetchProfile(userId); // 200ms
  const orders = yield* fetchRecentOrders(userId); // 300ms
  const recommendations = yield* computeRecs(userId); // 500ms
  // Total: 1000ms
  return { profile, orders, recommendations };
}

/** after: three `Task.async`, then `%{profile: Task.await(profile_task), …}`. */
function* buildDashboardConcurrent(userId: number): Op<Term> {
  const profileTask = yield* Task.async(() => fetchProfile(userId));
  const ordersTask = yield* Task.async(() => fetchRecentOrders(userId));
  const recsTask = yield* Task.async(() => computeRecs(userId));
  return {
    profile: yield* Task.await(profileTask),
    orders: yield* Task.await(ordersTask),
    recommendations: yield* Task.await(recsTask),
  };
  // Total: ~500ms (limited by slowest task)
}

function dashboardProgram(build: (userId: number) => Op<Term>) {
  return (input: DashboardInput): ProcessBody =>
    function* () {
      yield* startDashboardBackends(input.latencies);
      const startedAt = yield* now();
      const dashboard = yield* build(input.userId);
      yield* report('dashboard', { startedAt, endedAt: yield* now(), dashboard });
    };
}

function slowestIsTheCost(o: Outcome<DashboardInput>): CheckResult {
  const v = o.run.verdict;
  if (v.kind === 'divergence' || v.kind === 'replay-diverged') return fails(`the run ended with ${v.kind}`);
  const done = o.run.trace.find((e) => e.k === 'report' && e.name === 'dashboard');
  if (!done || done.k !== 'report') return fails(`build_dashboard never returned (the root exited ${o.run.rootExit === undefined ? '(alive)' : format(o.run.rootExit)})`);
  const d = done.data as TermObject;
  const { userId, latencies: l } = o.input;
  const expected = { profile: t('profile', userId), orders: [t('order', userId, 1)], recommendations: [t('rec', userId)] };
  if (!equals(d['dashboard']!, expected)) return fails(`build_dashboard returned ${format(d['dashboard']!)}, expected ${format(expected)}`);
  const elapsed = (d['endedAt'] as number) - (d['startedAt'] as number);
  const works = [l.profileMs, l.ordersMs, l.recsMs].map((ms) => ({ ms }));
  const bound = concurrentLatency(works);
  if (elapsed > bound + LAG_MS) {
    return fails(
      `build_dashboard took ${elapsed} ms of virtual time with backends answering in ${l.profileMs} (profile), ${l.ordersMs} (orders) and ${l.recsMs} ms (recommendations): the total should be the slowest task, ${bound} ms (model: concurrent latency = max; +${LAG_MS} ms signal lag allowed), not the sum, ${sequentialLatency(works)} ms`,
    );
  }
  return holds;
}

// ------------------------------------------------------------------------------- format_name

interface FormatInput {
  readonly names: string[];
}

const formatInput: fc.Arbitrary<FormatInput> = fc.record({
  names: fc.array(fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzéüß'.split('')), minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 5 }),
});

/** `String.upcase/1` (full Unicode case mapping, as Elixir's default mode: "ß" → "SS"). */
function upcase(s: Bin): Bin {
  return bin(s.value.toUpperCase());
}

/** over: `task = Task.async(fn -> String.upcase(user.name) end); Task.await(task)`. */
function* formatNameWithTask(user: { name: Bin }): Op<Term> {
  const task = yield* Task.async(() => upcase(user.name));
  return yield* Task.await(task);
  // Process spawn + message passing for a microsecond operation!
}

/** better: `String.upcase(user.name)`. */
function* formatNameInline(user: { name: Bin }): Op<Term> {
  return upcase(user.name);
}

function formatProgram(formatName: (user: { name: Bin }) => Op<Term>) {
  return (input: FormatInput): ProcessBody =>
    function* () {
      for (const name of input.names) {
        const user = { name: bin(name) };
        yield* report('format_name.start', { name: user.name });
        yield* report('format_name.end', { result: yield* formatName(user) });
      }
    };
}

interface Measured extends Overhead {
  readonly name: string;
  /** Link, monitor, demonitor, DOWN and exit signals. */
  readonly signals: number;
  readonly result: Term | undefined;
}

/** Processes spawned, messages sent and other signals while each format_name call ran. */
function measured(o: Outcome<FormatInput>): Measured[] {
  const out: Measured[] = [];
  let current: { name: string; processes: number; messages: number; signals: number } | null = null;
  for (const e of o.run.trace) {
    if (e.k === 'report' && e.name === 'format_name.start') {
      current = { name: ((e.data as TermObject)['name'] as Bin).value, processes: 0, messages: 0, signals: 0 };
    } else if (e.k === 'report' && e.name === 'format_name.end' && current) {
      out.push({ ...current, result: (e.data as TermObject)['result'] });
      current = null;
    } else if (current && e.k === 'spawn') current.processes++;
    else if (current && e.k === 'send') current.messages++;
    else if (current && e.k === 'signal') current.signals++;
  }
  return out;
}

function costsNoMoreThanInline(o: Outcome<FormatInput>): CheckResult {
  const v = o.run.verdict;
  if (v.kind === 'divergence' || v.kind === 'replay-diverged') return fails(`the run ended with ${v.kind}`);
  const calls = measured(o);
  if (calls.length !== o.input.names.length) return fails(`format_name returned for ${calls.length} of ${o.input.names.length} users`);
  for (const c of calls) {
    const want = upcase(bin(c.name));
    if (!equals(c.result!, want)) return fails(`format_name(%{name: ${format(bin(c.name))}}) returned ${format(c.result!)}, expected ${format(want)}`);
    if (c.processes > INLINE_OVERHEAD.processes || c.messages > INLINE_OVERHEAD.messages) {
      return fails(
        `format_name(%{name: ${format(bin(c.name))}}) spawned ${c.processes} process(es), sent ${c.messages} message(s) and ${c.signals} other signal(s) (link, monitor, DOWN, exit) to upcase ${c.name.length} character(s) (model: Task.async + await costs ${TASK_OVERHEAD.processes} process and ${TASK_OVERHEAD.messages} messages); String.upcase/1 inline does the same with ${INLINE_OVERHEAD.processes} processes and ${INLINE_OVERHEAD.messages} messages`,
      );
    }
  }
  return holds;
}

const dashboardClaim = 'Concurrent — total time = max of all operations … Total: ~500ms (limited by slowest task)';
const formatClaim = 'Tasks add process spawn overhead (~2-5μs) plus message passing. Only use them when the work is expensive enough to justify parallelism';

export const variants: Array<Target<DashboardInput> | Target<FormatInput>> = [
  {
    id: `${ID}/before`,
    title: 'sequential build_dashboard: is the total latency the slowest call?',
    claim: dashboardClaim,
    input: dashboardInput,
    program: dashboardProgram(buildDashboardSequential),
    check: slowestIsTheCost,
    expect: 'fails',
  },
  {
    id: `${ID}/after`,
    title: 'build_dashboard with Task.async/await takes as long as the slowest backend',
    claim: dashboardClaim,
    input: dashboardInput,
    program: dashboardProgram(buildDashboardConcurrent),
    check: slowestIsTheCost,
    expect: 'holds',
  },
  {
    id: `${ID}/over`,
    title: 'format_name through Task.async/await: a process and messages for a microsecond operation',
    claim: formatClaim,
    input: formatInput,
    program: formatProgram(formatNameWithTask),
    check: costsNoMoreThanInline,
    expect: 'fails',
  },
  {
    id: `${ID}/better`,
    title: 'format_name inline: String.upcase/1, no process, no message',
    claim: formatClaim,
    input: formatInput,
    program: formatProgram(formatNameInline),
    check: costsNoMoreThanInline,
    expect: 'holds',
  },
];
