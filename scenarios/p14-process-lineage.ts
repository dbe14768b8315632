/**
 * Pattern 14 — `$ancestors` and `$callers`: the seed's four examples, ported.
 *
 * Why (seed): "Debugging and tracing. When a task crashes, the log includes both its supervisor
 * (for restart context) and its caller (for business logic context)." … "$callers is useful for
 * short-lived spawned work (tasks, one-shot processes). For long-lived services, per-request
 * tracing (metadata, spans) is more appropriate than process lineage."
 *
 * BackgroundJob (before / after): `MyApp.BackgroundJob.run_async(fun)` is called by a request
 * handler nested 0–3 tasks deep (so it has a caller chain of its own); the job's `fun` raises
 * (as in the seed), or starts a Task that raises, or succeeds, after a generated delay. Both are
 * judged by the text's claim for them: *the crash log of the spawned work names who initiated it*
 * — the handler that called `run_async` and the chain above it (support/crashLog.ts renders the
 * log as Elixir shows it; models/p14-process-lineage.ts `crashLogCallers` says what it carries).
 * - before (`spawn_link(fn -> fun.() end)`): fails, as the text says — "No idea who called
 *   run_async or why!".
 * - after (the same, with `$callers` put by hand): **the seed's claim is wrong about OTP.** A
 *   plain spawned process that raises is logged by the emulator — "Process #PID<…> raised an
 *   exception" — with no metadata, whatever is in its dictionary; the "Callers: [#PID<0.200.0>,
 *   #PID<0.150.0>]" line of the seed's comment never appears (measured on Elixir 1.14/OTP 25 and
 *   1.18/OTP 27 with a logger handler printing whole events). What the hand-propagated `$callers`
 *   does buy: a Task started by the job logs `callers: [job, handler, …]` in its report's metadata
 *   (and tools that read `$callers` — Mox, the Ecto sandbox — find the chain). So the variant is
 *   expected to fail, with the seed's own example (`fun` raising) as the counterexample; when the
 *   crash happens in a Task the job starts, the claim holds.
 *
 * Cache (over / better): `MyApp.Cache`, a permanent GenServer under `MyApp.Supervisor`, serves
 * `{:get, key}` to short-lived clients, each of which set `Logger.metadata(request_id: …)` first
 * (support/logger.ts: metadata is per process, as in Erlang's logger). Judged by the claim the text
 * makes for long-lived services: *while serving a request, what the Cache can log names that
 * request* — through its lineage (over: "the 'caller' of start_link is the supervisor") or its
 * logger metadata (better). A probe in handle_call records what a log line there would carry and
 * the Cache's lineage (instrumentation, not part of the port).
 * - over fails, as the text says: `$ancestors` is `[MyApp.Supervisor, …]`, there is no `$callers`.
 * - better: **the seed's code does not do what it says.** `Logger.metadata(request_id:
 *   Logger.metadata()[:request_id])` runs in the Cache, so it reads the Cache's own metadata and
 *   sets `request_id` to `nil` — a no-op (checked on Elixir 1.14 and 1.18: the client's log line
 *   carries "req-42", the Cache's carries none). The request id must travel in the request, e.g.
 *   `GenServer.call(MyApp.Cache, {:get, key, Logger.metadata()[:request_id]})` and
 *   `Logger.metadata(request_id: request_id)` in handle_call. Expected to fail.
 */
import fc from 'fast-check';
import {
  GenServer,
  Pid,
  Supervisor,
  Task,
  fails,
  format,
  get,
  holds,
  isTagged,
  put,
  raise,
  report,
  self,
  sleep,
  spawn,
  spawnLink,
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
import { crashLogCallers, requestIdSeenByServer, taskCallers, type ProcView } from '../models/p14-process-lineage.js';
import { crashLogs, type CrashLogEntry } from './support/crashLog.js';
import * as Logger from './support/logger.js';

const show = (x: Term): string => (x instanceof Pid ? x.toString() : format(x));
const showList = (xs: readonly Term[] | undefined): string => `[${(xs ?? []).map(show).join(', ')}]`;

// ------------------------------------------------------------------------------- BackgroundJob

interface JobInput {
  /** How many nested tasks the request handler that calls run_async runs in. */
  readonly depth: number;
  /** What the job's fun does after `workMs`: raise, start a Task that raises, or succeed. */
  readonly failure: 'raise' | 'task_raises' | 'none';
  readonly workMs: number;
}

const jobInput: fc.Arbitrary<JobInput> = fc.record({
  depth: fc.integer({ min: 0, max: 3 }),
  failure: fc.constantFrom<JobInput['failure']>('raise', 'task_raises', 'none'),
  workMs: fc.integer({ min: 0, max: 500 }),
});

type RunAsync = (fun: () => Op<Term>) => Op<Pid>;

/** before: `spawn_link(fn -> fun.() end)`. */
function* runAsyncBefore(fun: () => Op<Term>): Op<Pid> {
  // When this crashes, the log shows no context about WHO spawned it
  return yield* spawnLink(() => fun(), { label: 'MyApp.BackgroundJob' });
}

/** after: the caller's `$callers` chain, computed here, put in the new process by hand. */
function* runAsyncAfter(fun: () => Op<Term>): Op<Pid> {
  const owner = yield* self();
  const mine = yield* get('$callers');
  const callers = Array.isArray(mine) && mine.length > 0 ? [owner, ...mine] : [owner];
  return yield* spawnLink(
    function* () {
      yield* put('$callers', callers);
      return yield* fun();
    },
    { label: 'MyApp.BackgroundJob' },
  );
}

/** The job's `fun`, per the input. */
function jobFun(input: JobInput): () => Op<Term> {
  return function* () {
    yield* sleep(input.workMs);
    if (input.failure === 'raise') return raise('RuntimeError', 'something went wrong');
    if (input.failure === 'task_raises') {
      const task = yield* Task.async(() => raise('RuntimeError', 'something went wrong'));
      return yield* Task.await(task, 'infinity');
    }
    return 'ok';
  };
}

/** The request handler: `depth` nested tasks, the innermost of which calls run_async and waits. */
function* handler(input: JobInput, runAsync: RunAsync, level: number): Op<Term> {
  if (level < input.depth) {
    const task = yield* Task.async(() => handler(input, runAsync, level + 1));
    return yield* Task.await(task, 'infinity');
  }
  yield* report('job.initiator', { pid: yield* self(), callers: (yield* get('$callers')) ?? [] });
  const job = yield* runAsync(jobFun(input));
  yield* report('job.started', { job });
  yield* sleep(5000);
  return 'ok';
}

function jobProgram(runAsync: RunAsync) {
  return (input: JobInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      yield* spawnLink(() => handler(input, runAsync, 0), { label: 'request' });
      yield* sleep(10_000);
    };
}

function jobFacts(trace: readonly TraceEvent[]): { initiator: ProcView; job: Pid } | undefined {
  let initiator: ProcView | undefined;
  let job: Pid | undefined;
  for (const e of trace) {
    if (e.k === 'report' && e.name === 'job.initiator') {
      const d = e.data as TermObject;
      initiator = { pid: show(d['pid']!), ancestors: [], callers: (d['callers'] as Term[]).map(show) };
    }
    if (e.k === 'report' && e.name === 'job.started') job = (e.data as TermObject)['job'] as Pid;
  }
  return initiator && job ? { initiator, job } : undefined;
}

/** The crash log names the initiator: some entry about the work carries the initiator's chain. */
function crashLogNamesInitiator(propagates: boolean) {
  return (o: Outcome<JobInput>): CheckResult => {
    const trace = o.run.trace;
    const facts = jobFacts(trace);
    if (!facts) return fails('run_async was never called');
    if (o.input.failure === 'none') return holds;
    const { initiator, job } = facts;
    const spawnedByJob = new Set(trace.filter((e) => e.k === 'spawn' && e.parent?.id === job.id).map((e) => (e as { pid: Pid }).pid.id));
    const entries = crashLogs(trace).filter((c) => c.pid.id === job.id || spawnedByJob.has(c.pid.id));
    if (entries.length === 0) return fails(`the background job ${show(job)} failed but nothing was logged about it`);
    // The job's own lineage: none (before), or the chain put by hand (after).
    const jobView: ProcView = { pid: show(job), ancestors: [], callers: propagates ? taskCallers(initiator) : [] };
    const chain = taskCallers(initiator);
    for (const entry of entries) {
      const expected = crashLogCallers(entry.kind === 'emulator' ? 'plain_process' : 'task', entry.kind === 'emulator' ? jobView : { ...jobView, callers: taskCallers(jobView) });
      const logged = (entry.callers ?? []).map(show);
      if (logged.join(',') !== expected.join(',')) {
        return fails(`${entry.text}: logged callers ${showList(entry.callers)}, the model says [${expected.join(', ')}] (processes.md §2.3, §5.1.3)`);
      }
      if (chain.every((c, i) => logged[logged.length - chain.length + i] === c)) continue;
      return fails(explain(entry, job, initiator, propagates));
    }
    return holds;
  };
}

function explain(entry: CrashLogEntry, job: Pid, initiator: ProcView, propagates: boolean): string {
  const who = `${initiator.pid}, which called run_async (its own callers: [${initiator.callers.join(', ')}])`;
  if (entry.kind === 'emulator') {
    const stored = propagates ? ` — although the job stored $callers [${taskCallers(initiator).join(', ')}] by hand: the emulator's error report carries no metadata and never reads the process dictionary, so the seed's "Callers: […]" line does not exist in OTP (Elixir 1.14/OTP 25 and 1.18/OTP 27)` : '';
    return `the background job ${show(job)} raised and OTP logs only "${entry.text}": nothing names ${who}${stored}`;
  }
  return `"${entry.text}" (a Task the job started) carries callers ${showList(entry.callers)}: the job only, not ${who}`;
}

// ------------------------------------------------------------------------------- Cache

interface CacheInput {
  readonly clients: ReadonlyArray<{ readonly key: 'a' | 'b' | 'missing'; readonly viaTask: boolean }>;
}

const cacheInput: fc.Arbitrary<CacheInput> = fc.record({
  clients: fc.array(fc.record({ key: fc.constantFrom<'a' | 'b' | 'missing'>('a', 'b', 'missing'), viaTask: fc.boolean() }), { minLength: 1, maxLength: 3 }),
});

const requestId = (i: number) => `req-${i}`;

/** What a log line in handle_call would carry, and the Cache's lineage (the probe). */
function* probe(key: Term, from: From): Op<void> {
  yield* report('cache.context', {
    key,
    client: from[0]!,
    request_id: (yield* Logger.metadata())['request_id'] ?? 'nil',
    ancestors: (yield* get('$ancestors')) ?? [],
    callers: (yield* get('$callers')) ?? 'nil',
  });
}

function cacheModule(better: boolean) {
  const Cache = GenServer.defmodule('MyApp.Cache', {
    init: () => t('ok', { a: 1, b: 2 }),
    // The "caller" of start_link is the supervisor — not useful for debugging
    startLink: () => GenServer.startLink(Cache, [], { name: 'MyApp.Cache' }),
    *handleCall(request: Term, from: From, state: TermObject): Op<Term> {
      const key = isTagged(request, 'get', 2) ? (request[1] as string) : 'nil';
      // better: Logger.metadata(request_id: Logger.metadata()[:request_id])
      if (better) yield* Logger.setMetadata({ request_id: (yield* Logger.metadata())['request_id'] });
      yield* probe(key, from);
      return t('reply', state[key] ?? 'nil', state);
    },
  });
  return Cache;
}

function cacheProgram(better: boolean) {
  return (input: CacheInput) =>
    function* (): Op<void> {
      const Cache = cacheModule(better);
      const started = yield* Supervisor.startLink([Cache], { strategy: 'one_for_one', name: 'MyApp.Supervisor' });
      if (!isTagged(started, 'ok', 2)) return;
      for (const [i, c] of input.clients.entries()) {
        const body = function* (): Op<Term> {
          yield* Logger.setMetadata({ request_id: requestId(i) });
          yield* report('cache.client', { client: yield* self(), request_id: requestId(i) });
          return yield* GenServer.call('MyApp.Cache', t('get', c.key));
        };
        if (c.viaTask) yield* Task.start(body);
        else yield* spawn(body, { label: `client${i}` });
      }
      yield* sleep(1000);
    };
}

function cacheNamesRequest(better: boolean) {
  return (o: Outcome<CacheInput>): CheckResult => {
    const ids = new Map<number, string>();
    for (const e of o.run.trace) {
      if (e.k === 'report' && e.name === 'cache.client') {
        const d = e.data as TermObject;
        ids.set((d['client'] as Pid).id, d['request_id'] as string);
      }
    }
    for (const e of o.run.trace) {
      if (e.k !== 'report' || e.name !== 'cache.context') continue;
      const d = e.data as TermObject;
      const client = d['client'] as Pid;
      const wanted = ids.get(client.id);
      const seen = d['request_id'] === 'nil' ? undefined : (d['request_id'] as string);
      const callers = Array.isArray(d['callers']) ? (d['callers'] as Term[]) : [];
      if (seen !== requestIdSeenByServer(undefined, undefined)) return fails(`the Cache's metadata has request_id ${seen}, which no model predicts: metadata is per process`);
      if (seen === wanted || callers.some((c) => c instanceof Pid && c.id === client.id)) continue;
      const lineage = `its lineage is $ancestors ${showList(d['ancestors'] as Term[])} (the supervisor that started it at boot) and ${d['callers'] === 'nil' ? 'no $callers' : `$callers ${showList(callers)}`}`;
      const meta = better
        ? `Logger.metadata(request_id: Logger.metadata()[:request_id]) runs in the Cache and reads the Cache's own metadata (Logger metadata is per process), so it set request_id to nil: a log line here carries no request id, not "${wanted}" (checked on Elixir 1.14 and 1.18). The id has to travel in the request`
        : 'and its logger metadata has no request_id';
      return fails(`while serving {:get, :${String(d['key'])}} for ${show(client)} (request_id "${wanted}"), nothing the Cache can log names the request: ${lineage}; ${meta}`);
    }
    return holds;
  };
}

// ------------------------------------------------------------------------------- variants

const ID = 'p14-process-lineage';

const before: Target<JobInput> = {
  id: `${ID}/before`,
  title: 'BackgroundJob with plain spawn_link: its crash log names nobody',
  claim: 'When this crashes, the log shows no context about WHO spawned it',
  input: jobInput,
  program: jobProgram(runAsyncBefore),
  check: crashLogNamesInitiator(false),
  expect: 'fails',
};

const after: Target<JobInput> = {
  id: `${ID}/after`,
  title: 'BackgroundJob putting $callers by hand: the emulator still logs its crash without them',
  claim: 'Crash log now shows the full caller chain',
  input: jobInput,
  program: jobProgram(runAsyncAfter),
  check: crashLogNamesInitiator(true),
  expect: 'fails',
};

const over: Target<CacheInput> = {
  id: `${ID}/over`,
  title: 'a permanent Cache: its lineage names the supervisor, never the request it serves',
  claim: "The 'caller' of start_link is the supervisor — not useful for debugging",
  input: cacheInput,
  program: cacheProgram(false),
  check: cacheNamesRequest(false),
  expect: 'fails',
};

const better: Target<CacheInput> = {
  id: `${ID}/better`,
  title: "the seed's Logger.metadata line reads the Cache's own metadata: the request id never arrives",
  claim: 'For long-lived processes, use Logger.metadata or OpenTelemetry spans to track per-request context, not process lineage',
  input: cacheInput,
  program: cacheProgram(true),
  check: cacheNamesRequest(true),
  expect: 'fails',
};

export const variants: AnyTarget[] = [before, after, over, better];
