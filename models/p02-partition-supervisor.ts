/**
 * Pattern 2 — PartitionSupervisor.
 *
 * Routing of `{:via, PartitionSupervisor, {name, key}}` (processes.md §7.1, supervision.md rule
 * 103): an integer key goes to `rem(abs(key), n)`, any other term to `:erlang.phash2(key, n)`.
 * The pid comes from a routing table whose row for a partition is written only when that
 * partition's start succeeds (rule 102), so a terminated or crashed-but-not-yet-restarted
 * partition is routed to its old, dead pid. Elixir 1.14–1.17 with a `{:via, …}` supervisor name
 * kept each row in a Registry entry that a restart could not overwrite, so the *first* pid stays
 * forever (E4).
 *
 * And the load claim: a burst of start requests through one supervisor queues in its mailbox;
 * through n partitions each supervisor holds only the requests routed to it.
 */
import { phash2 } from '../src/term/phash2.js';
import type { Term } from '../src/term/Term.js';

export function partitionOf(key: Term, partitions: number): number {
  if (typeof key === 'number' && Number.isInteger(key)) return Math.abs(key) % partitions;
  if (typeof key === 'bigint') return Number((key < 0n ? -key : key) % BigInt(partitions));
  return phash2(key, partitions);
}

/**
 * The routing table of one PartitionSupervisor, by incarnation: partition `p`'s row names the
 * incarnation (1, 2, …) its lookups return; `running` the incarnation alive now, if any.
 */
export class RoutingTable {
  private readonly rows = new Map<number, number>();
  private readonly running = new Map<number, number>();
  private readonly starts = new Map<number, number>();

  /**
   * @param partitions the partition count
   * @param firstWriteWins Elixir 1.14–1.17 with a via name: a restarted partition cannot replace
   *   its registry entry (E4)
   */
  constructor(
    readonly partitions: number,
    private readonly firstWriteWins: boolean,
  ) {}

  /** Partition `p` started (at boot, on restart, or by restart_child): its new incarnation. */
  started(p: number): number {
    const incarnation = (this.starts.get(p) ?? 0) + 1;
    this.starts.set(p, incarnation);
    this.running.set(p, incarnation);
    if (!(this.firstWriteWins && this.rows.has(p))) this.rows.set(p, incarnation);
    return incarnation;
  }

  /** Partition `p`'s process died or was terminated: its row is left as it is (rule 103). */
  stopped(p: number): void {
    this.running.delete(p);
  }

  isRunning(p: number): boolean {
    return this.running.has(p);
  }

  /** Where `key` is routed: the partition, the incarnation its row names, and whether that one is alive. */
  route(key: Term): { partition: number; incarnation: number | undefined; alive: boolean } {
    const partition = partitionOf(key, this.partitions);
    const incarnation = this.rows.get(partition);
    return { partition, incarnation, alive: incarnation !== undefined && this.running.get(partition) === incarnation };
  }
}

/**
 * Peak number of queued start requests when every key's caller sends one request at the same
 * instant and each partition's supervisor serves one request at a time: the busiest partition
 * holds every request routed to it. With one partition it is the whole burst.
 */
export function peakQueue(callerKeys: readonly Term[], partitions: number): number {
  const load = new Array<number>(partitions).fill(0);
  for (const key of callerKeys) load[partitionOf(key, partitions)]!++;
  return Math.max(0, ...load);
}

/**
 * What partitioning buys for a given start pattern and what it costs: the benefit is the peak
 * queue one supervisor would see minus the peak the busiest partition sees; the overhead is the
 * supervisor processes beyond the single one a plain DynamicSupervisor needs (the
 * PartitionSupervisor itself and every partition).
 */
export function partitioningTradeoff(m: { peakWithOne: number; peakPartitioned: number; supervisorProcesses: number }): {
  benefit: number;
  overheadProcesses: number;
} {
  return { benefit: m.peakWithOne - m.peakPartitioned, overheadProcesses: m.supervisorProcesses - 1 };
}
