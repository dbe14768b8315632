/**
 * Pattern 15 — GenServer.reply/2 for deferred responses: the seed's four examples, ported.
 *
 * Why (seed): "reply/2 enables non-blocking GenServers for expensive operations. For cheap
 * operations, it adds process spawn overhead, potential ordering issues, and code complexity for
 * no benefit."
 *
 * Aggregator (before / after) merges the JSON documents of its sources, fetched one after the
 * other with `HTTPClient.get!` from simulated sources (support/jsonSources.ts: latency, outages and
 * documents from the input). It runs under a supervisor next to `MyApp.TaskSupervisor`; clients
 * call `GenServer.call(MyApp.Aggregator, :aggregate)` at generated times. Both variants are judged
 * by the text's claim: *the Aggregator is not blocked* — "No other calls can be processed during
 * this time" (before) vs "Don't block — spawn the work and reply later" (after) — i.e. every
 * request is taken from the Aggregator's mailbox as soon as it arrives (models/p15-deferred-reply.ts
 * `queueingDelayBound`), and every answer is the merge of the documents (`Map.merge` in source
 * order).
 * - before blocks for a whole aggregation: a second client waits in the mailbox (and is answered at
 *   N·T, model `lastReplyAt`).
 * - after holds. Two things the text does not say, visible in the traces: the task's own result
 *   (`GenServer.reply/2`'s `:ok`) and its `:DOWN` reach the Aggregator, which has no handle_info/2,
 *   so `use GenServer`'s default logs both as unexpected messages (processes.md §3.3.7, §5.6.4);
 *   and when a source is down the task crashes without replying: the caller waits its full 5 s
 *   call timeout and exits, where "before" failed it at once (the Aggregator crashed).
 *
 * Counter (over / better) answers `:get` — with a task (`Task.start(fn -> GenServer.reply(from,
 * state.count) end)`, over) or inline (better). The seed shows only `:get`; the port adds what a
 * counter needs for the text's ordering claim ("deferred replies break ordering") to be observable:
 * `:increment` (a call) and subscriptions, each increment sending `{:count_changed, n}` to every
 * subscriber. Judged by that ordering claim in its precise OTP form: a message the Counter sends a
 * client after handling its `:get` reaches the client after the reply — the only ordering OTP gives
 * is per sender (processes.md §1.1.2), and a reply sent by a task is not from the Counter. A client
 * that reads the count and then drops the notifications already queued (older than its read, if
 * the Counter's messages were in order) loses updates under "over". The failure message also
 * reports the overhead the text names: one process spawned per `:get`.
 */
import fc from 'fast-check';
import {
  GenServer,
  Pid,
  Supervisor,
  TaskSupervisor,
  Task,
  Tuple,
  caught,
  equals,
  fails,
  format,
  holds,
  isTagged,
  report,
  self,
  send,
  sleep,
  spawn,
  t,
  trapExit,
  type AnyTarget,
  type CheckResult,
  type From,
  type Op,
  type Outcome,
  type Target,
  type Term,
  type TermObject,
  type TraceEvent,
} from '../src/index.js';
import { lastReplyAt, queueingDelayBound } from '../models/p15-deferred-reply.js';
import { getBang, mapMerge, mergedDocuments, startSources, type JsonSource } from './support/jsonSources.js';

/** GenServer states are plain objects here; as terms they are maps. */
const asTerm = (state: object): Term => state as unknown as Term;

/** How far signals and steps may lag the clock in a run (maxDelay 2 ms per hop). */
const SLACK_MS = 10;

// ------------------------------------------------------------------------------- Aggregator

interface AggregatorInput {
  readonly sources: readonly JsonSource[];
  /** When each client calls `:aggregate` (virtual ms). */
  readonly calls: readonly number[];
}

const source = (i: number): fc.Arbitrary<JsonSource> =>
  fc.record({
    url: fc.constant(`source${i}`),
    latencyMs: fc.integer({ min: 20, max: 800 }),
    // One source in ten is down (shrinks toward up).
    down: fc.integer({ min: 0, max: 9 }).map((n) => n === 9),
    document: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 9 }), { maxKeys: 3 }),
  });

const aggregatorInput: fc.Arbitrary<AggregatorInput> = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.record({
    sources: fc.tuple(...Array.from({ length: n }, (_, i) => source(i))),
    calls: fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 3 }),
  }),
);

/** The sources' documents fetched one after the other and merged — the examples' `Enum.reduce`. */
function* aggregate(sources: readonly JsonSource[]): Op<TermObject> {
  let acc: TermObject = {};
  for (const s of sources) {
    const data = (yield* getBang(s.url))['body'] as TermObject; // HTTPClient.get!(source.url).body
    acc = mapMerge(acc, data); // Map.merge(acc, Jason.decode!(data))
  }
  return acc;
}

interface AggregatorState {
  readonly sources: readonly JsonSource[];
}

function aggregatorModule(deferred: boolean) {
  const Aggregator = GenServer.defmodule('MyApp.Aggregator', {
    init: (sources: Term) => t('ok', { sources } as unknown as Term),
    startLink: (sources: Term) => GenServer.startLink(Aggregator, sources, { name: 'MyApp.Aggregator' }),
    *handleCall(request: Term, from: From, state: AggregatorState): Op<Term> {
      if (request !== 'aggregate') return t('reply', t('error', 'unknown'), asTerm(state));
      if (!deferred) {
        // Blocks the GenServer for potentially seconds; no other calls can be processed during this time.
        const result = yield* aggregate(state.sources);
        return t('reply', result, asTerm(state));
      }
      // Don't block — spawn the work and reply later.
      yield* TaskSupervisor.asyncNolink('MyApp.TaskSupervisor', function* () {
        const result = yield* aggregate(state.sources);
        return yield* GenServer.reply(from, result);
      });
      return t('noreply', asTerm(state));
    },
  });
  return Aggregator;
}

function aggregatorProgram(deferred: boolean) {
  return (input: AggregatorInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      yield* startSources(input.sources);
      const Aggregator = aggregatorModule(deferred);
      const started = yield* Supervisor.startLink(
        [TaskSupervisor.childSpec({ name: 'MyApp.TaskSupervisor' }), { id: Aggregator, start: t(Aggregator, 'start_link', [input.sources as unknown as Term]) }],
        { strategy: 'one_for_one' },
      );
      if (!isTagged(started, 'ok', 2)) return;
      for (const [i, at] of input.calls.entries()) {
        yield* spawn(
          function* () {
            yield* sleep(at);
            try {
              yield* report('aggregate.result', { client: i, result: yield* GenServer.call('MyApp.Aggregator', 'aggregate') });
            } catch (e) {
              const c = caught(e);
              if (c.kind !== 'exit') throw e;
              yield* report('aggregate.result', { client: i, exit: c.reason });
            }
          },
          { label: `client${i}` },
        );
      }
      yield* sleep(30_000);
    };
}

interface RequestFacts {
  readonly client: number;
  readonly caller: Pid;
  readonly arrived: number;
  /** When the Aggregator took the request, or died with it still queued. */
  readonly taken: number | undefined;
  readonly aggregatorDied: number | undefined;
  readonly answered: number | undefined;
}

function requestFacts(trace: readonly TraceEvent[]): RequestFacts[] {
  const aggregators = new Set<number>();
  const clients = new Map<number, number>();
  const out: Array<{ -readonly [K in keyof RequestFacts]: RequestFacts[K] }> = [];
  for (const e of trace) {
    if (e.k === 'register' && e.name === 'MyApp.Aggregator') aggregators.add(e.pid.id);
    if (e.k === 'label' && e.label.startsWith('client')) clients.set(e.pid.id, Number(e.label.slice(6)));
    const isRequest = (m: Term) => isTagged(m, '$gen_call', 3) && (m as Tuple)[2] === 'aggregate';
    if (e.k === 'deliver' && aggregators.has(e.to.id) && isRequest(e.msg)) {
      const caller = ((e.msg as Tuple)[1] as Tuple)[0] as Pid;
      out.push({ client: clients.get(caller.id) ?? -1, caller, arrived: e.t, taken: undefined, aggregatorDied: undefined, answered: undefined });
    }
    if (e.k === 'receive' && aggregators.has(e.pid.id) && isRequest(e.msg)) {
      const caller = ((e.msg as Tuple)[1] as Tuple)[0] as Pid;
      const r = out.find((x) => x.caller.id === caller.id && x.taken === undefined);
      if (r) r.taken = e.t;
    }
    if (e.k === 'exit' && aggregators.has(e.pid.id)) for (const r of out) if (r.taken === undefined && r.aggregatorDied === undefined) r.aggregatorDied = e.t;
    if (e.k === 'report' && e.name === 'aggregate.result') {
      const r = out.find((x) => x.caller.id === e.pid.id);
      if (r) r.answered = e.t;
    }
  }
  return out;
}

/** The time one aggregation takes: the sources' latencies, one after the other. */
const workMs = (sources: readonly JsonSource[]) => sources.reduce((sum, s) => sum + s.latencyMs, 0);

function notBlocked(deferred: boolean) {
  return (o: Outcome<AggregatorInput>): CheckResult => {
    const trace = o.run.trace;
    const work = workMs(o.input.sources);
    for (const r of requestFacts(trace)) {
      const waited = (r.taken ?? r.aggregatorDied ?? o.run.time) - r.arrived;
      if (waited > queueingDelayBound(0, true, SLACK_MS)) {
        const callers = o.input.calls.length;
        return fails(
          `client ${r.client}'s :aggregate reached the Aggregator at ${r.arrived} ms but ${r.taken !== undefined ? `was taken from its mailbox only at ${r.taken} ms` : `was still queued when the Aggregator died at ${r.aggregatorDied} ms`}: the Aggregator was busy fetching ${o.input.sources.length} source(s) for another call (one aggregation takes ${work} ms, so ${callers} concurrent callers are answered by ${lastReplyAt(callers, work, deferred)} ms instead of ${lastReplyAt(callers, work, true)} ms) — "No other calls can be processed during this time"`,
        );
      }
    }
    const expected = mergedDocuments(o.input.sources);
    for (const e of trace) {
      if (e.k !== 'report' || e.name !== 'aggregate.result') continue;
      const d = e.data as TermObject;
      if ('result' in d && !equals(d['result']!, expected as TermObject)) {
        return fails(`client ${String(d['client'])} got ${format(d['result']!)}, the merged documents are ${format(expected as TermObject)}`);
      }
    }
    return holds;
  };
}

// ------------------------------------------------------------------------------- Counter

type CounterOp = { readonly op: 'get' | 'increment'; readonly pauseMs: number };

interface CounterInput {
  /** Per client: its operations, each after a pause. Every client subscribes first. */
  readonly clients: ReadonlyArray<readonly CounterOp[]>;
}

const counterInput: fc.Arbitrary<CounterInput> = fc.record({
  clients: fc.array(
    fc.array(fc.record({ op: fc.constantFrom<'get' | 'increment'>('get', 'increment'), pauseMs: fc.integer({ min: 0, max: 5 }) }), { minLength: 1, maxLength: 4 }),
    { minLength: 2, maxLength: 3 },
  ),
});

interface CounterState {
  readonly count: number;
  readonly subscribers: readonly Pid[];
}

function counterModule(deferGet: boolean) {
  return GenServer.defmodule('MyApp.Counter', {
    init: () => t('ok', { count: 0, subscribers: [] } as unknown as Term),
    *handleCall(request: Term, from: From, state: CounterState): Op<Term> {
      if (request === 'get') {
        if (!deferGet) return t('reply', state.count, asTerm(state));
        // This is instant! Why defer?
        yield* Task.start(() => GenServer.reply(from, state.count));
        return t('noreply', asTerm(state));
      }
      if (request === 'increment') {
        const count = state.count + 1;
        for (const s of state.subscribers) yield* send(s, t('count_changed', count));
        return t('reply', count, asTerm({ ...state, count }));
      }
      if (isTagged(request, 'subscribe', 2)) return t('reply', 'ok', asTerm({ ...state, subscribers: [...state.subscribers, request[1] as Pid] }));
      return t('reply', t('error', 'unknown'), asTerm(state));
    },
  });
}

function counterProgram(deferGet: boolean) {
  return (input: CounterInput) =>
    function* (): Op<void> {
      const started = yield* GenServer.start(counterModule(deferGet), 'nil', { name: 'MyApp.Counter' });
      if (!isTagged(started, 'ok', 2)) return;
      for (const [i, ops] of input.clients.entries()) {
        yield* spawn(
          function* () {
            yield* GenServer.call('MyApp.Counter', t('subscribe', yield* self()));
            for (const o of ops) {
              if (o.pauseMs > 0) yield* sleep(o.pauseMs);
              yield* report('counter.result', { op: o.op, result: yield* GenServer.call('MyApp.Counter', o.op) });
            }
          },
          { label: `client${i}` },
        );
      }
    };
}

/** A `:get` as the trace shows it: handled by the Counter at `handled`, its reply delivered at `replied`. */
interface GetFacts {
  readonly client: Pid;
  readonly handled: number;
  readonly handledAt: number;
  readonly replied: number;
  readonly repliedAt: number;
}

function getFacts(trace: readonly TraceEvent[], counter: Pid): GetFacts[] {
  const out: GetFacts[] = [];
  trace.forEach((e, i) => {
    if (e.k !== 'receive' || e.pid.id !== counter.id || !isTagged(e.msg, '$gen_call', 3) || (e.msg as Tuple)[2] !== 'get') return;
    const [client, tag] = (e.msg as Tuple)[1] as Tuple;
    const replied = trace.findIndex((d, j) => j > i && d.k === 'deliver' && d.to.id === (client as Pid).id && d.msg instanceof Tuple && d.msg.length === 2 && equals(d.msg[0]!, tag!));
    if (replied < 0) return;
    out.push({ client: client as Pid, handled: i, handledAt: e.t, replied, repliedAt: trace[replied]!.t });
  });
  return out;
}

function inOrderWithGetReplies(o: Outcome<CounterInput>): CheckResult {
  const trace = o.run.trace;
  const counter = trace.find((e) => e.k === 'register' && e.name === 'MyApp.Counter');
  if (!counter || counter.k !== 'register') return fails('the Counter did not start');
  const gets = getFacts(trace, counter.pid);
  const spawned = trace.filter((e) => e.k === 'spawn' && e.parent?.id === counter.pid.id).length;
  const overhead = `${gets.length} :get call(s) spawned ${spawned} process(es) and ${spawned} extra message(s) to answer what the Counter already knew`;
  for (const g of gets) {
    for (let j = g.handled + 1; j < g.replied; j++) {
      const d = trace[j]!;
      if (d.k !== 'deliver' || d.to.id !== g.client.id || !isTagged(d.msg, 'count_changed', 2)) continue;
      const sent = trace.findIndex((s) => s.k === 'send' && s.from.id === counter.pid.id && s.to.id === g.client.id && equals(s.msg, d.msg));
      if (sent > g.handled) {
        return fails(
          `the Counter handled ${g.client}'s :get at ${g.handledAt} ms and afterwards sent it ${format(d.msg)}; that notification reached the client (at ${d.t} ms) before the :get reply did (at ${g.repliedAt} ms) — the reply came from a Task, not from the Counter. OTP orders messages per sender only (processes.md §1.1.2): a client that drops the notifications already queued when its read returns loses this update. Overhead: ${overhead}`,
        );
      }
    }
  }
  return holds;
}

// ------------------------------------------------------------------------------- variants

const ID = 'p15-deferred-reply';

const before: Target<AggregatorInput> = {
  id: `${ID}/before`,
  title: 'Aggregator fetching inside handle_call: other calls wait for the whole aggregation',
  claim: 'Blocks the GenServer for potentially seconds — No other calls can be processed during this time',
  input: aggregatorInput,
  program: aggregatorProgram(false),
  check: notBlocked(false),
  expect: 'fails',
};

const after: Target<AggregatorInput> = {
  id: `${ID}/after`,
  title: 'Aggregator replying from a Task.Supervisor task: every call is taken at once',
  claim: "Don't block — spawn the work and reply later",
  input: aggregatorInput,
  program: aggregatorProgram(true),
  check: notBlocked(true),
  expect: 'holds',
};

const over: Target<CounterInput> = {
  id: `${ID}/over`,
  title: 'Counter deferring :get to a task: a process per read, and replies out of order with the Counter\'s messages',
  claim: 'Deferring reply for trivial work — unnecessary complexity (deferred replies break ordering)',
  input: counterInput,
  program: counterProgram(true),
  check: inOrderWithGetReplies,
  expect: 'fails',
};

const better: Target<CounterInput> = {
  id: `${ID}/better`,
  title: 'Counter replying inline: no extra process, replies in order with its other messages',
  claim: '{:reply, state.count, state}',
  input: counterInput,
  program: counterProgram(false),
  check: inOrderWithGetReplies,
  expect: 'holds',
};

export const variants: AnyTarget[] = [before, after, over, better];
