/**
 * Pattern 9 — Task.Supervisor as a DynamicSupervisor specialization.
 *
 * Why (seed): "Specialization without duplication. Task.Supervisor adds task-specific behavior
 * (caller tracking, async/nolink patterns, stream support) on top of the generic dynamic
 * supervision infrastructure."
 *
 * Claims checked against models/p09-task-supervisor.ts (supervision.md §10 rules 96–99, §9 rules
 * 89–92 and 95; processes.md §2.3, §5.6.2–§5.6.5): a client — itself a task, so that it has
 * `$callers` of its own — runs a generated command sequence against a Task.Supervisor with a
 * generated `max_children`: `start_child` and `async_nolink` of tasks that run for a while (some
 * trapping exits, some crashing, with the default or an explicit `:shutdown`), `terminate_child`
 * of a started task, and waits.
 * - every start answers as the model's `max_children` count says: `{:ok, pid}` or
 *   `{:error, :max_children}` (`async_nolink` raises instead);
 * - every child is listed as `{:undefined, pid, :worker, [Task.Supervised]}` and is started exactly
 *   once: the supervisor never restarts a task, crashed or not (restart `:temporary`);
 * - `terminate_child` ends a task exactly as its shutdown says — at once (`:shutdown` or, for
 *   `:brutal_kill`, `:killed`), or for a task trapping exits after the shutdown value, 5000 ms by
 *   default, unless it ends on its own first; a task already gone gives `{:error, :not_found}`;
 * - each task records `$callers = [client | client's $callers]` and
 *   `$ancestors = [supervisor | supervisor's $ancestors]`.
 */
import fc from 'fast-check';
import {
  DynamicSupervisor,
  Pid,
  Task,
  TaskSupervisor,
  Tuple,
  caught,
  equals,
  exit,
  fails,
  format,
  get,
  holds,
  isTagged,
  match,
  now,
  receive,
  report,
  runProblem,
  self,
  send,
  sleep,
  t,
  trapExit,
  type CheckResult,
  type Op,
  type Outcome,
  type ProcessBody,
  type Target,
  type Term,
  type TermObject,
} from '../src/index.js';
import {
  TASK_CHILD_DEFAULTS,
  ancestorsOf,
  callersOf,
  shutdownOf,
  startResults,
  terminateEnds,
  type ShutdownOption,
  type Window,
} from '../models/p09-task-supervisor.js';

const MAX_DELAY = 2;
const SLACK = 3 * MAX_DELAY;

interface StartCommand {
  readonly kind: 'start_child' | 'async_nolink';
  readonly ms: number;
  readonly crash: boolean;
  readonly traps: boolean;
  readonly shutdown: ShutdownOption;
}

type Command = StartCommand | { readonly kind: 'terminate'; readonly target: number } | { readonly kind: 'wait'; readonly ms: number };

export interface SupervisorCase {
  readonly maxChildren: number | 'infinity';
  readonly commands: Command[];
}

// ------------------------------------------------------------------------------- input

const startCommand: fc.Arbitrary<StartCommand> = fc.record({
  kind: fc.constantFrom('start_child' as const, 'async_nolink' as const),
  ms: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1000, max: 8000 })),
  crash: fc.boolean(),
  traps: fc.boolean(),
  shutdown: fc.oneof(
    { weight: 3, arbitrary: fc.constant<ShutdownOption>('default') },
    { weight: 1, arbitrary: fc.constant<ShutdownOption>('brutal_kill') },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 300 }) },
  ),
});

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: startCommand },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('terminate' as const), target: fc.nat({ max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 6000 }) }) },
);

const supervisorCase: fc.Arbitrary<SupervisorCase> = fc.record({
  maxChildren: fc.oneof(fc.constant<'infinity'>('infinity'), fc.integer({ min: 0, max: 3 })),
  commands: fc.array(command, { minLength: 1, maxLength: 8 }),
});

// ------------------------------------------------------------------------------- program

/** The task of command `n`: tells the client it runs (after trapping exits, so no shutdown can race with that), then works. */
function taskFun(client: Pid, n: number, c: StartCommand): () => Op<Term> {
  return function* () {
    yield* report('task.run', { n, callers: (yield* get('$callers')) ?? 'nil', ancestors: (yield* get('$ancestors')) ?? 'nil' });
    if (c.traps) yield* trapExit(true);
    yield* send(client, t('running', n));
    if (c.ms > 0) yield* sleep(c.ms);
    if (c.crash) return exit('boom');
    return t('done', n);
  };
}

function* startOne(sup: Pid, n: number, c: StartCommand): Op<Term> {
  const shutdown = c.shutdown === 'default' ? {} : { shutdown: c.shutdown };
  const fun = taskFun(yield* self(), n, c);
  if (c.kind === 'start_child') return yield* TaskSupervisor.startChild(sup, fun, shutdown);
  try {
    const task = yield* TaskSupervisor.asyncNolink(sup, fun, shutdown);
    return t('ok', task.pid);
  } catch (e) {
    const ex = caught(e);
    if (ex.kind !== 'error') throw e;
    return t('raised', ex.error);
  }
}

function clientBody(sup: Pid, c: SupervisorCase): () => Op<Term> {
  return function* () {
    const started: Array<{ n: number; pid: Pid }> = [];
    yield* report('client', { callers: (yield* get('$callers')) ?? 'nil' });
    for (const [n, cmd] of c.commands.entries()) {
      const at = yield* now();
      if (cmd.kind === 'wait') {
        yield* sleep(cmd.ms);
        continue;
      }
      if (cmd.kind === 'terminate') {
        if (started.length === 0) continue;
        const target = started[cmd.target % started.length]!;
        yield* report('cmd.start', { n, at, target: target.n });
        yield* report('cmd.done', { n, result: yield* TaskSupervisor.terminateChild(sup, target.pid) });
      } else {
        yield* report('cmd.start', { n, at });
        const result = yield* startOne(sup, n, cmd);
        if (isTagged(result, 'ok', 2) && result[1] instanceof Pid) {
          started.push({ n, pid: result[1] });
          yield* receive(match.eq(t('running', n)));
        }
        yield* report('cmd.done', { n, result });
      }
      yield* report('children', { which: yield* DynamicSupervisor.whichChildren(sup) });
    }
    return 'ok';
  };
}

/** Long enough for every task to end on its own after the client is done. */
const HORIZON = 9000 + SLACK;

function program(c: SupervisorCase): ProcessBody {
  return function* () {
    yield* trapExit(true);
    const [, sup] = (yield* TaskSupervisor.startLink({ maxChildren: c.maxChildren })) as Tuple;
    yield* report('case.supervisor', { sup: sup!, ancestors: (yield* get('$ancestors')) ?? [] });
    const client = yield* Task.async(clientBody(sup as Pid, c));
    yield* Task.await(client, 'infinity');
    yield* sleep(HORIZON);
    yield* report('case.end', { root: yield* self() });
  };
}

// ------------------------------------------------------------------------------- reading the run

const show = (x: Term): string => format(x, { maxLength: 160 });

interface Cmd {
  at: number;
  endAt?: number;
  target?: number;
  result?: Term;
}

interface SupRun {
  readonly sup: Pid;
  readonly client: Pid;
  readonly clientCallers: Term;
  readonly commands: Map<number, Cmd>;
  readonly childLists: Term[][];
  readonly runs: Map<number, { callers: Term; ancestors: Term; pid: Pid }>;
  readonly exits: Map<number, { t: number; reason: Term }>;
  readonly supSpawns: number;
}

function readRun(o: Outcome<SupervisorCase>): SupRun | string {
  let sup: Pid | undefined;
  let client: Pid | undefined;
  let clientCallers: Term = 'nil';
  const commands = new Map<number, Cmd>();
  const childLists: Term[][] = [];
  const runs: SupRun['runs'] = new Map();
  const exits: SupRun['exits'] = new Map();
  let supSpawns = 0;
  for (const e of o.run.trace) {
    if (e.k === 'report' && e.name === 'case.end') break; // the root's exit then ends the supervisor
    if (e.k === 'exit') exits.set(e.pid.id, { t: e.t, reason: e.reason });
    if (e.k === 'spawn' && sup && e.parent?.id === sup.id) supSpawns++;
    if (e.k !== 'report') continue;
    const d = e.data as TermObject;
    const n = d['n'] as number;
    if (e.name === 'case.supervisor') sup = d['sup'] as Pid;
    else if (e.name === 'client') [client, clientCallers] = [e.pid, d['callers']!];
    else if (e.name === 'cmd.start') commands.set(n, { at: d['at'] as number, ...(d['target'] !== undefined ? { target: d['target'] as number } : {}) });
    else if (e.name === 'cmd.done') Object.assign(commands.get(n)!, { endAt: e.t, result: d['result']! });
    else if (e.name === 'children') childLists.push(d['which'] as Term[]);
    else if (e.name === 'task.run') runs.set(n, { callers: d['callers']!, ancestors: d['ancestors']!, pid: e.pid });
  }
  if (!sup || !client) return 'the supervisor or the client did not start';
  return { sup, client, clientCallers, commands, childLists, runs, exits, supSpawns };
}

// ------------------------------------------------------------------------------- the check

const describeStart = (n: number, c: StartCommand): string =>
  `command ${n + 1} (${c.kind}, ${c.ms} ms, ${c.crash ? 'crashes' : 'returns'}, ${c.traps ? 'traps exits' : 'does not trap'}, shutdown ${String(shutdownOf(c.shutdown))})`;

const startedPid = (cmd: Cmd | undefined): Pid | undefined =>
  cmd && isTagged(cmd.result, 'ok', 2) && cmd.result[1] instanceof Pid ? cmd.result[1] : undefined;

/** When a started task's own work ends (its exit reaches the supervisor). */
function finishOf(cmd: Cmd, c: StartCommand): Window {
  return { lo: cmd.at + c.ms, hi: cmd.endAt! + c.ms + SLACK };
}

/** How many started tasks the supervisor may still hold at `at` (rule 89 counts every child entry). */
function held(o: Outcome<SupervisorCase>, r: SupRun, before: number, at: number): { surely: number; maybe: number } {
  let surely = 0;
  let maybe = 0;
  for (const [n, cmd] of r.commands) {
    const plan = o.input.commands[n]!;
    if (n >= before || plan.kind === 'terminate' || plan.kind === 'wait' || !startedPid(cmd)) continue;
    const terminatedBy = [...r.commands.entries()].find(([m, x]) => m < before && x.target === n && equals(x.result!, 'ok'));
    if (terminatedBy) continue; // terminate_child removes it before it returns (rule 90)
    const f = finishOf(cmd, plan);
    if (f.lo > at + SLACK) surely++;
    if (f.hi + SLACK >= at) maybe++;
  }
  return { surely, maybe };
}

function checkStart(o: Outcome<SupervisorCase>, r: SupRun, n: number, c: StartCommand, cmd: Cmd): CheckResult {
  const allowed = startResults(o.input.maxChildren, held(o, r, n, cmd.at));
  const got = cmd.result!;
  const kind = startedPid(cmd) ? 'ok' : c.kind === 'start_child' ? (equals(got, t('error', 'max_children')) ? 'max_children' : 'other') : isTagged(got, 'raised', 2) ? 'max_children' : 'other';
  if (kind === 'other' || !allowed.includes(kind)) {
    return fails(`${describeStart(n, c)} under max_children ${String(o.input.maxChildren)} gave ${show(got)}; the model allows ${allowed.map((a) => (a === 'ok' ? '{:ok, pid}' : c.kind === 'start_child' ? '{:error, :max_children}' : 'a RuntimeError')).join(' or ')} (rules 89, 97, 98)`);
  }
  return holds;
}

function checkTerminate(o: Outcome<SupervisorCase>, r: SupRun, n: number, cmd: Cmd): CheckResult {
  const target = cmd.target!;
  const plan = o.input.commands[target] as StartCommand;
  const started = r.commands.get(target)!;
  const pid = startedPid(started)!;
  const death = r.exits.get(pid.id);
  const where = `command ${n + 1} (terminate_child of ${describeStart(target, plan).slice(0, -1)}) at ${cmd.at} ms`;
  if (!death) return fails(`${where}: the task never exited`);
  const earlier = [...r.commands.entries()].some(([m, x]) => m < n && x.target === target && equals(x.result!, 'ok'));
  if (equals(cmd.result!, t('error', 'not_found'))) {
    if (earlier || death.t <= cmd.endAt!) return holds;
    return fails(`${where}: {:error, :not_found}, but the task was still running (it exited at ${death.t} ms)`);
  }
  if (!equals(cmd.result!, 'ok')) return fails(`${where} returned ${show(cmd.result!)}`);
  if (earlier) return fails(`${where}: :ok for a task already terminated`);
  const ends = terminateEnds(shutdownOf(plan.shutdown), plan.traps, cmd.at, finishOf(started, plan), SLACK);
  const by = death.reason === 'killed' ? 'killed' : death.reason === 'shutdown' ? 'shutdown' : 'own';
  const own = plan.crash ? 'boom' : 'normal';
  const end = ends.find((e) => e.by === by && (by !== 'own' || equals(death.reason, own)));
  if (!end) {
    return fails(`${where}: the task exited ${show(death.reason)}; the model says ${ends.map((e) => (e.by === 'own' ? `:${own} (its own end)` : `:${e.by}`)).join(' or ')} (rule 95, shutdown ${String(shutdownOf(plan.shutdown))}${plan.shutdown === 'default' ? ` = the default ${TASK_CHILD_DEFAULTS.shutdown}` : ''})`);
  }
  if (death.t < end.at.lo || death.t > end.at.hi + SLACK) {
    return fails(`${where}: the task exited ${show(death.reason)} at ${death.t} ms; the model says between ${end.at.lo} and ${end.at.hi} ms (shutdown ${String(shutdownOf(plan.shutdown))})`);
  }
  if (cmd.endAt! < death.t) return fails(`${where}: terminate_child returned at ${cmd.endAt} ms, before the task died at ${death.t} ms`);
  return holds;
}

function checkLineage(o: Outcome<SupervisorCase>, r: SupRun): CheckResult {
  const root = o.run.rootPid;
  const wantCallers = callersOf<Term>(r.client, Array.isArray(r.clientCallers) ? r.clientCallers : []);
  const wantAncestors = ancestorsOf<Term>(r.sup, [root]);
  for (const [n, run] of r.runs) {
    if (!equals(run.callers, wantCallers)) return fails(`the task of command ${n + 1} has $callers ${show(run.callers)}; expected ${show(wantCallers)} — the client, then the client's own callers (§2.3)`);
    if (!equals(run.ancestors, wantAncestors)) return fails(`the task of command ${n + 1} has $ancestors ${show(run.ancestors)}; expected ${show(wantAncestors)} — the supervisor first (§2.3)`);
  }
  return holds;
}

function check(o: Outcome<SupervisorCase>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const r = readRun(o);
  if (typeof r === 'string') return fails(r);
  if (r.exits.has(r.sup.id)) return fails(`the Task.Supervisor exited ${show(r.exits.get(r.sup.id)!.reason)}`);
  for (const [n, cmd] of r.commands) {
    const plan = o.input.commands[n]!;
    if (cmd.result === undefined) return fails(`command ${n + 1} never returned`);
    const res = plan.kind === 'terminate' ? checkTerminate(o, r, n, cmd) : plan.kind === 'wait' ? holds : checkStart(o, r, n, plan, cmd);
    if (!res.ok) return res;
  }
  for (const list of r.childLists) {
    for (const entry of list) {
      if (!(isTagged(entry, 'undefined', 4) && entry[1] instanceof Pid && entry[2] === TASK_CHILD_DEFAULTS.type && equals(entry[3]!, [...TASK_CHILD_DEFAULTS.modules]))) {
        return fails(`which_children lists ${show(entry)}; every task child is {:undefined, pid, :worker, [Task.Supervised]} (§5.6.2)`);
      }
    }
  }
  // Temporary: one process per successful start, never a restart (rules 92, 98).
  const starts = [...r.commands.values()].filter((cmd) => startedPid(cmd)).length;
  if (r.supSpawns !== starts) return fails(`the supervisor spawned ${r.supSpawns} processes for ${starts} started tasks: a temporary task child is never restarted (rule 92)`);
  // Tasks never terminated end on their own.
  for (const [n, run] of r.runs) {
    if ([...r.commands.values()].some((x) => x.target === n && equals(x.result!, 'ok'))) continue;
    const own = (o.input.commands[n] as StartCommand).crash ? 'boom' : 'normal';
    const death = r.exits.get(run.pid.id);
    if (!death || !equals(death.reason, own)) return fails(`the task of command ${n + 1} exited ${death ? show(death.reason) : '(never)'}; it was not terminated, so it must end :${own}`);
  }
  return checkLineage(o, r);
}

export const properties: Target<SupervisorCase>[] = [
  {
    id: 'p09-task-supervisor:task-children',
    title: 'Task.Supervisor children: temporary, shutdown 5000, :worker, max_children, $callers / $ancestors',
    claim: 'Task.Supervisor is implemented directly on top of DynamicSupervisor … Task.Supervisor adds task-specific behavior (caller tracking, async/nolink patterns)',
    input: supervisorCase,
    program,
    check,
    catches: ['dynamic-max-children-off-by-one', 'callers-not-propagated'],
  },
];
