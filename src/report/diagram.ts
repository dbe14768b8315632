/**
 * The sequence-diagram model shared by the Mermaid and SVG renderers: one lifeline per process in
 * the trace, and rows of arrows (messages, exit and DOWN signals, spawns, drops) and notes (exits,
 * timers, clock jumps, supervisor reports), in trace order.
 */
import type { TraceEvent } from '../scheduler/Trace.js';
import type { Pid } from '../term/Term.js';
import { PidNames } from './names.js';

export interface Lifeline {
  readonly pid: Pid;
  /** `name` or the pid text. */
  readonly title: string;
  readonly subtitle: string;
}

export type Row =
  | { kind: 'arrow'; from: number; to: number; text: string; style: 'message' | 'signal' | 'spawn' | 'drop'; t: number }
  | { kind: 'note'; over: number; text: string; style: 'exit' | 'exit_normal' | 'timer' | 'clock' | 'report'; t: number };

export interface Diagram {
  readonly lifelines: Lifeline[];
  readonly rows: Row[];
  /** Rows left out to respect `maxRows`. */
  readonly omitted: number;
}

export function buildDiagram(trace: readonly TraceEvent[], maxRows = 400): Diagram {
  const names = new PidNames(trace);
  const index = new Map<number, number>();
  const lifelines: Lifeline[] = names.order.map((pid, i) => {
    index.set(pid.id, i);
    const name = names.nameOf(pid);
    return { pid, title: name ?? pid.toString(), subtitle: name === undefined ? '' : pid.toString() };
  });
  const at = (pid: Pid) => index.get(pid.id) ?? 0;
  const term = (x: Parameters<PidNames['term']>[0]) => names.term(x, 80);
  const rows: Row[] = [];
  let omitted = 0;
  const push = (row: Row) => {
    if (rows.length < maxRows) rows.push(row);
    else omitted++;
  };
  for (const e of trace) {
    switch (e.k) {
      case 'spawn':
        if (e.parent) push({ kind: 'arrow', from: at(e.parent), to: at(e.pid), text: e.link ? 'spawn_link' : e.monitor ? 'spawn_monitor' : 'spawn', style: 'spawn', t: e.t });
        break;
      case 'send':
        push({ kind: 'arrow', from: at(e.from), to: at(e.to), text: term(e.msg), style: 'message', t: e.t });
        break;
      case 'drop':
        // A reference that never was an alias leads nowhere: the arrow ends on the sender.
        push({ kind: 'arrow', from: at(e.from), to: at(e.to ?? e.from), text: `dropped (${e.why.replace('_', ' ')}): ${term(e.what)}`, style: 'drop', t: e.t });
        break;
      case 'signal':
        if (e.kind === 'exit') push({ kind: 'arrow', from: at(e.from), to: at(e.to), text: `exit ${term(e.reason!)}`, style: 'signal', t: e.t });
        else if (e.kind === 'down') push({ kind: 'arrow', from: at(e.from), to: at(e.to), text: `DOWN ${term(e.reason!)}`, style: 'signal', t: e.t });
        break;
      case 'exit':
        push({ kind: 'note', over: at(e.pid), text: `exits ${term(e.reason)}`, style: e.reason === 'normal' ? 'exit_normal' : 'exit', t: e.t });
        break;
      case 'timer_fire':
        push({ kind: 'note', over: at(e.pid), text: `timer ${term(e.msg)}`, style: 'timer', t: e.t });
        break;
      case 'timeout':
        push({ kind: 'note', over: at(e.pid), text: `after ${e.after} ms`, style: 'timer', t: e.t });
        break;
      case 'clock':
        push({ kind: 'note', over: -1, text: `${e.t} ms`, style: 'clock', t: e.t });
        break;
      case 'report':
        push({ kind: 'note', over: at(e.pid), text: `${e.name}`, style: 'report', t: e.t });
        break;
      default:
        break;
    }
  }
  return { lifelines, rows: mergeClockNotes(rows), omitted };
}

/** Consecutive clock notes collapse to the last one. */
function mergeClockNotes(rows: Row[]): Row[] {
  const out: Row[] = [];
  for (const row of rows) {
    const last = out[out.length - 1];
    if (row.kind === 'note' && row.style === 'clock' && last?.kind === 'note' && last.style === 'clock') out[out.length - 1] = row;
    else out.push(row);
  }
  return out;
}
