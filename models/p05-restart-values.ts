/**
 * Pattern 5 — restart values. What a supervisor does when a child exits, by restart type and
 * reason: the decision table of supervision.md rule 37 (also rules 38, 54 and 92 for
 * DynamicSupervisor, which uses the same table).
 *
 * "Normal" means `:normal`, `:shutdown` or `{:shutdown, _}` and nothing else.
 */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/** An exit reason as the model sees it. */
export type Reason = 'normal' | 'shutdown' | { shutdown: string } | 'killed' | 'kill' | string;

export function isNormalExit(reason: Reason): boolean {
  return reason === 'normal' || reason === 'shutdown' || typeof reason === 'object';
}

export interface ExitDecision {
  /** A `child_terminated` report is written (rule 110). */
  readonly report: boolean;
  /** restart: counts toward intensity; keep: spec kept with pid :undefined; remove: spec deleted. */
  readonly action: 'restart' | 'keep' | 'remove';
}

/** Rule 37, checked in this order. */
export function onChildExit(restart: RestartType, reason: Reason): ExitDecision {
  if (restart === 'permanent') return { report: true, action: 'restart' };
  const normal = isNormalExit(reason);
  if (restart === 'transient') return normal ? { report: false, action: 'keep' } : { report: true, action: 'restart' };
  return normal ? { report: false, action: 'remove' } : { report: true, action: 'remove' };
}

/** Rule 54: only a real restart is recorded for restart intensity. */
export function countsTowardIntensity(decision: ExitDecision): boolean {
  return decision.action === 'restart';
}
