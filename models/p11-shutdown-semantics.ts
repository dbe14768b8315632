/**
 * Pattern 11 — shutdown semantics. What a shutdown value guarantees about `terminate/2`
 * (supervision.md rules 58–62, 64, 66; processes.md §3.6.2; oracle-notes "shutdown 100 with a 200 ms
 * terminate/2": terminate never finishes, DOWN :killed).
 */
import type { RestartType } from './p05-restart-values.js';

export type Shutdown = 'brutal_kill' | 'infinity' | number;

export interface ShutdownChild {
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
  /** The child traps exits (only then does a GenServer run terminate/2 on :shutdown, rule 64). */
  readonly trapsExits: boolean;
  /** How long its terminate/2 takes (virtual ms). */
  readonly terminateMs: number;
}

export interface ShutdownOutcome {
  /** terminate/2 starts running. */
  readonly terminateRuns: boolean;
  /** terminate/2 runs to its end (its side effects all happen). */
  readonly terminateCompletes: boolean;
  /** The child's exit reason as the supervisor sees it. */
  readonly reason: 'killed' | 'shutdown';
  /** A shutdown_error report is written (rule 62). */
  readonly shutdownError: boolean;
}

export function shutdownOutcome(c: ShutdownChild): ShutdownOutcome {
  if (c.shutdown === 'brutal_kill') {
    return { terminateRuns: false, terminateCompletes: false, reason: 'killed', shutdownError: false };
  }
  if (!c.trapsExits) return { terminateRuns: false, terminateCompletes: false, reason: 'shutdown', shutdownError: false };
  const completes = c.shutdown === 'infinity' || c.terminateMs < c.shutdown;
  return completes
    ? { terminateRuns: true, terminateCompletes: true, reason: 'shutdown', shutdownError: false }
    : { terminateRuns: true, terminateCompletes: false, reason: 'killed', shutdownError: true };
}

/** Rule 62: exit reasons accepted as a clean shutdown; anything else is a shutdown_error. */
export function cleanShutdownReason(shutdown: Shutdown, restart: RestartType, reason: string | { shutdown: string }): boolean {
  const nonPermanent = restart !== 'permanent';
  const shutdownish = reason === 'shutdown' || typeof reason === 'object' || reason === 'normal';
  if (shutdown === 'brutal_kill') return reason === 'killed' || (nonPermanent && shutdownish);
  if (reason === 'shutdown') return true;
  return nonPermanent && shutdownish;
}

/** Rule 66: a static supervisor stops children one at a time, newest first: the total is the sum. */
export function staticShutdownOrder(startOrder: readonly string[]): string[] {
  return [...startOrder].reverse();
}
