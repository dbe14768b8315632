/**
 * Properties in a user's own test suite, in the spirit of `fc.assert`: `assertProperty(target)`
 * throws a `PropertyFailure` whose message is the whole failure report — what failed, the shrunk
 * input and schedule, the trace around the failure, the replay token and fast-check's
 * `{seed, path}` — and `replayTarget(token, target)` re-executes a pinned counterexample.
 */
import type { Semantics } from '../kernel/Runtime.js';
import { formatFailure } from '../report/failure.js';
import { decodeToken, TokenError } from '../scheduler/ReplayToken.js';
import { checkTarget, type CheckOptions, type Failure, type TargetReport } from './checkTarget.js';
import { replayRecord, type Replayed } from './replay.js';
import type { AnyTarget } from './Target.js';

export class PropertyFailure extends Error {
  constructor(
    readonly report: TargetReport,
    readonly failure: Failure,
  ) {
    super(formatFailure(report, failure));
    this.name = 'PropertyFailure';
  }

  get token(): string {
    return this.failure.token;
  }
}

export interface AssertOptions extends CheckOptions {
  /** Profiles to check (default: the target's, else both). */
  readonly profiles?: readonly Semantics[];
}

/** Checks `target` under each profile; throws PropertyFailure on the first counterexample. */
export function assertProperty(target: AnyTarget, options: AssertOptions = {}): TargetReport[] {
  const profiles = options.profiles ?? target.semantics ?? (['current', 'otp25'] as const);
  const reports: TargetReport[] = [];
  for (const semantics of profiles) {
    const report = checkTarget(target, { ...options, semantics });
    if (report.failure) throw new PropertyFailure(report, report.failure);
    reports.push(report);
  }
  return reports;
}

/** Re-executes the run a token recorded, with `target` as its program. */
export function replayTarget(token: string, target: AnyTarget): Replayed {
  const record = decodeToken(token);
  if (record.target !== target.id) throw new TokenError(`this token was made by target "${record.target}", not "${target.id}"`);
  return replayRecord(record, target);
}
