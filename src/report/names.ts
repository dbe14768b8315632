/**
 * Display names for the processes of a trace: the registered name if the process ever had one,
 * otherwise its label (a child id, a role, a module), otherwise nothing. Every renderer uses the
 * same names, so a text trace, a Mermaid diagram and an HTML report agree.
 */
import type { TraceEvent } from '../scheduler/Trace.js';
import { format, type FormatOptions } from '../term/format.js';
import type { Pid, Term } from '../term/Term.js';

export class PidNames {
  private readonly names = new Map<number, string>();
  /** Pids in order of first appearance in the trace. */
  readonly order: Pid[] = [];
  private readonly seen = new Set<number>();

  constructor(trace: readonly TraceEvent[]) {
    const registered = new Map<number, string>();
    const labels = new Map<number, string>();
    for (const e of trace) {
      if (e.k === 'register') registered.set(e.pid.id, e.name);
      else if (e.k === 'label') labels.set(e.pid.id, e.label);
      for (const pid of pidsOf(e)) this.note(pid);
    }
    for (const pid of this.order) {
      const name = registered.get(pid.id) ?? labels.get(pid.id);
      if (name !== undefined) this.names.set(pid.id, name);
    }
  }

  private note(pid: Pid): void {
    if (pid.id < 0 || this.seen.has(pid.id)) return;
    this.seen.add(pid.id);
    this.order.push(pid);
  }

  nameOf(pid: Pid): string | undefined {
    return this.names.get(pid.id);
  }

  /** `name<0.N.0>` or `<0.N.0>`. */
  show(pid: Pid): string {
    const name = this.names.get(pid.id);
    return name === undefined ? pid.toString() : `${name}${pid.toString()}`;
  }

  formatOptions(maxLength?: number): FormatOptions {
    return { pidName: (p) => this.names.get(p.id), ...(maxLength !== undefined ? { maxLength } : {}) };
  }

  term(x: Term, maxLength = 160): string {
    return format(x, this.formatOptions(maxLength));
  }
}

/** The pids an event is about (actors first). */
export function pidsOf(e: TraceEvent): Pid[] {
  switch (e.k) {
    case 'spawn':
      return e.parent ? [e.parent, e.pid] : [e.pid];
    case 'send':
    case 'deliver':
    case 'signal':
      return [e.from, e.to];
    case 'drop':
      return e.to === null ? [e.from] : [e.from, e.to];
    case 'killed_by':
      return [e.pid, e.from];
    case 'link':
    case 'unlink':
      return [e.pid, e.other];
    case 'clock':
      return [];
    default:
      return [e.pid];
  }
}
