/**
 * PCT (probabilistic concurrency testing, Burckhardt et al. 2010), adapted to an event list:
 * every option gets a random priority the first time its owner (a process or a channel) is seen,
 * the highest-priority enabled option always runs, and at `depth - 1` random change points the
 * running owner's priority drops below all others. Bugs of depth d are found with probability at
 * least 1 / (n · k^(d-1)) per run, far better than a uniform random walk for ordering bugs.
 *
 * The kernel presents options as indices; `owners` maps each index to a stable owner key, which the
 * kernel supplies through `describe`. Without owner information the strategy falls back to treating
 * the index itself as the owner.
 */
import { Prng } from '../prng.js';
import type { ChoicePoint, ChoiceSource } from '../ChoiceSource.js';

export interface OwnerAware {
  /** Stable keys of the currently enabled options, in option order. */
  owners?: () => readonly string[];
}

export class PctStrategy implements ChoiceSource, OwnerAware {
  readonly name = 'pct';
  private readonly prng: Prng;
  private readonly priorities = new Map<string, number>();
  private readonly changePoints: Set<number>;
  private lowest = 0;
  private calls = 0;
  owners?: () => readonly string[];

  constructor(
    readonly seed: number,
    readonly depth = 3,
    readonly expectedSteps = 2_000,
  ) {
    this.prng = new Prng(seed);
    this.changePoints = new Set();
    for (let i = 1; i < depth; i++) this.changePoints.add(this.prng.below(Math.max(1, expectedSteps)));
  }

  private priorityOf(owner: string): number {
    let p = this.priorities.get(owner);
    if (p === undefined) {
      p = 1 + this.prng.nextFloat();
      this.priorities.set(owner, p);
    }
    return p;
  }

  choose(n: number, point: ChoicePoint): number {
    if (point.kind === 'data') return this.prng.below(n);
    const keys = this.owners?.() ?? Array.from({ length: n }, (_, i) => String(i));
    let best = 0;
    let bestPriority = -Infinity;
    for (let i = 0; i < n; i++) {
      const p = this.priorityOf(keys[i] ?? String(i));
      if (p > bestPriority) {
        bestPriority = p;
        best = i;
      }
    }
    if (this.changePoints.has(this.calls++)) {
      this.lowest -= 1;
      this.priorities.set(keys[best] ?? String(best), this.lowest);
    }
    return best;
  }
}
