/**
 * A compact, lossless JSON encoding of terms, used by traces, replay tokens and the driver protocol.
 *
 * | term            | JSON                          |
 * |-----------------|-------------------------------|
 * | atom            | `"name"` (a JSON string)      |
 * | true / false    | `true` / `false`              |
 * | integer         | a number; `{"int":"123…"}` beyond 2^53 |
 * | float           | a number with a fraction; `{"float":1}` when integral |
 * | binary          | `{"bin":"text"}`              |
 * | tuple           | `{"tuple":[…]}`               |
 * | list            | `[…]`                         |
 * | improper list   | `{"improper":[…],"tail":x}`   |
 * | map             | `{"map":[[k,v],…]}` (keys in term order) |
 * | pid / ref       | `{"pid":N}` / `{"ref":N}`     |
 * | fun             | `{"fun":"name"}` (encode only) |
 *
 * Map entries are sorted by key so that equal terms encode to identical bytes.
 */
import { mapEntries } from './compare.js';
import { Bin, ErlFloat, ErlModule, Improper, Pid, Ref, TMap, Tuple, adoptAsTuple, isTermObject, type Term } from './Term.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export function toJson(x: Term): Json {
  switch (typeof x) {
    case 'string':
    case 'boolean':
      return x;
    case 'number':
      if (!Number.isFinite(x)) throw new TypeError(`not a finite number: ${x}`);
      return Number.isInteger(x) && !Number.isSafeInteger(x) ? { int: BigInt(x).toString() } : x;
    case 'bigint':
      return x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(x)
        : { int: x.toString() };
    case 'function':
      return { fun: x.name || 'anonymous' };
  }
  if (x instanceof Tuple) return { tuple: x.map(toJson) };
  if (Array.isArray(x)) return x.map(toJson);
  if (x instanceof Pid) return { pid: x.id };
  if (x instanceof Ref) return { ref: x.id };
  if (x instanceof ErlModule) return x.name;
  if (x instanceof Bin) return { bin: x.value };
  if (x instanceof ErlFloat) return Number.isInteger(x.value) ? { float: x.value } : x.value;
  if (x instanceof Improper) return { improper: x.head.map(toJson), tail: toJson(x.tail) };
  return { map: mapEntries(x).map(([k, v]) => [toJson(k), toJson(v)]) };
}

/** Thrown by `fromJson` for input that is not a valid encoded term. */
export class TermDecodeError extends Error {}

function fail(what: string, value: unknown): never {
  throw new TermDecodeError(`invalid term encoding: ${what} (${JSON.stringify(value)?.slice(0, 60)})`);
}

/**
 * Decodes a term. Pids and refs are rebuilt through `intern` when given, so that a decoded
 * `{"pid":3}` is the same `Pid` object the caller already holds.
 */
export function fromJson(
  j: unknown,
  intern: { pid?: (id: number) => Pid; ref?: (id: number) => Ref } = {},
): Term {
  if (typeof j === 'string' || typeof j === 'boolean') return j;
  if (typeof j === 'number') {
    if (!Number.isFinite(j)) fail('number', j);
    return j;
  }
  if (Array.isArray(j)) return j.map((e) => fromJson(e, intern));
  if (j === null || typeof j !== 'object') fail('unexpected value', j);
  const o = j as Record<string, unknown>;
  const keys = Object.keys(o);
  const key = keys[0];
  if (keys.length === 2 && 'improper' in o && 'tail' in o) {
    if (!Array.isArray(o['improper'])) fail('improper', j);
    return new Improper(
      (o['improper'] as unknown[]).map((e) => fromJson(e, intern)),
      fromJson(o['tail'], intern),
    );
  }
  if (keys.length !== 1) fail('object with one key expected', j);
  const v = o[key!];
  switch (key) {
    case 'tuple': {
      if (!Array.isArray(v)) fail('tuple', j);
      return adoptAsTuple(v.map((e) => fromJson(e, intern)));
    }
    case 'bin':
      if (typeof v !== 'string') fail('bin', j);
      return new Bin(v);
    case 'int':
      if (typeof v !== 'string' || !/^-?\d+$/.test(v)) fail('int', j);
      return BigInt(v);
    case 'float':
      if (typeof v !== 'number') fail('float', j);
      return Number.isInteger(v) ? new ErlFloat(v) : v;
    case 'pid':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail('pid', j);
      return intern.pid ? intern.pid(v) : new Pid(v);
    case 'ref':
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail('ref', j);
      return intern.ref ? intern.ref(v) : new Ref(v);
    case 'map': {
      if (!Array.isArray(v)) fail('map', j);
      const entries = v.map((e) => {
        if (!Array.isArray(e) || e.length !== 2) fail('map entry', e);
        return [fromJson(e[0], intern), fromJson(e[1], intern)] as const;
      });
      if (entries.every(([k]) => typeof k === 'string')) {
        const obj: Record<string, Term> = {};
        for (const [k, val] of entries) obj[k as string] = val;
        return obj;
      }
      return new TMap(entries);
    }
    default:
      return fail(`unknown tag ${String(key)}`, j);
  }
}

/** True when `x` is a plain object map (for callers that branch on encoded maps). */
export { isTermObject };
