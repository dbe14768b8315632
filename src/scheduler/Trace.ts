/**
 * The trace: every observable event of a run, in the order it happened, with virtual time.
 *
 * It is plain data. Pids inside events are `Pid` objects numbered per run, so identical runs give
 * identical traces; `toJsonLines` serializes them byte-for-byte reproducibly. Reports (text,
 * Mermaid, HTML) are all rendered from this.
 */
import { toJson, type Json } from '../term/json.js';
import { Pid, Ref, type Term } from '../term/Term.js';

export type SignalKind = 'exit' | 'link' | 'unlink' | 'monitor' | 'demonitor' | 'down';

export type DropReason = 'dead' | 'alias_inactive' | 'not_linked' | 'normal_ignored' | 'demonitored';

export type TraceEvent =
  | { k: 'spawn'; t: number; pid: Pid; parent: Pid | null; link: boolean; monitor: boolean }
  | { k: 'label'; t: number; pid: Pid; label: string }
  | { k: 'send'; t: number; from: Pid; to: Pid; msg: Term; via?: Term }
  | { k: 'deliver'; t: number; from: Pid; to: Pid; msg: Term }
  /** `to` is null for a message sent to a reference that never was an alias; `via` is the alias. */
  | { k: 'drop'; t: number; from: Pid; to: Pid | null; what: Term; why: DropReason; via?: Ref }
  | { k: 'receive'; t: number; pid: Pid; msg: Term }
  | { k: 'timeout'; t: number; pid: Pid; after: number }
  | { k: 'signal'; t: number; kind: SignalKind; from: Pid; to: Pid; reason?: Term; ref?: Ref }
  | { k: 'killed_by'; t: number; pid: Pid; from: Pid; reason: Term }
  | { k: 'exit'; t: number; pid: Pid; reason: Term }
  | { k: 'link'; t: number; pid: Pid; other: Pid }
  | { k: 'unlink'; t: number; pid: Pid; other: Pid }
  | { k: 'monitor'; t: number; pid: Pid; target: Term; ref: Ref }
  | { k: 'demonitor'; t: number; pid: Pid; ref: Ref }
  | { k: 'register'; t: number; pid: Pid; name: string }
  | { k: 'unregister'; t: number; pid: Pid; name: string }
  | { k: 'trap_exit'; t: number; pid: Pid; value: boolean }
  | { k: 'timer_start'; t: number; pid: Pid; ref: Ref; ms: number; msg: Term }
  | { k: 'timer_fire'; t: number; pid: Pid; ref: Ref; msg: Term }
  | { k: 'timer_cancel'; t: number; pid: Pid; ref: Ref }
  | { k: 'clock'; t: number }
  | { k: 'choose'; t: number; pid: Pid; n: number; value: number }
  | { k: 'report'; t: number; pid: Pid; name: string; data: Term }
  /** An ETS access (reads and writes; table creation is not traced). */
  | { k: 'ets'; t: number; pid: Pid; fn: string; table: Term };

export type TraceKind = TraceEvent['k'];

function jsonField(value: unknown): Json {
  if (value === undefined || value === null) return null;
  // Pids and refs in event fields print as their Erlang text so JSON traces stay readable;
  // inside message terms they keep the lossless term encoding.
  if (value instanceof Pid || value instanceof Ref) return value.toString();
  return toJson(value as Term);
}

/** One trace event as a JSON object with keys in a fixed order. */
export function eventToJson(e: TraceEvent): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(e)) {
    if (value === undefined) continue;
    out[key] = key === 'k' || key === 't' ? (value as Json) : jsonField(value);
  }
  return out;
}

/** The trace as JSON lines: one event per line, byte-identical for identical runs. */
export function toJsonLines(events: readonly TraceEvent[]): string {
  let out = '';
  for (const e of events) out += `${JSON.stringify(eventToJson(e))}\n`;
  return out;
}
