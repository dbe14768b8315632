/**
 * Registry reads, run in the calling process straight on the ETS tables: `lookup/2`, `match/4`,
 * `count/1`, `count_match/4`, `select/2`, `count_select/2`, `keys/2`, `values/3`, `dispatch/4`.
 * None checks liveness: until a partition has processed a dead process's `{:EXIT, …}`, its
 * entries are still returned (processes.md §6.6, §6.7). Duplicate registries partitioned by pid
 * read every partition (in partition order; `dispatch` walks them from the last one down, as
 * registry.ex does).
 *
 * Match specs: patterns, guards and `select` specs are Erlang terms interpreted by
 * ./matchSpec.ts, or JS functions as the documented stand-in (see there).
 */
import { self, semantics, unlink } from '../../kernel/api.js';
import type { Op } from '../../kernel/effects.js';
import { argumentError } from '../../kernel/errors.js';
import * as Ets from '../../kernel/ets.api.js';
import { equals } from '../../term/compare.js';
import { format } from '../../term/format.js';
import { termKey } from '../../term/termKey.js';
import { Pid, Tuple, isList, t, type Term } from '../../term/Term.js';
import { apply, invoke } from '../callbacks.js';
import * as Task from '../Task.js';
import {
  functionClause,
  hash,
  info,
  isOrdered,
  keyEtsAt,
  keyEtsFor,
  keyInfo,
  lookupSecond,
  modeOf,
  pidEtsAt,
  pidEtsFor,
  registryName,
  rescueBadarg,
  type Kind,
  type KeyInfo,
} from './internal.js';
import { evalBody, guardsHold, matchPattern, matchValue, type Guard, type NonFunTerm, type ValuePattern, type Vars } from './matchSpec.js';

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** `{key, pid, value}` of a stored row, for either table shape. */
function triple(ordered: boolean, row: Tuple): [Term, Term, Term] {
  if (ordered) {
    const head = row[0] as Tuple;
    return [head[0]!, head[1]!, row[1]!];
  }
  const pair = row[1] as Tuple;
  return [row[0]!, pair[0]!, pair[1]!];
}

/**
 * The key tables `match`/`count_match` read: every partition for `{:duplicate, :pid}` with more
 * than one partition, else the one holding `key`.
 */
function* tablesForKey(name: string, ki: KeyInfo, key: Term): Op<Term[]> {
  if (modeOf(ki.kind) === 'pid' && ki.keyEts === undefined) {
    const out: Term[] = [];
    for (const p of range(ki.partitions)) out.push(yield* keyEtsAt(name, p));
    return out;
  }
  return [ki.keyEts ?? (yield* keyEtsFor(name, key, ki.partitions))];
}

/** Every key table (`select`, `count_select`, `count`). */
function* allTables(name: string, ki: KeyInfo): Op<Term[]> {
  if (ki.keyEts !== undefined) return [ki.keyEts];
  const out: Term[] = [];
  for (const p of range(ki.partitions)) out.push(yield* keyEtsAt(name, p));
  return out;
}

/** `Registry.lookup/2` (§6.7): `[{pid, value}]`, no liveness check (§6.6). */
export function* lookup(registry: Term, key: Term): Op<Tuple[]> {
  const name = registryName(registry, 'lookup', 2);
  const ki = yield* keyInfo(name);
  const mode = modeOf(ki.kind);
  if (mode === 'unique') {
    const keyEts = ki.keyEts ?? (yield* keyEtsFor(name, key, ki.partitions));
    const found = yield* lookupSecond(ki.kind, keyEts, key);
    return found instanceof Tuple ? [found] : [];
  }
  if (ki.partitions === 1 && ki.keyEts !== undefined) return (yield* lookupSecond(ki.kind, ki.keyEts, key)) as Tuple[];
  if (mode === 'key') return (yield* lookupSecond(ki.kind, yield* keyEtsFor(name, key, ki.partitions), key)) as Tuple[];
  const out: Tuple[] = [];
  for (const p of range(ki.partitions)) out.push(...((yield* lookupSecond(ki.kind, yield* keyEtsAt(name, p), key)) as Tuple[]));
  return out;
}

/** Rows of `key` whose value matches; `{pid, value}` each. Raises badarg if a table vanished. */
function* selectMatching(kind: Kind, tables: Term[], key: Term, pattern: ValuePattern, guards: Guard[]): Op<Tuple[]> {
  const ordered = isOrdered(kind);
  const out: Tuple[] = [];
  for (const table of tables) {
    const rows = yield* Ets.select(table, (row) => {
      const [k, pid, value] = triple(ordered, row);
      return equals(k, key) && matchValue(pattern, guards, value, row) !== undefined ? t(pid, value) : undefined;
    });
    out.push(...rows);
  }
  return out;
}

/** `Registry.match/4` (§6.7): the `{pid, value}` entries of `key` whose value matches. */
export function* match(registry: Term, key: Term, pattern: ValuePattern, guards: Guard[] = []): Op<Tuple[]> {
  const name = registryName(registry, 'match', 4);
  if (!Array.isArray(guards)) return functionClause('match', 4);
  const ki = yield* keyInfo(name);
  return yield* selectMatching(ki.kind, yield* tablesForKey(name, ki, key), key, pattern, guards);
}

/** `Registry.count_match/4` (§6.7). */
export function* countMatch(registry: Term, key: Term, pattern: ValuePattern, guards: Guard[] = []): Op<number> {
  const name = registryName(registry, 'count_match', 4);
  if (!Array.isArray(guards)) return functionClause('count_match', 4);
  const ki = yield* keyInfo(name);
  // :ets.select_count/2 per table, emulated with select (one ETS call each).
  let n = 0;
  for (const table of yield* tablesForKey(name, ki, key)) n += (yield* selectMatching(ki.kind, [table], key, pattern, guards)).length;
  return n;
}

/** `Registry.count/1` (§6.7): the sum of the key tables' sizes (a vanished table counts 0). */
export function* count(registry: Term): Op<number> {
  const name = registryName(registry, 'count', 1);
  const ki = yield* keyInfo(name);
  let n = 0;
  for (const table of yield* allTables(name, ki)) n += yield* rescueBadarg(Ets.size(table), () => 0);
  return n;
}

/** A stand-in for a `select/2` spec: `(key, pid, value) => result`, `undefined` to skip. */
export type SelectFn = (key: Term, pid: Term, value: Term) => Term | undefined;
/** A stand-in for a `count_select/2` spec: `(key, pid, value) => counted?`. */
export type CountFn = (key: Term, pid: Term, value: Term) => boolean;

/** A compiled spec: the result for a stored row, or `undefined`. */
type RowFn = (row: Tuple) => Term | undefined;

/**
 * `group_match_headers/3`: each clause must be `{{key, pid, value}, guards, body}`; the head is
 * matched against the entry's `{key, pid, value}` while `:"$_"` is the stored row.
 */
function compileSpec(spec: Term | SelectFn, kind: Kind, fun: string): RowFn {
  const ordered = isOrdered(kind);
  if (typeof spec === 'function') {
    return (row) => {
      const [k, p, v] = triple(ordered, row);
      const r = (spec as SelectFn)(k, p, v);
      return r === undefined || r === null ? undefined : r;
    };
  }
  const clauses = (spec as Term[]).map((part) => {
    if (!(part instanceof Tuple && part.length === 3 && part[0] instanceof Tuple && part[0].length === 3 && isList(part[1]))) {
      return argumentError(`invalid match specification in Registry.${fun}: ${format(spec)}`);
    }
    return { head: part[0], guards: part[1] as Guard[], body: part[2]! };
  });
  return (row) => {
    const entry = t(...triple(ordered, row));
    for (const c of clauses) {
      const vars: Vars = new Map();
      if (matchPattern(c.head, entry, vars) && guardsHold(c.guards, vars, row)) return evalBody(c.body, vars, row);
    }
    return undefined;
  };
}

function specArg(spec: Term | SelectFn, fun: string): void {
  if (typeof spec !== 'function' && !isList(spec)) functionClause(fun.split('/')[0]!, 2);
}

/**
 * `Registry.select/2` (1.9+, §6.7): a spec `[{{key, pid, value}, guards, body}]` (terms), or a
 * `(key, pid, value) => result | undefined` function. 1.14 validates the spec before looking the
 * registry up, HEAD after.
 */
export function* select(registry: Term, spec: NonFunTerm[] | SelectFn): Op<Term[]> {
  const name = registryName(registry, 'select', 2);
  specArg(spec, 'select/2');
  const ki = yield* keyInfoValidating(name, spec, 'select/2');
  const fn = compileSpec(spec, ki.kind, 'select/2');
  const out: Term[] = [];
  for (const table of yield* allTables(name, ki)) out.push(...(yield* Ets.select(table, fn)));
  return out;
}

/** `Registry.count_select/2` (1.14+): counts rows for which the spec returns `true`. */
export function* countSelect(registry: Term, spec: NonFunTerm[] | CountFn): Op<number> {
  const name = registryName(registry, 'count_select', 2);
  specArg(spec as Term, 'count_select/2');
  const ki = yield* keyInfoValidating(name, spec as Term, 'count_select/2');
  const fn = compileSpec(spec as Term, ki.kind, 'count_select/2');
  let n = 0;
  for (const table of yield* allTables(name, ki)) n += (yield* Ets.select(table, (row) => (fn(row) === true ? true : undefined))).length;
  return n;
}

function* keyInfoValidating(name: string, spec: Term | SelectFn, fun: string): Op<KeyInfo> {
  // 1.14 builds the spec (and may raise) before key_info!; the kind does not matter for that.
  if ((yield* semantics()) === 'otp25') compileSpec(spec, 'unique', fun);
  return yield* keyInfo(name);
}

/** `Registry.keys/2` (§6.7): the caller's view of `pid`'s keys, deduplicated for unique. */
export function* keys(registry: Term, pid: Term): Op<Term[]> {
  const name = registryName(registry, 'keys', 2);
  if (!(pid instanceof Pid)) return functionClause('keys', 2);
  const inf = yield* info(name);
  let tables: Term[];
  if (inf.pidEts) tables = [inf.pidEts.ets];
  else if (modeOf(inf.kind) === 'key') {
    tables = [];
    for (const p of range(inf.partitions)) tables.push((yield* pidEtsAt(name, p)).ets);
  } else tables = [(yield* pidEtsFor(name, pid, inf.partitions)).ets];
  const pairs: Tuple[] = [];
  for (const table of tables) {
    pairs.push(
      ...(yield* rescueBadarg(
        Ets.select(table, (row) => (equals(row[0]!, pid) ? t(row[1]!, row[2]!) : undefined)),
        () => [] as Tuple[],
      )),
    );
  }
  const gathered = gatherKeys(pairs);
  return modeOf(inf.kind) === 'unique' ? uniq(gathered) : gathered;
}

/**
 * `gather_keys/3`: reverses the pid-table order; a temporary `unregister_match` entry
 * `{key, {key_ets, remaining}}` stands for exactly `remaining` copies of its key.
 */
function gatherKeys(pairs: Tuple[]): Term[] {
  let acc: Term[] = [];
  let fake: [Term, number] | undefined;
  for (const [key, field] of pairs) {
    acc = [key!, ...acc];
    if (field instanceof Tuple && field.length === 2) fake = [key!, field[1] as number];
  }
  if (!fake) return acc;
  const [fk, remaining] = fake;
  return [...Array.from({ length: remaining }, () => fk), ...acc.filter((k) => !equals(k, fk))];
}

function uniq(items: Term[]): Term[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    const k = termKey(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `Registry.values/3` (1.12+, §6.7): `pid`'s values under `key`. */
export function* values(registry: Term, key: Term, pid: Term): Op<Term[]> {
  const name = registryName(registry, 'values', 3);
  const ki = yield* keyInfo(name);
  const mode = modeOf(ki.kind);
  if (mode === 'unique') {
    const keyEts = ki.keyEts ?? (yield* keyEtsFor(name, key, ki.partitions));
    const found = yield* lookupSecond(ki.kind, keyEts, key);
    return found instanceof Tuple && equals(found[0]!, pid) ? [found[1]!] : [];
  }
  let keyEts: Term;
  if (ki.keyEts !== undefined) keyEts = ki.keyEts;
  else if (mode === 'key') keyEts = yield* keyEtsFor(name, key, ki.partitions);
  else keyEts = yield* keyEtsAt(name, hash(pid, ki.partitions));
  const entries = (yield* lookupSecond(ki.kind, keyEts, key)) as Tuple[];
  return entries.filter((e) => equals(e[0]!, pid)).map((e) => e[1]!);
}

/** A dispatch callback: a function of the entries, or `{module, function, args}`. */
export type Dispatcher = ((entries: Tuple[]) => unknown) | Tuple;

/** `apply_non_empty_to_mfa_or_fun/2`: never called with an empty list (§6.8, ✔R8). */
function* applyNonEmpty(entries: Tuple[], dispatcher: Dispatcher): Op<void> {
  if (entries.length === 0) return;
  if (dispatcher instanceof Tuple) {
    const [m, f, args] = dispatcher;
    yield* apply(m!, f!, [entries, ...(args as Term[])]);
    return;
  }
  yield* invoke(dispatcher, [entries]);
}

/**
 * `dispatch_parallel/4`: one `Task.async` per partition (last partition first), each unlinking
 * from the caller when done, then `Task.await(task, :infinity)` on each in the same order. A
 * callback that raises crashes its task, and the link takes the caller down with it.
 */
function* dispatchParallel(bodies: Array<() => Op<void>>): Op<void> {
  const parent = yield* self();
  const tasks: Task.Task[] = [];
  for (const body of bodies) {
    tasks.push(
      yield* Task.async(function* () {
        yield* body();
        yield* unlink(parent);
        return 'ok';
      }),
    );
  }
  for (const task of tasks) yield* Task.await(task, 'infinity');
}

export interface DispatchOptions {
  /** Run each partition's entries in its own `Task.async` (pid-partitioned duplicates only). */
  parallel?: boolean;
}

/**
 * `Registry.dispatch/4` (§6.8): calls `dispatcher` in the caller once per partition holding
 * entries for `key`, with that partition's non-empty `[{pid, value}]`. Always `:ok`.
 */
export function* dispatch(registry: Term, key: Term, dispatcher: Dispatcher, opts: DispatchOptions = {}): Op<'ok'> {
  const name = registryName(registry, 'dispatch', 4);
  if (!(typeof dispatcher === 'function' || (dispatcher instanceof Tuple && dispatcher.length === 3))) {
    return functionClause('dispatch', 4);
  }
  const ki = yield* keyInfo(name);
  const mode = modeOf(ki.kind);
  if (mode === 'unique') {
    const keyEts = ki.keyEts ?? (yield* keyEtsFor(name, key, ki.partitions));
    const found = yield* lookupSecond(ki.kind, keyEts, key);
    yield* applyNonEmpty(found instanceof Tuple ? [found] : (found as Tuple[]), dispatcher);
  } else if (ki.partitions === 1) {
    yield* applyNonEmpty((yield* lookupSecond(ki.kind, ki.keyEts!, key)) as Tuple[], dispatcher);
  } else if (mode === 'key') {
    yield* applyNonEmpty((yield* lookupSecond(ki.kind, yield* keyEtsFor(name, key, ki.partitions), key)) as Tuple[], dispatcher);
  } else {
    const partitions = range(ki.partitions).reverse();
    const body = (p: number) =>
      function* (): Op<void> {
        yield* applyNonEmpty((yield* lookupSecond(ki.kind, yield* keyEtsAt(name, p), key)) as Tuple[], dispatcher);
      };
    if (opts.parallel) {
      yield* dispatchParallel(partitions.map(body));
    } else {
      for (const p of partitions) yield* body(p)();
    }
  }
  return 'ok';
}
