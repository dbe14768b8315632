/**
 * Elixir's `PartitionSupervisor` (supervision.md §11, rules 100-107; processes.md §7): a static
 * `Supervisor` with one child per partition, plus a routing table so that
 * `{:via, PartitionSupervisor, {name, key}}` reaches partition `rem(abs(key), n)` for integer keys
 * and `:erlang.phash2(key, n)` otherwise.
 *
 * ```ts
 * yield* PartitionSupervisor.startLink({ name: 'my_ps', childSpec: t(Worker, []), partitions: 4 });
 * yield* GenServer.call(PartitionSupervisor.via('my_ps', userId), req);
 * ```
 *
 * The routing table is an ETS table owned by the supervisor; a partition's row is written only
 * when its start function succeeds (`start_child/4` runs inside the supervisor), so a terminated
 * or crashed-but-not-yet-restarted partition is still routed to its old, dead pid (rule 103).
 *
 * Profiles: Elixir HEAD (`current`) vs 1.14.0 (`otp25`) differ in the table (`:public` with
 * `{:partitions, current, max}` vs `:protected` with `{:partitions, n}`), the start args of each
 * partition, the default `child_spec` id (E5), `:auto_shutdown` (only HEAD rejects it), via names
 * (E4: 1.14 keeps each partition pid in a registry entry that a restart cannot overwrite, so
 * lookups keep returning the dead original pid), `count_children`/`stop` with a via name (E6) and
 * `resize!/2` (E7, HEAD only).
 *
 * Stand-in: Elixir keeps the via-name bookkeeping in the `PartitionSupervisor.Registry` process.
 * Here that registry is the supervisor's own process dictionary, read through
 * `Process.info(pid, :dictionary)`; like the Registry entries it disappears with the supervisor.
 * `resize!/2` does not take the Registry lock (there is no concurrent resize to serialize against
 * in the tests that use it).
 */
import { SCHEDULERS_ONLINE } from './system.js';
import { get, processInfo, put, semantics, send as sendMessage } from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import { ErlangError, argumentError, exit, functionClause as functionClauseError, raise, undefinedFunction } from '../kernel/errors.js';
import * as Ets from '../kernel/ets.api.js';
import { equals } from '../term/compare.js';
import { format } from '../term/format.js';
import { phash2 } from '../term/phash2.js';
import { ErlModule, Pid, Tuple, atomName, isAtom, isInteger, isList, isTagged, t, type Term, type TermObject } from '../term/Term.js';
import { apply, invoke } from './callbacks.js';
import { isMutant } from './mutations.js';
import { childSpec, mapFind, mapPut } from './childSpec.js';
import * as GenServer from './GenServer.js';
import { readOptions, splitOptions, toKeyword, type Options } from './supervisor/options.js';
import * as Supervisor from './Supervisor.js';

export const PARTITION_SUPERVISOR = 'Elixir.PartitionSupervisor';

export { SCHEDULERS_ONLINE };

/** Process-dictionary keys of the Registry stand-in. */
const ETS_TABLE = 'ets_table';
const REGISTRY = 'Elixir.PartitionSupervisor.Registry';

/** `with_arguments`: receives the start args list and the partition, returns the new args list. */
export type WithArguments = (args: Term[], partition: number) => Term | Op<Term>;

export interface PartitionSupervisorOptions {
  name?: Term;
  childSpec?: Term;
  partitions?: Term;
  withArguments?: WithArguments;
  strategy?: Term;
  maxRestarts?: Term;
  maxSeconds?: Term;
  autoShutdown?: Term;
  [other: string]: unknown;
}

const isName = (name: Term): boolean => isAtom(name) || (name instanceof Tuple && name[0] === 'via');

const functionClause = (fn: string, arity: number): never => functionClauseError(PARTITION_SUPERVISOR, fn, arity);

// ------------------------------------------------------------------------------- start_link

/** `PartitionSupervisor.start_link/1` (rules 100-101): options are validated in the caller (raises). */
export function* startLink(opts: PartitionSupervisorOptions | Term[]): Op<Term> {
  const current = (yield* semantics()) === 'current';
  const o = readOptions(opts as Options | Term[]);
  const name = o['name'];
  if (name === undefined || name === 'nil' || name === false) return argumentError('the :name option must be given to PartitionSupervisor');
  const spec = o['childSpec'];
  if (spec === undefined || spec === 'nil' || spec === false) return argumentError('the :child_spec option must be given to PartitionSupervisor');
  const partitions = o['partitions'] ?? SCHEDULERS_ONLINE;
  if (!(isInteger(partitions) && Number(partitions) >= 1)) {
    return argumentError(`the :partitions option must be a positive integer, got: ${format(partitions)}`);
  }
  const withArguments = (o['withArguments'] ?? ((args: Term[], _partition: number) => args)) as unknown;
  if (typeof withArguments !== 'function' || withArguments.length !== 2) {
    return argumentError(
      `the :with_arguments option must be a function that receives two arguments, the current call arguments and the partition, got: ${format(withArguments as Term)}`,
    );
  }
  const children = yield* partitionSpecs(yield* childSpec(spec, {}), Number(partitions), withArguments as WithArguments, name, current);
  if (current) {
    const autoShutdown = o['autoShutdown'] ?? 'never';
    if (autoShutdown !== 'never') return argumentError(`the :auto_shutdown option must be :never, got: ${format(autoShutdown)}`);
  }
  const rest = { ...o };
  delete rest['childSpec'];
  delete rest['partitions'];
  delete rest['withArguments'];
  const initKeys = current ? ['strategy', 'maxSeconds', 'maxRestarts', 'autoShutdown'] : ['strategy', 'maxSeconds', 'maxRestarts'];
  const [initOpts, startOpts] = splitOptions(rest, initKeys);
  return yield* Supervisor.startLink(MODULE, t(name, Number(partitions), children, initOpts as unknown as Term), startOpts);
}

/** Rule 101: one spec per partition, `id: partition`, start through `PartitionSupervisor.start_child`. */
function* partitionSpecs(map: Term, partitions: number, withArguments: WithArguments, name: Term, current: boolean): Op<Term[]> {
  const start = map instanceof Tuple ? undefined : mapFind(map as TermObject, 'start');
  if (!(start instanceof Tuple && start.length === 3)) throw new ErlangError(t('badmatch', map));
  const [mod, fun, args] = start as Term[];
  const modules = mapFind(map as TermObject, 'modules') ?? [mod!];
  const specs: Term[] = [];
  for (let partition = 0; partition < partitions; partition++) {
    const newArgs = yield* invoke(withArguments, [args, partition]);
    if (!isList(newArgs)) return raise('RuntimeError', `the call to the function in :with_arguments must return a list, got: ${format(newArgs)}`);
    const startArgs = current ? [mod!, fun!, newArgs, partition] : [mod!, fun!, newArgs, name, partition];
    let spec = mapPut(map, 'id', partition);
    spec = mapPut(spec, 'start', t(MODULE, 'start_child', startArgs));
    spec = mapPut(spec, 'modules', modules);
    specs.push(spec);
  }
  return specs;
}

/** `init/1` (Supervisor callback, runs in the supervisor): the table, then `Supervisor.init/2`. */
function* initCallback(arg: Tuple): Op<Term> {
  const [name, partitions, children, initOpts] = arg as Term[];
  if ((yield* semantics()) === 'current') {
    const table = isAtom(name!)
      ? yield* Ets.newTable({ name: atomName(name)!, access: 'public', type: 'set' })
      : yield* Ets.newTable({ access: 'public', type: 'set' });
    yield* Ets.insert(table, t('partitions', partitions!, partitions!));
    yield* put(ETS_TABLE, table);
  } else if (isAtom(name!)) {
    yield* Ets.newTable({ name: atomName(name)!, access: 'protected', type: 'set' });
    yield* Ets.insert(atomName(name)!, t('partitions', partitions!));
  } else {
    yield* put(REGISTRY, partitions!);
  }
  const opts = initOpts as unknown as Record<string, Term>;
  return yield* Supervisor.init(children as Term[], { strategy: 'one_for_one', ...opts });
}

/** `start_child/4` (HEAD) or `/5` (1.14): start, then record the pid for routing (rule 102). */
function* startChildExport(...args: Term[]): Op<Term> {
  const [mod, fun, fargs] = args;
  const partition = args[args.length - 1]!;
  const r = yield* apply(mod!, fun!, fargs as Term[]);
  if ((isTagged(r, 'ok', 2) || isTagged(r, 'ok', 3)) && r[1] instanceof Pid) {
    if (args.length === 4) {
      yield* Ets.insert((yield* get(ETS_TABLE))!, t(partition, r[1]));
    } else {
      const name = args[3]!;
      if (isAtom(name)) yield* Ets.insert(atomName(name)!, t(partition, r[1]));
      else if ((yield* get(t(REGISTRY, partition))) === undefined) yield* put(t(REGISTRY, partition), r[1]); // first registration wins
    }
  }
  return r;
}

// ------------------------------------------------------------------------------- routing

/** The supervisor's dictionary entry `key` (the Registry stand-in), or undefined. */
function* registryLookup(sup: Pid, key: Term): Op<Term | undefined> {
  const dict = (yield* processInfo(sup, 'dictionary')) as Term[] | undefined;
  const entry = dict?.find((kv) => equals((kv as Tuple)[0]!, key)) as Tuple | undefined;
  return entry?.[1];
}

function noproc(name: Term): never {
  return exit(t('noproc', t(MODULE, 'partitions', [name])));
}

/** HEAD `table/1`: the atom itself, or the via-named supervisor's table. */
function* tableOf(name: Term): Op<Term> {
  if (isAtom(name)) return atomName(name)!;
  const pid = yield* GenServer.whereis(name);
  const table = pid ? yield* registryLookup(pid, ETS_TABLE) : undefined;
  return table ?? noproc(name);
}

/** HEAD `partitions/2`: the current count, or exit `:noproc` when the table is gone. */
function* countIn(table: Term, name: Term): Op<number> {
  try {
    return (yield* Ets.lookupElement(table, 'partitions', 2)) as number;
  } catch {
    return noproc(name);
  }
}

/** 1.14 `name_partitions/1`: `{atom_or_sup_pid, partitions}`. */
function* namePartitions(name: Term): Op<[Term, number]> {
  if (isAtom(name)) {
    try {
      return [name, (yield* Ets.lookupElement(atomName(name)!, 'partitions', 2)) as number];
    } catch {
      return noproc(name);
    }
  }
  const pid = yield* GenServer.whereis(name);
  const partitions = pid ? yield* registryLookup(pid, REGISTRY) : undefined;
  return partitions === undefined ? noproc(name) : [pid!, partitions as number];
}

/** Rule 103: integers by `rem(abs(key), n)`, anything else by `phash2(key, n)`. */
export function partitionOf(key: Term, partitions: number): number {
  if (typeof key === 'bigint') return Number((key < 0n ? -key : key) % BigInt(partitions));
  if (isInteger(key)) return Math.abs(key as number) % partitions;
  return phash2(key, partitions);
}

/**
 * The routing decision of `whereis_name/1` (rule 103). The mutant `partition-routing-no-abs`
 * forgets the `abs`: a negative integer key gives a negative `rem`, a partition that has no row.
 */
function* routeKey(key: Term, partitions: number): Op<number> {
  if (isInteger(key) && (yield* isMutant('partition-routing-no-abs'))) {
    return typeof key === 'bigint' ? Number(key % BigInt(partitions)) : (key as number) % partitions;
  }
  return partitionOf(key, partitions);
}

/** `whereis_name({name, key})`: the partition's pid as recorded (possibly dead, rule 103). */
function* whereisName(nameKey: Term): Op<Term> {
  if (!(nameKey instanceof Tuple && nameKey.length === 2 && (isAtom(nameKey[0]) || nameKey[0] instanceof Tuple))) {
    return functionClause('whereis_name', 1);
  }
  const [name, key] = nameKey as Term[];
  if ((yield* semantics()) === 'current') {
    const table = yield* tableOf(name!);
    const partitions = yield* countIn(table, name!);
    if (partitions === 0) return argumentError(`PartitionSupervisor ${format(name!)} has zero partitions`);
    return yield* Ets.lookupElement(table, yield* routeKey(key!, partitions), 2);
  }
  const [where, partitions] = yield* namePartitions(name!);
  const partition = yield* routeKey(key!, partitions);
  if (where instanceof Pid) return (yield* registryLookup(where, t(REGISTRY, partition))) ?? 'undefined';
  return yield* Ets.lookupElement(atomName(where)!, partition, 2);
}

/** `send/2`: `Kernel.send(whereis_name(name_key), msg)`. */
function* sendVia(nameKey: Term, msg: Term): Op<Term> {
  return yield* sendMessage((yield* whereisName(nameKey)) as Pid, msg);
}

/** The `PartitionSupervisor` module (`:via` callbacks, `start_child`, `init`, `start_link`, `child_spec`). */
export const MODULE: ErlModule = new ErlModule(PARTITION_SUPERVISOR, {
  init: initCallback,
  start_child: startChildExport,
  start_link: (opts: Term) => startLink(opts as Term[]),
  child_spec: (opts: Term) => childSpecFor(opts as Term[]),
  whereis_name: whereisName,
  send: sendVia,
  register_name: () => raise('RuntimeError', '{:via, PartitionSupervisor, _} cannot be given on registration'),
  *unregister_name(...args: Term[]) {
    // Elixir 1.14 defines unregister_name/2 (a bug), so the /1 call `:gen` makes is undefined.
    if ((yield* semantics()) === 'otp25' && args.length === 1) return undefinedFunction(PARTITION_SUPERVISOR, 'unregister_name', 1);
    return raise('RuntimeError', '{:via, PartitionSupervisor, _} cannot be given on unregistration');
  },
});

// ------------------------------------------------------------------------------- client API

/** `{:via, PartitionSupervisor, {name, key}}`. */
export function via(name: Term, key: Term): Tuple {
  return t('via', MODULE, t(name, key));
}

/** `PartitionSupervisor.partitions/1`. */
export function* partitions(name: Term): Op<number> {
  if (!isName(name)) return functionClause('partitions', 1);
  if ((yield* semantics()) === 'current') return yield* countIn(yield* tableOf(name), name);
  return (yield* namePartitions(name))[1];
}

/** `PartitionSupervisor.which_children/1` (rule 105): `{partition, pid, type, modules}`, highest first. */
export function* whichChildren(name: Term): Op<Term[]> {
  if (!isName(name)) return functionClause('which_children', 1);
  return yield* Supervisor.whichChildren(name);
}

/** `PartitionSupervisor.count_children/1` (rule 105): a via name raises in Elixir 1.14-1.19 (E6). */
export function* countChildren(name: Term): Op<TermObject> {
  const ok = (yield* semantics()) === 'current' ? isName(name) : isAtom(name);
  if (!ok) return functionClause('count_children', 1);
  return yield* Supervisor.countChildren(name);
}

/** `PartitionSupervisor.stop/3`: a via name raises in Elixir 1.14-1.19 (E6). */
export function* stop(name: Term, reason: Term = 'normal', timeout: number | 'infinity' = 'infinity'): Op<'ok'> {
  const ok = (yield* semantics()) === 'current' ? isName(name) : isAtom(name);
  if (!ok) return functionClause('stop', 3);
  return yield* Supervisor.stop(name, reason, timeout);
}

/**
 * `PartitionSupervisor.resize!/2` (rule 107, Elixir 1.18+): starts (`restart_child`) or stops
 * (`terminate_child`) partitions between 0 and the initial count; returns the previous count.
 */
export function* resize(name: Term, newCount: number): Op<number> {
  if ((yield* semantics()) === 'otp25') return undefinedFunction(PARTITION_SUPERVISOR, 'resize!', 2);
  if (!isName(name) || !Number.isInteger(newCount)) return functionClause('resize!', 2);
  const sup = (yield* GenServer.whereis(name)) ?? exit(t('noproc', t(MODULE, 'resize!', [name, newCount])));
  const table = yield* tableOf(name);
  const [row] = yield* Ets.lookup(table, 'partitions');
  const [, current, max] = row as Term[] as [Term, number, number];
  if (newCount < 0 || newCount > max) {
    return argumentError(`the number of partitions to resize to must be a number between 0 and ${max}, got: ${newCount}`);
  }
  if (newCount > current) {
    for (let id = current; id < newCount; id++) {
      const r = yield* Supervisor.restartChild(sup, id);
      if (!(isTagged(r, 'ok', 2) || isTagged(r, 'ok', 3))) {
        return raise('RuntimeError', `cannot restart partition ${id} of PartitionSupervisor ${format(name)} due to reason ${format((r as unknown as Tuple)[1]!)}`);
      }
    }
    yield* Ets.insert(table, t('partitions', newCount, max));
  } else if (newCount < current) {
    yield* Ets.insert(table, t('partitions', newCount, max));
    for (let id = newCount; id < current; id++) {
      const r = yield* Supervisor.terminateChild(sup, id);
      if (r !== 'ok') return raise('RuntimeError', `cannot terminate partition ${id} of PartitionSupervisor ${format(name)} due to reason ${format((r as Tuple)[1]!)}`);
    }
  }
  return current;
}

/**
 * `PartitionSupervisor.child_spec/1` (rule 106): the id is the atom name or a via tuple's name;
 * without a name, `PartitionSupervisor` (HEAD) or `DynamicSupervisor` (1.14-1.17, E5).
 */
export function* childSpecFor(opts: PartitionSupervisorOptions | Term[]): Op<TermObject> {
  const o = readOptions(opts as Options | Term[]);
  const dflt = (yield* semantics()) === 'current' ? MODULE : 'Elixir.DynamicSupervisor';
  const name = o['name'] ?? dflt;
  let id: Term;
  if (isAtom(name)) id = name;
  else if (isTagged(name, 'via', 3)) id = name[2]!;
  else throw new ErlangError({ __struct__: 'Elixir.CaseClauseError', term: name });
  return { id, start: t(MODULE, 'start_link', [toKeyword(opts as Options | Term[])]), type: 'supervisor' };
}
