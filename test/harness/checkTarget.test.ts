import { describe, expect, it } from 'vitest';
import { checkTarget } from '../../src/harness/checkTarget.js';
import { replayToken } from '../../src/harness/replay.js';
import { toJsonLines, type Json } from '../../src/index.js';
import { formatFailure } from '../../src/report/failure.js';
import { fails, holds, type Target } from '../../src/harness/Target.js';
import { racyCounter, safeCounter } from './fixtures.js';

const racy = racyCounter as unknown as Target<Json>;
const safe = safeCounter as unknown as Target<Json>;
const targets = new Map([racy, safe].map((x) => [x.id, x]));

describe('checkTarget', () => {
  it('finds and shrinks the lost update to two workers and a minimal interleaving', () => {
    const report = checkTarget(racy, { numRuns: 200 });
    const failure = report.failure!;
    expect(failure).toBeDefined();
    expect(failure.input).toEqual({ workers: 2, atomic: false });
    expect(failure.message).toBe('expected 2 increments, counted 1');
    expect(failure.nondeterministic).toBe(false);
    // Shrinking reached a schedule that is FIFO except for very few decisions.
    const away = failure.execution.outcome.run.choices.indices().filter((k) => k !== 0).length;
    expect(away).toBeLessThanOrEqual(3);
    const text = formatFailure(report, failure);
    expect(text).toContain('reproduce: npx beamcheck replay bc1.');
    expect(text).toContain(`fast-check: { seed: ${failure.fc.seed}, path: "${failure.fc.path}" }`);
  });

  it('the printed replay token reproduces the same failing run, byte for byte', () => {
    const failure = checkTarget(racy, { numRuns: 200 }).failure!;
    const replayed = replayToken(failure.token, (id) => targets.get(id));
    expect(replayed.execution.result).toEqual({ ok: false, message: failure.message });
    expect(toJsonLines(replayed.execution.outcome.run.trace)).toBe(toJsonLines(failure.execution.outcome.run.trace));
  });

  it('the printed fast-check {seed, path} reproduces the same counterexample', () => {
    const failure = checkTarget(racy, { numRuns: 200 }).failure!;
    const again = checkTarget(racy, { numRuns: 200, seed: failure.fc.seed, path: failure.fc.path }).failure!;
    expect(again.input).toEqual(failure.input);
    expect(again.schedule).toEqual(failure.schedule);
    expect(toJsonLines(again.execution.outcome.run.trace)).toBe(toJsonLines(failure.execution.outcome.run.trace));
  });

  it('a target that holds reports no failure over all its runs', () => {
    const report = checkTarget(safe, { numRuns: 100 });
    expect(report.failure).toBeUndefined();
    expect(report.numRuns).toBe(100);
  });

  it('the random and pct strategies also find the race and give replayable tokens', () => {
    for (const strategy of ['random', 'pct'] as const) {
      const failure = checkTarget(racy, { numRuns: 300, strategy }).failure!;
      expect(failure, strategy).toBeDefined();
      const replayed = replayToken(failure.token, (id) => targets.get(id));
      expect(replayed.execution.result.ok).toBe(false);
    }
  });
});

describe('checkTarget: checks that throw, flaky checks, recorded runtime options', () => {
  it('a check that throws is a failure whose message says so (an Error or any other value); the token replays it', () => {
    const throwing: Target<Json> = { ...safe, id: 'test/throwing', check: () => { throw new Error('no such field'); } };
    const failure = checkTarget(throwing, { numRuns: 5 }).failure!;
    expect(failure.message).toBe('the check itself threw: no such field');
    expect(failure.nondeterministic).toBe(false);
    expect(replayToken(failure.token, () => throwing).execution.result).toEqual({ ok: false, message: 'the check itself threw: no such field' });
    const throwingValue: Target<Json> = { ...safe, id: 'test/throwing-value', check: () => { throw 42; } };
    expect(checkTarget(throwingValue, { numRuns: 5 }).failure!.message).toBe('the check itself threw: 42');
  });

  it('a check that fails once and then holds: the failure is marked nondeterministic and the report warns', () => {
    let calls = 0;
    const flaky: Target<Json> = { ...safe, id: 'test/flaky', check: () => (++calls === 1 ? fails('first time only') : holds) };
    const report = checkTarget(flaky, { numRuns: 20 });
    const failure = report.failure!;
    expect(failure.message).toBe('the failure did not reproduce when re-run (nondeterminism)');
    expect(failure.nondeterministic).toBe(true);
    expect(failure.runsToFailure).toBe(1);
    expect(failure.shrinks).toBe(0);
    const text = formatFailure(report, failure).split('\n');
    expect(text[1]).toBe('  failed: the failure did not reproduce when re-run (nondeterminism)');
    expect(text[2]).toBe('  WARNING: replaying this failure gave a different trace: the program is not deterministic');
    // Singular "run", plural "times" for 0.
    expect(text[3]).toBe('  found after 1 run, shrunk 0 times (semantics current, strategy sequence)');
    // A deterministic failure has no warning.
    expect(formatFailure(checkTarget(racy, { numRuns: 200 }), checkTarget(racy, { numRuns: 200 }).failure!)).not.toContain('WARNING');
  });

  it('the delivery a target runs with is recorded in the token: the replay uses it, whatever the target now says', () => {
    for (const delivery of ['pair', 'node'] as const) {
      const target: Target<Json> = { ...racy, id: `test/racy-${delivery}`, runtime: { delivery } };
      const failure = checkTarget(target, { numRuns: 200 }).failure!;
      expect(failure.nondeterministic, delivery).toBe(false);
      // Replayed against the same target without runtime options (the default delivery is 'node').
      const replayed = replayToken(failure.token, () => ({ ...target, runtime: {} }));
      expect(replayed.execution.outcome.run.verdict.kind, delivery).not.toBe('replay-diverged');
      expect(replayed.execution.result, delivery).toEqual({ ok: false, message: failure.message });
      expect(toJsonLines(replayed.execution.outcome.run.trace), delivery).toBe(toJsonLines(failure.execution.outcome.run.trace));
    }
  });
});
