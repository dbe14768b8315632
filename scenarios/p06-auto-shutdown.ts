/**
 * Pattern 6 — Automatic shutdown for pipeline supervisors: the seed's four examples, ported.
 *
 * Why (seed): "auto_shutdown models 'this supervisor's job is done when its children finish.' It's
 * for finite work, not long-lived services." Anti-pattern: "Manually monitoring children and
 * calling Supervisor.stop/1. The automatic shutdown mechanism handles this cleanly within OTP
 * semantics."
 *
 * - before / after (batch processing) are judged by that claim: *the batch supervisor's lifetime
 *   ends when — and only when — all its batch work is done: every batch completes exactly once and
 *   the supervisor then goes away*. Batches arrive over time (generated), each takes a generated
 *   time and may crash once (a transient worker is restarted, rule 37). Before: a
 *   `DynamicSupervisor` to which each batch is added on arrival, and `MyApp.BatchMonitor` polling
 *   `all_done?/1` (`count_children(sup).active == 0`) and calling `Supervisor.stop/1`; a poll that
 *   falls between two batches stops the supervisor while work is still coming, and the later
 *   batches are lost (`start_child` exits `:noproc`). After: `use Supervisor` with the batch's
 *   workers `restart: :transient, significant: true` and `auto_shutdown: :all_significant`: it
 *   shuts itself down in the very message that handles the last normal exit (rules 72, 74).
 *   `start_link(tasks)` needs the whole batch, so the "after" runner starts it once every task
 *   has arrived — the design's precondition: auto_shutdown is for finite work known up front.
 * - over / better (an infrastructure supervisor: `MyApp.Cache` significant and transient,
 *   `MyApp.WebServer` permanent) are judged by "Infrastructure supervisors should NOT
 *   auto-shutdown": *the web server keeps serving whatever the cache does* — the cache is stopped
 *   normally (e.g. by an operator) or crashes at generated times while requests keep coming.
 *
 * Glue the examples leave out: `MyApp.BatchWorker` (`use GenServer, restart: :transient`) works in
 * `handle_continue/2` and stops `:normal` when done; `MyApp.BatchMonitor` polls every 100 ms (its
 * `:check` is rescheduled after each poll — the example's `handle_info/2` only shows the check).
 *
 * Profiles: Elixir 1.14 (`otp25`) has no auto_shutdown in Elixir's API (rule 27) and
 * `Supervisor.child_spec/2` raises `ArgumentError` "unknown key :significant in child
 * specification override" (rule 18; checked with Elixir 1.14). So under `otp25` the after and
 * over examples fail to start: their supervisor's `init/1` raises, `start_link` returns
 * `{:error, {%ArgumentError{}, stack}}`. They run under the `current` profile only; before (no
 * auto_shutdown) runs under both.
 *
 * **The "better" example is wrong about OTP, and the scenario shows it.** It keeps the over
 * example's `children` — `MyApp.Cache` still `significant: true` — and only drops the
 * `auto_shutdown` option. With `auto_shutdown: :never` (the default) OTP rejects any significant
 * child: `start_link` returns `{:error, {:start_spec, {:bad_combination, [auto_shutdown: :never,
 * significant: true]}}}` (rule 70; checked with Elixir 1.18 / OTP 27), and under Elixir 1.14 the
 * `child_spec/2` call raises as above. So the better example, as written, never starts its web
 * server (`expect: 'fails'`, both profiles); the fix it means is to drop `significant: true` as
 * well.
 */
import fc from 'fast-check';
import {
  DynamicSupervisor,
  GenServer,
  Pid,
  Supervisor,
  TIMEOUT,
  caught,
  fails,
  format,
  holds,
  isTagged,
  match,
  now,
  raise,
  receive,
  report,
  self,
  sendAfter,
  sleep,
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
} from '../src/index.js';

const ID = 'p06-auto-shutdown';
const POLL_MS = 100;

// ------------------------------------------------------------------------------- before / after

interface BatchTask {
  readonly id: string;
  readonly arriveAt: number;
  readonly workMs: number;
  /** The first attempt crashes (a transient failure); the restart succeeds. */
  readonly crashesOnce: boolean;
}

interface BatchInput {
  readonly tasks: BatchTask[];
}

/** Attempts per task in one run (the environment a restarted worker retries against). */
class Attempts {
  private readonly n = new Map<string, number>();
  next(id: string): number {
    const k = (this.n.get(id) ?? 0) + 1;
    this.n.set(id, k);
    return k;
  }
}

/** `MyApp.BatchWorker`: processes its task in `handle_continue`, then stops `:normal`. */
function batchWorker(attempts: Attempts): ErlModule {
  return GenServer.defmodule(
    'MyApp.BatchWorker',
    {
      init: (task: Term) => t('ok', task, t('continue', 'work')),
      *handleContinue(_arg: Term, state: Term): Op<Term> {
        const task = state as unknown as BatchTask;
        const attempt = attempts.next(task.id);
        yield* report('batch.start', { id: task.id, attempt });
        yield* sleep(task.workMs);
        if (task.crashesOnce && attempt === 1) return raise('RuntimeError', `${task.id}: transient failure`);
        yield* report('batch.done', { id: task.id });
        return t('stop', 'normal', state);
      },
    },
    { restart: 'transient' },
  );
}

/** Before: `use DynamicSupervisor`; `all_done?/1` polls `count_children(sup).active == 0`. */
function batchSupervisorBefore(): ErlModule {
  return DynamicSupervisor.defmodule('MyApp.BatchSupervisor', { init: () => DynamicSupervisor.init({ strategy: 'one_for_one' }) });
}

function* allDone(sup: Term): Op<boolean> {
  // Polling... ugly
  return (yield* DynamicSupervisor.countChildren(sup))['active'] === 0;
}

/** Before: a monitor process watches and cleans up. */
function batchMonitor(): ErlModule {
  return GenServer.defmodule('MyApp.BatchMonitor', {
    *init(sup: Term): Op<Term> {
      yield* sendAfter(yield* self(), 'check', POLL_MS);
      return t('ok', { sup });
    },
    *handleInfo(msg: Term, state: TermObject): Op<Term> {
      if (msg === 'check') {
        if (yield* allDone(state['sup']!)) {
          yield* report('monitor.stops_supervisor', {});
          yield* Supervisor.stop(state['sup']!);
        }
        yield* sendAfter(yield* self(), 'check', POLL_MS);
      }
      return t('noreply', state);
    },
  });
}

/** After: `use Supervisor`; every task a transient significant child; `auto_shutdown: :all_significant`. */
function batchSupervisorAfter(worker: ErlModule): ErlModule {
  return Supervisor.defmodule('MyApp.BatchSupervisor', {
    *init(tasks: Term): Op<Term> {
      const children: Term[] = [];
      for (const task of tasks as unknown as BatchTask[]) {
        children.push(yield* Supervisor.childSpec(t(worker, task as unknown as Term), { id: task.id, restart: 'transient', significant: true }));
      }
      return yield* Supervisor.init(children, { strategy: 'one_for_one', autoShutdown: 'all_significant' });
    },
  });
}

function horizonOf(input: BatchInput): number {
  return Math.max(0, ...input.tasks.map((x) => x.arriveAt)) + input.tasks.reduce((s, x) => s + 2 * x.workMs, 0) + 2000;
}

function beforeProgram(input: BatchInput) {
  return function* (): Op<void> {
    yield* trapExit(true);
    const worker = batchWorker(new Attempts());
    const started = yield* DynamicSupervisor.startLink(batchSupervisorBefore(), 'nil');
    yield* report('case.start', { result: started });
    if (!isTagged(started, 'ok', 2)) return;
    const sup = started[1] as Pid;
    yield* GenServer.startLink(batchMonitor(), sup);
    for (const task of [...input.tasks].sort((a, b) => a.arriveAt - b.arriveAt)) {
      const wait = task.arriveAt - (yield* now());
      if (wait > 0) yield* sleep(wait);
      try {
        yield* DynamicSupervisor.startChild(sup, t(worker, task as unknown as Term));
      } catch (e) {
        const c = caught(e);
        yield* report('batch.lost', { id: task.id, reason: c.kind === 'exit' ? c.reason : 'error' });
      }
    }
    const down = yield* receive(match.exit(sup), { after: Math.max(0, horizonOf(input) - (yield* now())) });
    yield* report('case.end', { supervisor: down === TIMEOUT ? 'alive' : t('exited', down[2]!) });
  };
}

function afterProgram(input: BatchInput) {
  return function* (): Op<void> {
    yield* trapExit(true);
    // start_link(tasks) needs the whole batch: start once the last task has arrived.
    yield* sleep(Math.max(0, ...input.tasks.map((x) => x.arriveAt)));
    const sup = batchSupervisorAfter(batchWorker(new Attempts()));
    const started = yield* Supervisor.startLink(sup, input.tasks as unknown as Term);
    yield* report('case.start', { result: started });
    if (!isTagged(started, 'ok', 2)) return;
    const down = yield* receive(match.exit(started[1] as Pid), { after: Math.max(0, horizonOf(input) - (yield* now())) });
    yield* report('case.end', { supervisor: down === TIMEOUT ? 'alive' : t('exited', down[2]!) });
  };
}

function reportsOf(o: Outcome<unknown>, name: string): Array<{ t: number; data: TermObject }> {
  return o.run.trace.filter((e) => e.k === 'report' && e.name === name) as unknown as Array<{ t: number; data: TermObject }>;
}

/** The supervisor ends when, and only when, all its batch work is done. */
function doneWhenWorkIsDone(o: Outcome<BatchInput>): CheckResult {
  const start = reportsOf(o, 'case.start')[0]?.data['result'];
  if (!isTagged(start, 'ok', 2)) return fails(`the batch supervisor did not start: ${format(start ?? 'nil')}`);
  const done = new Map<string, number>();
  for (const d of reportsOf(o, 'batch.done')) done.set(d.data['id'] as string, (done.get(d.data['id'] as string) ?? 0) + 1);
  const supExit = o.run.trace.find((e) => e.k === 'exit' && e.pid.id === (start[1] as Pid).id) as { t: number; reason: Term } | undefined;
  const stopper = reportsOf(o, 'monitor.stops_supervisor')[0];
  const missing = o.input.tasks.filter((x) => done.get(x.id) !== 1);
  if (missing.length > 0) {
    const started = new Map(reportsOf(o, 'batch.start').map((r) => [r.data['id'] as string, r.t]));
    const lost = new Map(reportsOf(o, 'batch.lost').map((r) => [r.data['id'] as string, r]));
    const fate = (x: BatchTask): string => {
      const l = lost.get(x.id);
      if (l) return `${x.id} (arrived at ${l.t} ms; start_child exited ${format(l.data['reason']!, { maxLength: 50 })})`;
      if (started.has(x.id)) return `${x.id} (started at ${started.get(x.id)!} ms, cut short)`;
      if ((done.get(x.id) ?? 0) > 1) return `${x.id} (completed ${done.get(x.id)!} times)`;
      return `${x.id} (never started)`;
    };
    const when = supExit ? `the supervisor exited ${format(supExit.reason)} at ${supExit.t} ms` : 'the supervisor is still running';
    const why = stopper ? `MyApp.BatchMonitor polled at ${stopper.t} ms, saw count_children(sup).active == 0 and called Supervisor.stop; ${when}` : when;
    return fails(`not every batch completed exactly once — ${missing.map(fate).join(', ')}: ${why}`);
  }
  if (!supExit) return fails(`every batch completed but the supervisor was still running at ${horizonOf(o.input)} ms`);
  const lastDone = Math.max(...reportsOf(o, 'batch.done').map((d) => d.t));
  if (supExit.t < lastDone) return fails(`the supervisor exited at ${supExit.t} ms, before the last batch completed at ${lastDone} ms`);
  return holds;
}

const batchInput: fc.Arbitrary<BatchInput> = fc
  .array(
    fc.record({
      arriveAt: fc.integer({ min: 0, max: 2000 }),
      workMs: fc.integer({ min: 1, max: 300 }),
      crashesOnce: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  // At most two transient crashes: the default intensity (3 in 5 s) is not what this pattern is about.
  .map((ts) => ts.map((x, i) => ({ id: `batch${i + 1}`, ...x, crashesOnce: x.crashesOnce && ts.slice(0, i).filter((y) => y.crashesOnce).length < 2 })))
  .map((tasks) => ({ tasks }));

// ------------------------------------------------------------------------------- over / better

type CacheEvent = { readonly at: number; readonly kind: 'stop' | 'crash' };

interface InfraInput {
  readonly cache: CacheEvent[];
}

const REQUEST_EVERY_MS = 200;
const INFRA_HORIZON_MS = 5000;

function cacheModule(): ErlModule {
  return GenServer.defmodule('MyApp.Cache', {
    init: (arg: Term) => t('ok', arg),
    handleInfo(msg: Term, state: Term): Term {
      if (msg === 'corrupt') return raise('RuntimeError', 'cache table corrupt');
      return t('noreply', state);
    },
  });
}

function webServerModule(): ErlModule {
  const mod: ErlModule = GenServer.defmodule('MyApp.WebServer', {
    init: (arg: Term) => t('ok', arg),
    handleCall: (_req: Term, _from, state: Term) => t('reply', 'ok', state),
    startLink: (arg: Term) => GenServer.startLink(mod, arg, { name: 'MyApp.WebServer' }),
  });
  return mod;
}

/** The over example's supervisor; `better` drops only the auto_shutdown option, as the text does. */
function infraSupervisor(cache: ErlModule, web: ErlModule, autoShutdown: boolean, significant: boolean): ErlModule {
  return Supervisor.defmodule('MyApp.InfraSupervisor', {
    *init(): Op<Term> {
      const cacheSpec: Record<string, Term> = significant ? { significant: true, restart: 'transient' } : { restart: 'transient' };
      const children = [yield* Supervisor.childSpec(cache, cacheSpec), web];
      if (autoShutdown) return yield* Supervisor.init(children, { strategy: 'one_for_one', autoShutdown: 'any_significant' });
      // Infrastructure supervisors should NOT auto-shutdown
      return yield* Supervisor.init(children, { strategy: 'one_for_one' });
    },
  });
}

function infraProgram(autoShutdown: boolean, significant = true) {
  return (input: InfraInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      const cache = cacheModule();
      const started = yield* Supervisor.startLink(infraSupervisor(cache, webServerModule(), autoShutdown, significant), 'nil');
      yield* report('case.start', { result: started });
      if (!isTagged(started, 'ok', 2)) return;
      const sup = started[1] as Pid;
      const events = [...input.cache].sort((a, b) => a.at - b.at);
      for (let at = REQUEST_EVERY_MS; at <= INFRA_HORIZON_MS; at += REQUEST_EVERY_MS) {
        while (events.length > 0 && events[0]!.at < at) {
          const ev = events.shift()!;
          const wait = ev.at - (yield* now());
          if (wait > 0) yield* sleep(wait);
          const pid = ((yield* whichChildrenOrEmpty(sup)).find((c) => (c as Term[])[0] === cache) as Term[] | undefined)?.[1];
          if (!(pid instanceof Pid)) continue;
          yield* report('cache.event', { kind: ev.kind });
          if (ev.kind === 'stop') yield* GenServer.stop(pid, 'normal');
          else yield* sendAfter(pid, 'corrupt', 0);
        }
        const wait = at - (yield* now());
        if (wait > 0) yield* sleep(wait);
        let result: Term;
        try {
          result = yield* GenServer.call('MyApp.WebServer', 'get_page', 1000);
        } catch (e) {
          const c = caught(e);
          result = c.kind === 'exit' ? t('exit', c.reason) : t(c.kind, 'error');
        }
        yield* report('request', { result });
      }
    };
}

function* whichChildrenOrEmpty(sup: Pid): Op<Term[]> {
  try {
    return yield* Supervisor.whichChildren(sup);
  } catch {
    return [];
  }
}

/** The web server keeps serving whatever the cache does. */
function webServerKeepsServing(o: Outcome<InfraInput>): CheckResult {
  const start = reportsOf(o, 'case.start')[0]?.data['result'];
  if (!isTagged(start, 'ok', 2)) {
    const why =
      start !== undefined && format(start).includes('ArgumentError')
        ? 'Elixir 1.14 has no :significant override in Supervisor.child_spec/2 (supervision.md rule 18)'
        : 'the children still mark MyApp.Cache significant: true, which OTP rejects without auto_shutdown (supervision.md rule 70)';
    return fails(`MyApp.InfraSupervisor never started — start_link returned ${format(start ?? 'nil')} — so MyApp.WebServer never served a request: ${why}`);
  }
  const failed = reportsOf(o, 'request').filter((r) => r.data['result'] !== 'ok');
  if (failed.length === 0) return holds;
  const cacheEvents = reportsOf(o, 'cache.event').map((e) => `${String(e.data['kind'])} at ${e.t} ms`);
  const supExit = o.run.trace.find((e) => e.k === 'exit' && e.pid.id === (start[1] as Pid).id) as { t: number; reason: Term } | undefined;
  return fails(
    `MyApp.Cache (significant, :transient) events: ${cacheEvents.join(', ')}; ${supExit ? `the WHOLE supervisor exited ${format(supExit.reason)} at ${supExit.t} ms (auto_shutdown: :any_significant), taking MyApp.WebServer with it` : 'MyApp.WebServer stopped answering'}: ${failed.length} request(s) failed from ${failed[0]!.t} ms`,
  );
}

const infraInput: fc.Arbitrary<InfraInput> = fc.record({
  cache: fc.array(fc.record({ at: fc.integer({ min: 0, max: 4000 }), kind: fc.constantFrom<'stop' | 'crash'>('crash', 'stop') }), { maxLength: 3 }),
});

const runtime = { maxSteps: 300_000, maxTime: 60_000 };

export const variants: AnyTarget[] = [
  {
    id: `${ID}/before`,
    title: 'a monitor polls count_children and calls Supervisor.stop: does the supervisor end exactly when the batch is done?',
    claim: 'Manual cleanup when batch workers finish … Polling... ugly',
    input: batchInput,
    program: beforeProgram,
    check: doneWhenWorkIsDone,
    expect: 'fails',
    runtime,
  } satisfies Target<BatchInput>,
  {
    id: `${ID}/after`,
    title: 'auto_shutdown: :all_significant ends the batch supervisor exactly when all workers complete',
    claim: 'When all workers complete normally, supervisor shuts down automatically',
    input: batchInput,
    program: afterProgram,
    check: doneWhenWorkIsDone,
    expect: 'holds',
    semantics: ['current'],
    runtime,
  } satisfies Target<BatchInput>,
  {
    id: `${ID}/over`,
    title: 'auto_shutdown: :any_significant on an infrastructure supervisor',
    claim: 'If Cache restarts as :transient and exits :normal once, the WHOLE supervisor dies',
    input: infraInput,
    program: infraProgram(true),
    check: webServerKeepsServing,
    expect: 'fails',
    semantics: ['current'],
    runtime,
  } satisfies Target<InfraInput>,
  {
    id: `${ID}/better`,
    title: 'the same children without auto_shutdown (as written: MyApp.Cache still significant)',
    claim: 'Infrastructure supervisors should NOT auto-shutdown',
    input: infraInput,
    program: infraProgram(false),
    check: webServerKeepsServing,
    expect: 'fails',
    runtime,
  } satisfies Target<InfraInput>,
  {
    // Not a seed variant: the fix "better" means — no auto_shutdown *and* no significant child.
    id: `${ID}/better+no_significant`,
    title: 'the intended fix: no auto_shutdown and MyApp.Cache not significant',
    claim: 'Infrastructure supervisors should NOT auto-shutdown',
    input: infraInput,
    program: infraProgram(false, false),
    check: webServerKeepsServing,
    expect: 'holds',
    runtime,
  } satisfies Target<InfraInput>,
];
