/**
 * Questions properties ask of a trace: the lifecycle of workers (start, termination, death) by
 * child id and incarnation, supervisor reports, and exits of given processes. Pure functions over
 * the trace: the runtime is never consulted.
 */
import type { TraceEvent } from '../scheduler/Trace.js';
import { equals } from '../term/compare.js';
import type { Pid, Term, TermObject } from '../term/Term.js';

export type LifecycleEvent =
  | { kind: 'start'; id: string; incarnation: number; pid: Pid; t: number; index: number }
  | { kind: 'start_failed'; id: string; incarnation: number; how: string; t: number; index: number }
  | { kind: 'terminate'; id: string; incarnation: number; reason: Term; t: number; index: number }
  | { kind: 'exit'; id: string; incarnation: number; reason: Term; pid: Pid; t: number; index: number };

function data(e: TraceEvent): TermObject {
  return (e as { data: TermObject }).data;
}

/** Worker starts, start failures, completed terminate/2 callbacks and deaths, in trace order. */
export function lifecycle(trace: readonly TraceEvent[]): LifecycleEvent[] {
  const byPid = new Map<number, { id: string; incarnation: number }>();
  const out: LifecycleEvent[] = [];
  trace.forEach((e, index) => {
    if (e.k === 'report' && e.name === 'worker.start') {
      const d = data(e);
      const who = { id: d['id'] as string, incarnation: d['incarnation'] as number };
      byPid.set(e.pid.id, who);
      out.push({ kind: 'start', ...who, pid: e.pid, t: e.t, index });
    } else if (e.k === 'report' && e.name === 'worker.start_failed') {
      const d = data(e);
      out.push({ kind: 'start_failed', id: d['id'] as string, incarnation: d['incarnation'] as number, how: d['how'] as string, t: e.t, index });
    } else if (e.k === 'report' && e.name === 'worker.terminate') {
      const d = data(e);
      out.push({ kind: 'terminate', id: d['id'] as string, incarnation: d['incarnation'] as number, reason: d['reason']!, t: e.t, index });
    } else if (e.k === 'exit') {
      const who = byPid.get(e.pid.id);
      if (who) out.push({ kind: 'exit', ...who, reason: e.reason, pid: e.pid, t: e.t, index });
    }
  });
  return out;
}

/** Trace reports with the given name, with their data. */
export function reports(trace: readonly TraceEvent[], name: string): Array<{ data: TermObject; t: number; pid: Pid; index: number }> {
  const out: Array<{ data: TermObject; t: number; pid: Pid; index: number }> = [];
  trace.forEach((e, index) => {
    if (e.k === 'report' && e.name === name) out.push({ data: data(e), t: e.t, pid: e.pid, index });
  });
  return out;
}

/** All report names that start with `prefix` (e.g. `supervisor.`), in order. */
export function reportsWithPrefix(trace: readonly TraceEvent[], prefix: string): Array<{ name: string; data: TermObject; t: number; index: number }> {
  const out: Array<{ name: string; data: TermObject; t: number; index: number }> = [];
  trace.forEach((e, index) => {
    if (e.k === 'report' && e.name.startsWith(prefix)) out.push({ name: e.name, data: data(e), t: e.t, index });
  });
  return out;
}

/** The exit reason of `pid`, if it exited. */
export function exitReason(trace: readonly TraceEvent[], pid: Pid): Term | undefined {
  for (const e of trace) if (e.k === 'exit' && e.pid.id === pid.id) return e.reason;
  return undefined;
}

/** The index of the exit event of `pid`, or -1. */
export function exitIndex(trace: readonly TraceEvent[], pid: Pid): number {
  return trace.findIndex((e) => e.k === 'exit' && e.pid.id === pid.id);
}

/** Messages left in a process's mailbox are not in the trace; receipts and deliveries are. */
export function delivered(trace: readonly TraceEvent[], to: Pid, predicate: (msg: Term) => boolean): number {
  let n = 0;
  for (const e of trace) if (e.k === 'deliver' && e.to.id === to.id && predicate(e.msg)) n++;
  return n;
}

export function received(trace: readonly TraceEvent[], by: Pid, predicate: (msg: Term) => boolean): number {
  let n = 0;
  for (const e of trace) if (e.k === 'receive' && e.pid.id === by.id && predicate(e.msg)) n++;
  return n;
}

export { equals };
