/**
 * Pattern 11 — Shutdown semantics, graceful termination: the seed's four examples, ported.
 *
 * Why (seed): "Graceful shutdown enables cleanup (closing connections, flushing buffers,
 * deregistering from services). The timeout prevents hung processes from blocking system
 * shutdown indefinitely."
 *
 * before / after — `MyApp.WriteAheadLog` buffers appended entries in its state and flushes the
 * buffer to disk in `terminate/2`; clients append at generated times and the application is
 * stopped (`Supervisor.stop(app, :shutdown)`, a deployment) at a generated time. The claim checked
 * (from the issue): *no buffered write is lost on shutdown* — every append acknowledged before the
 * stop is on disk afterwards. The disk is a simulated process with a generated write latency
 * (scenarios/support/shutdownServices.ts). The seed shows no `init/1` and no other flush: the port
 * opens the log file in `init/1` and flushes only in `terminate/2`.
 * - before (`use GenServer, shutdown: :brutal_kill`) loses the buffer: the child is killed and
 *   `terminate/2` never runs (supervision.md rule 59), as the seed says.
 * - after (`use GenServer, shutdown: 10_000`) **loses it too — the seed is wrong here**. A
 *   supervisor stops an integer-shutdown child with an exit signal `:shutdown` (rule 60); a
 *   GenServer runs `terminate/2` on it only if it traps exits (rule 64, processes.md §3.6), and the
 *   seed's WriteAheadLog never calls `Process.flag(:trap_exit, true)`. So the signal kills it at
 *   once and the 10 seconds are never used. Checked on real Elixir 1.14/OTP 25 and 1.18/OTP 27:
 *   the same module without trapping never runs terminate/2 on `Supervisor.stop/2`; with
 *   `Process.flag(:trap_exit, true)` in init it does. The scenario keeps the faithful port, so
 *   after is expected to fail and its counterexample shows why.
 *
 * over / better — `MyApp.Worker` deregisters itself from a service in `terminate/2` through
 * `HTTPClient.post!`/`post` to a simulated endpoint that answers after a generated latency or
 * hangs forever; one to three workers run under the application supervisor, which is stopped at a
 * generated time. The claim checked: *shutdown is graceful and bounded* — every worker's
 * deregistration reaches the endpoint, and the application stops within 15 s per worker (better's
 * bound; a static supervisor stops its children one after the other, rule 66).
 * - over (`shutdown: :infinity`, `post!` without a timeout) and better (`shutdown: 15_000`,
 *   `Task.async(…) |> Task.yield(10_000)`) have the same flaw as after: neither worker traps exits,
 *   so the `:shutdown` signal kills it, `terminate/2` never runs, nothing is deregistered — and
 *   the hang the seed warns about ("if terminate hangs, deployment hangs") cannot happen either
 *   (checked on both oracles: `Supervisor.stop/2` returned at once and terminate/2 never ran). Both
 *   fail the claim, for the reason the counterexample names. With trap_exit added (the seed's
 *   evident intent), over hangs on a hanging endpoint and better holds — `trappingExits` below
 *   builds those variants for comparison; they are not seed variants.
 */
import fc from 'fast-check';
import {
  GenServer,
  Pid,
  Supervisor,
  TIMEOUT,
  Task,
  fails,
  format,
  holds,
  isTagged,
  match,
  now,
  receive,
  report,
  self,
  sleep,
  spawn,
  t,
  trapExit,
  type AnyTarget,
  type CheckResult,
  type ErlModule,
  type Op,
  type Outcome,
  type Target,
  type Term,
  type TermObject,
  type TraceEvent,
} from '../src/index.js';
import { deregistrationEndpoint, diskService, fileClose, fileOpen, fileWrite, post, postBang } from './support/shutdownServices.js';

const ID = 'p11-shutdown-semantics';
const DISK = 'disk';
const API = 'deregistration_api';
const WAL_NAME = 'Elixir.MyApp.WriteAheadLog';
const WAL_PATH = '/var/lib/myapp/wal.log';

type Shutdown = 'brutal_kill' | 'infinity' | number;

/** Whether the port adds `Process.flag(:trap_exit, true)` to init/1 (the seed's examples do not). */
interface PortOptions {
  readonly trapExits: boolean;
}

// ------------------------------------------------------------------------------ the write-ahead log

interface WalState extends TermObject {
  buffer: Term[];
  fd: Term;
}

/** `defmodule MyApp.WriteAheadLog do use GenServer, shutdown: … end`. */
function writeAheadLog(shutdown: Shutdown, closesFile: boolean, port: PortOptions): ErlModule {
  const mod: ErlModule = GenServer.defmodule(
    'MyApp.WriteAheadLog',
    {
      *init() {
        if (port.trapExits) yield* trapExit(true);
        yield* report('wal.init', {});
        const fd = yield* fileOpen(DISK, WAL_PATH);
        const state: WalState = { buffer: [], fd };
        return t('ok', state);
      },
      handleCall(request: Term, _from, state: WalState) {
        // append/1: the entry is buffered and acknowledged
        const entry = (request as Term[])[1]!;
        return t('reply', 'ok', { ...state, buffer: [...state.buffer, entry] });
      },
      *terminate(_reason: Term, state: WalState) {
        yield* report('wal.terminate', { buffered: state.buffer.length });
        yield* fileWrite(DISK, state.fd, state.buffer); // flush_buffer_to_disk(state.buffer)
        if (closesFile) yield* fileClose(DISK, state.fd); // close_file_handle(state.fd)
      },
      startLink: (arg: Term) => GenServer.startLink(mod, arg, { name: WAL_NAME }),
    },
    { shutdown },
  );
  return mod;
}

interface WalInput {
  readonly writes: Array<{ readonly at: number }>;
  readonly stopAt: number;
  readonly diskWriteMs: number;
}

const walInput: fc.Arbitrary<WalInput> = fc.record({
  writes: fc.array(fc.record({ at: fc.integer({ min: 0, max: 2000 }) }), { maxLength: 6 }),
  stopAt: fc.integer({ min: 0, max: 2500 }),
  diskWriteMs: fc.integer({ min: 0, max: 50 }),
});

/** A client appending entry `n`: reports `wal.acked` once the log acknowledged it. */
function client(n: number, at: number) {
  return function* (): Op<void> {
    if (at > 0) yield* sleep(at);
    try {
      yield* GenServer.call(WAL_NAME, t('append', n));
      yield* report('wal.acked', { entry: n });
    } catch {
      yield* report('wal.append_failed', { entry: n });
    }
  };
}

function walProgram(shutdown: Shutdown, closesFile: boolean, port: PortOptions) {
  return (input: WalInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      yield* GenServer.start(diskService({ writeMs: input.diskWriteMs }), 'nil', { name: DISK });
      const Wal = writeAheadLog(shutdown, closesFile, port);
      const app = yield* Supervisor.startLink([Wal], { strategy: 'one_for_one' });
      if (!isTagged(app, 'ok', 2)) return;
      for (const [n, w] of input.writes.entries()) yield* spawn(client(n, w.at), { label: `client${n}` });
      yield* sleep(input.stopAt);
      yield* report('app.stop', {});
      yield* Supervisor.stop(app[1]!, 'shutdown'); // the deployment stops the application
      yield* report('app.stopped', {});
    };
}

function reportsNamed(trace: readonly TraceEvent[], name: string): Array<{ index: number; data: TermObject; pid: Pid; t: number }> {
  const out: Array<{ index: number; data: TermObject; pid: Pid; t: number }> = [];
  trace.forEach((e, index) => {
    if (e.k === 'report' && e.name === name) out.push({ index, data: e.data as TermObject, pid: e.pid, t: e.t });
  });
  return out;
}

/** Why a process did not run terminate/2: its exit reason and whether it ever trapped exits. */
function howItDied(trace: readonly TraceEvent[], pid: Pid, shutdown: Shutdown): string {
  const exit = trace.find((e) => e.k === 'exit' && e.pid.id === pid.id) as { reason: Term } | undefined;
  const trapped = trace.some((e) => e.k === 'trap_exit' && e.pid.id === pid.id && e.value);
  const reason = exit ? format(exit.reason) : 'nothing (still alive)';
  if (shutdown === 'brutal_kill') return `it exited ${reason}: :brutal_kill kills the child, so terminate/2 never runs (supervision.md rule 59)`;
  if (!trapped) {
    return `it exited ${reason} without running terminate/2: shutdown ${String(shutdown)} only changes how long the supervisor waits after its :shutdown exit signal, and a GenServer that does not trap exits dies of that signal at once (supervision.md rules 60, 64) — the seed's module never calls Process.flag(:trap_exit, true)`;
  }
  return `it exited ${reason}`;
}

/** Every append acknowledged before the stop began is durable on disk at the end. */
function noBufferedWriteLost(shutdown: Shutdown) {
  return (o: Outcome<WalInput>): CheckResult => {
    if (o.run.verdict.kind === 'divergence') return fails(`the run diverged: ${o.run.verdict.detail}`);
    const trace = o.run.trace;
    const stop = reportsNamed(trace, 'app.stop')[0];
    if (!stop) return fails('the application never got to its stop');
    if (reportsNamed(trace, 'app.stopped').length === 0) return fails(`Supervisor.stop/2 never returned: the shutdown hung`);
    const durable = new Set(reportsNamed(trace, 'disk.durable').flatMap((r) => (r.data['entries'] as number[]).map(String)));
    const acked = reportsNamed(trace, 'wal.acked').filter((r) => r.index < stop.index).map((r) => r.data['entry'] as number);
    const lost = acked.filter((n) => !durable.has(String(n)));
    if (lost.length === 0) return holds;
    const wal = reportsNamed(trace, 'wal.init')[0]?.pid;
    return fails(
      `${lost.length} acknowledged write(s) (entries ${format(lost)}) were in MyApp.WriteAheadLog's buffer when the application was stopped at ${stop.t} ms and never reached the disk: ${wal ? howItDied(trace, wal, shutdown) : 'the log never started'}`,
    );
  };
}

// ------------------------------------------------------------------------------ the deregistering worker

/** How a worker's terminate/2 deregisters (over: `post!` straight; better: in a task, yield 10 s). */
type Deregistration = 'post_bang' | 'task_yield';

/** `defmodule MyApp.Worker do use GenServer, shutdown: … end`, started as `{MyApp.Worker, id}`. */
function deregisteringWorker(shutdown: Shutdown, how: Deregistration, port: PortOptions): ErlModule {
  return GenServer.defmodule(
    'MyApp.Worker',
    {
      *init(id: Term) {
        if (port.trapExits) yield* trapExit(true);
        yield* report('worker.init', { id });
        return t('ok', { id });
      },
      *terminate(_reason: Term, state: TermObject) {
        yield* report('worker.terminate', { id: state['id']! });
        const body = { id: state['id']! };
        if (how === 'post_bang') {
          yield* postBang(API, '/api/deregister', body); // if this HTTP call hangs forever…
          return;
        }
        const task = yield* Task.async(() => post(API, '/api/deregister', body));
        yield* Task.yield(task, 10_000);
      },
    },
    { shutdown },
  );
}

interface WorkerInput {
  readonly workers: number;
  readonly stopAt: number;
  readonly endpoint: { readonly hangs: boolean; readonly latencyMs: number };
}

const workerInput: fc.Arbitrary<WorkerInput> = fc.record({
  workers: fc.integer({ min: 1, max: 3 }),
  stopAt: fc.integer({ min: 0, max: 2000 }),
  endpoint: fc.record({ hangs: fc.boolean(), latencyMs: fc.integer({ min: 0, max: 12_000 }) }),
});

/** better's bound per worker: its `shutdown: 15_000`. */
const BOUND_PER_WORKER_MS = 15_000;
/** How long the deployment waits before calling the shutdown hung. */
const HANG_MS = 120_000;

function workerProgram(shutdown: Shutdown, how: Deregistration, port: PortOptions) {
  return (input: WorkerInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      yield* GenServer.start(deregistrationEndpoint(input.endpoint), 'nil', { name: API });
      const Worker = deregisteringWorker(shutdown, how, port);
      const children: Term[] = [];
      for (let id = 1; id <= input.workers; id++) children.push(yield* Supervisor.childSpec(t(Worker, id), { id: t('worker', id) }));
      const app = yield* Supervisor.startLink(children, { strategy: 'one_for_one' });
      if (!isTagged(app, 'ok', 2)) return;
      const sup = app[1] as Pid;
      yield* sleep(input.stopAt);
      const me = yield* self();
      yield* report('app.stop', {});
      const began = yield* now();
      yield* spawn(function* () {
        yield* Supervisor.stop(sup, 'shutdown'); // the deployment stops the application
        yield* report('app.stop_returned', { to: me });
      }, { label: 'deployment' });
      const down = yield* receive(match.exit(sup), { after: HANG_MS });
      if (down === TIMEOUT) yield* report('app.hung', { waitedMs: HANG_MS });
      else yield* report('app.stopped', { ms: (yield* now()) - began });
    };
}

/** Every worker deregistered, and the application stopped within the bound. */
function gracefulAndBounded(shutdown: Shutdown) {
  return (o: Outcome<WorkerInput>): CheckResult => {
    if (o.run.verdict.kind === 'divergence') return fails(`the run diverged: ${o.run.verdict.detail}`);
    const trace = o.run.trace;
    const bound = BOUND_PER_WORKER_MS * o.input.workers;
    const hung = reportsNamed(trace, 'app.hung')[0];
    const stopped = reportsNamed(trace, 'app.stopped')[0];
    const endpoint = o.input.endpoint.hangs ? 'the /api/deregister endpoint hangs' : `the endpoint answers in ${o.input.endpoint.latencyMs} ms`;
    if (hung || !stopped) {
      return fails(`the application did not stop within ${HANG_MS / 1000} s (${endpoint}): a worker's terminate/2 is blocked in the HTTP call and shutdown ${String(shutdown)} lets the supervisor wait for it forever`);
    }
    const ms = stopped.data['ms'] as number;
    if (ms > bound) return fails(`the application took ${ms} ms to stop (${endpoint}), more than ${bound} ms for ${o.input.workers} worker(s)`);
    const deregistered = new Set(reportsNamed(trace, 'api.received').filter((r) => r.index < stopped.index).map((r) => format((r.data['body'] as TermObject)['id']!)));
    const workers = reportsNamed(trace, 'worker.init');
    const missing = workers.filter((w) => !deregistered.has(format(w.data['id']!)));
    if (missing.length === 0) return holds;
    return fails(
      `the application stopped in ${ms} ms, but ${missing.length} of ${workers.length} worker(s) never deregistered (ids ${format(missing.map((w) => w.data['id']!))}): ${howItDied(trace, missing[0]!.pid, shutdown)}. ${shutdown === 'infinity' ? 'So the hang the seed warns about cannot happen as written either — and neither can the cleanup.' : 'The bound holds only because the cleanup never runs.'}`,
    );
  };
}

// ------------------------------------------------------------------------------ variants

const runtime = { maxSteps: 400_000, maxTime: 10 * 60_000 };
const seedPort: PortOptions = { trapExits: false };

function walVariant(variant: 'before' | 'after', port: PortOptions): Target<WalInput> {
  const before = variant === 'before';
  const shutdown: Shutdown = before ? 'brutal_kill' : 10_000;
  return {
    id: `${ID}/${variant}`,
    title: before
      ? 'WriteAheadLog with shutdown: :brutal_kill: are buffered writes flushed on shutdown?'
      : 'WriteAheadLog with shutdown: 10_000 (as written, not trapping exits): are buffered writes flushed on shutdown?',
    claim: before ? ':brutal_kill on a process that writes to disk — data loss' : 'shutdown: 10_000 — 10 seconds to flush: no buffered write is lost on shutdown',
    input: walInput,
    program: walProgram(shutdown, !before, port),
    check: noBufferedWriteLost(shutdown),
    // after: the seed is wrong (see the header) — as written it loses the buffer too.
    expect: port.trapExits && !before ? 'holds' : 'fails',
    runtime,
  };
}

function workerVariant(variant: 'over' | 'better', port: PortOptions): Target<WorkerInput> {
  const over = variant === 'over';
  const shutdown: Shutdown = over ? 'infinity' : 15_000;
  return {
    id: `${ID}/${variant}`,
    title: over
      ? 'Worker with shutdown: :infinity deregistering with post!: is shutdown graceful and bounded?'
      : 'Worker with shutdown: 15_000 deregistering in a task yielded for 10 s: is shutdown graceful and bounded?',
    claim: over ? ':infinity shutdown on a worker — if terminate hangs, deployment hangs' : 'Generous but bounded — use a timeout on the cleanup call too',
    input: workerInput,
    program: workerProgram(shutdown, over ? 'post_bang' : 'task_yield', port),
    check: gracefulAndBounded(shutdown),
    // better: the seed is wrong (see the header) — as written no worker ever deregisters.
    expect: port.trapExits && !over ? 'holds' : 'fails',
    runtime,
  };
}

export const variants: AnyTarget[] = [
  walVariant('before', seedPort),
  walVariant('after', seedPort),
  workerVariant('over', seedPort),
  workerVariant('better', seedPort),
];

/**
 * The same four examples with `Process.flag(:trap_exit, true)` added to `init/1` — the seed's
 * evident intent, for comparison (not seed variants: ids end in `+trap_exit`).
 */
export function trappingExits(): AnyTarget[] {
  const port: PortOptions = { trapExits: true };
  return [walVariant('before', port), walVariant('after', port), workerVariant('over', port), workerVariant('better', port)].map((v) => ({
    ...v,
    id: `${v.id}+trap_exit`,
  }));
}
