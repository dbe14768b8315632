/**
 * Pattern 17 — Registry partitioning: which partitions an operation touches (processes.md §6.2,
 * §6.3, §6.6–§6.8; registry.ex at HEAD `lookup/2`, `dispatch/4`, `partitions/4`,
 * `Registry.Partition.handle_info({:EXIT, …})`).
 *
 * - Partition choice (§6.3): `:unique` → key table `phash2(key, n)`, pid table `phash2(pid, n)`;
 *   `{:duplicate, :pid}` → both `phash2(pid, n)`; `{:duplicate, :key}` → both `phash2(key, n)`.
 *   With one partition everything is partition 0.
 * - A key lookup or dispatch reads the key table of every partition for `{:duplicate, :pid}` with
 *   more than one partition, and one key table otherwise.
 * - Cleanup after a death (§6.6): a registering process links to the partition owning its pid
 *   table entry; every partition it is linked to receives its `{:EXIT, …}`, takes the process's
 *   rows from *its own* pid table (a hash lookup, not a scan) and deletes each entry from the key
 *   table the row names. So `:unique` and `{:duplicate, :pid}` clean up in one partition, and
 *   `{:duplicate, :key}` in one partition *per distinct partition of the process's keys* — not in
 *   every partition (the seed's "each death must scan ALL partitions" is not what registry.ex does).
 */
import { phash2 } from '../src/term/phash2.js';
import type { Term } from '../src/term/Term.js';

export type Kind = 'unique' | 'duplicate_pid' | 'duplicate_key';

const hash = (term: Term, partitions: number): number => (partitions === 1 ? 0 : phash2(term, partitions));
const all = (partitions: number): number[] => Array.from({ length: partitions }, (_, i) => i);

/** Number of partitions a lookup/dispatch of one key reads (the seed's cost measure). */
export function partitionsScannedByKey(kind: Kind, partitions: number): number {
  return kind === 'duplicate_pid' && partitions > 1 ? partitions : 1;
}

/** The partitions whose key tables a lookup or dispatch of `key` reads. */
export function keyTablesRead(kind: Kind, partitions: number, key: Term): number[] {
  return kind === 'duplicate_pid' && partitions > 1 ? all(partitions) : [hash(key, partitions)];
}

/** `partitions/4` (§6.3): `[key partition, pid partition]` of an entry of `pid` under `key`. */
export function entryPartitions(kind: Kind, partitions: number, key: Term, pid: Term): [number, number] {
  switch (kind) {
    case 'unique':
      return [hash(key, partitions), hash(pid, partitions)];
    case 'duplicate_pid':
      return [hash(pid, partitions), hash(pid, partitions)];
    case 'duplicate_key':
      return [hash(key, partitions), hash(key, partitions)];
  }
}

/**
 * The cleanup a death causes: for every partition that receives the process's EXIT (its pid
 * partitions), the key tables it deletes from. Keys are those the process held when it died.
 */
export function cleanupOnDeath(kind: Kind, partitions: number, pid: Term, keys: readonly Term[]): Map<number, Set<number>> {
  const out = new Map<number, Set<number>>();
  for (const key of keys) {
    const [keyPartition, pidPartition] = entryPartitions(kind, partitions, key, pid);
    const tables = out.get(pidPartition) ?? new Set<number>();
    tables.add(keyPartition);
    out.set(pidPartition, tables);
  }
  return out;
}

/** Number of partitions that clean up after a process whose keys lie in `partitionsOfKeys`. */
export function partitionsCleaningOnDeath(kind: Kind, partitionsOfKeys: readonly number[]): number {
  if (partitionsOfKeys.length === 0) return 0;
  return kind === 'duplicate_key' ? new Set(partitionsOfKeys).size : 1;
}
