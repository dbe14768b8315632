/**
 * Pattern 4 — Restart intensity (max_restarts / max_seconds): the seed's four examples, ported.
 *
 * Why (seed): "Restart intensity is a circuit breaker, not a throttle. It should escalate systemic
 * failures, not suppress them. If you need aggressive restarts, your child has a bug."
 *
 * The examples supervise `MyApp.APIClient`, which polls an external HTTP API every 500 ms and
 * crashes (`HTTPClient.get!` raises) when the call fails. The API is a simulated service whose
 * outages come from the generated input.
 *
 * - before (`Supervisor.init(children, strategy: :one_for_one)`, defaults 3 restarts in 5 s) and
 *   after (`max_restarts: 10, max_seconds: 60`) are judged by the text's claim for them: *the
 *   supervisor survives a transient network blip* (one outage of at most 4 s). With the defaults a
 *   blip of 1.5 s or more makes 4 crashes in the window and the supervisor dies — the "before"
 *   comment's "Network blip causes 3 crashes in 2 seconds → supervisor dies → app crashes".
 * - over (`max_restarts: 1000, max_seconds: 1`) and better (`max_restarts: 5, max_seconds: 30`)
 *   are judged by the claim that intensity is a circuit breaker: *a child that can never succeed
 *   (the API is down for good) is escalated after at most 10 restarts*. With 1000 restarts per
 *   second and one crash every 500 ms the limit is never reached: the failure is hidden forever.
 *
 * Every variant's check also verifies OTP itself: the supervisor escalates exactly when the
 * window is exceeded (models/p04-restart-intensity.ts, supervision.md rules 51–55).
 */
import fc from 'fast-check';
import {
  GenServer,
  Pid,
  Supervisor,
  TIMEOUT,
  fails,
  holds,
  isTagged,
  match,
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
  type Target,
  type Term,
  type TermObject,
} from '../src/index.js';
import { firstRefused } from '../models/p04-restart-intensity.js';
import { getBang, httpService, type Outage } from './support/services.js';

const POLL_MS = 500;

interface Input {
  readonly outage: Outage;
  readonly latencyMs: number;
}

/** `defmodule MyApp.APIClient do use GenServer … end`: polls the API, crashes when it fails. */
function apiClient(): ErlModule {
  return GenServer.defmodule('MyApp.APIClient', {
    *init() {
      yield* sendAfter(yield* self(), 'poll', POLL_MS);
      return t('ok', 'nil');
    },
    *handleInfo(msg: Term, state: Term) {
      if (msg === 'poll') {
        yield* getBang('http', '/api/status'); // raises when the network is down
        yield* sendAfter(yield* self(), 'poll', POLL_MS);
      }
      return t('noreply', state);
    },
  });
}

/** `defmodule MyApp.ExternalAPISupervisor do use Supervisor … Supervisor.init(children, opts) end`. */
function externalApiSupervisor(opts: Record<string, Term>): ErlModule {
  const APIClient = apiClient();
  return Supervisor.defmodule('MyApp.ExternalAPISupervisor', {
    *init() {
      const children = [t(APIClient, [])];
      return yield* Supervisor.init(children, { strategy: 'one_for_one', ...opts });
    },
  });
}

function program(opts: Record<string, Term>, horizonAfterOutage: number) {
  return (input: Input) =>
    function* (): Op<void> {
      yield* trapExit(true);
      yield* GenServer.start(httpService({ outages: [input.outage], latencyMs: input.latencyMs }), 'nil', { name: 'http' });
      const started = yield* Supervisor.startLink(externalApiSupervisor(opts), []);
      yield* report('case.start', { result: started });
      if (!isTagged(started, 'ok', 2)) return;
      const sup = started[1] as Pid;
      const horizon = input.outage.at + Math.min(input.outage.durationMs, 60_000) + horizonAfterOutage;
      const down = yield* receive(match.exit(sup), { after: horizon });
      yield* report('case.end', { supervisor: down === TIMEOUT ? 'alive' : t('exited', down[2]!) });
    };
}

interface Facts {
  readonly crashTimes: number[];
  readonly supervisorExit: { t: number; reason: Term } | undefined;
  readonly alive: boolean;
}

function facts(o: Outcome<Input>): Facts {
  const crashTimes: number[] = [];
  let supervisorExit: Facts['supervisorExit'];
  let alive = false;
  for (const e of o.run.trace) {
    if (e.k === 'report' && e.name === 'supervisor.child_terminated') crashTimes.push(e.t);
    if (e.k === 'report' && e.name === 'case.end') {
      const s = (e.data as TermObject)['supervisor']!;
      alive = s === 'alive';
      if (isTagged(s, 'exited', 2)) supervisorExit = { t: e.t, reason: s[1]! };
    }
  }
  return { crashTimes, supervisorExit, alive };
}

/** OTP's own rule: escalation exactly at the first restart the window refuses. */
function escalatesExactly(f: Facts, maxRestarts: number, maxSeconds: number): CheckResult {
  const refused = firstRefused(maxRestarts, maxSeconds, f.crashTimes);
  if (refused < 0 && f.supervisorExit) return fails(`the supervisor exited ${String(f.supervisorExit.reason)} though the window was never exceeded`);
  if (refused >= 0 && refused !== f.crashTimes.length - 1) {
    return fails(`the window was exceeded at crash #${refused + 1} but the supervisor kept restarting (${f.crashTimes.length} crashes)`);
  }
  if (refused >= 0 && !f.supervisorExit) return fails(`the window was exceeded at crash #${refused + 1} but the supervisor did not exit`);
  return holds;
}

const blip: fc.Arbitrary<Input> = fc.record({
  outage: fc.record({ at: fc.integer({ min: 0, max: 10_000 }), durationMs: fc.integer({ min: 100, max: 4000 }) }),
  latencyMs: fc.integer({ min: 0, max: 50 }),
});

const brokenForGood: fc.Arbitrary<Input> = fc.record({
  outage: fc.record({ at: fc.integer({ min: 0, max: 10_000 }), durationMs: fc.constant(1e9) }),
  latencyMs: fc.integer({ min: 0, max: 50 }),
});

function survivesBlip(maxRestarts: number, maxSeconds: number) {
  return (o: Outcome<Input>): CheckResult => {
    const f = facts(o);
    const exact = escalatesExactly(f, maxRestarts, maxSeconds);
    if (!exact.ok) return exact;
    if (!f.alive) {
      return fails(
        `a ${o.input.outage.durationMs} ms network blip took the supervisor down: ${f.crashTimes.length} crashes between ${f.crashTimes[0]} and ${f.crashTimes.at(-1)} ms exceeded ${maxRestarts} restarts in ${maxSeconds} s`,
      );
    }
    return holds;
  };
}

function escalatesPersistentFailure(maxRestarts: number, maxSeconds: number) {
  return (o: Outcome<Input>): CheckResult => {
    const f = facts(o);
    const exact = escalatesExactly(f, maxRestarts, maxSeconds);
    if (!exact.ok) return exact;
    if (f.alive || f.crashTimes.length > 11) {
      return fails(
        `the API is down for good from ${o.input.outage.at} ms, yet the supervisor restarted the client ${f.crashTimes.length} times ${f.alive ? 'and was still running at the horizon' : 'before escalating'}: the bug is hidden, not escalated`,
      );
    }
    return holds;
  };
}

const ID = 'p04-restart-intensity';
const runtime = { maxSteps: 400_000, maxTime: 10 * 60_000 };

export const variants: Target<Input>[] = [
  {
    id: `${ID}/before`,
    title: 'defaults (3 restarts in 5 s): does the supervisor survive a network blip?',
    claim: 'Network blip causes 3 crashes in 2 seconds → supervisor dies → app crashes',
    input: blip,
    program: program({}, 70_000),
    check: survivesBlip(3, 5),
    expect: 'fails',
    runtime,
  },
  {
    id: `${ID}/after`,
    title: 'max_restarts: 10, max_seconds: 60 survives network blips',
    claim: 'Allow more restarts for transient network issues',
    input: blip,
    program: program({ maxRestarts: 10, maxSeconds: 60 }, 70_000),
    check: survivesBlip(10, 60),
    expect: 'holds',
    runtime,
  },
  {
    id: `${ID}/over`,
    title: 'max_restarts: 1000, max_seconds: 1 hides a child that can never succeed',
    claim: "This allows 1000 crashes per second — you'll burn CPU and hide bugs",
    input: brokenForGood,
    program: program({ maxRestarts: 1000, maxSeconds: 1 }, 60_000),
    check: escalatesPersistentFailure(1000, 1),
    expect: 'fails',
    runtime,
  },
  {
    id: `${ID}/better`,
    title: 'max_restarts: 5, max_seconds: 30 escalates a child that can never succeed',
    claim: "If 5 crashes in 30 seconds isn't enough, the problem is the child, not the limit",
    input: brokenForGood,
    program: program({ maxRestarts: 5, maxSeconds: 30 }, 60_000),
    check: escalatesPersistentFailure(5, 30),
    expect: 'holds',
    runtime,
  },
];
