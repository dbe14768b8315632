import { describe, expect, it } from 'vitest';
import { checkTarget } from '../../src/harness/checkTarget.js';
import { replayToken } from '../../src/harness/replay.js';
import { toJsonLines, type Json } from '../../src/index.js';
import { formatFailure } from '../../src/report/failure.js';
import type { Target } from '../../src/harness/Target.js';
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
