/**
 * Simulated services for the pattern 3 scenarios.
 *
 * The data pipeline (`MyApp.DataSource` → `MyApp.Transformer` → `MyApp.Sink`), each a GenServer
 * registered under its module name:
 * - DataSource produces an item every PRODUCE_EVERY_MS and sends `{:data, self(), n}` to its
 *   subscribers (`source.produce` reports);
 * - Transformer "holds reference to DataSource": its init/1 looks the DataSource up, subscribes
 *   and keeps that pid; it transforms every item and casts it to `MyApp.Sink` by name;
 * - Sink writes what it gets (`sink.write` reports).
 * A `{:crash, reason}` message makes any stage exit with `reason`.
 *
 * The notification workers (`MyApp.EmailWorker`, `MyApp.SMSWorker`, `MyApp.PushWorker`) each run
 * jobs one at a time; a job takes virtual time (`job.start` / `job.done` reports), so a worker
 * terminated mid-job loses the job in progress.
 */
import { GenServer, Pid, exit, report, self, send, sendAfter, sleep, t, whereis, type ErlModule, type Op, type Term, type TermObject } from '../../src/index.js';

export const PRODUCE_EVERY_MS = 100;

export type StageId = 'DataSource' | 'Transformer' | 'Sink';
export const STAGES: readonly StageId[] = ['DataSource', 'Transformer', 'Sink'];

export function stageName(id: StageId): string {
  return `Elixir.MyApp.${id}`;
}

const crashOn = (msg: Term): Term | undefined => (msg instanceof Array && msg[0] === 'crash' ? msg[1] : undefined);

/** `GenServer.start_link(__MODULE__, arg, name: __MODULE__)` for a callback module. */
function named(name: string, callbacks: GenServer.GenServerCallbacks): ErlModule {
  const mod: ErlModule = GenServer.defmodule(name.replace(/^Elixir\./, ''), {
    ...callbacks,
    startLink: (arg: Term) => GenServer.startLink(mod, arg, { name }),
  });
  return mod;
}

/** The three stages for one run. */
export function pipeline(): Record<StageId, ErlModule> {
  const DataSource = named(stageName('DataSource'), {
    *init() {
      yield* sendAfter(yield* self(), 'produce', PRODUCE_EVERY_MS);
      return t('ok', { n: 0, subscribers: [] } as unknown as Term);
    },
    handleCall(request: Term, _from, state: { n: number; subscribers: Pid[] }) {
      if (request instanceof Array && request[0] === 'subscribe') {
        return t('reply', 'ok', { ...state, subscribers: [...state.subscribers, request[1] as Pid] } as unknown as Term);
      }
      return t('reply', t('unknown', request), state as unknown as Term);
    },
    *handleInfo(msg: Term, state: { n: number; subscribers: Pid[] }) {
      const crash = crashOn(msg);
      if (crash !== undefined) return exit(crash);
      if (msg !== 'produce') return t('noreply', state as unknown as Term);
      const n = state.n + 1;
      yield* report('source.produce', { n });
      for (const s of state.subscribers) yield* send(s, t('data', yield* self(), n));
      yield* sendAfter(yield* self(), 'produce', PRODUCE_EVERY_MS);
      return t('noreply', { ...state, n } as unknown as Term);
    },
  });
  const Transformer = named(stageName('Transformer'), {
    *init() {
      // Holds a reference to DataSource: the pid it found at start.
      const source = (yield* whereis(stageName('DataSource'))) ?? 'nil';
      if (source !== 'nil') yield* GenServer.call(source, t('subscribe', yield* self()));
      yield* report('transformer.start', { source });
      return t('ok', { source } as unknown as Term);
    },
    handleCall: (request: Term, _from, state: Term) => t('reply', request === 'source' ? (state as TermObject)['source']! : t('unknown', request), state),
    *handleInfo(msg: Term, state: Term) {
      const crash = crashOn(msg);
      if (crash !== undefined) return exit(crash);
      if (msg instanceof Array && msg[0] === 'data') yield* GenServer.cast(stageName('Sink'), t('write', msg[1]!, (msg[2] as number) * 10));
      return t('noreply', state);
    },
  });
  const Sink = named(stageName('Sink'), {
    init: () => t('ok', 0),
    *handleCast(request: Term, state: Term) {
      if (request instanceof Array && request[0] === 'write') yield* report('sink.write', { source: request[1]!, value: request[2]! });
      return t('noreply', state);
    },
    handleInfo: (msg: Term, state: Term) => {
      const crash = crashOn(msg);
      return crash !== undefined ? exit(crash) : t('noreply', state);
    },
  });
  return { DataSource, Transformer, Sink };
}

// ------------------------------------------------------------------------------- notification workers

export type WorkerId = 'EmailWorker' | 'SMSWorker' | 'PushWorker';
export const WORKERS: readonly WorkerId[] = ['EmailWorker', 'SMSWorker', 'PushWorker'];

export function workerName(id: WorkerId): string {
  return `Elixir.MyApp.${id}`;
}

/** `MyApp.EmailWorker` etc.: runs `{:job, id, ms}` casts one at a time. */
export function notificationWorkers(): Record<WorkerId, ErlModule> {
  const make = (id: WorkerId) =>
    named(workerName(id), {
      init: () => t('ok', id),
      *handleCast(request: Term, state: Term) {
        if (request instanceof Array && request[0] === 'job') {
          yield* report('job.start', { worker: id, job: request[1]! });
          yield* sleep(request[2] as number);
          yield* report('job.done', { worker: id, job: request[1]! });
        }
        return t('noreply', state);
      },
    });
  return { EmailWorker: make('EmailWorker'), SMSWorker: make('SMSWorker'), PushWorker: make('PushWorker') };
}

/** Sends `{:job, id, ms}` to a worker by name (a cast: dropped if the worker is not registered). */
export function* sendJob(worker: WorkerId, job: number, ms: number): Op<void> {
  yield* GenServer.cast(workerName(worker), t('job', job, ms));
}
