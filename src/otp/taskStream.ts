/**
 * `Task.async_stream` and `Task.Supervisor.async_stream*`: a port of the stream half of Elixir's
 * `task/supervised.ex` (`stream/7`, `stream_reduce`, `stream_deliver`, `stream_spawn`,
 * `stream_close`, `stream_monitor`), processes.md §5.4 and §5.6.6.
 *
 * Elixir streams are lazy: nothing runs until the stream is enumerated. Here a `TaskStream` is a
 * value whose enumerations are operations of the enumerating process (`yield* s.toList()`,
 * `yield* s.take(2)`, `yield* s.run()`, `yield* s.reduceWhile(acc, fun)`), each one a fresh run.
 *
 * One enumeration (§5.4.2): the caller spawns an intermediate "monitor" process (linked and
 * monitored, trapping exits iff the caller does). The caller asks it to spawn each task, then sends
 * the task its work `{caller, {monitor_ref, position}, caller, callers, mfa}`; the task replies
 * `{{monitor_ref, position}, value}` straight to the caller. The monitor process monitors the
 * tasks, enforces the per-task `timeout` (it kills a late task and reports `:timed_out`), and
 * forwards `{:down | :timed_out, {monitor_ref, position}, reason}` to the caller. At most
 * `max_concurrency` tasks run at once; `ordered: true` buffers results to emit in input order.
 * Halting early (`take`) or an error closes the stream: the monitor process kills every running
 * task and exits `:normal`.
 *
 * The enumerable is any JS iterable, pulled one element at a time (so infinite iterables work with
 * `take`). Reducers may be generator functions.
 */
import { SCHEDULERS_ONLINE } from './system.js';
import {
  cancelTimer,
  exitSignal,
  monitor,
  processInfo,
  receive,
  self,
  semantics,
  send,
  sendAfter,
  spawnOpt,
  trapExit,
  TIMEOUT,
} from '../kernel/api.js';
import type { Matcher, Op } from '../kernel/effects.js';
import { argumentError, erlangError, exit, raise } from '../kernel/errors.js';
import { match } from '../kernel/match.js';
import { Pid, Ref, TMap, Tuple, isTagged, t, type Term, type TermFun } from '../term/Term.js';
import { invoke } from './callbacks.js';
import { TASK_SUPERVISED, getCallers, getOwner, unlinkAndExit, type Mfa } from './taskSupervised.js';

export { SCHEDULERS_ONLINE };

/** Options of `async_stream` (Elixir keyword options in camelCase). */
export interface StreamOptions {
  /** Tasks running at once (default `System.schedulers_online()`, must be > 0). */
  maxConcurrency?: number;
  /** Emit in input order (default `true`). */
  ordered?: boolean;
  /** Per task, from its spawn (default 5000). */
  timeout?: number | 'infinity';
  /** `:exit` (default): the caller exits; `:kill_task`: emit `{:exit, :timeout}`. */
  onTimeout?: 'exit' | 'kill_task';
  /** Emit `{:exit, {input, reason}}` instead of `{:exit, reason}` (1.14+). */
  zipInputOnExit?: boolean;
  /** `Task.Supervisor` streams only: the children's shutdown (default 5000). */
  shutdown?: number | 'brutal_kill';
}

interface Config {
  readonly maxConcurrency: number;
  readonly ordered: boolean;
  readonly timeout: Term;
  readonly onTimeout: Term;
  readonly zipInputOnExit: boolean;
}

/** `Task.Supervised.validate_stream_options/1` (Elixir ≥ 1.15). */
export function validateStreamOptions(options: StreamOptions): Config {
  const config = readOptions(options);
  if (config.onTimeout !== 'exit' && config.onTimeout !== 'kill_task') argumentError(':on_timeout must be either :exit or :kill_task');
  const timeout = config.timeout;
  if (!(timeout === 'infinity' || (typeof timeout === 'number' && Number.isInteger(timeout) && timeout >= 0))) {
    argumentError(':timeout must be either a positive integer or :infinity');
  }
  return config;
}

/** Reads the options; only `max_concurrency` is checked (all Elixir 1.14 checks, when enumerated). */
function readOptions(options: StreamOptions): Config {
  const maxConcurrency = options.maxConcurrency ?? SCHEDULERS_ONLINE;
  if (!(Number.isInteger(maxConcurrency) && maxConcurrency > 0)) argumentError(':max_concurrency must be an integer greater than zero');
  return {
    maxConcurrency,
    ordered: options.ordered ?? true,
    timeout: (options.timeout ?? 5000) as Term,
    onTimeout: (options.onTimeout ?? 'exit') as Term,
    zipInputOnExit: options.zipInputOnExit ?? false,
  };
}

/** Runs in the monitor process for each task: `{:ok, :link | :nolink, pid}` or `{:error, :max_children}`. */
export type SpawnTask = (owner: Tuple) => Op<Tuple>;

/** `{:cont, acc}` or `{:halt, acc}` (Enumerable's reducer protocol, without `:suspend`). */
export type Step<A> = readonly ['cont' | 'halt', A];
export type Reducer<A> = (item: Term, acc: A) => Step<A> | Op<Step<A>>;

/** A lazy stream of `{:ok, value}` / `{:exit, reason}` items. */
export interface TaskStream {
  /** `Enum.reduce_while/3`: the reducer returns `['cont', acc]` or `['halt', acc]`. */
  reduceWhile<A>(acc: A, reducer: Reducer<A>): Op<A>;
  /** `Enum.reduce/3`. */
  reduce<A>(acc: A, fun: (item: Term, acc: A) => A | Op<A>): Op<A>;
  /** `Enum.to_list/1`. */
  toList(): Op<Term[]>;
  /** `Enum.take/2`: halts the stream after `n` items (running tasks are killed). */
  take(n: number): Op<Term[]>;
  /** `Stream.run/1`. */
  run(): Op<'ok'>;
}

/**
 * `build_stream/3` of task.ex and task/supervisor.ex. In `current` the options were validated by
 * the caller already (`validated`); in `otp25` they are read when enumerated.
 */
export function makeStream(enumerable: Iterable<Term>, work: TermFun | Mfa, options: StreamOptions, validated: Config | null, spawnTask: SpawnTask): TaskStream {
  const reduceWhile = function* <A>(acc: A, reducer: Reducer<A>): Op<A> {
    const config = validated ?? readOptions(options);
    const owner = yield* getOwner();
    const callers = yield* getCallers();
    return yield* new StreamRun<A>(enumerable, reducer, callers, work, config, () => spawnTask(owner)).run(acc);
  };
  return {
    reduceWhile,
    *reduce(acc, fun) {
      return yield* reduceWhile(acc, function* (item, a) {
        return ['cont', yield* invoke(fun, [item, a])] as const;
      });
    },
    *toList() {
      return (yield* reduceWhile<Term[]>([], (item, list) => ['cont', [...list, item]])) as Term[];
    },
    *take(n) {
      if (n <= 0) return [];
      const [list] = yield* reduceWhile<[Term[], number]>([[], n], (item, [l, k]) => [k === 1 ? 'halt' : 'cont', [[...l, item], k - 1]]);
      return list;
    },
    *run() {
      yield* reduceWhile<null>(null, () => ['cont', null]);
      return 'ok';
    },
  };
}

/** Builds a stream, validating the options now in `current` (§8: Elixir ≥ 1.15). */
export function* buildStream(enumerable: Iterable<Term>, work: TermFun | Mfa, options: StreamOptions, spawnTask: SpawnTask): Op<TaskStream> {
  const validated = (yield* semantics()) === 'current' ? validateStreamOptions(options) : null;
  return makeStream(enumerable, work, options, validated, spawnTask);
}

// ------------------------------------------------------------------------------- the caller side

/** A waiting entry: running (input kept for `zip_input_on_exit`), replied, or done (ordered mode). */
type Entry =
  | { readonly kind: 'running'; readonly pid: Pid; readonly element: Term }
  | { readonly kind: 'replied'; readonly pid: Pid; readonly ok: Tuple }
  | { readonly kind: 'done'; readonly result: Term };

const wrapStream = (reason: Term, timeout: Term): Tuple => t(reason, t(TASK_SUPERVISED, 'stream', [timeout]));

const MAX_CHILDREN_MESSAGE =
  'reached the maximum number of tasks for this task supervisor. The maximum number of tasks that are allowed to run at the same time under this supervisor can be configured with the :max_children option passed to Task.Supervisor.start_link/1. When using async_stream or async_stream_nolink, make sure to configure :max_concurrency to be lower or equal to :max_children and pay attention to whether other tasks are also spawned under the same task supervisor.';

/** One enumeration of a task stream (`stream/7` and the functions it recurses through). */
class StreamRun<A> {
  private iterator: Iterator<Term> | null = null;
  private done = false;
  private max: number;
  private spawned = 0;
  private delivered = 0;
  private readonly waiting = new Map<number, Entry>();
  private monitorPid!: Pid;
  private monitorRef!: Ref;

  constructor(
    private readonly enumerable: Iterable<Term>,
    private readonly reducer: Reducer<A>,
    private readonly callers: Term[],
    private readonly work: TermFun | Mfa,
    private readonly config: Config,
    private readonly spawnTask: () => Op<Tuple>,
  ) {
    this.max = config.maxConcurrency;
  }

  *run(acc0: A): Op<A> {
    const parent = yield* self();
    const trap = (yield* processInfo(parent, 'trap_exit')) === true;
    const [pid, ref] = yield* spawnOpt(() => streamMonitor(parent, this.spawnTask, trap, this.config.timeout), {
      link: true,
      monitor: true,
      label: 'task stream monitor',
    });
    this.monitorPid = pid;
    this.monitorRef = ref!;
    yield* send(pid, t(parent, ref!));
    this.iterator = this.enumerable[Symbol.iterator]();
    let step: Step<A> = ['cont', acc0];
    for (;;) {
      if (step[0] === 'halt') {
        yield* this.close();
        this.haltSource();
        return step[1];
      }
      if (this.done && this.spawned === this.delivered) {
        yield* this.close();
        return step[1];
      }
      if (this.max === 0 || this.done) step = yield* this.awaitOne(step[1]);
      else yield* this.pullOne();
    }
  }

  /** `next.({:cont, []})`: pull one input and spawn its task, or note the end. */
  private *pullOne(): Op<void> {
    let next: IteratorResult<Term>;
    try {
      next = this.iterator!.next();
    } catch (e) {
      yield* this.close();
      throw e;
    }
    if (next.done) {
      this.done = true;
      return;
    }
    yield* this.spawnOne(next.value);
    this.max--;
    this.spawned++;
  }

  private haltSource(): void {
    if (!this.done) this.iterator?.return?.();
  }

  /** `stream_spawn/4`. */
  private *spawnOne(value: Term): Op<void> {
    const position = this.spawned;
    const mref = this.monitorRef;
    yield* send(this.monitorPid, t('spawn', position));
    const m = yield* receive(
      match.oneOf<Tuple>(
        matcher((x) => isTagged(x, 'spawned', 3) && isPosition(x[1]!, mref, position), `{:spawned, {${mref}, ${position}}, pid}`),
        matcher((x) => isTagged(x, 'max_children', 2) && sameRef(x[1]!, mref), `{:max_children, ${mref}}`),
        matcher((x) => isTagged(x, 'DOWN', 5) && sameRef(x[1]!, mref), `{:DOWN, ${mref}, …}`),
      ),
    );
    if (m[0] === 'spawned') {
      const pid = m[2] as Pid;
      const me = yield* self();
      yield* send(pid, t(me, t(mref, position), me, this.callers, withArg(this.work, value)));
      this.waiting.set(position, { kind: 'running', pid, element: this.config.zipInputOnExit ? value : 'nil' });
      return;
    }
    if (m[0] === 'max_children') {
      yield* this.close();
      return raise('RuntimeError', MAX_CHILDREN_MESSAGE);
    }
    yield* this.cleanupInbox();
    return exit(wrapStream(m[4]!, this.config.timeout));
  }

  /** The `max == 0 or next == :done` clause of `stream_reduce/7`: wait for one reply or DOWN. */
  private *awaitOne(acc: A): Op<Step<A>> {
    const mref = this.monitorRef;
    const m = yield* receive(
      match.oneOf<Tuple>(
        matcher((x) => x instanceof Tuple && x.length === 2 && isPosition(x[0]!, mref), `{{${mref}, position}, reply}`),
        matcher((x) => x instanceof Tuple && x.length === 3 && (x[0] === 'down' || x[0] === 'timed_out') && isPosition(x[1]!, mref), `{:down | :timed_out, {${mref}, position}, reason}`),
        matcher((x) => isTagged(x, 'DOWN', 5) && sameRef(x[1]!, mref), `{:DOWN, ${mref}, …}`),
      ),
    );
    if (m.length === 2) {
      // A reply: kept until the task's death is reported (`%{^position => {pid, :running, _}} = waiting`).
      const position = (m[0] as Tuple)[1] as number;
      const entry = this.waiting.get(position);
      if (entry?.kind !== 'running') return erlangError(t('badmatch', this.waitingTerm()));
      this.waiting.set(position, { kind: 'replied', pid: entry.pid, ok: t('ok', m[1]!) });
      return ['cont', acc];
    }
    if (m.length === 5) {
      yield* this.cleanupInbox();
      return exit(wrapStream(m[4]!, this.config.timeout));
    }
    const [kind, pos, reason] = m;
    const position = (pos as Tuple)[1] as number;
    const result = yield* this.resultOf(kind as 'down' | 'timed_out', position, reason!);
    this.max++;
    if (this.config.ordered) {
      this.waiting.set(position, { kind: 'done', result });
      return yield* this.deliverInOrder(acc);
    }
    const step = yield* this.applyReducer(result, acc);
    this.waiting.delete(position);
    this.delivered++;
    return step;
  }

  /** The `case waiting do …` of the down/timed_out clause. */
  private *resultOf(kind: 'down' | 'timed_out', position: number, reason: Term): Op<Term> {
    const entry = this.waiting.get(position);
    if (entry?.kind === 'replied') return entry.ok;
    if (entry?.kind === 'running') {
      const { zipInputOnExit, onTimeout, timeout } = this.config;
      if (kind === 'down') return t('exit', zipInputOnExit ? t(entry.element, reason) : reason);
      if (onTimeout === 'exit') {
        yield* this.cleanupInbox();
        return exit(wrapStream('timeout', timeout));
      }
      return t('exit', zipInputOnExit ? t(entry.element, 'timeout') : 'timeout');
    }
    return erlangError(t('case_clause', this.waitingTerm()));
  }

  /** `stream_deliver/7`: emit buffered results while the next position is done. */
  private *deliverInOrder(acc: A): Op<Step<A>> {
    let step: Step<A> = ['cont', acc];
    for (;;) {
      if (step[0] === 'halt') return step;
      const entry = this.waiting.get(this.delivered);
      if (entry?.kind !== 'done') return step;
      step = yield* this.applyReducer(entry.result, step[1]);
      this.waiting.delete(this.delivered);
      this.delivered++;
    }
  }

  /** `deliver_now/4`: a failing reducer halts the source and closes the stream first. */
  private *applyReducer(item: Term, acc: A): Op<Step<A>> {
    try {
      return yield* invoke<Step<A>>(this.reducer, [item, acc]);
    } catch (e) {
      this.haltSource();
      yield* this.close();
      throw e;
    }
  }

  /** `stream_close/1`: stop the monitor process (it kills running tasks) and wait for it. */
  private *close(): Op<void> {
    yield* send(this.monitorPid, t('stop', this.monitorRef));
    const down = yield* receive(match.down(this.monitorRef));
    yield* this.cleanupInbox();
    if (down[4] !== 'normal') exit(wrapStream(down[4]!, this.config.timeout));
  }

  /** `stream_cleanup_inbox/2`. */
  private *cleanupInbox(): Op<void> {
    yield* receive(match.exit(this.monitorPid), { after: 0 });
    const mref = this.monitorRef;
    const stale = matcher(
      (x) =>
        x instanceof Tuple &&
        ((x.length === 2 && isPosition(x[0]!, mref)) ||
          (x.length === 3 && (x[0] === 'down' || x[0] === 'timed_out') && isPosition(x[1]!, mref))),
      `stale messages of ${mref}`,
    );
    while ((yield* receive(stale, { after: 0 })) !== TIMEOUT) {
      // drop it
    }
  }

  /** The `waiting` map as a term, for `:badmatch` / `:case_clause` errors. */
  private waitingTerm(): Term {
    return new TMap(
      [...this.waiting].map(([pos, e]): [Term, Term] => [
        pos,
        e.kind === 'running' ? t(e.pid, 'running', e.element) : e.kind === 'replied' ? t(e.pid, e.ok) : t('done', e.result),
      ]),
    );
  }
}

/** `normalize_mfa_with_arg/2`: `{m, f, [arg | args]}`, or `{:erlang, :apply, [fun, [arg]]}`. */
function withArg(work: TermFun | Mfa, arg: Term): Mfa {
  if (typeof work === 'function') return t('erlang', 'apply', [work, [arg]]);
  return t(work[0]!, work[1]!, [arg, ...(work[2] as Term[])]);
}

function matcher(test: (x: Term) => boolean, description: string): Matcher<Tuple> {
  return Object.assign((x: Term) => (test(x) ? (x as Tuple) : undefined), { description });
}

function sameRef(x: Term, ref: Ref): boolean {
  return x instanceof Ref && x.id === ref.id;
}

/** `{monitor_ref, position}` (any position when none is given). */
function isPosition(x: Term, ref: Ref, position?: number): boolean {
  return x instanceof Tuple && x.length === 2 && sameRef(x[0]!, ref) && (position === undefined || x[1] === position);
}

// ------------------------------------------------------------------------------- the monitor process

interface Running {
  readonly position: number;
  readonly type: Term;
  readonly pid: Pid;
  readonly timer: Ref | null;
  timedOut: boolean;
}

/** `stream_monitor/4`. */
function* streamMonitor(parent: Pid, spawnTask: () => Op<Tuple>, trap: boolean, timeout: Term): Op<void> {
  yield* trapExit(trap);
  const parentRef = yield* monitor(parent);
  const first = yield* receive(
    match.oneOf<Tuple>(
      matcher((x) => x instanceof Tuple && x.length === 2 && x[0] instanceof Pid && x[0].id === parent.id && x[1] instanceof Ref, `{${parent}, monitor_ref}`),
      match.down(parentRef),
    ),
  );
  if (first.length === 5) return exit(first[4]!);
  const monitorRef = first[1] as Ref;
  const running = new Map<number, Running>();
  const ctx: MonitorCtx = { parent, parentRef, monitorRef, running };
  for (;;) {
    const m = yield* receive();
    if (isTagged(m, 'spawn', 2)) {
      const started = yield* spawnTask();
      if (isTagged(started, 'ok', 3)) {
        const pid = started[2] as Pid;
        const ref = yield* monitor(pid);
        const timer = timeout === 'infinity' ? null : yield* sendAfter(yield* self(), t('timeout', t(monitorRef, ref)), timeout as number);
        yield* send(parent, t('spawned', t(monitorRef, m[1]!), pid));
        running.set(ref.id, { position: m[1] as number, type: started[1]!, pid, timer, timedOut: false });
        continue;
      }
      yield* send(parent, t('max_children', monitorRef));
      for (;;) yield* stopOrParentDown(yield* receive(), ctx);
    }
    if (isTagged(m, 'DOWN', 5) && m[1] instanceof Ref && running.has(m[1].id)) {
      const task = running.get(m[1].id)!;
      running.delete(m[1].id);
      if (task.timer) yield* cancelTimer(task.timer);
      yield* send(parent, t(task.timedOut ? 'timed_out' : 'down', t(monitorRef, task.position), m[4]!));
      continue;
    }
    if (isTagged(m, 'timeout', 2) && isPosition(m[1]!, monitorRef)) {
      const ref = (m[1] as Tuple)[1] as Ref;
      const task = running.get(ref.id);
      if (task && !task.timedOut) {
        yield* unlinkAndExit(task.pid, 'kill', 'task kill enforcer'); // `unlink_and_kill/1`
        task.timedOut = true;
      }
      continue;
    }
    if (isTagged(m, 'EXIT', 3)) continue;
    yield* stopOrParentDown(m, ctx);
  }
}

interface MonitorCtx {
  readonly parent: Pid;
  readonly parentRef: Ref;
  readonly monitorRef: Ref;
  readonly running: Map<number, Running>;
}

/** `handle_stop_or_parent_down/3`. */
function* stopOrParentDown(m: Term, ctx: MonitorCtx): Op<void> {
  if (isTagged(m, 'stop', 2) && sameRef(m[1]!, ctx.monitorRef)) {
    // The stream is closing: kill every running task, wait for them, exit normally.
    yield* trapExit(true);
    for (const task of ctx.running.values()) yield* exitSignal(task.pid, 'kill');
    for (const ref of ctx.running.keys()) {
      yield* receive(matcher((x) => isTagged(x, 'DOWN', 5) && x[1] instanceof Ref && x[1].id === ref, `{:DOWN, ref ${ref}, …}`));
    }
    return exit('normal');
  }
  if (isTagged(m, 'DOWN', 5) && sameRef(m[1]!, ctx.parentRef)) {
    // The caller died: linked tasks get its reason, then so do we.
    for (const task of ctx.running.values()) if (task.type === 'link') yield* exitSignal(task.pid, m[4]!);
    return exit(m[4]!);
  }
}
