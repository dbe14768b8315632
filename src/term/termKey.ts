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

/**
 * A canonical string for `==` instead of `=:=`: an integral float keys like the integer it equals.
 * An ETS `ordered_set` holds keys unique up to `==` (OTP's stdlib `ets` manual: "ordered_set …
 * compares keys with ==, not =:="), so `1` and `1.0` are one key there.
 */
export function arithmeticTermKey(x: Term): string {
  if (typeof x === 'string' || typeof x === 'boolean' || x instanceof ErlModule) return termKey(x);
  return `\u0000${JSON.stringify(toJson(x), integralFloatsAsIntegers)}`;
}

/** A JSON.stringify replacer: the encoding of an integral float, `{"float": 1}`, becomes `1`. */
function integralFloatsAsIntegers(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const float = (value as { float?: unknown }).float;
  return typeof float === 'number' && Object.keys(value).length === 1 ? float : value;
}
