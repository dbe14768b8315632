/**
 * Pattern 17 — Registry partitioning strategies.
 *
 * Why (seed): "The partitioning strategy determines which partition(s) need to be scanned during
 * lookup. With :key partitioning, a key lookup hits exactly one partition (O(1) partitions). With
 * :pid partitioning, key lookups must scan all partitions but process-based operations
 * (unregister on death) are localized."
 *
 * Claims checked against models/p17-registry-partitioning.ts (processes.md §6.2–§6.3, §6.6–§6.8),
 * measured from the trace's `ets` events, for `:unique`, `:duplicate` (= `{:duplicate, :pid}`) on
 * both profiles and `{:duplicate, :key}` on `current` only (it came in Elixir 1.19, §6.1):
 * - every `lookup` and `dispatch` of a key scans exactly the model's partitions (all of them for
 *   pid-partitioned duplicates with more than one partition, one otherwise): as many partition
 *   key-table fetches from the meta table as the model says, and no key-table read outside them
 *   or twice (a read that raises `badarg` — an absent key — is not in the trace, so the count is
 *   taken from the meta-table fetches that precede each read);
 * - every death is cleaned up by exactly the model's partitions — the ones the process is linked
 *   to, i.e. its pid partitions — each touching its own pid table and the key tables of the
 *   process's entries, and nothing else;
 * - after a barrier, lookups show exactly the live processes' registrations (nothing of the dead).
 * registry.ex (HEAD) cleans a `{:duplicate, :key}` death in one partition per distinct partition
 * of the process's keys, by a hash take on each pid table: it does not scan every partition, as
 * the seed's "When NOT to use" says.
 */
import fc from 'fast-check';
import { Pid, Tuple, equals, fails, format, holds, isTagged, t, type CheckResult, type Outcome, type Target, type Term, type TraceEvent } from '../src/index.js';
import { cleanupOnDeath, keyTablesRead, partitionsScannedByKey, type Kind } from '../models/p17-registry-partitioning.js';
import {
  KEYS,
  REGISTRY,
  auditOf,
  driveCommands,
  keyTerm,
  registryRunOf,
  startRegistry,
  type Command,
  type OpRecord,
} from './support/registryCase.js';
import { type Lifetimes, type PartitionLayout } from '../scenarios/support/registryTrace.js';

export interface PartitionCase {
  readonly partitions: number;
  readonly commands: Command[];
}

const SLOTS = 5;
const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const key = fc.integer({ min: 0, max: KEYS.length - 1 });

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('register' as const), slot, key, value: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('lookup' as const), slot, key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('dispatch' as const), slot, key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('die' as const), slot, how: fc.constantFrom('kill' as const, 'exit' as const, 'crash' as const) }) },
  { weight: 1, arbitrary: fc.constant<Command>({ op: 'settle' }) },
);

const partitionCase: fc.Arbitrary<PartitionCase> = fc.record({
  partitions: fc.integer({ min: 1, max: 8 }),
  commands: fc.array(command, { maxLength: 20, size: 'medium' }),
});

const KEYS_OPTION: Record<Kind, Term> = { unique: 'unique', duplicate_pid: 'duplicate', duplicate_key: t('duplicate', 'key') };
const SHOWN: Record<Kind, string> = { unique: ':unique', duplicate_pid: '{:duplicate, :pid}', duplicate_key: '{:duplicate, :key}' };

function program(kind: Kind) {
  return (c: PartitionCase) =>
    function* () {
      const layout = yield* startRegistry(KEYS_OPTION[kind], c.partitions);
      yield* driveCommands(c.commands, layout, { audit: true });
    };
}

const READS = new Set(['lookup', 'lookup_element', 'select', 'match', 'member', 'tab2list']);

interface Reads {
  /** Partitions scanned: one per `key_ets!(registry, partition)` lookup in the meta table. */
  readonly scanned: number;
  /** Partitions whose key table the trace shows being read (one entry per read). */
  readonly keyTables: number[];
}

/**
 * What `op` read. registry.ex fetches a partition's key table from the meta table
 * (`key_ets!(registry, partition)`, §6.2) right before reading it, after one `key_info!` read;
 * with one partition `key_info!` carries the table itself. Counting those meta reads measures the
 * partitions scanned even when the key-table read itself is missing from the trace (an ETS call
 * that raises `badarg` — `lookup_element` of an absent key — is not traced by the kernel; see the
 * report of this pattern), and every key-table read that is traced must be of a scanned partition.
 */
function readsOf(trace: readonly TraceEvent[], op: OpRecord, layout: readonly PartitionLayout[]): Reads {
  const byTable = new Map(layout.map((p) => [p.keyTable, p.index]));
  const keyTables: number[] = [];
  let meta = 0;
  for (let i = op.start + 1; i < op.end; i++) {
    const e = trace[i]!;
    if (e.k !== 'ets' || e.pid.id !== op.pid.id || !READS.has(e.fn)) continue;
    if (e.table === REGISTRY) meta++;
    else if (byTable.has(format(e.table))) keyTables.push(byTable.get(format(e.table))!);
  }
  return { scanned: layout.length === 1 ? Math.min(meta, 1) : meta - 1, keyTables };
}

const sorted = (xs: Iterable<number>): number[] => [...xs].sort((a, b) => a - b);
const list = (xs: Iterable<number>): string => `[${sorted(xs).join(', ')}]`;

function readsMatch(kind: Kind, c: PartitionCase, trace: readonly TraceEvent[], ops: OpRecord[], layout: PartitionLayout[]): string | undefined {
  for (const op of ops) {
    const command = c.commands[op.i]!;
    if (command.op !== 'lookup' && command.op !== 'dispatch') continue;
    const reads = readsOf(trace, op, layout);
    const expected = keyTablesRead(kind, c.partitions, keyTerm(command.key));
    const stray = reads.keyTables.filter((p, i) => !expected.includes(p) || reads.keyTables.indexOf(p) !== i);
    if (reads.scanned !== partitionsScannedByKey(kind, c.partitions) || stray.length > 0) {
      return `${command.op}(${format(keyTerm(command.key))}) by ${format(op.pid)} scanned ${reads.scanned} partition(s) (key tables read: ${list(reads.keyTables)}); with ${SHOWN[kind]} and ${c.partitions} partition(s) it scans ${list(expected)}, each once (processes.md §6.3, §6.7–§6.8)`;
    }
  }
  return undefined;
}

/** The keys each process held when it died: its successful registrations (no unregister here). */
function heldKeys(c: PartitionCase, ops: OpRecord[]): Map<number, { pid: Pid; keys: Term[]; values: Array<{ key: Term; value: Term }> }> {
  const out = new Map<number, { pid: Pid; keys: Term[]; values: Array<{ key: Term; value: Term }> }>();
  for (const op of ops) {
    const command = c.commands[op.i]!;
    const entry = out.get(op.pid.id) ?? { pid: op.pid, keys: [], values: [] };
    out.set(op.pid.id, entry);
    if (command.op === 'register' && isTagged(op.result, 'ok', 2)) {
      entry.keys.push(keyTerm(command.key));
      entry.values.push({ key: keyTerm(command.key), value: command.value });
    }
  }
  return out;
}

/** Deaths the commands caused (before the audit; later ones are the registry's own shutdown). */
function cleanupMatches(kind: Kind, c: PartitionCase, life: Lifetimes, ops: OpRecord[], layout: PartitionLayout[], auditIndex: number): string | undefined {
  for (const [id, held] of heldKeys(c, ops)) {
    if (!life.exits.has(id) || life.exits.get(id)!.index > auditIndex) continue;
    const expected = cleanupOnDeath(kind, c.partitions, held.pid, held.keys);
    const windows = life.cleanups.get(id) ?? [];
    const who = `${format(held.pid)} (keys ${format(held.keys)})`;
    if (list(windows.map((w) => w.partition)) !== list(expected.keys())) {
      return `${who} died and partitions ${list(windows.map((w) => w.partition))} handled its {:EXIT, …}; with ${SHOWN[kind]} and ${c.partitions} partition(s) exactly ${list(expected.keys())} should (the partitions it is linked to, §6.3, §6.6)`;
    }
    for (const w of windows) {
      const want = new Set([layout[w.partition]!.pidTable, ...[...expected.get(w.partition)!].map((p) => layout[p]!.keyTable)]);
      const got = new Set(w.tables);
      const same = want.size === got.size && [...want].every((x) => got.has(x));
      if (!same) {
        return `${who} died; partition ${w.partition} touched ${w.tables.length} table(s) [${w.tables.join(', ')}] while cleaning up, expected its pid table and the key tables of partitions ${list(expected.get(w.partition)!)} (registry.ex Registry.Partition.handle_info/2)`;
      }
    }
  }
  return undefined;
}

/** After the barrier every key shows exactly the registrations of processes still alive. */
function auditMatches(c: PartitionCase, trace: readonly TraceEvent[], life: Lifetimes, ops: OpRecord[]): string | undefined {
  const audit = auditOf(trace)!;
  const held = [...heldKeys(c, ops).values()].filter((h) => !life.exits.has(h.pid.id) || life.exits.get(h.pid.id)!.index > audit.index);
  for (const { key, entries } of audit.lookups) {
    const expected = held.flatMap((h) => h.values.filter((v) => equals(v.key, key)).map((v) => t(h.pid, v.value)));
    const show = (xs: Tuple[]) => xs.map((x) => format(x)).sort().join(', ');
    if (show(entries) !== show(expected)) {
      const dead = entries.filter((e) => life.exits.has((e[0] as Pid).id));
      return `after every death had been handled, lookup(${format(key)}) returned [${show(entries)}], expected [${show(expected)}]${dead.length ? `: entries of dead processes ${format(dead.map((e) => e[0]!))} were never cleaned up (§6.6)` : ''}`;
    }
  }
  return undefined;
}

function costMatchesModel(kind: Kind) {
  return (o: Outcome<PartitionCase>): CheckResult => {
    const run = registryRunOf(o);
    if (typeof run === 'string') return fails(run);
    const { trace, layout, life, ops } = run;
    const audit = auditOf(trace);
    if (!audit) return fails('the run ended before the final audit (lookups once every death was handled)');
    const why =
      readsMatch(kind, o.input, trace, ops, layout) ??
      cleanupMatches(kind, o.input, life, ops, layout, audit.index) ??
      auditMatches(o.input, trace, life, ops);
    return why ? fails(why) : holds;
  };
}

const ID = 'p17-registry-partitioning';

export const properties: Target<PartitionCase>[] = [
  {
    id: `${ID}:unique`,
    title: ':unique — a key lookup reads one partition; a death is cleaned up by its pid partition alone',
    claim: 'For unique registries, a single partition lookup is necessary',
    input: partitionCase,
    program: program('unique'),
    check: costMatchesModel('unique'),
    catches: ['registry-no-cleanup'],
  },
  {
    id: `${ID}:duplicate-pid`,
    title: ':duplicate ({:duplicate, :pid}) — a key lookup/dispatch reads every partition; a death is cleaned up in one',
    claim: 'With :pid partitioning, key lookups must scan all partitions but process-based operations (unregister on death) are localized',
    input: partitionCase,
    program: program('duplicate_pid'),
    check: costMatchesModel('duplicate_pid'),
    catches: ['registry-no-cleanup'],
  },
  {
    id: `${ID}:duplicate-key`,
    title: '{:duplicate, :key} — a key lookup/dispatch reads one partition; a death is cleaned up by the partitions of its keys only',
    claim: 'With :key partitioning, a key lookup hits exactly one partition (O(1) partitions)',
    input: partitionCase,
    program: program('duplicate_key'),
    check: costMatchesModel('duplicate_key'),
    semantics: ['current'],
    catches: ['registry-no-cleanup'],
  },
];
