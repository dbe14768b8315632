/**
 * Pattern 12 — DynamicSupervisor state: children keyed by pid, a restart list for intensity, and
 * `max_children` (supervision.md rules 86–95, 121). A pure reducer over the supervisor's events; the
 * property compares `count_children` and `which_children` with it after every step.
 */
import { onChildExit, type Reason, type RestartType } from './p05-restart-values.js';

export interface DynChild {
  readonly pid: string;
  readonly restart: RestartType;
  readonly restarting: boolean;
}

export interface DynState {
  readonly children: ReadonlyMap<string, DynChild>;
  readonly maxChildren: number | 'infinity';
}

export function emptyDyn(maxChildren: number | 'infinity'): DynState {
  return { children: new Map(), maxChildren };
}

/** start_child: `ok` with the child saved, or `max_children` (the count includes restarting entries). */
export function startChild(s: DynState, pid: string, restart: RestartType): { state: DynState; result: 'ok' | 'max_children' } {
  if (s.maxChildren !== 'infinity' && s.children.size >= s.maxChildren) return { state: s, result: 'max_children' };
  const children = new Map(s.children);
  children.set(pid, { pid, restart, restarting: false });
  return { state: { ...s, children }, result: 'ok' };
}

/** A child exited: deleted, or replaced by a new pid when restarted (rules 92–93). */
export function childExited(s: DynState, pid: string, reason: Reason, newPid: string | null): DynState {
  const child = s.children.get(pid);
  if (!child) return s;
  const children = new Map(s.children);
  children.delete(pid);
  if (onChildExit(child.restart, reason).action === 'restart' && newPid !== null) {
    children.set(newPid, { pid: newPid, restart: child.restart, restarting: false });
  }
  return { ...s, children };
}

/** count_children (rule 91): specs count every entry; active leaves out restarting ones. */
export function countChildren(s: DynState): { specs: number; active: number; workers: number; supervisors: number } {
  const all = [...s.children.values()];
  return { specs: all.length, active: all.filter((c) => !c.restarting).length, workers: all.length, supervisors: 0 };
}
