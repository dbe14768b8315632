/**
 * Pattern 1 — Static vs dynamic supervision: the seed's four examples, ported.
 *
 * Why (seed): "Static supervisors guarantee startup order (critical for dependencies like 'DB pool
 * must start before web server'). Dynamic supervisors optimize for scale … Pick based on whether
 * children are known at compile time."
 *
 * - before (fixed infrastructure under a DynamicSupervisor, started by three `start_child` calls)
 *   and after (`[MyApp.Repo, MyApp.PubSub, MyApp.Endpoint]` under `strategy: :rest_for_one`) are
 *   judged by the claim *start order is respected under crashes*: no service ever runs with a
 *   dependency younger than itself (models/p01 `StartOrder`, supervision.md rules 40–41). The
 *   services, their dependencies and the crashes are simulated (scenarios/support/infrastructure.ts).
 * - over (a static `Supervisor` with `Supervisor.start_child/2` per WebSocket connection) and
 *   better (a DynamicSupervisor) are judged by *every connection that arrives at runtime gets its
 *   own supervised handler*.
 *
 * What really happens, where the seed is loose about OTP:
 * - "No startup ordering guarantee!" (before): at boot the three `start_child` calls are
 *   synchronous and come from one process, so Repo, PubSub and Endpoint *do* start in that order.
 *   The order is lost afterwards: the DynamicSupervisor restarts a crashed Repo alone (one_for_one,
 *   rule 92), after PubSub and Endpoint, which keep their pid of the dead Repo. That is the
 *   counterexample the harness finds. (Its shutdown is concurrent too, rule 95, so Endpoint may
 *   also outlive Repo on the way down.)
 * - "will be clunky" (over) understates it: `{ConnectionHandler, socket}` gives every child the
 *   same id, `ConnectionHandler`, so a static supervisor refuses a second open connection with
 *   `{:error, {:already_started, pid}}` (rule 77). The over variant fails on the first two
 *   overlapping connections.
 * - The over example's `start_link/1` is not shown; it is written like the better example's.
 */
import fc from 'fast-check';
import {
  DynamicSupervisor,
  Pid,
  Supervisor,
  TIMEOUT,
  exitSignal,
  fails,
  format,
  holds,
  isTagged,
  match,
  receive,
  report,
  send,
  sleep,
  spawn,
  t,
  traceQuery,
  trapExit,
  type CheckResult,
  type ErlModule,
  type Op,
  type Outcome,
  type Target,
  type Term,
  type TermObject,
} from '../src/index.js';
import { startOrderViolation } from '../models/p01-static-vs-dynamic-supervision.js';
import { INFRA_ORDER, connectionHandler, infrastructure, injectInfraFaults, type InfraFault } from './support/infrastructure.js';

const HORIZON_MS = 12_000;

// ------------------------------------------------------------------------------- before / after

interface InfraInput {
  readonly faults: readonly InfraFault[];
}

const infraInput: fc.Arbitrary<InfraInput> = fc.record({
  faults: fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 10_000 }),
      target: fc.constantFrom(...INFRA_ORDER),
      reason: fc.constantFrom('boom' as const, 'normal' as const, 'shutdown' as const, 'kill' as const),
    }),
    { maxLength: 4 },
  ),
});

/** Runs an application body, the fault injector, and stops the app supervisor at the horizon. */
function* runApplication(start: () => Op<Term>, faults: readonly InfraFault[]): Op<void> {
  yield* trapExit(true);
  const started = yield* start();
  yield* report('case.start', { result: started });
  if (!isTagged(started, 'ok', 2)) return;
  const sup = started[1] as Pid;
  const injector = yield* spawn(() => injectInfraFaults(faults), { label: 'injector' });
  const down = yield* receive(match.exit(sup), { after: HORIZON_MS });
  yield* exitSignal(injector, 'kill');
  if (down === TIMEOUT) yield* Supervisor.stop(sup, 'shutdown');
}

/**
 * before:
 * ```elixir
 * children = [{DynamicSupervisor, name: MyApp.InfraSupervisor}]
 * Supervisor.start_link(children, strategy: :one_for_one)
 * DynamicSupervisor.start_child(MyApp.InfraSupervisor, MyApp.Repo)
 * DynamicSupervisor.start_child(MyApp.InfraSupervisor, MyApp.PubSub)
 * DynamicSupervisor.start_child(MyApp.InfraSupervisor, MyApp.Endpoint)
 * ```
 */
function beforeProgram(input: InfraInput) {
  return function* (): Op<void> {
    const { Repo, PubSub, Endpoint } = infrastructure();
    const infraSupervisor = 'Elixir.MyApp.InfraSupervisor';
    yield* runApplication(function* () {
      const children = [t(DynamicSupervisor.MODULE, [t('name', infraSupervisor)])];
      const started = yield* Supervisor.startLink(children, { strategy: 'one_for_one' });
      yield* DynamicSupervisor.startChild(infraSupervisor, Repo);
      yield* DynamicSupervisor.startChild(infraSupervisor, PubSub);
      yield* DynamicSupervisor.startChild(infraSupervisor, Endpoint);
      return started;
    }, input.faults);
  };
}

/**
 * after:
 * ```elixir
 * children = [MyApp.Repo, MyApp.PubSub, MyApp.Endpoint]
 * Supervisor.start_link(children, strategy: :rest_for_one)
 * ```
 */
function afterProgram(input: InfraInput) {
  return function* (): Op<void> {
    const { Repo, PubSub, Endpoint } = infrastructure();
    yield* runApplication(() => Supervisor.startLink([Repo, PubSub, Endpoint], { strategy: 'rest_for_one' }), input.faults);
  };
}

/** The claim: no service starts while a service listed after it (a dependent) is running. */
function startOrderRespected(o: Outcome<InfraInput>): CheckResult {
  const v = o.run.verdict;
  if (v.kind === 'divergence') return fails(`the run diverged: ${v.detail}`);
  const trace = o.run.trace;
  const idOf = new Map<number, string>();
  const events: Array<{ kind: 'start' | 'stop'; id: string }> = [];
  const starts: Array<{ id: string; t: number }> = [];
  for (const e of trace) {
    if (e.k === 'report' && e.name === 'infra.start') {
      const id = (e.data as TermObject)['id'] as string;
      idOf.set(e.pid.id, id);
      events.push({ kind: 'start', id });
      starts.push({ id, t: e.t });
    } else if (e.k === 'exit' && idOf.has(e.pid.id)) {
      events.push({ kind: 'stop', id: idOf.get(e.pid.id)! });
    }
  }
  if (starts.length < INFRA_ORDER.length) return fails(`only ${starts.length} of the ${INFRA_ORDER.length} services ever started`);
  const violation = startOrderViolation(INFRA_ORDER, events);
  if (!violation) return holds;
  const injected = traceQuery.reports(trace, 'fault.inject').map((r) => `${r.data['target'] as string} ${format(r.data['reason']!)} at ${r.t} ms`);
  return fails(
    `start order was not respected: ${violation}, which still holds the pid of the incarnation that died (faults: ${injected.join(', ') || 'none'}; starts: ${starts.map((s) => `${s.id}@${s.t}`).join(' ')})`,
  );
}

// ------------------------------------------------------------------------------- over / better

interface ConnectionInput {
  readonly connections: ReadonlyArray<{ readonly at: number; readonly durationMs: number }>;
}

const connectionInput: fc.Arbitrary<ConnectionInput> = fc.record({
  connections: fc.array(fc.record({ at: fc.integer({ min: 0, max: 5000 }), durationMs: fc.integer({ min: 1, max: 3000 }) }), { minLength: 1, maxLength: 8 }),
});

const CONNECTION_SUPERVISOR = 'Elixir.MyApp.ConnectionSupervisor';

/** The application side: `add_connection(socket)` per connection, at its time; the socket closes after its duration. */
function connectionProgram(startSupervisor: () => Op<Term>, addConnection: (socket: number) => Op<Term>) {
  return (input: ConnectionInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      const started = yield* startSupervisor();
      yield* report('case.start', { result: started });
      if (!isTagged(started, 'ok', 2)) return;
      yield* spawnAcceptors(input, addConnection);
      yield* sleep(5000 + 3000 + 100);
      yield* report('case.end', { count: yield* Supervisor.countChildren(CONNECTION_SUPERVISOR) });
      yield* Supervisor.stop(CONNECTION_SUPERVISOR, 'shutdown');
    };
}

/** One acceptor per connection: it calls `add_connection`, then closes the socket after its duration. */
function* spawnAcceptors(input: ConnectionInput, addConnection: (socket: number) => Op<Term>): Op<void> {
  for (const [socket, c] of input.connections.entries()) {
    yield* spawn(function* () {
      yield* sleep(c.at);
      const result = yield* addConnection(socket);
      yield* report('conn.add', { socket, result });
      if (!isTagged(result, 'ok', 2)) return;
      yield* sleep(c.durationMs);
      yield* send(result[1] as Pid, 'closed');
    }, { label: `socket${socket}` });
  }
}

/**
 * over:
 * ```elixir
 * defmodule MyApp.ConnectionSupervisor do
 *   use Supervisor
 *   def init(_), do: Supervisor.init([], strategy: :one_for_one)
 *   def add_connection(socket) do
 *     spec = {ConnectionHandler, socket}
 *     Supervisor.start_child(__MODULE__, spec)
 *   end
 * end
 * ```
 */
function overProgram(input: ConnectionInput) {
  const ConnectionHandler = connectionHandler();
  const startLink = () => Supervisor.startLink(ConnectionSupervisor, [], { name: CONNECTION_SUPERVISOR });
  const ConnectionSupervisor: ErlModule = Supervisor.defmodule('MyApp.ConnectionSupervisor', {
    init: () => Supervisor.init([], { strategy: 'one_for_one' }),
    startLink,
  });
  const addConnection = (socket: number) => Supervisor.startChild(CONNECTION_SUPERVISOR, t(ConnectionHandler, socket));
  return connectionProgram(startLink, addConnection)(input);
}

/**
 * better:
 * ```elixir
 * defmodule MyApp.ConnectionSupervisor do
 *   use DynamicSupervisor
 *   def start_link(_), do: DynamicSupervisor.start_link(__MODULE__, [], name: __MODULE__)
 *   def init(_), do: DynamicSupervisor.init(strategy: :one_for_one)
 *   def add_connection(socket) do
 *     DynamicSupervisor.start_child(__MODULE__, {ConnectionHandler, socket})
 *   end
 * end
 * ```
 */
function betterProgram(input: ConnectionInput) {
  const ConnectionHandler = connectionHandler();
  const startLink = () => DynamicSupervisor.startLink(ConnectionSupervisor, [], { name: CONNECTION_SUPERVISOR });
  const ConnectionSupervisor: ErlModule = DynamicSupervisor.defmodule('MyApp.ConnectionSupervisor', {
    init: () => DynamicSupervisor.init({ strategy: 'one_for_one' }),
    startLink,
  });
  const addConnection = (socket: number) => DynamicSupervisor.startChild(CONNECTION_SUPERVISOR, t(ConnectionHandler, socket));
  return connectionProgram(startLink, addConnection)(input);
}

/** The claim: each connection gets its own handler; closed ones leave nothing behind. */
function everyConnectionSupervised(o: Outcome<ConnectionInput>): CheckResult {
  const v = o.run.verdict;
  if (v.kind === 'divergence') return fails(`the run diverged: ${v.detail}`);
  const trace = o.run.trace;
  const adds = traceQuery.reports(trace, 'conn.add');
  if (adds.length !== o.input.connections.length) return fails(`${adds.length} of ${o.input.connections.length} connections were ever added`);
  const refused = adds.find((a) => !isTagged(a.data['result'], 'ok', 2));
  if (refused) {
    const open = adds.filter((a) => a.t <= refused.t && isTagged(a.data['result'], 'ok', 2)).length;
    return fails(
      `connection ${format(refused.data['socket']!)} arrived at ${refused.t} ms and add_connection returned ${format(refused.data['result']!, { maxLength: 120 })}: ` +
        `every {ConnectionHandler, socket} child has the id ConnectionHandler, so a static supervisor takes one at a time (${open} already open)`,
    );
  }
  const starts = traceQuery.reports(trace, 'conn.start').length;
  if (starts !== adds.length) return fails(`${starts} handler starts for ${adds.length} connections: a closed connection's handler came back`);
  const end = traceQuery.reports(trace, 'case.end')[0]?.data['count'] as TermObject | undefined;
  if (!end || end['specs'] !== 0) return fails(`after every connection closed the supervisor still holds ${format(end ?? 'nothing')}`);
  return holds;
}

const ID = 'p01-static-vs-dynamic-supervision';
const runtime = { maxSteps: 100_000, maxTime: 60_000 };

export const variants: Array<Target<InfraInput> | Target<ConnectionInput>> = [
  {
    id: `${ID}/before`,
    title: 'fixed infrastructure under a DynamicSupervisor: is start order respected under crashes?',
    claim: 'Using DynamicSupervisor for fixed infrastructure (DB pool, PubSub) loses startup order guarantees',
    input: infraInput,
    program: beforeProgram,
    check: startOrderRespected,
    expect: 'fails',
    runtime,
  } satisfies Target<InfraInput>,
  {
    id: `${ID}/after`,
    title: 'Repo, PubSub, Endpoint under rest_for_one keep their start order through any crash',
    claim: 'Static supervisors guarantee startup order (critical for dependencies like "DB pool must start before web server")',
    input: infraInput,
    program: afterProgram,
    check: startOrderRespected,
    expect: 'holds',
    runtime,
  } satisfies Target<InfraInput>,
  {
    id: `${ID}/over`,
    title: 'a static Supervisor for per-WebSocket connections: does every connection get a handler?',
    claim: "Static supervisor for per-WebSocket connections — will be clunky. Can't define children at compile time — they arrive at runtime!",
    input: connectionInput,
    program: overProgram,
    check: everyConnectionSupervised,
    expect: 'fails',
    runtime,
  } satisfies Target<ConnectionInput>,
  {
    id: `${ID}/better`,
    title: 'a DynamicSupervisor gives every connection its own handler',
    claim: 'DynamicSupervisor excels at scale with runtime-determined children',
    input: connectionInput,
    program: betterProgram,
    check: everyConnectionSupervised,
    expect: 'holds',
    runtime,
  } satisfies Target<ConnectionInput>,
];
