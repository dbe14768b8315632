/**
 * Pattern 2 — PartitionSupervisor. Routing of `{:via, PartitionSupervisor, {name, key}}`
 * (processes.md §7.1, supervision.md rule 103): an integer key goes to `rem(abs(key), n)`, any
 * other term to `:erlang.phash2(key, n)`. And the load claim: a burst of starts through one
 * supervisor is serialized by it, through n partitions it spreads.
 */
import { phash2 } from '../src/term/phash2.js';
import type { Term } from '../src/term/Term.js';

export function partitionOf(key: Term, partitions: number): number {
  if (typeof key === 'number' && Number.isInteger(key)) return Math.abs(key) % partitions;
  if (typeof key === 'bigint') return Number((key < 0n ? -key : key) % BigInt(partitions));
  return phash2(key, partitions);
}

/**
 * Peak mailbox depth when `callers` each send one start request at the same instant to
 * `supervisors` supervisors chosen by `route`, each serving one request at a time: the busiest
 * supervisor holds all the requests routed to it.
 */
export function peakQueue(callerKeys: readonly Term[], partitions: number): number {
  const load = new Array<number>(partitions).fill(0);
  for (const key of callerKeys) load[partitionOf(key, partitions)]!++;
  return Math.max(0, ...load);
}
