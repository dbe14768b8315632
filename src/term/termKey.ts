/**
 * A canonical string for a term, for use as a JS Map key (process dictionary, ETS keys).
 * Two terms have the same key exactly when they are `=:=`.
 */
import { toJson } from './json.js';
import { ErlModule, type Term } from './Term.js';

export function termKey(x: Term): string {
  // Atoms are by far the most common keys; keep them cheap and distinct from encoded terms.
  if (typeof x === 'string') return x;
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  if (x instanceof ErlModule) return x.name;
  return `\u0000${JSON.stringify(toJson(x))}`;
}
