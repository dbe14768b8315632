/**
 * The crash log of a run, as Elixir's Logger would show it, read from the trace.
 *
 * - A task that fails logs `Task #PID<…> started from <starter> terminating` (the runtime's
 *   `task.terminating` report); the event's metadata carries the task's `$callers`
 *   (processes.md §5.1.3).
 * - A plain `spawn`/`spawn_link`ed process that raises is logged by the emulator itself:
 *   "Process #PID<…> raised an exception" with the exception, and no metadata at all — whatever the
 *   process stored in its dictionary. Measured on Elixir 1.14/OTP 25 and 1.18/OTP 27 with a logger
 *   handler that prints whole events. The simulator does not emit these reports; this module derives
 *   them from the trace: a process that exited with `{exception, stacktrace}` by itself (not killed
 *   by a signal) and logged no OTP report of its own.
 */
import { Pid, Tuple, format, type Term, type TermObject, type TraceEvent } from '../../src/index.js';

export interface CrashLogEntry {
  readonly pid: Pid;
  readonly kind: 'task' | 'emulator';
  /** The log line as Elixir prints it (first line). */
  readonly text: string;
  /** The `callers` logger metadata, if the entry has any. */
  readonly callers: readonly Term[] | undefined;
}

const OTP_REPORTS = new Set(['task.terminating', 'gen_server.terminating']);

/** `{exception_struct, stacktrace}`: the exit reason of an uncaught raise (§1.2.1). */
function isRaise(reason: Term): boolean {
  const struct = reason instanceof Tuple && reason.length === 2 ? reason[0] : undefined;
  return typeof struct === 'object' && struct !== null && !Array.isArray(struct) && '__struct__' in struct && Array.isArray((reason as Tuple)[1]);
}

const pidText = (p: Term) => (p instanceof Pid ? `#PID${p.toString()}` : format(p));

export function crashLogs(trace: readonly TraceEvent[]): CrashLogEntry[] {
  const out: CrashLogEntry[] = [];
  const reported = new Set<number>();
  const killed = new Set<number>();
  for (const e of trace) {
    if (e.k === 'killed_by') killed.add(e.pid.id);
    if (e.k === 'report' && OTP_REPORTS.has(e.name)) reported.add(e.pid.id);
    if (e.k === 'report' && e.name === 'task.terminating') {
      const d = e.data as TermObject;
      const r = d['report'] as TermObject;
      const callers = (d['metadata'] as TermObject)['callers'];
      out.push({
        pid: e.pid,
        kind: 'task',
        text: `Task ${pidText(r['name']!)} started from ${pidText(r['starter']!)} terminating`,
        callers: Array.isArray(callers) ? callers : undefined,
      });
    }
    if (e.k === 'exit' && isRaise(e.reason) && !killed.has(e.pid.id) && !reported.has(e.pid.id)) {
      const exception = (e.reason as Tuple)[0] as TermObject;
      out.push({
        pid: e.pid,
        kind: 'emulator',
        text: `Process ${pidText(e.pid)} raised an exception ** (${format(exception['__struct__']!).replace(/^Elixir\./, '')}) ${String(exception['message'] ?? '')}`,
        callers: undefined,
      });
    }
  }
  return out;
}
