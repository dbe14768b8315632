/**
 * `beamcheck/vitest`: register beamcheck properties as vitest tests.
 *
 * ```ts
 * import { testProperty, testReplay } from 'beamcheck/vitest';
 * testProperty(myTarget, { numRuns: 200 });                 // fails with the full report and replay token
 * testReplay('the lost update stays fixed', token, myTarget); // a pinned counterexample must now hold
 * ```
 */
import { expect, test } from 'vitest';
import { assertProperty, replayTarget, type AssertOptions } from './harness/assert.js';
import type { AnyTarget } from './harness/Target.js';

/** A vitest test that checks `target` (both profiles unless `profiles` says otherwise). */
export function testProperty(target: AnyTarget, options: AssertOptions & { timeout?: number } = {}): void {
  const { timeout = 120_000, ...rest } = options;
  test(`${target.id}: ${target.title}`, () => {
    assertProperty(target, rest);
  }, timeout);
}

/**
 * A vitest test that replays a pinned token: by default it expects the check to hold now (a
 * regression test for a fixed bug); `expect: 'fails'` pins a known counterexample instead.
 */
export function testReplay(name: string, token: string, target: AnyTarget, expectation: 'holds' | 'fails' = 'holds'): void {
  test(name, () => {
    const { execution } = replayTarget(token, target);
    const verdict = execution.outcome.run.verdict;
    expect(verdict.kind, 'replay diverged: the program changed since the token was made').not.toBe('replay-diverged');
    expect(execution.result.ok ? 'holds' : `fails: ${(execution.result as { message: string }).message}`).toMatch(expectation === 'holds' ? /^holds$/ : /^fails/);
  });
}

export { assertProperty, replayTarget };
