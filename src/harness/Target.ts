/**
 * A target is one checkable claim: a program built from a generated input, and a check over the
 * run's observable outcome. Pattern properties, scenario variants and users' own regression
 * properties are all targets, so one runner, one report format and one replay path serve them all.
 *
 * The input must be JSON (it is carried inside replay tokens); the schedule is not part of the
 * input: the runner generates it separately so that fast-check shrinks faults, workload and
 * interleaving together.
 */
import type fc from 'fast-check';
import type { ProcessBody } from '../kernel/effects.js';
import type { RunResult } from '../kernel/run.js';
import type { RuntimeOptions, Semantics } from '../kernel/Runtime.js';
import type { Json } from '../term/json.js';

/** What a check sees: the input the program was built from and the finished run. */
export interface Outcome<I> {
  readonly input: I;
  readonly run: RunResult;
  readonly semantics: Semantics;
}

/** A check's answer: hold, or fail with a one-paragraph explanation. */
export type CheckResult = { ok: true } | { ok: false; message: string };

export const holds: CheckResult = { ok: true };
export function fails(message: string): CheckResult {
  return { ok: false, message };
}

/**
 * Why a run proves nothing about a claim: it ran out of budget (`divergence`) or its replay left
 * the recorded schedule (`replay-diverged`). `null` for a run that ended otherwise (completed,
 * quiescent, at the horizon), whose trace a check can judge. Checks start with
 * `const problem = runProblem(o); if (problem) return fails(problem);`.
 */
export function runProblem(o: Outcome<unknown>): string | null {
  const v = o.run.verdict;
  if (v.kind === 'divergence' || v.kind === 'replay-diverged') return `the run ended with ${v.kind}: ${v.detail}`;
  return null;
}

/** Options a target fixes for its runs (horizon, delays, budgets). */
export type TargetRuntime = Pick<RuntimeOptions, 'maxDelay' | 'maxTime' | 'maxSteps' | 'maxProcesses' | 'maxMailbox' | 'delivery'>;

export interface Target<I = Json> {
  /** Stable id, used in CLI targets and replay tokens: `p04-restart-intensity/before`. */
  readonly id: string;
  /** One line: what is checked. */
  readonly title: string;
  /** The pattern's claim this target demonstrates (the seed's "Why: …"), when there is one. */
  readonly claim?: string;
  /** Generates the program's input (fault plan, workload, latencies). JSON only. */
  readonly input: fc.Arbitrary<I>;
  /** Builds the root process from an input. Must be deterministic. */
  readonly program: (input: I) => ProcessBody;
  /** Judges one run. */
  readonly check: (outcome: Outcome<I>) => CheckResult;
  /** Whether the claim should hold in every schedule (`holds`) or the harness must find a counterexample (`fails`). */
  readonly expect?: 'holds' | 'fails';
  /** Semantics profiles the target applies to (default both). */
  readonly semantics?: readonly Semantics[];
  readonly runtime?: TargetRuntime;
  /** Mutations (src/otp/mutations.ts) this target is designed to catch; the mutation check tries it first for them. */
  readonly catches?: readonly string[];
}

/** A target of any input type, for collections of targets. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTarget = Target<any>;
