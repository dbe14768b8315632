/**
 * Pattern 2 — PartitionSupervisor for scalability.
 *
 * Why (seed): "A supervisor is a single process. Under heavy start_child load, it serializes all
 * spawn operations. PartitionSupervisor distributes the load across multiple supervisor
 * processes, using self() as the routing key to ensure each caller consistently hits the same
 * partition."
 *
 * Claims checked against models/p02-partition-supervisor.ts (processes.md §7.1, supervision.md
 * rules 101–105, E4):
 * - routing: `{:via, PartitionSupervisor, {name, key}}` reaches partition `rem(abs(key), n)` for
 *   an integer key (negative ones included) and `:erlang.phash2(key, n)` for any other term
 *   (floats, atoms, binaries, tuples, pids); the same key always reaches the same partition; each
 *   partition's child got its partition index through `with_arguments` and has id = partition;
 *   `which_children` lists partitions highest first;
 * - stale-pids: the routing table is rewritten only by a successful (re)start, so after
 *   `terminate_child`, or after a crash before the restart, lookups return the old dead pid; after
 *   the restart the new one — except with a `{:via, …}` supervisor name on Elixir 1.14, where the
 *   first pid stays forever (E4).
 */
import fc from 'fast-check';
import {
  GenServer,
  PartitionSupervisor,
  Pid,
  Supervisor,
  Tuple,
  caught,
  exitSignal,
  fails,
  format,
  holds,
  isAlive,
  isTagged,
  match,
  monitor,
  receive,
  report,
  runProblem,
  sleep,
  spawn,
  t,
  traceQuery,
  trapExit,
  type CheckResult,
  type Op,
  type Outcome,
  type Target,
  type Term,
  type TermObject,
  type TraceEvent,
} from '../src/index.js';
import { RoutingTable, partitionOf } from '../models/p02-partition-supervisor.js';
import { PartitionWorker, keySpec, keyTerm, supervisorName, withPartition, type KeySpec, type Naming } from './support/partitions.js';

/** Helper processes whose pids serve as pid keys. */
const PID_KEYS = 3;

function* pidKeys(): Op<Pid[]> {
  const pids: Pid[] = [];
  for (let i = 0; i < PID_KEYS; i++) pids.push(yield* spawn(() => sleep('infinity'), { label: `key${i}` }));
  return pids;
}

function* startPartitions(naming: Naming, partitions: number): Op<Term | undefined> {
  const name = supervisorName(naming);
  const started = yield* PartitionSupervisor.startLink({ name, childSpec: t(PartitionWorker, []), partitions, withArguments: withPartition, maxRestarts: 1000 });
  yield* report('case.start', { result: started });
  return isTagged(started, 'ok', 2) ? name : undefined;
}

/** Runs `body`; an exception becomes `{:raised, kind, value}` so that the check can report it. */
function* attempt(body: () => Op<Term>): Op<Term> {
  try {
    return yield* body();
  } catch (e) {
    const c = caught(e);
    return t('raised', c.kind, c.kind === 'exit' ? c.reason : c.kind === 'error' ? c.error : c.value);
  }
}

/** pid → `[partition, incarnation]`, from the workers' own start reports. */
function incarnations(trace: readonly TraceEvent[]): Map<number, readonly [number, number]> {
  const counts = new Map<number, number>();
  const out = new Map<number, readonly [number, number]>();
  for (const r of traceQuery.reports(trace, 'part.start')) {
    const p = r.data['partition'] as number;
    const n = (counts.get(p) ?? 0) + 1;
    counts.set(p, n);
    out.set(r.pid.id, [p, n]);
  }
  return out;
}

function started(o: Outcome<unknown>): CheckResult | null {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const r = traceQuery.reports(o.run.trace, 'case.start')[0]?.data['result'];
  return isTagged(r, 'ok', 2) ? null : fails(`PartitionSupervisor.start_link returned ${format(r ?? 'nothing')}`);
}

// ------------------------------------------------------------------------------- routing

interface RoutingCase {
  readonly partitions: number;
  readonly naming: Naming;
  readonly keys: readonly KeySpec[];
}

const routingCase: fc.Arbitrary<RoutingCase> = fc.record({
  partitions: fc.integer({ min: 1, max: 8 }),
  naming: fc.constantFrom<Naming>('atom', 'via'),
  keys: fc.array(keySpec, { minLength: 1, maxLength: 10 }),
});

function routingProgram(c: RoutingCase) {
  return function* (): Op<void> {
    yield* trapExit(true);
    const pids = yield* pidKeys();
    const name = yield* startPartitions(c.naming, c.partitions);
    if (name === undefined) return;
    const children = yield* Supervisor.whichChildren(name);
    const whoami: Term[] = [];
    for (const child of children) whoami.push(yield* GenServer.call((child as Tuple)[1]!, 'whoami'));
    yield* report('case.children', { children, whoami });
    for (const [i, spec] of c.keys.entries()) {
      const key = keyTerm(spec, pids);
      const via = PartitionSupervisor.via(name, key);
      const first = yield* attempt(() => GenServer.call(via, 'whoami'));
      const again = yield* attempt(function* () {
        return (yield* GenServer.whereis(via)) ?? 'undefined';
      });
      yield* report('case.route', { i, key, first, again });
    }
    yield* Supervisor.stop(name, 'shutdown');
  };
}

function checkRouting(o: Outcome<RoutingCase>): CheckResult {
  const bad = started(o);
  if (bad) return bad;
  const n = o.input.partitions;
  const trace = o.run.trace;
  const seen = traceQuery.reports(trace, 'case.children')[0]?.data;
  if (!seen) return fails('which_children was never answered');
  const children = seen['children'] as Tuple[];
  const ids = children.map((c) => c[0]);
  const expectedIds = Array.from({ length: n }, (_, i) => n - 1 - i);
  if (format(ids) !== format(expectedIds)) return fails(`which_children ids ${format(ids)}, expected ${format(expectedIds)} (rule 105: one child per partition, id = partition, highest first)`);
  const whoami = seen['whoami'] as Tuple[];
  for (let i = 0; i < children.length; i++) {
    if (whoami[i]![0] !== ids[i]) return fails(`partition ${format(ids[i]!)}'s child was started with partition ${format(whoami[i]![0]!)} (rule 101: with_arguments receives the partition)`);
  }
  const pidOfPartition = new Map(children.map((c) => [c[0] as number, c[1] as Pid]));
  for (const r of traceQuery.reports(trace, 'case.route')) {
    const key = r.data['key']!;
    const expected = partitionOf(key, n);
    const first = r.data['first']!;
    const where = `key ${format(key)} with ${n} partition${n === 1 ? '' : 's'}`;
    if (isTagged(first, 'raised', 3)) return fails(`routing ${where} raised ${format(first, { maxLength: 160 })}; the model routes it to partition ${expected} (rule 103)`);
    if (!(first instanceof Tuple)) return fails(`routing ${where} answered ${format(first)}`);
    const [partition, pid] = first;
    if (partition !== expected) return fails(`${where} reached partition ${format(partition!)}, the model says ${expected} (rule 103: rem(abs(key), n) for integers, phash2(key, n) otherwise)`);
    if ((pid as Pid).id !== pidOfPartition.get(expected)?.id) return fails(`${where} reached ${format(pid!)}, not partition ${expected}'s child ${format(pidOfPartition.get(expected) ?? 'nil')}`);
    const again = r.data['again']!;
    if (!(again instanceof Pid) || again.id !== (pid as Pid).id) return fails(`${where}: whereis gave ${format(again)} after the call reached ${format(pid!)}: a key must always reach the same partition`);
  }
  return holds;
}

// ------------------------------------------------------------------------------- stale pids

type Command =
  | { readonly route: KeySpec }
  | { readonly terminate: number }
  | { readonly restart: number }
  | { readonly kill: number }
  | { readonly killThenRoute: number; readonly key: KeySpec };

interface StaleCase {
  readonly partitions: number;
  readonly naming: Naming;
  readonly commands: readonly Command[];
}

const command = (n: number): fc.Arbitrary<Command> =>
  fc.oneof(
    { weight: 3, arbitrary: keySpec.map((route): Command => ({ route })) },
    { weight: 1, arbitrary: fc.nat({ max: n - 1 }).map((terminate): Command => ({ terminate })) },
    { weight: 1, arbitrary: fc.nat({ max: n - 1 }).map((restart): Command => ({ restart })) },
    { weight: 1, arbitrary: fc.nat({ max: n - 1 }).map((kill): Command => ({ kill })) },
    { weight: 1, arbitrary: fc.record({ killThenRoute: fc.nat({ max: n - 1 }), key: keySpec }) as fc.Arbitrary<Command> },
  );

const staleCase: fc.Arbitrary<StaleCase> = fc
  .record({ partitions: fc.integer({ min: 1, max: 4 }), naming: fc.constantFrom<Naming>('atom', 'via') })
  .chain((c) => fc.array(command(c.partitions), { minLength: 1, maxLength: 12 }).map((commands) => ({ ...c, commands })));

/** The partition's current pid from which_children, if it is running. */
function* currentPid(name: Term, p: number): Op<Pid | undefined> {
  for (const c of yield* Supervisor.whichChildren(name)) if ((c as Tuple)[0] === p && (c as Tuple)[1] instanceof Pid) return (c as Tuple)[1] as Pid;
  return undefined;
}

/** Kills partition `p`'s child and waits for its DOWN; returns the dead pid. */
function* killPartition(name: Term, p: number): Op<Pid | undefined> {
  const pid = yield* currentPid(name, p);
  if (!pid) return undefined;
  const ref = yield* monitor(pid);
  yield* exitSignal(pid, 'kill');
  yield* receive(match.down(ref));
  return pid;
}

/** Polls which_children until partition `p` runs a pid other than `old` (the restart is done, rule 102). */
function* awaitRestart(name: Term, p: number, old: Pid): Op<Pid | undefined> {
  for (let i = 0; i < 1000; i++) {
    const pid = yield* currentPid(name, p);
    if (pid && pid.id !== old.id) return pid;
  }
  return undefined;
}

/** `{pid, alive?}` of the pid `key` is routed to, or `{:raised, …}`. */
function* routed(name: Term, key: Term): Op<Term> {
  return yield* attempt(function* () {
    const pid = yield* GenServer.whereis(PartitionSupervisor.via(name, key));
    return pid ? t(pid, yield* isAlive(pid)) : 'undefined';
  });
}

function* runCommand(name: Term, cmd: Command, pids: readonly Pid[]): Op<TermObject> {
  if ('route' in cmd) {
    const key = keyTerm(cmd.route, pids);
    return { key, routed: yield* routed(name, key) };
  }
  if ('terminate' in cmd) return { result: yield* Supervisor.terminateChild(name, cmd.terminate) };
  if ('restart' in cmd) return { result: yield* Supervisor.restartChild(name, cmd.restart) };
  const p = 'kill' in cmd ? cmd.kill : cmd.killThenRoute;
  const old = yield* killPartition(name, p);
  if (!old) return { skipped: true };
  const key = 'key' in cmd ? keyTerm(cmd.key, pids) : 'nil';
  const early = 'key' in cmd ? yield* routed(name, key) : 'nil';
  const fresh = yield* awaitRestart(name, p, old);
  return { old, fresh: fresh ?? 'nil', key, early };
}

function staleProgram(c: StaleCase) {
  return function* (): Op<void> {
    yield* trapExit(true);
    const pids = yield* pidKeys();
    const name = yield* startPartitions(c.naming, c.partitions);
    if (name === undefined) return;
    for (const [i, cmd] of c.commands.entries()) yield* report('case.cmd', { i, ...(yield* runCommand(name, cmd, pids)) });
  };
}

/** Replays the commands on the routing-table model and compares every observation. */
function checkStale(o: Outcome<StaleCase>): CheckResult {
  const bad = started(o);
  if (bad) return bad;
  const { partitions: n, naming, commands } = o.input;
  const trace = o.run.trace;
  const who = incarnations(trace);
  const model = new RoutingTable(n, naming === 'via' && o.semantics === 'otp25');
  for (let p = 0; p < n; p++) model.started(p);
  const label = (pid: Term): string => {
    const w = pid instanceof Pid ? who.get(pid.id) : undefined;
    return w ? `partition ${w[0]} incarnation ${w[1]}` : format(pid);
  };
  const expectRoute = (obs: Term, key: Term, what: string, alternatives: Array<ReturnType<RoutingTable['route']>>): string | null => {
    if (isTagged(obs, 'raised', 3)) return `${what}: routing ${format(key)} raised ${format(obs, { maxLength: 160 })}`;
    if (!(obs instanceof Tuple)) return `${what}: routing ${format(key)} gave ${format(obs)}`;
    const [pid, alive] = obs;
    const w = pid instanceof Pid ? who.get(pid.id) : undefined;
    const ok = alternatives.some((a) => w !== undefined && w[0] === a.partition && w[1] === a.incarnation && alive === a.alive);
    if (ok) return null;
    const want = alternatives.map((a) => `partition ${a.partition} incarnation ${a.incarnation ?? '-'} (${a.alive ? 'alive' : 'dead'})`).join(' or ');
    const e4 = naming === 'via' && o.semantics === 'otp25' ? ', E4' : '';
    return `${what}: ${format(key)} was routed to ${label(pid!)} (${alive ? 'alive' : 'dead'}), the model says ${want} (rules 102–103${e4})`;
  };
  const cmds = traceQuery.reports(trace, 'case.cmd');
  for (const [i, cmd] of commands.entries()) {
    const d = cmds[i]?.data;
    if (!d) return fails(`command ${i + 1} (${JSON.stringify(cmd)}) never completed`);
    const what = `command ${i + 1} ${JSON.stringify(cmd)}`;
    if ('route' in cmd) {
      const key = d['key']!;
      const problem = expectRoute(d['routed']!, key, what, [model.route(key)]);
      if (problem) return fails(problem);
    } else if ('terminate' in cmd) {
      if (d['result'] !== 'ok') return fails(`${what}: terminate_child returned ${format(d['result']!)}, expected :ok (rule 78)`);
      model.stopped(cmd.terminate);
    } else if ('restart' in cmd) {
      const running = model.isRunning(cmd.restart);
      const r = d['result']!;
      if (running) {
        if (!(isTagged(r, 'error', 2) && r[1] === 'running')) return fails(`${what}: restart_child of a running partition returned ${format(r)}, expected {:error, :running} (rule 79)`);
      } else {
        const inc = model.started(cmd.restart);
        const w = isTagged(r, 'ok', 2) && r[1] instanceof Pid ? who.get(r[1].id) : undefined;
        if (!w || w[0] !== cmd.restart || w[1] !== inc) return fails(`${what}: restart_child returned ${format(r)}, expected {:ok, pid} of partition ${cmd.restart} incarnation ${inc} (rule 79)`);
      }
    } else {
      const p = 'kill' in cmd ? cmd.kill : cmd.killThenRoute;
      if (d['skipped'] === true) {
        if (model.isRunning(p)) return fails(`${what}: partition ${p} should be running but which_children shows no pid`);
        continue;
      }
      const key = d['key']!;
      const before = model.route(key);
      model.stopped(p);
      const dead = model.route(key);
      const inc = model.started(p);
      const fresh = d['fresh']!;
      const w = fresh instanceof Pid ? who.get(fresh.id) : undefined;
      if (!w || w[0] !== p || w[1] !== inc) return fails(`${what}: after the kill partition ${p} runs ${label(fresh)}, expected its incarnation ${inc} (the supervisor restarts it)`);
      if ('key' in cmd) {
        // Between the DOWN and the restart either row is possible: the old pid (dead) or the new one.
        const after = model.route(key);
        const alternatives = before.partition === p ? [dead, after] : [after];
        const problem = expectRoute(d['early']!, key, `${what} (right after the DOWN)`, alternatives);
        if (problem) return fails(problem);
      }
    }
  }
  return holds;
}

export const properties: Array<Target<RoutingCase> | Target<StaleCase>> = [
  {
    id: 'p02-partition-supervisor:routing',
    title: '{:via, PartitionSupervisor, {name, key}} routes every kind of key to the partition the model computes',
    claim: 'using self() as the routing key to ensure each caller consistently hits the same partition',
    input: routingCase,
    program: routingProgram,
    check: checkRouting,
    catches: ['partition-routing-no-abs'],
  } satisfies Target<RoutingCase>,
  {
    id: 'p02-partition-supervisor:stale-pids',
    title: 'the routing table changes only on a successful (re)start: dead pids after terminate or crash, E4 on 1.14 via names',
    claim: 'PartitionSupervisor distributes the load across multiple supervisor processes',
    input: staleCase,
    program: staleProgram,
    check: checkStale,
    catches: ['partition-routing-no-abs'],
  } satisfies Target<StaleCase>,
];
