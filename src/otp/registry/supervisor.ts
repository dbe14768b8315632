/**
 * `Registry.Supervisor` (processes.md §6.2): a module-based static Supervisor registered under the
 * registry's name. Its `init/1` (a port of registry.ex) creates the public named meta table — so
 * the supervisor process owns it and it vanishes with the registry (§6.12) — and returns the
 * `partitions` `Registry.Partition` children with `:one_for_all` for unique registries and
 * `:one_for_one` for duplicate ones (default intensity: 3 restarts in 5 s).
 */
import type { Op } from '../../kernel/effects.js';
import * as Ets from '../../kernel/ets.api.js';
import { ErlModule, Tuple, t, type Term, type TermObject } from '../../term/Term.js';
import * as Supervisor from '../Supervisor.js';
import { keyPartitionName, modeOf, pidPartitionName } from './internal.js';
import { Partition } from './Partition.js';

/** `strategy_for_kind/1`. */
export const strategyForKind = (kind: Term): 'one_for_all' | 'one_for_one' =>
  modeOf(kind) === 'unique' ? 'one_for_all' : 'one_for_one';

/**
 * registry.ex `Registry.Supervisor.init/1` up to `Supervisor.init/2`: creates the meta table
 * (owned by the calling process, the supervisor), inserts `entries` and returns the child specs
 * `%{id: pid_partition, start: {Registry.Partition, :start_link, [pid_partition, arg]}}`.
 */
export function* initTablesAndChildren(arg: Tuple): Op<{ children: TermObject[]; strategy: 'one_for_all' | 'one_for_one' }> {
  const [kind, registry, partitions, listeners, entries, compressed] = arg;
  const name = registry as string;
  yield* Ets.newTable({ type: 'set', access: 'public', name });
  yield* Ets.insert(name, entries as Tuple[]);
  const children: TermObject[] = [];
  for (let i = 0; i < (partitions as number); i++) {
    const pidPartition = pidPartitionName(name, i);
    const childArg = t(kind!, name, i, partitions!, keyPartitionName(name, i), pidPartition, listeners!, compressed!);
    children.push({ id: pidPartition, start: t(Partition, 'start_link', [pidPartition, childArg]) });
  }
  return { children, strategy: strategyForKind(kind!) };
}

/** The `Registry.Supervisor` module (`use Supervisor`), whose `init/1` is registry.ex's. */
export const RegistrySupervisor: ErlModule = Supervisor.defmodule('Registry.Supervisor', {
  *init(arg: Term) {
    const { children, strategy } = yield* initTablesAndChildren(arg as Tuple);
    return yield* Supervisor.init(children, { strategy });
  },
});

/** `Registry.Supervisor.start_link/6`: `Supervisor.start_link(__MODULE__, arg, name: registry)`. */
export function startSupervisor(arg: Tuple): Op<Term> {
  return Supervisor.startLink(RegistrySupervisor, arg, { name: arg[1]! });
}
