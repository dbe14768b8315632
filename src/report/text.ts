/**
 * The text trace: one event per line, with virtual time, pids with their names, and messages as
 * Elixir terms.
 *
 *       0 ms  main<0.0.0>         spawns sup<0.1.0> (linked)
 *       0 ms  main<0.0.0>      →  sup<0.1.0>: {:"$gen_call", {main<0.0.0>, #Ref<0.3>}, :which_children}
 *     100 ms  ── clock 100 ms ──
 */
import type { TraceEvent } from '../scheduler/Trace.js';
import { PidNames } from './names.js';

export function describeEvent(e: TraceEvent, names: PidNames): string {
  const p = (pid: Parameters<PidNames['show']>[0]) => names.show(pid);
  const v = (x: Parameters<PidNames['term']>[0]) => names.term(x);
  switch (e.k) {
    case 'spawn':
      return `${e.parent ? p(e.parent) : 'runtime'} spawns ${p(e.pid)}${e.link ? ' (linked)' : ''}${e.monitor ? ' (monitored)' : ''}`;
    case 'label':
      return `${p(e.pid)} is ${e.label}`;
    case 'send':
      return `${p(e.from)} → ${p(e.to)}${e.via ? ` via alias ${v(e.via)}` : ''}: ${v(e.msg)}`;
    case 'deliver':
      return `${p(e.to)} ← ${p(e.from)}: ${v(e.msg)} (queued)`;
    case 'drop': {
      const alias = e.via ? ` via alias ${v(e.via)}` : '';
      if (e.to === null) return `${v(e.what)} from ${p(e.from)}${alias} is dropped: no process has that alias`;
      return `${p(e.to)} drops ${v(e.what)} from ${p(e.from)}${alias} (${e.why.replace('_', ' ')})`;
    }
    case 'receive':
      return `${p(e.pid)} receives ${v(e.msg)}`;
    case 'timeout':
      return `${p(e.pid)} receive timed out (after ${e.after} ms)`;
    case 'signal':
      switch (e.kind) {
        case 'exit':
          return `${p(e.from)} ⇒ ${p(e.to)}: exit signal ${v(e.reason!)}`;
        case 'down':
          return `${p(e.from)} ⇒ ${p(e.to)}: DOWN ${v(e.reason!)}`;
        default:
          return `${p(e.from)} ⇒ ${p(e.to)}: ${e.kind} signal`;
      }
    case 'killed_by':
      return `${p(e.pid)} is killed by the exit signal from ${p(e.from)}: ${v(e.reason)}`;
    case 'exit':
      return `${p(e.pid)} exits: ${v(e.reason)}`;
    case 'link':
      return `${p(e.pid)} links to ${p(e.other)}`;
    case 'unlink':
      return `${p(e.pid)} unlinks from ${p(e.other)}`;
    case 'monitor':
      return `${p(e.pid)} monitors ${v(e.target)} (${e.ref})`;
    case 'demonitor':
      return `${p(e.pid)} demonitors ${e.ref}`;
    case 'register':
      return `${p(e.pid)} registers as ${e.name}`;
    case 'unregister':
      return `${p(e.pid)} unregisters ${e.name}`;
    case 'trap_exit':
      return `${p(e.pid)} trap_exit = ${e.value}`;
    case 'timer_start':
      return `${p(e.pid)} starts timer ${e.ref} (${e.ms} ms): ${v(e.msg)}`;
    case 'timer_fire':
      return `timer ${e.ref} fires for ${p(e.pid)}: ${v(e.msg)}`;
    case 'timer_cancel':
      return `${p(e.pid)} cancels timer ${e.ref}`;
    case 'clock':
      return `── clock ${e.t} ms ──`;
    case 'choose':
      return `${p(e.pid)} draws ${e.value} of ${e.n}`;
    case 'report':
      return `${p(e.pid)} reports ${e.name}: ${v(e.data)}`;
    case 'ets':
      return `${p(e.pid)} ets:${e.fn}(${v(e.table)})`;
  }
}

/** Renders trace events `[from, to)` as text lines, one per event. */
export function renderText(trace: readonly TraceEvent[], range: { from?: number; to?: number } = {}): string {
  const names = new PidNames(trace);
  const from = Math.max(0, range.from ?? 0);
  const to = Math.min(trace.length, range.to ?? trace.length);
  const lines: string[] = [];
  for (let i = from; i < to; i++) {
    const e = trace[i]!;
    lines.push(`${String(e.t).padStart(7)} ms  ${describeEvent(e, names)}`);
  }
  return lines.join('\n');
}
