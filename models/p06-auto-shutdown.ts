/**
 * Pattern 6 — automatic shutdown (supervision.md rules 70–76).
 *
 * The trigger is evaluated only when a significant child's exit ends in "mark stopped" (a
 * transient significant child exiting normally, a temporary significant child exiting for any
 * reason). `terminate_child` and strategy-driven terminations never trigger it (rule 73).
 */
import { isNormalExit, type Reason, type RestartType } from './p05-restart-values.js';

export type AutoShutdown = 'never' | 'any_significant' | 'all_significant';

export interface SignificantChild {
  readonly id: string;
  readonly restart: RestartType;
  readonly significant: boolean;
  /** Has a pid (a restarting child counts as present: rule 72). */
  readonly present: boolean;
}

/** Rules 70–71: the spec errors, in check order. */
export function specError(auto: AutoShutdown | undefined, child: { restart: RestartType; significant: boolean }): string | null {
  if (!child.significant) return null;
  if (auto === 'never') return 'bad_combination [auto_shutdown: :never, significant: true]';
  if (child.restart === 'permanent') return 'bad_combination [restart: :permanent, significant: true]';
  return null;
}

/**
 * Rule 72: does the supervisor shut itself down after `exiting` exits with `reason`?
 * `others` are the remaining children after the exit was processed.
 */
export function shutsDown(
  auto: AutoShutdown,
  exiting: { restart: RestartType; significant: boolean },
  reason: Reason,
  others: readonly SignificantChild[],
): boolean {
  if (auto === 'never' || !exiting.significant) return false;
  const marksStopped = exiting.restart === 'temporary' || (exiting.restart === 'transient' && isNormalExit(reason));
  if (!marksStopped) return false;
  if (auto === 'any_significant') return true;
  return !others.some((c) => c.significant && c.present);
}
