/** Shared helpers for tests: run a program under many seeds, collect observations. */
import { expect } from 'vitest';
import { caught, format, rescued, run, t, type Op, type RunResult, type RuntimeOptions, type Term } from '../src/index.js';
import type { ProcessBody } from '../src/index.js';

/** Runs `main` once per seed in `[0, seeds)` and returns every result. */
export function runSeeds(seeds: number, main: () => ProcessBody, options: RuntimeOptions = {}): RunResult[] {
  const out: RunResult[] = [];
  for (let seed = 0; seed < seeds; seed++) out.push(run(main(), { ...options, seed }));
  return out;
}

/** The set of distinct renderings of `values`, for "both orders happen" assertions. */
export function distinct<T>(values: readonly T[], key: (v: T) => string = (v) => (typeof v === 'string' ? v : JSON.stringify(v))): Set<string> {
  return new Set(values.map(key));
}

/**
 * Runs `body` as the root process under `seeds` seeds (default 40). `body` pushes observations
 * into `seen`; each run's observations come back printed as Elixir terms, with pids as `PID` and
 * refs as `REF` so that runs compare. Strings containing whitespace are notes and print verbatim.
 * A run that ends in divergence fails the test.
 */
export function observe(body: (seen: Term[]) => Op<unknown>, options: RuntimeOptions & { seeds?: number } = {}): string[][] {
  const { seeds = 40, ...rest } = options;
  const out: string[][] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const seen: Term[] = [];
    const result = run(() => body(seen), { seed, ...rest });
    if (result.verdict.kind === 'divergence') throw new Error(`seed ${seed}: ${result.verdict.detail}`);
    const show = (x: Term) => (typeof x === 'string' && /\s/.test(x) ? x : format(x));
    out.push(seen.map((x) => show(x).replace(/<0\.\d+\.0>/g, 'PID').replace(/#Ref<0\.\d+>/g, 'REF')));
  }
  return out;
}

/** Asserts every run recorded the same observations and returns them. */
export function always(runs: string[][]): string[] {
  const first = runs[0]!;
  runs.forEach((r, seed) => expect(r, `seed ${seed}`).toEqual(first));
  return first;
}

/** The distinct outcomes across runs (for "both interleavings happen" assertions). */
export function outcomes(runs: string[][]): Set<string> {
  return new Set(runs.map((r) => r.join(' | ')));
}

/**
 * An error as a test names it: the exception struct Elixir's `rescue` sees when there is one (a VM
 * `:function_clause` or `:undef` becomes `%FunctionClauseError{}` / `%UndefinedFunctionError{}`
 * with its module, function and arity), the raw error term otherwise.
 */
function errorTerm(e: unknown, raw: Term): Term {
  return rescued(e) ?? raw;
}

/** Runs `body`; returns `'no exit'`, the exit reason, or `{:error | :throw, value}` for other exceptions. */
export function* exitOf(body: () => Op<unknown>): Op<Term> {
  try {
    yield* body();
    return 'no exit';
  } catch (e) {
    const c = caught(e);
    return c.kind === 'exit' ? c.reason : t(c.kind, c.kind === 'error' ? errorTerm(e, c.error) : c.value);
  }
}

/** Runs `body`; returns its value, or `{:error, e}` / `{:exit, r}` / `{:throw, v}` for what it raised. */
export function* attempt(body: () => Op<unknown>): Op<Term> {
  try {
    return (yield* body()) as Term;
  } catch (e) {
    const c = caught(e);
    return t(c.kind, c.kind === 'exit' ? c.reason : c.kind === 'error' ? errorTerm(e, c.error) : c.value);
  }
}

/** What calling `f` throws (undefined when it returns). */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}
