/**
 * Seeded random walk over the schedule: each choice is uniform among the enabled options, except
 * that with probability `fifoBias` the canonical option 0 (the oldest enabled event) is taken. A
 * bias toward FIFO keeps most runs close to how a lightly loaded BEAM behaves while still visiting
 * rare interleavings.
 */
import { Prng } from '../prng.js';
import type { ChoicePoint, ChoiceSource } from '../ChoiceSource.js';

export interface RandomStrategyOptions {
  /** Probability of taking option 0 outright (default 0). */
  fifoBias?: number;
}

export class RandomStrategy implements ChoiceSource {
  readonly name = 'random';
  private readonly prng: Prng;
  private readonly fifoBias: number;

  constructor(
    readonly seed: number,
    options: RandomStrategyOptions = {},
  ) {
    this.prng = new Prng(seed);
    this.fifoBias = options.fifoBias ?? 0;
  }

  choose(n: number, _point: ChoicePoint): number {
    if (this.fifoBias > 0 && this.prng.nextFloat() < this.fifoBias) return 0;
    return this.prng.below(n);
  }
}
