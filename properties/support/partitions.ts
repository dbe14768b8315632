/**
 * Support for the PartitionSupervisor properties (pattern 2): routing keys as JSON (so they travel
 * in replay tokens and shrink), the partition worker, and a `:via` module for supervisor names.
 *
 * Keys cover every routing branch of rule 103: integers (negative ones, and ones beyond 2^53 as
 * decimal strings), floats, atoms, binaries, tuples and pids (pid `k` is the k-th of a few helper
 * processes the program spawns, as `self()` would be in the seed's example).
 */
import fc from 'fast-check';
import {
  ErlFloat,
  ErlModule,
  GenServer,
  bin,
  register,
  report,
  self,
  send,
  t,
  unregister,
  whereis,
  type Op,
  type Pid,
  type Term,
} from '../../src/index.js';

export type KeySpec =
  | { readonly int: number }
  | { readonly big: string }
  | { readonly float: number }
  | { readonly atom: string }
  | { readonly bin: string }
  | { readonly tuple: readonly KeySpec[] }
  | { readonly pid: number };

const leaf: fc.Arbitrary<KeySpec> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -1000, max: 1000 }).map((int) => ({ int })) },
  { weight: 2, arbitrary: fc.integer().map((int) => ({ int })) },
  { weight: 1, arbitrary: fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((b) => ({ big: b.toString() })) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((float) => ({ float })) },
  { weight: 2, arbitrary: fc.constantFrom('a', 'user', 'nil', 'ok', 'session_42').map((atom) => ({ atom })) },
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }).map((s) => ({ bin: s })) },
  { weight: 2, arbitrary: fc.nat({ max: 2 }).map((pid) => ({ pid })) },
);

/** A routing key: a leaf or a small tuple of leaves. */
export const keySpec: fc.Arbitrary<KeySpec> = fc.oneof(
  { weight: 6, arbitrary: leaf },
  { weight: 1, arbitrary: fc.array(leaf, { maxLength: 3 }).map((tuple) => ({ tuple })) },
);

/** The key term of a spec; pid keys index into `pids`. */
export function keyTerm(k: KeySpec, pids: readonly Pid[]): Term {
  if ('int' in k) return k.int;
  if ('big' in k) {
    const b = BigInt(k.big);
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }
  if ('float' in k) return new ErlFloat(k.float);
  if ('atom' in k) return k.atom;
  if ('bin' in k) return bin(k.bin);
  if ('tuple' in k) return t(...k.tuple.map((x) => keyTerm(x, pids)));
  return pids[k.pid % pids.length]!;
}

/**
 * The partition worker: started with `[[partition: p]]` (by `with_arguments`), it reports
 * `part.start %{partition: p}` and answers `:whoami` with `{partition, self()}`.
 */
export const PartitionWorker: ErlModule = GenServer.defmodule('Part.Worker', {
  *init(arg: Term) {
    const partition = ((arg as Term[])[0] as Term[])[1]!;
    yield* report('part.start', { partition });
    return t('ok', partition);
  },
  *handleCall(request: Term, _from, partition: Term) {
    if (request === 'whoami') return t('reply', t(partition, yield* self()), partition);
    return t('reply', t('unknown', request), partition);
  },
});

/** `with_arguments`: puts `partition: p` into the worker's start options (rule 101). */
export function withPartition(args: Term[], partition: number): Term[] {
  return [[t('partition', partition), ...((args[0] as Term[] | undefined) ?? [])]];
}

/** A `:via` module over the local name table, for supervisors named `{:via, LocalVia, name}`. */
export const LocalVia: ErlModule = new ErlModule('Elixir.LocalVia', {
  *register_name(name: string, pid: Pid): Op<Term> {
    try {
      yield* register(name, pid);
      return 'yes';
    } catch {
      return 'no';
    }
  },
  *whereis_name(name: string): Op<Term> {
    return (yield* whereis(name)) ?? 'undefined';
  },
  *unregister_name(name: string): Op<Term> {
    yield* unregister(name);
    return 'ok';
  },
  *send(name: string, msg: Term): Op<Term> {
    return yield* send(name, msg);
  },
});

export type Naming = 'atom' | 'via';

/** The supervisor name for a naming style. */
export function supervisorName(naming: Naming): Term {
  return naming === 'atom' ? 'Elixir.MyApp.Partitions' : t('via', LocalVia, 'my_partitions');
}
