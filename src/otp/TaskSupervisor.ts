/**
 * Elixir's `Task.Supervisor` (a port of `task/supervisor.ex`; processes.md §5.6, supervision.md §10).
 *
 * A Task.Supervisor is a DynamicSupervisor (./DynamicSupervisor.ts) whose callback module stores
 * the per-supervisor defaults `{restart, shutdown}` (`{:temporary, 5000}` unless the deprecated
 * `start_link` options say otherwise) under the process-dictionary key `Task.Supervisor`. Every
 * task is started through the synchronous call `{:start_task, args, restart, shutdown}` that
 * DynamicSupervisor answers by starting the child `{Task.Supervised, :start_link, args}` (a
 * `:worker`, modules `[Task.Supervised]`), so `max_children` and the shutdown protocol apply.
 *
 * - `async`/`async_nolink`: the supervisor spawns a `:monitor`-mode task (linked to the
 *   supervisor, monitoring the owner while it waits for work); the caller then links (`async`
 *   only), creates the alias-monitor and sends the work — the same protocol as `Task.async`.
 *   `max_children` reached → RuntimeError in the caller.
 * - `start_child`: a fire-and-forget task; returns what DynamicSupervisor returns.
 * - `async_stream`/`async_stream_nolink`: ./taskStream.ts with a spawn function that asks the
 *   supervisor (from the stream's monitor process) and links the task for the `:link` variant.
 *
 * The spawner of supervised tasks is the supervisor, so their `$ancestors` start with it (§2.3).
 */
import { link, makeRef, monitor, put, self, semantics, send } from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import { argumentError, erlangError, raise } from '../kernel/errors.js';
import { ErlModule, Pid, Tuple, isAtom, isTagged, t, type Term, type TermFun, type TermObject } from '../term/Term.js';
import * as DynamicSupervisor from './DynamicSupervisor.js';
import { isMutant } from './mutations.js';
import { readOptions, splitOptions, toKeyword, type Options } from './supervisor/options.js';
import { taskStruct, type Task, type TaskFun } from './Task.js';
import { buildStream, type StreamOptions, type TaskStream } from './taskStream.js';
import { TASK_SUPERVISOR, funMfa, getCallers, getOwner, type Mfa } from './taskSupervised.js';

// Children are `{Task.Supervised, :start_link, args}`: DynamicSupervisor applies this module.

/** `start_link/1` options (camelCase object or keyword list). */
export interface TaskSupervisorOptions {
  name?: Term;
  maxChildren?: Term;
  maxSeconds?: Term;
  maxRestarts?: Term;
  /** Deprecated in Elixir: the default `restart` of the supervisor's tasks. */
  restart?: 'temporary' | 'transient' | 'permanent';
  /** Deprecated in Elixir: the default `shutdown` of the supervisor's tasks. */
  shutdown?: number | 'brutal_kill' | 'infinity';
  [other: string]: unknown;
}

export interface AsyncOptions {
  shutdown?: number | 'brutal_kill';
}

export interface StartChildOptions {
  restart?: 'temporary' | 'transient' | 'permanent';
  shutdown?: number | 'brutal_kill' | 'infinity';
}

// ------------------------------------------------------------------------------- the supervisor

/**
 * `Task.Supervisor.start_link(options \\ [])` (supervision.md rule 96): `:max_children`,
 * `:max_seconds`, `:max_restarts` go to the DynamicSupervisor; `:restart`/`:shutdown` become
 * the defaults; the rest (`:name`, …) go to GenServer.
 */
export function* startLink(options: TaskSupervisorOptions | Term[] = {}): Op<Term> {
  const o = readOptions(options as Options | Term[]);
  const { restart, shutdown, ...rest } = o;
  const [supOpts, startOpts] = splitOptions(rest, ['maxChildren', 'maxSeconds', 'maxRestarts']);
  const defaults = t(restart ?? 'temporary', shutdown ?? 5000);
  return yield* DynamicSupervisor.startLink(TaskSupervisorModule, t(defaults, toKeyword(supOpts)), startOpts);
}

/** `init({{restart, shutdown}, options})`: store the defaults, then `DynamicSupervisor.init/1`. */
function* init(arg: Term): Op<Term> {
  const [defaults, options] = arg as [Tuple, Term[]];
  yield* put(TASK_SUPERVISOR, defaults);
  return yield* DynamicSupervisor.init([t('strategy', 'one_for_one'), ...options]);
}

/**
 * `Task.Supervisor.child_spec(opts)` (§5.6.1, ✔TS6): `%{id: name | Task.Supervisor,
 * start: {Task.Supervisor, :start_link, [opts]}, type: :supervisor}`.
 */
export function childSpec(options: TaskSupervisorOptions | Term[] = {}): TermObject {
  const name = readOptions(options as Options | Term[])['name'] ?? TaskSupervisorModule;
  const id = isAtom(name) ? name : isTagged(name, 'global', 2) ? name[1]! : isTagged(name, 'via', 3) ? name[2]! : name;
  return { id, start: t(TaskSupervisorModule, 'start_link', [toKeyword(options as Options | Term[])]), type: 'supervisor' };
}

/** The `Task.Supervisor` callback module (and `start_link/1`, `child_spec/1` for supervisors). */
export const TaskSupervisorModule: ErlModule = new ErlModule(TASK_SUPERVISOR, {
  init,
  start_link: (opts?: Term) => startLink((opts ?? []) as Term[]),
  child_spec: (opts?: Term) => childSpec((opts ?? []) as Term[]),
});

// ------------------------------------------------------------------------------- tasks

/** `start_child_with_spec/4`: the `{:start_task, args, restart, shutdown}` call. */
function startTask(sup: Term, args: Term[], restart: Term | undefined, shutdown: Term | undefined): Op<Term> {
  return DynamicSupervisor.startTask(sup, args, restart ?? 'nil', shutdown ?? 'nil');
}

const MAX_CHILDREN_MESSAGE =
  'reached the maximum number of tasks for this task supervisor. The maximum number of tasks that are allowed to run at the same time under this supervisor can be configured with the :max_children option passed to Task.Supervisor.start_link/1';

/** `async/6` of task/supervisor.ex (§5.6.3). */
function* asyncTask(sup: Term, linkType: 'link' | 'nolink', mfa: Mfa, options: AsyncOptions): Op<Task> {
  const owner = yield* self();
  const started = yield* startTask(sup, [yield* getOwner(), 'monitor'], 'temporary', options.shutdown);
  if (isTagged(started, 'ok', 2) && started[1] instanceof Pid) {
    const pid = started[1];
    // Mutation hook (src/otp/mutations.ts): the wrong variant links nolink tasks too (§5.6.4).
    if (linkType === 'link' || (yield* isMutant('async-nolink-links'))) yield* link(pid);
    const ref = yield* monitor(pid, { alias: 'demonitor' });
    yield* send(pid, t(owner, ref, ref, yield* getCallers(), mfa));
    return taskStruct(t(mfa[0]!, mfa[1]!, (mfa[2] as Term[]).length), owner, pid, ref);
  }
  if (isTagged(started, 'error', 2) && started[1] === 'max_children') return raise('RuntimeError', MAX_CHILDREN_MESSAGE);
  return erlangError(t('case_clause', started));
}

function toMfa(a: unknown, b: unknown, c: unknown): Mfa {
  return typeof a === 'function' ? funMfa(a as TermFun) : t(a as Term, b as Term, c as Term[]);
}

function optionsOf<O>(a: unknown, b: unknown, d: unknown): O {
  return ((typeof a === 'function' ? b : d) ?? {}) as O;
}

/**
 * `Task.Supervisor.async(sup, fun, opts)` / `(sup, m, f, a, opts)` (§5.6.3): a task linked to the
 * caller and to the supervisor; await it with `Task.await`. Raises RuntimeError at `max_children`.
 */
export function async(sup: Term, fun: TaskFun, options?: AsyncOptions): Op<Task>;
export function async(sup: Term, module: Term, fun: string, args: Term[], options?: AsyncOptions): Op<Task>;
export function async(sup: Term, a: unknown, b?: unknown, c?: unknown, d?: unknown): Op<Task> {
  return asyncTask(sup, 'link', toMfa(a, b, c), optionsOf<AsyncOptions>(a, b, d));
}

/**
 * `Task.Supervisor.async_nolink(sup, fun, opts)` / `(sup, m, f, a, opts)` (§5.6.4): not linked to
 * the caller; a crash arrives only as `{:DOWN, ref, :process, pid, reason}`.
 */
export function asyncNolink(sup: Term, fun: TaskFun, options?: AsyncOptions): Op<Task>;
export function asyncNolink(sup: Term, module: Term, fun: string, args: Term[], options?: AsyncOptions): Op<Task>;
export function asyncNolink(sup: Term, a: unknown, b?: unknown, c?: unknown, d?: unknown): Op<Task> {
  return asyncTask(sup, 'nolink', toMfa(a, b, c), optionsOf<AsyncOptions>(a, b, d));
}

/**
 * `Task.Supervisor.start_child(sup, fun, opts)` / `(sup, m, f, a, opts)` (§5.6.5, rule 97):
 * `{:ok, pid}`, `{:error, :max_children}`, …; never linked to the caller.
 *
 * Elixir ≥ 1.15 starts a temporary MFA child like `async` (the work is sent to a fresh ref
 * nobody listens to) and, when the supervisor's deprecated default restart is not temporary,
 * retries after the `{:restart, r}` answer; the fun form returns that answer as is (E8).
 */
export function startChild(sup: Term, fun: TaskFun, options?: StartChildOptions): Op<Term>;
export function startChild(sup: Term, module: Term, fun: string, args: Term[], options?: StartChildOptions): Op<Term>;
export function* startChild(sup: Term, a: unknown, b?: unknown, c?: unknown, d?: unknown): Op<Term> {
  const { restart, shutdown } = optionsOf<StartChildOptions>(a, b, d);
  const mfa = toMfa(a, b, c);
  const owner = yield* getOwner();
  const callers = yield* getCallers();
  if (typeof a === 'function' || (yield* semantics()) === 'otp25' || !(restart === undefined || restart === 'temporary')) {
    return yield* startTask(sup, [owner, callers, mfa], restart, shutdown);
  }
  const started = yield* startTask(sup, [owner, 'monitor'], restart, shutdown);
  if (isTagged(started, 'restart', 2)) return yield* startTask(sup, [owner, callers, mfa], started[1], shutdown);
  if (isTagged(started, 'ok', 2) && started[1] instanceof Pid) {
    const alias = yield* makeRef();
    yield* send(started[1], t(yield* self(), alias, alias, callers, mfa));
    return started;
  }
  if (isTagged(started, 'error', 2)) return started;
  return erlangError(t('case_clause', started));
}

/** `Task.Supervisor.children(sup)` (rule 99): child pids, without `:restarting` entries. */
export function* children(sup: Term): Op<Pid[]> {
  const all = yield* DynamicSupervisor.whichChildren(sup);
  return all.map((c) => (c as Tuple)[1]).filter((p): p is Pid => p instanceof Pid);
}

/** `Task.Supervisor.terminate_child(sup, pid)` = `DynamicSupervisor.terminate_child/2` (rule 99). */
export function terminateChild(sup: Term, pid: Pid): Op<Term> {
  return DynamicSupervisor.terminateChild(sup, pid);
}

// ------------------------------------------------------------------------------- streams

/** `build_stream/5` of task/supervisor.ex (§5.6.6). */
function* supervisedStream(sup: Term, linkType: 'link' | 'nolink', enumerable: Iterable<Term>, work: TermFun | Mfa, options: StreamOptions): Op<TaskStream> {
  let shutdown: Term | undefined = options.shutdown;
  if ((yield* semantics()) === 'current') {
    shutdown ??= 5000;
    if (!((typeof shutdown === 'number' && Number.isInteger(shutdown) && shutdown >= 0) || shutdown === 'brutal_kill')) {
      argumentError(':shutdown must be either a positive integer or :brutal_kill');
    }
  }
  return yield* buildStream(enumerable, work, options, function* (owner) {
    const started = yield* startTask(sup, [owner, 'monitor'], 'temporary', shutdown);
    if (isTagged(started, 'ok', 2) && started[1] instanceof Pid) {
      if (linkType === 'link') yield* link(started[1]);
      return t('ok', linkType, started[1]);
    }
    if (isTagged(started, 'error', 2) && started[1] === 'max_children') return started;
    return erlangError(t('case_clause', started));
  });
}

function streamArgs(a: unknown, b: unknown, c: unknown, d: unknown): [TermFun | Mfa, StreamOptions] {
  if (typeof a === 'function') return [a as TermFun, (b ?? {}) as StreamOptions];
  return [t(a as Term, b as Term, c as Term[]), (d ?? {}) as StreamOptions];
}

/** `Task.Supervisor.async_stream(sup, enumerable, fun, opts)` / `(sup, enumerable, m, f, a, opts)`: tasks linked to the caller's stream. */
export function asyncStream(sup: Term, enumerable: Iterable<Term>, fun: (x: Term) => Term | Op<Term>, options?: StreamOptions): Op<TaskStream>;
export function asyncStream(sup: Term, enumerable: Iterable<Term>, module: Term, fun: string, args: Term[], options?: StreamOptions): Op<TaskStream>;
export function asyncStream(sup: Term, enumerable: Iterable<Term>, a: unknown, b?: unknown, c?: unknown, d?: unknown): Op<TaskStream> {
  const [work, options] = streamArgs(a, b, c, d);
  return supervisedStream(sup, 'link', enumerable, work, options);
}

/** `Task.Supervisor.async_stream_nolink(…)` (§5.6.6): crashes become `{:exit, reason}` items. */
export function asyncStreamNolink(sup: Term, enumerable: Iterable<Term>, fun: (x: Term) => Term | Op<Term>, options?: StreamOptions): Op<TaskStream>;
export function asyncStreamNolink(sup: Term, enumerable: Iterable<Term>, module: Term, fun: string, args: Term[], options?: StreamOptions): Op<TaskStream>;
export function asyncStreamNolink(sup: Term, enumerable: Iterable<Term>, a: unknown, b?: unknown, c?: unknown, d?: unknown): Op<TaskStream> {
  const [work, options] = streamArgs(a, b, c, d);
  return supervisedStream(sup, 'nolink', enumerable, work, options);
}
