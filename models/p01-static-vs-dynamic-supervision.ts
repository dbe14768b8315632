/**
 * Pattern 1 — static vs dynamic supervision. A static supervisor starts its children strictly in
 * list order, one at a time, and rolls back on a failure (supervision.md rules 29, 33, 35); a
 * DynamicSupervisor starts children on demand and keeps no order (rules 89, 91, 120).
 */
export interface StaticChild {
  readonly id: string;
  /** What the child's start function does. */
  readonly start: 'ok' | 'ignore' | 'fail';
}

export interface StaticStart {
  /** Start attempts in order. */
  readonly attempted: string[];
  /** Children terminated by the rollback, in order (reverse start order). */
  readonly rolledBack: string[];
  /** `ok`, or the id that failed: `{:error, {:shutdown, {:failed_to_start_child, id, reason}}}`. */
  readonly result: { ok: true } | { ok: false; failed: string };
}

export function staticStart(children: readonly StaticChild[]): StaticStart {
  const attempted: string[] = [];
  const started: string[] = [];
  for (const c of children) {
    attempted.push(c.id);
    if (c.start === 'fail') return { attempted, rolledBack: [...started].reverse(), result: { ok: false, failed: c.id } };
    if (c.start === 'ok') started.push(c.id);
  }
  return { attempted, rolledBack: [], result: { ok: true } };
}

/**
 * The start-order invariant "pool before consumers": at every moment, a running child's
 * predecessors in the list were started before it in its current incarnation. Returns the first
 * violation in a sequence of start events, or null.
 */
export function startOrderViolation(order: readonly string[], startEvents: readonly string[]): string | null {
  const lastStart = new Map<string, number>();
  for (let i = 0; i < startEvents.length; i++) {
    const id = startEvents[i]!;
    const pos = order.indexOf(id);
    for (let j = 0; j < pos; j++) {
      const dep = order[j]!;
      if (!lastStart.has(dep)) return `${id} started before ${dep} had ever started`;
    }
    lastStart.set(id, i);
  }
  return null;
}
