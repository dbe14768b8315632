/**
 * Pattern 4 — restart intensity (max_restarts / max_seconds).
 *
 * Why (seed): "Restart intensity is a circuit breaker, not a throttle. It should escalate systemic
 * failures, not suppress them."
 *
 * Claims checked against models/p04-restart-intensity.ts (supervision.md rules 51–55):
 * - the supervisor restarts while, counting the new restart, at most `max_restarts` restarts fall
 *   in the window of whole seconds `[now - max_seconds, now]` (inclusive), and escalates exactly on
 *   the first restart that would exceed it: report `reached_max_restart_intensity`, stop every
 *   other child newest first, exit `:shutdown`;
 * - only real restarts count: normal exits of transient children and all exits of temporary ones
 *   never do.
 */
import fc from 'fast-check';
import { arbitraries, fails, holds, type Fault, type Target } from '../src/index.js';
import { conforms } from './p03-supervision-strategies.js';
import { treeCase, type TreeCase } from './support/treeCase.js';
import { treeProgram } from './support/treeCase.js';

/** Crash bursts around whole-second boundaries: the inclusive edge of rule 52 is where bugs hide. */
function burstAround(ids: readonly string[], period: number): fc.Arbitrary<Fault[]> {
  const edge = fc.integer({ min: 0, max: period + 2 }).chain((s) =>
    fc.constantFrom(s * 1000 - 1, s * 1000, s * 1000 + 1, s * 1000 + 500).map((at) => Math.max(0, at)),
  );
  return fc.array(
    fc.record({ at: edge, kind: fc.constant('crash' as const), child: fc.constantFrom(...ids), reason: arbitraries.reason }),
    { minLength: 1, maxLength: 8 },
  );
}

const windowCase: fc.Arbitrary<TreeCase> = arbitraries
  .tree({ maxChildren: 3, startFailures: false, slowTerminate: false, strategies: ['one_for_one'] })
  .chain((tree) => burstAround(tree.children.map((c) => c.id), tree.maxSeconds).map((faults) => ({ tree, faults })));

export const properties: Target<TreeCase>[] = [
  {
    id: 'p04-restart-intensity:escalation',
    title: 'the supervisor escalates exactly when the restart window is exceeded',
    claim: 'If a child exceeds max_restarts within max_seconds, the supervisor itself shuts down',
    input: windowCase,
    program: (c) => treeProgram(c),
    check: conforms,
    catches: ['intensity-off-by-one', 'intensity-window-exclusive'],
  },
  {
    id: 'p04-restart-intensity:only-restarts-count',
    title: 'only real restarts count toward intensity, with any strategy and any fault',
    input: treeCase({ maxChildren: 4, startFailures: false }, { maxFaults: 8, kinds: ['crash', 'kill', 'signal', 'terminate_child', 'restart_child'] }),
    program: (c) => treeProgram(c),
    check: conforms,
  },
  {
    id: 'p04-restart-intensity:zero',
    title: 'max_restarts 0: the first restart escalates, no restart is attempted (rule 53)',
    input: windowCase.map((c) => ({ ...c, tree: { ...c.tree, maxRestarts: 0 } })),
    program: (c) => treeProgram(c),
    check: (o) => {
      const r = conforms(o);
      if (!r.ok) return r;
      const restarts = o.run.trace.filter((e) => e.k === 'report' && e.name === 'worker.start' && (e.data as { incarnation: number }).incarnation > 1);
      return restarts.length === 0 ? holds : fails(`max_restarts 0 restarted a child ${restarts.length} time(s)`);
    },
  },
];
