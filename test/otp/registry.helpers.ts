/** Shared helpers for the Registry tests (processes.md §6). */
import {
  GenServer,
  Pid,
  Tuple,
  caught,
  rescued,
  equals,
  match,
  receive,
  self,
  send,
  spawn,
  t,
  trapExit,
  whereis,
  type Op,
  type Term,
} from '../../src/index.js';
import * as Registry from '../../src/otp/Registry.js';
import * as Ets from '../../src/kernel/ets.api.js';

export const both = ['current', 'otp25'] as const;
export type Profile = (typeof both)[number];

/** `R` in Elixir. */
export const R = 'Elixir.R';

/** Starts a registry and returns the supervisor pid (fails the run otherwise). */
export function* startRegistry(opts: Registry.RegistryOptions): Op<Pid> {
  const r = (yield* Registry.startLink(opts)) as Tuple;
  if (r[0] !== 'ok') throw new Error(`Registry.startLink failed: ${String(r)}`);
  return r[1] as Pid;
}

/**
 * Runs `op`; returns its value, or `{kind, payload}` for what it raised / exited / threw (an error
 * as `rescue` sees it when it has an exception struct: `:function_clause` shows its module/function).
 */
export function* attempt(op: Op<unknown>): Op<Term> {
  try {
    return (yield* op) as Term;
  } catch (e) {
    const c = caught(e);
    return t(c.kind, c.kind === 'exit' ? c.reason : c.kind === 'error' ? (rescued(e) ?? c.error) : c.value);
  }
}

export interface Member {
  pid: Pid;
  result: Term;
}

/**
 * Spawns a process that registers `key` → `value` in `reg`, reports `{:registered, pid, result}`,
 * then serves `{:run, fn}` requests (replying `{:ran, pid, value}`) and forwards anything else it
 * receives (an `{:EXIT, …}` when trapping) to the spawner as `{:got, pid, msg}`; `:stop` ends it.
 */
export function* member(reg: Term, key: Term, value: Term, options: { trap?: boolean } = {}): Op<Member> {
  const parent = yield* self();
  const pid = yield* spawn(function* () {
    if (options.trap) yield* trapExit(true);
    const result = yield* Registry.register(reg, key, value);
    yield* send(parent, t('registered', yield* self(), result));
    for (;;) {
      const m = yield* receive();
      if (m === 'stop') return;
      if (m instanceof Tuple && m[0] === 'run') {
        const value = yield* (m[1] as () => Op<Term>)();
        yield* send(parent, t('ran', yield* self(), value));
        continue;
      }
      yield* send(parent, t('got', yield* self(), m));
    }
  });
  const [, , result] = (yield* receive(
    match.where((m) => m instanceof Tuple && m[0] === 'registered' && equals(m[1]!, pid), 'registered'),
  )) as Tuple;
  return { pid, result: result as Term };
}

/** Runs `fn` inside a member process and returns its result. */
export function* inMember(pid: Pid, fn: () => Op<Term>): Op<Term> {
  yield* send(pid, t('run', fn as unknown as Term));
  const m = (yield* receive(match.where((x) => x instanceof Tuple && x[0] === 'ran' && equals(x[1]!, pid), 'ran'))) as Tuple;
  return m[2]!;
}

/** The pid of partition `i` of `reg`. */
export function* partition(reg: string, i: number): Op<Pid | undefined> {
  return yield* whereis(`${reg}.PIDPartition${i}`);
}

/** `:sys.get_state` on every partition: after it, each has processed what was queued before. */
export function* syncPartitions(reg: string, partitions: number): Op<void> {
  for (let i = 0; i < partitions; i++) yield* GenServer.getState(`${reg}.PIDPartition${i}`);
}

/** The pid table of partition `i` (read from the meta table, as registry.ex does). */
export function* pidTable(reg: string, i: number): Op<Term> {
  const all = (yield* Ets.lookupElement(reg, -1, 2)) as Tuple;
  if (all[3] instanceof Tuple) return all[3][1]!;
  return ((yield* Ets.lookupElement(reg, i, 3)) as Tuple)[1]!;
}

/**
 * Waits until partition `i` has *processed* `victim`'s `{:EXIT, …}`: polls until the victim's rows
 * are gone from the partition's pid table (its handle_info has started: `:ets.take/2` runs
 * first), then a `:sys.get_state` call, answered only after that handle_info has finished. A
 * get_state alone is no barrier here: the EXIT (victim → partition) and the call (test →
 * partition) come from different senders, and such signals may arrive in either order (§1.1).
 */
export function* awaitCleanup(reg: string, i: number, victim: Pid): Op<void> {
  const name = `${reg}.PIDPartition${i}`;
  const table = yield* pidTable(reg, i);
  while ((yield* Ets.lookup(table, victim)).length > 0) yield* GenServer.getState(name);
  yield* GenServer.getState(name);
}
