/**
 * `Registry.Partition`: one GenServer per partition, named `<registry>.PIDPartition<i>`
 * (processes.md §6.2). It traps exits, creates and owns the partition's key table (`:set` for
 * unique, `:duplicate_bag` for pid-partitioned duplicates, `:ordered_set` for `{:duplicate, :key}`)
 * and its pid table (`:duplicate_bag` of `{pid, key, key_ets, counter}`), and publishes them in the
 * meta table. Tables die with the partition (§6.12).
 *
 * Registering processes link themselves to this process, so the partition learns of their death
 * through `{:EXIT, pid, _}` and deletes their entries *when it gets to that message*: cleanup is
 * asynchronous and readers may see a dead pid in between (§6.6). The real code uses `:ets.take/2`;
 * the kernel's ETS has no `take`, so it is a lookup followed by a delete of the same key (only this
 * process removes a dead pid's rows, so nothing can slip in between).
 *
 * On the `current` profile the partition also serves `Registry.lock/3` (Elixir 1.18+).
 * Port of registry.ex `Registry.Partition` (E14 and HEAD).
 */
import { demonitor, isAlive, monitor, self, semantics, send, trapExit } from '../../kernel/api.js';
import type { Op } from '../../kernel/effects.js';
import { functionClause as functionClauseError, raise } from '../../kernel/errors.js';
import * as Ets from '../../kernel/ets.api.js';
import { equals } from '../../term/compare.js';
import { ErlModule, Pid, Ref, TMap, Tuple, isTagged, t, type Term } from '../../term/Term.js';
import * as GenServer from '../GenServer.js';
import { invoke } from '../callbacks.js';
import type { From } from '../gen.js';
import { isMutant } from '../mutations.js';
import { ALL_INFO, KEY_INFO, isOrdered, modeOf, rescueBadarg, unregisterRows, type Kind } from './internal.js';

const MODULE = 'Elixir.Registry.Partition';

/** No callback clause matches: the partition exits with `{:function_clause, stack}` (✔ r2.exs). */
const functionClause = (fun: string, arity: number): never => functionClauseError(MODULE, fun, arity);

/**
 * The server state as a term: 1.14 keeps the pid table; HEAD `{pid_ets, locks, ordered}` where
 * `locks` maps a lock key to the queue (a list) of waiting callers.
 */
interface State {
  pidEts: Term;
  locks: TMap;
  ordered: boolean;
  profile: 'current' | 'otp25';
}
const toTerm = (s: State): Term => (s.profile === 'otp25' ? s.pidEts : t(s.pidEts, s.locks, s.ordered));
function fromTerm(x: Term, profile: 'current' | 'otp25'): State {
  if (profile === 'otp25') return { pidEts: x, locks: new TMap([]), ordered: false, profile };
  const [pidEts, locks, ordered] = x as Tuple;
  return { pidEts: pidEts!, locks: locks as TMap, ordered: ordered === true, profile };
}

function keyTableType(kind: Kind): 'set' | 'ordered_set' | 'duplicate_bag' {
  switch (modeOf(kind)) {
    case 'unique':
      return 'set';
    case 'key':
      return 'ordered_set';
    case 'pid':
      return 'duplicate_bag';
  }
}

function* init(arg: Term): Op<Term> {
  const [kind, registry, i, partitions, , , listeners] = arg as Tuple;
  const profile = yield* semantics();
  yield* trapExit(true);
  const keyEts = yield* Ets.newTable({ type: keyTableType(kind!), access: 'public' });
  const pidEts = yield* Ets.newTable({ type: 'duplicate_bag', access: 'public' });
  const me = yield* self();
  if (partitions === 1) {
    yield* Ets.insert(registry!, [
      t(KEY_INFO, t(kind!, partitions, keyEts)),
      t(ALL_INFO, t(kind!, partitions, keyEts, t(me, pidEts), listeners!)),
    ]);
  } else {
    yield* Ets.insert(registry!, t(i!, keyEts, t(me, pidEts)));
  }
  return t('ok', toTerm({ pidEts, locks: new TMap([]), ordered: isOrdered(kind!), profile }));
}

function* handleCall(request: Term, from: From, stateTerm: Term): Op<Term> {
  const profile = yield* semantics();
  if (request === 'sync') return t('reply', 'ok', stateTerm);
  if (profile === 'current' && isTagged(request, 'lock', 2)) {
    const state = fromTerm(stateTerm, profile);
    const key = request[1]!;
    const queue = mapGet(state.locks, key);
    if (queue !== undefined) {
      state.locks = mapPut(state.locks, key, [...(queue as Term[]), from]);
    } else {
      yield* go(from, key);
      state.locks = mapPut(state.locks, key, []);
    }
    return t('noreply', toTerm(state));
  }
  return functionClause('handle_call', 3);
}

function* handleInfo(msg: Term, stateTerm: Term): Op<Term> {
  const profile = yield* semantics();
  const state = fromTerm(stateTerm, profile);
  if (isTagged(msg, 'EXIT', 3) && msg[1] instanceof Pid) {
    // Mutation `registry-no-cleanup` (§6.6): the EXIT is consumed but the dead pid's entries stay.
    if (!(yield* isMutant('registry-no-cleanup'))) yield* cleanup(state, msg[1]);
    return t('noreply', stateTerm);
  }
  if (profile === 'current') {
    // {{:unlock, key}, ref, :process, pid, reason}: the lock holder died.
    if (msg instanceof Tuple && msg.length === 5 && isTagged(msg[0], 'unlock', 2) && msg[2] === 'process') {
      return yield* unlock(msg[0][1]!, state);
    }
    if (isTagged(msg, 'unlock', 3) && msg[2] instanceof Ref) {
      yield* demonitor(msg[2], { flush: true });
      return yield* unlock(msg[1]!, state);
    }
  }
  return functionClause('handle_info', 2);
}

/** `handle_info({:EXIT, pid, _}, …)`: deletes every entry of `pid` (§6.6). */
function* cleanup(state: State, pid: Pid): Op<void> {
  const entries = yield* Ets.lookup(state.pidEts, pid);
  yield* Ets.deleteKey(state.pidEts, pid);
  for (const [, key, keyEtsField] of entries) {
    // The unregister_match temporary entry carries {key_ets, remaining}.
    const keyEts = keyEtsField instanceof Tuple ? keyEtsField[0]! : keyEtsField!;
    yield* rescueBadarg(unregisterRows(keyEts, t(key!, t(pid, '_')), 1, state.ordered, state.profile), () => undefined);
  }
}

// ------------------------------------------------------------------- lock/3 (current only)

function* go(from: Term, key: Term): Op<void> {
  const pid = (from as Tuple)[0] as Pid;
  const ref = yield* monitor(pid, { tag: t('unlock', key) });
  yield* GenServer.reply(from as From, ref);
}

function* unlock(key: Term, state: State): Op<Term> {
  const queue = mapGet(state.locks, key);
  if (queue === undefined) return raise('MatchError', 'no match of right hand side value', { term: state.locks });
  const rest = [...(queue as Term[])];
  for (;;) {
    const next = rest.shift();
    if (next === undefined) {
      state.locks = mapDelete(state.locks, key);
      break;
    }
    const pid = (next as Tuple)[0] as Pid;
    if (yield* isAlive(pid)) {
      yield* go(next, key);
      state.locks = mapPut(state.locks, key, rest);
      break;
    }
  }
  return t('noreply', toTerm(state));
}

function mapGet(m: TMap, key: Term): Term | undefined {
  return m.entries.find(([k]) => equals(k, key))?.[1];
}
function mapPut(m: TMap, key: Term, value: Term): TMap {
  const rest = m.entries.filter(([k]) => !equals(k, key));
  return new TMap([...rest, [key, value]]);
}
function mapDelete(m: TMap, key: Term): TMap {
  return new TMap(m.entries.filter(([k]) => !equals(k, key)));
}

const callbacks = GenServer.defmodule('Registry.Partition', {
  init,
  handleCall,
  handleInfo,
});

/**
 * The module: the GenServer callbacks plus `start_link(name, arg)` (arity 2, as in registry.ex),
 * which the supervisor's child spec `{Registry.Partition, :start_link, [pid_partition, arg]}` calls.
 */
export const Partition: ErlModule = new ErlModule(MODULE, {
  ...callbacks.exports,
  start_link: (name: Term, arg: Term) => GenServer.startLink(Partition, arg, { name }),
});

/** `Registry.Partition.lock/3` (HEAD): takes the lock through a call, releases it after `fn`. */
export function* lockCall<T>(server: Pid, key: Term, fn: () => Op<T> | T): Op<T> {
  const ref = yield* GenServer.call(server, t('lock', key));
  try {
    return yield* invoke<T>(fn, []);
  } finally {
    yield* send(server, t('unlock', key, ref));
  }
}
