/**
 * Pattern 7 — Task.async/await for concurrent value computation.
 *
 * Why (seed): "Tasks provide structured concurrency — the caller is linked to the task, so failures
 * propagate naturally. The monitor reference enables safe await with timeout. This is explicit and
 * composable unlike raw spawn_link + receive."
 *
 * Claims checked, model-based, against models/p07-task-async-await.ts (processes.md §5.1–§5.2):
 * an owner (trapping exits or not) starts generated tasks (durations; a value, `exit(:boom)`, a
 * raise, a throw or `exit(:normal)` without a reply) and runs a generated command sequence of
 * `await`, `await_many` (caught or not) and `sleep`. After every command the observed result is
 * compared with the model's:
 * - `await` returns the reply, or exits `{reason, {Task, :await, [task, timeout]}}` on the DOWN,
 *   or `{:timeout, {Task, :await, [task, timeout]}}` — exactly these terms (§5.2.1); a task can be
 *   awaited once (§5.2.3);
 * - `await_many` returns the replies in input order, whatever the arrival order, or exits with
 *   the first DOWN's reason or `:timeout`, wrapped in `{Task, :await_many, [tasks, timeout]}` (§5.2.4);
 * - a crash kills a non-trapping owner through the link with the task's reason (§5.1.3), and the
 *   owner's death (or an uncaught await exit) takes its running tasks down with it (§1.4.4);
 * - a timeout leaves the task running: it ends on its own (§5.2.2), and nothing sent to the
 *   task's ref reaches the owner after the owner gave it up (late replies are dropped, §1.6.4);
 * - the owner's mailbox at the end holds exactly the model's leftovers: `{ref, value}` then
 *   `{:DOWN, ref, …}` of tasks never awaited, and `{:EXIT, pid, reason}` when trapping (§5.1.2).
 */
import fc from 'fast-check';
import {
  Pid,
  Ref,
  Task,
  Tuple,
  caught,
  equals,
  exception,
  exit,
  fails,
  format,
  holds,
  isTagged,
  match,
  now,
  processInfo,
  raise,
  receive,
  report,
  runProblem,
  self,
  sleep,
  spawnMonitor,
  t,
  throwValue,
  trapExit,
  type CheckResult,
  type Op,
  type Outcome,
  type ProcessBody,
  type Target,
  type Term,
  type TermObject,
} from '../src/index.js';
import { AsyncOwner, describeOutcome, type AwaitOutcome, type Command, type TaskEnd, type TaskWork } from '../models/p07-task-async-await.js';

const TASK = 'Elixir.Task';
/** The runtime's default maxDelay (ms), which these runs use. */
const MAX_DELAY = 2;
/** Largest lag of a chain of signals and wake-ups behind the clock (see the model's windows). */
const SLACK = 3 * MAX_DELAY;
/** Time the owner leaves its tasks to finish before it reads its mailbox. */
const SETTLE_MS = 50;

export interface AwaitCase {
  readonly ownerTraps: boolean;
  readonly tasks: TaskWork[];
  readonly commands: Command[];
}

// ------------------------------------------------------------------------------- input

const taskEnd: fc.Arbitrary<TaskEnd> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<TaskEnd>('value') },
  { weight: 1, arbitrary: fc.constantFrom<TaskEnd>('boom', 'raise', 'throw', 'normal') },
);

const work: fc.Arbitrary<TaskWork> = fc.record({ ms: fc.integer({ min: 0, max: 300 }), end: taskEnd });

function command(n: number): fc.Arbitrary<Command> {
  const timeout = fc.integer({ min: 0, max: 400 });
  const catchExit = fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('await' as const), task: fc.integer({ min: 0, max: n - 1 }), timeout, catchExit }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('await_many' as const),
        tasks: fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: 1 }),
        timeout,
        catchExit,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('sleep' as const), ms: fc.integer({ min: 0, max: 200 }) }) },
  );
}

const awaitCase: fc.Arbitrary<AwaitCase> = fc
  .record({ ownerTraps: fc.boolean(), tasks: fc.array(work, { minLength: 1, maxLength: 4 }) })
  .chain((c) => fc.array(command(c.tasks.length), { minLength: 1, maxLength: 6 }).map((commands) => ({ ...c, commands })));

// ------------------------------------------------------------------------------- program

/** The value task `i` replies with. */
const valueOf = (i: number): Term => t('result', i);

/** The exit reason a task's own end gives it (§1.2.1). */
function ownReason(i: number, end: TaskEnd): Term {
  switch (end) {
    case 'value':
    case 'normal':
      return 'normal';
    case 'boom':
      return 'boom';
    case 'raise':
      return t(exception('RuntimeError', `task ${i} failed`), []);
    case 'throw':
      return t(t('nocatch', 'oops'), []);
  }
}

function taskBody(i: number, w: TaskWork): () => Op<Term> {
  return function* () {
    if (w.ms > 0) yield* sleep(w.ms);
    switch (w.end) {
      case 'value':
        return valueOf(i);
      case 'boom':
        return exit('boom');
      case 'raise':
        return raise('RuntimeError', `task ${i} failed`);
      case 'throw':
        return throwValue('oops');
      case 'normal':
        return exit('normal');
    }
  };
}

function* runCommand(cmd: Command, tasks: Task.Task[]): Op<Term> {
  switch (cmd.kind) {
    case 'sleep':
      return yield* sleep(cmd.ms);
    case 'await':
      return yield* Task.await(tasks[cmd.task]!, cmd.timeout);
    case 'await_many':
      return yield* Task.awaitMany(cmd.tasks.map((i) => tasks[i]!), cmd.timeout);
  }
}

function ownerBody(c: AwaitCase): ProcessBody {
  return function* () {
    yield* trapExit(c.ownerTraps);
    const tasks: Task.Task[] = [];
    for (const [i, w] of c.tasks.entries()) {
      yield* report('task.starting', { i, at: yield* now() });
      const task = yield* Task.async(taskBody(i, w));
      tasks.push(task);
      yield* report('task.started', { i, task, at: yield* now() });
    }
    for (const [n, cmd] of c.commands.entries()) {
      yield* report('cmd.start', { n, at: yield* now() });
      try {
        yield* report('cmd.done', { n, result: yield* runCommand(cmd, tasks) });
      } catch (e) {
        const ex = caught(e);
        if (!(cmd.kind !== 'sleep' && cmd.catchExit && ex.kind === 'exit')) throw e;
        yield* report('cmd.exit', { n, reason: ex.reason });
      }
    }
    const lastFinish = Math.max(...c.tasks.map((w) => w.ms));
    const wait = lastFinish + SLACK + SETTLE_MS - (yield* now());
    if (wait > 0) yield* sleep(wait);
    yield* report('owner.mailbox', { messages: (yield* processInfo(yield* self(), 'messages'))! });
  };
}

function program(c: AwaitCase): ProcessBody {
  return function* () {
    const [, ref] = yield* spawnMonitor(ownerBody(c), { label: 'owner' });
    yield* receive(match.down(ref));
    // The owner's tasks outlive it when it dies early: let them end before the run does.
    yield* sleep(Math.max(...c.tasks.map((w) => w.ms)) + SLACK + SETTLE_MS);
  };
}

// ------------------------------------------------------------------------------- reading the run

interface Observed {
  readonly owner: Pid;
  /** Pids of the tasks the owner spawned, in order (also those it died before reporting). */
  readonly taskPids: Pid[];
  /** Task structs the owner reported. */
  readonly tasks: Task.Task[];
  readonly started: Array<{ lo: number; hi: number }>;
  readonly commands: Array<{ at: number; done?: Term; exit?: Term; endIndex?: number }>;
  readonly ownerExit: { t: number; reason: Term } | undefined;
  readonly taskExits: Map<number, Term>;
  readonly mailbox: Term[] | undefined;
}

function observe(o: Outcome<AwaitCase>): Observed | string {
  const trace = o.run.trace;
  const ownerSpawn = trace.find((e) => e.k === 'spawn' && e.parent?.id === o.run.rootPid.id);
  if (!ownerSpawn || ownerSpawn.k !== 'spawn') return 'the owner was never spawned';
  const owner = ownerSpawn.pid;
  const taskPids: Pid[] = [];
  const tasks: Task.Task[] = [];
  const started: Array<{ lo: number; hi: number }> = [];
  const commands: Observed['commands'] = [];
  const exits = new Map<number, { t: number; reason: Term }>();
  let mailbox: Term[] | undefined;
  for (const [index, e] of trace.entries()) {
    if (e.k === 'exit') exits.set(e.pid.id, { t: e.t, reason: e.reason });
    if (e.k === 'spawn' && e.parent?.id === owner.id) taskPids.push(e.pid);
    if (e.k !== 'report') continue;
    const d = e.data as TermObject;
    const n = d['n'] as number;
    if (e.name === 'task.starting') started[d['i'] as number] = { lo: d['at'] as number, hi: Infinity };
    else if (e.name === 'task.started') {
      tasks[d['i'] as number] = d['task'] as Task.Task;
      started[d['i'] as number]!.hi = d['at'] as number;
    } else if (e.name === 'cmd.start') commands[n] = { at: d['at'] as number };
    else if (e.name === 'cmd.done') Object.assign(commands[n]!, { done: d['result']!, endIndex: index });
    else if (e.name === 'cmd.exit') Object.assign(commands[n]!, { exit: d['reason']!, endIndex: index });
    else if (e.name === 'owner.mailbox') mailbox = d['messages'] as Term[];
  }
  const ownerExit = exits.get(owner.id);
  // A task whose start the owner did not live to report was spawned before the owner died.
  const spawned = started.slice(0, taskPids.length).map((w) => ({ lo: w.lo, hi: Math.min(w.hi, ownerExit?.t ?? Infinity) }));
  const taskExits = new Map<number, Term>();
  taskPids.forEach((pid, i) => {
    const x = exits.get(pid.id);
    if (x) taskExits.set(i, x.reason);
  });
  return { owner, taskPids, tasks, started: spawned, commands, ownerExit, taskExits, mailbox };
}

// ------------------------------------------------------------------------------- the check

const show = (x: Term): string => format(x, { maxLength: 160 });

/** The task ref a message carries: `{ref, reply}` or `{:DOWN, ref, …}`. */
const refOfMessage = (m: Term): Ref | undefined =>
  m instanceof Tuple && m.length === 2 && m[0] instanceof Ref ? m[0] : isTagged(m, 'DOWN', 5) && m[1] instanceof Ref ? m[1] : undefined;

function describeCommand(cmd: Command, n: number): string {
  switch (cmd.kind) {
    case 'sleep':
      return `command ${n + 1} (sleep ${cmd.ms})`;
    case 'await':
      return `command ${n + 1} (await task ${cmd.task}, ${cmd.timeout} ms)`;
    case 'await_many':
      return `command ${n + 1} (await_many [${cmd.tasks.join(', ')}], ${cmd.timeout} ms)`;
  }
}

/** The exact term an outcome is (a return value or an exit reason). */
function outcomeTerm(o: AwaitOutcome, cmd: Exclude<Command, { kind: 'sleep' }>, c: AwaitCase, tasks: Task.Task[]): { returns?: Term; exits?: Term } {
  const where = cmd.kind === 'await' ? t(TASK, 'await', [tasks[cmd.task]!, cmd.timeout]) : t(TASK, 'await_many', [cmd.tasks.map((i) => tasks[i]!), cmd.timeout]);
  switch (o.kind) {
    case 'value':
      return { returns: valueOf(o.task) };
    case 'values':
      return { returns: o.tasks.map(valueOf) };
    case 'down':
      return { exits: t(ownReason(o.task, c.tasks[o.task]!.end), where) };
    case 'timeout':
      return { exits: t('timeout', where) };
  }
}

interface CommandsVerdict {
  readonly result: CheckResult;
  /** The owner died of an uncaught await / await_many exit the model allows. */
  readonly uncaughtExit: boolean;
  /** Task index → trace index where the owner had given it up (the end of the command that awaited it). */
  readonly settledAt: Map<number, number>;
}

/** Is a reply of task `i` in the owner's mailbox at trace index `at` (delivered, not yet received)? */
function replyQueued(o: Outcome<AwaitCase>, obs: Observed, i: number, at: number): boolean {
  const ref = obs.tasks[i]!.ref;
  const reply = (m: Term) => refOfMessage(m)?.id === ref.id && !isTagged(m, 'DOWN');
  let queued = 0;
  for (const e of o.run.trace.slice(0, at)) {
    if (e.k === 'deliver' && e.to.id === obs.owner.id && reply(e.msg)) queued++;
    if (e.k === 'receive' && e.pid.id === obs.owner.id && reply(e.msg)) queued--;
  }
  return queued > 0;
}

/** Checks each command's observed result against the model, in order. */
function checkCommands(o: Outcome<AwaitCase>, obs: Observed, model: AsyncOwner): CommandsVerdict {
  const c = o.input;
  const settledAt = new Map<number, number>();
  const verdict = (result: CheckResult, uncaughtExit = false): CommandsVerdict => ({ result, uncaughtExit, settledAt });
  for (const [n, cmd] of c.commands.entries()) {
    const seen = obs.commands[n];
    if (!seen) break; // the owner died before this command
    if (cmd.kind === 'sleep') continue;
    const allowed =
      cmd.kind === 'await' ? model.awaitOutcomes(cmd.task, cmd.timeout, seen.at) : model.awaitManyOutcomes(cmd.tasks, cmd.timeout, seen.at);
    const terms = allowed.map((a) => outcomeTerm(a, cmd, c, obs.tasks));
    if (seen.done === undefined && seen.exit === undefined) {
      // The owner died inside the command: of an uncaught exit, or killed by a crash (checkOwnerDeath).
      const reason = obs.ownerExit?.reason;
      if (!cmd.catchExit && reason !== undefined && terms.some((x) => x.exits !== undefined && equals(x.exits, reason))) return verdict(holds, true);
      if (!c.ownerTraps && model.killers()) break;
      return verdict(
        fails(
          `${describeCommand(cmd, n)} started at ${seen.at} ms never finished and the owner exited ${reason === undefined ? '(not at all)' : show(reason)}; the model expected ${allowed.map(describeOutcome).join(' or ')}`,
        ),
      );
    }
    const found = terms.some((x) => (seen.done !== undefined ? x.returns !== undefined && equals(x.returns, seen.done) : x.exits !== undefined && equals(x.exits, seen.exit!)));
    if (!found) {
      const got = seen.done !== undefined ? `returned ${show(seen.done)}` : `exited ${show(seen.exit!)}`;
      const want = terms.map((x) => (x.returns !== undefined ? `return ${show(x.returns)}` : `exit ${show(x.exits!)}`)).join(' or ');
      return verdict(
        fails(
          `${describeCommand(cmd, n)} started at ${seen.at} ms ${got}; the model (owner ${c.ownerTraps ? 'trapping' : 'not trapping'} exits, tasks ${c.tasks.map((w, i) => `${i}: ${w.ms} ms → ${w.end}`).join(', ')}) says it must ${want}`,
        ),
      );
    }
    const awaited = cmd.kind === 'await' ? [cmd.task] : cmd.tasks;
    const queued = new Set(awaited.filter((i) => replyQueued(o, obs, i, seen.endIndex!)));
    const impossible = model.settle(cmd, o.run.trace[seen.endIndex!]!.t, queued);
    if (impossible) return verdict(fails(`after ${describeCommand(cmd, n)}: ${impossible}`));
    for (const i of awaited) if (!settledAt.has(i)) settledAt.set(i, seen.endIndex!);
  }
  return verdict(holds);
}

/** The owner died exactly as the model says: never, of an uncaught await exit, or of a linked crash. */
function checkOwnerDeath(o: Outcome<AwaitCase>, obs: Observed, model: AsyncOwner, uncaughtExit: boolean): CheckResult {
  const c = o.input;
  const death = obs.ownerExit;
  const killers = model.killers();
  if (uncaughtExit) return holds;
  if (death && death.reason !== 'normal') {
    if (!killers) return fails(`the owner exited ${show(death.reason)} at ${death.t} ms, but no task's exit can kill it (owner ${c.ownerTraps ? 'traps exits' : 'does not trap exits'})`);
    const by = killers.tasks.filter((i) => equals(ownReason(i, c.tasks[i]!.end), death.reason));
    if (by.length === 0) return fails(`the owner exited ${show(death.reason)}; the link should have killed it with the reason of task ${killers.tasks.join(' or ')} (${killers.tasks.map((i) => show(ownReason(i, c.tasks[i]!.end))).join(' / ')})`);
    if (death.t < killers.window.lo || death.t > killers.window.hi) {
      return fails(`the owner was killed by a task crash at ${death.t} ms; the model expected it between ${killers.window.lo} and ${killers.window.hi} ms`);
    }
    return holds;
  }
  if (killers) {
    const k = killers.tasks[0]!;
    return fails(`task ${k} crashed with ${show(ownReason(k, c.tasks[k]!.end))}, but the linked owner, not trapping exits, survived it (§5.1.3)`);
  }
  return holds;
}

/** Every task ended on its own (a timeout never kills it) or, if still running, with its owner. */
function checkTaskFates(o: Outcome<AwaitCase>, obs: Observed, model: AsyncOwner): CheckResult {
  const c = o.input;
  const death = obs.ownerExit && obs.ownerExit.reason !== 'normal' ? obs.ownerExit : undefined;
  for (const [i, w] of model.works.entries()) {
    const got = obs.taskExits.get(i);
    if (got === undefined) return fails(`task ${i} (${w.ms} ms) never exited`);
    const fates = model.taskFates(i, death ? death.t : null);
    const allowed = fates.map((f) => (f === 'own' ? ownReason(i, w.end) : death!.reason));
    if (allowed.some((r) => equals(r, got))) continue;
    const timedOut = c.commands.some((cmd, n) => obs.commands[n]?.exit !== undefined && isTagged(obs.commands[n]!.exit, 'timeout', 2) && (cmd.kind === 'await' ? cmd.task === i : cmd.kind === 'await_many' && cmd.tasks.includes(i)));
    return fails(
      `task ${i} (${w.ms} ms, ${w.end}) exited ${show(got)}; it should have exited ${allowed.map(show).join(' or ')}${timedOut ? ' — an await on it timed out, and a timeout must leave the task running (§5.2.2)' : ''}`,
    );
  }
  return holds;
}

/**
 * Nothing addressed to a task's ref reaches the owner once it has given the task up (its await
 * returned or exited): the alias is inactive, late replies are dropped (§5.2.2, §1.6.4).
 */
function checkLateReplies(o: Outcome<AwaitCase>, obs: Observed, settledAt: ReadonlyMap<number, number>): CheckResult {
  for (const [index, e] of o.run.trace.entries()) {
    if (e.k !== 'deliver' || e.to.id !== obs.owner.id) continue;
    const ref = refOfMessage(e.msg);
    const i = ref ? obs.tasks.findIndex((task) => task.ref.id === ref.id) : -1;
    const gaveUp = settledAt.get(i);
    if (gaveUp !== undefined && gaveUp < index) {
      return fails(`${show(e.msg)} from task ${i} reached the owner at ${e.t} ms, after the owner had given the task up: a late reply must be dropped (§5.2.2)`);
    }
  }
  return holds;
}

/** The owner's final mailbox holds exactly the model's leftovers. */
function checkMailbox(o: Outcome<AwaitCase>, obs: Observed, model: AsyncOwner): CheckResult {
  if (!obs.mailbox) return holds;
  const c = o.input;
  const leftovers = [...obs.mailbox];
  const take = (pred: (m: Term) => boolean): Term | undefined => {
    const k = leftovers.findIndex(pred);
    return k < 0 ? undefined : leftovers.splice(k, 1)[0];
  };
  for (const [i, w] of c.tasks.entries()) {
    const task = obs.tasks[i]!;
    const mine = obs.mailbox.filter((m) => refOfMessage(m)?.id === task.ref.id);
    const expected: Term[] = [];
    const state = model.state(i);
    if (state === 'open') {
      if (w.end === 'value') expected.push(t(task.ref, valueOf(i)));
      expected.push(t('DOWN', task.ref, 'process', task.pid, ownReason(i, w.end)));
    } else if (state === 'queued') {
      expected.push(t(task.ref, valueOf(i)));
    }
    if (!equals(mine, expected)) {
      return fails(
        `task ${i} (${model.state(i) === 'open' ? 'never awaited' : 'awaited'}, ${w.ms} ms → ${w.end}): the owner's mailbox holds [${mine.map(show).join(', ')}] for it, the model expects [${expected.map(show).join(', ')}] (§5.1.2)`,
      );
    }
    for (const m of mine) take((x) => x === m);
    if (c.ownerTraps) {
      const reason = obs.taskExits.get(i)!;
      const exitMsg = take((m) => isTagged(m, 'EXIT', 3) && m[1] instanceof Pid && m[1].id === (task.pid as Pid).id);
      if (!exitMsg || !equals((exitMsg as Tuple)[2]!, reason)) {
        return fails(`the trapping owner should hold {:EXIT, ${show(task.pid)}, ${show(reason)}} for task ${i}, found ${exitMsg ? show(exitMsg) : 'none'}`);
      }
    }
  }
  if (leftovers.length > 0) return fails(`the owner's mailbox holds unexpected messages: ${leftovers.map(show).join(', ')}`);
  return holds;
}

function conforms(o: Outcome<AwaitCase>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const obs = observe(o);
  if (typeof obs === 'string') return fails(obs);
  const model = new AsyncOwner(o.input.tasks.slice(0, obs.taskPids.length), obs.started, o.input.ownerTraps, SLACK);
  const commands = checkCommands(o, obs, model);
  if (!commands.result.ok) return commands.result;
  const death = checkOwnerDeath(o, obs, model, commands.uncaughtExit);
  if (!death.ok) return death;
  const fates = checkTaskFates(o, obs, model);
  if (!fates.ok) return fates;
  const late = checkLateReplies(o, obs, commands.settledAt);
  if (!late.ok) return late;
  return checkMailbox(o, obs, model);
}

export const properties: Target<AwaitCase>[] = [
  {
    id: 'p07-task-async-await:await-model',
    title: 'await / await_many results and exits, crash propagation, timeouts and leftovers follow the model',
    claim: 'the caller is linked to the task, so failures propagate naturally. The monitor reference enables safe await with timeout',
    input: awaitCase,
    program,
    check: conforms,
    catches: ['await-timeout-kills-task'],
  },
];
