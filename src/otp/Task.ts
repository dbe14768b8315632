/**
 * Elixir's `Task` (a port of `task.ex`): the `%Task{}` struct and the owner-side API.
 *
 * A task is an ordinary simulated process started by ./taskSupervised.ts; everything here runs in
 * the owner. `Task.async` links the task, creates an alias-monitor (`alias: :demonitor`, so late
 * replies are dropped by the runtime once the owner gives up) and sends the work; the owner then
 * reads `{ref, result}` and `{:DOWN, ref, …}` with `await`/`yield`/… exactly as Elixir does.
 *
 * ```ts
 * const task = yield* Task.async(function* () { yield* sleep(10); return 42; });
 * const value = yield* Task.await(task);          // 42
 * ```
 *
 * `await` and `yield` are reserved words in ES modules: they are exported under those names from
 * the functions `await_` and `yield_`, so `Task.await(…)` works through the namespace import.
 *
 * Rules (processes.md): §5.1 struct/async/owner checks, §5.2 await/await_many, §5.3
 * yield/yield_many (signature per profile, §8)/ignore/shutdown/completed, §5.5 start/start_link/
 * child_spec; §5.4 async_stream is in ./taskStream.ts.
 */
import {
  cancelTimer,
  demonitor,
  exitSignal,
  makeRef,
  monitor,
  receive,
  self,
  semantics,
  send,
  sendAfter,
  unlink,
  TIMEOUT,
} from '../kernel/api.js';
import type { Matcher, Op } from '../kernel/effects.js';
import { argumentError, erlangError, exit, functionClause as functionClauseError } from '../kernel/errors.js';
import { match } from '../kernel/match.js';
import { format } from '../term/format.js';
import { ErlModule, Pid, Ref, Tuple, isTermObject, t, type Term, type TermFun, type TermObject } from '../term/Term.js';
import { isTimeout, type Timeout } from './gen.js';
import { moduleAtom, type UseOptions } from './GenServer.js';
import { isMutant } from './mutations.js';
import { buildStream, type StreamOptions, type TaskStream } from './taskStream.js';
import {
  TASK,
  funMfa,
  getCallers,
  getOwner,
  startLinkNoreply,
  startLinkReply,
  startNoreply,
  unlinkAndExit,
  type Mfa,
} from './taskSupervised.js';

/** `%Task{mfa, owner, pid, ref}` (E task.ex:282). `pid` is `nil` for `Task.completed/1`. */
export interface Task extends TermObject {
  __struct__: typeof TASK;
  mfa: Tuple;
  owner: Pid;
  pid: Pid | 'nil';
  ref: Ref;
}

/** A task function: returns its result, or is a generator function that may block. */
export type TaskFun = () => Term | Op<Term>;

export { isTimeout, type Timeout };

/** Builds the struct with Elixir's field order. */
export function taskStruct(mfa: Tuple, owner: Pid, pid: Pid | 'nil', ref: Ref): Task {
  return { __struct__: TASK, mfa, owner, pid, ref };
}

/** `inspect/1` of a term as Elixir prints it in error messages (pids as `#PID<…>`). */
export function inspect(x: Term): string {
  return format(x).replace(/(^|[^#\w])<0\.(\d+)\.0>/g, '$1#PID<0.$2.0>');
}

/** Raises `FunctionClauseError` for `Task.fun/arity`, as a failed guard would. */
export function functionClause(fun: string, arity: number, module: string = TASK): never {
  return functionClauseError(module, fun, arity);
}

function isTask(x: unknown): x is Task {
  return isTermObject(x) && x['__struct__'] === TASK && x['ref'] instanceof Ref;
}

/** §5.1.4: every query function raises ArgumentError when called by a process other than the owner. */
function* checkOwner(task: Task): Op<void> {
  const me = yield* self();
  if (!(task.owner instanceof Pid) || task.owner.id !== me.id) {
    argumentError(`task ${inspect(task)} must be queried from the owner but was queried from ${inspect(me)}`);
  }
}

function requireTask(x: unknown, fun: string, arity: number): Task {
  if (!isTask(x)) functionClause(fun, arity);
  return x;
}

/** Normalizes `(fun)` and `(module, function, args)` calls to an MFA. */
function toMfa(funOrModule: TaskFun | Term, fun?: string, args?: Term[]): Mfa {
  if (typeof funOrModule === 'function' && fun === undefined) return funMfa(funOrModule as TermFun);
  return t(funOrModule as Term, fun!, args ?? []);
}

/** The `mfa` field: `{m, f, arity}` (`{:erlang, :apply, 2}` for a fun, §5.1.2). */
function mfaField(mfa: Mfa): Tuple {
  return t(mfa[0]!, mfa[1]!, (mfa[2] as Term[]).length);
}

// ------------------------------------------------------------------------------- async

/**
 * `Task.async(fun)` / `Task.async(module, function, args)` (§5.1.2): spawn-link the task, create
 * the alias-monitor, send `{owner, ref, ref, callers, mfa}`.
 */
export function async(fun: TaskFun): Op<Task>;
export function async(module: Term, fun: string, args: Term[]): Op<Task>;
export function* async(funOrModule: TaskFun | Term, fun?: string, args?: Term[]): Op<Task> {
  const mfa = toMfa(funOrModule, fun, args);
  const owner = yield* self();
  const [, pid] = yield* startLinkReply(yield* getOwner(), 'nomonitor');
  const ref = yield* monitor(pid as Pid, { alias: 'demonitor' });
  yield* send(pid as Pid, t(owner, ref, ref, yield* getCallers(), mfa));
  return taskStruct(mfaField(mfa), owner, pid as Pid, ref);
}

/** `Task.completed(value)` (§5.3.5): no process; `{ref, value}` is sent to self at once. */
export function* completed(value: Term): Op<Task> {
  const ref = yield* makeRef();
  const owner = yield* self();
  yield* send(owner, t(ref, value));
  return taskStruct(t(TASK, 'completed', 1), owner, 'nil', ref);
}

// ------------------------------------------------------------------------------- await

const isReply = (m: Tuple): boolean => m.length === 2;

/**
 * `Task.await(task, timeout \\ 5000)` (§5.2.1): the reply, or exit
 * `{down_reason | :timeout, {Task, :await, [task, timeout]}}`. Never kills the task (§5.2.2).
 */
function* await_(task: Task, timeout: Timeout = 5000): Op<Term> {
  requireTask(task, 'await', 2);
  if (!isTimeout(timeout)) functionClause('await', 2);
  yield* checkOwner(task);
  const m = yield* receive(match.oneOf(match.reply(task.ref), match.down(task.ref)), { after: timeout });
  if (m === TIMEOUT) {
    yield* demonitor(task.ref, { flush: true });
    // Mutation hook (src/otp/mutations.ts): the wrong variant kills the task here; OTP never does (§5.2.2).
    if (task.pid instanceof Pid && (yield* isMutant('await-timeout-kills-task'))) yield* exitSignal(task.pid, 'kill');
    return exit(t('timeout', t(TASK, 'await', [task, timeout])));
  }
  if (isReply(m)) {
    yield* demonitor(task.ref, { flush: true });
    return m[1]!;
  }
  return exit(t(m[4]!, t(TASK, 'await', [task, timeout])));
}
export { await_ as await };

/** A matcher for replies and DOWNs of any task in `refs` (keyed by ref id), plus an optional timer ref. */
function anyOf(refs: ReadonlyMap<number, unknown>, timerRef: Ref | null): Matcher<Tuple | Ref> {
  return Object.assign(
    (m: Term): Tuple | Ref | undefined => {
      if (timerRef && m instanceof Ref && m.id === timerRef.id) return m;
      if (!(m instanceof Tuple)) return undefined;
      if (m.length === 2 && m[0] instanceof Ref && refs.has(m[0].id)) return m;
      if (m.length === 5 && m[0] === 'DOWN' && m[1] instanceof Ref && refs.has(m[1].id)) return m;
      return undefined;
    },
    { description: `a reply or DOWN of ${refs.size} task(s)${timerRef ? ` or ${timerRef}` : ''}` },
  );
}

/** Starts the overall timer of await_many/yield_many: `Process.send_after(self(), timeout_ref, timeout)`. */
function* startDeadline(timeout: Timeout): Op<[Ref, Ref | null]> {
  const timeoutRef = yield* makeRef();
  const timer = timeout === 'infinity' ? null : yield* sendAfter(yield* self(), timeoutRef, timeout);
  return [timeoutRef, timer];
}

/** Cancels the deadline and drops its message if it already arrived. */
function* clearDeadline(timeoutRef: Ref, timer: Ref | null): Op<void> {
  if (timer) yield* cancelTimer(timer);
  yield* receive(match.where((m) => m instanceof Ref && m.id === timeoutRef.id, String(timeoutRef)), { after: 0 });
}

/**
 * `Task.await_many(tasks, timeout \\ 5000)` (§5.2.4): replies in input order; the first DOWN or the
 * deadline demonitors the rest and exits `{reason, {Task, :await_many, [tasks, timeout]}}`.
 */
export function* awaitMany(tasks: Task[], timeout: Timeout = 5000): Op<Term[]> {
  if (!isTimeout(timeout)) functionClause('await_many', 2);
  const awaiting = new Map<number, Ref>();
  for (const task of tasks) {
    requireTask(task, 'await_many', 2);
    yield* checkOwner(task);
    awaiting.set(task.ref.id, task.ref);
  }
  const [timeoutRef, timer] = yield* startDeadline(timeout);
  const replies = new Map<number, Term>();
  const wrap = (reason: Term) => t(reason, t(TASK, 'await_many', [tasks, timeout]));
  try {
    while (awaiting.size > 0) {
      const m = yield* receive(anyOf(awaiting, timeoutRef));
      if (m instanceof Ref) {
        yield* demonitorAll(awaiting);
        return exit(wrap('timeout'));
      }
      if (m.length === 5) {
        yield* demonitorAll(awaiting);
        return exit(wrap(m[4]!));
      }
      const ref = m[0] as Ref;
      yield* demonitor(ref, { flush: true });
      awaiting.delete(ref.id);
      replies.set(ref.id, m[1]!);
    }
    return tasks.map((task) => replies.get(task.ref.id)!);
  } finally {
    yield* clearDeadline(timeoutRef, timer);
  }
}

function* demonitorAll(refs: ReadonlyMap<number, Ref>): Op<void> {
  for (const ref of refs.values()) yield* demonitor(ref, { flush: true });
}

// ------------------------------------------------------------------------------- yield

/**
 * `Task.yield(task, timeout \\ 5000)` (§5.3.1): `{:ok, r}`, `{:exit, reason}`, or `nil` with the
 * monitor left active so that yield can be repeated.
 */
function* yield_(task: Task, timeout: Timeout = 5000): Op<Term> {
  requireTask(task, 'yield', 2);
  if (!isTimeout(timeout)) functionClause('yield', 2);
  yield* checkOwner(task);
  const m = yield* receive(match.oneOf(match.reply(task.ref), match.down(task.ref)), { after: timeout });
  if (m === TIMEOUT) return 'nil';
  if (isReply(m)) {
    yield* demonitor(task.ref, { flush: true });
    return t('ok', m[1]!);
  }
  return t('exit', m[4]!);
}
export { yield_ as yield };

/** `yield_many` options (Elixir ≥ 1.15, `current` profile only). */
export interface YieldManyOptions {
  /** Return as soon as this many tasks replied or exited; `on_timeout` is then not applied. */
  limit?: number;
  timeout?: Timeout;
  onTimeout?: 'nothing' | 'ignore' | 'kill_task';
}

/**
 * `Task.yield_many(tasks, timeout | options)` (§5.3.2): `[[task, result]]` as `{task, result}`
 * tuples in input order. `otp25` (Elixir 1.14): only a timeout is accepted; tasks are visited in
 * order, each waiting until the deadline and then only checking its mailbox. `current`: also
 * `limit`/`timeout`/`on_timeout`, results gathered in arrival order.
 */
export function* yieldMany(tasks: Task[], timeoutOrOptions: Timeout | YieldManyOptions = 5000): Op<Tuple[]> {
  const profile = yield* semantics();
  if (profile === 'otp25') {
    if (!isTimeout(timeoutOrOptions)) functionClause('yield_many', 2);
    return yield* yieldManyE14(tasks, timeoutOrOptions);
  }
  if (isTimeout(timeoutOrOptions)) return yield* yieldManyHead(tasks, { timeout: timeoutOrOptions });
  if (!isTermObject(timeoutOrOptions as unknown)) functionClause('yield_many', 2);
  return yield* yieldManyHead(tasks, timeoutOrOptions as YieldManyOptions);
}

/** E14 task.ex:1142-1185. */
function* yieldManyE14(tasks: Task[], timeout: Timeout): Op<Tuple[]> {
  const [timeoutRef, timer] = yield* startDeadline(timeout);
  const out: Tuple[] = [];
  let wait: Timeout = 'infinity';
  try {
    for (const task of tasks) {
      requireTask(task, 'yield_many', 3);
      yield* checkOwner(task);
      const deadline = match.where((m) => m instanceof Ref && m.id === timeoutRef.id, String(timeoutRef));
      const m = yield* receive(match.oneOf<Term>(match.reply(task.ref), match.down(task.ref), deadline), { after: wait });
      if (m === TIMEOUT || m instanceof Ref) {
        out.push(t(task, 'nil'));
        wait = 0;
      } else if (m instanceof Tuple && m.length === 2) {
        yield* demonitor(task.ref, { flush: true });
        out.push(t(task, t('ok', m[1]!)));
      } else {
        out.push(t(task, t('exit', (m as Tuple)[4]!)));
      }
    }
    return out;
  } finally {
    yield* clearDeadline(timeoutRef, timer);
  }
}

/** E task.ex:1235-1335. */
function* yieldManyHead(tasks: Task[], opts: YieldManyOptions): Op<Tuple[]> {
  const results = new Map<number, Term>();
  for (const task of tasks) {
    requireTask(task, 'yield_many', 2);
    yield* checkOwner(task);
    results.set(task.ref.id, 'nil');
  }
  const onTimeout = opts.onTimeout ?? 'nothing';
  const timeout = opts.timeout ?? 5000;
  let limit = Math.min(opts.limit ?? results.size, results.size);
  const [timeoutRef, timer] = yield* startDeadline(timeout);
  let timedOut = false;
  while (limit > 0) {
    const m = yield* receive(anyOf(results, timeoutRef));
    if (m instanceof Ref) {
      timedOut = true;
      break;
    }
    const ref = (m.length === 2 ? m[0] : m[1]) as Ref;
    if (m.length === 2) {
      yield* demonitor(ref, { flush: true });
      results.set(ref.id, t('ok', m[1]!));
    } else {
      results.set(ref.id, t('exit', m[4]!));
    }
    limit--;
  }
  if (!timedOut) yield* clearDeadline(timeoutRef, timer);
  const out: Tuple[] = [];
  for (const task of tasks) {
    let value = results.get(task.ref.id)!;
    if (value === 'nil' && timedOut) {
      if (onTimeout === 'kill_task') value = yield* shutdown(task, 'brutal_kill');
      else if (onTimeout === 'ignore') value = yield* ignore(task);
    }
    out.push(t(task, value));
  }
  return out;
}

// ------------------------------------------------------------------------------- ignore

/**
 * `Task.ignore(task)` (§5.3.3): a queued reply → unlink, demonitor, `{:ok, r}`; a queued DOWN →
 * `{:exit, r}`; otherwise unlink + demonitor and `nil` (the task keeps running, its reply is
 * dropped). Elixir 1.14 calls `Process.unlink(nil)` for a `completed/1` task, which raises
 * `:badarg`.
 */
export function* ignore(task: Task): Op<Term> {
  requireTask(task, 'ignore', 1);
  yield* checkOwner(task);
  const profile = yield* semantics();
  const unlinkTask = function* () {
    if (task.pid instanceof Pid) yield* unlink(task.pid);
    else if (profile === 'otp25') erlangError('badarg');
  };
  const m = yield* receive(match.oneOf(match.reply(task.ref), match.down(task.ref)), { after: 0 });
  if (m === TIMEOUT) {
    yield* unlinkTask();
    yield* demonitor(task.ref, { flush: true });
    return 'nil';
  }
  if (isReply(m)) {
    yield* unlinkTask();
    yield* demonitor(task.ref, { flush: true });
    return t('ok', m[1]!);
  }
  return t('exit', m[4]!);
}

// ------------------------------------------------------------------------------- shutdown

type ShutdownType = 'shutdown' | 'brutal_kill' | 'timeout_kill';
/** `{:down, proc, reason}` of task.ex, kept apart from real results. */
class Down {
  constructor(readonly reason: Term) {}
}

/**
 * `Task.shutdown(task, timeout | :brutal_kill \\ 5000)` (§5.3.4): unlink, send `:shutdown` (or
 * `:kill`) through an enforcer, then wait for the task's DOWN on a fresh monitor. Returns
 * `{:ok, reply}` if a reply is queued, `nil` for a clean shutdown, `{:exit, reason}` otherwise
 * (`:killed` after a trapping task outlived `timeout`, `:noproc` if the monitor was consumed).
 * A `completed/1` task: `current` behaves as `ignore/1`, `otp25` raises ArgumentError.
 */
export function* shutdown(task: Task, how: Timeout | 'brutal_kill' = 5000): Op<Term> {
  requireTask(task, 'shutdown', 2);
  if (task.pid === 'nil') {
    if ((yield* semantics()) === 'current') return yield* ignore(task);
    return argumentError(`task ${inspect(task)} does not have an associated task process`);
  }
  yield* checkOwner(task);
  if (how !== 'brutal_kill' && !isTimeout(how)) functionClause('shutdown', 2);
  const pid = task.pid;
  const mon = yield* monitor(pid);
  // `shutdown_send/2` (E task.ex:1397-1416).
  yield* unlinkAndExit(pid, how === 'brutal_kill' ? 'kill' : 'shutdown', 'task shutdown enforcer');
  const result = how === 'brutal_kill'
    ? yield* shutdownReceive(task, mon, 'brutal_kill', 'infinity')
    : yield* shutdownReceive(task, mon, 'shutdown', how);
  return result instanceof Down ? t('exit', result.reason) : result;
}

function* shutdownReceive(task: Task, mon: Ref, type: ShutdownType, timeout: Timeout): Op<Term | Down> {
  const m = yield* receive(match.down(mon), { after: timeout });
  if (m === TIMEOUT) {
    yield* exitSignal(task.pid as Pid, 'kill');
    return yield* shutdownReceive(task, mon, 'timeout_kill', 'infinity');
  }
  const reason = m[4]!;
  if ((reason === 'shutdown' && type !== 'brutal_kill') || (reason === 'killed' && type === 'brutal_kill')) {
    yield* demonitor(task.ref, { flush: true });
    return yield* flushReply(task.ref);
  }
  if (reason === 'noproc') {
    const r = yield* flushNoproc(task.ref, type);
    const reply = yield* flushReply(task.ref);
    return reply === 'nil' ? r : reply;
  }
  yield* demonitor(task.ref, { flush: true });
  const reply = yield* flushReply(task.ref);
  return reply === 'nil' ? new Down(reason) : reply;
}

function* flushReply(ref: Ref): Op<Term> {
  const m = yield* receive(match.reply(ref), { after: 0 });
  return m === TIMEOUT ? 'nil' : t('ok', m[1]!);
}

function* flushNoproc(ref: Ref, type: ShutdownType): Op<Term | Down> {
  const m = yield* receive(match.down(ref), { after: 0 });
  if (m === TIMEOUT) {
    yield* demonitor(ref, { flush: true });
    return new Down('noproc');
  }
  const reason = m[4]!;
  if ((reason === 'shutdown' && type !== 'brutal_kill') || (reason === 'killed' && type === 'brutal_kill')) return 'nil';
  return new Down(reason);
}

// ------------------------------------------------------------------------------- start, child_spec

/** `Task.start(fun | m, f, a)` (§5.5.1): `{:ok, pid}`, not linked, no reply. */
export function start(fun: TaskFun): Op<Tuple>;
export function start(module: Term, fun: string, args: Term[]): Op<Tuple>;
export function* start(funOrModule: TaskFun | Term, fun?: string, args?: Term[]): Op<Tuple> {
  return yield* startNoreply(yield* getOwner(), yield* getCallers(), toMfa(funOrModule, fun, args));
}

/** `Task.start_link(fun | m, f, a)` (§5.5.1): `{:ok, pid}`, linked to the caller. */
export function startLink(fun: TaskFun): Op<Tuple>;
export function startLink(module: Term, fun: string, args: Term[]): Op<Tuple>;
export function* startLink(funOrModule: TaskFun | Term, fun?: string, args?: Term[]): Op<Tuple> {
  return yield* startLinkNoreply(yield* getOwner(), yield* getCallers(), toMfa(funOrModule, fun, args));
}

/** The `Task` module, so that child specs such as `{Task, :start_link, [fun]}` can be applied. */
export const TaskModule: ErlModule = new ErlModule(TASK, {
  start_link: (...a: Term[]) => (a.length === 1 ? startLink(a[0] as TaskFun) : startLink(a[0]!, a[1] as string, a[2] as Term[])),
  start: (...a: Term[]) => (a.length === 1 ? start(a[0] as TaskFun) : start(a[0]!, a[1] as string, a[2] as Term[])),
  child_spec: (arg: Term) => childSpec(arg),
});

/** An Elixir map literal prints with sorted keys; build child specs that way. */
function sortedMap(obj: TermObject): TermObject {
  const out: TermObject = {};
  for (const k of Object.keys(obj).sort()) out[k] = obj[k]!;
  return out;
}

/** `Task.child_spec(arg)` (§5.5.2): `%{id: Task, restart: :temporary, start: {Task, :start_link, [arg]}}`. */
export function childSpec(arg: Term): TermObject {
  return sortedMap({ id: TaskModule, start: t(TaskModule, 'start_link', [arg]), restart: 'temporary' });
}

/**
 * `defmodule X do use Task, opts … end` (§5.5.2): a module whose `child_spec/1` is
 * `%{id: X, start: {X, :start_link, [arg]}, restart: :temporary}` merged with `use` options.
 * `functions` are its exported functions; if it has `run/1` and no `start_link/1`, the usual
 * `def start_link(arg), do: Task.start_link(__MODULE__, :run, [arg])` is generated.
 */
export function defmodule(name: string, functions: Record<string, TermFun>, use: UseOptions = {}): ErlModule {
  const exports: Record<string, TermFun> = { ...functions };
  const mod = new ErlModule(moduleAtom(name), exports);
  if (!exports['start_link'] && exports['run']) exports['start_link'] = (arg: Term) => startLink(mod, 'run', [arg]);
  exports['child_spec'] = (arg: Term) => {
    const spec: TermObject = { id: mod, start: t(mod, 'start_link', [arg]), restart: 'temporary' };
    for (const [k, v] of Object.entries(use)) if (v !== undefined) spec[k] = v as Term;
    return sortedMap(spec);
  };
  return mod;
}

// ------------------------------------------------------------------------------- async_stream

/**
 * `Task.async_stream(enumerable, fun, options)` / `(enumerable, m, f, a, options)` (§5.4): a lazy
 * stream; enumerate it with `yield* stream.toList()`, `.take(n)`, `.run()` or `.reduceWhile(…)`.
 * Tasks are linked to the stream's monitor process. Options are validated here in `current` and
 * when enumerated in `otp25` (§8), hence the `yield*`: `const s = yield* Task.asyncStream(…)`.
 */
export function asyncStream(enumerable: Iterable<Term>, fun: (x: Term) => Term | Op<Term>, options?: StreamOptions): Op<TaskStream>;
export function asyncStream(enumerable: Iterable<Term>, module: Term, fun: string, args: Term[], options?: StreamOptions): Op<TaskStream>;
export function* asyncStream(enumerable: Iterable<Term>, a: unknown, b?: unknown, c?: unknown, d?: unknown): Op<TaskStream> {
  const work: TermFun | Mfa = typeof a === 'function' ? (a as TermFun) : t(a as Term, b as string, c as Term[]);
  const options = (typeof a === 'function' ? b : d) as StreamOptions | undefined;
  return yield* buildStream(enumerable, work, options ?? {}, function* (owner) {
    const [, pid] = yield* startLinkReply(owner, 'nomonitor');
    return t('ok', 'link', pid!);
  });
}

export type { StreamOptions, TaskStream } from './taskStream.js';
