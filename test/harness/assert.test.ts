/** The library API for users' own test suites: assertProperty, replayTarget, beamcheck/vitest. */
import { describe, expect, it } from 'vitest';
import { PropertyFailure, assertProperty, replayTarget } from '../../src/index.js';
import { testProperty, testReplay } from '../../src/vitest.js';
import { holds } from '../../src/harness/Target.js';
import { racyCounter, safeCounter } from './fixtures.js';

describe('assertProperty', () => {
  it('returns one report per profile when the property holds', () => {
    const reports = assertProperty(safeCounter, { numRuns: 30 });
    expect(reports.map((r) => r.semantics)).toEqual(['current', 'otp25']);
  });

  it('throws a PropertyFailure whose message carries the report, the token and {seed, path}', () => {
    let error: unknown;
    try {
      assertProperty(racyCounter, { numRuns: 200 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PropertyFailure);
    const f = error as PropertyFailure;
    expect(f.message).toContain('✗ test/racy-counter: concurrent read-modify-write loses no increment');
    expect(f.message).toContain(`npx beamcheck replay ${f.token}`);
    expect(f.message).toMatch(/fast-check: \{ seed: \d+, path: "[\d:]+" \}/);
    // The token replays the same failure with the target as its program.
    const replayed = replayTarget(f.token, racyCounter);
    expect(replayed.execution.result).toEqual({ ok: false, message: f.failure.message });
  });

  it('refuses a token made by another target', () => {
    let token = '';
    try {
      assertProperty(racyCounter, { numRuns: 200 });
    } catch (e) {
      token = (e as PropertyFailure).token;
    }
    expect(() => replayTarget(token, safeCounter)).toThrow('this token was made by target "test/racy-counter", not "test/safe-counter"');
  });
});

describe('beamcheck/vitest', () => {
  testProperty(safeCounter, { numRuns: 20 });
  let pinned = '';
  try {
    assertProperty(racyCounter, { numRuns: 200, profiles: ['current'] });
  } catch (e) {
    pinned = (e as PropertyFailure).token;
  }
  testReplay('a pinned counterexample of the racy counter still fails', pinned, racyCounter, 'fails');
  // The default expectation: the pinned schedule now holds (here the same program, its check fixed
  // to count what the lost update leaves).
  const fixed = { ...racyCounter, check: () => holds };
  testReplay('a pinned counterexample holds once the bug is fixed (default expectation)', pinned, fixed);
});

describe('testReplay judges the replayed run', () => {
  it('the default expectation needs the check to hold; "fails" needs it to fail', () => {
    let token = '';
    try {
      assertProperty(racyCounter, { numRuns: 200, profiles: ['current'] });
    } catch (e) {
      token = (e as PropertyFailure).token;
    }
    // What testReplay asserts, on the replays themselves.
    expect(replayTarget(token, racyCounter).execution.result.ok).toBe(false);
    expect(replayTarget(token, { ...racyCounter, check: () => holds }).execution.result.ok).toBe(true);
  });
});
