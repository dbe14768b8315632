/**
 * Pattern 15 — GenServer.reply/2 for deferred responses.
 *
 * Why (seed): "Three use cases (from the source): Reply before returning (response known, but need
 * to do cleanup after); Reply after returning (response not yet available, computed
 * asynchronously); Reply from another process (delegate work to a task). This enables
 * non-blocking request handling in GenServers that would otherwise be bottlenecked."
 *
 * A command-sequence property: clients make generated calls to one server; each call's request
 * says how the server answers it — `GenServer.reply/2` inside handle_call then more work, a
 * `Process.send_after` to itself answered from handle_info (the source's own example), a Task
 * that replies after a delay, a `{:reply, …}` return — several of them (duplicates), or none.
 * Checked against models/p15-deferred-reply.ts (processes.md §3.2.3–§3.2.5, §3.3.2):
 * - a call returns the first reply sent to its `from`, by any process, if it arrives before the
 *   caller gives up; otherwise the caller exits `:timeout` (either near the deadline);
 * - a reply that arrives after a finite-timeout caller deactivated its alias (time-out or an
 *   earlier reply) is dropped before the mailbox; a timed-out call never gets a reply queued; an
 *   `:infinity` call has no alias, so its duplicates are queued; clients end with nothing else in
 *   their mailboxes;
 * - while replies are deferred the server keeps serving: every request is taken from its mailbox
 *   as soon as it arrives, and every deferred reply leaves after its own delay.
 */
import fc from 'fast-check';
import {
  GenServer,
  Improper,
  Pid,
  Ref,
  Task,
  Tuple,
  caught,
  fails,
  format,
  holds,
  isTagged,
  processInfo,
  report,
  runProblem,
  self,
  sendAfter,
  sleep,
  spawn,
  t,
  type CheckResult,
  type Op,
  type Outcome,
  type Target,
  type Term,
  type TermObject,
  type TraceEvent,
} from '../src/index.js';
import { acceptableResults, replyQueued, type CallTimeout } from '../models/p15-deferred-reply.js';

// ------------------------------------------------------------------------------- the input

/** One way the server answers: at once inside handle_call, from a timer, or from a task. */
export interface Replier {
  readonly how: 'reply_now' | 'timer' | 'task';
  readonly afterMs: number;
}

export interface CallPlan {
  /** Virtual ms the client waits before making the call. */
  readonly waitMs: number;
  readonly timeout: CallTimeout;
  /** Run in order inside handle_call. */
  readonly deferred: readonly Replier[];
  /** handle_call returns `{:reply, …}` (else `{:noreply, …}`). */
  readonly returns: boolean;
}

export interface DeferredCase {
  readonly clients: ReadonlyArray<readonly CallPlan[]>;
}

const delayAround = (timeout: CallTimeout): fc.Arbitrary<number> =>
  timeout === 'infinity'
    ? fc.integer({ min: 0, max: 1500 })
    : fc.oneof(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: -4, max: 4 }).map((d) => Math.max(0, timeout + d)));

const replier = (timeout: CallTimeout): fc.Arbitrary<Replier> =>
  fc.oneof(
    fc.record({ how: fc.constantFrom('timer' as const, 'task' as const), afterMs: delayAround(timeout) }),
    fc.constant<Replier>({ how: 'reply_now', afterMs: 0 }),
  );

const callPlan: fc.Arbitrary<CallPlan> = fc
  .oneof(fc.integer({ min: 0, max: 1200 }), fc.constant<CallTimeout>('infinity'))
  .chain((timeout) =>
    fc.record({
      waitMs: fc.integer({ min: 0, max: 300 }),
      timeout: fc.constant(timeout),
      deferred: fc.array(replier(timeout), { maxLength: 2 }),
      returns: fc.boolean(),
    }),
  )
  // An :infinity call that nobody answers would wait forever.
  .map((c) => (c.timeout === 'infinity' && c.deferred.length === 0 ? { ...c, returns: true } : c));

export const deferredCase: fc.Arbitrary<DeferredCase> = fc.record({
  clients: fc.array(fc.array(callPlan, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
});

// ------------------------------------------------------------------------------- the program

/** When clients report their final mailboxes: after every reply of every call has been sent. */
const HORIZON_MS = 20_000;
/** How far a race may blur the model's timing (signals and steps lag the clock by ≤ maxDelay each). */
const SLACK_MS = 20;

const callId = (client: number, i: number) => client * 10 + i;
const replyValue = (id: number, k: number) => t('v', id, k);

/** The server: answers each request as its plan says (the request carries the plan). */
const Server = GenServer.defmodule('Deferred.Server', {
  init: () => t('ok', 'nil'),
  *handleCall(request: Term, from, state: Term): Op<Term> {
    const [, id, plan] = request as [string, number, CallPlan];
    for (const [k, r] of plan.deferred.entries()) {
      const value = replyValue(id, k);
      if (r.how === 'reply_now') yield* GenServer.reply(from, value);
      // The source's example: Process.send_after(self(), {:reply, from}, ms), answered in handle_info.
      if (r.how === 'timer') yield* sendAfter(yield* self(), t('reply_later', from, value), r.afterMs);
      if (r.how === 'task') {
        yield* Task.start(function* () {
          yield* sleep(r.afterMs);
          return yield* GenServer.reply(from, value);
        });
      }
    }
    return plan.returns ? t('reply', replyValue(id, plan.deferred.length), state) : t('noreply', state);
  },
  *handleInfo(msg: Term, state: Term): Op<Term> {
    if (isTagged(msg, 'reply_later', 3)) yield* GenServer.reply(msg[1] as Tuple, msg[2]!);
    return t('noreply', state);
  },
});

function* client(server: Pid, index: number, calls: readonly CallPlan[]): Op<void> {
  for (const [i, plan] of calls.entries()) {
    const id = callId(index, i);
    if (plan.waitMs > 0) yield* sleep(plan.waitMs);
    yield* report('call.start', { id });
    try {
      const reply = yield* GenServer.call(server, t('req', id, plan as unknown as Term), plan.timeout);
      yield* report('call.result', { id, reply });
    } catch (e) {
      const c = caught(e);
      if (c.kind !== 'exit') throw e;
      yield* report('call.result', { id, exit: c.reason });
    }
  }
  yield* sleep(HORIZON_MS);
  yield* report('client.mailbox', { messages: (yield* processInfo(yield* self(), 'messages')) ?? [] });
}

export function deferredProgram(c: DeferredCase) {
  return function* (): Op<void> {
    const started = yield* GenServer.start(Server, 'nil');
    if (!isTagged(started, 'ok', 2)) return;
    const server = started[1] as Pid;
    for (const [i, calls] of c.clients.entries()) yield* spawn(() => client(server, i, calls), { label: `client${i}` });
  };
}

// ------------------------------------------------------------------------------- the check

interface Sighting {
  readonly k: number;
  readonly t: number;
  readonly index: number;
}

interface CallFacts {
  readonly id: number;
  readonly plan: CallPlan;
  start: number;
  result: TermObject | undefined;
  /** The monitor/alias ref of the call, from its `$gen_call` request. */
  mref: Ref | undefined;
  /** Server: when the request arrived and when it was taken from the mailbox. */
  arrived: number | undefined;
  taken: number | undefined;
  /** Trace index of the caller's first demonitor of `mref` (which deactivates the alias). */
  deactivatedAt: number;
  /** Reply sends, in send order. */
  readonly sends: Sighting[];
  /** Replies queued in the caller's mailbox (deliver events). */
  readonly queued: Sighting[];
}

/** `{:v, id, k}` → the call id and reply index. */
function valueOf(v: Term | undefined): { id: number; k: number } | undefined {
  return v !== undefined && isTagged(v, 'v', 3) ? { id: v[1] as number, k: v[2] as number } : undefined;
}

/** The call id and reply index of a reply message `{tag, {:v, id, k}}`, if it is one. */
function replyOf(msg: Term): { id: number; k: number } | undefined {
  return msg instanceof Tuple && msg.length === 2 ? valueOf(msg[1]) : undefined;
}

function requestOf(msg: Term): { id: number; mref: Ref | undefined } | undefined {
  if (!isTagged(msg, '$gen_call', 3) || !isTagged(msg[2]!, 'req', 3)) return undefined;
  const tag = (msg[1] as Tuple)[1];
  const mref = tag instanceof Improper ? (tag.tail as Ref) : tag instanceof Ref ? tag : undefined;
  return { id: (msg[2] as Tuple)[1] as number, mref };
}

function collectFacts(o: Outcome<DeferredCase>): Map<number, CallFacts> {
  const facts = new Map<number, CallFacts>();
  o.input.clients.forEach((calls, ci) =>
    calls.forEach((plan, i) => {
      const id = callId(ci, i);
      facts.set(id, { id, plan, start: NaN, result: undefined, mref: undefined, arrived: undefined, taken: undefined, deactivatedAt: Infinity, sends: [], queued: [] });
    }),
  );
  o.run.trace.forEach((e: TraceEvent, index) => {
    if (e.k === 'report' && (e.name === 'call.start' || e.name === 'call.result')) {
      const d = e.data as TermObject;
      const f = facts.get(d['id'] as number)!;
      if (e.name === 'call.start') f.start = e.t;
      else f.result = d;
      return;
    }
    if (e.k === 'demonitor') {
      for (const f of facts.values()) if (f.mref?.id === e.ref.id && f.deactivatedAt === Infinity) f.deactivatedAt = index;
      return;
    }
    if (e.k !== 'send' && e.k !== 'deliver' && e.k !== 'receive') return;
    const req = requestOf(e.msg);
    const f = req && facts.get(req.id);
    if (f && e.k === 'send') f.mref = req.mref;
    if (f && e.k === 'deliver') f.arrived = e.t;
    if (f && e.k === 'receive') f.taken = e.t;
    const r = replyOf(e.msg);
    const g = r && facts.get(r.id);
    if (g && e.k === 'send') g.sends.push({ k: r.k, t: e.t, index });
    if (g && e.k === 'deliver') g.queued.push({ k: r.k, t: e.t, index });
  });
  return facts;
}

const describePlan = (p: CallPlan) =>
  `timeout ${p.timeout}, repliers [${[...p.deferred.map((r) => (r.how === 'reply_now' ? 'GenServer.reply at once' : `${r.how} after ${r.afterMs} ms`)), ...(p.returns ? ['{:reply, …} return'] : [])].join(', ')}]`;

/** One call against the model; null if it conforms. */
function checkCall(f: CallFacts): string | null {
  const who = `call #${f.id} (${describePlan(f.plan)}) made at ${f.start} ms`;
  if (!f.result) return `${who} never returned`;
  const sentAfter = f.sends.map((s) => s.t - f.start);
  const acceptable = acceptableResults(f.plan.timeout, sentAfter, SLACK_MS);
  const first = f.sends[0];
  if ('reply' in f.result) {
    const got = valueOf(f.result['reply']);
    if (!first || !got || got.k !== first.k) {
      return `${who} returned ${format(f.result['reply']!)}, but the first reply sent was ${first ? format(replyValue(f.id, first.k)) : 'none'} (§3.3.2: the call gets the first reply)`;
    }
    if (!acceptable.some((r) => r.kind === 'reply')) return `${who} returned a reply sent ${sentAfter[0]} ms after the call, past its timeout (§3.2.4)`;
  } else {
    const reason = f.result['exit']!;
    if (!acceptable.some((r) => r.kind === 'timeout')) {
      return `${who} exited ${format(reason)}, but its first reply was sent ${sentAfter[0]} ms after the call, well within the timeout`;
    }
    if (!isTagged(reason, 'timeout', 2)) return `${who} exited ${format(reason)}, expected {:timeout, {GenServer, :call, …}}`;
    if (f.queued.length > 0) {
      return `${who} timed out, yet its reply ${format(replyValue(f.id, f.queued[0]!.k))} (sent at ${f.sends.find((s) => s.k === f.queued[0]!.k)?.t} ms) reached the caller's mailbox at ${f.queued[0]!.t} ms: late replies must be dropped (§3.2.5)`;
    }
  }
  for (const q of f.queued) {
    if (!replyQueued(f.plan.timeout, q.index < f.deactivatedAt)) {
      return `${who}: reply ${format(replyValue(f.id, q.k))} reached the caller's mailbox at ${q.t} ms, after the caller had deactivated the call's alias (§3.2.5)`;
    }
  }
  return null;
}

/** The server took each request at once, and each deferred reply left after its own delay. */
function checkServing(f: CallFacts): string | null {
  if (f.arrived === undefined || f.taken === undefined) return null;
  if (f.taken - f.arrived > SLACK_MS) {
    return `call #${f.id}'s request reached the server at ${f.arrived} ms but was taken only at ${f.taken} ms: the server was blocked while replies were deferred`;
  }
  for (const [k, r] of f.plan.deferred.entries()) {
    const sent = f.sends.find((s) => s.k === k);
    if (r.how === 'reply_now' || !sent) continue;
    const late = sent.t - f.taken - r.afterMs;
    if (late < 0 || late > SLACK_MS) {
      return `call #${f.id}: the ${r.how} reply due ${r.afterMs} ms after the request was taken (${f.taken} ms) left at ${sent.t} ms`;
    }
  }
  return null;
}

/** Every message left in a client's mailbox is a reply the model allows to stay. */
function checkMailboxes(o: Outcome<DeferredCase>, facts: Map<number, CallFacts>): string | null {
  for (const e of o.run.trace) {
    if (e.k !== 'report' || e.name !== 'client.mailbox') continue;
    for (const m of (e.data as TermObject)['messages'] as Term[]) {
      const r = replyOf(m);
      const f = r && facts.get(r.id);
      const q = f?.queued.find((x) => x.k === r!.k);
      if (!f || !q || !replyQueued(f.plan.timeout, q.index < f.deactivatedAt)) return `${e.pid} ended with ${format(m)} in its mailbox`;
    }
  }
  return null;
}

export function deferredMatchesModel(o: Outcome<DeferredCase>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const facts = collectFacts(o);
  for (const f of facts.values()) {
    const problem = checkCall(f) ?? checkServing(f);
    if (problem) return fails(problem);
  }
  const left = checkMailboxes(o, facts);
  return left ? fails(left) : holds;
}

export const properties: Target<DeferredCase>[] = [
  {
    id: 'p15-deferred-reply:first-reply-wins',
    title: 'a call gets the first reply sent by any process; late replies never reach the mailbox; the server keeps serving',
    claim: 'This enables non-blocking request handling in GenServers that would otherwise be bottlenecked',
    input: deferredCase,
    program: deferredProgram,
    check: deferredMatchesModel,
    catches: ['late-reply-delivered'],
  },
];

