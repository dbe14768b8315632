/**
 * Erlang terms in TypeScript.
 *
 * The representation is chosen so that user code stays short and traces read like Erlang:
 *
 * | Erlang / Elixir            | TypeScript                                   |
 * |----------------------------|----------------------------------------------|
 * | atom `:ok`                 | the string `'ok'` (every JS string is an atom) |
 * | `true` / `false` / `nil`   | `true` / `false` (or `'true'`/`'false'`), `'nil'` |
 * | integer                    | an integral `number`, or a `bigint`          |
 * | float                      | a non-integral `number`, or `new ErlFloat(1)` for integral floats |
 * | binary / Elixir string     | `Bin` (`bin('hello')`)                       |
 * | tuple `{a, b}`             | `Tuple` (`t('a', 'b')`), an array subclass   |
 * | list `[a, b]`              | a plain JS array                             |
 * | improper list `[a \| b]`   | `Improper`                                   |
 * | map with atom keys         | a plain object (`{id: 'a', restart: 'permanent'}`) |
 * | map with other keys        | `TMap`                                       |
 * | pid / reference            | `Pid` / `Ref` (numbered per run)             |
 * | fun                        | a JS function                                |
 *
 * Terms compare structurally (`equals`, `compare` in ./compare.ts) and print the same way everywhere
 * (./format.ts).
 */

/** Any Erlang term. */
export type Term =
  | string
  | boolean
  | number
  | bigint
  | Bin
  | ErlFloat
  | Tuple
  | Improper
  | TMap
  | Pid
  | Ref
  | ErlModule
  | Term[]
  | TermFun
  | TermObject;

/** A map whose keys are all atoms: a plain object. Elixir structs carry `__struct__`. */
export interface TermObject {
  [key: string]: Term;
}

/** A fun. Only its identity matters to the runtime; it prints as `#Function<name>`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TermFun = (...args: any[]) => any;

/** An atom is a string. The alias documents intent at use sites. */
export type Atom = string;

/** A process identifier, `<0.N.0>`. Numbers are assigned per run in spawn order. */
export class Pid {
  constructor(readonly id: number) {}
  toString(): string {
    return `<0.${this.id}.0>`;
  }
}

/** A reference, `#Ref<0.N>`. Also used as alias and monitor identifiers. */
export class Ref {
  constructor(readonly id: number) {}
  toString(): string {
    return `#Ref<0.${this.id}>`;
  }
}

/**
 * A module: an atom with code attached. In Erlang a module is just an atom and `apply(m, f, args)`
 * finds the code; here the atom carries its exported functions, so child specs such as
 * `%{start: {MyWorker, :start_link, [arg]}}` stay faithful terms. It compares, prints, hashes and
 * encodes exactly as the atom `name` (Elixir modules are named `Elixir.My.Mod`).
 */
export class ErlModule {
  constructor(
    readonly name: string,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    readonly exports: Readonly<Record<string, (...args: any[]) => any>>,
  ) {}
  toString(): string {
    return this.name;
  }
}

/** An Erlang tuple. An array subclass so that `msg[0]` and destructuring work. */
export class Tuple extends Array<Term> {
  // Array methods such as map/filter build plain arrays (lists), not tuples.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** An Erlang binary (Elixir string). */
export class Bin {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A float whose value happens to be integral (`1.0`), which a plain number cannot express. */
export class ErlFloat {
  constructor(readonly value: number) {}
}

/** An improper list `[h1, h2 | tail]`. */
export class Improper {
  constructor(
    readonly head: readonly Term[],
    readonly tail: Term,
  ) {}
}

/** A map with arbitrary term keys. Entries are kept in insertion order; equality ignores order. */
export class TMap {
  readonly entries: ReadonlyArray<readonly [Term, Term]>;
  constructor(entries: Iterable<readonly [Term, Term]>) {
    this.entries = [...entries];
  }
}

/** Builds a tuple: `t('EXIT', pid, 'normal')` is `{:EXIT, pid, :normal}`. */
export function t(...items: Term[]): Tuple {
  return adoptAsTuple(items); // the rest array is fresh
}

/**
 * Turns a fresh array the caller gives up into a tuple, in place. V8 constructs an Array subclass
 * through a slow generic path: `new Tuple(n)` measured about 8× the cost of re-prototyping an
 * array, and tuples are built for nearly every message, reply and exit reason.
 */
export function adoptAsTuple(items: Term[]): Tuple {
  return Object.setPrototypeOf(items, Tuple.prototype) as Tuple;
}

/** Builds a binary: `bin('hello')` is `"hello"`. */
export function bin(value: string): Bin {
  return new Bin(value);
}

export function isTuple(x: unknown): x is Tuple {
  return x instanceof Tuple;
}

/** A tuple of the given size whose first element is the atom `tag`. */
export function isTagged(x: unknown, tag: string, size?: number): x is Tuple {
  return x instanceof Tuple && x[0] === tag && (size === undefined || x.length === size);
}

export function isPid(x: unknown): x is Pid {
  return x instanceof Pid;
}

export function isRef(x: unknown): x is Ref {
  return x instanceof Ref;
}

export function isAtom(x: unknown): x is Atom | boolean | ErlModule {
  return typeof x === 'string' || typeof x === 'boolean' || x instanceof ErlModule;
}

/** The text of an atom-like term (an atom, a boolean, a module), or undefined. */
export function atomName(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  if (x instanceof ErlModule) return x.name;
  return undefined;
}

export function isList(x: unknown): x is Term[] {
  return Array.isArray(x) && !(x instanceof Tuple);
}

export function isInteger(x: unknown): x is number | bigint {
  return (typeof x === 'number' && Number.isInteger(x)) || typeof x === 'bigint';
}

/** A plain object used as an atom-keyed map (not one of the term classes). */
export function isTermObject(x: unknown): x is TermObject {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** An Elixir exception struct such as `%RuntimeError{message: "boom"}`. */
export function exception(name: string, message: string, extra: TermObject = {}): TermObject {
  return { __struct__: `Elixir.${name}`, ...extra, message: bin(message) };
}

/** True for `{exception_struct, stacktrace}` as produced by a raise. */
export function isExceptionReason(x: unknown): x is Tuple {
  return x instanceof Tuple && x.length === 2 && isTermObject(x[0]) && '__struct__' in x[0] && Array.isArray(x[1]);
}
