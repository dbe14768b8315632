/**
 * Reads choices from a list of non-negative integers (the form fast-check generates): choice i is
 * `seq[i] mod n`, and once the list is used up every further choice is 0, the canonical option.
 *
 * This is what lets fast-check shrink interleavings: shrinking the list toward shorter lists and
 * smaller numbers moves the schedule toward the FIFO schedule, one decision at a time.
 */
import type { ChoicePoint, ChoiceSource } from '../ChoiceSource.js';

export class SequenceStrategy implements ChoiceSource {
  readonly name = 'sequence';
  private next = 0;

  constructor(private readonly seq: readonly number[]) {}

  choose(n: number, _point: ChoicePoint): number {
    if (this.next >= this.seq.length) return 0;
    const v = this.seq[this.next++]!;
    return Math.abs(Math.trunc(v)) % n;
  }

  /** How many entries of the list the run consumed. */
  get consumed(): number {
    return this.next;
  }
}
