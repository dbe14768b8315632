/**
 * Measuring a Registry's cost from the trace, for the partitioning scenarios (pattern 17): which
 * partitions a key lookup or dispatch scans, and which partitions clean up after a death. Every
 * ETS call is a trace event `{k: 'ets', pid, fn, table}`; these helpers map tables to partitions
 * through the layout the program reports right after starting the registry.
 */
import { Ets, Pid, Tuple, format, isTagged, report, type Op, type TermObject, type TraceEvent } from '../../src/index.js';

/** One partition (processes.md §6.2): its server process and its two tables. */
export interface PartitionLayout {
  readonly index: number;
  readonly server: Pid;
  readonly keyTable: string;
  readonly pidTable: string;
}

/** Reads the registry's meta table the way registry.ex does and reports it as `registry.layout`. */
export function* reportLayout(registry: string, partitions: number): Op<void> {
  const layout: TermObject[] = [];
  if (partitions === 1) {
    const all = (yield* Ets.lookupElement(registry, -1, 2)) as Tuple;
    const [server, pidEts] = all[3] as Tuple;
    layout.push({ index: 0, server: server!, key_table: format(all[2]!), pid_table: format(pidEts!) });
  } else {
    for (let i = 0; i < partitions; i++) {
      const row = (yield* Ets.lookup(registry, i))[0]!;
      const [server, pidEts] = row[2] as Tuple;
      layout.push({ index: i, server: server!, key_table: format(row[1]!), pid_table: format(pidEts!) });
    }
  }
  yield* report('registry.layout', { registry, partitions: layout });
}

export function layoutOf(trace: readonly TraceEvent[]): { registry: string; partitions: PartitionLayout[] } | undefined {
  for (const e of trace) {
    if (e.k === 'report' && e.name === 'registry.layout') {
      const d = e.data as TermObject;
      const partitions = (d['partitions'] as TermObject[]).map((p) => ({
        index: p['index'] as number,
        server: p['server'] as Pid,
        keyTable: p['key_table'] as string,
        pidTable: p['pid_table'] as string,
      }));
      return { registry: d['registry'] as string, partitions };
    }
  }
  return undefined;
}

const READS = new Set(['lookup', 'lookup_element', 'select', 'match', 'member', 'tab2list']);

/** What one lookup/dispatch made by `pid` between trace indices `from` and `to` read. */
export interface ScanCost {
  /** Partitions scanned: registry.ex fetches each partition's key table (`key_ets!/2`) right before reading it. */
  readonly partitions: number;
  /** Key-table reads the trace shows (ETS calls that raise `badarg` are not traced by the kernel). */
  readonly keyTableReads: number;
  /** All ETS calls of the operation, meta table included. */
  readonly etsCalls: number;
}

/**
 * The partitions a lookup/dispatch scanned. With more than one partition, registry.ex reads the
 * kind from the meta table (`key_info!/1`) and then, per partition scanned, its key table id
 * (`key_ets!/2`, a meta-table lookup) before the key-table read itself; with one partition the
 * key table comes with `key_info!/1`. Counting the meta reads measures the scan even for key
 * tables whose read raised (an absent key in `lookup_element`), which the trace does not show.
 */
export function scanCost(trace: readonly TraceEvent[], pid: Pid, from: number, to: number, registry: string, layout: readonly PartitionLayout[]): ScanCost {
  const keyTables = new Set(layout.map((p) => p.keyTable));
  let meta = 0;
  let keyTableReads = 0;
  let etsCalls = 0;
  for (let i = from + 1; i < to; i++) {
    const e = trace[i]!;
    if (e.k !== 'ets' || e.pid.id !== pid.id) continue;
    etsCalls++;
    if (!READS.has(e.fn)) continue;
    if (e.table === registry) meta++;
    else if (keyTables.has(format(e.table))) keyTableReads++;
  }
  return { partitions: layout.length === 1 ? Math.min(meta, 1) : Math.max(meta - 1, 0), keyTableReads, etsCalls };
}

/** A partition's handling of one dead process's `{:EXIT, …}`: the ETS calls it made. */
export interface Cleanup {
  readonly partition: number;
  readonly etsCalls: number;
  readonly t: number;
}

/**
 * Cleanups per dead process (by pid id). A partition handles one message at a time, so the
 * handling of an `{:EXIT, pid, _}` lasts from that `receive` to the partition's next one.
 */
export function cleanups(trace: readonly TraceEvent[], layout: readonly PartitionLayout[]): Map<number, Cleanup[]> {
  const partitionOf = new Map(layout.map((p) => [p.server.id, p.index]));
  const open = new Map<number, { victim: number; etsCalls: number; t: number }>();
  const out = new Map<number, Cleanup[]>();
  const close = (server: number) => {
    const w = open.get(server);
    if (!w) return;
    open.delete(server);
    out.set(w.victim, [...(out.get(w.victim) ?? []), { partition: partitionOf.get(server)!, etsCalls: w.etsCalls, t: w.t }]);
  };
  for (const e of trace) {
    if (e.k === 'exit') close(e.pid.id);
    if (e.k === 'receive' && partitionOf.has(e.pid.id)) {
      close(e.pid.id);
      if (isTagged(e.msg, 'EXIT', 3) && e.msg[1] instanceof Pid) open.set(e.pid.id, { victim: e.msg[1].id, etsCalls: 0, t: e.t });
    }
    if (e.k === 'ets' && open.has(e.pid.id)) open.get(e.pid.id)!.etsCalls++;
  }
  for (const server of [...open.keys()]) close(server);
  return out;
}

/** Reports with a given name, with their trace index. */
export function reportsNamed(trace: readonly TraceEvent[], name: string): Array<{ index: number; pid: Pid; t: number; data: TermObject }> {
  const out: Array<{ index: number; pid: Pid; t: number; data: TermObject }> = [];
  trace.forEach((e, index) => {
    if (e.k === 'report' && e.name === name) out.push({ index, pid: e.pid, t: e.t, data: e.data as TermObject });
  });
  return out;
}

