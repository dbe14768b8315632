/**
 * Comparing two drivers' observations of one case. Per command: the `ok` flag, the result, and the
 * events — the lifecycle stream (start, exit, terminate, start_failed) and the supervisor stream
 * (report, sup_exit) each compared in order (docs/driver-protocol.md, "Events").
 */
import type { Json } from '../../term/json.js';
import type { Command, Response } from '../Driver.js';

export type Observed = ReadonlyArray<{ readonly command: Command; readonly response: Response }>;

const LIFECYCLE = new Set(['start', 'exit', 'terminate', 'start_failed']);

/** JSON text with object keys sorted: key order carries no meaning in the protocol. */
export function stableJson(x: Json | undefined): string {
  return JSON.stringify(x ?? null, (_key, value: Json) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]])) : value,
  );
}

function stream(events: readonly Json[] | undefined, lifecycle: boolean): string[] {
  return (events ?? [])
    .filter((e) => Array.isArray(e) && typeof e[0] === 'string' && LIFECYCLE.has(e[0]) === lifecycle)
    .map((e) => stableJson(e));
}

export interface Disagreement {
  /** Index of the first command whose observations differ. */
  readonly index: number;
  readonly what: 'ok' | 'result' | 'lifecycle events' | 'supervisor events';
}

export function firstDisagreement(a: Observed, b: Observed): Disagreement | null {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ra = a[i]!.response;
    const rb = b[i]!.response;
    if (ra.ok !== rb.ok) return { index: i, what: 'ok' };
    if (!ra.ok) continue; // both refused: error texts are free-form
    if (stableJson(ra.result) !== stableJson(rb.result)) return { index: i, what: 'result' };
    if (stream(ra.events, true).join() !== stream(rb.events, true).join()) return { index: i, what: 'lifecycle events' };
    if (stream(ra.events, false).join() !== stream(rb.events, false).join()) return { index: i, what: 'supervisor events' };
  }
  return a.length === b.length ? null : { index: n, what: 'ok' };
}

function lines(r: Response | undefined): string[] {
  if (!r) return ['(no response)'];
  if (!r.ok) return [`error: ${r.error ?? ''}`];
  return [`= ${JSON.stringify(r.result ?? null)}`, ...(r.events ?? []).map((e) => `  ${JSON.stringify(e)}`)];
}

/** Both observation streams side by side, the first disagreeing command marked. */
export function sideBySide(a: Observed, b: Observed, labels: [string, string], d: Disagreement | null, width = 70): string {
  const clip = (s: string) => (s.length > width ? `${s.slice(0, width - 1)}…` : s.padEnd(width));
  const out = [`${''.padEnd(4)}${clip(labels[0])} | ${labels[1]}`];
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const cmd = (a[i] ?? b[i])!.command;
    const mark = d && d.index === i ? '>>' : '  ';
    out.push(`${mark}${String(i + 1).padStart(2)} ${JSON.stringify(cmd)}${d && d.index === i ? `   <-- ${d.what} differ` : ''}`);
    const la = lines(a[i]?.response);
    const lb = lines(b[i]?.response);
    for (let k = 0; k < Math.max(la.length, lb.length); k++) out.push(`    ${clip(la[k] ?? '')} | ${lb[k] ?? ''}`);
  }
  return out.join('\n');
}
