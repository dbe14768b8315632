/**
 * Registry internals shared by the client API, the partitions and the supervisor: the kinds per
 * semantics profile (processes.md §6.1), the layout of the meta table (§6.2), partition choice by
 * `:erlang.phash2/2` (§6.3), and `__unregister__/4`.
 *
 * The meta table is the public named ETS table `registry` owned by Registry.Supervisor:
 *
 * | key              | value                                                        |
 * |------------------|--------------------------------------------------------------|
 * | `-1` (all info)  | `{kind, partitions, key_ets \| nil, {pid_server, pid_ets} \| nil, listeners}` |
 * | `-2` (key info)  | `{kind, partitions, key_ets \| nil}`                          |
 * | `i` (partition)  | `{i, key_ets, {pid_server, pid_ets}}` (only when partitions > 1) |
 * | user meta        | `{meta_key, value}`                                           |
 *
 * With one partition, the partition overwrites `-1`/`-2` with its own tables so that reads skip
 * the hash. Every access is one ETS call, hence one scheduling point, as in the real code.
 */
import { unlink } from '../../kernel/api.js';
import type { Op } from '../../kernel/effects.js';
import { ErlangError, argumentError, functionClause as functionClauseError } from '../../kernel/errors.js';
import * as Ets from '../../kernel/ets.api.js';
import { equals } from '../../term/compare.js';
import { format } from '../../term/format.js';
import { phash2 } from '../../term/phash2.js';
import { Pid, Tuple, atomName, isTagged, t, type Term } from '../../term/Term.js';
import { isReservedAtom, matchPattern } from './matchSpec.js';

export const ALL_INFO = -1;
export const KEY_INFO = -2;

/**
 * The kind as stored in the meta table. `otp25` (Elixir 1.14): `:unique | :duplicate`.
 * `current` (1.19+): `:unique | {:duplicate, :pid} | {:duplicate, :key}` (§6.1).
 */
export type Kind = Term;

/** How a kind behaves: unique, duplicate partitioned by pid, duplicate partitioned by key. */
export type Mode = 'unique' | 'pid' | 'key';

export function modeOf(kind: Kind): Mode {
  if (kind === 'unique') return 'unique';
  if (isTagged(kind, 'duplicate', 2) && kind[1] === 'key') return 'key';
  return 'pid';
}

/** `{:duplicate, :key}` registries keep `{{key, pid, counter}, value}` in an ordered_set (1.20+). */
export function isOrdered(kind: Kind): boolean {
  return modeOf(kind) === 'key';
}

/** Accepted `keys:` options per profile (E14 registry.ex:175; E registry.ex:383-447). */
export function parseKind(keys: Term | undefined, profile: 'current' | 'otp25'): Kind {
  if (profile === 'otp25') {
    if (keys === 'unique' || keys === 'duplicate') return keys;
    return argumentError(`expected :keys to be given and be one of :unique or :duplicate, got: ${format(keys ?? 'nil')}`);
  }
  if (keys === 'unique') return 'unique';
  if (keys === 'duplicate') return t('duplicate', 'pid');
  if (isTagged(keys, 'duplicate', 2) && (keys[1] === 'key' || keys[1] === 'pid')) return t('duplicate', keys[1]);
  return argumentError(
    `expected :keys to be given and be one of :unique, :duplicate, {:duplicate, :key}, or {:duplicate, :pid}, got: ${format(keys ?? 'nil')}`,
  );
}

/** A registry name: the function heads guard `is_atom(registry)`. */
export function registryName(registry: Term, fun: string, arity: number): string {
  const name = atomName(registry);
  if (name === undefined) return functionClause(fun, arity);
  return name;
}

export function functionClause(fun: string, arity: number): never {
  return functionClauseError('Elixir.Registry', fun, arity);
}

/** `Module.concat(registry, "PIDPartition" <> i)` as `:elixir_aliases.concat/1` builds it. */
export function moduleConcat(base: string, suffix: string): string {
  const head = base.startsWith('Elixir.') || base === 'Elixir' ? base : `Elixir.${base}`;
  return `${head}.${suffix}`;
}

export const pidPartitionName = (registry: string, i: number): string => moduleConcat(registry, `PIDPartition${i}`);
export const keyPartitionName = (registry: string, i: number): string => moduleConcat(registry, `KeyPartition${i}`);

const isBadarg = (e: unknown): boolean => e instanceof ErlangError && e.error === 'badarg';

/** Runs `body`, turning a `badarg` into `fallback()` (the `try … catch :error, :badarg` idiom). */
export function* rescueBadarg<T>(body: Op<T>, fallback: () => T): Op<T> {
  try {
    return yield* body;
  } catch (e) {
    if (isBadarg(e)) return fallback();
    throw e;
  }
}

function* metaElement(registry: string, key: number): Op<Tuple> {
  return (yield* rescueBadarg(Ets.lookupElement(registry, key, 2), () =>
    argumentError(`unknown registry: ${format(registry)}`),
  )) as Tuple;
}

export interface Info {
  kind: Kind;
  partitions: number;
  keyEts: Term | undefined;
  pidEts: { server: Pid; ets: Term } | undefined;
  listeners: Term[];
}

/** `info!/1`: the `-1` entry, or ArgumentError "unknown registry: X" (§6.11). */
export function* info(registry: string): Op<Info> {
  const v = yield* metaElement(registry, ALL_INFO);
  const pid = v[3] as Term;
  return {
    kind: v[0]!,
    partitions: v[1] as number,
    keyEts: v[2] === 'nil' ? undefined : v[2],
    pidEts: pid instanceof Tuple ? { server: pid[0] as Pid, ets: pid[1]! } : undefined,
    listeners: v[4] as Term[],
  };
}

export interface KeyInfo {
  kind: Kind;
  partitions: number;
  keyEts: Term | undefined;
}

/** `key_info!/1`: the `-2` entry, or ArgumentError "unknown registry: X" (§6.11). */
export function* keyInfo(registry: string): Op<KeyInfo> {
  const v = yield* metaElement(registry, KEY_INFO);
  return { kind: v[0]!, partitions: v[1] as number, keyEts: v[2] === 'nil' ? undefined : v[2] };
}

export const hash = (term: Term, partitions: number): number => phash2(term, partitions);

/** `key_ets!(registry, partition)`: raises badarg when the entry is missing. */
export function keyEtsAt(registry: string, partition: number): Op<Term> {
  return Ets.lookupElement(registry, partition, 2);
}

/** `key_ets!(registry, key, partitions)` (§6.3). */
export function keyEtsFor(registry: string, key: Term, partitions: number): Op<Term> {
  return keyEtsAt(registry, hash(key, partitions));
}

/** `pid_ets!(registry, partition)`: `{pid_server, pid_ets}`. */
export function* pidEtsAt(registry: string, partition: number): Op<{ server: Pid; ets: Term }> {
  const v = (yield* Ets.lookupElement(registry, partition, 3)) as Tuple;
  return { server: v[0] as Pid, ets: v[1]! };
}

export function pidEtsFor(registry: string, term: Term, partitions: number): Op<{ server: Pid; ets: Term }> {
  return pidEtsAt(registry, hash(term, partitions));
}

/** `partitions/4` (§6.3): `{key_partition, pid_partition}`. */
export function partitionsOf(kind: Kind, key: Term, pid: Pid, partitions: number): [number, number] {
  switch (modeOf(kind)) {
    case 'unique':
      return [hash(key, partitions), hash(pid, partitions)];
    case 'key': {
      const p = hash(key, partitions);
      return [p, p];
    }
    case 'pid': {
      const p = hash(pid, partitions);
      return [p, p];
    }
  }
}

/**
 * `lookup_second/3` (`safe_lookup_second/2` in 1.14): the `{pid, value}` of a unique key (or `[]`),
 * the list of them for duplicates; a vanished table reads as `[]`.
 */
export function* lookupSecond(kind: Kind, ets: Term, key: Term): Op<Term> {
  if (isOrdered(kind)) {
    return yield* rescueBadarg(
      Ets.select(ets, (row) => (equals((row[0] as Tuple)[0]!, key) ? t((row[0] as Tuple)[1]!, row[1]!) : undefined)),
      () => [],
    );
  }
  return yield* rescueBadarg(Ets.lookupElement(ets, key, 2), () => []);
}

/**
 * `__unregister__/4`: deletes the rows of `table` matching `match` (a tuple whose element `pos`
 * is the key). Elixir 1.14 hands a non-reserved key to `:ets.match_delete/2`, so a compound key
 * holding `:_` or `:"$1"` acts as a *pattern* and also deletes the caller's other keys it matches
 * (confirmed on 1.14: unregistering `{:_, 1}` also removed `{:x, 1}`). HEAD compares the key
 * exactly (`exact_match_key?/1`). For ordered tables (HEAD `{:duplicate, :key}`) rows are
 * `{{key, pid, counter}, value}`.
 */
export function* unregisterRows(table: Term, match: Tuple, pos: number, ordered: boolean, profile: 'current' | 'otp25'): Op<void> {
  const key = match[pos - 1]!;
  if (ordered) {
    const pid = (match[1] as Tuple)[0]!;
    yield* Ets.selectDelete(table, (row) => {
      const head = row[0] as Tuple;
      return equals(head[0]!, key) && equals(head[1]!, pid);
    });
    return;
  }
  const wildcard = t(...match);
  wildcard[pos - 1] = '_';
  // HEAD: match_delete for exact keys, select_delete with an `=:=` guard otherwise: both exact.
  // 1.14: the guard form only for a reserved atom key.
  if (profile === 'current' || isReservedAtom(key)) {
    yield* Ets.selectDelete(table, (row) => equals(row[pos - 1]!, key) && matchPattern(wildcard, row, new Map()));
    return;
  }
  // 1.14 `:ets.match_delete(table, match)`: the key is part of the pattern.
  yield* Ets.selectDelete(table, (row) => matchPattern(match, row, new Map()));
}

/** `unlink_if_unregistered/3`. */
export function* unlinkIfUnregistered(server: Pid, pidEts: Term, self: Pid): Op<void> {
  if (!(yield* Ets.member(pidEts, self))) yield* unlink(server);
}
