/**
 * Pattern 9 — Task.Supervisor as a DynamicSupervisor specialization (supervision.md §10, rules
 * 96–99; processes.md §5.5.2, §5.6). Its task children are temporary, shut down after 5000 ms, never
 * restarted, and counted against max_children.
 */
export const TASK_CHILD_DEFAULTS = { restart: 'temporary', shutdown: 5000, type: 'worker' } as const;

/** `start_child` with `max_children`: `{:ok, pid}` while there is room, `{:error, :max_children}` after. */
export function startChildResults(maxChildren: number | 'infinity', running: number, requests: number): Array<'ok' | 'max_children'> {
  const out: Array<'ok' | 'max_children'> = [];
  let n = running;
  for (let i = 0; i < requests; i++) {
    if (maxChildren !== 'infinity' && n >= maxChildren) out.push('max_children');
    else {
      out.push('ok');
      n++;
    }
  }
  return out;
}

/** A task child that crashes is not restarted (temporary): the number of incarnations stays 1. */
export function incarnations(crashes: number): number {
  void crashes;
  return 1;
}
