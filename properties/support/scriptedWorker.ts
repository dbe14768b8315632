/**
 * A worker whose every start attempt follows a script: attempt n (1-based, counted per child id
 * across the whole run) succeeds, returns `:ignore`, or fails in one of the ways OTP distinguishes
 * (supervision.md rule 30). The properties for patterns 13 and 18 need starts that fail *during
 * restarts* — the harness worker's `failFirst` only fails the first starts, which would fail the
 * supervisor's own start-up instead.
 *
 * Outcomes of one attempt:
 * - `ok`     — `init/1` returns `{:ok, state}`;
 * - `ignore` — `init/1` returns `:ignore` (start_link returns `:ignore`);
 * - `error`  — the start function returns `{:error, :unavailable}` without spawning anything;
 * - `stop`   — `init/1` returns `{:stop, :unavailable}` (start_link returns `{:error, :unavailable}`);
 * - `raise`  — `init/1` raises a RuntimeError (start_link returns `{:error, {exception, []}}`).
 *
 * Every attempt is reported into the trace with the same report names as the harness worker
 * (`worker.start`, `worker.start_failed` with `how:`), so `traceQuery.lifecycle` reads both.
 * A running worker exits with `reason` on the message `{:crash, reason}`. The run's `StartScripts`
 * also remembers each id's newest pid, so that a fault injector can find the children of a
 * DynamicSupervisor, whose `which_children` carries no ids (a per-run environment, like
 * `WorkerWorld`).
 */
import { GenServer, Pid, exit, isTagged, raise, report, self, sleep, t, type ErlModule, type Op, type Term, type TermObject } from '../../src/index.js';

export type StartOutcome = 'ok' | 'ignore' | 'error' | 'stop' | 'raise';

/** What an outcome means to a supervisor: a pid, `:ignore`, or a start error. */
export type StartKind = 'ok' | 'ignore' | 'error';

export function kindOf(outcome: StartOutcome): StartKind {
  return outcome === 'ok' || outcome === 'ignore' ? outcome : 'error';
}

export interface ScriptedConfig {
  readonly id: string;
  /** Outcome of attempt n is `script[n - 1]`; attempts past the end succeed. */
  readonly script: readonly StartOutcome[];
  /** Every attempt takes this long (virtual ms) before it answers: the supervisor waits meanwhile. */
  readonly startMs?: number;
}

/** The outcome of attempt `n` (1-based). */
export function outcomeOf(script: readonly StartOutcome[], n: number): StartOutcome {
  return script[n - 1] ?? 'ok';
}

/** Per-run attempt counters, shared by every incarnation of every scripted worker of a run. */
export class StartScripts {
  private readonly attempts = new Map<string, number>();
  private readonly pids = new Map<string, Pid>();

  next(id: string): number {
    const n = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, n);
    return n;
  }

  /** The pid of the newest incarnation of `id` that started (it may have died since). */
  pidOf(id: string): Pid | undefined {
    return this.pids.get(id);
  }

  started(id: string, pid: Pid): void {
    this.pids.set(id, pid);
  }
}

interface InitArg {
  readonly id: string;
  readonly attempt: number;
  readonly outcome: StartOutcome;
  readonly startMs: number;
}

/** The scripted worker module of one run. Its start function is `start_link(config)`. */
export function scriptedWorker(scripts: StartScripts): ErlModule {
  const mod: ErlModule = GenServer.defmodule('Beamcheck.ScriptedWorker', {
    *startLink(arg: Term): Op<Term> {
      const config = arg as unknown as ScriptedConfig;
      const attempt = scripts.next(config.id);
      const outcome = outcomeOf(config.script, attempt);
      if (outcome === 'error') {
        if (config.startMs) yield* sleep(config.startMs);
        // The start function itself fails; no process is spawned.
        yield* report('worker.start_failed', { id: config.id, incarnation: attempt, how: 'error' });
        return t('error', 'unavailable');
      }
      const init: InitArg = { id: config.id, attempt, outcome, startMs: config.startMs ?? 0 };
      return yield* GenServer.startLink(mod, init as unknown as Term);
    },
    *init(arg: Term): Op<Term> {
      const { id, attempt, outcome, startMs } = arg as unknown as InitArg;
      if (startMs > 0) yield* sleep(startMs);
      if (outcome === 'ok') {
        yield* report('worker.start', { id, incarnation: attempt });
        // The pid becomes known to injectors only once the start has been acknowledged.
        return t('ok', arg, t('continue', 'started'));
      }
      yield* report('worker.start_failed', { id, incarnation: attempt, how: outcome });
      if (outcome === 'ignore') return 'ignore';
      if (outcome === 'stop') return t('stop', 'unavailable');
      return raise('RuntimeError', `${id} failed to start`);
    },
    *handleContinue(_arg: Term, state: Term): Op<Term> {
      scripts.started((state as unknown as InitArg).id, yield* self());
      return t('noreply', state);
    },
    handleInfo(msg: Term, state: Term): Term {
      if (isTagged(msg, 'crash', 2)) return exit(msg[1]!);
      return t('noreply', state);
    },
  });
  return mod;
}

/** A child spec map for a scripted worker. */
export function scriptedSpec(mod: ErlModule, config: ScriptedConfig, fields: TermObject = {}): TermObject {
  return { id: config.id, start: t(mod, 'start_link', [config as unknown as Term]), ...fields };
}
