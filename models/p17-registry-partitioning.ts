/**
 * Pattern 17 — Registry partitioning (processes.md §6.2–§6.3, §6.7–§6.8). How many partitions an
 * operation touches: a key lookup/dispatch in a pid-partitioned duplicate registry reads every
 * partition; key partitioning reads one. Cleanup on a process's death is done by its pid partition:
 * one partition for pid partitioning, every partition that holds one of its keys for key
 * partitioning (the partition with the process's link receives the EXIT per partition).
 */
export type Kind = 'unique' | 'duplicate_pid' | 'duplicate_key';

/** Partitions read by `lookup`/`dispatch` of one key. */
export function partitionsScannedByKey(kind: Kind, partitions: number): number {
  return kind === 'duplicate_pid' ? partitions : 1;
}

/** Partitions that must remove entries when a process with entries under `keys` dies. */
export function partitionsCleaningOnDeath(kind: Kind, partitionsOfKeys: readonly number[]): number {
  if (kind === 'duplicate_key') return new Set(partitionsOfKeys).size;
  return partitionsOfKeys.length === 0 ? 0 : 1;
}
