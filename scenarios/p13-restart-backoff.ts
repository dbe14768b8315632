/**
 * Pattern 13 — Restart logic with exponential backoff via `:try_again`: the seed's four examples,
 * ported.
 *
 * Why (seed): "During network partitions or resource exhaustion, a child might fail to start
 * immediately but succeed seconds later. Instead of counting this as a restart (which would hit
 * intensity limits), the supervisor retries asynchronously. The :try_again path is separate from
 * the restart counter." — and, for over/better: "Retry logic is for transient failures (network,
 * resource contention). For permanent errors (bad config, missing deps), fail fast so the operator
 * can fix the actual problem."
 *
 * **The seed's "Why" is wrong about OTP, and these scenarios show it.** A failed restart does go
 * down the try_again path (`{:try_again_restart, id}` cast to self; DynamicSupervisor:
 * `{:"$gen_restart", pid}`), but every retry runs `add_restart` again and counts toward intensity
 * (supervision.md rules 46, 47, 57, 93), and nothing delays it: the retry is the next message the
 * supervisor handles (rule 45) — there is no backoff, exponential or otherwise. So a child whose
 * start fails while its database is down gets `max_restarts` attempts within milliseconds and the
 * supervisor gives up. The "before" example's own comment ("Every start failure counts against
 * restart intensity … 3 failures in 5 seconds → supervisor crashes") is right — the failures even
 * come within the same millisecond; the "after" example (connect in `handle_continue`, retry with
 * `Process.send_after`) is the real way to survive, because the restart that counts succeeds at
 * once and the retries happen inside the process.
 *
 * The example's database is a simulated process (scenarios/support/database.ts) with one outage
 * from the generated input; when the outage begins it drops the open connection, so the pool's
 * linked `DBConnection` dies and takes the pool with it — the crash that makes the supervisor
 * restart it. The supervisor is `MyApp.Supervisor` with `Supervisor.init(children, strategy:
 * :one_for_one)` (defaults: 3 restarts in 5 s).
 *
 * - before / after are judged by the claim the pattern makes for them: *a transient database outage
 *   (≤ 4 s) does not take the supervision tree down, and the pool is connected again afterwards*.
 *   Every check also verifies OTP itself against models/p13-restart-backoff.ts: when the supervisor
 *   gives up, it made exactly `max_restarts` restart attempts after the crash (rule 47).
 * - over / better are judged by "fail fast so the operator can fix the actual problem": with
 *   `api_key: nil` the start must fail, visibly, naming the error. The over-application example
 *   as written has no `handle_info/2`, so its "infinite retry" is a single `:retry` message that
 *   `use GenServer`'s default `handle_info/2` logs as unexpected (processes.md §3.3.7): it retries
 *   nothing, and the misconfigured worker just sits there, "running". Both examples show only the
 *   `api_key: nil` clause of `init/1`; the ports add the obvious clause for a configured key.
 */
import fc from 'fast-check';
import {
  GenServer,
  Pid,
  Supervisor,
  TIMEOUT,
  fails,
  format,
  holds,
  isAlive,
  isTagged,
  match,
  raise,
  receive,
  report,
  self,
  sendAfter,
  t,
  trapExit,
  type CheckResult,
  type ErlModule,
  type Op,
  type Outcome,
  type AnyTarget,
  type Target,
  type Term,
  type TermObject,
} from '../src/index.js';
import { retryOutcome } from '../models/p13-restart-backoff.js';
import { DB_NAME, databaseService, dbConnectionStartLink } from './support/database.js';
import type { Outage } from './support/services.js';

const ID = 'p13-restart-backoff';

/** `Supervisor.init(children, strategy: :one_for_one)`: Elixir's defaults. */
const MAX_RESTARTS = 3;
const MAX_SECONDS = 5;
/** The "after" example's retry delay. */
const RETRY_MS = 5000;

// ------------------------------------------------------------------------------- before / after

interface OutageInput {
  readonly outage: Outage;
  readonly latencyMs: number;
}

/** Before: `{:ok, conn} = DBConnection.start_link(config)` in `init/1` — a MatchError when the DB is down. */
function connectionPoolBefore(): ErlModule {
  return GenServer.defmodule('MyApp.ConnectionPool', {
    *init(): Op<Term> {
      const result = yield* dbConnectionStartLink();
      if (!isTagged(result, 'ok', 2)) return raise('MatchError', `no match of right hand side value: ${format(result)}`, { term: result });
      return t('ok', { conn: result[1]! });
    },
  });
}

/** After: `{:ok, state, {:continue, :connect}}`; `handle_continue` connects or retries in 5 s. */
function connectionPoolAfter(): ErlModule {
  return GenServer.defmodule('MyApp.ConnectionPool', {
    init(config: Term): Term {
      return t('ok', { config, conn: 'nil' }, t('continue', 'connect'));
    },
    *handleContinue(_arg: Term, state: TermObject): Op<Term> {
      const result = yield* dbConnectionStartLink();
      if (isTagged(result, 'ok', 2)) return t('noreply', { ...state, conn: result[1]! });
      // Retry after delay without counting against restart intensity
      yield* sendAfter(yield* self(), 'retry_connect', RETRY_MS);
      return t('noreply', state);
    },
    handleInfo(msg: Term, state: TermObject): Term {
      if (msg === 'retry_connect') return t('noreply', state, t('continue', 'connect'));
      return t('noreply', state);
    },
  });
}

/** `MyApp.Supervisor`: `children = [{MyApp.ConnectionPool, config}]`, one_for_one, defaults. */
function appSupervisor(child: ErlModule, arg: Term): ErlModule {
  return Supervisor.defmodule('MyApp.Supervisor', {
    *init() {
      return yield* Supervisor.init([t(child, arg)], { strategy: 'one_for_one' });
    },
  });
}

function* poolStatus(sup: Pid): Op<string> {
  const children = yield* Supervisor.whichChildren(sup);
  const pid = (children[0] as Term[] | undefined)?.[1];
  if (!(pid instanceof Pid)) return `pool ${format(pid ?? 'missing')}`;
  const state = (yield* GenServer.getState(pid)) as TermObject;
  const conn = state['conn'];
  return conn instanceof Pid && (yield* isAlive(conn)) ? 'connected' : 'not connected';
}

function outageProgram(pool: () => ErlModule) {
  return (input: OutageInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      yield* GenServer.start(databaseService({ outages: [input.outage], latencyMs: input.latencyMs }), 'nil', { name: DB_NAME });
      const started = yield* Supervisor.startLink(appSupervisor(pool(), { database: DB_NAME }), 'nil');
      yield* report('case.start', { result: started });
      if (!isTagged(started, 'ok', 2)) return;
      const sup = started[1] as Pid;
      const horizon = input.outage.at + input.outage.durationMs + RETRY_MS + 2000;
      const down = yield* receive(match.exit(sup), { after: horizon });
      const supervisor: Term = down === TIMEOUT ? 'alive' : t('exited', down[2]!);
      yield* report('case.end', { supervisor, pool: down === TIMEOUT ? yield* poolStatus(sup) : 'gone' });
    };
}

interface Facts {
  readonly started: Term | undefined;
  readonly crashes: number[];
  readonly startErrors: number[];
  readonly gaveUpAt: number | undefined;
  readonly supervisor: Term | undefined;
  readonly pool: string | undefined;
}

function factsOf(o: Outcome<unknown>): Facts {
  const f = { started: undefined as Term | undefined, crashes: [] as number[], startErrors: [] as number[], gaveUpAt: undefined as number | undefined, supervisor: undefined as Term | undefined, pool: undefined as string | undefined };
  for (const e of o.run.trace) {
    if (e.k !== 'report') continue;
    const d = e.data as TermObject;
    if (e.name === 'case.start') f.started = d['result'];
    if (e.name === 'supervisor.child_terminated') f.crashes.push(e.t);
    if (e.name === 'supervisor.start_error') f.startErrors.push(e.t);
    if (e.name === 'supervisor.shutdown') f.gaveUpAt = e.t;
    if (e.name === 'case.end') {
      f.supervisor = d['supervisor'];
      f.pool = d['pool'] as string;
    }
  }
  return f;
}

/** Rule 47: when the supervisor gives up after one crash, it made exactly max_restarts attempts. */
function everyRetryCounted(f: Facts): CheckResult {
  if (f.gaveUpAt === undefined || f.crashes.length !== 1) return holds;
  const expected = retryOutcome(MAX_RESTARTS, MAX_SECONDS, Number.MAX_SAFE_INTEGER, f.crashes[0]!);
  const attempts = f.startErrors.length;
  if (attempts !== expected.attempts.length) {
    return fails(`after one crash the supervisor gave up after ${attempts} failed restart attempt(s); with every try_again retry counted (rule 47) it gives up after exactly ${expected.attempts.length}`);
  }
  return holds;
}

function survivesOutage(o: Outcome<OutageInput>): CheckResult {
  const f = factsOf(o);
  const { at, durationMs } = o.input.outage;
  if (!isTagged(f.started, 'ok', 2)) return fails(`the supervisor did not start: ${format(f.started ?? 'nil')}`);
  const otp = everyRetryCounted(f);
  if (!otp.ok) return otp;
  if (f.supervisor !== 'alive') {
    const attempts = f.startErrors.map((x) => `${x}`).join(', ');
    return fails(
      `the database was down from ${at} to ${at + durationMs} ms. The pool crashed at ${f.crashes[0] ?? '?'} ms (its connection was dropped) and every restart attempt failed (start_error at ${attempts} ms): each retry through the :try_again path counted toward max_restarts ${MAX_RESTARTS}, with no backoff between them, so the supervisor gave up (reached_max_restart_intensity) at ${f.gaveUpAt ?? '?'} ms, ${(f.gaveUpAt ?? at) - at} ms into a ${durationMs} ms outage — contrary to "the :try_again path is separate from the restart counter"`,
    );
  }
  if (f.pool !== 'connected') return fails(`the supervisor survived the ${durationMs} ms outage at ${at} ms but the pool is ${f.pool ?? '?'} at the end`);
  return holds;
}

const transientOutage: fc.Arbitrary<OutageInput> = fc.record({
  outage: fc.record({ at: fc.integer({ min: 100, max: 8000 }), durationMs: fc.integer({ min: 100, max: 4000 }) }),
  latencyMs: fc.integer({ min: 0, max: 50 }),
});

// ------------------------------------------------------------------------------- over / better

interface ConfigInput {
  /** `nil` (null) is the misconfiguration. */
  readonly apiKey: string | null;
}

const HORIZON_MS = 12_000;

/** Over: retry "forever" on a permanent configuration error (and no handle_info/2 at all). */
function misconfiguredWorkerOver(): ErlModule {
  return GenServer.defmodule('MyApp.MisconfiguredWorker', {
    *init(config: TermObject): Op<Term> {
      if (config['api_key'] === 'nil') {
        // This will NEVER succeed — the key is nil! Infinite retry just wastes resources
        yield* sendAfter(yield* self(), 'retry', 5000);
        return t('ok', {});
      }
      return t('ok', config);
    },
  });
}

/** Better: `{:stop, {:error, :missing_api_key}}` — fail fast. */
function misconfiguredWorkerBetter(): ErlModule {
  return GenServer.defmodule('MyApp.MisconfiguredWorker', {
    init(config: TermObject): Term {
      if (config['api_key'] === 'nil') return t('stop', t('error', 'missing_api_key'));
      return t('ok', config);
    },
  });
}

function configProgram(worker: () => ErlModule) {
  return (input: ConfigInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      const config: TermObject = { api_key: input.apiKey === null ? 'nil' : input.apiKey };
      const started = yield* Supervisor.startLink(appSupervisor(worker(), config), 'nil');
      yield* report('case.start', { result: started });
      if (!isTagged(started, 'ok', 2)) return;
      const sup = started[1] as Pid;
      const down = yield* receive(match.exit(sup), { after: HORIZON_MS });
      const children = down === TIMEOUT ? yield* Supervisor.whichChildren(sup) : [];
      const pid = (children[0] as Term[] | undefined)?.[1];
      yield* report('case.end', { worker: pid instanceof Pid ? 'running' : format(pid ?? 'none') });
    };
}

const FAIL_FAST = '{:error, {:shutdown, {:failed_to_start_child, MyApp.MisconfiguredWorker, {:error, :missing_api_key}}}}';

function failsFast(o: Outcome<ConfigInput>): CheckResult {
  const trace = o.run.trace;
  const started = trace.find((e) => e.k === 'report' && e.name === 'case.start') as { data: TermObject } | undefined;
  const result = started?.data['result'];
  const end = trace.find((e) => e.k === 'report' && e.name === 'case.end') as { data: TermObject } | undefined;
  const unexpected = trace.filter((e) => e.k === 'report' && e.name === 'gen_server.unexpected_info').length;
  if (o.input.apiKey === null) {
    if (result !== undefined && format(result) === FAIL_FAST) return holds;
    return fails(
      `api_key is nil — a permanent configuration error — yet Supervisor.start_link returned ${format(result ?? 'nil')} and MyApp.MisconfiguredWorker was still ${String(end?.data['worker'] ?? '?')} after ${HORIZON_MS / 1000} s with no supervisor report; its one :retry message was ${unexpected > 0 ? 'logged as unexpected by the default handle_info/2 and dropped' : 'never handled'}. The error is hidden, not surfaced: fail fast with {:stop, {:error, :missing_api_key}}`,
    );
  }
  if (!isTagged(result, 'ok', 2) || end?.data['worker'] !== 'running') {
    return fails(`with api_key ${o.input.apiKey} the worker should run, but the start returned ${format(result ?? 'nil')} and the worker is ${String(end?.data['worker'] ?? '?')}`);
  }
  return holds;
}

const apiKeys: fc.Arbitrary<ConfigInput> = fc.record({ apiKey: fc.option(fc.constantFrom('sk_live_1', 'sk_test_2'), { freq: 2 }) });

const runtime = { maxSteps: 200_000, maxTime: 60_000 };

export const variants: AnyTarget[] = [
  {
    id: `${ID}/before`,
    title: 'connect in init/1: does the supervision tree survive a transient database outage?',
    claim: 'If DB is temporarily unreachable, this crashes... which counts as a restart... which can exhaust restart intensity',
    input: transientOutage,
    program: outageProgram(connectionPoolBefore),
    check: survivesOutage,
    expect: 'fails',
    runtime,
  } satisfies Target<OutageInput>,
  {
    id: `${ID}/after`,
    title: 'connect in handle_continue, retry with send_after: the tree survives and reconnects',
    claim: 'Retry after delay without counting against restart intensity',
    input: transientOutage,
    program: outageProgram(connectionPoolAfter),
    check: survivesOutage,
    expect: 'holds',
    runtime,
  } satisfies Target<OutageInput>,
  {
    id: `${ID}/over`,
    title: 'retrying "forever" on a nil api_key hides a permanent configuration error',
    claim: 'This will NEVER succeed — the key is nil! Infinite retry just wastes resources',
    input: apiKeys,
    program: configProgram(misconfiguredWorkerOver),
    check: failsFast,
    expect: 'fails',
    runtime,
  } satisfies Target<ConfigInput>,
  {
    id: `${ID}/better`,
    title: '{:stop, {:error, :missing_api_key}} fails the start at once, naming the error',
    claim: 'Fail fast on permanent configuration errors',
    input: apiKeys,
    program: configProgram(misconfiguredWorkerBetter),
    check: failsFast,
    expect: 'holds',
    runtime,
  } satisfies Target<ConfigInput>,
];
