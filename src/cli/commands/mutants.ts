/**
 * `beamcheck mutants [MUTATION…] [--runs N] [--json]`: the mutation check as a table — for each
 * deliberately wrong runtime variant, the property that catches it, the runs it took and the size
 * of the shrunk counterexample. Exit 0 when every mutation is caught.
 */
import { checkMutations, type MutationOutcome } from '../../harness/mutationCheck.js';
import { MUTATIONS } from '../../otp/mutations.js';
import { replayCommand } from '../../report/failure.js';
import type { Catalog } from '../catalog.js';
import type { Io } from '../io.js';
import { UsageError } from '../UsageError.js';

function row(o: MutationOutcome): string[] {
  const c = o.caught;
  if (!c) return [o.mutation.id, 'NOT CAUGHT', `${o.tried.reduce((s, t) => s + t.runs, 0)} runs over ${o.tried.length} targets`, '', ''];
  return [
    o.mutation.id,
    `${c.target} (${c.semantics})`,
    String(c.runsToFailure),
    String(c.failure.decisions),
    String(c.failure.execution.outcome.run.trace.length),
  ];
}

export function mutantsCommand(catalog: Catalog, io: Io, ids: readonly string[], numRuns: number, json: boolean): number {
  for (const id of ids) if (!MUTATIONS.some((m) => m.id === id)) throw new UsageError(`unknown mutation "${id}" (known: ${MUTATIONS.map((m) => m.id).join(', ')})`);
  const targets = catalog.all;
  const outcomes = checkMutations(targets, ids, { numRuns, clock: () => io.clock() });
  const missed = outcomes.filter((o) => !o.caught).length;
  if (json) {
    io.out(
      `${JSON.stringify(
        outcomes.map((o) => ({
          mutation: o.mutation.id,
          rule: o.mutation.rule,
          description: o.mutation.description,
          caught: o.caught
            ? {
                target: o.caught.target,
                semantics: o.caught.semantics,
                runsToFailure: o.caught.runsToFailure,
                shrunkDecisions: o.caught.failure.decisions,
                shrunkTraceEvents: o.caught.failure.execution.outcome.run.trace.length,
                message: o.caught.failure.message,
                token: o.caught.failure.token,
              }
            : null,
          ms: Math.round(o.ms),
        })),
        null,
        2,
      )}\n`,
    );
    return missed === 0 ? 0 : 1;
  }
  const header = ['mutation', 'caught by', 'runs', 'shrunk decisions', 'trace events'];
  const rows = outcomes.map(row);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  io.out(`${fmt(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of rows) io.out(`${fmt(r)}\n`);
  for (const o of outcomes) if (o.caught) io.out(`\n${o.mutation.id}: ${o.caught.failure.message.split('\n')[0]}\n  ${replayCommand(o.caught.failure.token)}\n`);
  io.out(`\n${missed === 0 ? '✓' : '✗'} ${outcomes.length - missed} of ${outcomes.length} mutations caught within ${numRuns} runs per target\n`);
  return missed === 0 ? 0 : 1;
}
