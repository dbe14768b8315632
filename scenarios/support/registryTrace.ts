/**
 * Reading a Registry run from its trace, for the partitioning scenarios (pattern 17) and the
 * Registry properties (properties/support/registryCase.ts, patterns 10 and 17): the layout the
 * program reports right after starting the registry, when each process died and which partition
 * cleaned up after it, and which partitions a key lookup or dispatch scans. Every ETS call is a
 * trace event `{k: 'ets', pid, fn, table}`; these helpers map tables to partitions through the
 * layout.
 */
import { Ets, Pid, Tuple, format, isTagged, report, type Op, type Term, type TermObject, type TraceEvent } from '../../src/index.js';

/** One partition as `Registry.start_link` laid it out (processes.md §6.2): its server process and its two tables. */
export interface PartitionLayout {
  readonly index: number;
  readonly server: Pid;
  readonly keyTable: string;
  readonly pidTable: string;
}

/** Reads the registry's meta table the way registry.ex does and describes every partition. */
export function* readLayout(registry: string, partitions: number): Op<PartitionLayout[]> {
  const out: PartitionLayout[] = [];
  if (partitions === 1) {
    const all = (yield* Ets.lookupElement(registry, -1, 2)) as Tuple;
    const [server, pidEts] = all[3] as Tuple;
    out.push({ index: 0, server: server as Pid, keyTable: format(all[2]!), pidTable: format(pidEts!) });
    return out;
  }
  for (let i = 0; i < partitions; i++) {
    const row = (yield* Ets.lookup(registry, i))[0]!;
    const [server, pidEts] = row[2] as Tuple;
    out.push({ index: i, server: server as Pid, keyTable: format(row[1]!), pidTable: format(pidEts!) });
  }
  return out;
}

/** The layout as the data of a `registry.layout` report. */
export function layoutData(layout: readonly PartitionLayout[]): TermObject[] {
  return layout.map((p) => ({ index: p.index, server: p.server, key_table: p.keyTable, pid_table: p.pidTable }));
}

/** Reads the registry's layout and reports it as `registry.layout`, with the registry's name. */
export function* reportLayout(registry: string, partitions: number): Op<void> {
  const layout = yield* readLayout(registry, partitions);
  yield* report('registry.layout', { registry, partitions: layoutData(layout) });
}

/** The first `registry.layout` report: the registry's name (when reported) and its partitions. */
export function layoutOf(trace: readonly TraceEvent[]): { registry: string | undefined; partitions: PartitionLayout[] } | undefined {
  for (const e of trace) {
    if (e.k === 'report' && e.name === 'registry.layout') {
      const d = e.data as TermObject;
      const partitions = (d['partitions'] as TermObject[]).map((p) => ({
        index: p['index'] as number,
        server: p['server'] as Pid,
        keyTable: p['key_table'] as string,
        pidTable: p['pid_table'] as string,
      }));
      return { registry: d['registry'] as string | undefined, partitions };
    }
  }
  return undefined;
}

/** A partition handling a dead process's `{:EXIT, pid, _}`: from the receive to its last ETS call. */
export interface CleanupWindow {
  readonly partition: number;
  readonly start: number;
  readonly end: number;
  readonly t: number;
  /** The tables the partition touched while handling it. */
  readonly tables: readonly string[];
  /** The ETS calls it made meanwhile. */
  readonly etsCalls: number;
}

export interface Lifetimes {
  /** Trace index of each process's exit (by pid id). */
  readonly exits: ReadonlyMap<number, { index: number; t: number; reason: Term }>;
  /** Cleanup windows per dead process (by pid id), in trace order. */
  readonly cleanups: ReadonlyMap<number, CleanupWindow[]>;
}

/**
 * Exits and cleanup windows. A partition handles one message at a time, so its handling of an
 * `{:EXIT, pid, _}` spans from that `receive` to the last of its ETS calls before its next
 * `receive` (processes.md §6.6; registry.ex `Registry.Partition.handle_info/2`).
 */
export function lifetimes(trace: readonly TraceEvent[], layout: readonly PartitionLayout[]): Lifetimes {
  const exits = new Map<number, { index: number; t: number; reason: Term }>();
  const cleanups = new Map<number, CleanupWindow[]>();
  const partitionOf = new Map(layout.map((p) => [p.server.id, p.index]));
  const open = new Map<number, { victim: number; start: number; t: number; last: number; tables: Set<string>; etsCalls: number }>();
  const close = (server: number) => {
    const w = open.get(server);
    if (!w) return;
    open.delete(server);
    const list = cleanups.get(w.victim) ?? [];
    list.push({ partition: partitionOf.get(server)!, start: w.start, end: w.last, t: w.t, tables: [...w.tables], etsCalls: w.etsCalls });
    cleanups.set(w.victim, list);
  };
  trace.forEach((e, index) => {
    if (e.k === 'exit') {
      exits.set(e.pid.id, { index, t: e.t, reason: e.reason });
      close(e.pid.id);
    }
    if (e.k === 'receive' && partitionOf.has(e.pid.id)) {
      close(e.pid.id);
      if (isTagged(e.msg, 'EXIT', 3) && e.msg[1] instanceof Pid) {
        open.set(e.pid.id, { victim: e.msg[1].id, start: index, t: e.t, last: index, tables: new Set(), etsCalls: 0 });
      }
    }
    if (e.k === 'ets' && open.has(e.pid.id)) {
      const w = open.get(e.pid.id)!;
      w.last = index;
      w.tables.add(format(e.table));
      w.etsCalls++;
    }
  });
  for (const server of [...open.keys()]) close(server);
  return { exits, cleanups };
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

/** Reports with a given name, with their trace index. */
export function reportsNamed(trace: readonly TraceEvent[], name: string): Array<{ index: number; pid: Pid; t: number; data: TermObject }> {
  const out: Array<{ index: number; pid: Pid; t: number; data: TermObject }> = [];
  trace.forEach((e, index) => {
    if (e.k === 'report' && e.name === name) out.push({ index, pid: e.pid, t: e.t, data: e.data as TermObject });
  });
  return out;
}

