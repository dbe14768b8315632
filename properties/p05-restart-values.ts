/**
 * Pattern 5 — restart values: :permanent vs :transient vs :temporary.
 *
 * Why (seed): ":permanent is the safe default for anything that should always be running. Only use
 * :transient for processes that have a valid 'done' state, and :temporary for truly one-shot work."
 *
 * Claims checked against models/p05-restart-values.ts (supervision.md rules 37–38, 114–115): for
 * every exit reason (`:normal`, `:shutdown`, `{:shutdown, x}`, `:kill`, a crash) and restart value,
 * the supervisor reports and restarts exactly as the decision table says; a temporary child is
 * never restarted by any strategy; a permanent child is restarted even after `:normal`.
 */
import { fails, holds, type Target } from '../src/index.js';
import { conforms } from './p03-supervision-strategies.js';
import { treeCase, treeProgram, type TreeCase } from './support/treeCase.js';

export const properties: Target<TreeCase>[] = [
  {
    id: 'p05-restart-values:decision-table',
    title: 'each restart value reacts to each exit reason exactly as rule 37 says',
    claim: ':transient restarts only on abnormal exits; :temporary never restarts; :permanent always restarts',
    input: treeCase({ maxChildren: 4, startFailures: false, slowTerminate: false }, { maxFaults: 6, kinds: ['crash', 'signal', 'kill'] }).map(
      (c) => ({ ...c, tree: { ...c.tree, maxRestarts: 100 } }),
    ),
    program: (c) => treeProgram(c),
    check: conforms,
    catches: ['transient-restart-on-normal', 'temporary-restarted', 'permanent-normal-not-restarted'],
  },
  {
    id: 'p05-restart-values:temporary-never-restarts',
    title: 'a temporary child has exactly one incarnation, whatever happens to it or its siblings',
    input: treeCase({ maxChildren: 4, startFailures: false }, { maxFaults: 8 }),
    program: (c) => treeProgram(c),
    check: (o) => {
      const temporaries = new Set(o.input.tree.children.filter((c) => c.restart === 'temporary').map((c) => c.id));
      for (const e of o.run.trace) {
        if (e.k === 'report' && e.name === 'worker.start') {
          const d = e.data as { id: string; incarnation: number };
          if (temporaries.has(d.id) && d.incarnation > 1) return fails(`temporary child ${d.id} was started again (incarnation ${d.incarnation})`);
        }
      }
      return holds;
    },
    catches: ['temporary-restarted'],
  },
];
