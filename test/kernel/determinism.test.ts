/**
 * Determinism is the product: the same seed and choices give a byte-identical trace, and a recorded
 * choice log replays the run exactly. Runs over 1,000 seeds, in CI.
 */
import { describe, expect, it } from 'vitest';
import { ChoiceLog, ReplayStrategy, RandomStrategy, PctStrategy, run, toJsonLines } from '../../src/index.js';
import { decodeToken, encodeToken } from '../../src/scheduler/ReplayToken.js';
import { chaos } from './chaos.js';

describe('determinism', () => {
  it('1,000 seeds: two runs of the same seed give byte-identical traces, and replaying the log does too', () => {
    const kinds = new Set<string>();
    let totalEvents = 0;
    for (let seed = 0; seed < 1000; seed++) {
      const a = run(chaos(), { seed });
      const b = run(chaos(), { seed });
      const ja = toJsonLines(a.trace);
      expect(toJsonLines(b.trace)).toBe(ja);
      const replayed = run(chaos(), { seed, strategy: new ReplayStrategy(a.choices) });
      expect(replayed.verdict.kind).not.toBe('replay-diverged');
      expect(toJsonLines(replayed.trace)).toBe(ja);
      for (const e of a.trace) kinds.add(e.k);
      totalEvents += a.trace.length;
    }
    // The program really exercises the kernel: most event kinds appear.
    for (const k of ['spawn', 'send', 'deliver', 'receive', 'timeout', 'exit', 'link', 'monitor', 'signal', 'drop', 'timer_start', 'timer_fire', 'timer_cancel', 'killed_by', 'choose', 'register', 'clock']) {
      expect(kinds, k).toContain(k);
    }
    expect(totalEvents).toBeGreaterThan(100_000);
  });

  it('different seeds explore different schedules', () => {
    const traces = new Set<string>();
    for (let seed = 0; seed < 50; seed++) traces.add(toJsonLines(run(chaos(), { seed }).trace));
    expect(traces.size).toBeGreaterThan(45);
  });

  it('a replay token round-trips and reproduces the trace byte for byte', () => {
    for (let seed = 0; seed < 50; seed++) {
      const a = run(chaos(), { seed, semantics: seed % 2 ? 'otp25' : 'current' });
      const token = encodeToken({
        target: 'test:chaos',
        semantics: seed % 2 ? 'otp25' : 'current',
        seed,
        input: { workers: 5 },
        config: { maxDelay: 2 },
        choices: a.choices,
      });
      const back = decodeToken(token);
      expect(back.target).toBe('test:chaos');
      expect(back.seed).toBe(seed);
      expect(back.input).toEqual({ workers: 5 });
      expect(back.choices.flat).toEqual(a.choices.flat);
      const b = run(chaos(), { seed: back.seed, semantics: back.semantics, strategy: new ReplayStrategy(back.choices) });
      expect(toJsonLines(b.trace)).toBe(toJsonLines(a.trace));
    }
  });

  it('replay reports "replay diverged" at the first mismatch', () => {
    const a = run(chaos(5), { seed: 7 });
    const b = run(chaos(6), { seed: 7, strategy: new ReplayStrategy(a.choices) });
    expect(b.verdict.kind).toBe('replay-diverged');
    if (b.verdict.kind === 'replay-diverged') expect(b.verdict.detail).toMatch(/^replay diverged at step \d+/);
    const short = ChoiceLog.fromFlat(a.choices.flat.slice(0, 20));
    const c = run(chaos(5), { seed: 7, strategy: new ReplayStrategy(short) });
    expect(c.verdict.kind).toBe('replay-diverged');
  });

  it('the PCT strategy is deterministic per seed and replays through its log', () => {
    for (let seed = 0; seed < 30; seed++) {
      const a = run(chaos(), { seed, strategy: new PctStrategy(seed) });
      const b = run(chaos(), { seed, strategy: new PctStrategy(seed) });
      expect(toJsonLines(b.trace)).toBe(toJsonLines(a.trace));
      const c = run(chaos(), { seed, strategy: new ReplayStrategy(a.choices) });
      expect(toJsonLines(c.trace)).toBe(toJsonLines(a.trace));
    }
  });

  it('the default strategy is RandomStrategy(seed)', () => {
    const a = run(chaos(), { seed: 11 });
    const b = run(chaos(), { seed: 11, strategy: new RandomStrategy(11) });
    expect(toJsonLines(b.trace)).toBe(toJsonLines(a.trace));
  });
});
