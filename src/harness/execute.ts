/**
 * Executes one target run: builds the program from its input and runs it under a given choice
 * source. This is the only place targets are run, for checking, shrinking and replaying alike, so
 * a replay reproduces exactly what the check saw.
 */
import type { ChoiceSource } from '../scheduler/ChoiceSource.js';
import type { RuntimeOptions, Semantics } from '../kernel/Runtime.js';
import { run } from '../kernel/run.js';
import type { CheckResult, Outcome, Target, TargetRuntime } from './Target.js';

export interface ExecuteOptions {
  readonly semantics: Semantics;
  readonly strategy: ChoiceSource;
  /** Seed for the guarded Math.random inside the run. */
  readonly seed: number;
  /** Test-only mutation id (see src/otp/mutations.ts). */
  readonly mutation?: string;
  readonly trace?: boolean;
  /** Overrides the target's runtime options (a replay uses the ones recorded in its token). */
  readonly runtime?: TargetRuntime;
}

export interface Execution<I> {
  readonly outcome: Outcome<I>;
  readonly result: CheckResult;
}

/** The runtime options a target run uses; recorded in replay tokens. */
export function runtimeOptionsOf<I>(target: Target<I>): RuntimeOptions {
  return { maxSteps: 200_000, maxDelay: 2, ...target.runtime };
}

export function execute<I>(target: Target<I>, input: I, options: ExecuteOptions): Execution<I> {
  const body = target.program(input);
  const result = run(body, {
    ...runtimeOptionsOf(target),
    ...options.runtime,
    semantics: options.semantics,
    strategy: options.strategy,
    seed: options.seed,
    trace: options.trace ?? true,
    ...(options.mutation !== undefined ? { mutation: options.mutation } : {}),
  });
  const outcome: Outcome<I> = { input, run: result, semantics: options.semantics };
  let checked: CheckResult;
  try {
    checked = target.check(outcome);
  } catch (e) {
    checked = { ok: false, message: `the check itself threw: ${e instanceof Error ? e.message : String(e)}` };
  }
  return { outcome, result: checked };
}
