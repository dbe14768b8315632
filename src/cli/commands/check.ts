/**
 * `beamcheck check [TARGET…]` and `beamcheck run TARGET`: check targets and judge each against its
 * expectation. A target expected to hold must survive every schedule; a target the pattern calls
 * wrong (`expect: 'fails'`) must yield a counterexample, which is shrunk and printed with its
 * replay token. Exit 0 when every expectation is met, 1 otherwise.
 */
import { checkTarget, type CheckOptions, type TargetReport } from '../../harness/checkTarget.js';
import type { AnyTarget } from '../../harness/Target.js';
import type { Semantics } from '../../kernel/Runtime.js';
import { formatFailure, replayCommand } from '../../report/failure.js';
import type { Io } from '../io.js';
import { Progress } from '../io.js';
import { junitXml } from '../junit.js';

export interface TargetVerdict {
  readonly id: string;
  readonly title: string;
  readonly expect: 'holds' | 'fails';
  /** `holds`, `counterexample` (found), `skipped` (profile not applicable). */
  readonly outcome: 'holds' | 'counterexample' | 'skipped';
  /** Whether the outcome meets the expectation. */
  readonly ok: boolean;
  readonly runs: number;
  readonly ms: number;
  readonly report?: TargetReport;
  /** `run` only: the target's own expectation, when it is `fails` (a variant its pattern calls wrong). */
  readonly predicted?: 'fails';
}

export interface CheckCommandOptions extends CheckOptions {
  readonly json: boolean;
  readonly junit?: string;
  /** `run`: judge by the property alone (a counterexample is a failure) and print it in full. */
  readonly single?: boolean;
}

function judge(target: AnyTarget, semantics: Semantics, options: CheckCommandOptions, progress: Progress, io: Io): TargetVerdict {
  const expect = options.single ? 'holds' : (target.expect ?? 'holds');
  const base = { id: target.id, title: target.title, expect, ...(options.single && target.expect === 'fails' ? { predicted: 'fails' as const } : {}) };
  if (target.semantics && !target.semantics.includes(semantics)) {
    return { ...base, outcome: 'skipped', ok: true, runs: 0, ms: 0 };
  }
  progress.target(target.id);
  const report = checkTarget(target, { ...options, semantics, onProgress: () => progress.tick(), clock: () => io.clock() });
  const outcome = report.failure ? 'counterexample' : 'holds';
  const ok = outcome === 'holds' ? expect === 'holds' : expect === 'fails' && !report.failure!.nondeterministic;
  return { ...base, outcome, ok, runs: report.numRuns, ms: report.ms, report };
}

function line(v: TargetVerdict): string {
  const mark = v.ok ? '✓' : '✗';
  const timing = `${v.runs} schedule${v.runs === 1 ? '' : 's'}, ${Math.round(v.ms)} ms`;
  if (v.outcome === 'skipped') return `- ${v.id}  skipped (not applicable to this semantics profile)`;
  if (v.outcome === 'holds') {
    return v.ok ? `${mark} ${v.id}  holds (${timing})` : `${mark} ${v.id}  UNEXPECTED: no counterexample in ${timing}`;
  }
  const f = v.report!.failure!;
  const events = f.execution.outcome.run.trace.length;
  const shrunk = `after ${f.runsToFailure} run${f.runsToFailure === 1 ? '' : 's'}, shrunk to ${f.decisions} decisions / ${events} trace events`;
  if (v.ok) return `${mark} ${v.id}  counterexample found as expected (${shrunk})\n    ${f.message.split('\n')[0]}\n    ${replayCommand(f.token)}`;
  // `run` judges by the property alone: a counterexample fails it, expected or not.
  if (v.predicted === 'fails') return `${mark} ${v.id}  counterexample (${shrunk}), as its pattern predicts`;
  return `${mark} ${v.id}  UNEXPECTED counterexample (${shrunk})`;
}

function jsonOf(v: TargetVerdict): object {
  const f = v.report?.failure;
  return {
    id: v.id,
    title: v.title,
    expect: v.expect,
    outcome: v.outcome,
    ok: v.ok,
    runs: v.runs,
    ms: Math.round(v.ms),
    ...(f
      ? {
          counterexample: {
            message: f.message,
            input: f.input,
            decisions: f.decisions,
            steps: f.steps,
            traceEvents: f.execution.outcome.run.trace.length,
            runsToFailure: f.runsToFailure,
            shrinks: f.shrinks,
            nondeterministic: f.nondeterministic,
            token: f.token,
            fastCheck: f.fc,
          },
        }
      : {}),
  };
}

export function checkCommand(targets: readonly AnyTarget[], io: Io, options: CheckCommandOptions): number {
  const semantics = options.semantics ?? 'current';
  const progress = new Progress(io);
  const verdicts: TargetVerdict[] = [];
  for (const target of targets) {
    const v = judge(target, semantics, options, progress, io);
    verdicts.push(v);
    if (options.json) continue;
    progress.clear();
    io.out(`${line(v)}\n`);
    const failure = v.report?.failure;
    if (failure && (!v.ok || options.single)) io.out(`${formatFailure(v.report!, failure)}\n`);
  }
  progress.clear();
  const failed = verdicts.filter((v) => !v.ok).length;
  if (options.json) {
    io.out(`${JSON.stringify({ semantics, strategy: options.strategy ?? 'sequence', ok: failed === 0, targets: verdicts.map(jsonOf) }, null, 2)}\n`);
  } else if (!options.single) {
    const summary = `${verdicts.length - failed} of ${verdicts.length} target${verdicts.length === 1 ? '' : 's'} met expectations (semantics ${semantics})`;
    io.out(`\n${failed === 0 ? '✓' : '✗'} ${summary}\n`);
  }
  if (options.junit) io.writeFile(options.junit, junitXml(verdicts, semantics));
  return failed === 0 ? 0 : 1;
}
