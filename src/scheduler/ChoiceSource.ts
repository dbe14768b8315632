/**
 * The one source of nondeterminism in a run.
 *
 * Every decision the kernel makes that real OTP leaves open — which process runs next, which
 * in-flight signal is delivered next, whether the clock advances first, ties between timers, data
 * drawn by simulated services, injected faults — is a call to `choose(n)`. A run is therefore a
 * pure function of (program, choice sequence, semantics profile). The kernel only asks when there
 * is a real choice (`n >= 2`), so forced moves never consume a choice and the recorded log is the
 * schedule itself.
 *
 * Strategies implement this interface, one per file (RandomStrategy, ReplayStrategy,
 * SequenceStrategy, PctStrategy). Index 0 is always the canonical option (the oldest enabled event),
 * so a source that answers 0 everywhere gives the FIFO schedule and shrinking toward 0 simplifies.
 */

export type ChoiceKind = 'schedule' | 'data';

export interface ChoicePoint {
  /** The kernel step at which the choice is made. */
  readonly step: number;
  readonly kind: ChoiceKind;
}

export interface ChoiceSource {
  /** A human-readable name, printed in reports (`random`, `replay`, `sequence`, `pct`). */
  readonly name: string;
  /** Returns an integer in `[0, n)`; `n >= 2`. */
  choose(n: number, point: ChoicePoint): number;
}

/** Raised by a strategy when it cannot follow the run (the replay strategy's "replay diverged"). */
export class ReplayDivergedError extends Error {
  constructor(
    readonly step: number,
    readonly expected: string,
    readonly got: string,
  ) {
    super(`replay diverged at step ${step}: recorded ${expected}, run asked for ${got}`);
  }
}

/**
 * The recorded schedule of a run: for every real choice, the number of options and the index taken.
 * Stored flat (`[n0, k0, n1, k1, …]`) in a growing Float64Array (exact for every safe integer a data choice may use): a long run records millions of
 * choices, and appending to a typed buffer costs a fraction of growing a JS array (`npm run bench`).
 */
export class ChoiceLog {
  private buffer = new Float64Array(64);
  private used = 0;

  record(n: number, k: number): void {
    if (this.used + 2 > this.buffer.length) {
      const grown = new Float64Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.used] = n;
    this.buffer[this.used + 1] = k;
    this.used += 2;
  }

  get length(): number {
    return this.used / 2;
  }

  /** A copy of the log as `[n0, k0, n1, k1, …]`, the form replay tokens encode. */
  get flat(): number[] {
    return Array.from(this.buffer.subarray(0, this.used));
  }

  options(i: number): number {
    return this.buffer[2 * i]!;
  }

  index(i: number): number {
    return this.buffer[2 * i + 1]!;
  }

  /** The indices alone, the form fast-check and `SequenceStrategy` use. */
  indices(): number[] {
    const out: number[] = [];
    for (let i = 1; i < this.used; i += 2) out.push(this.buffer[i]!);
    return out;
  }

  static fromFlat(flat: readonly number[]): ChoiceLog {
    const log = new ChoiceLog();
    for (let i = 0; i + 1 < flat.length; i += 2) log.record(flat[i]!, flat[i + 1]!);
    return log;
  }
}
