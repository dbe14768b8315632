/**
 * The program behind the Registry properties (patterns 10 and 17): start a registry, learn its
 * layout (which partition process owns which key and pid tables), and drive a generated sequence
 * of commands, each performed by one of several *slot* processes. Plus the trace questions the
 * checks ask: when each process died, and when a partition handled its `{:EXIT, …}` (read with
 * scenarios/support/registryTrace.ts, as the partitioning scenarios read theirs).
 *
 * Commands run one at a time: the driver sends a command to its slot process and waits for the
 * answer. Deaths are not waited for — the driver kills a slot process (or tells it to exit or
 * crash) and goes on — so a death, and the partition's cleanup after it, race with the commands
 * that follow (processes.md §6.6). A command for a slot whose process died starts a new process
 * in that slot, which is how a key gets re-registered after a death.
 *
 * Each command is bracketed by `op.start` / `op.end` reports from the process performing it, so
 * a check knows the interval in which the operation took effect. Reads only the public API.
 */
import {
  GenServer,
  Pid,
  Ref,
  Registry,
  Tuple,
  caught,
  equals,
  exitSignal,
  format,
  isTagged,
  match,
  monitor,
  raise,
  receive,
  report,
  runProblem,
  self,
  send,
  spawn,
  t,
  type Op,
  type Outcome,
  type Term,
  type TermObject,
  type TraceEvent,
} from '../../src/index.js';
import { layoutData, layoutOf, lifetimes, readLayout, type Lifetimes, type PartitionLayout } from '../../scenarios/support/registryTrace.js';

export const REGISTRY = 'Elixir.Beamcheck.Reg';

/** How a slot process dies: killed from outside, a normal return, or a raise. */
export type DeathKind = 'kill' | 'exit' | 'crash';

export type Command =
  | { readonly op: 'register'; readonly slot: number; readonly key: number; readonly value: number }
  | { readonly op: 'unregister'; readonly slot: number; readonly key: number }
  /** `reads` lookups back to back (each its own operation): reads that may land in a stale window. */
  | { readonly op: 'lookup'; readonly slot: number; readonly key: number; readonly reads?: number }
  | { readonly op: 'whereis'; readonly slot: number; readonly key: number }
  | { readonly op: 'dispatch'; readonly slot: number; readonly key: number }
  | { readonly op: 'die'; readonly slot: number; readonly how: DeathKind }
  /** The driver waits until every partition has handled what was sent to it (a barrier). */
  | { readonly op: 'settle' };

/** Keys by index: atoms, an integer, a tuple, a binary-like atom — different phash2 buckets. */
export const KEYS: readonly Term[] = ['a', 'b', 7, t('room', 2), 'order.created'];

export function keyTerm(i: number): Term {
  return KEYS[i % KEYS.length]!;
}

/** Starts the registry and reports its layout as `registry.layout`. */
export function* startRegistry(keys: Term, partitions: number): Op<PartitionLayout[]> {
  const started = yield* Registry.startLink({ keys, name: REGISTRY, partitions });
  if (!isTagged(started, 'ok', 2)) return raise('RuntimeError', `Registry.start_link failed: ${format(started)}`);
  const layout = yield* readLayout(REGISTRY, partitions);
  yield* report('registry.layout', { partitions: layoutData(layout) });
  return layout;
}

const isArgumentError = (x: Term): boolean =>
  typeof x === 'object' && x !== null && !(x instanceof Tuple) && (x as TermObject)['__struct__'] === 'Elixir.ArgumentError';

/** What one command returned, as a term for the `op.end` report. */
function* perform(command: Command): Op<Term> {
  switch (command.op) {
    case 'register':
      return yield* Registry.register(REGISTRY, keyTerm(command.key), command.value);
    case 'unregister':
      return yield* Registry.unregister(REGISTRY, keyTerm(command.key));
    case 'lookup':
      return yield* Registry.lookup(REGISTRY, keyTerm(command.key));
    case 'whereis':
      try {
        return (yield* GenServer.whereis(Registry.via(REGISTRY, keyTerm(command.key)))) ?? 'nil';
      } catch (e) {
        // Duplicate registries: ArgumentError ":via is not supported for duplicate registries".
        const c = caught(e);
        if (c.kind === 'error' && isArgumentError(c.error)) return 'argument_error';
        throw e;
      }
    case 'dispatch': {
      const me = yield* self();
      const seen: Term[] = [];
      yield* Registry.dispatch(REGISTRY, keyTerm(command.key), (entries: Term[]) => {
        seen.push(...entries);
      });
      return t(me, seen);
    }
    default:
      return 'nil';
  }
}

/** A slot process: performs the commands it is sent, bracketed by `op.start` / `op.end`. */
function slotBody(commands: readonly Command[], driver: Pid) {
  return function* (): Op<void> {
    for (;;) {
      const m = yield* receive();
      if (m === 'exit') return;
      if (m === 'crash') return raise('RuntimeError', 'slot process crashed');
      if (!isTagged(m, 'op', 2)) continue;
      const i = m[1] as number;
      const command = commands[i]!;
      const times = command.op === 'lookup' ? (command.reads ?? 1) : 1;
      for (let n = 0; n < times; n++) {
        yield* report('op.start', { i });
        const result = yield* perform(command);
        yield* report('op.end', { i, result });
      }
      yield* send(driver, t('done', i));
    }
  };
}

export interface DriveOptions {
  /**
   * After the last command: wait for the death of every process it killed, then for every
   * partition to answer a call (by then each has handled those deaths, §6.6), then look every key
   * up and report the answers as `registry.audit`.
   */
  readonly audit?: boolean;
}

/** The driver: runs `commands` in order against slot processes. */
export function* driveCommands(commands: readonly Command[], layout: readonly PartitionLayout[], options: DriveOptions = {}): Op<void> {
  const driver = yield* self();
  const slots = new Map<number, { pid: Pid; ref: Ref | undefined }>();
  const dying: Ref[] = [];
  for (let i = 0; i < commands.length; i++) {
    const command = commands[i]!;
    if (command.op === 'settle') {
      for (const p of layout) yield* GenServer.getState(p.server);
      continue;
    }
    const current = slots.get(command.slot);
    if (command.op === 'die') {
      if (!current) continue;
      slots.delete(command.slot);
      if (current.ref) dying.push(current.ref);
      if (command.how === 'kill') yield* exitSignal(current.pid, 'kill');
      else yield* send(current.pid, command.how);
      continue;
    }
    let slot = current;
    if (!slot) {
      const pid = yield* spawn(slotBody(commands, driver), { label: `slot${command.slot}` });
      slot = { pid, ref: options.audit ? yield* monitor(pid) : undefined };
      slots.set(command.slot, slot);
    }
    yield* send(slot.pid, t('op', i));
    yield* receive(match.where((x) => isTagged(x, 'done', 2) && x[1] === i, `{:done, ${i}}`));
  }
  if (options.audit) yield* audit(layout, dying);
}

/** The final barrier and lookups of `DriveOptions.audit`. */
function* audit(layout: readonly PartitionLayout[], dying: readonly Ref[]): Op<void> {
  for (const ref of dying) yield* receive(match.down(ref));
  for (const p of layout) yield* GenServer.getState(p.server);
  const lookups: Term[] = [];
  for (const key of KEYS) lookups.push(t(key, yield* Registry.lookup(REGISTRY, key)));
  yield* report('registry.audit', { lookups });
}

/** The `registry.audit` report: every key with what lookup returned after the final barrier. */
export function auditOf(trace: readonly TraceEvent[]): { index: number; lookups: Array<{ key: Term; entries: Tuple[] }> } | undefined {
  for (let index = trace.length - 1; index >= 0; index--) {
    const e = trace[index]!;
    if (e.k === 'report' && e.name === 'registry.audit') {
      const lookups = ((e.data as TermObject)['lookups'] as Tuple[]).map((x) => ({ key: x[0]!, entries: x[1] as Tuple[] }));
      return { index, lookups };
    }
  }
  return undefined;
}

// ------------------------------------------------------------------------------ trace questions

/** One performed command: its index, the process, the trace interval and the result. */
export interface OpRecord {
  readonly i: number;
  readonly pid: Pid;
  readonly start: number;
  readonly end: number;
  readonly t: number;
  readonly result: Term;
}

export function opsOf(trace: readonly TraceEvent[]): OpRecord[] {
  const started = new Map<number, { pid: Pid; start: number; t: number }>(); // by command index
  const out: OpRecord[] = [];
  trace.forEach((e, index) => {
    if (e.k !== 'report') return;
    if (e.name === 'op.start') started.set((e.data as TermObject)['i'] as number, { pid: e.pid, start: index, t: e.t });
    if (e.name === 'op.end') {
      const d = e.data as TermObject;
      const s = started.get(d['i'] as number)!;
      out.push({ i: d['i'] as number, pid: s.pid, start: s.start, end: index, t: s.t, result: d['result']! });
    }
  });
  return out;
}

/** What every registry check reads from a run's trace. */
export interface RegistryRun {
  readonly trace: readonly TraceEvent[];
  readonly layout: PartitionLayout[];
  readonly life: Lifetimes;
  readonly ops: OpRecord[];
}

/** The run's layout, lifetimes and performed commands; or why it cannot be judged. */
export function registryRunOf(o: Outcome<unknown>): RegistryRun | string {
  const problem = runProblem(o);
  if (problem) return problem;
  const trace = o.run.trace;
  const layout = layoutOf(trace)?.partitions;
  if (!layout) return 'the registry did not start';
  return { trace, layout, life: lifetimes(trace, layout), ops: opsOf(trace) };
}

export { equals };
