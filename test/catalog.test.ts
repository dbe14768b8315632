/**
 * Every property and every scenario expectation of the catalog, as tests. Modest run counts by
 * default (npm test stays fast); `BEAMCHECK_LONG=1` runs 10,000 schedules per target, and
 * `BEAMCHECK_RUNS=N` any other count.
 */
import { describe, expect, it } from 'vitest';
import { checkTarget } from '../src/harness/checkTarget.js';
import { formatFailure } from '../src/report/failure.js';
import { PROPERTIES } from '../properties/index.js';
import { SCENARIOS } from '../scenarios/index.js';
import type { AnyTarget, Semantics } from '../src/index.js';

const LONG = process.env['BEAMCHECK_LONG'] === '1';
const RUNS = Number(process.env['BEAMCHECK_RUNS'] ?? (LONG ? 10_000 : 0));
const TIMEOUT = LONG ? 3_600_000 : 120_000;

function profiles(t: AnyTarget): readonly Semantics[] {
  return t.semantics ?? ['current', 'otp25'];
}

describe('properties hold', () => {
  for (const target of PROPERTIES) {
    for (const semantics of profiles(target)) {
      it(`${target.id} (${semantics})`, () => {
        const report = checkTarget(target, { numRuns: RUNS || 40, semantics });
        expect(report.failure ? formatFailure(report, report.failure) : 'holds').toBe('holds');
      }, TIMEOUT);
    }
  }
});

describe('scenario expectations', () => {
  for (const target of SCENARIOS) {
    const semantics = profiles(target)[0]!;
    if (target.expect === 'fails') {
      it(`${target.id}: a counterexample is found, shrunk and replayable (${semantics})`, () => {
        const report = checkTarget(target, { numRuns: RUNS || 1000, semantics });
        expect(report.failure, `${target.id} found no counterexample in ${report.numRuns} runs`).toBeDefined();
        expect(report.failure!.nondeterministic).toBe(false);
        expect(report.failure!.token.startsWith('bc1.')).toBe(true);
      }, TIMEOUT);
    } else {
      it(`${target.id}: holds (${semantics})`, () => {
        const report = checkTarget(target, { numRuns: RUNS || 40, semantics });
        expect(report.failure ? formatFailure(report, report.failure) : 'holds').toBe('holds');
      }, TIMEOUT);
    }
  }
});
