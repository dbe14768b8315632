/**
 * Pattern 4 — restart intensity. The exact OTP algorithm (supervision.md rules 51–53, 56; rule 57
 * for DynamicSupervisor, which keeps the same inclusive bound):
 *
 *   now = floor(monotonic ms / 1000); keep earlier entries t with t >= now - period;
 *   push now; restart iff length <= intensity, else the supervisor shuts down.
 *
 * Timestamps are whole seconds and the bound is inclusive, so the real window lies between
 * `period` and `period + 1` seconds (rule 52).
 */
export class RestartIntensity {
  /** Recorded restart times in whole seconds, newest first. */
  private restarts: number[] = [];

  constructor(
    readonly intensity: number,
    readonly period: number,
  ) {}

  /** Records a restart at virtual time `nowMs`: `true` to restart, `false` to give up (rule 55). */
  add(nowMs: number): boolean {
    const now = Math.floor(nowMs / 1000);
    const kept: number[] = [];
    for (const t of this.restarts) {
      if (t >= now - this.period) kept.push(t);
      else break; // newest first: the walk stops at the first older entry (rule 51)
    }
    this.restarts = [now, ...kept];
    return this.restarts.length <= this.intensity;
  }

  /** An independent copy, for weighing a restart at several possible times. */
  clone(): RestartIntensity {
    const copy = new RestartIntensity(this.intensity, this.period);
    copy.restarts = [...this.restarts];
    return copy;
  }

  /** The entries currently on record (newest first). */
  get recorded(): readonly number[] {
    return this.restarts;
  }
}

/** Whether `crashTimesMs` (one restart each) stay within the limit: the index of the refused one, or -1. */
export function firstRefused(intensity: number, period: number, crashTimesMs: readonly number[]): number {
  const model = new RestartIntensity(intensity, period);
  for (let i = 0; i < crashTimesMs.length; i++) if (!model.add(crashTimesMs[i]!)) return i;
  return -1;
}
