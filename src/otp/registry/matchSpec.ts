/**
 * A small ETS match-specification engine for Registry's pattern arguments.
 *
 * The kernel's ETS takes JS filter functions instead of match specs, so Registry interprets the
 * Erlang-level arguments here and hands the kernel a closure. Two forms are accepted everywhere a
 * real Registry takes a pattern, guards or a spec:
 *
 * - **Erlang terms**, interpreted like `ets:select/2`: patterns with `:_` and `:"$N"` variables
 *   (a repeated variable must bind equal terms; maps match by subset), guards such as
 *   `{:==, :"$2", pid}` / `{:andalso, g1, g2}` / `{:is_integer, :"$1"}`, and bodies with `:"$N"`,
 *   `:"$_"` (the whole stored object), `:"$$"` (all bindings) and `{{…}}` tuple construction.
 * - **JS functions**, the documented stand-in for specs the term engine does not cover: a guard
 *   `(vars) => boolean`, a value predicate `(value) => boolean` in place of a pattern, and for
 *   `select` a mapper `(key, pid, value) => Term | undefined`.
 *
 * Guard errors make the guard fail, as in ETS. A malformed spec is not validated up front (ETS
 * would raise `badarg`); unknown guard functions simply fail.
 */
import { compare, equals } from '../../term/compare.js';
import { Bin, ErlFloat, ErlModule, Improper, Pid, Ref, TMap, Tuple, isTermObject, t, type Term, type TermFun } from '../../term/Term.js';

/** Bindings of `$N` variables, by variable name (`'$1'`). */
export type Vars = Map<string, Term>;

/** Any term but a fun (so that a JS function argument is read as a predicate and typed as one). */
export type NonFunTerm = Exclude<Term, TermFun>;

/** A guard: an Erlang match-spec guard expression, or a JS predicate over the bindings. */
export type Guard = NonFunTerm | ((vars: Vars) => boolean);

/** A value pattern: an Erlang match pattern, or a JS predicate on the value (the stand-in). */
export type ValuePattern = NonFunTerm | ((value: Term) => boolean);

const VAR = /^\$(\d+)$/;

/** `:"$N"` match variables. */
export function isVariable(x: Term): x is string {
  return typeof x === 'string' && VAR.test(x);
}

/** Atoms ETS reads as pattern syntax: `:_` and `:"$…"` (registry.ex `reserved_atom?`). */
export function isReservedAtom(x: Term): boolean {
  return typeof x === 'string' && (x === '_' || x.startsWith('$'));
}

/** Matches `value` against an ETS match pattern, extending `vars`. */
export function matchPattern(pattern: Term, value: Term, vars: Vars): boolean {
  if (pattern === '_') return true;
  if (isVariable(pattern)) {
    const bound = vars.get(pattern);
    if (bound === undefined) {
      vars.set(pattern, value);
      return true;
    }
    return equals(bound, value);
  }
  if (pattern instanceof Tuple) {
    if (!(value instanceof Tuple) || value.length !== pattern.length) return false;
    return pattern.every((p, i) => matchPattern(p, value[i]!, vars));
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(value) || value instanceof Tuple || value.length !== pattern.length) return false;
    return pattern.every((p, i) => matchPattern(p, value[i]!, vars));
  }
  if (pattern instanceof Improper) {
    if (!(value instanceof Improper) && !Array.isArray(value)) return false;
    const items = value instanceof Improper ? value.head : value;
    const n = pattern.head.length;
    if (items.length < n) return false;
    for (let i = 0; i < n; i++) if (!matchPattern(pattern.head[i]!, items[i]!, vars)) return false;
    const rest: Term = value instanceof Improper
      ? (items.length === n ? value.tail : new Improper(items.slice(n), value.tail))
      : items.slice(n);
    return matchPattern(pattern.tail, rest, vars);
  }
  if (pattern instanceof TMap || isTermObject(pattern)) return matchMap(pattern, value, vars);
  return equals(pattern, value);
}

function entriesOf(m: Term): Array<readonly [Term, Term]> | undefined {
  if (m instanceof TMap) return [...m.entries];
  if (isTermObject(m)) return Object.entries(m);
  return undefined;
}

/** Map patterns match maps holding at least the pattern's keys (keys are literal). */
function matchMap(pattern: Term, value: Term, vars: Vars): boolean {
  const want = entriesOf(pattern)!;
  const have = entriesOf(value);
  if (!have) return false;
  return want.every(([k, p]) => {
    const hit = have.find(([hk]) => equals(hk, k));
    return hit !== undefined && matchPattern(p, hit[1], vars);
  });
}

// ----------------------------------------------------------------------- guards and bodies

class GuardFailure extends Error {}
const fail = (): never => {
  throw new GuardFailure();
};

const isNumber = (x: Term): boolean => typeof x === 'number' || typeof x === 'bigint' || x instanceof ErlFloat;
const num = (x: Term): number => (x instanceof ErlFloat ? x.value : typeof x === 'number' ? x : typeof x === 'bigint' ? Number(x) : fail());
const isTrue = (x: Term): boolean => x === true || x === 'true';
const isInteger = (x: Term): boolean => typeof x === 'bigint' || (typeof x === 'number' && Number.isInteger(x));
/** An integer result: exact (BigInt arithmetic), a JS number while it is safe. */
const intResult = (x: bigint): Term => (x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x);
/** A float result stays a float when integral (`1.5 * 2` is `3.0`, not `3`). */
const floatResult = (x: number): Term => (Number.isInteger(x) ? new ErlFloat(x) : x);

/**
 * `+`, `-`, `*` as the BEAM computes them: integers exactly (bignums included), a float as soon as
 * one operand is a float (✔ arith.exs on OTP 25 and 27: `2^53 + 1 + 1` is `9007199254740994`,
 * `1.5 * 2` is `3.0`, `-(2.0)` is `-2.0`); anything else raises (the guard fails).
 */
function arith(op: '+' | '-' | '*', operands: Term[]): Term {
  if (!operands.every(isNumber)) return fail();
  if (operands.every(isInteger)) {
    const [a, b] = operands.map((x) => BigInt(x as number | bigint));
    if (b === undefined) return intResult(op === '-' ? -a! : a!);
    return intResult(op === '+' ? a! + b : op === '-' ? a! - b : a! * b);
  }
  const [a, b] = operands.map(num);
  if (b === undefined) return floatResult(op === '-' ? -a! : a!);
  return floatResult(op === '+' ? a! + b : op === '-' ? a! - b : a! * b);
}
const bool = (x: Term): boolean => (isTrue(x) ? true : x === false || x === 'false' ? false : fail());

const TYPE_TESTS: Record<string, (x: Term) => boolean> = {
  is_atom: (x) => typeof x === 'string' || typeof x === 'boolean' || x instanceof ErlModule,
  is_integer: (x) => (typeof x === 'number' && Number.isInteger(x)) || typeof x === 'bigint',
  is_float: (x) => x instanceof ErlFloat || (typeof x === 'number' && !Number.isInteger(x)),
  is_number: isNumber,
  is_pid: (x) => x instanceof Pid,
  is_reference: (x) => x instanceof Ref,
  is_tuple: (x) => x instanceof Tuple,
  is_list: (x) => (Array.isArray(x) && !(x instanceof Tuple)) || x instanceof Improper,
  is_binary: (x) => x instanceof Bin,
  is_map: (x) => x instanceof TMap || isTermObject(x),
  is_function: (x) => typeof x === 'function',
};

const COMPARISONS: Record<string, (c: number, a: Term, b: Term) => boolean> = {
  '==': (c) => c === 0,
  '/=': (c) => c !== 0,
  '=:=': (_c, a, b) => equals(a, b),
  '=/=': (_c, a, b) => !equals(a, b),
  '<': (c) => c < 0,
  '>': (c) => c > 0,
  '=<': (c) => c <= 0,
  '>=': (c) => c >= 0,
};

/** Evaluates a match-spec expression (guard or body element). */
function evalExpr(e: Term, vars: Vars, object: Term): Term {
  if (typeof e === 'string') {
    if (e === '$_') return object;
    if (e === '$$') return [...vars.keys()].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))).map((k) => vars.get(k)!);
    if (isVariable(e)) return vars.has(e) ? vars.get(e)! : fail();
    return e;
  }
  if (Array.isArray(e) && !(e instanceof Tuple)) return e.map((x) => evalExpr(x, vars, object));
  if (!(e instanceof Tuple) || e.length === 0) return e;
  // {{a, b}} constructs the tuple {a, b}; {:const, x} is x unevaluated.
  if (e.length === 1 && e[0] instanceof Tuple) return t(...e[0].map((x) => evalExpr(x, vars, object)));
  const [op, ...args] = e;
  if (op === 'const' && args.length === 1) return args[0]!;
  const v = () => args.map((a) => evalExpr(a, vars, object));
  if (typeof op !== 'string') return fail();
  if (op in COMPARISONS && args.length === 2) {
    const [a, b] = v();
    return COMPARISONS[op]!(compare(a!, b!), a!, b!);
  }
  if (op in TYPE_TESTS && args.length === 1) return TYPE_TESTS[op]!(v()[0]!);
  switch (op) {
    case 'andalso':
      return bool(evalExpr(args[0]!, vars, object)) && bool(evalExpr(args[1]!, vars, object));
    case 'orelse':
      return bool(evalExpr(args[0]!, vars, object)) || bool(evalExpr(args[1]!, vars, object));
    // `and` / `or` evaluate every operand and fail on a non-boolean one, short-circuit or not.
    case 'and':
      return v().map(bool).every((b) => b);
    case 'or':
      return v().map(bool).some((b) => b);
    case 'xor': {
      const [a, b] = v().map(bool);
      return a !== b;
    }
    case 'not':
      return !bool(v()[0]!);
    case 'element': {
      const [i, tup] = v();
      if (typeof i !== 'number' || !(tup instanceof Tuple) || i < 1 || i > tup.length) return fail();
      return tup[i - 1]!;
    }
    case 'tuple_size': {
      const [tup] = v();
      return tup instanceof Tuple ? tup.length : fail();
    }
    case 'length': {
      const [l] = v();
      return Array.isArray(l) && !(l instanceof Tuple) ? l.length : fail();
    }
    case 'hd':
    case 'tl': {
      const [l] = v();
      if (!Array.isArray(l) || l instanceof Tuple || l.length === 0) return fail();
      return op === 'hd' ? l[0]! : l.slice(1);
    }
    case '+':
    case '-':
    case '*':
      return arith(op, v());
    case 'abs': {
      const [x] = v();
      if (!isInteger(x!)) return floatResult(Math.abs(num(x!)));
      const i = BigInt(x as number | bigint);
      return intResult(i < 0n ? -i : i);
    }
    default:
      return fail();
  }
}

/** True when every guard holds; a guard that raises fails (ETS semantics). */
export function guardsHold(guards: readonly Guard[], vars: Vars, object: Term): boolean {
  try {
    // A guard holds when it evaluates to the atom true (`true` or `'true'` here).
    return guards.every((g) => (typeof g === 'function' ? g(vars) : isTrue(evalExpr(g, vars, object))));
  } catch (e) {
    if (e instanceof GuardFailure) return false;
    throw e;
  }
}

/** Evaluates a spec body (a list: the last expression is the result), or `undefined` if it raises. */
export function evalBody(body: Term, vars: Vars, object: Term): Term | undefined {
  const exprs = Array.isArray(body) && !(body instanceof Tuple) ? body : [body];
  try {
    let result: Term = [];
    for (const e of exprs) result = evalExpr(e, vars, object);
    return result;
  } catch (e) {
    if (e instanceof GuardFailure) return undefined;
    throw e;
  }
}

/** Tests a value against a value pattern (term or predicate) and guards; returns the bindings. */
export function matchValue(pattern: ValuePattern, guards: readonly Guard[], value: Term, object: Term): Vars | undefined {
  const vars: Vars = new Map();
  if (typeof pattern === 'function') {
    if (!(pattern as (v: Term) => boolean)(value)) return undefined;
  } else if (!matchPattern(pattern, value, vars)) {
    return undefined;
  }
  return guardsHold(guards, vars, object) ? vars : undefined;
}
