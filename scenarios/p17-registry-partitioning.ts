/**
 * Pattern 17 — Registry partitioning strategies: the seed's four examples, ported, with their cost
 * measured from the trace's `ets` events (scenarios/support/registryTrace.ts) and bounded by what
 * the recommended design achieves according to models/p17-registry-partitioning.ts.
 *
 * Why (seed): "With :key partitioning, a key lookup hits exactly one partition (O(1) partitions).
 * With :pid partitioning, key lookups must scan all partitions but process-based operations
 * (unregister on death) are localized." — "Partitioning is a tradeoff."
 *
 * before / after — `MyApp.Events`: subscribers register under event types ("order.created", …),
 * a publisher dispatches events with the seed's `Registry.dispatch(MyApp.Events, type, fn entries
 * -> for {pid, _} <- entries, do: send(pid, :notify) end)`. Claim: "dispatch only scans one ETS
 * table" (after) where "every dispatch scans 16 ETS tables" (before). Checked: every dispatch
 * scans at most the partitions `{:duplicate, :key}` scans (one), scans exactly what the model says
 * for the variant's kind, and notifies every subscriber of the type once.
 * - before as written, `Registry.start_link(keys: :duplicate, name: MyApp.Events)`, passes no
 *   `:partitions`, so the registry has **one** partition and every dispatch reads one key table:
 *   the comment's "16 ETS tables" holds only "with 16 partitions", which the code does not set. The
 *   input chooses between the code as written (`partitions: null`, which holds) and the comment's
 *   configuration (`partitions: 16`, the counterexample: 16 tables per dispatch).
 * - after (`keys: {:duplicate, :key}, partitions: System.schedulers_online()`, the schedulers
 *   count generated 1–16) scans one. `{:duplicate, :key}` exists from Elixir 1.19 (processes.md §6.1,
 *   §8): after runs on the `current` profile only.
 *
 * over / better — `MyApp.Presence`: users connect (register under the rooms they are in, value
 * `%{user: id}`) and disconnect (exit). Claim: "each disconnect scans 16 partitions — worse than
 * default" (over, `{:duplicate, :key}, partitions: 16`) where "death cleanup is localized to one
 * partition" (better, `:duplicate, partitions: System.schedulers_online()`). Checked: every
 * disconnect is cleaned up by at most as many partitions as pid partitioning uses (one), by exactly
 * the model's partitions, and leaves no presence entry behind.
 * - **The seed is wrong about how much over costs.** registry.ex (HEAD, `Registry.Partition.
 *   handle_info({:EXIT, …})`) does not scan partitions on a death: a process is linked to the
 *   partition of each of its keys, each of those partitions gets its `{:EXIT, …}` and takes the
 *   process's rows from its own pid table by pid (`:ets.take/2`, a hash lookup), then deletes those
 *   entries. So a disconnect costs one partition per *distinct partition of the user's rooms* — one
 *   for a user in one room (as with pid partitioning), at most 16 only for a user whose rooms cover
 *   all 16 partitions. over still fails (a user in two rooms hashing to different partitions makes
 *   two partitions clean up), and its counterexample shows the real count. Checked in the source
 *   only: neither oracle (Elixir 1.14, 1.18) has `{:duplicate, :key}`; over runs on `current` only.
 */
import fc from 'fast-check';
import {
  GenServer,
  Pid,
  Registry,
  bin,
  equals,
  fails,
  format,
  holds,
  isTagged,
  match,
  monitor,
  receive,
  report,
  self,
  send,
  sleep,
  spawn,
  t,
  trapExit,
  type AnyTarget,
  type CheckResult,
  type Op,
  type Outcome,
  type Ref,
  type Target,
  type Term,
} from '../src/index.js';
import { cleanupOnDeath, partitionsCleaningOnDeath, partitionsScannedByKey, type Kind } from '../models/p17-registry-partitioning.js';
import { layoutOf, lifetimes, reportLayout, reportsNamed, scanCost } from './support/registryTrace.js';

const ID = 'p17-registry-partitioning';
const runtime = { maxSteps: 400_000, maxTime: 60_000 };

const KEYS_OPTION: Record<Kind, Term> = { unique: 'unique', duplicate_pid: 'duplicate', duplicate_key: t('duplicate', 'key') };
const SHOWN: Record<Kind, string> = { unique: ':unique', duplicate_pid: ':duplicate (pid partitioning)', duplicate_key: '{:duplicate, :key}' };

/** `Registry.start_link(keys: …, name: …[, partitions: …])`; reports the layout. */
function* startRegistry(name: string, kind: Kind, partitions: number | null): Op<boolean> {
  const opts: Registry.RegistryOptions = { keys: KEYS_OPTION[kind], name, ...(partitions === null ? {} : { partitions }) };
  const started = yield* Registry.startLink(opts);
  if (!isTagged(started, 'ok', 2)) return false;
  yield* reportLayout(name, partitions ?? 1);
  return true;
}

// ------------------------------------------------------------------------------ before / after: MyApp.Events

const EVENTS = 'Elixir.MyApp.Events';
const EVENT_TYPES = ['order.created', 'order.paid', 'order.shipped', 'order.cancelled', 'user.signed_up', 'user.deleted', 'invoice.sent', 'payment.failed'];
const eventType = (i: number): Term => bin(EVENT_TYPES[i % EVENT_TYPES.length]!);

interface EventsInput {
  /** before: `null` (as written: the default, one partition) or 16 (the comment's); after: `System.schedulers_online()`. */
  readonly partitions: number | null;
  readonly subscribers: Array<{ readonly types: number[] }>;
  readonly dispatches: number[];
}

const subscribersAndDispatches = {
  subscribers: fc.array(fc.record({ types: fc.uniqueArray(fc.integer({ min: 0, max: EVENT_TYPES.length - 1 }), { minLength: 1, maxLength: 3 }) }), {
    minLength: 1,
    maxLength: 6,
  }),
  dispatches: fc.array(fc.integer({ min: 0, max: EVENT_TYPES.length - 1 }), { minLength: 1, maxLength: 5 }),
};

const beforeInput: fc.Arbitrary<EventsInput> = fc.record({ partitions: fc.constantFrom<number | null>(null, 16), ...subscribersAndDispatches });
const afterInput: fc.Arbitrary<EventsInput> = fc.record({ partitions: fc.integer({ min: 1, max: 16 }), ...subscribersAndDispatches });

/** A subscriber: registers under its event types, then reports every `:notify`. */
function subscriber(types: Term[], ready: Pid) {
  return function* (): Op<void> {
    for (const type of types) yield* Registry.register(EVENTS, type, 'nil');
    yield* send(ready, t('subscribed', yield* self()));
    for (;;) {
      yield* receive(match.eq('notify'));
      yield* report('subscriber.notified', {});
    }
  };
}

function eventsProgram(kind: Kind) {
  return (input: EventsInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      if (!(yield* startRegistry(EVENTS, kind, input.partitions))) return;
      const me = yield* self();
      for (const [n, s] of input.subscribers.entries()) {
        const pid = yield* spawn(subscriber(s.types.map(eventType), me), { label: `subscriber${n}` });
        yield* report('subscriber.started', { n, pid, types: s.types });
      }
      for (let n = 0; n < input.subscribers.length; n++) yield* receive(match.tagged('subscribed', 2));
      for (const type of input.dispatches) {
        yield* report('dispatch.start', { type });
        yield* Registry.dispatch(EVENTS, eventType(type), function* (entries: Term[]) {
          for (const entry of entries) yield* send((entry as Term[])[0] as Pid, 'notify');
        });
        yield* report('dispatch.end', { type });
      }
      yield* sleep(100);
      yield* report('case.end', {});
    };
}

/** Every dispatch scans no more than key partitioning does, exactly as the model says, and notifies once. */
function dispatchScansOnePartition(kind: Kind) {
  return (o: Outcome<EventsInput>): CheckResult => {
    if (o.run.verdict.kind === 'divergence') return fails(`the run diverged: ${o.run.verdict.detail}`);
    const trace = o.run.trace;
    const layout = layoutOf(trace);
    if (!layout || reportsNamed(trace, 'case.end').length === 0) return fails('the case did not run to its end');
    const n = layout.partitions.length;
    const starts = reportsNamed(trace, 'dispatch.start');
    const ends = reportsNamed(trace, 'dispatch.end');
    for (const [i, start] of starts.entries()) {
      const cost = scanCost(trace, start.pid, start.index, ends[i]!.index, EVENTS, layout.partitions);
      const type = format(eventType(start.data['type'] as number));
      const subscribers = o.input.subscribers.filter((s) => s.types.includes(start.data['type'] as number)).length;
      const expected = partitionsScannedByKey(kind, n);
      if (cost.partitions !== expected) {
        return fails(`Registry.dispatch(MyApp.Events, ${type}, …) scanned ${cost.partitions} partition(s) of ${n}; registry.ex with ${SHOWN[kind]} scans ${expected} (processes.md §6.3, §6.8)`);
      }
      const bound = partitionsScannedByKey('duplicate_key', n);
      if (cost.partitions > bound) {
        return fails(
          `with ${SHOWN[kind]} and ${n} partitions, Registry.dispatch(MyApp.Events, ${type}, …) scanned all ${cost.partitions} partitions' key tables to reach ${subscribers} subscriber(s); {:duplicate, :key} scans ${bound}. (With the code as written — no :partitions, so one partition — a dispatch scans one table: the "16 ETS tables" needs the comment's 16 partitions.)`,
        );
      }
    }
    const notified = new Map<number, number>();
    for (const r of reportsNamed(trace, 'subscriber.notified')) notified.set(r.pid.id, (notified.get(r.pid.id) ?? 0) + 1);
    for (const s of reportsNamed(trace, 'subscriber.started')) {
      const types = s.data['types'] as number[];
      const due = o.input.dispatches.filter((d) => types.includes(d)).length;
      const got = notified.get((s.data['pid'] as Pid).id) ?? 0;
      if (got !== due) return fails(`subscriber ${format(s.data['pid']!)} (types ${format(types.map(eventType))}) was notified ${got} time(s), expected ${due}`);
    }
    return holds;
  };
}

// ------------------------------------------------------------------------------ over / better: MyApp.Presence

const PRESENCE = 'Elixir.MyApp.Presence';
const room = (i: number): Term => bin(`room:${i}`);

interface PresenceInput {
  /** better: `System.schedulers_online()`; over: 16, as written. */
  readonly partitions: number;
  readonly users: Array<{ readonly rooms: number[]; readonly connectAt: number; readonly stayMs: number }>;
}

const users: fc.Arbitrary<PresenceInput['users']> = fc.array(
    fc.record({
      rooms: fc.uniqueArray(fc.integer({ min: 0, max: 19 }), { minLength: 1, maxLength: 3 }),
      connectAt: fc.integer({ min: 0, max: 500 }),
      stayMs: fc.integer({ min: 0, max: 500 }),
    }),
    { minLength: 1, maxLength: 6 },
  );

/** better: the schedulers count; over: its fixed 16 partitions (so that the input shows it). */
const betterInput: fc.Arbitrary<PresenceInput> = fc.record({ partitions: fc.integer({ min: 1, max: 16 }), users });
const overInput: fc.Arbitrary<PresenceInput> = fc.record({ partitions: fc.constant(16), users });

/** A user's connection: present in its rooms for a while, then it disconnects (exits). */
function connection(id: number, user: PresenceInput['users'][number]) {
  return function* (): Op<void> {
    if (user.connectAt > 0) yield* sleep(user.connectAt);
    for (const r of user.rooms) yield* Registry.register(PRESENCE, room(r), { user: id });
    yield* report('user.connected', { id, rooms: user.rooms });
    if (user.stayMs > 0) yield* sleep(user.stayMs);
  };
}

function presenceProgram(kind: Kind) {
  return (input: PresenceInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      const partitions = input.partitions;
      if (!(yield* startRegistry(PRESENCE, kind, partitions))) return;
      const refs: Ref[] = [];
      for (const [id, user] of input.users.entries()) {
        const pid = yield* spawn(connection(id, user), { label: `user${id}` });
        refs.push(yield* monitor(pid));
      }
      for (const ref of refs) yield* receive(match.down(ref));
      // Every partition has handled the disconnects once it answers a call sent after the DOWNs.
      for (let i = 0; i < partitions; i++) yield* GenServer.getState(`${PRESENCE}.PIDPartition${i}`);
      const left: Term[] = [];
      for (let r = 0; r < 20; r++) left.push(...(yield* Registry.lookup(PRESENCE, room(r))));
      yield* report('presence.audit', { left });
    };
}

/** Every disconnect is cleaned up by no more partitions than pid partitioning uses, as the model says. */
function disconnectCleansOnePartition(kind: Kind) {
  return (o: Outcome<PresenceInput>): CheckResult => {
    if (o.run.verdict.kind === 'divergence') return fails(`the run diverged: ${o.run.verdict.detail}`);
    const trace = o.run.trace;
    const layout = layoutOf(trace);
    const audit = reportsNamed(trace, 'presence.audit')[0];
    if (!layout || !audit) return fails('the case did not run to its end');
    const n = layout.partitions.length;
    const byUser = lifetimes(trace, layout.partitions).cleanups;
    for (const c of reportsNamed(trace, 'user.connected')) {
      const rooms = (c.data['rooms'] as number[]).map(room);
      const done = byUser.get(c.pid.id) ?? [];
      const expected = cleanupOnDeath(kind, n, c.pid, rooms);
      const got = done.map((d) => d.partition).sort((a, b) => a - b);
      const want = [...expected.keys()].sort((a, b) => a - b);
      const who = `user ${format(c.data['id']!)} (rooms ${format(rooms)})`;
      if (!equals(got, want)) {
        return fails(`${who} disconnected and partitions ${format(got)} cleaned up after it; registry.ex with ${SHOWN[kind]} and ${n} partition(s) uses ${format(want)} (the partitions it is linked to, processes.md §6.3, §6.6)`);
      }
      const bound = partitionsCleaningOnDeath('duplicate_pid', want);
      if (got.length > bound) {
        const calls = done.reduce((sum, d) => sum + d.etsCalls, 0);
        return fails(
          `${who} disconnected and ${got.length} partitions (${got.join(', ')}) each handled its exit (${calls} ETS calls in all); pid partitioning cleans up in ${bound}. Not the seed's 16: with {:duplicate, :key} only the partitions holding the user's keys are linked to it and get its {:EXIT, …}, and each takes the user's rows by pid — no partition is scanned (registry.ex Registry.Partition.handle_info/2)`,
        );
      }
    }
    const left = audit.data['left'] as Term[];
    if (left.length > 0) return fails(`after every user disconnected and every partition had handled the exits, presence still listed ${format(left)}`);
    return holds;
  };
}

// ------------------------------------------------------------------------------ variants

const before: Target<EventsInput> = {
  id: `${ID}/before`,
  title: 'MyApp.Events with keys: :duplicate: how many partitions does each dispatch scan?',
  claim: 'With 16 partitions and 100k unique event types, every dispatch scans 16 ETS tables',
  input: beforeInput,
  program: eventsProgram('duplicate_pid'),
  check: dispatchScansOnePartition('duplicate_pid'),
  expect: 'fails',
  runtime,
};

const after: Target<EventsInput> = {
  id: `${ID}/after`,
  title: 'MyApp.Events with keys: {:duplicate, :key}: every dispatch scans one partition',
  claim: 'Now dispatch only scans one ETS table — O(1) partitions',
  input: afterInput,
  program: eventsProgram('duplicate_key'),
  check: dispatchScansOnePartition('duplicate_key'),
  expect: 'holds',
  semantics: ['current'],
  runtime,
};

const over: Target<PresenceInput> = {
  id: `${ID}/over`,
  title: 'MyApp.Presence with {:duplicate, :key}, 16 partitions: how many partitions clean up a disconnect?',
  claim: 'Each disconnect scans 16 partitions — worse than default',
  input: overInput,
  program: presenceProgram('duplicate_key'),
  check: disconnectCleansOnePartition('duplicate_key'),
  expect: 'fails',
  semantics: ['current'],
  runtime,
};

const better: Target<PresenceInput> = {
  id: `${ID}/better`,
  title: 'MyApp.Presence with :duplicate (pid partitioning): every disconnect is cleaned up in one partition',
  claim: 'Pid partitioning — death cleanup is localized to one partition',
  input: betterInput,
  program: presenceProgram('duplicate_pid'),
  check: disconnectCleansOnePartition('duplicate_pid'),
  expect: 'holds',
  runtime,
};

export const variants: AnyTarget[] = [before, after, over, better];
