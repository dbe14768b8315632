/**
 * Simulated application infrastructure for the pattern 1 scenarios: `MyApp.Repo` (a DB pool),
 * `MyApp.PubSub` and `MyApp.Endpoint` (a web server), each a GenServer registered under its
 * module name, and `ConnectionHandler`, one process per WebSocket connection.
 *
 * Dependencies are real: PubSub's init/1 calls the Repo ("PubSub starts after DB is ready") and
 * keeps the Repo's pid; Endpoint's init/1 calls both. A dependency that is not running makes the
 * init/1 call exit, so the start fails, as it would in a real application. Every service reports
 * `infra.start %{id:, deps: [pid]}` when it starts; a `{:crash, reason}` message makes it exit.
 *
 * Faults are injected by name (`Process.whereis/1`), so they hit whichever incarnation is running.
 */
import {
  GenServer,
  exit,
  exitSignal,
  now,
  report,
  send,
  sleep,
  t,
  whereis,
  type ErlModule,
  type Op,
  type Term,
} from '../../src/index.js';

export type InfraId = 'Repo' | 'PubSub' | 'Endpoint';

/** The three services in dependency order: the pool first, the web server last. */
export const INFRA_ORDER: readonly InfraId[] = ['Repo', 'PubSub', 'Endpoint'];

const DEPENDS_ON: Record<InfraId, readonly InfraId[]> = { Repo: [], PubSub: ['Repo'], Endpoint: ['Repo', 'PubSub'] };

/** `MyApp.<id>` as a module atom name. */
export function infraName(id: InfraId): string {
  return `Elixir.MyApp.${id}`;
}

function infraService(id: InfraId): ErlModule {
  const mod: ErlModule = GenServer.defmodule(`MyApp.${id}`, {
    // `def start_link(arg), do: GenServer.start_link(__MODULE__, arg, name: __MODULE__)`
    startLink: (arg: Term) => GenServer.startLink(mod, arg, { name: infraName(id) }),
    *init() {
      const deps: Term[] = [];
      for (const dep of DEPENDS_ON[id]) {
        yield* GenServer.call(infraName(dep), 'ping'); // exits if the dependency is not up
        deps.push((yield* whereis(infraName(dep))) ?? 'nil');
      }
      yield* report('infra.start', { id, deps });
      return t('ok', deps);
    },
    handleCall: (request: Term, _from, state: Term) => t('reply', request === 'ping' ? 'pong' : t('unknown', request), state),
    handleInfo(msg: Term, state: Term) {
      if (msg instanceof Array && msg[0] === 'crash') return exit(msg[1]!);
      return t('noreply', state);
    },
  });
  return mod;
}

/** `MyApp.Repo`, `MyApp.PubSub`, `MyApp.Endpoint` for one run. */
export function infrastructure(): Record<InfraId, ErlModule> {
  return { Repo: infraService('Repo'), PubSub: infraService('PubSub'), Endpoint: infraService('Endpoint') };
}

export type InfraReason = 'boom' | 'normal' | 'shutdown' | 'kill';

export interface InfraFault {
  readonly at: number;
  readonly target: InfraId;
  readonly reason: InfraReason;
}

/** The injector's body: at each fault's time, crash whichever incarnation of the target runs. */
export function* injectInfraFaults(faults: readonly InfraFault[]): Op<void> {
  for (const f of [...faults].sort((a, b) => a.at - b.at)) {
    const wait = f.at - (yield* now());
    if (wait > 0) yield* sleep(wait);
    const pid = yield* whereis(infraName(f.target));
    if (!pid) {
      yield* report('fault.skipped', { target: f.target });
      continue;
    }
    yield* report('fault.inject', { target: f.target, reason: f.reason, pid });
    if (f.reason === 'kill') yield* exitSignal(pid, 'kill');
    else yield* send(pid, t('crash', f.reason));
  }
}

// ------------------------------------------------------------------------------- connections

/**
 * `ConnectionHandler` (not shown in the seed): one GenServer per WebSocket connection, started
 * with its socket. It reports `conn.start %{socket:}` and stops `:normal` when told the socket
 * closed. A per-connection process must not come back after its connection closed, so it is
 * `use GenServer, restart: :temporary` (the same module in both variants).
 */
export function connectionHandler(): ErlModule {
  return GenServer.defmodule(
    'ConnectionHandler',
    {
      *init(socket: Term) {
        yield* report('conn.start', { socket });
        return t('ok', socket);
      },
      handleInfo: (msg: Term, socket: Term) => (msg === 'closed' ? t('stop', 'normal', socket) : t('noreply', socket)),
    },
    { restart: 'temporary' },
  );
}
