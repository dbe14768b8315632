/**
 * Pattern 6 — automatic shutdown for pipeline supervisors.
 *
 * Why (seed): "auto_shutdown models 'this supervisor's job is done when its children finish.' It's
 * for finite work, not long-lived services."
 *
 * Claims checked against models/p06-auto-shutdown.ts (supervision.md rules 70–75): the supervisor
 * stops itself exactly when a significant child's exit ends in "mark stopped" and the mode says so
 * (any_significant: the first; all_significant: when none is left); terminate_child, strategy
 * terminations and restarts never trigger it; the stop terminates the rest newest first and exits
 * `:shutdown`. Elixir 1.14 drops the option (rule 27), so this runs under the current profile only.
 */
import { type Target } from '../src/index.js';
import { conforms } from './p03-supervision-strategies.js';
import { treeCase, treeProgram, type TreeCase } from './support/treeCase.js';

export const properties: Target<TreeCase>[] = [
  {
    id: 'p06-auto-shutdown:trigger',
    title: 'the supervisor shuts itself down exactly when its significant children say so',
    claim: ':any_significant stops on the first significant exit, :all_significant when all are gone',
    input: treeCase({ maxChildren: 4, startFailures: false, autoShutdown: ['any_significant', 'all_significant'] }, { maxFaults: 6 }).map((c) => ({
      ...c,
      tree: { ...c.tree, maxRestarts: 50 },
    })),
    program: (c) => treeProgram(c),
    check: conforms,
    semantics: ['current'],
    catches: ['auto-shutdown-ignored'],
  },
];
