/**
 * Structural equality (`=:=`) and Erlang's standard term order for terms.
 *
 * Term order (Erlang reference manual, "Term Comparisons"):
 * number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring.
 * Tuples compare by size first, then element-wise; maps by size, then keys, then values.
 */
import { Bin, ErlFloat, ErlModule, Improper, Pid, Ref, TMap, Tuple, isTermObject, type Term } from './Term.js';

const enum Rank {
  Number = 0,
  Atom = 1,
  Ref = 2,
  Fun = 3,
  Pid = 5,
  Tuple = 6,
  Map = 7,
  Nil = 8,
  List = 9,
  Binary = 10,
}

function rank(x: Term): Rank {
  switch (typeof x) {
    case 'number':
    case 'bigint':
      return Rank.Number;
    case 'string':
    case 'boolean':
      return Rank.Atom;
    case 'function':
      return Rank.Fun;
  }
  if (x instanceof Tuple) return Rank.Tuple;
  if (Array.isArray(x)) return x.length === 0 ? Rank.Nil : Rank.List;
  if (x instanceof Pid) return Rank.Pid;
  if (x instanceof Ref) return Rank.Ref;
  if (x instanceof Bin) return Rank.Binary;
  if (x instanceof ErlFloat) return Rank.Number;
  if (x instanceof Improper) return Rank.List;
  if (x instanceof ErlModule) return Rank.Atom;
  return Rank.Map;
}

/** The atom text of an atom-like term (booleans are the atoms `true` / `false`). */
export function atomText(x: string | boolean | ErlModule): string {
  if (x instanceof ErlModule) return x.name;
  return typeof x === 'boolean' ? (x ? 'true' : 'false') : x;
}

function numberValue(x: Term): number | bigint {
  return x instanceof ErlFloat ? x.value : (x as number | bigint);
}

function isFloat(x: Term): boolean {
  return x instanceof ErlFloat || (typeof x === 'number' && !Number.isInteger(x));
}

/** Map entries as `[key, value]` pairs sorted in map key order. */
export function mapEntries(x: Term): Array<readonly [Term, Term]> {
  const entries: Array<readonly [Term, Term]> =
    x instanceof TMap ? [...x.entries] : Object.entries(x as Record<string, Term>);
  return entries.sort((a, b) => order(a[0], b[0], true));
}

function listCells(x: Term): { items: readonly Term[]; tail: Term } {
  if (x instanceof Improper) return { items: x.head, tail: x.tail };
  return { items: x as Term[], tail: [] };
}

function compareNumbers(a: Term, b: Term): number {
  const x = numberValue(a);
  const y = numberValue(b);
  if (x < y) return -1;
  if (x > y) return 1;
  // Equal in value: for exact equality an integer and a float differ; in ordering they are equal.
  return 0;
}

/** Erlang term order: negative, zero or positive. Numbers of equal value compare equal (`==`). */
export function compare(a: Term, b: Term): number {
  return order(a, b, false);
}

/**
 * Term order; `exact` is *map key order* (the Erlang reference manual, "Term Comparison": maps
 * compare by size, then by keys in map key order, where every integer is less than every float,
 * then by values in key order): measured on OTP 25, `%{2 => :a} < %{1.5 => :a}` and
 * `%{1 => :a} < %{1.0 => :a}`, while `%{a: 1} == %{a: 1.0}`.
 */
function order(a: Term, b: Term, exact: boolean): number {
  if (a === b) return 0;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case Rank.Number:
      if (exact && isFloat(a) !== isFloat(b)) return isFloat(a) ? 1 : -1;
      return compareNumbers(a, b);
    case Rank.Atom: {
      const x = atomText(a as string | boolean | ErlModule);
      const y = atomText(b as string | boolean | ErlModule);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case Rank.Ref:
      return (a as Ref).id - (b as Ref).id;
    case Rank.Pid:
      return (a as Pid).id - (b as Pid).id;
    case Rank.Fun: {
      const x = (a as { name: string }).name;
      const y = (b as { name: string }).name;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case Rank.Tuple: {
      const x = a as Tuple;
      const y = b as Tuple;
      if (x.length !== y.length) return x.length - y.length;
      for (let i = 0; i < x.length; i++) {
        const c = order(x[i]!, y[i]!, exact);
        if (c !== 0) return c;
      }
      return 0;
    }
    case Rank.Map: {
      const x = mapEntries(a);
      const y = mapEntries(b);
      if (x.length !== y.length) return x.length - y.length;
      for (let i = 0; i < x.length; i++) {
        const c = order(x[i]![0], y[i]![0], true);
        if (c !== 0) return c;
      }
      for (let i = 0; i < x.length; i++) {
        const c = order(x[i]![1], y[i]![1], exact);
        if (c !== 0) return c;
      }
      return 0;
    }
    case Rank.Nil:
      return 0;
    case Rank.List: {
      const x = listCells(a);
      const y = listCells(b);
      const n = Math.min(x.items.length, y.items.length);
      for (let i = 0; i < n; i++) {
        const c = order(x.items[i]!, y.items[i]!, exact);
        if (c !== 0) return c;
      }
      if (x.items.length === y.items.length) return order(x.tail, y.tail, exact);
      // One list continues where the other has its tail.
      if (x.items.length < y.items.length) return order(x.tail, rest(y, n), exact);
      return order(rest(x, n), y.tail, exact);
    }
    case Rank.Binary: {
      const x = (a as Bin).value;
      const y = (b as Bin).value;
      return x < y ? -1 : x > y ? 1 : 0;
    }
  }
}

function rest(cells: { items: readonly Term[]; tail: Term }, from: number): Term {
  const items = cells.items.slice(from);
  return Array.isArray(cells.tail) && cells.tail.length === 0 ? items : new Improper(items, cells.tail);
}

/** Exact structural equality, Erlang's `=:=` (so `1` and `1.0` differ). */
export function equals(a: Term, b: Term): boolean {
  if (a === b) return true;
  const ra = rank(a);
  if (ra !== rank(b)) return false;
  if (ra === Rank.Number) return isFloat(a) === isFloat(b) && compareNumbers(a, b) === 0;
  if (ra === Rank.Atom) return atomText(a as string | boolean | ErlModule) === atomText(b as string | boolean | ErlModule);
  if (ra === Rank.Tuple) {
    const x = a as Tuple;
    const y = b as Tuple;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!equals(x[i]!, y[i]!)) return false;
    return true;
  }
  if (ra === Rank.List) {
    // Cell by cell, tails included: `[1 | :a] =:= [1.0 | :a]` is false although the two compare equal.
    const x = listCells(a);
    const y = listCells(b);
    const n = Math.min(x.items.length, y.items.length);
    for (let i = 0; i < n; i++) if (!equals(x.items[i]!, y.items[i]!)) return false;
    if (x.items.length === y.items.length) return equals(x.tail, y.tail);
    return x.items.length < y.items.length ? equals(x.tail, rest(y, n)) : equals(rest(x, n), y.tail);
  }
  if (ra === Rank.Map) {
    const x = mapEntries(a);
    const y = mapEntries(b);
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) {
      if (!equals(x[i]![0], y[i]![0]) || !equals(x[i]![1], y[i]![1])) return false;
    }
    return true;
  }
  if (ra === Rank.Fun) return a === b;
  return compare(a, b) === 0;
}

/** Sorts a copy of `items` in term order. */
export function sortTerms<T extends Term>(items: readonly T[]): T[] {
  return [...items].sort(compare);
}

export { isTermObject };
