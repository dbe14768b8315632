/** Shared helpers for tests: run a program under many seeds, collect observations. */
import { run, type RunResult, type RuntimeOptions } from '../src/index.js';
import type { ProcessBody } from '../src/index.js';

/** Runs `main` once per seed in `[0, seeds)` and returns every result. */
export function runSeeds(seeds: number, main: () => ProcessBody, options: RuntimeOptions = {}): RunResult[] {
  const out: RunResult[] = [];
  for (let seed = 0; seed < seeds; seed++) out.push(run(main(), { ...options, seed }));
  return out;
}

/** The set of distinct JSON renderings of `values`, for "both orders happen" assertions. */
export function distinct<T>(values: readonly T[], key: (v: T) => string = (v) => (typeof v === "string" ? v : JSON.stringify(v))): Set<string> {
  return new Set(values.map(key));
}
