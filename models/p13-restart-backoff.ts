/**
 * Pattern 13 — failed restarts and the `:try_again` path (supervision.md rules 45–47, 57, 93).
 *
 * Contrary to the seed text's claim, a failed restart is *not* separate from the restart counter:
 * every retry goes through `add_restart` again and counts toward intensity, in OTP's supervisor and
 * in Elixir's DynamicSupervisor alike. So with intensity I and no earlier restarts in the window,
 * a child whose start keeps failing gets I start attempts and then the supervisor shuts down.
 */
import { RestartIntensity } from './p04-restart-intensity.js';

export interface RetryOutcome {
  /** Start attempts after the crash, in order: `ok` or `error`. */
  readonly attempts: Array<'ok' | 'error'>;
  /** The supervisor gave up (reached max restart intensity). */
  readonly supervisorShutdown: boolean;
}

/**
 * A crash at `crashMs`, then restarts whose start fails `failures` times before succeeding, all
 * within the same second (retries are immediate casts to self).
 */
export function retryOutcome(intensity: number, period: number, failures: number, crashMs = 0): RetryOutcome {
  const window = new RestartIntensity(intensity, period);
  const attempts: Array<'ok' | 'error'> = [];
  for (let i = 0; ; i++) {
    if (!window.add(crashMs)) return { attempts, supervisorShutdown: true };
    if (i < failures) attempts.push('error');
    else {
      attempts.push('ok');
      return { attempts, supervisorShutdown: false };
    }
  }
}
