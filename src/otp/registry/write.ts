/**
 * Registry writes, run in the calling process on the public ETS tables (never through the
 * partition): `register/3`, `unregister/2`, `unregister_match/4`, `update_value/3` and the meta
 * operations. Each ETS access is its own scheduling point, in the same order as registry.ex, so
 * other processes can observe the intermediate states the real code exposes.
 *
 * Rules (processes.md): §6.4 register, §6.5 unregister / unregister_match, §6.9 meta and
 * update_value, §6.11 unknown registry.
 */
import { isAlive, link, makeRef, self, semantics, send } from '../../kernel/api.js';
import type { Op } from '../../kernel/effects.js';
import { argumentError } from '../../kernel/errors.js';
import * as Ets from '../../kernel/ets.api.js';
import { equals } from '../../term/compare.js';
import { format } from '../../term/format.js';
import { Pid, Tuple, t, type Term } from '../../term/Term.js';
import { invoke } from '../callbacks.js';
import {
  info,
  isOrdered,
  keyEtsAt,
  keyEtsFor,
  keyInfo,
  modeOf,
  partitionsOf,
  pidEtsAt,
  registryName,
  functionClause,
  rescueBadarg,
  unlinkIfUnregistered,
  unregisterRows,
  type Info,
  type Kind,
} from './internal.js';
import { matchValue, type Guard, type ValuePattern } from './matchSpec.js';

interface Target {
  me: Pid;
  info: Info;
  keyEts: Term;
  server: Pid;
  pidEts: Term;
}

/** The tables an entry of the caller under `key` lives in (§6.3). */
function* target(name: string, key: Term): Op<Target> {
  const me = yield* self();
  const inf = yield* info(name);
  const [keyPartition, pidPartition] = partitionsOf(inf.kind, key, me, inf.partitions);
  const keyEts = inf.keyEts ?? (yield* keyEtsAt(name, keyPartition));
  const pid = inf.pidEts ?? (yield* pidEtsAt(name, pidPartition));
  return { me, info: inf, keyEts, server: pid.server, pidEts: pid.ets };
}

/** `System.unique_integer/0`: an integer unique in the run (a fresh reference number). */
function* uniqueInteger(): Op<number> {
  return (yield* makeRef()).id;
}

function* notify(listeners: Term[], message: Term): Op<void> {
  // `Kernel.send(listener, …)`: an unregistered listener name raises badarg in the caller.
  for (const listener of listeners) yield* send(listener, message);
}

/**
 * `Registry.register/3` (§6.4): links the caller to the pid partition, writes the pid table, then
 * the key table; returns `{:ok, owner}` or `{:error, {:already_registered, pid}}`.
 */
export function* register(registry: Term, key: Term, value: Term): Op<Term> {
  const name = registryName(registry, 'register', 3);
  const { me, info: inf, keyEts, server, pidEts } = yield* target(name, key);
  yield* link(server);
  const counter = yield* uniqueInteger();
  const pidRow = t(me, key, keyEts, counter);
  yield* Ets.insert(pidEts, pidRow);
  const entry = isOrdered(inf.kind) ? t(t(key, me, counter), value) : t(key, t(me, value));
  const result = yield* registerKey(inf.kind, keyEts, key, entry);
  if (result === 'ok') {
    yield* notify(inf.listeners, t('register', name, key, me, value));
    return t('ok', server);
  }
  yield* Ets.deleteObject(pidEts, pidRow);
  // Already registered by the caller itself: it stays linked (it holds that entry).
  if (!equals((result[1] as Tuple)[1]!, me)) yield* unlinkIfUnregistered(server, pidEts, me);
  return result;
}

/** `register_key/4`: a stale entry of a dead process is replaced (§6.4, ✔R4). */
function* registerKey(kind: Kind, keyEts: Term, key: Term, entry: Tuple): Op<'ok' | Tuple> {
  if (modeOf(kind) !== 'unique') {
    yield* Ets.insert(keyEts, entry);
    return 'ok';
  }
  for (;;) {
    if (yield* Ets.insertNew(keyEts, [entry])) return 'ok';
    const rows = yield* Ets.lookup(keyEts, key);
    if (rows.length === 0) continue;
    const current = rows[0]!;
    const holder = (current[1] as Tuple)[0] as Pid;
    if (yield* isAlive(holder)) return t('error', t('already_registered', holder));
    yield* Ets.deleteObject(keyEts, current);
  }
}

/**
 * `Registry.unregister/2` (§6.5): removes the caller's entries for `key`, unlinks when it has no
 * entries left in that pid table, and always notifies the listeners.
 */
export function* unregister(registry: Term, key: Term): Op<'ok'> {
  const name = registryName(registry, 'unregister', 2);
  const profile = yield* semantics();
  const { me, info: inf, keyEts, server, pidEts } = yield* target(name, key);
  yield* unregisterRows(keyEts, t(key, t(me, '_')), 1, isOrdered(inf.kind), profile);
  yield* unregisterRows(pidEts, t(me, key, keyEts, '_'), 2, false, profile);
  yield* unlinkIfUnregistered(server, pidEts, me);
  yield* notify(inf.listeners, t('unregister', name, key, me));
  return 'ok';
}

/** The caller's rows for `key` in a key table, as `[row, value]` (both table shapes). */
function ownValue(ordered: boolean, key: Term, me: Pid, row: Tuple): Term | undefined {
  if (ordered) {
    const head = row[0] as Tuple;
    return equals(head[0]!, key) && equals(head[1]!, me) ? row[1]! : undefined;
  }
  const pair = row[1] as Tuple;
  return equals(row[0]!, key) && pair instanceof Tuple && equals(pair[0]!, me) ? pair[1]! : undefined;
}

const NONE = Symbol('none');

/**
 * `Registry.unregister_match/4` (§6.5): removes the caller's entries for `key` whose value matches
 * `pattern` and `guards`. When all of them go, it behaves like `unregister/2` (listeners notified —
 * also when the caller had none); when only some go, the pid table is rewritten through a
 * temporary `{self, key, {key_ets, remaining}, counter}` entry, as registry.ex does.
 */
export function* unregisterMatch(registry: Term, key: Term, pattern: ValuePattern, guards: Guard[] = []): Op<'ok'> {
  const name = registryName(registry, 'unregister_match', 4);
  const profile = yield* semantics();
  const { me, info: inf, keyEts, server, pidEts } = yield* target(name, key);
  const ordered = isOrdered(inf.kind);
  const valueOf = (row: Tuple): Term | typeof NONE => {
    const v = ownValue(ordered, key, me, row);
    return v === undefined ? NONE : v;
  };
  // :ets.select_count/2 (emulated with select: the kernel's ETS has no select_count).
  const total = (yield* Ets.select(keyEts, (row) => (valueOf(row) === NONE ? undefined : true))).length;
  const deleted = yield* Ets.selectDelete(keyEts, (row) => {
    const v = valueOf(row);
    return v !== NONE && matchValue(pattern, guards, v, row) !== undefined;
  });
  if (deleted === total) {
    yield* unregisterRows(pidEts, t(me, key, keyEts, '_'), 2, false, profile);
    yield* unlinkIfUnregistered(server, pidEts, me);
    yield* notify(inf.listeners, t('unregister', name, key, me));
  } else if (deleted !== 0) {
    const counter = yield* uniqueInteger();
    const remaining = total - deleted;
    const temp = t(me, key, t(keyEts, remaining), counter);
    yield* Ets.insert(pidEts, temp);
    yield* unregisterRows(pidEts, t(me, key, keyEts, '_'), 2, false, profile);
    yield* Ets.insert(pidEts, Array.from({ length: remaining }, () => t(me, key, keyEts, counter)));
    yield* Ets.deleteObject(pidEts, temp);
  }
  return 'ok';
}

/**
 * `Registry.update_value/3` (§6.9): unique registries only, and only for the caller's own key;
 * `{new, old}` or `:error`. The callback runs in the caller.
 */
export function* updateValue(registry: Term, key: Term, callback: (old: Term) => Term | Op<Term>): Op<Term> {
  const name = registryName(registry, 'update_value', 3);
  if (typeof callback !== 'function') return functionClause('update_value', 3);
  const ki = yield* keyInfo(name);
  if (modeOf(ki.kind) !== 'unique') {
    const profile = yield* semantics();
    // 1.14 interpolates the atom (`duplicate`); HEAD inspects the kind (`{:duplicate, :pid}`).
    const shown = profile === 'otp25' ? String(ki.kind) : format(ki.kind);
    return argumentError(`Registry.update_value/3 is not supported for ${shown} registries`);
  }
  const keyEts = ki.keyEts ?? (yield* keyEtsFor(name, key, ki.partitions));
  const current = yield* rescueBadarg<Term | typeof NONE>(Ets.lookupElement(keyEts, key, 2), () => NONE);
  if (current === NONE) return 'error';
  const [pid, old] = current as Tuple;
  if (!equals(pid!, yield* self())) return 'error';
  const next = yield* invoke(callback, [old]);
  yield* Ets.insert(keyEts, t(key, t(pid!, next)));
  return t(next, old!);
}

// ------------------------------------------------------------------------------ meta (§6.9)

function metaKey(registry: Term, key: Term, fun: string, arity: number): string {
  const name = registryName(registry, fun, arity);
  if (!(typeof key === 'string' || typeof key === 'boolean' || key instanceof Tuple)) return functionClause(fun, arity);
  return name;
}

/** `Registry.meta/2`: `{:ok, value}` or `:error`. */
export function* meta(registry: Term, key: Term): Op<Term> {
  const name = metaKey(registry, key, 'meta', 2);
  const rows = yield* rescueBadarg(Ets.lookup(name, key), () =>
    argumentError(
      `unknown registry: ${format(name)}. Either the registry name is invalid or the registry is not running, possibly because its application isn't started`,
    ),
  );
  const row = rows.length === 1 ? rows[0]! : undefined;
  return row && equals(row[0]!, key) ? t('ok', row[1]!) : 'error';
}

/** `Registry.put_meta/3`: `:ok`. */
export function* putMeta(registry: Term, key: Term, value: Term): Op<'ok'> {
  const name = metaKey(registry, key, 'put_meta', 3);
  yield* rescueBadarg(Ets.insert(name, t(key, value)), () => argumentError(`unknown registry: ${format(name)}`));
  return 'ok';
}

/** `Registry.delete_meta/2` (1.11+): `:ok`. */
export function* deleteMeta(registry: Term, key: Term): Op<'ok'> {
  const name = metaKey(registry, key, 'delete_meta', 2);
  yield* rescueBadarg(Ets.deleteKey(name, key), () => argumentError(`unknown registry: ${format(name)}`));
  return 'ok';
}
