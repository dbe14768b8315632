/**
 * Pattern 8 — Task.Supervisor.async_nolink for fault-tolerant task execution: the seed's four
 * examples, ported.
 *
 * Why (seed): "In a GenServer, you often want to spawn work that might fail without taking down the
 * server." / "async_nolink is for resilient, non-critical work. If the task's failure means your
 * GenServer's state is invalid, you want the link — let it crash and restart clean."
 *
 * - `MyApp.Enricher` before (`Task.async` + `Task.await(result, 5_000)` inside handle_call) and after
 *   (`Task.Supervisor.async_nolink`, `{:noreply, Map.put(state, task.ref, from)}`, the answer from
 *   handle_info). The enrichment API (support/taskServices.ts) answers each request with a generated
 *   status (200, 500, 503) after a generated latency; `HTTPClient.post!` raises on a failure status.
 *   Claim: *the GenServer survives a failing task and answers the caller* — every caller gets
 *   `{:ok, enriched}` or `{:error, reason}` and the Enricher process never exits. Before: the link
 *   takes the Enricher down with the task's exception and the caller's `GenServer.call` exits.
 * - `MyApp.CriticalPayment` over (async_nolink for a charge that should crash the server) and better
 *   (`Task.async` + `{:reply, Task.await(result), state}`), under a supervisor, with a payment
 *   gateway that approves or declines each card after a generated latency. Claim (the text's "let
 *   it crash and restart clean"): *an approved charge is answered with its receipt; a declined one
 *   crashes the payment server with the payment's error, so that its supervisor restarts it with a
 *   clean state* (the caller's call exits; a new server serves the next charge).
 *
 * Where the seed's example is not what OTP does: the over example's `handle_call` ends with
 * `task = Task.Supervisor.async_nolink(…)` and the comments "Now you have to manually handle the
 * failure…", so it returns the `%Task{}` struct itself. Real OTP (checked on Elixir 1.14 / OTP 25)
 * stops the server with `{:bad_return_value, %Task{…}}` on *every* charge and the caller's call
 * exits with `{{:bad_return_value, %Task{…}}, {GenServer, :call, …}}` — while the unlinked task
 * goes on and charges the card. The port keeps that code as it is; its counterexample shows exactly
 * this: the gateway charged the card, the caller got a crash instead of the receipt, and the
 * server's crash is the bad return value, not the payment's failure.
 */
import fc from 'fast-check';
import {
  GenServer,
  Pid,
  Ref,
  Supervisor,
  TMap,
  Task,
  TaskSupervisor,
  caught,
  demonitor,
  equals,
  exception,
  fails,
  format,
  holds,
  isTagged,
  match,
  receive,
  report,
  runProblem,
  sleep,
  spawn,
  spawnMonitor,
  t,
  trapExit,
  type CheckResult,
  type ErlModule,
  type From,
  type Outcome,
  type ProcessBody,
  type Target,
  type Term,
  type TermObject,
} from '../src/index.js';
import { serverAnswer } from '../models/p08-async-nolink.js';
import {
  chargeBang,
  enriched,
  postBang,
  receipt,
  startEnrichmentApi,
  startPaymentGateway,
  type ApiResponse,
  type CardOutcome,
} from './support/taskServices.js';

const ID = 'p08-async-nolink';
const TASK_SUPERVISOR = 'Elixir.MyApp.TaskSupervisor';
const ENRICHER = 'Elixir.MyApp.Enricher';
const CRITICAL_PAYMENT = 'Elixir.MyApp.CriticalPayment';
const show = (x: Term): string => format(x, { maxLength: 200 });

/** `Map.put/3` and `Map.pop/2` on an Elixir map with term keys. */
function mapPut(map: TMap, key: Term, value: Term): TMap {
  return new TMap([...map.entries.filter(([k]) => !equals(k, key)), [key, value]]);
}
function mapPop(map: TMap, key: Term): [Term, TMap] {
  const hit = map.entries.find(([k]) => equals(k, key));
  return [hit ? hit[1] : 'nil', new TMap(map.entries.filter(([k]) => !equals(k, key)))];
}

/** `use GenServer` with `start_link/1` registering the module's name. */
function namedServer(name: string, callbacks: Parameters<typeof GenServer.defmodule>[1]): ErlModule {
  const mod: ErlModule = GenServer.defmodule(name.replace(/^Elixir\./, ''), {
    ...callbacks,
    startLink: (arg: Term) => GenServer.startLink(mod, arg, { name }),
  });
  return mod;
}

/** `{Task.Supervisor, name: MyApp.TaskSupervisor}`. */
const taskSupervisorChild = (): Term => t(TaskSupervisor.TaskSupervisorModule, [t('name', TASK_SUPERVISOR)]);

// ------------------------------------------------------------------------------- MyApp.Enricher

/** before: the HTTP call runs in a linked task that handle_call awaits. */
const enricherBefore = (): ErlModule =>
  namedServer(ENRICHER, {
    init: () => t('ok', new TMap([])),
    *handleCall(request: Term, _from: From, state: Term) {
      const data = (request as Term[])[1]!;
      // If this HTTP call crashes, the entire GenServer dies!
      const result = yield* Task.async(() => postBang('/api/enrich', data));
      const enrichedData = yield* Task.await(result, 5_000);
      return t('reply', t('ok', enrichedData), state);
    },
  });

/** after: async_nolink, `{:noreply, Map.put(state, task.ref, from)}`, answers from handle_info. */
const enricherAfter = (): ErlModule =>
  namedServer(ENRICHER, {
    init: () => t('ok', new TMap([])),
    *handleCall(request: Term, from: From, state: TMap) {
      const data = (request as Term[])[1]!;
      const task = yield* TaskSupervisor.asyncNolink(TASK_SUPERVISOR, () => postBang('/api/enrich', data));
      return t('noreply', mapPut(state, task.ref, from));
    },
    *handleInfo(msg: Term, state: TMap) {
      if (isTagged(msg, 'DOWN', 5)) {
        // def handle_info({:DOWN, ref, :process, _pid, reason}, state)
        const [from, rest] = mapPop(state, msg[1]!);
        yield* GenServer.reply(from as From, t('error', msg[4]!));
        return t('noreply', rest);
      }
      // def handle_info({ref, result}, state)
      const [ref, result] = msg as unknown as Term[];
      yield* demonitor(ref as Ref, { flush: true });
      const [from, rest] = mapPop(state, ref!);
      yield* GenServer.reply(from as From, t('ok', result!));
      return t('noreply', rest);
    },
  });

interface EnrichRequest extends ApiResponse {
  /** When the caller sends `{:enrich, data}` (data = the request's index). */
  readonly at: number;
}

interface EnrichInput {
  readonly requests: EnrichRequest[];
}

const enrichInput: fc.Arbitrary<EnrichInput> = fc.record({
  requests: fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 2000 }),
      status: fc.oneof({ weight: 3, arbitrary: fc.constant<200>(200) }, { weight: 1, arbitrary: fc.constantFrom<500 | 503>(500, 503) }),
      latencyMs: fc.integer({ min: 0, max: 1500 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
});

/** Time after the last request by which every answer is due (the callers' 5 s call timeout). */
const CALL_TIMEOUT = 5000;

function enrichProgram(enricher: () => ErlModule, withTaskSupervisor: boolean) {
  return (input: EnrichInput): ProcessBody =>
    function* () {
      yield* trapExit(true);
      yield* startEnrichmentApi(input.requests);
      const Enricher = enricher();
      const children = withTaskSupervisor ? [taskSupervisorChild(), Enricher] : [Enricher];
      yield* Supervisor.startLink(children, { strategy: 'one_for_one' });
      yield* report('enricher.started', { pid: (yield* GenServer.whereis(ENRICHER))! });
      for (const [i, r] of input.requests.entries()) {
        yield* spawn(function* () {
          if (r.at > 0) yield* sleep(r.at);
          try {
            yield* report('client.answer', { i, answer: yield* GenServer.call(ENRICHER, t('enrich', i)) });
          } catch (e) {
            const ex = caught(e);
            if (ex.kind !== 'exit') throw e;
            yield* report('client.exit', { i, reason: ex.reason });
          }
        }, { label: `client${i}` });
      }
      yield* sleep(Math.max(...input.requests.map((r) => r.at)) + CALL_TIMEOUT + 100);
      yield* report('case.end', {});
    };
}

const httpError = (status: number): Term => t(exception('HTTPClient.Error', `POST /api/enrich failed with status ${status}`), []);

/** The Enricher survives every failing task and answers every caller (models/p08 serverAnswer). */
function survivesAndAnswers(o: Outcome<EnrichInput>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  let enricher: Pid | undefined;
  const answers = new Map<number, Term>();
  const exits = new Map<number, Term>();
  let died: { t: number; reason: Term } | undefined;
  for (const e of o.run.trace) {
    if (e.k === 'report' && e.name === 'case.end') break; // the root's exit then stops the application
    if (e.k === 'exit' && enricher && e.pid.id === enricher.id && !died) died = { t: e.t, reason: e.reason };
    if (e.k !== 'report') continue;
    const d = e.data as TermObject;
    if (e.name === 'enricher.started') enricher = d['pid'] as Pid;
    if (e.name === 'client.answer') answers.set(d['i'] as number, d['answer']!);
    if (e.name === 'client.exit') exits.set(d['i'] as number, d['reason']!);
  }
  if (!enricher) return fails('the Enricher did not start');
  const describe = (i: number) => {
    const r = o.input.requests[i]!;
    return `request ${i} (sent at ${r.at} ms; the API answers ${r.status} after ${r.latencyMs} ms)`;
  };
  for (const [i, r] of o.input.requests.entries()) {
    const want = serverAnswer(r.status !== 200) === 'ok' ? t('ok', enriched(i)) : t('error', httpError(r.status));
    if (exits.has(i)) {
      return fails(
        `${describe(i)}: the caller got no answer but exit ${show(exits.get(i)!)}${died ? `; the Enricher ${show(enricher)} had died at ${died.t} ms with ${show(died.reason)} — the failing task took the GenServer down through the link` : ''}`,
      );
    }
    const got = answers.get(i);
    if (got === undefined || !equals(got, want)) return fails(`${describe(i)}: the caller got ${got === undefined ? 'nothing' : show(got)}, expected ${show(want)}`);
  }
  if (died) return fails(`the Enricher ${show(enricher)} died at ${died.t} ms with ${show(died.reason)}`);
  return holds;
}

// ------------------------------------------------------------------------------- MyApp.CriticalPayment

/** over: the charge runs unlinked; handle_call ends with the `task = …` binding, as in the seed. */
const criticalPaymentOver = (): ErlModule =>
  namedServer(CRITICAL_PAYMENT, {
    init: () => t('ok', {}),
    *handleCall(request: Term, _from: From, _state: Term) {
      const card = (request as Term[])[1] as number;
      const task = yield* TaskSupervisor.asyncNolink(TASK_SUPERVISOR, () => chargeBang(card));
      // Now you have to manually handle the failure...
      // But if payment fails, maybe this GenServer SHOULD crash
      // to trigger a supervisor restart with clean state
      return task;
    },
  });

/** better: `result = Task.async(fn -> PaymentGateway.charge!(card) end); {:reply, Task.await(result), state}`. */
const criticalPaymentBetter = (): ErlModule =>
  namedServer(CRITICAL_PAYMENT, {
    init: () => t('ok', {}),
    *handleCall(request: Term, _from: From, state: Term) {
      const card = (request as Term[])[1] as number;
      const result = yield* Task.async(() => chargeBang(card));
      return t('reply', yield* Task.await(result), state);
    },
  });

interface Charge extends CardOutcome {
  /** Pause of the checkout before this charge. */
  readonly gapMs: number;
}

interface PaymentInput {
  /** Charged one after another by one checkout process; card `i` is charge `i`. */
  readonly charges: Charge[];
}

const paymentInput: fc.Arbitrary<PaymentInput> = fc.record({
  charges: fc.array(
    fc.record({ approved: fc.boolean(), latencyMs: fc.integer({ min: 0, max: 1000 }), gapMs: fc.integer({ min: 20, max: 500 }) }),
    // At most 3 failures keep the supervisor within its default intensity (3 restarts in 5 s).
    { minLength: 1, maxLength: 3 },
  ),
});

function paymentProgram(server: () => ErlModule) {
  return (input: PaymentInput): ProcessBody =>
    function* () {
      yield* trapExit(true);
      yield* startPaymentGateway(input.charges);
      yield* Supervisor.startLink([taskSupervisorChild(), server()], { strategy: 'one_for_one' });
      const [, checkout] = yield* spawnMonitor(function* () {
        for (const [card, c] of input.charges.entries()) {
          yield* sleep(c.gapMs);
          const servedBy = (yield* GenServer.whereis(CRITICAL_PAYMENT)) ?? 'nil';
          try {
            yield* report('charge.answer', { card, servedBy, answer: yield* GenServer.call(CRITICAL_PAYMENT, t('charge', card)) });
          } catch (e) {
            const ex = caught(e);
            if (ex.kind !== 'exit') throw e;
            yield* report('charge.exit', { card, servedBy, reason: ex.reason });
          }
        }
      }, { label: 'checkout' });
      yield* receive(match.down(checkout));
      yield* sleep(100);
      yield* report('case.end', { server: (yield* GenServer.whereis(CRITICAL_PAYMENT)) ?? 'nil' });
    };
}

/** The seed's over example returns the `%Task{}` from handle_call: say so when that is what killed the server. */
const badReturn = (reason: Term | undefined): string =>
  isTagged(reason, 'bad_return_value', 2) ? ' — handle_call returned the %Task{} itself (the example never replies), which OTP treats as a bad return value' : '';

const cardError = (card: number): Term => t(exception('PaymentGateway.CardError', `card ${card} declined`), []);

/** Approved → the receipt; declined → the server crashes with the payment's error and a fresh one takes over. */
function letItCrash(o: Outcome<PaymentInput>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const exits = new Map<number, Term>();
  const outcomes = new Map<number, { servedBy: Term; answer?: Term; exit?: Term }>();
  const charged = new Set<number>();
  let serverAtEnd: Term = 'nil';
  for (const e of o.run.trace) {
    if (e.k === 'exit') exits.set(e.pid.id, e.reason);
    if (e.k !== 'report') continue;
    const d = e.data as TermObject;
    if (e.name === 'service.request' && isTagged(d['reply'], 'ok', 2)) charged.add(((d['request'] as Term[])[1] as number));
    if (e.name === 'charge.answer') outcomes.set(d['card'] as number, { servedBy: d['servedBy']!, answer: d['answer']! });
    if (e.name === 'charge.exit') outcomes.set(d['card'] as number, { servedBy: d['servedBy']!, exit: d['reason']! });
    if (e.name === 'case.end') serverAtEnd = d['server']!;
  }
  for (const [card, c] of o.input.charges.entries()) {
    const seen = outcomes.get(card);
    if (!seen) return fails(`charge ${card} never returned`);
    const next = outcomes.get(card + 1)?.servedBy ?? serverAtEnd;
    const server = seen.servedBy;
    const serverExit = server instanceof Pid ? exits.get(server.id) : undefined;
    const what = `charge ${card} (the gateway ${c.approved ? 'approves' : 'declines'} it after ${c.latencyMs} ms)`;
    if (c.approved) {
      if (seen.answer === undefined || !equals(seen.answer, receipt(card))) {
        return fails(
          `${what}: the caller got ${seen.answer !== undefined ? show(seen.answer) : `exit ${show(seen.exit!)}`} instead of the receipt ${show(receipt(card))}${charged.has(card) ? ', yet the gateway charged the card' : ''}${serverExit !== undefined ? `; the payment server died with ${show(serverExit)}${badReturn(serverExit)}` : ''}`,
        );
      }
      continue;
    }
    // Declined: the server must crash with the payment's own error and be replaced by a clean one.
    if (seen.exit === undefined) return fails(`${what}: the caller got ${show(seen.answer!)}; the failed payment should have crashed the server`);
    if (serverExit === undefined || !equals(serverExit, cardError(card))) {
      return fails(
        `${what}: the payment server ${serverExit === undefined ? 'survived' : `crashed with ${show(serverExit)}`}${badReturn(serverExit)}; the payment's failure ${show(cardError(card))} should crash it (the link) so that it restarts clean`,
      );
    }
    if (!(next instanceof Pid) || equals(next, server)) return fails(`${what}: the crashed server was not replaced by a fresh one (found ${show(next)})`);
  }
  return holds;
}

const enricherClaim = 'In a GenServer, you often want to spawn work that might fail without taking down the server';
const paymentClaim = "If the task's failure means your GenServer's state is invalid, you want the link — let it crash and restart clean";
const runtime = { maxTime: 60_000 };

export const variants: Array<Target<EnrichInput> | Target<PaymentInput>> = [
  {
    id: `${ID}/before`,
    title: 'Enricher with Task.async + await in handle_call: does it survive a failing API call?',
    claim: enricherClaim,
    input: enrichInput,
    program: enrichProgram(enricherBefore, false),
    check: survivesAndAnswers,
    expect: 'fails',
    runtime,
  },
  {
    id: `${ID}/after`,
    title: 'Enricher with async_nolink answers every caller and survives failing API calls',
    claim: enricherClaim,
    input: enrichInput,
    program: enrichProgram(enricherAfter, true),
    check: survivesAndAnswers,
    expect: 'holds',
    runtime,
  },
  {
    id: `${ID}/over`,
    title: 'CriticalPayment with async_nolink: a failed charge does not crash the server (and the example returns the %Task{})',
    claim: paymentClaim,
    input: paymentInput,
    program: paymentProgram(criticalPaymentOver),
    check: letItCrash,
    expect: 'fails',
    runtime,
  },
  {
    id: `${ID}/better`,
    title: 'CriticalPayment with Task.async: receipts are answered, a failed charge crashes the server, which restarts clean',
    claim: paymentClaim,
    input: paymentInput,
    program: paymentProgram(criticalPaymentBetter),
    check: letItCrash,
    expect: 'holds',
    runtime,
  },
];
