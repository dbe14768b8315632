/**
 * Pattern 5 — Restart values (`:permanent` / `:transient` / `:temporary`): the seed's four
 * examples, ported.
 *
 * Why (seed): ":permanent is the safe default for anything that should 'always be running.' Only
 * use :transient for processes that have a valid 'done' state, and :temporary for truly one-shot
 * work." Anti-pattern: "Making everything :permanent. If a one-shot task keeps restarting, it'll
 * trigger restart intensity limits and take down the supervisor."
 *
 * - before / after are judged by the claim the text makes about them: *a one-shot task is not
 *   restarted forever* — each batch's work runs at most once. After adds the text's second claim
 *   for `MyApp.ConnectionWorker` (`use GenServer, restart: :transient`): *restarted on a crash, not
 *   after a graceful `disconnect/1`* (rule 37).
 * - over / better (`MyApp.PaymentProcessor`) are judged by "If this crashes, it stays dead!
 *   Payments stop working silently!": *after the processor crashes, payments work again — or the
 *   failure escalates visibly (the supervisor exits)*.
 *
 * **The "before" example is wrong about OTP, and the scenario shows what really happens.** Its
 * comment says "Everything is :permanent (default) — tasks restart forever … Task exits :normal...
 * and gets restarted by supervisor!". But `Task.start_link/1` called inside `handle_cast/2` starts
 * a task linked to the BatchProcessor and supervised by nobody: when it exits `:normal` nothing
 * happens at all (checked with Elixir 1.14: each of three batches ran exactly once, the supervisor
 * still had one child). And had the task been a supervisor child, `Task`'s child spec is
 * `restart: :temporary` (task.ex:327, which the seed itself quotes; supervision.md rule 19). So
 * the claim holds for "before" too (`expect: 'holds'`). What does happen is a different hazard:
 * a batch that *crashes* takes the BatchProcessor down through the link; the supervisor restarts
 * the processor (it is `:permanent`) and the batches still queued in its mailbox are lost (visible
 * in the trace as batches that never ran) — but that is not what the text claims.
 *
 * The glue the examples leave out: `MyApp.BatchProcessor` registers under its module name (the
 * usual `start_link/1`); batches are cast to it at their arrival times; `process_batch/1` takes the
 * batch's generated time and may raise. In "after", BatchTasks are started under a
 * DynamicSupervisor (`DynamicSupervisor.start_child(MyApp.BatchSupervisor, {MyApp.BatchTask,
 * batch})`) next to the ConnectionWorker. `MyApp.PaymentProcessor`'s body is a `{:charge,
 * amount}` call that charges a simulated payment gateway over HTTP (scenarios/support/services.ts)
 * and crashes when the gateway fails, as a `charge!` would.
 */
import fc from 'fast-check';
import {
  DynamicSupervisor,
  GenServer,
  Pid,
  Supervisor,
  TIMEOUT,
  Task,
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
  send,
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
} from '../src/index.js';
import { onChildExit } from '../models/p05-restart-values.js';
import { getBang, httpService, type Outage } from './support/services.js';

const ID = 'p05-restart-values';

// ------------------------------------------------------------------------------- before / after

interface Batch {
  readonly id: number;
  readonly arriveAt: number;
  readonly workMs: number;
  readonly crashes: boolean;
}

type ConnectionEvent = { readonly at: number; readonly kind: 'disconnect' | 'crash' };

interface BatchInput {
  readonly batches: Batch[];
  readonly connection: ConnectionEvent[];
}

/** `process_batch(batch)`: takes the batch's time; a bad batch raises. */
function* processBatch(batch: Batch): Op<Term> {
  yield* report('batch.run', { id: batch.id });
  yield* sleep(batch.workMs);
  if (batch.crashes) return raise('RuntimeError', `batch ${batch.id} is corrupt`);
  yield* report('batch.done', { id: batch.id });
  return 'ok';
}

/** Before: `Task.start_link(fn -> process_batch(batch) end)` inside `handle_cast/2`. */
function batchProcessorBefore(): ErlModule {
  const mod: ErlModule = GenServer.defmodule('MyApp.BatchProcessor', {
    init: (arg: Term) => t('ok', arg),
    *handleCast(msg: Term, state: Term): Op<Term> {
      if (isTagged(msg, 'process', 2)) {
        const batch = msg[1] as unknown as Batch;
        yield* Task.startLink(() => processBatch(batch));
        // Task exits :normal... and gets restarted by supervisor!
      }
      return t('noreply', state);
    },
    startLink: (arg: Term) => GenServer.startLink(mod, arg, { name: 'MyApp.BatchProcessor' }),
  });
  return mod;
}

/** After: `use Task, restart: :temporary` with `start_link(batch)` and `run(batch)`. */
function batchTask(): ErlModule {
  return Task.defmodule('MyApp.BatchTask', { run: (batch: Term) => processBatch(batch as unknown as Batch) }, { restart: 'temporary' });
}

/** After: `use GenServer, restart: :transient`; `disconnect(pid)` is `GenServer.stop(pid, :normal)`. */
function connectionWorker(): ErlModule {
  return GenServer.defmodule(
    'MyApp.ConnectionWorker',
    {
      init: (arg: Term) => t('ok', arg),
      handleInfo(msg: Term, state: Term): Term {
        if (msg === 'socket_error') return raise('RuntimeError', 'socket closed unexpectedly');
        return t('noreply', state);
      },
    },
    { restart: 'transient' },
  );
}

function disconnect(pid: Pid): Op<'ok'> {
  return GenServer.stop(pid, 'normal'); // Won't trigger restart
}

function appSupervisor(children: Term[]): ErlModule {
  return Supervisor.defmodule('MyApp.Supervisor', {
    *init() {
      return yield* Supervisor.init(children, { strategy: 'one_for_one' });
    },
  });
}

function horizonOf(input: BatchInput): number {
  return Math.max(0, ...input.batches.map((b) => b.arriveAt + b.workMs), ...input.connection.map((c) => c.at)) + 1000;
}

/** Sends every batch at its arrival time, through `deliver`. */
function* feedBatches(batches: readonly Batch[], deliver: (b: Batch) => Op<void>): Op<void> {
  for (const b of [...batches].sort((x, y) => x.arriveAt - y.arriveAt || x.id - y.id)) {
    const wait = b.arriveAt - (yield* now());
    if (wait > 0) yield* sleep(wait);
    yield* deliver(b);
  }
}

function beforeProgram(input: BatchInput) {
  return function* (): Op<void> {
    yield* trapExit(true);
    const started = yield* Supervisor.startLink(appSupervisor([batchProcessorBefore()]), 'nil');
    yield* report('case.start', { result: started });
    if (!isTagged(started, 'ok', 2)) return;
    yield* feedBatches(input.batches, function* (b) {
      yield* GenServer.cast('MyApp.BatchProcessor', t('process', b as unknown as Term));
    });
    yield* sleep(Math.max(0, horizonOf(input) - (yield* now())));
    yield* report('case.end', {});
  };
}

function afterProgram(input: BatchInput) {
  return function* (): Op<void> {
    yield* trapExit(true);
    const worker = connectionWorker();
    const task = batchTask();
    const batchSup = DynamicSupervisor.childSpecFor({ name: 'MyApp.BatchSupervisor', strategy: 'one_for_one' });
    const started = yield* Supervisor.startLink(appSupervisor([worker, batchSup]), 'nil', { name: 'MyApp.Supervisor' });
    yield* report('case.start', { result: started });
    if (!isTagged(started, 'ok', 2)) return;
    yield* spawn(
      () =>
        feedBatches(input.batches, function* (b) {
          yield* DynamicSupervisor.startChild('MyApp.BatchSupervisor', t(task, b as unknown as Term));
        }),
      { label: 'batches' },
    );
    for (const ev of [...input.connection].sort((a, b) => a.at - b.at)) {
      const wait = ev.at - (yield* now());
      if (wait > 0) yield* sleep(wait);
      const pid = ((yield* Supervisor.whichChildren('MyApp.Supervisor')).find((c) => (c as Term[])[0] === worker) as Term[] | undefined)?.[1];
      if (!(pid instanceof Pid)) continue;
      if (ev.kind === 'crash') {
        yield* send(pid, 'socket_error');
        yield* report('connection.event', { kind: ev.kind, pid });
        continue;
      }
      try {
        yield* disconnect(pid);
        yield* report('connection.event', { kind: ev.kind, pid });
      } catch (e) {
        // GenServer.stop exits when the worker died otherwise first (a crash sent just before).
        const c = caught(e);
        yield* report('connection.disconnect_missed', { reason: c.kind === 'exit' ? c.reason : 'error' });
      }
    }
    yield* sleep(Math.max(0, horizonOf(input) - (yield* now())));
    const entry = (yield* Supervisor.whichChildren('MyApp.Supervisor')).find((c) => (c as Term[])[0] === worker) as Term[] | undefined;
    yield* report('case.end', { connection: entry ? (entry[1] instanceof Pid ? 'running' : entry[1]!) : 'none' });
  };
}

function countBy(o: Outcome<unknown>, name: string): Map<number, number> {
  const n = new Map<number, number>();
  for (const e of o.run.trace) if (e.k === 'report' && e.name === name) n.set((e.data as TermObject)['id'] as number, (n.get((e.data as TermObject)['id'] as number) ?? 0) + 1);
  return n;
}

/** "A one-shot task is not restarted forever": no batch's work runs twice. */
function batchesRunOnce(o: Outcome<BatchInput>): CheckResult {
  const runs = countBy(o, 'batch.run');
  for (const [id, n] of runs) if (n > 1) return fails(`batch ${id}'s work ran ${n} times: a one-shot task was restarted`);
  return holds;
}

function beforeCheck(o: Outcome<BatchInput>): CheckResult {
  return batchesRunOnce(o);
}

/** After: every batch runs exactly once; the ConnectionWorker follows rule 37. */
function afterCheck(o: Outcome<BatchInput>): CheckResult {
  const once = batchesRunOnce(o);
  if (!once.ok) return once;
  const runs = countBy(o, 'batch.run');
  const lost = o.input.batches.filter((b) => !runs.has(b.id)).map((b) => b.id);
  if (lost.length > 0) return fails(`batches ${lost.join(', ')} never ran`);
  // The connection: restarted after a crash, left stopped after a graceful disconnect (rule 37).
  let last: ConnectionEvent['kind'] | undefined;
  for (const e of o.run.trace) if (e.k === 'report' && e.name === 'connection.event') last = (e.data as TermObject)['kind'] as ConnectionEvent['kind'];
  const end = o.run.trace.find((e) => e.k === 'report' && e.name === 'case.end') as { data: TermObject } | undefined;
  const state = end?.data['connection'];
  const expected = last === undefined ? 'running' : onChildExit('transient', last === 'disconnect' ? 'normal' : 'boom').action === 'restart' ? 'running' : 'undefined';
  if (state !== expected) {
    return fails(`MyApp.ConnectionWorker (:transient) is ${format(state ?? 'nil')} at the end after its last event ${last ?? '(none)'}; expected ${expected === 'running' ? 'a restarted worker' : 'no restart after a graceful disconnect'}`);
  }
  return holds;
}

const batchInput: fc.Arbitrary<BatchInput> = fc.record({
  batches: fc
    .array(
      fc.record({
        arriveAt: fc.integer({ min: 0, max: 3000 }),
        workMs: fc.integer({ min: 1, max: 500 }),
        crashes: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      }),
      { minLength: 1, maxLength: 6 },
    )
    .map((bs) => bs.map((b, i) => ({ id: i + 1, ...b }))),
  connection: fc.array(fc.record({ at: fc.integer({ min: 0, max: 3000 }), kind: fc.constantFrom<'disconnect' | 'crash'>('crash', 'disconnect') }), { maxLength: 2 }),
});

// ------------------------------------------------------------------------------- over / better

interface PaymentInput {
  readonly outages: Outage[];
  readonly latencyMs: number;
}

const PAYMENT_EVERY_MS = 250;

/** `MyApp.PaymentProcessor`: `use GenServer, restart: …`; a charge crashes when the gateway fails. */
function paymentProcessor(restart: 'temporary' | 'permanent'): ErlModule {
  const mod: ErlModule = GenServer.defmodule(
    'MyApp.PaymentProcessor',
    {
      init: (arg: Term) => t('ok', arg),
      *handleCall(request: Term, _from, state: Term): Op<Term> {
        if (isTagged(request, 'charge', 2)) {
          yield* getBang('gateway', '/v1/charges'); // raises when the gateway fails
          return t('reply', 'ok', state);
        }
        return t('reply', t('error', 'unknown'), state);
      },
      startLink: (arg: Term) => GenServer.startLink(mod, arg, { name: 'MyApp.PaymentProcessor' }),
    },
    { restart },
  );
  return mod;
}

function paymentHorizon(input: PaymentInput): number {
  return Math.max(3000, ...input.outages.map((o) => o.at + o.durationMs)) + 2000;
}

function paymentProgram(restart: 'temporary' | 'permanent') {
  return (input: PaymentInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      yield* GenServer.start(httpService({ outages: input.outages, latencyMs: input.latencyMs }), 'nil', { name: 'gateway' });
      const started = yield* Supervisor.startLink(appSupervisor([paymentProcessor(restart)]), 'nil');
      yield* report('case.start', { result: started });
      if (!isTagged(started, 'ok', 2)) return;
      const sup = started[1] as Pid;
      const horizon = paymentHorizon(input);
      // A customer pays every 250 ms.
      for (let n = 1; (yield* now()) + PAYMENT_EVERY_MS <= horizon; n++) {
        const down = yield* receive(match.exit(sup), { after: PAYMENT_EVERY_MS });
        if (down !== TIMEOUT) {
          yield* report('case.end', { supervisor: t('exited', down[2]!) });
          return;
        }
        let result: Term;
        try {
          result = yield* GenServer.call('MyApp.PaymentProcessor', t('charge', n * 100));
        } catch (e) {
          const c = caught(e);
          result = c.kind === 'exit' ? t('exit', c.reason) : t(c.kind, 'error');
        }
        yield* report('payment', { n, result });
      }
      yield* report('case.end', { supervisor: 'alive' });
    };
}

/** "Payments stop working silently" must not happen: after the last outage, payments succeed — or the tree escalated. */
function paymentsRecover(o: Outcome<PaymentInput>): CheckResult {
  const end = o.run.trace.find((e) => e.k === 'report' && e.name === 'case.end') as { data: TermObject } | undefined;
  if (!end) return fails('the scenario did not finish');
  if (end.data['supervisor'] !== 'alive') return holds; // escalated: the failure is loud
  const lastOutageEnd = Math.max(0, ...o.input.outages.map((x) => x.at + x.durationMs));
  const payments = o.run.trace.filter((e) => e.k === 'report' && e.name === 'payment') as Array<{ t: number; data: TermObject }>;
  const late = payments.filter((p) => p.t >= lastOutageEnd + 500);
  const failed = late.filter((p) => p.data['result'] !== 'ok');
  if (failed.length === 0) return holds;
  const crash = o.run.trace.find((e) => e.k === 'report' && e.name === 'supervisor.child_terminated');
  const first = failed[0]!;
  return fails(
    `the gateway failed ${o.input.outages.map((x) => `from ${x.at} to ${x.at + x.durationMs} ms`).join(' and ')}; MyApp.PaymentProcessor crashed${crash ? ` at ${crash.t} ms` : ''} and was not restarted, so ${failed.length} payment(s) after the gateway was back failed (the first at ${first.t} ms: ${format(first.data['result']!, { maxLength: 80 })}) while MyApp.Supervisor kept running — payments stopped silently`,
  );
}

const paymentInput: fc.Arbitrary<PaymentInput> = fc.record({
  outages: fc.array(fc.record({ at: fc.integer({ min: 0, max: 4000 }), durationMs: fc.integer({ min: 50, max: 1500 }) }), { minLength: 1, maxLength: 2 }),
  latencyMs: fc.integer({ min: 0, max: 50 }),
});

const runtime = { maxSteps: 300_000, maxTime: 60_000 };

export const variants: AnyTarget[] = [
  {
    id: `${ID}/before`,
    title: 'Task.start_link inside handle_cast: is a finished batch task restarted?',
    claim: 'Task exits :normal... and gets restarted by supervisor! (wrong: it is supervised by nobody)',
    input: batchInput,
    program: beforeProgram,
    check: beforeCheck,
    expect: 'holds',
    runtime,
  } satisfies Target<BatchInput>,
  {
    id: `${ID}/after`,
    title: 'BatchTask (:temporary) runs once; ConnectionWorker (:transient) restarts on crash, not on disconnect',
    claim: "Don't restart completed tasks; restart on crash, not graceful disconnect",
    input: batchInput,
    program: afterProgram,
    check: afterCheck,
    expect: 'holds',
    runtime,
  } satisfies Target<BatchInput>,
  {
    id: `${ID}/over`,
    title: 'a :temporary PaymentProcessor stays dead after a crash',
    claim: 'If this crashes, it stays dead! Payments stop working silently!',
    input: paymentInput,
    program: paymentProgram('temporary'),
    check: paymentsRecover,
    expect: 'fails',
    runtime,
  } satisfies Target<PaymentInput>,
  {
    id: `${ID}/better`,
    title: 'a :permanent PaymentProcessor is restarted and payments work again',
    claim: "Critical services should always restart — that's the whole point",
    input: paymentInput,
    program: paymentProgram('permanent'),
    check: paymentsRecover,
    expect: 'holds',
    runtime,
  } satisfies Target<PaymentInput>,
];
