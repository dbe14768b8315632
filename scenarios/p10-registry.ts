/**
 * Pattern 10 — Registry for dynamic process naming and PubSub: the seed's four examples, ported.
 *
 * Why (seed): "Solves the dynamic naming problem without atom leaks." — "Processes are
 * automatically unregistered on death." — ":unique keys — each key maps to exactly one process".
 * Anti-pattern: "Building custom ETS-based process registries with manual cleanup on process
 * death. Registry handles monitor-based cleanup automatically."
 *
 * before / after — a lobby starts game sessions by game id, sessions end, players look games up
 * by id at generated times. The claim checked for both is the pattern's: *names are released on
 * death* (a lookup made once the registry has had 100 ms to notice a session's death never
 * yields that dead session) and *a unique name maps to one process* (two live sessions never
 * share a game id).
 * - before is `MyApp.ProcessRegistry` as written: `register/2` calls `Process.monitor(pid)` in the
 *   *caller* and `:ets.insert`s into a `:set`; `handle_info({:DOWN, …})` deletes the entry. The seed
 *   shows neither the server's `init/1` nor who calls `register/2`: here the server creates the
 *   public named table, and the lobby that starts a session registers it (the natural caller of
 *   an API taking a pid). Two bugs follow (confirmed on Elixir 1.14/OTP 25): the monitor belongs
 *   to the lobby, so the `:DOWN` lands in the lobby's mailbox and the server never deletes
 *   anything — a dead session stays registered forever; and `:ets.insert` overwrites a live
 *   holder, so starting a running game again leaves two live sessions.
 * - after is `{Registry, keys: :unique, name: MyApp.GameRegistry}` with `name: {:via, Registry,
 *   {MyApp.GameRegistry, game_id}}`; players call the session through the same `:via` name.
 *   Registry's cleanup is *link*-based (the partitions trap exits), not monitor-based as the seed
 *   says; and `lookup/2` may show a dead pid until the partition has handled the exit (§6.6) — the
 *   `:via` path checks liveness (§6.10), so the players never see it.
 *
 * over / better — `MyApp.Pipeline.process(data)` starts a worker and calls it; requests arrive
 * at generated times, some with the same `data.id`. The claim: *process/1 gets its answer from the
 * worker it just started*. over registers the worker under `data.id` only to look it up one line
 * later: two requests for the same id in flight at once (or one arriving while the previous
 * worker is still exiting) make `start_link` return `{:error, {:already_started, pid}}` and the
 * `{:ok, pid} =` match crash. better uses the pid. The seed shows no `MyApp.Worker`: here it
 * replies to `:process` after a generated processing time and stops (a one-shot worker); over
 * names it `{:via, Registry, {MyApp.Registry, data.id}}` (a unique registry), better does not.
 */
import fc from 'fast-check';
import {
  Ets,
  GenServer,
  Pid,
  Registry,
  Supervisor,
  Tuple,
  caught,
  equals,
  exitReasonOf,
  fails,
  format,
  holds,
  isTagged,
  match,
  monitor,
  now,
  raise,
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
  type ErlModule,
  type Op,
  type Outcome,
  type Target,
  type Term,
  type TermObject,
  type TraceEvent,
} from '../src/index.js';

const ID = 'p10-registry';

// ------------------------------------------------------------------------------ before: the custom registry

const TABLE = 'registry';

/** `defmodule MyApp.ProcessRegistry`: the server owning `:registry` and handling `:DOWN`. */
const ProcessRegistry: ErlModule = GenServer.defmodule('MyApp.ProcessRegistry', {
  *init() {
    yield* Ets.newTable({ name: TABLE, type: 'set', access: 'public' }); // :ets.new(:registry, [:named_table, :public])
    return t('ok', 'nil');
  },
  *handleInfo(msg: Term, state: Term) {
    // Must handle :DOWN manually to clean up dead entries
    if (isTagged(msg, 'DOWN', 5) && msg[2] === 'process') {
      const [, ref, , pid] = msg;
      yield* Ets.selectDelete(TABLE, (row) => equals(row[1]!, pid!) && equals(row[2]!, ref!)); // :ets.match_delete(:registry, {:_, pid, ref})
    }
    return t('noreply', state);
  },
});

/** `MyApp.ProcessRegistry.register/2` — runs in the caller. */
function* customRegister(key: Term, pid: Pid): Op<Term> {
  const ref = yield* monitor(pid);
  return yield* Ets.insert(TABLE, t(key, pid, ref));
}

/** `MyApp.ProcessRegistry.lookup/1` — runs in the caller. */
function* customLookup(key: Term): Op<Term> {
  const rows = yield* Ets.lookup(TABLE, key);
  if (rows.length === 1 && equals(rows[0]![0]!, key) && rows[0]!.length === 3) return t('ok', rows[0]![1]!);
  if (rows.length === 0) return 'error';
  return raise('CaseClauseError', `no case clause matching: ${format(rows)}`, { term: rows });
}

// ------------------------------------------------------------------------------ the game sessions

const GAME_REGISTRY = 'Elixir.MyApp.GameRegistry';

/** `MyApp.GameSession`: answers `:state` with `{game_id, self()}`, stops on `:finish`. */
interface GameSession {
  readonly module: ErlModule;
  /** `MyApp.GameSession.start_link/1`. */
  startLink(gameId: Term): Op<Term>;
}

function gameSession(named: boolean): GameSession {
  const module: ErlModule = GenServer.defmodule('MyApp.GameSession', {
    init: (gameId: Term) => t('ok', gameId),
    *handleCall(_request: Term, _from, gameId: Term) {
      return t('reply', t(gameId, yield* self()), gameId);
    },
    handleInfo: (msg: Term, gameId: Term) => (msg === 'finish' ? t('stop', 'normal', gameId) : t('noreply', gameId)),
  });
  return {
    module,
    // after: GenServer.start_link(__MODULE__, game_id, name: {:via, Registry, {MyApp.GameRegistry, game_id}})
    startLink: (gameId) => GenServer.startLink(module, gameId, named ? { name: Registry.via(GAME_REGISTRY, gameId) } : {}),
  };
}

/** How a design starts a session and how a player reaches one. */
interface Design {
  readonly infrastructure: Term[];
  startGame(session: GameSession, gameId: Term): Op<Term>;
  /** The session a player reached (`'none'` if none answered). */
  findGame(gameId: Term): Op<Term>;
}

const customDesign: Design = {
  infrastructure: [ProcessRegistry],
  *startGame(session, gameId) {
    const started = yield* session.startLink(gameId);
    if (isTagged(started, 'ok', 2)) yield* customRegister(gameId, started[1] as Pid);
    return started;
  },
  *findGame(gameId) {
    const found = yield* customLookup(gameId);
    return isTagged(found, 'ok', 2) ? found[1]! : 'none';
  },
};

const registryDesign: Design = {
  infrastructure: [t(Registry.RegistryModule, [t('keys', 'unique'), t('name', GAME_REGISTRY)])],
  startGame: (session, gameId) => session.startLink(gameId),
  *findGame(gameId) {
    try {
      const reply = (yield* GenServer.call(Registry.via(GAME_REGISTRY, gameId), 'state')) as Tuple;
      return reply[1]!;
    } catch (e) {
      if (caught(e).kind === 'exit') return 'none'; // {:noproc, …}: no live session under that name
      throw e;
    }
  },
};

type GameEvent = { readonly at: number; readonly kind: 'start' | 'finish' | 'lookup'; readonly game: number };

interface GamesInput {
  readonly events: GameEvent[];
}

const gamesInput: fc.Arbitrary<GamesInput> = fc.record({
  events: fc.array(
    fc.record({
      at: fc.integer({ min: 0, max: 3000 }),
      kind: fc.constantFrom('start' as const, 'finish' as const, 'lookup' as const),
      game: fc.integer({ min: 1, max: 3 }),
    }),
    { maxLength: 14 },
  ),
});

const gameId = (n: number): Term => n;

/** The lobby: starts sessions on request (and, before, registers them). */
function lobby(design: Design, session: GameSession) {
  return function* (): Op<void> {
    for (;;) {
      const [, game, from] = (yield* receive(match.tagged('start', 3))) as Tuple;
      const started = yield* design.startGame(session, game!);
      yield* report('game.started', { game: game!, result: started });
      yield* send(from as Pid, t('started', started));
    }
  };
}

/** A player: looks a game up and calls it. */
function player(design: Design, game: Term) {
  return function* (): Op<void> {
    yield* report('player.lookup', { game });
    const found = yield* design.findGame(game);
    yield* report('player.found', { game, session: found });
  };
}

function gamesProgram(design: Design) {
  return (input: GamesInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      const sup = yield* Supervisor.startLink(design.infrastructure, { strategy: 'one_for_one' });
      if (!isTagged(sup, 'ok', 2)) return;
      const session = gameSession(design === registryDesign);
      const me = yield* self();
      const lobbyPid = yield* spawn(lobby(design, session), { label: 'lobby' });
      const sessions = new Map<number, Pid[]>();
      for (const event of [...input.events].sort((a, b) => a.at - b.at)) {
        const wait = event.at - (yield* now());
        if (wait > 0) yield* sleep(wait);
        if (event.kind === 'start') {
          yield* send(lobbyPid, t('start', gameId(event.game), me));
          const [, started] = (yield* receive(match.tagged('started', 2))) as Tuple;
          if (isTagged(started, 'ok', 2)) sessions.set(event.game, [...(sessions.get(event.game) ?? []), started[1] as Pid]);
        } else if (event.kind === 'finish') {
          const pid = sessions.get(event.game)?.pop(); // the game's newest session ends
          if (pid) yield* send(pid, 'finish');
        } else {
          yield* spawn(player(design, gameId(event.game)), { label: `player:${event.game}` });
        }
      }
      yield* sleep(500);
      yield* report('case.end', {});
    };
}

// ------------------------------------------------------------------------------ before / after check

/** Grace given to a registry to notice a death before a lookup must stop returning the dead pid. */
const SETTLE_MS = 100;

interface Session {
  readonly game: Term;
  readonly pid: Pid;
  readonly startedAt: number;
  readonly startIndex: number;
  exit?: { index: number; t: number };
}

function sessionsOf(trace: readonly TraceEvent[]): Session[] {
  const sessions: Session[] = [];
  trace.forEach((e, index) => {
    if (e.k === 'report' && e.name === 'game.started') {
      const d = e.data as TermObject;
      const r = d['result']!;
      if (isTagged(r, 'ok', 2)) sessions.push({ game: d['game']!, pid: r[1] as Pid, startedAt: e.t, startIndex: index });
    }
    if (e.k === 'exit') {
      const s = sessions.find((x) => x.pid.id === e.pid.id);
      if (s) s.exit = { index, t: e.t };
    }
  });
  return sessions;
}

/** Two sessions of one game alive at the same time, if any. */
function twoLive(sessions: Session[]): [Session, Session] | undefined {
  for (const a of sessions) {
    for (const b of sessions) {
      if (a === b || !equals(a.game, b.game) || b.startIndex < a.startIndex) continue;
      if (!a.exit || a.exit.index > b.startIndex) return [a, b];
    }
  }
  return undefined;
}

/** A player lookup that yielded a session dead for at least SETTLE_MS when the lookup began. */
function staleFind(trace: readonly TraceEvent[], sessions: Session[]): { game: Term; at: number; session: Session } | undefined {
  const lookupStart = new Map<number, { index: number; t: number }>();
  for (let index = 0; index < trace.length; index++) {
    const e = trace[index]!;
    if (e.k === 'report' && e.name === 'player.lookup') lookupStart.set(e.pid.id, { index, t: e.t });
    if (e.k === 'report' && e.name === 'player.found') {
      const found = (e.data as TermObject)['session']!;
      const s = found instanceof Pid ? sessions.find((x) => x.pid.id === found.id) : undefined;
      const began = lookupStart.get(e.pid.id)!;
      if (s?.exit && s.exit.index < began.index && s.exit.t + SETTLE_MS <= began.t) return { game: (e.data as TermObject)['game']!, at: began.t, session: s };
    }
  }
  return undefined;
}

function namesReleasedAndUnique(o: Outcome<GamesInput>): CheckResult {
  if (o.run.verdict.kind === 'divergence') return fails(`the run diverged: ${o.run.verdict.detail}`);
  const trace = o.run.trace;
  if (!trace.some((e) => e.k === 'report' && e.name === 'case.end')) return fails('the case did not run to its end');
  const sessions = sessionsOf(trace);
  const stale = staleFind(trace, sessions);
  if (stale) {
    return fails(
      `a player looking up game ${format(stale.game)} at ${stale.at} ms got session ${format(stale.session.pid)}, which had ended at ${stale.session.exit!.t} ms: the dead session was never unregistered. register/2 calls Process.monitor/1 in the caller (the lobby), so the :DOWN goes to the lobby's mailbox and MyApp.ProcessRegistry's handle_info never runs`,
    );
  }
  const pair = twoLive(sessions);
  if (pair) {
    const [a, b] = pair;
    return fails(
      `game ${format(a.game)} had two live sessions: ${format(a.pid)} (started at ${a.startedAt} ms) and ${format(b.pid)} (started at ${b.startedAt} ms, while the first was running): :ets.insert/2 on a :set overwrote the live holder's entry instead of refusing the name, and the first session is now unreachable but alive`,
    );
  }
  return holds;
}

// ------------------------------------------------------------------------------ over / better: the pipeline

const PIPELINE_REGISTRY = 'Elixir.MyApp.Registry';

interface PipelineInput {
  readonly requests: Array<{ readonly at: number; readonly id: number }>;
  readonly processingMs: number;
}

const pipelineInput: fc.Arbitrary<PipelineInput> = fc.record({
  requests: fc.array(fc.record({ at: fc.integer({ min: 0, max: 1000 }), id: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 8 }),
  processingMs: fc.integer({ min: 0, max: 200 }),
});

/** `MyApp.Worker`: a one-shot worker; over names it by `data.id` in MyApp.Registry. */
interface Worker {
  /** `MyApp.Worker.start_link/1`. */
  startLink(data: TermObject): Op<Term>;
}

function worker(named: boolean, processingMs: number): Worker {
  const module: ErlModule = GenServer.defmodule('MyApp.Worker', {
    init: (data: Term) => t('ok', data),
    *handleCall(_request: Term, _from, data: TermObject) {
      if (processingMs > 0) yield* sleep(processingMs);
      return t('stop', 'normal', t('processed', data['id']!, yield* self()), data);
    },
  });
  return {
    startLink: (data) => GenServer.startLink(module, data, named ? { name: Registry.via(PIPELINE_REGISTRY, data['id']!) } : {}),
  };
}

/** `{:ok, pid} = …`: a MatchError for anything else. */
function matchOk(result: Term): Pid {
  if (isTagged(result, 'ok', 2)) return result[1] as Pid;
  return raise('MatchError', `no match of right hand side value: ${format(result)}`, { term: result });
}

/** over: `MyApp.Pipeline.process/1` registering the worker just to look it up one line later. */
function* processViaRegistry(Worker: Worker, data: TermObject): Op<Term> {
  matchOk(yield* Worker.startLink(data)); // {:ok, pid} = MyApp.Worker.start_link(data)
  const worker = (yield* Registry.lookup(PIPELINE_REGISTRY, data['id']!))[0]; // |> List.first()
  if (worker === undefined) return raise('ArgumentError', 'errors were found at the given arguments: elem(nil, 0)');
  return yield* GenServer.call(worker[0]!, 'process');
}

/** better: `MyApp.Pipeline.process/1` using the pid it has. */
function* processDirect(Worker: Worker, data: TermObject): Op<Term> {
  const pid = matchOk(yield* Worker.startLink(data));
  return yield* GenServer.call(pid, 'process');
}

function pipelineProgram(viaRegistry: boolean) {
  return (input: PipelineInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      if (viaRegistry) {
        const sup = yield* Supervisor.startLink([t(Registry.RegistryModule, [t('keys', 'unique'), t('name', PIPELINE_REGISTRY)])], { strategy: 'one_for_one' });
        if (!isTagged(sup, 'ok', 2)) return;
      }
      const Worker = worker(viaRegistry, input.processingMs);
      const process = viaRegistry ? processViaRegistry : processDirect;
      for (const [n, request] of [...input.requests].entries()) {
        yield* spawn(
          function* (): Op<void> {
            if (request.at > 0) yield* sleep(request.at);
            const data = { id: request.id };
            yield* report('pipeline.request', { n, id: request.id });
            try {
              const result = yield* process(Worker, data);
              yield* report('pipeline.result', { n, id: request.id, result });
            } catch (e) {
              yield* report('pipeline.crashed', { n, id: request.id, reason: exitReasonOf(e) });
            }
          },
          { label: `request${n}` },
        );
      }
      yield* sleep(2000);
      yield* report('case.end', {});
    };
}

/** Every request got `{:processed, id, worker}` from the worker its own start_link returned. */
function answeredByOwnWorker(o: Outcome<PipelineInput>): CheckResult {
  if (o.run.verdict.kind === 'divergence') return fails(`the run diverged: ${o.run.verdict.detail}`);
  const trace = o.run.trace;
  if (!trace.some((e) => e.k === 'report' && e.name === 'case.end')) return fails('the case did not run to its end');
  const started = new Map<number, Pid>(); // request process → the worker it spawned (its only child)
  for (const e of trace) if (e.k === 'spawn' && e.parent) started.set(e.parent.id, e.pid);
  for (const e of trace) {
    if (e.k !== 'report') continue;
    const d = e.data as TermObject;
    if (e.name === 'pipeline.crashed') {
      const others = o.input.requests.filter((r, i) => i !== d['n'] && r.id === d['id']).length;
      return fails(
        `MyApp.Pipeline.process(%{id: ${format(d['id']!)}}) crashed with ${format(d['reason']!, { maxLength: 300 })}${others ? ` — another request for id ${format(d['id']!)} held the name {:via, Registry, {MyApp.Registry, ${format(d['id']!)}}}: registering the worker just to look it up made its name a shared resource` : ''}`,
      );
    }
    if (e.name === 'pipeline.result') {
      const result = d['result']!;
      const own = started.get(e.pid.id);
      if (!isTagged(result, 'processed', 3) || !own || !equals(result[2]!, own)) {
        return fails(`MyApp.Pipeline.process(%{id: ${format(d['id']!)}}) got ${format(result)}, not the answer of the worker it started (${own ? format(own) : 'none'})`);
      }
    }
  }
  return holds;
}

const runtime = { maxSteps: 400_000, maxTime: 60_000 };

const before: Target<GamesInput> = {
  id: `${ID}/before`,
  title: 'a custom ETS registry with manual :DOWN cleanup: are names released on death and unique?',
  claim: 'Anti-pattern: building custom ETS-based process registries with manual cleanup on process death',
  input: gamesInput,
  program: gamesProgram(customDesign),
  check: namesReleasedAndUnique,
  expect: 'fails',
  runtime,
};

const after: Target<GamesInput> = {
  id: `${ID}/after`,
  title: 'Registry with :via names releases a session name on death and keeps it unique',
  claim: 'Registry handles all of this automatically — registration happens via :via tuple, automatic cleanup on death',
  input: gamesInput,
  program: gamesProgram(registryDesign),
  check: namesReleasedAndUnique,
  expect: 'holds',
  runtime,
};

const over: Target<PipelineInput> = {
  id: `${ID}/over`,
  title: 'registering a worker only to look it up one line later: does process/1 reach its own worker?',
  claim: 'Register a process just to look it up one line later… Why not just use `pid` directly?',
  input: pipelineInput,
  program: pipelineProgram(true),
  check: answeredByOwnWorker,
  expect: 'fails',
  runtime,
};

const better: Target<PipelineInput> = {
  id: `${ID}/better`,
  title: 'using the pid start_link returned: process/1 always reaches its own worker',
  claim: 'If you already have the PID, just use it directly',
  input: pipelineInput,
  program: pipelineProgram(false),
  check: answeredByOwnWorker,
  expect: 'holds',
  runtime,
};

export const variants: AnyTarget[] = [before, after, over, better];
