/**
 * Pattern 11 — shutdown semantics: graceful termination.
 *
 * Why (seed): "Graceful shutdown enables cleanup… The timeout prevents hung processes from blocking
 * system shutdown indefinitely."
 *
 * Claims checked against models/p11-shutdown-semantics.ts (supervision.md rules 58–62, 64, 66):
 * - a stopping supervisor terminates its children newest first, one at a time;
 * - `:brutal_kill` never runs terminate/2; a trapping child with an integer shutdown completes its
 *   terminate/2 iff it takes less than the shutdown value, else it is killed (`shutdown_error
 *   :killed`); `:infinity` always waits; a child not trapping exits never runs terminate/2.
 */
import fc from 'fast-check';
import { fails, holds, isTagged, type Pid, type Target, type Term, type TraceEvent } from '../src/index.js';
import { shutdownOutcome } from '../models/p11-shutdown-semantics.js';
import { conforms } from './p03-supervision-strategies.js';
import { supervisorOf, treeCase, treeProgram, type TreeCase } from './support/treeCase.js';

/** The runtime's default maxDelay (ms), which these runs use. */
const MAX_DELAY = 2;

/** Trees that get stopped: a stop_supervisor fault at some time, crashes, slow terminate callbacks. */
const stoppedTree: fc.Arbitrary<TreeCase> = treeCase({ maxChildren: 5, startFailures: false }, { maxFaults: 3, kinds: ['crash'] }).chain((c) =>
  fc.integer({ min: 0, max: 3000 }).map((at) => ({
    ...c,
    tree: { ...c.tree, maxRestarts: 100 },
    faults: [...c.faults, { at, kind: 'stop_supervisor' as const }],
  })),
);

/**
 * For each incarnation the supervisor signals after it received the stop request: terminate/2
 * completes with reason :shutdown exactly when the model says so.
 */
function terminateMatchesModel(o: Parameters<Target<TreeCase>['check']>[0]) {
  const r = conforms(o);
  if (!r.ok) return r;
  const who = supervisorOf(o.run.trace)!;
  const trace = o.run.trace;
  const stop = trace.findIndex((e) => e.k === 'receive' && e.pid.id === who.sup.id && isTagged(e.msg, 'system', 3));
  if (stop < 0) return holds;
  const incarnationOf = new Map<number, { id: string; incarnation: number }>();
  const completed = new Set<string>();
  for (const e of trace) {
    if (e.k === 'report' && e.name === 'worker.start') incarnationOf.set(e.pid.id, e.data as { id: string; incarnation: number });
    if (e.k === 'report' && e.name === 'worker.terminate' && (e.data as { reason: Term }).reason === 'shutdown') {
      const d = e.data as { id: string; incarnation: number };
      completed.add(`${d.id}#${d.incarnation}`);
    }
  }
  const signalled = new Set<number>();
  for (let i = stop; i < trace.length; i++) {
    const e = trace[i]!;
    if (e.k !== 'signal' || e.kind !== 'exit' || e.from.id !== who.sup.id || signalled.has(e.to.id)) continue;
    signalled.add(e.to.id);
    const inc = incarnationOf.get(e.to.id);
    const plan = inc && o.input.tree.children.find((c) => c.id === inc.id);
    if (!inc || !plan) continue;
    // Within 2 × maxDelay of the deadline either outcome is legal: the :shutdown signal and the
    // :kill may each reach the child up to maxDelay late.
    if (typeof plan.shutdown === 'number' && Math.abs(plan.terminateMs - plan.shutdown) <= 2 * MAX_DELAY + 1) continue;
    // A child that was already crashing when the :shutdown reached it runs terminate/2 for its own
    // reason, started before the stop: the model's outcome is about a child stopped while running
    // (found by the 10,000-run property: c1 crashes at 4 ms as the supervisor is stopped).
    if (crashedBeforeShutdown(trace, e.to, who.sup, i)) continue;
    const expected = shutdownOutcome({ restart: plan.restart, shutdown: plan.shutdown, trapsExits: plan.trapExit, terminateMs: plan.terminateMs });
    const did = completed.has(`${inc.id}#${inc.incarnation}`);
    if (did !== expected.terminateCompletes) {
      return fails(
        `${inc.id} (shutdown ${String(plan.shutdown)}, traps exits: ${plan.trapExit}, terminate/2 takes ${plan.terminateMs} ms): terminate/2 ${did ? 'completed' : 'did not complete'}, the model says it ${expected.terminateCompletes ? 'completes' : 'does not'}`,
      );
    }
  }
  return holds;
}

/**
 * Whether `child` handled a `{:crash, reason}` fault before the supervisor's `:shutdown` (sent at
 * trace index `signalled`) reached it: as a message it received (a trapping child), or else
 * before the signal was sent.
 */
function crashedBeforeShutdown(trace: readonly TraceEvent[], child: Pid, sup: Pid, signalled: number): boolean {
  const received = (x: TraceEvent, tag: string, arity: number): x is Extract<TraceEvent, { k: 'receive' }> =>
    x.k === 'receive' && x.pid.id === child.id && isTagged(x.msg, tag, arity);
  const exitSeen = trace.findIndex((x, k) => k > signalled && received(x, 'EXIT', 3) && ((x.msg as Term[])[1] as Pid).id === sup.id);
  const limit = exitSeen < 0 ? signalled : exitSeen;
  return trace.some((x, k) => k < limit && received(x, 'crash', 2));
}

export const properties: Target<TreeCase>[] = [
  {
    id: 'p11-shutdown-semantics:stop-order-and-terminate',
    title: 'a stopping supervisor terminates newest first; terminate/2 runs exactly as the shutdown value allows',
    claim: ':brutal_kill — no cleanup; integer — :shutdown then :kill after the timeout; :infinity — wait forever',
    input: stoppedTree,
    program: (c) => treeProgram(c),
    check: terminateMatchesModel,
    catches: ['brutal-kill-runs-terminate', 'shutdown-timeout-ignored', 'shutdown-forward-order'],
  },
];
