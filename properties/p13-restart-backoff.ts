/**
 * Pattern 13 — restart logic and the `:try_again` path.
 *
 * Why (seed): "During network partitions or resource exhaustion, a child might fail to start
 * immediately but succeed seconds later. Instead of counting this as a restart (which would hit
 * intensity limits), the supervisor retries asynchronously. The :try_again path is separate from
 * the restart counter." — and: "Retry logic is for transient failures (network, resource
 * contention). For permanent errors (bad config, missing deps), fail fast so the operator can fix
 * the actual problem."
 *
 * The first claim is wrong about OTP: every retry goes through `add_restart` again and counts
 * toward intensity (supervision.md rules 46, 57, 93), and a retry is not delayed — it is the next
 * message the supervisor handles after those already queued (rules 45, 116). These properties
 * check what OTP really does, against models/p13-restart-backoff.ts:
 * - static supervisors (`:static-retries`): a failed restart writes `start_error`, leaves the child
 *   `{:restarting, _}` and casts `{:try_again_restart, id}`; each retry counts; one_for_all and
 *   rest_for_one retry the *failed* child's group (rule 49); `terminate_child` cancels a pending
 *   retry, `restart_child` / `delete_child` answer `{:error, :restarting}` (rules 50, 78–80);
 *   which_children shows `:restarting`; replayed decision by decision against the model;
 * - DynamicSupervisor (`:dynamic-retries`): the same through `{:"$gen_restart", old_pid}`, with
 *   `:ignore` from a restart removing the child and `start_error` naming `{:restarting, pid}`
 *   (rules 57, 89–93);
 * - rule 47 (`:persistent-failure`): a child whose start keeps failing gets exactly I attempts
 *   after a crash (intensity I, empty window), then the supervisor shuts down;
 * - rule 116 (`:queued-calls-first`): calls already queued when a retry is scheduled are served
 *   before it.
 */
import fc from 'fast-check';
import { fails, holds, isTagged, runProblem, type AnyTarget, type Outcome, type Target, type TermObject } from '../src/index.js';
import { retryOutcome } from '../models/p13-restart-backoff.js';
import { checkDynamicRetries, checkStaticRetries, queuedCallsServedFirst } from './support/retryConformance.js';
import {
  dynamicRetryCase,
  dynamicRetryProgram,
  retryCase,
  staticRetryProgram,
  supervisorOf,
  type DynamicRetryCase,
  type RetryCase,
} from './support/retryCase.js';
import type { StartOutcome } from './support/scriptedWorker.js';

function staticConforms(o: Outcome<RetryCase>) {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const who = supervisorOf(o.run.trace);
  if (!who) return fails('the supervisor did not start');
  const v = checkStaticRetries(o.run.trace, who.sup, who.root, o.input, o.semantics);
  return v.ok ? holds : fails(v.message);
}

function dynamicConforms(o: Outcome<DynamicRetryCase>) {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const who = supervisorOf(o.run.trace);
  if (!who) return fails('the DynamicSupervisor did not start');
  const v = checkDynamicRetries(o.run.trace, who.sup, who.root, o.input, o.semantics);
  return v.ok ? holds : fails(v.message);
}

/** One child, crashed once; its next `failures` starts fail in the given ways. */
interface PersistentCase {
  readonly maxRestarts: number;
  readonly maxSeconds: number;
  readonly crashAt: number;
  readonly failures: StartOutcome[];
}

const persistentCase: fc.Arbitrary<PersistentCase> = fc.record({
  maxRestarts: fc.integer({ min: 0, max: 6 }),
  maxSeconds: fc.integer({ min: 1, max: 5 }),
  crashAt: fc.integer({ min: 0, max: 3000 }),
  failures: fc.array(fc.constantFrom<StartOutcome>('error', 'stop', 'raise'), { minLength: 0, maxLength: 9 }),
});

function persistentProgram(c: PersistentCase) {
  const tree: RetryCase = {
    strategy: 'one_for_one',
    maxRestarts: c.maxRestarts,
    maxSeconds: c.maxSeconds,
    children: [{ id: 'c1', restart: 'permanent', shutdown: 5000, script: ['ok', ...c.failures], startMs: 0 }],
    commands: [{ at: c.crashAt, kind: 'kill', child: 'c1' }],
  };
  return staticRetryProgram(tree);
}

/** Rule 47: exactly min(I, failures + 1) attempts; shutdown iff failures >= I. */
function persistentCheck(o: Outcome<PersistentCase>) {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  if (!supervisorOf(o.run.trace)) return fails('the supervisor did not start');
  const c = o.input;
  const expected = retryOutcome(c.maxRestarts, c.maxSeconds, c.failures.length, c.crashAt);
  const trace = o.run.trace;
  const attempts = trace.filter(
    (e) => e.k === 'report' && (e.name === 'worker.start' || e.name === 'worker.start_failed') && ((e.data as TermObject)['incarnation'] as number) > 1,
  ).length;
  const gaveUp = trace.some((e) => e.k === 'report' && e.name === 'supervisor.shutdown');
  const errors = trace.filter((e) => e.k === 'report' && e.name === 'supervisor.start_error').length;
  const plan = `intensity ${c.maxRestarts} in ${c.maxSeconds} s, a crash at ${c.crashAt} ms, then ${c.failures.length} failing start(s)`;
  if (attempts !== expected.attempts.length || gaveUp !== expected.supervisorShutdown) {
    return fails(
      `${plan}: the supervisor made ${attempts} restart attempt(s) (${errors} start_error) and ${gaveUp ? 'gave up' : 'did not give up'}; rule 47 says ${expected.attempts.length} attempt(s), ${expected.supervisorShutdown ? 'then reached_max_restart_intensity' : 'the last one succeeding'} — every try_again retry counts toward intensity`,
    );
  }
  return holds;
}

const runtime = { maxSteps: 400_000 };

const persistentFailure: Target<PersistentCase> = {
  id: 'p13-restart-backoff:persistent-failure',
  title: 'a child whose start keeps failing gets exactly max_restarts attempts, then the supervisor shuts down',
  claim: 'The :try_again path is separate from the restart counter (wrong: every retry counts, rule 47)',
  input: persistentCase,
  program: persistentProgram,
  check: persistentCheck,
  catches: ['failed-restart-not-counted'],
  runtime,
};

const staticRetries: Target<RetryCase> = {
  id: 'p13-restart-backoff:static-retries',
  title: 'Supervisor: failed restarts, try_again retries and API calls, decision by decision against the model',
  claim: 'a failed start leaves the child {:restarting, _} and is retried through the supervisor’s mailbox; each retry counts',
  input: retryCase(),
  program: (c: RetryCase) => staticRetryProgram(c),
  check: staticConforms,
  catches: ['failed-restart-not-counted'],
  runtime,
};

const dynamicRetries: Target<DynamicRetryCase> = {
  id: 'p13-restart-backoff:dynamic-retries',
  title: 'DynamicSupervisor: failed restarts retried through {:"$gen_restart", pid}, each one counted',
  input: dynamicRetryCase(),
  program: (c: DynamicRetryCase) => dynamicRetryProgram(c),
  check: dynamicConforms,
  runtime,
};

const queuedCallsFirst: Target<RetryCase> = {
  id: 'p13-restart-backoff:queued-calls-first',
  title: 'calls already queued when a retry is scheduled are served before the retry (rule 116)',
  input: retryCase({ maxCommands: 10 }),
  program: (c: RetryCase) => staticRetryProgram(c),
  check: (o: Outcome<RetryCase>) => {
    const problem = runProblem(o);
    if (problem) return fails(problem);
    const who = supervisorOf(o.run.trace);
    if (!who) return fails('the supervisor did not start');
    const late = queuedCallsServedFirst(o.run.trace, who.sup, (m) => isTagged(m, '$gen_cast', 2) && isTagged(m[1], 'try_again_restart', 2));
    return late ? fails(late) : holds;
  },
  runtime,
};

export const properties: AnyTarget[] = [persistentFailure, staticRetries, dynamicRetries, queuedCallsFirst];
