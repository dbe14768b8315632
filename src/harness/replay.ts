/**
 * Replaying a token: decode it, find the target it names, rebuild the program from the recorded
 * input and run it under ReplayStrategy with the recorded choice log, semantics, runtime options and
 * mutation. The result is the same run, byte for byte, as the one that produced the token.
 */
import { decodeToken, TokenError, type ReplayRecord } from '../scheduler/ReplayToken.js';
import { ReplayStrategy } from '../scheduler/strategies/ReplayStrategy.js';
import type { Json } from '../term/json.js';
import { execute, type Execution } from './execute.js';
import type { Target, TargetRuntime } from './Target.js';

export interface Replayed {
  readonly record: ReplayRecord;
  readonly target: Target<Json>;
  readonly execution: Execution<Json>;
  readonly mutation: string | undefined;
}

function numberField(config: Json, key: string): number | undefined {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return undefined;
  const v = (config as Record<string, Json>)[key];
  return typeof v === 'number' ? v : undefined;
}

/** Runtime options and mutation recorded in a token. */
export function recordedRuntime(record: ReplayRecord): { runtime: TargetRuntime; mutation: string | undefined } {
  const runtime: Record<string, number | string> = {};
  for (const key of ['maxSteps', 'maxDelay', 'maxTime', 'maxProcesses', 'maxMailbox']) {
    const v = numberField(record.config, key);
    if (v !== undefined) runtime[key] = v;
  }
  const config = record.config;
  if (config !== null && typeof config === 'object' && !Array.isArray(config) && (config['delivery'] === 'node' || config['delivery'] === 'pair')) {
    (runtime as TargetRuntime).delivery = config['delivery'];
  }
  const mutation =
    config !== null && typeof config === 'object' && !Array.isArray(config) && typeof config['mutation'] === 'string'
      ? config['mutation']
      : undefined;
  return { runtime: runtime as TargetRuntime, mutation };
}

/** Replays `token` against the target it names; throws TokenError for bad tokens or unknown targets. */
export function replayToken(token: string, resolve: (id: string) => Target<Json> | undefined): Replayed {
  const record = decodeToken(token);
  const target = resolve(record.target);
  if (!target) throw new TokenError(`replay token names an unknown target "${record.target}"`);
  return replayRecord(record, target);
}

export function replayRecord(record: ReplayRecord, target: Target<Json>): Replayed {
  const { runtime, mutation } = recordedRuntime(record);
  const execution = execute(target, record.input, {
    semantics: record.semantics,
    strategy: new ReplayStrategy(record.choices),
    seed: record.seed,
    runtime,
    ...(mutation !== undefined ? { mutation } : {}),
  });
  return { record, target, execution, mutation };
}
