/**
 * The failure report, printed once per failure: what failed, the shrunk input and schedule, the
 * trace around the failure, one copy-paste line that reproduces it, and fast-check's
 * `{seed, path}`.
 */
import type { Failure, TargetReport } from '../harness/checkTarget.js';
import type { ChoiceLog } from '../scheduler/ChoiceSource.js';
import { renderText } from './text.js';

/** "14 decisions, 2 away from FIFO: #4 took 1 of 2, #9 took 2 of 3". */
export function describeSchedule(choices: ChoiceLog, limit = 12): string {
  const away: string[] = [];
  for (let i = 0; i < choices.length; i++) {
    const k = choices.index(i);
    if (k !== 0) away.push(`#${i + 1} took ${k} of ${choices.options(i)}`);
  }
  const head = `${choices.length} decision${choices.length === 1 ? '' : 's'}, ${away.length} away from FIFO`;
  if (away.length === 0) return `${head} (the FIFO schedule)`;
  const shown = away.slice(0, limit).join(', ');
  return `${head}: ${shown}${away.length > limit ? `, … ${away.length - limit} more` : ''}`;
}

export function replayCommand(token: string): string {
  return `npx beamcheck replay ${token}`;
}

/** The lines of a failure report (without colors), `context` trace events before the end. */
export function formatFailure(report: TargetReport, failure: Failure, context = 25): string {
  const run = failure.execution.outcome.run;
  const lines = [
    `✗ ${report.target.id}: ${report.target.title}`,
    `  failed: ${failure.message.replace(/\n/g, '\n          ')}`,
  ];
  if (failure.nondeterministic) lines.push('  WARNING: replaying this failure gave a different trace: the program is not deterministic');
  lines.push(
    `  found after ${failure.runsToFailure} run${failure.runsToFailure === 1 ? '' : 's'}, shrunk ${failure.shrinks} time${failure.shrinks === 1 ? '' : 's'} (semantics ${report.semantics}, strategy ${report.strategy})`,
    `  input: ${JSON.stringify(failure.input)}`,
    `  schedule: ${describeSchedule(run.choices)}; ${run.steps} steps, ${run.trace.length} trace events, ended ${run.verdict.kind} at ${run.time} ms`,
    `  trace (last ${Math.min(context, run.trace.length)} of ${run.trace.length} events):`,
    renderText(run.trace, { from: run.trace.length - context })
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n'),
    `  reproduce: ${replayCommand(failure.token)}`,
    `  fast-check: { seed: ${failure.fc.seed}, path: "${failure.fc.path}" }  (beamcheck run ${report.target.id} --seed ${failure.fc.seed} --path ${failure.fc.path})`,
  );
  return lines.join('\n');
}
