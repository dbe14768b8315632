/**
 * Pattern 3 — supervision strategies.
 *
 * Why (seed): "Restart strategies model dependency graphs. Using :one_for_all for independent
 * workers causes unnecessary restarts … one_for_one: independent children; one_for_all: tightly
 * coupled children; rest_for_one: sequential dependencies."
 *
 * Claims checked against models/p03-supervision-strategies.ts (supervision.md rules 39–44):
 * - after any crash, the supervisor terminates exactly the model's siblings, newest first, one at a
 *   time, and starts exactly the model's children in start order;
 * - temporary siblings are removed, never restarted; a normal exit of a transient child or any exit
 *   of a temporary one touches no sibling.
 * The whole supervisor is replayed decision by decision (properties/support/supervisorConformance.ts).
 */
import { fails, holds, runProblem, type Target } from '../src/index.js';
import { checkSupervisor } from './support/supervisorConformance.js';
import { supervisorOf, treeCase, treeProgram, type TreeCase } from './support/treeCase.js';

function conforms(o: Parameters<Target<TreeCase>['check']>[0]) {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const who = supervisorOf(o.run.trace);
  if (!who) return fails('the supervisor did not start');
  const c = checkSupervisor(o.run.trace, who.sup, o.input.tree, who.root);
  return c.ok ? holds : fails(c.message);
}

export const properties: Target<TreeCase>[] = [
  {
    id: 'p03-supervision-strategies:restart-plan',
    title: 'every restart terminates and starts exactly the children the strategy names, in order',
    claim: 'one_for_one restarts the crashed child; one_for_all all children; rest_for_one the crashed child and those started after it',
    input: treeCase({ maxChildren: 5, startFailures: false }, { maxFaults: 6 }),
    program: (c) => treeProgram(c),
    check: conforms,
  },
  {
    id: 'p03-supervision-strategies:restart-plan-under-load',
    title: 'strategies stay exact over long crash sequences (high intensity, no escalation)',
    input: treeCase({ maxChildren: 4, startFailures: false }, { maxFaults: 12, kinds: ['crash', 'kill', 'signal'] }).map((c) => ({
      ...c,
      tree: { ...c.tree, maxRestarts: 1000 },
    })),
    program: (c) => treeProgram(c),
    check: conforms,
  },
];

export { conforms };
