/**
 * A simulated database for the scenario ports of patterns 13 and 18, whose examples connect to a
 * database in `init/1` (`DBConnection.start_link(config)`, `connect(config)`).
 *
 * - The database is a process (`Sim.Database`, registered as `:db`). `connect(owner)` answers
 *   `{:ok, session}` or, during an outage, `{:error, :econnrefused}`, after the generated latency.
 * - When an outage begins the database drops every open connection: each session owner gets an exit
 *   signal `:db_connection_lost` (the socket closes under it), as a real client process crashes
 *   when its connection goes away.
 * - `dbConnectionStartLink` plays the library's `DBConnection.start_link/1`: a connection process
 *   linked to the caller owns the session; it returns `{:ok, conn}` or `{:error, reason}` without
 *   killing the caller (the connection process exits `:normal` on a refused connect).
 *
 * Every connect attempt and outage is reported into the trace (`db.connect`, `db.outage`).
 */
import {
  GenServer,
  Pid,
  Tuple,
  exitSignal,
  isTagged,
  match,
  now,
  receive,
  report,
  self,
  send,
  sendAfter,
  sleep,
  spawnLink,
  t,
  type ErlModule,
  type Op,
  type Term,
} from '../../src/index.js';
import type { Outage } from './services.js';

export const DB_NAME = 'db';

export interface DatabaseConfig {
  readonly outages: readonly Outage[];
  /** Latency of every connect (virtual ms). */
  readonly latencyMs: number;
}

/** Whether the database refuses connections at virtual time `at`. */
export function isDown(config: DatabaseConfig, at: number): boolean {
  return config.outages.some((o) => at >= o.at && at < o.at + o.durationMs);
}

interface DbState {
  readonly owners: Pid[];
  readonly sessions: number;
}

/** The database process. Start it with `GenServer.start(databaseService(config), 'nil', { name: DB_NAME })`. */
export function databaseService(config: DatabaseConfig): ErlModule {
  return GenServer.defmodule('Sim.Database', {
    *init(): Op<Term> {
      const me = yield* self();
      for (const o of config.outages) yield* sendAfter(me, t('outage_begins', o.durationMs), o.at);
      const state: DbState = { owners: [], sessions: 0 };
      return t('ok', state as unknown as Term);
    },
    *handleCall(request: Term, _from, s: Term): Op<Term> {
      const state = s as unknown as DbState;
      if (!isTagged(request, 'connect', 2)) return t('reply', t('error', 'unknown_request'), s);
      if (config.latencyMs > 0) yield* sleep(config.latencyMs);
      const at = yield* now();
      if (isDown(config, at)) {
        yield* report('db.connect', { result: 'econnrefused' });
        return t('reply', t('error', 'econnrefused'), s);
      }
      const session = state.sessions + 1;
      yield* report('db.connect', { result: 'ok', session });
      const next: DbState = { owners: [...state.owners, request[1] as Pid], sessions: session };
      return t('reply', t('ok', t('session', session)), next as unknown as Term);
    },
    *handleInfo(msg: Term, s: Term): Op<Term> {
      const state = s as unknown as DbState;
      if (!isTagged(msg, 'outage_begins', 2)) return t('noreply', s);
      yield* report('db.outage', { durationMs: msg[1]!, dropped: state.owners.length });
      for (const owner of state.owners) yield* exitSignal(owner, 'db_connection_lost');
      return t('noreply', { owners: [], sessions: state.sessions } as unknown as Term);
    },
  });
}

/** `connect(config)`: the calling process becomes the session's owner. */
export function* connect(): Op<Term> {
  return yield* GenServer.call(DB_NAME, t('connect', yield* self()), 'infinity');
}

/**
 * The library's `DBConnection.start_link(config)`: `{:ok, conn}` with a connection process linked
 * to the caller that owns the session, or `{:error, reason}`.
 */
export function* dbConnectionStartLink(): Op<Term> {
  const caller = yield* self();
  const conn = yield* spawnLink(
    function* (): Op<void> {
      const result = yield* connect();
      yield* send(caller, t('conn_started', yield* self(), result));
      if (!isTagged(result, 'ok', 2)) return; // exits :normal: the link does not hurt the caller
      yield* receive(match.eq('never'));
    },
    { label: 'DBConnection' },
  );
  const reply = (yield* receive(
    match.where((m) => isTagged(m, 'conn_started', 3) && (m[1] as Pid).id === conn.id, `{:conn_started, ${conn}, _}`),
  )) as Tuple;
  const result = reply[2]!;
  return isTagged(result, 'ok', 2) ? t('ok', conn) : result;
}
