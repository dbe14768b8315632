/**
 * A configurable worker GenServer for properties and the simulated driver: it reports its own
 * lifecycle into the trace and does what a fault plan tells it to.
 *
 * Lifecycle reports (trace `report` events, data is a map):
 * - `worker.start`       `%{id:, incarnation:}` when init/1 succeeds;
 * - `worker.start_failed` `%{id:, incarnation:, how:}` when init/1 fails or ignores on purpose;
 * - `worker.terminate`   `%{id:, incarnation:, reason:}` when terminate/2 *completes*.
 * A process's death itself is the kernel's `exit` event for its pid.
 *
 * Incarnations count starts per child id across restarts. The counter lives in a `WorkerWorld`
 * created per run by the program (the worker's view of its environment, like a database it
 * reconnects to), so a start that "fails for a while then succeeds" is a pure function of the run.
 *
 * Requests: call `'ping'` → `:pong`; call `t('sleep', ms)` → sleeps, then `:ok` (a callback that
 * hangs past a caller's timeout); call `'stop'` → `{:stop, :normal, :ok, s}`; call `'args'` → the
 * extra start arguments (a simple_one_for_one supervisor appends `start_child`'s); call
 * `'unlink_parent'` → unlinks from its proc_lib parent, then `:ok` (the parent no longer hears of
 * its death); cast `'stop'` / `t('stop', reason)` → `{:stop, reason, s}`, cast `t('sleep', ms)` →
 * sleeps; message `t('crash', reason)` → exits with `reason` (`'raise'` raises a RuntimeError).
 *
 * `start_link(config, extra?)` registers the worker under `config.name` when there is one.
 */
import { get, report, sleep, trapExit, unlink, whereis } from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import { exit, raise } from '../kernel/errors.js';
import { Pid, isTagged, t, type ErlModule, type Term, type TermObject } from '../term/Term.js';
import * as GenServer from '../otp/GenServer.js';

export type InitBehaviour =
  | 'ok'
  | 'ignore'
  | { stop: Term }
  | 'raise'
  /** init/1 returns {:stop, :unavailable} for the first `failures` starts, then succeeds. */
  | { failFirst: number }
  /** init/1 takes this long (virtual ms) before returning ok. */
  | { slowMs: number }
  /** init/1 returns `{:error, reason}` (OTP 26+: a silent failure; OTP 25: a bad return value). */
  | { error: Term }
  /** init/1 returns ok for the first `starts` incarnations, then `:ignore`. */
  | { ignoreAfter: number };

export interface WorkerConfig {
  readonly id: string;
  /** A locally registered name (an atom). */
  readonly name?: string;
  readonly trapExit?: boolean;
  readonly init?: InitBehaviour;
  /** terminate/2 sleeps this long before it completes (0: immediate). */
  readonly terminateMs?: number;
  /** Extra start arguments (set by `start_link(config, extra)`). */
  readonly args?: Term[];
}

/** Mutable per-run environment shared by all incarnations of all workers of one run. */
export class WorkerWorld {
  private readonly starts = new Map<string, number>();

  /** The next incarnation number of `id` (1 for the first start). */
  nextIncarnation(id: string): number {
    const n = (this.starts.get(id) ?? 0) + 1;
    this.starts.set(id, n);
    return n;
  }

  incarnations(id: string): number {
    return this.starts.get(id) ?? 0;
  }
}

interface WorkerState {
  readonly config: WorkerConfig;
  readonly incarnation: number;
}

function configOf(arg: Term): WorkerConfig {
  return arg as unknown as WorkerConfig;
}

/** The proc_lib parent: the head of `$ancestors`, a pid or a registered name. */
function* parent(): Op<Pid | undefined> {
  const ancestors = yield* get('$ancestors');
  const head = Array.isArray(ancestors) ? ancestors[0] : undefined;
  if (head instanceof Pid) return head;
  return typeof head === 'string' ? yield* whereis(head) : undefined;
}

/** The worker module for one run's world. Start it with `t(mod, 'start_link', [config])`. */
export function workerModule(world: WorkerWorld): ErlModule {
  const mod: ErlModule = GenServer.defmodule('Beamcheck.Worker', {
    startLink(arg: Term, ...extra: Term[]): Op<Term> {
      const config = configOf(arg);
      const withArgs = extra.length > 0 ? ({ ...config, args: extra } as WorkerConfig) : config;
      return GenServer.startLink(mod, withArgs as unknown as Term, config.name === undefined ? {} : { name: config.name });
    },
    *init(arg: Term): Op<Term> {
      const config = configOf(arg);
      const incarnation = world.nextIncarnation(config.id);
      if (config.trapExit) yield* trapExit(true);
      const behaviour = config.init ?? 'ok';
      const failed = (how: string) => report('worker.start_failed', { id: config.id, incarnation, how });
      if (behaviour === 'ignore') {
        yield* failed('ignore');
        return 'ignore';
      }
      if (behaviour === 'raise') {
        yield* failed('raise');
        return raise('RuntimeError', `${config.id} failed to start`);
      }
      if (typeof behaviour === 'object' && 'stop' in behaviour) {
        yield* failed('stop');
        return t('stop', behaviour.stop);
      }
      if (typeof behaviour === 'object' && 'error' in behaviour) {
        yield* failed('error');
        return t('error', behaviour.error);
      }
      if (typeof behaviour === 'object' && 'ignoreAfter' in behaviour && incarnation > behaviour.ignoreAfter) {
        yield* failed('ignore');
        return 'ignore';
      }
      if (typeof behaviour === 'object' && 'failFirst' in behaviour && incarnation <= behaviour.failFirst) {
        yield* failed('stop');
        return t('stop', 'unavailable');
      }
      if (typeof behaviour === 'object' && 'slowMs' in behaviour) yield* sleep(behaviour.slowMs);
      yield* report('worker.start', { id: config.id, incarnation });
      const state: WorkerState = { config, incarnation };
      return t('ok', state as unknown as Term);
    },
    *handleCall(request: Term, _from, state: Term): Op<Term> {
      if (request === 'ping') return t('reply', 'pong', state);
      if (request === 'stop') return t('stop', 'normal', 'ok', state);
      if (request === 'args') return t('reply', (state as unknown as WorkerState).config.args ?? [], state);
      if (request === 'unlink_parent') {
        const p = yield* parent();
        if (p) yield* unlink(p);
        return t('reply', 'ok', state);
      }
      if (isTagged(request, 'sleep', 2)) {
        yield* sleep(request[1] as number);
        return t('reply', 'ok', state);
      }
      return t('reply', t('unknown', request), state);
    },
    *handleCast(request: Term, state: Term): Op<Term> {
      if (request === 'stop') return t('stop', 'normal', state);
      if (isTagged(request, 'stop', 2)) return t('stop', request[1]!, state);
      if (isTagged(request, 'sleep', 2)) yield* sleep(request[1] as number);
      return t('noreply', state);
    },
    handleInfo(msg: Term, state: Term): Term {
      if (isTagged(msg, 'crash', 2)) {
        if (msg[1] === 'raise') return raise('RuntimeError', `${(state as unknown as WorkerState).config.id} crashed`);
        return exit(msg[1]!);
      }
      return t('noreply', state);
    },
    *terminate(reason: Term, state: WorkerState): Op<void> {
      if (state.config.terminateMs) yield* sleep(state.config.terminateMs);
      yield* report('worker.terminate', { id: state.config.id, incarnation: state.incarnation, reason });
    },
  });
  return mod;
}

/** A worker child spec map for a supervisor: `%{id:, start: {Worker, :start_link, [config]}, …}`. */
export function workerSpec(mod: ErlModule, config: WorkerConfig, fields: TermObject = {}): TermObject {
  return { id: config.id, start: t(mod, 'start_link', [config as unknown as Term]), ...fields };
}
