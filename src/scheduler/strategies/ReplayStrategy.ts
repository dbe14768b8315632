/**
 * Follows a recorded choice log exactly. At the first point where the run asks a different
 * question (a different number of options) or asks for more choices than were recorded, it stops
 * the run with `replay diverged`: the program, semantics or kernel changed since the recording.
 */
import { ReplayDivergedError, type ChoiceLog, type ChoicePoint, type ChoiceSource } from '../ChoiceSource.js';

export class ReplayStrategy implements ChoiceSource {
  readonly name = 'replay';
  private next = 0;

  constructor(private readonly log: ChoiceLog) {}

  choose(n: number, point: ChoicePoint): number {
    if (this.next >= this.log.length) {
      throw new ReplayDivergedError(point.step, `${this.log.length} choices`, `choice #${this.next + 1} of ${n} options`);
    }
    const recorded = this.log.options(this.next);
    if (recorded !== n) {
      throw new ReplayDivergedError(point.step, `${recorded} options at choice #${this.next + 1}`, `${n} options`);
    }
    return this.log.index(this.next++);
  }

  /** True when every recorded choice was used (a faithful replay consumes the whole log). */
  get exhausted(): boolean {
    return this.next >= this.log.length;
  }
}
