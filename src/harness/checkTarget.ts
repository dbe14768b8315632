/**
 * The runner: checks a target with fast-check, shrinks a failure to a minimal schedule, and turns
 * it into a report with a replay token.
 *
 * fast-check generates the target's input *and* the schedule. With the default `sequence`
 * strategy the schedule is a list of integers read by SequenceStrategy (choice i = list[i] mod n,
 * 0 — the FIFO choice — once the list is used up), so fast-check's own shrinking of the pair
 * shrinks the fault plan, the workload and the interleaving together, toward fewer faults and the
 * FIFO schedule. The `random` and `pct` strategies take a generated seed instead (the input still
 * shrinks; the interleaving only by seed).
 *
 * Every failure is reported with fast-check's `{seed, path}` (rerun the same property with them to
 * get the same counterexample) and beamcheck's replay token (the exact recorded choice log).
 */
import fc from 'fast-check';
import type { Semantics } from '../kernel/Runtime.js';
import type { ChoiceSource } from '../scheduler/ChoiceSource.js';
import { encodeToken } from '../scheduler/ReplayToken.js';
import { PctStrategy } from '../scheduler/strategies/PctStrategy.js';
import { RandomStrategy } from '../scheduler/strategies/RandomStrategy.js';
import { ReplayStrategy } from '../scheduler/strategies/ReplayStrategy.js';
import { SequenceStrategy } from '../scheduler/strategies/SequenceStrategy.js';
import { toJsonLines } from '../scheduler/Trace.js';
import type { Json } from '../term/json.js';
import { execute, runtimeOptionsOf, type Execution } from './execute.js';
import type { Target } from './Target.js';

export type StrategyName = 'sequence' | 'random' | 'pct';
export const STRATEGIES: readonly StrategyName[] = ['sequence', 'random', 'pct'];

/** Default fast-check seed: fixed, so that `beamcheck check` and CI give the same answer each time. */
export const DEFAULT_SEED = 42;

export interface CheckOptions {
  /** Schedules to try (default 100). */
  numRuns?: number;
  /** fast-check seed (default DEFAULT_SEED). */
  seed?: number;
  /** fast-check replay path of a previous failure (with its seed). */
  path?: string;
  semantics?: Semantics;
  strategy?: StrategyName;
  /** Longest generated schedule list for the `sequence` strategy (default 1,000 decisions). */
  scheduleLength?: number;
  /** Test-only: run a deliberately wrong runtime variant. */
  mutation?: string;
  /** Called after every run with the number of runs done. */
  onProgress?: (runsDone: number) => void;
  /**
   * Wall-clock milliseconds for the report's `ms` (default `performance.now`). Read before and
   * after the whole check, outside every run; the CLI passes its own clock so that tests can fix it.
   */
  clock?: () => number;
}

/** The schedule part of a generated case: a decision list, or a strategy seed. */
export type Schedule = { kind: 'sequence'; decisions: number[] } | { kind: 'random'; seed: number } | { kind: 'pct'; seed: number; depth: number };

export interface Failure {
  readonly message: string;
  readonly input: Json;
  /** The shrunk schedule as generated (decision list or seed). */
  readonly schedule: Schedule;
  /** Number of decisions the shrunk run actually made (length of its choice log). */
  readonly decisions: number;
  readonly steps: number;
  readonly execution: Execution<Json>;
  readonly token: string;
  /** fast-check's reproduction coordinates. */
  readonly fc: { seed: number; path: string };
  readonly runsToFailure: number;
  readonly shrinks: number;
  /** Replaying the token gave a different trace: a determinism bug in the program or the kernel. */
  readonly nondeterministic: boolean;
}

export interface TargetReport {
  readonly target: Target<Json>;
  readonly semantics: Semantics;
  readonly strategy: StrategyName;
  readonly numRuns: number;
  readonly ms: number;
  readonly failure?: Failure;
}

function scheduleArbitrary(strategy: StrategyName, length: number): fc.Arbitrary<Schedule> {
  switch (strategy) {
    case 'sequence':
      return fc
        .array(fc.nat({ max: 0xffff }), { maxLength: length, size: 'max' })
        .map((decisions): Schedule => ({ kind: 'sequence', decisions }));
    case 'random':
      return fc.nat().map((seed): Schedule => ({ kind: 'random', seed }));
    case 'pct':
      return fc.record({ seed: fc.nat(), depth: fc.integer({ min: 1, max: 5 }) }).map((r): Schedule => ({ kind: 'pct', ...r }));
  }
}

export function strategyFor(schedule: Schedule): ChoiceSource {
  switch (schedule.kind) {
    case 'sequence':
      return new SequenceStrategy(schedule.decisions);
    case 'random':
      return new RandomStrategy(schedule.seed);
    case 'pct':
      return new PctStrategy(schedule.seed, schedule.depth);
  }
}

class CheckFailed extends Error {}

/** Checks `target`; returns a report with the shrunk failure, if any. */
export function checkTarget(target: Target<Json>, options: CheckOptions = {}): TargetReport {
  const semantics = options.semantics ?? 'current';
  const strategy = options.strategy ?? 'sequence';
  const numRuns = options.numRuns ?? 100;
  const mutation = options.mutation;
  let runs = 0;
  // Wall time of the whole check, for the report's `ms` only: read outside every run (fake timers
  // are installed only inside `execute`), it never reaches a schedule, a trace or a token.
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const property = fc.property(target.input, scheduleArbitrary(strategy, options.scheduleLength ?? 1000), (input, schedule) => {
    const { result } = execute(target, input, { semantics, strategy: strategyFor(schedule), seed: 0, mutation, trace: true });
    runs++;
    options.onProgress?.(runs);
    if (!result.ok) throw new CheckFailed(result.message);
  });
  const details = fc.check(property, {
    numRuns,
    seed: options.seed ?? DEFAULT_SEED,
    ...(options.path !== undefined ? { path: options.path } : {}),
    endOnFailure: false,
  });
  const ms = clock() - started;
  const base = { target, semantics, strategy, numRuns: details.numRuns, ms };
  if (!details.failed || !details.counterexample) return base;
  const [input, schedule] = details.counterexample;
  const failure = describeFailure(target, input as Json, schedule, semantics, mutation, {
    seed: details.seed,
    path: details.counterexamplePath ?? '',
    runsToFailure: details.numRuns,
    shrinks: details.numShrinks,
  });
  return { ...base, failure };
}

/** Re-runs a shrunk counterexample, records its choice log and builds the replay token. */
export function describeFailure(
  target: Target<Json>,
  input: Json,
  schedule: Schedule,
  semantics: Semantics,
  mutation: string | undefined,
  coordinates: { seed: number; path: string; runsToFailure: number; shrinks: number },
): Failure {
  const execution = execute(target, input, { semantics, strategy: strategyFor(schedule), seed: 0, mutation });
  const run = execution.outcome.run;
  const token = tokenFor(target, input, semantics, mutation, execution);
  const replayed = execute(target, input, { semantics, strategy: new ReplayStrategy(run.choices), seed: 0, mutation });
  const nondeterministic =
    toJsonLines(replayed.outcome.run.trace) !== toJsonLines(run.trace) || replayed.result.ok !== execution.result.ok;
  return {
    message: execution.result.ok ? 'the failure did not reproduce when re-run (nondeterminism)' : execution.result.message,
    input,
    schedule,
    decisions: run.choices.length,
    steps: run.steps,
    execution,
    token,
    fc: { seed: coordinates.seed, path: coordinates.path },
    runsToFailure: coordinates.runsToFailure,
    shrinks: coordinates.shrinks,
    nondeterministic: nondeterministic || execution.result.ok,
  };
}

/** The replay token of an executed run. */
export function tokenFor(
  target: Target<Json>,
  input: Json,
  semantics: Semantics,
  mutation: string | undefined,
  execution: Execution<Json>,
): string {
  const { maxSteps, maxDelay, maxTime, maxProcesses, maxMailbox, delivery } = runtimeOptionsOf(target);
  const config: Record<string, Json> = {};
  for (const [k, v] of Object.entries({ maxSteps, maxDelay, maxTime, maxProcesses, maxMailbox, delivery })) if (v !== undefined) config[k] = v;
  if (mutation !== undefined) config['mutation'] = mutation;
  return encodeToken({ target: target.id, semantics, seed: 0, input, config, choices: execution.outcome.run.choices });
}
