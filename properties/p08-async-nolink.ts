/**
 * Pattern 8 — Task.Supervisor.async_nolink for fault-tolerant task execution.
 *
 * Why (seed): "In a GenServer, you often want to spawn work that might fail without taking down the
 * server. The pattern: spawn with async_nolink, receive the result as {ref, answer}, and handle
 * failure as {:DOWN, ref, :process, _pid, reason}."
 *
 * Claims checked against models/p08-async-nolink.ts (processes.md §5.1.2-§5.1.3, §5.6.3-§5.6.4,
 * §5.6.8):
 * - `caller-view`: a caller (trapping exits or not) starts tasks with `Task.async`,
 *   `Task.Supervisor.async` or `Task.Supervisor.async_nolink` that succeed or crash after generated
 *   durations, then records every message it gets. For each task it receives exactly the model's
 *   messages, in order: `{ref, result}` then `{:DOWN, ref, :process, pid, :normal}` for a success;
 *   for a crash only `{:DOWN, …, reason}` from a nolink task, while a linked crash kills a
 *   non-trapping caller with the task's reason or gives a trapping one `{:EXIT, pid, reason}` and
 *   the DOWN. No `{:EXIT, …}` ever comes from a nolink task. When the caller dies, its linked tasks
 *   die with it; nolink tasks run to their own end.
 * - `genserver-owner`: the seed's GenServer (async_nolink in handle_call, `{:noreply, …}`, the
 *   reply from handle_info) serves concurrent callers whose tasks succeed or crash: every caller
 *   gets `{:ok, result}` or `{:error, reason}` as the model's `serverAnswer` says, the server never
 *   exits, and after `Process.demonitor(ref, [:flush])` no DOWN of a successful task reaches it.
 */
import fc from 'fast-check';
import {
  GenServer,
  Pid,
  Ref,
  Task,
  TaskSupervisor,
  Tuple,
  caught,
  demonitor,
  equals,
  exception,
  exit,
  fails,
  format,
  holds,
  isTagged,
  match,
  now,
  raise,
  receive,
  report,
  runProblem,
  sleep,
  spawn,
  spawnMonitor,
  t,
  trapExit,
  TIMEOUT,
  type CheckResult,
  type From,
  type Op,
  type Outcome,
  type ProcessBody,
  type Target,
  type Term,
  type TermObject,
} from '../src/index.js';
import { SPAWNS, callerView, diesWithCaller, serverAnswer, type Spawn } from '../models/p08-async-nolink.js';

/** The runtime's default maxDelay (ms), which these runs use. */
const MAX_DELAY = 2;
/** Lag of a chain of signals behind the clock (see the p07 property for the same windows). */
const SLACK = 3 * MAX_DELAY;
const SETTLE_MS = 50;

type Crash = 'none' | 'boom' | 'raise';

interface TaskPlan {
  readonly spawn: Spawn;
  readonly ms: number;
  readonly crash: Crash;
}

export interface CallerCase {
  readonly callerTraps: boolean;
  readonly tasks: TaskPlan[];
}

const crash: fc.Arbitrary<Crash> = fc.oneof({ weight: 3, arbitrary: fc.constant<Crash>('none') }, { weight: 2, arbitrary: fc.constantFrom<Crash>('boom', 'raise') });
const taskPlan: fc.Arbitrary<TaskPlan> = fc.record({ spawn: fc.constantFrom(...SPAWNS), ms: fc.integer({ min: 0, max: 200 }), crash });

const callerCase: fc.Arbitrary<CallerCase> = fc.record({ callerTraps: fc.boolean(), tasks: fc.array(taskPlan, { minLength: 1, maxLength: 4 }) });

const valueOf = (i: number): Term => t('result', i);

function crashReason(i: number, c: Crash): Term {
  if (c === 'boom') return 'boom';
  if (c === 'raise') return t(exception('RuntimeError', `task ${i} failed`), []);
  return 'normal';
}

function work(i: number, plan: Pick<TaskPlan, 'ms' | 'crash'>): () => Op<Term> {
  return function* () {
    if (plan.ms > 0) yield* sleep(plan.ms);
    if (plan.crash === 'boom') return exit('boom');
    if (plan.crash === 'raise') return raise('RuntimeError', `task ${i} failed`);
    return valueOf(i);
  };
}

function* spawnTask(sup: Pid, spawnKind: Spawn, fun: () => Op<Term>): Op<Task.Task> {
  switch (spawnKind) {
    case 'Task.async':
      return yield* Task.async(fun);
    case 'Task.Supervisor.async':
      return yield* TaskSupervisor.async(sup, fun);
    case 'Task.Supervisor.async_nolink':
      return yield* TaskSupervisor.asyncNolink(sup, fun);
  }
}

const lastFinish = (tasks: readonly { ms: number }[]): number => Math.max(0, ...tasks.map((p) => p.ms)) + SLACK + SETTLE_MS;

/** A root that starts the Task.Supervisor, runs `body` in a monitored process, waits for everything to end. */
function withSupervisor(body: (sup: Pid) => ProcessBody, horizon: number): ProcessBody {
  return function* () {
    yield* trapExit(true);
    const started = (yield* TaskSupervisor.startLink()) as Tuple;
    const sup = started[1] as Pid;
    yield* report('case.supervisor', { sup });
    const [, ref] = yield* spawnMonitor(body(sup), { label: 'caller' });
    yield* receive(match.down(ref));
    yield* sleep(horizon);
    yield* report('case.end', { supervisorAlive: (yield* receive(match.exit(sup), { after: 0 })) === TIMEOUT });
  };
}

function callerProgram(c: CallerCase): ProcessBody {
  return withSupervisor(
    (sup) =>
      function* () {
        yield* trapExit(c.callerTraps);
        for (const [i, plan] of c.tasks.entries()) {
          yield* report('task.starting', { i, at: yield* now() });
          const task = yield* spawnTask(sup, plan.spawn, work(i, plan));
          yield* report('task.started', { i, task, at: yield* now() });
        }
        const deadline = lastFinish(c.tasks);
        for (;;) {
          const left = deadline - (yield* now());
          const m = yield* receive(match.any, { after: Math.max(0, left) });
          if (m === TIMEOUT) return;
          yield* report('caller.msg', { msg: m });
        }
      },
    lastFinish(c.tasks),
  );
}

// ------------------------------------------------------------------------------- reading the run

const show = (x: Term): string => format(x, { maxLength: 160 });

interface CallerRun {
  readonly caller: Pid;
  readonly tasks: Array<{ task: Task.Task; lo: number; hi: number }>;
  readonly messages: Term[];
  readonly callerExit: { t: number; reason: Term } | undefined;
  readonly exits: Map<number, Term>;
}

function readCallerRun(o: Outcome<CallerCase>): CallerRun | string {
  let caller: Pid | undefined;
  const tasks: CallerRun['tasks'] = [];
  const starting: number[] = [];
  const messages: Term[] = [];
  const exits = new Map<number, Term>();
  let callerExit: CallerRun['callerExit'];
  for (const e of o.run.trace) {
    if (e.k === 'exit') {
      exits.set(e.pid.id, e.reason);
      if (caller && e.pid.id === caller.id) callerExit = { t: e.t, reason: e.reason };
    }
    if (e.k !== 'report') continue;
    const d = e.data as TermObject;
    if (e.name === 'task.starting') {
      caller = e.pid;
      starting[d['i'] as number] = d['at'] as number;
    } else if (e.name === 'task.started') tasks[d['i'] as number] = { task: d['task'] as Task.Task, lo: starting[d['i'] as number]!, hi: d['at'] as number };
    else if (e.name === 'caller.msg') messages.push(d['msg']!);
  }
  if (!caller) return 'the caller never started a task';
  return { caller, tasks, messages, callerExit, exits };
}

/** A message as the model names it, with the task it belongs to. */
function classify(m: Term, tasks: CallerRun['tasks'], plans: readonly TaskPlan[]): { i: number; kind: string } | undefined {
  for (const [i, { task }] of tasks.entries()) {
    const reason = crashReason(i, plans[i]!.crash);
    if (equals(m, t(task.ref, valueOf(i)))) return { i, kind: 'reply' };
    if (isTagged(m, 'DOWN', 5) && m[1] instanceof Ref && m[1].id === task.ref.id && equals(m[3]!, task.pid)) {
      if (equals(m[4]!, 'normal') && plans[i]!.crash === 'none') return { i, kind: 'down_normal' };
      if (equals(m[4]!, reason) && plans[i]!.crash !== 'none') return { i, kind: 'down_crash' };
    }
    if (isTagged(m, 'EXIT', 3) && equals(m[1]!, task.pid)) {
      if (equals(m[2]!, 'normal') && plans[i]!.crash === 'none') return { i, kind: 'exit_normal' };
      if (equals(m[2]!, reason) && plans[i]!.crash !== 'none') return { i, kind: 'exit_crash' };
    }
  }
  return undefined;
}

const describeTask = (i: number, p: TaskPlan): string => `task ${i} (${p.spawn}, ${p.ms} ms, ${p.crash === 'none' ? 'succeeds' : `crashes ${p.crash}`})`;

function checkCallerView(o: Outcome<CallerCase>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const r = readCallerRun(o);
  if (typeof r === 'string') return fails(r);
  const c = o.input;
  const plans = c.tasks.slice(0, r.tasks.length);
  const views = plans.map((p) => callerView(p.spawn, p.crash !== 'none', c.callerTraps));
  const finish = (i: number) => ({ lo: r.tasks[i]!.lo + plans[i]!.ms, hi: r.tasks[i]!.hi + plans[i]!.ms + SLACK });

  // Every message belongs to a task, as a message the model knows.
  const seen: string[][] = plans.map(() => []);
  for (const m of r.messages) {
    const k = classify(m, r.tasks, plans);
    if (!k) return fails(`the caller received ${show(m)}, which no task should send it (tasks: ${plans.map((p, i) => describeTask(i, p)).join('; ')})`);
    seen[k.i]!.push(k.kind);
  }

  // The caller dies iff a linked task crashed while it did not trap exits (§5.1.3), with that task's reason.
  const killers = plans.map((_, i) => i).filter((i) => views[i]!.ownerDies);
  const firstKill = Math.min(Infinity, ...killers.map((i) => finish(i).hi));
  const death = r.callerExit && r.callerExit.reason !== 'normal' ? r.callerExit : undefined;
  if (death) {
    const by = killers.filter((i) => finish(i).lo <= firstKill && equals(crashReason(i, plans[i]!.crash), death.reason));
    if (by.length === 0) {
      return fails(
        killers.length === 0
          ? `the caller (${c.callerTraps ? 'trapping' : 'not trapping'} exits) died with ${show(death.reason)}, though none of its tasks may kill it: ${plans.map((p, i) => describeTask(i, p)).join('; ')}`
          : `the caller died with ${show(death.reason)}; the model says the first linked crash (task ${killers.join(' or ')}) kills it`,
      );
    }
  } else if (killers.length > 0 && r.callerExit) {
    return fails(`${describeTask(killers[0]!, plans[killers[0]!]!)} is linked to the caller, which does not trap exits, yet the caller survived its crash (§5.1.3)`);
  }

  // Per task: exactly the model's messages in order (a prefix of them if the caller died).
  for (const [i, p] of plans.entries()) {
    const view = views[i]!;
    const monitorMsgs = seen[i]!.filter((k) => !k.startsWith('exit_'));
    const exitMsgs = seen[i]!.filter((k) => k.startsWith('exit_'));
    const expected = [...view.messages];
    const complete = !death;
    const ok = complete ? equals(monitorMsgs, expected) : equals(monitorMsgs, expected.slice(0, monitorMsgs.length));
    if (!ok) return fails(`${describeTask(i, p)}: the caller received [${monitorMsgs.join(', ')}], the model says [${expected.join(', ')}] (§5.6.4)`);
    const wantExit = view.exitMessage ? [view.exitMessage] : [];
    if (complete ? !equals(exitMsgs, wantExit) : exitMsgs.length > wantExit.length) {
      return fails(`${describeTask(i, p)}: the ${c.callerTraps ? 'trapping' : 'non-trapping'} caller received ${exitMsgs.length > 0 ? `{:EXIT, …} (${exitMsgs.join(', ')})` : 'no {:EXIT, …}'}; the model says ${wantExit.length > 0 ? 'one' : 'none: the task is not linked to it'}`);
    }
  }

  // Fates: a nolink task always ends on its own; a linked one may die with its caller.
  for (const [i, p] of plans.entries()) {
    const got = r.exits.get((r.tasks[i]!.task.pid as Pid).id);
    const allowed: Term[] = [];
    const f = finish(i);
    if (!death || f.lo <= death.t + SLACK || !diesWithCaller(p.spawn)) allowed.push(crashReason(i, p.crash));
    if (death && diesWithCaller(p.spawn) && f.hi >= death.t) allowed.push(death.reason);
    if (got === undefined || !allowed.some((a) => equals(a, got))) {
      return fails(`${describeTask(i, p)} exited ${got === undefined ? '(never)' : show(got)}; expected ${allowed.map(show).join(' or ')}`);
    }
  }
  return holds;
}

// ------------------------------------------------------------------------------- the GenServer owner

interface Request {
  readonly ms: number;
  readonly crash: Crash;
  /** When the caller sends its request. */
  readonly at: number;
}

export interface ServerCase {
  readonly requests: Request[];
}

const serverCase: fc.Arbitrary<ServerCase> = fc.record({
  requests: fc.array(fc.record({ ms: fc.integer({ min: 0, max: 300 }), crash, at: fc.integer({ min: 0, max: 300 }) }), { minLength: 1, maxLength: 4 }),
});

/**
 * The seed's `MyApp.Server` pattern with a reply: handle_call starts the work with async_nolink and
 * answers from handle_info (`{ref, result}` → demonitor with flush → `{:ok, result}`; DOWN →
 * `{:error, reason}`). Unknown messages are recorded.
 */
function nolinkServer(sup: Pid, requests: readonly Request[]) {
  return GenServer.defmodule('Beamcheck.NolinkServer', {
    init: () => t('ok', new Map<number, From>() as unknown as Term),
    *handleCall(request: Term, from: From, state: Map<number, From>) {
      const i = (request as Tuple)[1] as number;
      const task = yield* TaskSupervisor.asyncNolink(sup, work(i, requests[i]!));
      state.set(task.ref.id, from);
      return t('noreply', state as unknown as Term);
    },
    *handleInfo(msg: Term, state: Map<number, From>) {
      if (msg instanceof Tuple && msg.length === 2 && msg[0] instanceof Ref && state.has(msg[0].id)) {
        yield* demonitor(msg[0], { flush: true });
        const from = state.get(msg[0].id)!;
        state.delete(msg[0].id);
        yield* GenServer.reply(from, t('ok', msg[1]!));
      } else if (isTagged(msg, 'DOWN', 5) && msg[1] instanceof Ref && state.has(msg[1].id)) {
        const from = state.get(msg[1].id)!;
        state.delete(msg[1].id);
        yield* GenServer.reply(from, t('error', msg[4]!));
      } else {
        yield* report('server.unexpected', { msg });
      }
      return t('noreply', state as unknown as Term);
    },
  });
}

const CALL_TIMEOUT = 5000;

function serverProgram(c: ServerCase): ProcessBody {
  const horizon = Math.max(...c.requests.map((r) => r.at + r.ms)) + SLACK + SETTLE_MS;
  return withSupervisor(
    (sup) =>
      function* () {
        const started = (yield* GenServer.start(nolinkServer(sup, c.requests), 'nil')) as Tuple;
        const server = started[1] as Pid;
        yield* report('server.started', { server });
        for (const [i, r] of c.requests.entries()) {
          yield* spawn(function* () {
            if (r.at > 0) yield* sleep(r.at);
            try {
              yield* report('caller.answer', { i, answer: yield* GenServer.call(server, t('enrich', i), CALL_TIMEOUT) });
            } catch (e) {
              const ex = caught(e);
              if (ex.kind !== 'exit') throw e;
              yield* report('caller.exit', { i, reason: ex.reason });
            }
          }, { label: `caller${i}` });
        }
        yield* sleep(horizon);
        yield* report('server.end', { alive: (yield* GenServer.whereis(server)) !== undefined });
      },
    0,
  );
}

function checkServer(o: Outcome<ServerCase>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const answers = new Map<number, Term>();
  let server: Pid | undefined;
  for (const e of o.run.trace) {
    if (e.k === 'exit' && server && e.pid.id === server.id) return fails(`the server exited ${show(e.reason)} at ${e.t} ms: a failing async_nolink task must not take it down`);
    if (e.k !== 'report') continue;
    const d = e.data as TermObject;
    if (e.name === 'server.started') server = d['server'] as Pid;
    if (e.name === 'server.unexpected') return fails(`the server's handle_info got ${show(d['msg']!)} — after Process.demonitor(ref, [:flush]) no DOWN of an answered task may arrive`);
    if (e.name === 'caller.answer') answers.set(d['i'] as number, d['answer']!);
    if (e.name === 'caller.exit') return fails(`caller ${String(d['i'])} exited ${show(d['reason']!)} instead of getting an answer`);
  }
  for (const [i, r] of o.input.requests.entries()) {
    const got = answers.get(i);
    const want = serverAnswer(r.crash !== 'none') === 'ok' ? t('ok', valueOf(i)) : t('error', crashReason(i, r.crash));
    if (got === undefined || !equals(got, want)) return fails(`caller ${i} (task ${r.ms} ms, ${r.crash === 'none' ? 'succeeds' : `crashes ${r.crash}`}) got ${got === undefined ? 'no answer' : show(got)}, the model says ${show(want)}`);
  }
  return holds;
}

export const properties: Array<Target<CallerCase> | Target<ServerCase>> = [
  {
    id: 'p08-async-nolink:caller-view',
    title: 'what a caller receives from async / Task.Supervisor.async / async_nolink tasks that succeed or crash',
    claim: 'Unlike Task.async, async_nolink spawns a task that is NOT linked to the caller … This prevents a task crash from killing the caller',
    input: callerCase,
    program: callerProgram,
    check: checkCallerView,
    catches: ['async-nolink-links'],
  },
  {
    id: 'p08-async-nolink:genserver-owner',
    title: 'a GenServer using async_nolink answers every caller and survives every failing task',
    claim: 'receive the result as {ref, answer}, and handle failure as {:DOWN, ref, :process, _pid, reason}',
    input: serverCase,
    program: serverProgram,
    check: checkServer,
    catches: ['async-nolink-links'],
  },
];
