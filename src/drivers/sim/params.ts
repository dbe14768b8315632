/**
 * Request parameters to terms, as the protocol defines them (docs/driver-protocol.md): the same
 * decoding the Elixir driver's `Beamcheck.Decode` does, so both runtimes see the same terms.
 */
import type { InitBehaviour } from '../../harness/worker.js';
import { fromJson, TermDecodeError, type Json } from '../../term/json.js';
import { t, type Term } from '../../term/Term.js';
import type { Command } from '../Driver.js';

/** Bad parameters in a request: answered with `ok: false` and the message. */
export class RequestError extends Error {}

export function str(c: Command, key: string): string {
  const v = c[key];
  if (typeof v !== 'string') throw new RequestError(`${c.cmd}: "${key}" must be a string`);
  return v;
}

export function int(c: Command, key: string, fallback?: number): number {
  const v = c[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RequestError(`${c.cmd}: "${key}" must be a non-negative integer`);
  return v;
}

export function timeoutOf(c: Command, key: string, fallback = 5000): number | 'infinity' {
  return c[key] === 'infinity' ? 'infinity' : int(c, key, fallback);
}

/** A term in the JSON encoding (a JSON string is an atom). */
export function termOf(j: Json | undefined, what = 'term'): Term {
  try {
    return fromJson(j);
  } catch (e) {
    if (e instanceof TermDecodeError) throw new RequestError(`${what}: ${e.message}`);
    throw e;
  }
}

/** A reason spec: `{"shutdown": X}` is `{:shutdown, X}`, anything else a term. */
export function reasonOf(j: Json | undefined): Term {
  if (j !== null && typeof j === 'object' && !Array.isArray(j) && Object.keys(j).length === 1 && 'shutdown' in j) {
    return t('shutdown', termOf(j['shutdown'], 'reason'));
  }
  if (j === undefined) throw new RequestError('missing reason');
  return termOf(j, 'reason');
}

/** A worker's init behaviour (docs/driver-protocol.md, "Workers"). */
export function initOf(j: Json | undefined): InitBehaviour {
  if (j === undefined || j === 'ok') return 'ok';
  if (j === 'ignore' || j === 'raise') return j;
  if (j !== null && typeof j === 'object' && !Array.isArray(j)) {
    if ('stop' in j) return { stop: reasonOf(j['stop']) };
    if (typeof j['fail_first'] === 'number') return { failFirst: j['fail_first'] };
    if (typeof j['slow_ms'] === 'number') return { slowMs: j['slow_ms'] };
    if ('error' in j) return { error: reasonOf(j['error']) };
    if (typeof j['ignore_after'] === 'number') return { ignoreAfter: j['ignore_after'] };
  }
  throw new RequestError(`bad init behaviour ${JSON.stringify(j)}`);
}
