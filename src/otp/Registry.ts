/**
 * Elixir's `Registry`: a local key → process store on public ETS tables, ported from registry.ex
 * rule by rule for both semantics profiles (`otp25` = Elixir 1.14, `current` = Elixir HEAD).
 *
 * ```ts
 * yield* Registry.startLink({ keys: 'unique', name: 'Elixir.MyRegistry' });
 * yield* Registry.register('Elixir.MyRegistry', 'key', 'value');     // {:ok, owner_partition}
 * yield* Registry.lookup('Elixir.MyRegistry', 'key');                // [{pid, :value}]
 * yield* GenServer.startLink(Mod, arg, { name: Registry.via('Elixir.MyRegistry', 'svc') });
 * ```
 *
 * Layout (processes.md §6.2): `startLink` starts `Registry.Supervisor` (./registry/supervisor.ts)
 * registered as the registry name; it owns the meta table and supervises `Registry.Partition`
 * GenServers (./registry/Partition.ts). Reads and writes run in the caller on the tables
 * (./registry/read.ts, ./registry/write.ts); partitions only clean up after dead processes, which
 * is why `lookup` may return a dead pid for a while (§6.6) while `whereis_name` (the `:via` path)
 * checks liveness (§6.10).
 *
 * The module atom `Registry` (`RegistryModule`) exports `register_name/2`, `whereis_name/1`,
 * `unregister_name/1`, `send/2` for `{:via, Registry, {reg, key}}` names, plus `start_link/1`
 * and `child_spec/1` for supervisors.
 */
import { isAlive, self, semantics, send as kernelSend } from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import { argumentError, erlangError, functionClause as moduleFunctionClause, raise, undefinedFunction } from '../kernel/errors.js';
import { format } from '../term/format.js';
import { ErlModule, Pid, Tuple, atomName, isAtom, isList, isTagged, isTermObject, t, type Term, type TermObject } from '../term/Term.js';
import { equals } from '../term/compare.js';
import { ALL_INFO, KEY_INFO, functionClause, info, keyEtsFor, keyInfo, lookupSecond, modeOf, parseKind, pidEtsFor, registryName } from './registry/internal.js';
import { lockCall } from './registry/Partition.js';
import { lookup } from './registry/read.js';
import { startSupervisor } from './registry/supervisor.js';
import { register, unregister } from './registry/write.js';

export { count, countMatch, countSelect, dispatch, keys, lookup, match, select, values } from './registry/read.js';
export type { CountFn, DispatchOptions, Dispatcher, SelectFn } from './registry/read.js';
export { deleteMeta, meta, putMeta, register, unregister, unregisterMatch, updateValue } from './registry/write.js';
export type { Guard, NonFunTerm, ValuePattern, Vars } from './registry/matchSpec.js';
export { Partition } from './registry/Partition.js';

/** `Registry.start_link/1` options (a keyword list in Elixir; a plain object or a keyword list here). */
export interface RegistryOptions {
  /** `:unique | :duplicate`; on `current` also `{:duplicate, :pid}` and `{:duplicate, :key}` (§6.1). */
  keys: Term;
  /** The registry name: an atom (use `'Elixir.MyRegistry'` for an Elixir alias). */
  name: Term;
  partitions?: number;
  /** Registered names of processes told `{:register, …}` / `{:unregister, …}` (§6.4, §6.5). */
  listeners?: Term[];
  /** Initial meta entries: a keyword list or an atom-keyed object (§6.9). */
  meta?: Term;
  /** Accepted and ignored (ETS compression does not change behaviour). */
  compressed?: boolean;
}

type Options = RegistryOptions | Term;

/** Reads one option from an object or a keyword list; `undefined` when absent. */
function option(opts: Options, key: string): Term | undefined {
  if (isList(opts)) {
    const hit = (opts as Term[]).find((e) => isTagged(e, key, 2));
    return hit === undefined ? undefined : (hit as Tuple)[1];
  }
  if (isTermObject(opts)) {
    const v = (opts as TermObject)[key];
    return v === undefined ? undefined : v;
  }
  // registry.ex reads every option with Keyword.get/3, whose head guards is_list (✔ r1.exs).
  return moduleFunctionClause('Elixir.Keyword', 'get', 3);
}

function isKeyword(x: Term): boolean {
  return isList(x) && (x as Term[]).every((e) => e instanceof Tuple && e.length === 2 && typeof e[0] === 'string');
}

/** The `meta:` option as keyword entries; ArgumentError when it is not a keyword list. */
function metaEntries(meta: Term | undefined): Tuple[] {
  if (meta === undefined) return [];
  if (isTermObject(meta)) return Object.entries(meta).map(([k, v]) => t(k, v));
  if (isKeyword(meta)) return (meta as Tuple[]).map((e) => t(...e));
  return argumentError(`expected :meta to be a keyword list, got: ${format(meta)}`);
}

/**
 * `Registry.start_link/1` (§6.1, §6.2): validates the options in registry.ex's order, then starts
 * the supervisor registered as `name`. A taken name gives `{:error, {:already_started, pid}}`.
 */
export function* startLink(opts: Options): Op<Term> {
  const profile = yield* semantics();
  const kind = parseKind(option(opts, 'keys'), profile);
  const name = option(opts, 'name');
  if (name === undefined) return argumentError('expected :name option to be present');
  if (!isAtom(name)) return argumentError(`expected :name to be an atom, got: ${format(name)}`);
  const meta = metaEntries(option(opts, 'meta'));
  const partitions = option(opts, 'partitions') ?? 1;
  if (!(typeof partitions === 'number' && Number.isInteger(partitions) && partitions >= 1)) {
    return argumentError(`expected :partitions to be a positive integer, got: ${format(partitions)}`);
  }
  const listeners = option(opts, 'listeners') ?? [];
  if (!(isList(listeners) && (listeners as Term[]).every(isAtom))) {
    return argumentError(`expected :listeners to be a list of named processes, got: ${format(listeners)}`);
  }
  const compressed = option(opts, 'compressed') ?? false;
  if (typeof compressed !== 'boolean') return argumentError(`expected :compressed to be a boolean, got: ${format(compressed)}`);
  const atom = atomName(name)!;
  const entries = [
    t(ALL_INFO, t(kind, partitions, 'nil', 'nil', listeners)),
    t(KEY_INFO, t(kind, partitions, 'nil')),
    ...meta,
  ];
  return yield* startSupervisor(t(kind, atom, partitions, listeners, entries, compressed));
}

/** `Registry.child_spec/1` (§6.2): `id` = the name (default `Registry`), `type: :supervisor`. */
export function childSpec(opts: Options): TermObject {
  return { id: option(opts, 'name') ?? RegistryModule, start: t(RegistryModule, 'start_link', [opts as Term]), type: 'supervisor' };
}

// ------------------------------------------------------------------------------ :via (§6.10)

function viaParts(name: Term, fun: string, arity: number): { registry: Term; key: Term; value: Term } {
  if (name instanceof Tuple && (name.length === 2 || name.length === 3)) {
    return { registry: name[0]!, key: name[1]!, value: name.length === 3 ? name[2]! : 'nil' };
  }
  return functionClause(fun, arity);
}

/** `{:via, Registry, {registry, key}}`, or with a value to store on registration. */
export function via(registry: Term, key: Term, value?: Term): Tuple {
  return t('via', RegistryModule, value === undefined ? t(registry, key) : t(registry, key, value));
}

/**
 * `Registry.whereis_name/1`: the pid only if alive, else `:undefined` — the `:via` path never sees
 * the stale window of §6.6. Duplicate registries raise ArgumentError.
 */
export function* whereisName(name: Term): Op<Term> {
  const { registry, key } = viaParts(name, 'whereis_name', 1);
  const reg = registryName(registry, 'whereis_name', 1);
  const ki = yield* keyInfo(reg);
  if (modeOf(ki.kind) !== 'unique') return argumentError(':via is not supported for duplicate registries');
  const keyEts = ki.keyEts ?? (yield* keyEtsFor(reg, key, ki.partitions));
  const found = yield* lookupSecond(ki.kind, keyEts, key);
  if (found instanceof Tuple) {
    const pid = found[0] as Pid;
    return (yield* isAlive(pid)) ? pid : 'undefined';
  }
  return 'undefined';
}
/** `Registry.register_name/2`: `:yes`/`:no`; only for the calling process (`when pid == self()`). */
export function* registerName(name: Term, pid: Term): Op<'yes' | 'no'> {
  const { registry, key, value } = viaParts(name, 'register_name', 2);
  if (!equals(pid, yield* self())) return functionClause('register_name', 2);
  const r = yield* register(registry, key, value);
  return isTagged(r, 'ok', 2) ? 'yes' : 'no';
}

/** `Registry.unregister_name/1`. */
export function* unregisterName(name: Term): Op<'ok'> {
  const { registry, key } = viaParts(name, 'unregister_name', 1);
  return yield* unregister(registry, key);
}

/**
 * `Registry.send/2`: uses `lookup` (no liveness check); raises badarg when the key is absent.
 * Several entries (a duplicate registry) match neither clause: CaseClauseError.
 */
export function* send(name: Term, msg: Term): Op<Term> {
  const { registry, key } = viaParts(name, 'send', 2);
  const found = yield* lookup(registry, key);
  if (found.length === 1) return yield* kernelSend(found[0]![0] as Pid, msg);
  if (found.length === 0) return erlangError('badarg');
  return raise('CaseClauseError', `no case clause matching: ${format(found)}`, { term: found });
}

/**
 * `Registry.lock/3` (Elixir 1.18+, `current` profile only): runs `fn` in the caller while holding
 * a lock on `lockKey`, serialised by the partition `phash2(lockKey, partitions)`; the lock is
 * released when `fn` returns or raises, or when the caller dies.
 */
export function* lock<T>(registry: Term, lockKey: Term, fn: () => Op<T> | T): Op<T> {
  if ((yield* semantics()) === 'otp25') {
    return undefinedFunction('Elixir.Registry', 'lock', 3);
  }
  const name = registryName(registry, 'lock', 3);
  if (typeof fn !== 'function') return functionClause('lock', 3);
  const inf = yield* info(name);
  const server = inf.pidEts?.server ?? (yield* pidEtsFor(name, lockKey, inf.partitions)).server;
  return yield* lockCall(server, lockKey, fn);
}

/** The `Registry` module atom, for `{:via, Registry, …}` names and `{Registry, opts}` children. */
export const RegistryModule: ErlModule = new ErlModule('Elixir.Registry', {
  start_link: (opts: Term) => startLink(opts),
  child_spec: (opts: Term) => childSpec(opts),
  register_name: (name: Term, pid: Term) => registerName(name, pid),
  whereis_name: (name: Term) => whereisName(name),
  unregister_name: (name: Term) => unregisterName(name),
  send: (name: Term, msg: Term) => send(name, msg),
});
