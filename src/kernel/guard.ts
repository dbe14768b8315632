/**
 * The determinism guard: while a run executes, user code inside processes that reads the clock
 * (`Date.now`, `new Date()`, `performance.now`, `process.hrtime`) sees virtual time, timers it sets
 * (`setTimeout`, `setInterval`, `setImmediate`) run on virtual time, and `Math.random` draws from
 * the run's seeded generator. Installed with @sinonjs/fake-timers for the duration of each call into
 * the kernel and removed before control returns, so real time never leaks into a run and the host
 * (vitest, the CLI) keeps its real clock.
 *
 * Promise callbacks and microtasks are not simulated: process bodies are generators and must not
 * rely on them (a promise created inside a process settles only after the run step returns).
 */
import FakeTimers from '@sinonjs/fake-timers';
import type { Prng } from '../scheduler/prng.js';

type InstalledClock = ReturnType<typeof FakeTimers.install>;

let depth = 0;

export class DeterminismGuard {
  private clock: InstalledClock | null = null;
  private savedRandom: (() => number) | null = null;
  private active = false;

  constructor(private readonly prng: Prng) {}

  /** Installs the fake clock at virtual time `now`; nested entries (a run inside a run) are no-ops. */
  enter(now: number): void {
    if (depth++ > 0) return;
    this.active = true;
    this.clock = FakeTimers.install({
      now,
      toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'performance', 'hrtime'],
      loopLimit: 10_000,
    });
    this.savedRandom = Math.random;
    const prng = this.prng;
    Math.random = () => prng.nextFloat();
  }

  /** Moves the fake clock to virtual time `now`, running any user timers that fall due. */
  advanceTo(now: number): void {
    const clock = this.clock;
    if (!clock || !this.active) return;
    const delta = now - clock.now;
    if (delta <= 0) return;
    try {
      clock.tick(delta);
    } catch {
      // A user callback scheduled with setTimeout threw outside any process: nothing owns it.
    }
  }

  leave(): void {
    depth--;
    if (!this.active) return;
    this.active = false;
    this.clock?.uninstall();
    this.clock = null;
    if (this.savedRandom) Math.random = this.savedRandom;
    this.savedRandom = null;
  }
}
