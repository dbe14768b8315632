/**
 * Pattern 3 — supervision strategies. Which children a supervisor terminates and restarts, and in
 * which order, when one child must be restarted (supervision.md rules 39–42, 35, 68):
 *
 * - one_for_one: only the crashed child is started again.
 * - one_for_all: every other child is terminated newest first (reverse start order); temporary ones
 *   are then removed; every remaining child, the crashed one included, starts in start order.
 * - rest_for_one: the children started after the crashed one are terminated newest first
 *   (temporary ones removed); the crashed one and the later ones start in start order.
 *
 * Whether a restart happens at all is pattern 5's decision table (a temporary child, or a transient
 * one exiting normally, never touches its siblings — rule 42).
 */
import type { RestartType } from './p05-restart-values.js';

export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

export interface ModelChild {
  readonly id: string;
  readonly restart: RestartType;
  /** Running (has a pid). Children kept with pid :undefined are not running. */
  readonly running: boolean;
}

export interface RestartPlan {
  /** Children to terminate, in order (each with reason :shutdown). */
  readonly terminate: string[];
  /** Children whose spec is removed (temporary siblings terminated by the strategy). */
  readonly remove: string[];
  /** Children to start, in order. */
  readonly start: string[];
}

/**
 * The plan for restarting `crashed`. `children` are in start order (oldest first); `crashed` is
 * already dead. Only running siblings are terminated; non-running ones are still started again.
 */
export function restartPlan(strategy: Strategy, children: readonly ModelChild[], crashed: string): RestartPlan {
  const at = children.findIndex((c) => c.id === crashed);
  if (at < 0) throw new Error(`unknown child ${crashed}`);
  if (strategy === 'one_for_one') return { terminate: [], remove: [], start: [crashed] };
  const affected = strategy === 'one_for_all' ? children.filter((c) => c.id !== crashed) : children.slice(at + 1);
  const terminate = affected.filter((c) => c.running).map((c) => c.id).reverse();
  const remove = affected.filter((c) => c.restart === 'temporary').map((c) => c.id);
  const scope = strategy === 'one_for_all' ? children : children.slice(at);
  const start = scope.filter((c) => !remove.includes(c.id)).map((c) => c.id);
  return { terminate, remove, start };
}
