/**
 * Pattern 14 — `$ancestors` and `$callers`: process lineage tracking.
 *
 * Why (seed): "Debugging and tracing. When a task crashes, the log includes both its supervisor
 * (for restart context) and its caller (for business logic context). This dual tracking is
 * essential for understanding failures in systems where the spawner and supervisor are different
 * processes."
 *
 * Claims checked against models/p14-process-lineage.ts (processes.md §2.1–§2.3, §5.1.3, §8), on
 * generated spawn trees that mix GenServer / Agent / Supervisor starts (with and without registered
 * names), `Task.async` / `Task.start` / `Task.start_link` tasks nested in each other and in
 * GenServer inits, Task child specs under supervisors, and `Task.Supervisor` tasks
 * (`async`, `async_nolink`, `start_child`) started by any process of the tree:
 * - every proc_lib process stores `$ancestors = [spawner name-or-pid | spawner's ancestors]` and no
 *   `$callers` (§2.1, §2.3);
 * - every task stores `$callers = [caller | caller's $callers]` and `$ancestors` by the profile's
 *   rule: `[spawner pid | …]` in current Elixir, proc_lib's name-or-pid rule in Elixir 1.14 — the
 *   spawner being the Task.Supervisor for `Task.Supervisor.*` tasks (§2.3, §8);
 * - a crashing task's report names its starter (the caller's name or pid) and carries its
 *   `$callers` as metadata — the "caller for business logic context" of the claim (§5.1.3); for a
 *   Task.Supervisor task, the supervisor — its spawner — writes its own `child_terminated` report
 *   naming the task (supervision.md rules 37, 110): the "restart context". (Elixir ≥ 1.15 shows
 *   only the first by default: supervisor reports are SASL reports, dropped unless
 *   `handle_sasl_reports: true`; checked on 1.14 and 1.18.)
 * The lineage is what each process reads from its own dictionary, reported as `lineage` events.
 */
import fc from 'fast-check';
import {
  Agent,
  ErlModule,
  GenServer,
  Pid,
  Supervisor,
  Task,
  TaskSupervisor,
  fails,
  get,
  holds,
  isTagged,
  raise,
  register,
  report,
  now,
  runProblem,
  self,
  sleep,
  t,
  type CheckResult,
  type Op,
  type Outcome,
  type Target,
  type Term,
  type TermObject,
  type TraceEvent,
} from '../src/index.js';
import {
  isTaskKind,
  lineageOf,
  spawnedBySupervisor,
  taskCrashReport,
  type NodeKind,
  type Profile,
  type ProcView,
} from '../models/p14-process-lineage.js';

// ------------------------------------------------------------------------------- the input

export interface LineageNode {
  readonly kind: NodeKind;
  /** Registered under a name: `name:` for proc_lib starts, `Process.register/2` for tasks. */
  readonly named: boolean;
  /** For Task.Supervisor tasks: which of the run's task supervisors starts it. */
  readonly sup: number;
  /** A leaf task nobody is linked to that raises after reporting its lineage. */
  readonly crash: boolean;
  readonly children: readonly LineageNode[];
}

export interface LineageCase {
  readonly rootNamed: boolean;
  /** The run's Task.Supervisors, started by the root. */
  readonly taskSupervisors: ReadonlyArray<{ readonly named: boolean }>;
  readonly tree: readonly LineageNode[];
}

/** Kinds a supervisor can start from a child spec (a Task child is `Task.start_link` by the supervisor). */
const CHILD_SPEC_KINDS: readonly NodeKind[] = ['gen_server', 'agent', 'supervisor', 'task_start_link'];
const ANY_KIND: readonly NodeKind[] = ['gen_server', 'agent', 'supervisor', 'task_async', 'task_start', 'task_start_link', 'sup_async', 'sup_async_nolink', 'sup_start_child'];
/** Tasks whose crash kills nobody: unlinked from their caller, or yielded by it. */
const MAY_CRASH: readonly NodeKind[] = ['task_start', 'sup_start_child', 'sup_async_nolink'];

function nodeArb(depth: number, underSupervisor: boolean): fc.Arbitrary<LineageNode> {
  const kinds = underSupervisor ? CHILD_SPEC_KINDS : ANY_KIND;
  return fc.constantFrom(...kinds).chain((kind) =>
    fc.record({
      kind: fc.constant(kind),
      named: fc.boolean(),
      sup: fc.integer({ min: 0, max: 1 }),
      crash: MAY_CRASH.includes(kind) ? fc.boolean() : fc.constant(false),
      children:
        depth <= 0 ? fc.constant([]) : fc.array(nodeArb(depth - 1, kind === 'supervisor'), { maxLength: kind === 'supervisor' ? 3 : 2 }),
    }).map((n) => (n.crash ? { ...n, children: [] } : n)),
  );
}

export const lineageCase: fc.Arbitrary<LineageCase> = fc.record({
  rootNamed: fc.boolean(),
  taskSupervisors: fc.array(fc.record({ named: fc.boolean() }), { minLength: 2, maxLength: 2 }),
  tree: fc.array(nodeArb(3, false), { minLength: 1, maxLength: 3 }),
});

// ------------------------------------------------------------------------------- the program

const ROOT_NAME = 'lineage_root';
/** Virtual time by which every process of the tree has started (all starts take 0 ms plus signal delays). */
const SETTLE_MS = 10_000;
const nameOf = (path: string) => `n${path}`;
const taskSupervisorName = (i: number) => `tsup${i}`;

/** What every process of the run can reach: the Task.Supervisors (by name or pid). */
interface Env {
  readonly taskSupervisors: Term[];
}

/** Reports what the calling process reads from its own dictionary (§2.1–§2.3). */
function* reportLineage(path: string): Op<void> {
  const me = yield* self();
  yield* report('lineage', {
    path,
    pid: me,
    ancestors: (yield* get('$ancestors')) ?? 'nil',
    callers: (yield* get('$callers')) ?? 'nil',
  });
}

/**
 * The body every non-supervisor node runs in its own process: name, report, spawn children. Then
 * a task stays alive until `SETTLE_MS`: its exit would stop the supervisors it is linked to before
 * their children start (a GenServer or Agent never exits here). Nothing waits on anything else,
 * so every start happens at once in virtual time.
 */
function* nodeBody(node: LineageNode, path: string, env: Env): Op<Term> {
  if (isTaskKind(node.kind) && node.named) yield* register(nameOf(path), yield* self());
  yield* reportLineage(path);
  if (node.crash) return raise('RuntimeError', `task ${path} crashed`);
  for (const [i, child] of node.children.entries()) yield* startNode(child, `${path}_${i}`, env);
  if (isTaskKind(node.kind)) yield* sleep(Math.max(0, SETTLE_MS - (yield* now())));
  return 'ok';
}

/** A module whose `start_link/1` starts `node` as a supervisor child (the supervisor is the spawner). */
function childModule(node: LineageNode, path: string, env: Env): ErlModule {
  return new ErlModule(`Lineage.N${path}`, { start_link: () => startNode(node, path, env) });
}

function childSpec(node: LineageNode, path: string, env: Env): TermObject {
  if (node.kind === 'task_start_link') {
    return { ...Task.childSpec(() => nodeBody(node, path, env)), id: nameOf(path) };
  }
  return { id: nameOf(path), start: t(childModule(node, path, env), 'start_link', [[]]) };
}

function startOptions(node: LineageNode, path: string): { name?: string } {
  return node.named ? { name: nameOf(path) } : {};
}

/**
 * Starts `node` from the calling process — its caller, and its spawner unless a Task.Supervisor
 * spawns it — and returns the start's result (a `%Task{}`, `{:ok, pid}`). Nobody awaits tasks: an
 * `async` task's reply simply lands in its owner's mailbox at the end.
 */
function* startNode(node: LineageNode, path: string, env: Env): Op<Term> {
  const body = () => nodeBody(node, path, env);
  const sup = env.taskSupervisors[node.sup % env.taskSupervisors.length]!;
  switch (node.kind) {
    case 'gen_server': {
      const mod = GenServer.defmodule(`Lineage.Server${path}`, {
        *init() {
          yield* nodeBody(node, path, env);
          return t('ok', 'nil');
        },
      });
      return yield* GenServer.startLink(mod, 'nil', startOptions(node, path));
    }
    case 'agent':
      return yield* Agent.startLink(body, startOptions(node, path));
    case 'supervisor': {
      const mod = Supervisor.defmodule(`Lineage.Sup${path}`, {
        *init() {
          yield* reportLineage(path);
          const specs = node.children.map((c, i) => childSpec(c, `${path}_${i}`, env));
          return yield* Supervisor.init(specs, { strategy: 'one_for_one' });
        },
      });
      return yield* Supervisor.startLink(mod, 'nil', startOptions(node, path));
    }
    case 'task_async':
      return yield* Task.async(body);
    case 'task_start':
      return yield* Task.start(body);
    case 'task_start_link':
      return yield* Task.startLink(body);
    case 'sup_async':
      return yield* TaskSupervisor.async(sup, body);
    case 'sup_async_nolink':
      return yield* TaskSupervisor.asyncNolink(sup, body);
    case 'sup_start_child':
      return yield* TaskSupervisor.startChild(sup, body);
  }
}

export function lineageProgram(c: LineageCase) {
  return function* (): Op<void> {
    if (c.rootNamed) yield* register(ROOT_NAME, yield* self());
    const taskSupervisors: Term[] = [];
    const pids: Term[] = [];
    for (const [i, s] of c.taskSupervisors.entries()) {
      const started = yield* TaskSupervisor.startLink(s.named ? { name: taskSupervisorName(i) } : {});
      if (!isTagged(started, 'ok', 2)) return;
      pids.push(started[1]!);
      taskSupervisors.push(s.named ? taskSupervisorName(i) : started[1]!);
    }
    yield* report('lineage.env', { root: yield* self(), task_supervisors: pids });
    yield* nodeBody({ kind: 'task_start', named: false, sup: 0, crash: false, children: c.tree }, '', { taskSupervisors });
    // The root is the Task.Supervisors' parent: its normal exit at SETTLE_MS stops them (§3.6.3).
  };
}

// ------------------------------------------------------------------------------- the check

const show = (x: Term): string => (x instanceof Pid ? x.toString() : String(x));
const showList = (x: Term | undefined): string[] => (Array.isArray(x) ? x.map(show) : []);

interface Observed {
  readonly pid: string;
  readonly ancestors: string[];
  readonly callers: string[];
  readonly rawCallers: Term;
}

function observations(trace: readonly TraceEvent[]): { env?: { root: string; sups: string[] }; byPath: Map<string, Observed[]> } {
  const byPath = new Map<string, Observed[]>();
  let env: { root: string; sups: string[] } | undefined;
  for (const e of trace) {
    // From SETTLE_MS on the tree is torn down (supervisors may restart children): not observed.
    if (e.k !== 'report' || e.t >= SETTLE_MS) continue;
    const d = e.data as TermObject;
    if (e.name === 'lineage.env') env = { root: show(d['root']!), sups: showList(d['task_supervisors']) };
    if (e.name === 'lineage') {
      const path = d['path'] as string;
      const list = byPath.get(path) ?? [];
      list.push({ pid: show(d['pid']!), ancestors: showList(d['ancestors']), callers: showList(d['callers']), rawCallers: d['callers']! });
      byPath.set(path, list);
    }
  }
  return { ...(env ? { env } : {}), byPath };
}

interface CrashLog {
  /** By task pid: the task's own report — starter and `$callers` metadata (§5.1.3). */
  readonly tasks: Map<string, { starter: string; callers: string[] }>;
  /** By task pid: the supervisors that wrote `child_terminated` for it (rule 110). */
  readonly supervisors: Map<string, string[]>;
}

/** The offender pid of a supervisor report `[supervisor: …, errorContext: …, reason: …, offender: [pid: p, …]]`. */
function offenderPid(report: Term): Term | undefined {
  const offender = Array.isArray(report) ? report.find((kv) => isTagged(kv, 'offender', 2)) : undefined;
  const list = offender ? (offender as Term[])[1] : undefined;
  const pid = Array.isArray(list) ? list.find((kv) => isTagged(kv, 'pid', 2)) : undefined;
  return pid ? (pid as Term[])[1] : undefined;
}

function crashLog(trace: readonly TraceEvent[]): CrashLog {
  const tasks = new Map<string, { starter: string; callers: string[] }>();
  const supervisors = new Map<string, string[]>();
  for (const e of trace) {
    if (e.k !== 'report' || e.t >= SETTLE_MS) continue;
    const d = e.data as TermObject;
    if (e.name === 'task.terminating') {
      const r = d['report'] as TermObject;
      tasks.set(show(r['name']!), { starter: show(r['starter']!), callers: showList((d['metadata'] as TermObject)['callers']) });
    }
    if (e.name === 'supervisor.child_terminated') {
      const pid = offenderPid(d['report']!);
      if (pid !== undefined) supervisors.set(show(pid), [...(supervisors.get(show(pid)) ?? []), show(e.pid)]);
    }
  }
  return { tasks, supervisors };
}

const describeKind: Record<NodeKind, string> = {
  gen_server: 'GenServer.start_link',
  agent: 'Agent.start_link',
  supervisor: 'Supervisor.start_link',
  task_async: 'Task.async',
  task_start: 'Task.start',
  task_start_link: 'Task.start_link',
  sup_async: 'Task.Supervisor.async',
  sup_async_nolink: 'Task.Supervisor.async_nolink',
  sup_start_child: 'Task.Supervisor.start_child',
};

const fmt = (xs: readonly string[]) => `[${xs.join(', ')}]`;

interface Walk {
  readonly profile: Profile;
  readonly byPath: Map<string, Observed[]>;
  readonly crashes: CrashLog;
  readonly sups: ProcView[];
}

/** Checks `node` (started by `caller`) and its subtree; returns the first disagreement. */
function checkNode(w: Walk, node: LineageNode, path: string, caller: ProcView, underSupervisor: boolean): string | null {
  const seen = w.byPath.get(path) ?? [];
  const how = underSupervisor && node.kind === 'task_start_link' ? 'a Task child spec' : describeKind[node.kind];
  if (seen.length !== 1) return `process ${nameOf(path)} (${how}) reported its lineage ${seen.length} times, expected once`;
  const o = seen[0]!;
  const spawner = spawnedBySupervisor(node.kind) ? w.sups[node.sup % w.sups.length]! : caller;
  const want = lineageOf(node.kind, spawner, caller, w.profile);
  const who = `${nameOf(path)} ${o.pid} (${how} from ${caller.name ?? caller.pid}${spawner !== caller ? `, spawned by ${spawner.name ?? spawner.pid}` : ''})`;
  if (fmt(o.ancestors) !== fmt(want.ancestors)) return `${who}: $ancestors is ${fmt(o.ancestors)}, the model says ${fmt(want.ancestors)} (processes.md §2.1/§2.3, ${w.profile})`;
  if (!isTaskKind(node.kind) && o.rawCallers !== 'nil') return `${who}: a proc_lib process has $callers ${fmt(o.callers)}; only tasks set it (§2.3)`;
  if (isTaskKind(node.kind) && (o.rawCallers === 'nil' || fmt(o.callers) !== fmt(want.callers))) {
    return `${who}: $callers is ${o.rawCallers === 'nil' ? 'not set' : fmt(o.callers)}, the model says ${fmt(want.callers)} (§2.3)`;
  }
  const view: ProcView = { pid: o.pid, ...(node.named ? { name: nameOf(path) } : {}), ancestors: want.ancestors, callers: want.callers };
  if (node.crash) {
    const logged = w.crashes.tasks.get(o.pid);
    const expected = taskCrashReport(view, caller);
    if (!logged) return `${who} crashed but no task crash report was logged (§5.1.3)`;
    if (logged.starter !== expected.starter || fmt(logged.callers) !== fmt(expected.callers)) {
      return `${who} crashed: its report names starter ${logged.starter} with callers ${fmt(logged.callers)}, the model says ${expected.starter} with ${fmt(expected.callers)}`;
    }
    const reportedBy = w.crashes.supervisors.get(o.pid) ?? [];
    if (spawnedBySupervisor(node.kind) && !reportedBy.includes(spawner.pid)) {
      return `${who} crashed but its supervisor ${spawner.name ?? spawner.pid} wrote no child_terminated report for it (supervision.md rules 37, 110)`;
    }
  }
  for (const [i, child] of node.children.entries()) {
    const problem = checkNode(w, child, `${path}_${i}`, view, node.kind === 'supervisor');
    if (problem) return problem;
  }
  return null;
}

export function lineageMatchesModel(o: Outcome<LineageCase>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const { env, byPath } = observations(o.run.trace);
  if (!env) return fails('the root did not start its Task.Supervisors');
  const root: ProcView = { pid: env.root, ...(o.input.rootNamed ? { name: ROOT_NAME } : {}), ancestors: [], callers: [] };
  const sups = o.input.taskSupervisors.map((s, i): ProcView => ({
    pid: env.sups[i]!,
    ...(s.named ? { name: taskSupervisorName(i) } : {}),
    ancestors: lineageOf('supervisor', root, root, o.semantics).ancestors,
    callers: [],
  }));
  const w: Walk = { profile: o.semantics, byPath, crashes: crashLog(o.run.trace), sups };
  for (const [i, node] of o.input.tree.entries()) {
    const problem = checkNode(w, node, `_${i}`, root, false);
    if (problem) return fails(problem);
  }
  return holds;
}

export const properties: Target<LineageCase>[] = [
  {
    id: 'p14-process-lineage:spawn-trees',
    title: 'every process of a generated spawn tree stores the $ancestors and $callers the model computes',
    claim: 'When a task crashes, the log includes both its supervisor (for restart context) and its caller (for business logic context)',
    input: lineageCase,
    program: lineageProgram,
    check: lineageMatchesModel,
    catches: ['callers-not-propagated'],
  },
];
