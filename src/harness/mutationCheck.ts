/**
 * The mutation check: runs the properties against each deliberately wrong runtime variant
 * (src/otp/mutations.ts) and reports which property catches it, after how many runs, and how small
 * the shrunk counterexample is. A mutation no property catches is a hole in the test suite.
 *
 * Only targets expected to hold are used (a scenario that fails anyway catches nothing). Targets
 * that declare the mutation in `catches` are tried first, then every other one.
 */
import type { Semantics } from '../kernel/Runtime.js';
import { MUTATIONS, type MutationInfo } from '../otp/mutations.js';
import { checkTarget, type Failure } from './checkTarget.js';
import type { AnyTarget } from './Target.js';

export interface MutationOutcome {
  readonly mutation: MutationInfo;
  readonly caught?: {
    readonly target: string;
    readonly semantics: Semantics;
    readonly runsToFailure: number;
    readonly failure: Failure;
  };
  /** Targets tried, in order, with the runs each took. */
  readonly tried: ReadonlyArray<{ target: string; semantics: Semantics; runs: number }>;
  readonly ms: number;
}

export interface MutationCheckOptions {
  /** Runs per target before giving up on it (default 1,000). */
  readonly numRuns?: number;
  readonly seed?: number;
  /** Try only the targets that declare the mutation in `catches` (default false). */
  readonly declaredOnly?: boolean;
  /** Wall-clock milliseconds for the outcome's `ms` (default `performance.now`), as in checkTarget. */
  readonly clock?: () => number;
}

function candidates(m: MutationInfo, targets: readonly AnyTarget[], declaredOnly: boolean): AnyTarget[] {
  const holding = targets.filter((t) => (t.expect ?? 'holds') === 'holds');
  const declared = holding.filter((t) => t.catches?.includes(m.id));
  return declaredOnly ? declared : [...declared, ...holding.filter((t) => !declared.includes(t))];
}

export function checkMutation(m: MutationInfo, targets: readonly AnyTarget[], options: MutationCheckOptions = {}): MutationOutcome {
  // Wall time for the report only (outside every run, like checkTarget's `ms`).
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const tried: Array<{ target: string; semantics: Semantics; runs: number }> = [];
  for (const target of candidates(m, targets, options.declaredOnly ?? false)) {
    for (const semantics of target.semantics ?? (['current', 'otp25'] as const)) {
      const report = checkTarget(target, { numRuns: options.numRuns ?? 1000, mutation: m.id, semantics, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
      tried.push({ target: target.id, semantics, runs: report.numRuns });
      if (report.failure) {
        return { mutation: m, caught: { target: target.id, semantics, runsToFailure: report.failure.runsToFailure, failure: report.failure }, tried, ms: clock() - started };
      }
    }
  }
  return { mutation: m, tried, ms: clock() - started };
}

export function checkMutations(targets: readonly AnyTarget[], ids: readonly string[] = [], options: MutationCheckOptions = {}): MutationOutcome[] {
  const chosen = ids.length === 0 ? MUTATIONS : MUTATIONS.filter((m) => ids.includes(m.id));
  return chosen.map((m) => checkMutation(m, targets, options));
}
