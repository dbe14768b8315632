/**
 * Pattern 1 — static vs dynamic supervision.
 *
 * Why (seed): "Static supervisors guarantee startup order (critical for dependencies like 'DB pool
 * must start before web server'). Dynamic supervisors optimize for scale — they can hold millions
 * of children using efficient data structures and shut down concurrently." … "Static supervisors
 * excel at ordered, fixed infrastructure. DynamicSupervisor excels at scale with runtime-determined
 * children."
 *
 * Claims checked against models/p01-static-vs-dynamic-supervision.ts:
 * - start-and-rollback: a static supervisor starts its children in list order, one at a time; a
 *   start that fails stops the start-up, the started children are shut down newest first (temporary
 *   ones included) and `start_link` returns `{:error, {:shutdown, {:failed_to_start_child, id,
 *   reason}}}`, the supervisor exiting with that reason; after a successful start
 *   `which_children`/`count_children` show the model's children, `:ignore`d non-temporary ones with
 *   pid `:undefined` (supervision.md rules 29–35, 81, 82);
 * - order-under-restarts: under rest_for_one and one_for_all the start order survives any crash
 *   sequence: a child never starts while a child listed after it runs (rules 40, 41, 49);
 * - dynamic-no-order: a DynamicSupervisor restarts only the crashed child, whatever its position,
 *   and stops its children concurrently: every child is signalled before any of their DOWNs is
 *   taken (rules 92, 95, 120).
 */
import fc from 'fast-check';
import {
  DynamicSupervisor,
  Pid,
  Supervisor,
  TIMEOUT,
  Tuple,
  WorkerWorld,
  arbitraries,
  equals,
  exitSignal,
  fails,
  format,
  holds,
  isTagged,
  match,
  now,
  receive,
  report,
  runProblem,
  send,
  sleep,
  spawn,
  t,
  traceQuery,
  trapExit,
  workerModule,
  workerSpec,
  type CheckResult,
  type InitBehaviour,
  type Op,
  type Outcome,
  type Target,
  type Term,
  type TermObject,
  type TraceEvent,
} from '../src/index.js';
import { startOrderViolation, staticStart, type StartOutcome, type StaticChild } from '../models/p01-static-vs-dynamic-supervision.js';
import { treeCase, treeProgram, type TreeCase } from './support/treeCase.js';

// ------------------------------------------------------------------------------- start and rollback

/** How a child's start goes: the model's three outcomes, failures in two shapes. */
type StartPlan = 'ok' | 'ignore' | 'stop' | 'raise';

interface StartChildPlan {
  readonly id: string;
  readonly restart: arbitraries.RestartType;
  readonly start: StartPlan;
  readonly shutdown: arbitraries.ShutdownValue;
  readonly trapExit: boolean;
  readonly terminateMs: number;
}

interface StartCase {
  readonly strategy: arbitraries.Strategy;
  readonly children: readonly StartChildPlan[];
}

const startPlan: fc.Arbitrary<StartPlan> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<StartPlan>('ok') },
  { weight: 1, arbitrary: fc.constant<StartPlan>('ignore') },
  { weight: 1, arbitrary: fc.constant<StartPlan>('stop') },
  { weight: 1, arbitrary: fc.constant<StartPlan>('raise') },
);

const startCase: fc.Arbitrary<StartCase> = fc.record({
  strategy: arbitraries.strategy,
  children: fc
    .array(
      fc.record({
        restart: arbitraries.restartType,
        start: startPlan,
        shutdown: arbitraries.shutdownValue,
        trapExit: fc.boolean(),
        terminateMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 300 })),
      }),
      { minLength: 1, maxLength: 6 },
    )
    .map((cs) => cs.map((c, i) => ({ id: `c${i + 1}`, ...c }))),
});

const INIT_OF: Record<StartPlan, InitBehaviour> = { ok: 'ok', ignore: 'ignore', stop: { stop: 'boom' }, raise: 'raise' };
const OUTCOME_OF: Record<StartPlan, StartOutcome> = { ok: 'ok', ignore: 'ignore', stop: 'fail', raise: 'fail' };

function startProgram(c: StartCase) {
  return function* (): Op<void> {
    yield* trapExit(true);
    const mod = workerModule(new WorkerWorld());
    const specs = c.children.map((ch) =>
      workerSpec(mod, { id: ch.id, init: INIT_OF[ch.start], trapExit: ch.trapExit, terminateMs: ch.terminateMs }, { restart: ch.restart, shutdown: ch.shutdown as Term }),
    );
    const result = yield* Supervisor.startLink(specs, { strategy: c.strategy });
    yield* report('case.start', { result });
    if (!isTagged(result, 'ok', 2)) return;
    const sup = result[1] as Pid;
    yield* report('case.children', { which: yield* Supervisor.whichChildren(sup), count: yield* Supervisor.countChildren(sup) });
    yield* Supervisor.stop(sup, 'shutdown');
  };
}

/** The reason a failed start of `plan` gives (rule 30): `{:stop, r}` → r; a raise → `{exception, stack}`. */
function reasonMatches(plan: StartPlan, reason: Term): boolean {
  if (plan === 'stop') return reason === 'boom';
  return reason instanceof Tuple && reason.length === 2 && (reason[0] as TermObject)['__struct__'] === 'Elixir.RuntimeError';
}

function caseResult(trace: readonly TraceEvent[]): Term | undefined {
  return traceQuery.reports(trace, 'case.start')[0]?.data['result'];
}

/** The supervisor's pid: the first process the root spawned (`Supervisor.start_link` spawns it). */
function supervisorPid(trace: readonly TraceEvent[], root: Pid): Pid | undefined {
  const e = trace.find((x) => x.k === 'spawn' && x.parent?.id === root.id);
  return e && e.k === 'spawn' ? e.pid : undefined;
}

function checkStart(o: Outcome<StartCase>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const trace = o.run.trace;
  const plans = new Map(o.input.children.map((c) => [c.id, c]));
  const model = staticStart(o.input.children.map((c): StaticChild => ({ id: c.id, restart: c.restart, start: OUTCOME_OF[c.start] })));
  const sup = supervisorPid(trace, o.run.rootPid);
  if (!sup) return fails('the supervisor was never spawned');

  // Rule 29: attempts in list order, each spawned only after the previous start returned.
  const attempts = trace.flatMap((e, index) =>
    e.k === 'report' && (e.name === 'worker.start' || e.name === 'worker.start_failed') ? [{ id: (e.data as TermObject)['id'] as string, pid: e.pid, index }] : [],
  );
  const ids = attempts.map((a) => a.id);
  if (!equals(ids, model.attempted)) return fails(`start attempts [${ids.join(', ')}], the model says [${model.attempted.join(', ')}] (rule 29: list order, stop at the first failure)`);
  for (let k = 1; k < attempts.length; k++) {
    const spawnedAt = trace.findIndex((e) => e.k === 'spawn' && e.pid.id === attempts[k]!.pid.id);
    if (spawnedAt < attempts[k - 1]!.index) return fails(`${attempts[k]!.id} was spawned before ${attempts[k - 1]!.id}'s start had returned (rule 29: one at a time)`);
  }

  // Rule 33: the rollback, newest first, each child dead before the next is signalled.
  // The supervisor's first exit signal to each child before it exits itself (a `:kill` after a
  // timed-out `:shutdown`, and link signals sent as it dies, are not terminations of their own).
  const pidOf = new Map(attempts.map((a) => [a.pid.id, a.id]));
  const supExitIndex = traceQuery.exitIndex(trace, sup);
  const signalled = new Set<number>();
  const startSignals: Array<{ id: string; to: Pid; reason: Term; index: number }> = [];
  trace.forEach((e, index) => {
    if (model.result.ok || (supExitIndex >= 0 && index > supExitIndex)) return;
    if (e.k !== 'signal' || e.kind !== 'exit' || e.from.id !== sup.id || !pidOf.has(e.to.id) || signalled.has(e.to.id)) return;
    signalled.add(e.to.id);
    startSignals.push({ id: pidOf.get(e.to.id)!, to: e.to, reason: e.reason!, index });
  });
  if (!model.result.ok) {
    const rolled = startSignals.map((s) => s.id);
    if (!equals(rolled, model.rolledBack)) return fails(`rollback terminated [${rolled.join(', ')}], the model says [${model.rolledBack.join(', ')}] (rule 33: reverse start order, temporary ones included)`);
    for (let k = 0; k < startSignals.length; k++) {
      const s = startSignals[k]!;
      const want = plans.get(s.id)!.shutdown === 'brutal_kill' ? 'kill' : 'shutdown';
      if (s.reason !== want) return fails(`rollback sent ${s.id} ${format(s.reason)}, expected :${want}`);
      const died = traceQuery.exitIndex(trace, s.to);
      const next = startSignals[k + 1];
      if (next && (died < 0 || died > next.index)) return fails(`rollback signalled ${next.id} before ${s.id} had died (one at a time, rule 33)`);
    }
  }

  // Rules 33, 34: the result and the supervisor's own exit reason.
  const result = caseResult(trace);
  if (model.result.ok) {
    if (!isTagged(result, 'ok', 2)) return fails(`start_link returned ${format(result ?? 'nothing')}, the model says {:ok, pid}`);
    return checkChildren(o, model.children);
  }
  const failed = model.result.failed;
  const shape = isTagged(result, 'error', 2) && isTagged(result[1], 'shutdown', 2) && isTagged((result[1] as Tuple)[1], 'failed_to_start_child', 3);
  const detail = shape ? ((result[1] as Tuple)[1] as Tuple) : undefined;
  if (!detail || detail[1] !== failed || !reasonMatches(plans.get(failed)!.start, detail[2]!)) {
    return fails(`start_link returned ${format(result ?? 'nothing', { maxLength: 160 })}, expected {:error, {:shutdown, {:failed_to_start_child, :${failed}, reason}}} with the start's reason (rule 33)`);
  }
  const expectedExit = (result as Tuple)[1]!;
  const supExit = traceQuery.exitReason(trace, sup);
  if (!equals(supExit ?? 'alive', expectedExit)) return fails(`the supervisor exited ${format(supExit ?? 'alive')}, expected ${format(expectedExit)} (rule 34)`);
  return holds;
}

/** After a successful start: which_children newest first and count_children (rules 32, 81, 82). */
function checkChildren(o: Outcome<StartCase>, expected: ReadonlyArray<readonly [string, boolean]>): CheckResult {
  const seen = traceQuery.reports(o.run.trace, 'case.children')[0]?.data;
  if (!seen) return fails('which_children was never answered');
  const which = (seen['which'] as Tuple[]).map((c) => [c[0] as string, c[1] instanceof Pid] as const);
  if (!equals(which.map((w) => [...w]), expected.map((w) => [...w]))) {
    const show = (xs: ReadonlyArray<readonly [string, boolean]>) => xs.map(([id, up]) => `${id}:${up ? 'pid' : 'undefined'}`).join(', ');
    return fails(`which_children [${show(which)}], the model says [${show(expected)}] (newest first; ignored non-temporary children kept with :undefined, rules 32, 81)`);
  }
  const count = seen['count'] as TermObject;
  const active = expected.filter(([, up]) => up).length;
  if (count['specs'] !== expected.length || count['active'] !== active || count['workers'] !== expected.length) {
    return fails(`count_children ${format(count)}, expected specs ${expected.length}, active ${active} (rule 82)`);
  }
  return holds;
}

// ------------------------------------------------------------------------------- order under restarts

/** Lifecycle events of the workers of a tree, by child id, in trace order. */
function startStopEvents(trace: readonly TraceEvent[]): Array<{ kind: 'start' | 'stop'; id: string }> {
  const out: Array<{ kind: 'start' | 'stop'; id: string }> = [];
  for (const e of traceQuery.lifecycle(trace)) {
    if (e.kind === 'start') out.push({ kind: 'start', id: e.id });
    else if (e.kind === 'exit') out.push({ kind: 'stop', id: e.id });
  }
  return out;
}

function checkOrder(o: Outcome<TreeCase>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const order = o.input.tree.children.map((c) => c.id);
  const violation = startOrderViolation(order, startStopEvents(o.run.trace));
  return violation ? fails(`${o.input.tree.strategy}: ${violation}; its predecessors must have started before it (rules 40, 41)`) : holds;
}

const orderedTree: fc.Arbitrary<TreeCase> = treeCase(
  { maxChildren: 5, startFailures: false, strategies: ['rest_for_one', 'one_for_all'] },
  { maxFaults: 8, kinds: ['crash', 'kill', 'signal'] },
);

// ------------------------------------------------------------------------------- DynamicSupervisor

interface DynamicCase {
  readonly children: ReadonlyArray<{ readonly restart: arbitraries.RestartType; readonly shutdown: arbitraries.ShutdownValue; readonly trapExit: boolean }>;
  /** Crash or kill the child at `index` (modulo the current count) of `which_children`. */
  readonly faults: ReadonlyArray<{ readonly at: number; readonly kind: 'crash' | 'kill'; readonly index: number; readonly reason: 'boom' | 'normal' | 'shutdown' }>;
  readonly stopAt: number;
}

const dynamicCase: fc.Arbitrary<DynamicCase> = fc.record({
  children: fc.array(
    fc.record({ restart: arbitraries.restartType, shutdown: fc.constantFrom<arbitraries.ShutdownValue>('brutal_kill', 100, 5000, 'infinity'), trapExit: fc.boolean() }),
    { minLength: 1, maxLength: 5 },
  ),
  faults: fc.array(
    fc.record({ at: fc.integer({ min: 0, max: 3000 }), kind: fc.constantFrom('crash' as const, 'kill' as const), index: fc.nat({ max: 4 }), reason: fc.constantFrom('boom' as const, 'normal' as const, 'shutdown' as const) }),
    { maxLength: 5 },
  ),
  stopAt: fc.integer({ min: 0, max: 4000 }),
});

function* injectDynamic(sup: Pid, faults: DynamicCase['faults']): Op<void> {
  for (const f of [...faults].sort((a, b) => a.at - b.at)) {
    const wait = f.at - (yield* now());
    if (wait > 0) yield* sleep(wait);
    const children = (yield* DynamicSupervisor.whichChildren(sup)).map((c) => (c as Tuple)[1]).filter((p): p is Pid => p instanceof Pid);
    const pid = children[f.index % Math.max(1, children.length)];
    if (!pid) continue;
    yield* report('fault.inject', { kind: f.kind, pid });
    if (f.kind === 'kill') yield* exitSignal(pid, 'kill');
    else yield* send(pid, t('crash', f.reason));
  }
}

function dynamicProgram(c: DynamicCase) {
  return function* (): Op<void> {
    yield* trapExit(true);
    const mod = workerModule(new WorkerWorld());
    const started = yield* DynamicSupervisor.startLink({ maxRestarts: 100, maxSeconds: 1 });
    if (!isTagged(started, 'ok', 2)) return;
    const sup = started[1] as Pid;
    yield* report('case.start', { result: started });
    for (const [i, ch] of c.children.entries()) {
      const spec = workerSpec(mod, { id: `d${i + 1}`, trapExit: ch.trapExit }, { restart: ch.restart, shutdown: ch.shutdown as Term });
      yield* DynamicSupervisor.startChild(sup, spec);
    }
    const injector = yield* spawn(() => injectDynamic(sup, c.faults), { label: 'injector' });
    const ended = yield* receive(match.exit(sup), { after: c.stopAt });
    yield* exitSignal(injector, 'kill');
    if (ended === TIMEOUT) {
      yield* report('case.stop', {});
      yield* DynamicSupervisor.stop(sup, 'shutdown');
    }
  };
}

/** Rules 92, 95: no sibling is touched by a restart; at the stop every child is signalled before any DOWN is taken. */
function checkDynamic(o: Outcome<DynamicCase>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const trace = o.run.trace;
  const start = traceQuery.reports(trace, 'case.start')[0]?.data['result'];
  if (!isTagged(start, 'ok', 2)) return fails(`DynamicSupervisor.start_link returned ${format(start ?? 'nothing')}`);
  const sup = start[1] as Pid;
  const stopAt = traceQuery.reports(trace, 'case.stop')[0]?.index ?? trace.length;
  const supExit = traceQuery.exitIndex(trace, sup);
  const end = supExit < 0 ? trace.length : supExit;
  const root = o.run.rootPid.id;
  const signals = trace.flatMap((e, index) => (index < end && e.k === 'signal' && e.kind === 'exit' && e.from.id === sup.id && e.to.id !== root ? [{ to: e.to, index }] : []));
  const early = signals.find((s) => s.index < stopAt);
  if (early) return fails(`the DynamicSupervisor sent an exit signal to ${format(early.to)} before it was stopped: a one_for_one restart must touch no sibling (rule 92)`);
  const signalled = new Set(signals.map((s) => s.to.id));
  const lastSignal = signals.at(-1)?.index ?? -1;
  const downBefore = trace.findIndex(
    (e, index) => index > stopAt && index < lastSignal && e.k === 'receive' && e.pid.id === sup.id && isTagged(e.msg, 'DOWN', 5) && e.msg[3] instanceof Pid && signalled.has(e.msg[3].id),
  );
  if (downBefore >= 0) {
    const e = trace[downBefore] as Extract<TraceEvent, { k: 'receive' }>;
    return fails(`the DynamicSupervisor took the DOWN of ${format((e.msg as Tuple)[3]!)} before it had signalled every child: its shutdown must be concurrent (rule 95)`);
  }
  return holds;
}

export const properties: Array<Target<StartCase> | Target<TreeCase> | Target<DynamicCase>> = [
  {
    id: 'p01-static-vs-dynamic-supervision:start-and-rollback',
    title: 'a static supervisor starts children in order, one at a time, and rolls back newest first on a failed start',
    claim: 'Static supervisors guarantee startup order',
    input: startCase,
    program: startProgram,
    check: checkStart,
    catches: ['ignore-is-failure'],
  } satisfies Target<StartCase>,
  {
    id: 'p01-static-vs-dynamic-supervision:order-under-restarts',
    title: 'under rest_for_one and one_for_all a child never runs with a predecessor younger than itself',
    claim: 'pool must start before consumers — also after any crash',
    input: orderedTree,
    program: (c) => treeProgram(c),
    check: checkOrder,
    catches: ['restart-start-order', 'rest-for-one-wrong-side'],
  } satisfies Target<TreeCase>,
  {
    id: 'p01-static-vs-dynamic-supervision:dynamic-no-order',
    title: 'a DynamicSupervisor restarts only the crashed child and stops all children concurrently',
    claim: 'there is no ordering between children … dynamic supervisors shut down concurrently',
    input: dynamicCase,
    program: dynamicProgram,
    check: checkDynamic,
  } satisfies Target<DynamicCase>,
];
