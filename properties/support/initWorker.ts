/**
 * A GenServer whose `init/1` returns what a script says — every value of pattern 18's spectrum:
 * `{:ok, s}`, `{:ok, s, timeout | :hibernate | {:continue, _}}`, `:ignore`, `{:stop, r}`,
 * `{:error, r}`, a raise, an `exit(r)` and a bad return (processes.md §3.1.4). Start attempt n of a
 * child (counted per id over the run) returns `script[n - 1]`, then `{:ok, s}` past the end: a
 * feature "disabled now, enabled later" is the script `[ignore, ok]`.
 *
 * Reports `worker.start` / `worker.start_failed` like the harness worker (traceQuery.lifecycle).
 */
import fc from 'fast-check';
import { GenServer, exit, raise, report, t, type ErlModule, type Op, type Term, type TermObject } from '../../src/index.js';
import type { InitReturn } from '../../models/p18-init-returns.js';

export interface InitConfig {
  readonly id: string;
  readonly script: readonly InitReturn[];
}

/** Per-run attempt counters. */
export class InitScripts {
  private readonly attempts = new Map<string, number>();

  next(id: string): number {
    const n = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, n);
    return n;
  }
}

export function initOf(script: readonly InitReturn[], attempt: number): InitReturn {
  return script[attempt - 1] ?? { kind: 'ok' };
}

/** The init/1 return term of a script entry (or its raise / exit). */
function* perform(init: InitReturn, state: Term): Op<Term> {
  switch (init.kind) {
    case 'ok':
      return t('ok', state);
    case 'ok_timeout':
      return t('ok', state, init.timeout === 'continue' ? t('continue', 'setup') : init.timeout);
    case 'ignore':
      return 'ignore';
    case 'stop':
      return t('stop', init.reason);
    case 'error':
      return t('error', init.reason);
    case 'raise':
      return raise('RuntimeError', init.message);
    case 'exit':
      return exit(init.reason);
    case 'bad':
      return init.value;
  }
}

interface InitArg {
  readonly id: string;
  readonly attempt: number;
  readonly init: InitReturn;
}

/** `InitWorker.start_link(config)`: the next attempt of `config.id`, linked to the caller. */
export function* startInitWorker(mod: ErlModule, scripts: InitScripts, config: InitConfig): Op<Term> {
  const attempt = scripts.next(config.id);
  const init: InitArg = { id: config.id, attempt, init: initOf(config.script, attempt) };
  return yield* GenServer.startLink(mod, init as unknown as Term);
}

/** The module of one run; its start function is `start_link(config)`. */
export function initWorker(scripts: InitScripts): ErlModule {
  const mod: ErlModule = GenServer.defmodule('Beamcheck.InitWorker', {
    startLink(arg: Term): Op<Term> {
      return startInitWorker(mod, scripts, arg as unknown as InitConfig);
    },
    *init(arg: Term): Op<Term> {
      const { id, attempt, init } = arg as unknown as InitArg;
      const ok = init.kind === 'ok' || init.kind === 'ok_timeout';
      if (ok) yield* report('worker.start', { id, incarnation: attempt });
      else yield* report('worker.start_failed', { id, incarnation: attempt, how: init.kind });
      return yield* perform(init, arg);
    },
    handleInfo(_msg: Term, state: Term): Term {
      return t('noreply', state); // includes the :timeout of {:ok, s, timeout}
    },
    handleContinue(_arg: Term, state: Term): Term {
      return t('noreply', state);
    },
  });
  return mod;
}

export function initSpec(mod: ErlModule, config: InitConfig, fields: TermObject = {}): TermObject {
  return { id: config.id, start: t(mod, 'start_link', [config as unknown as Term]), ...fields };
}

// ------------------------------------------------------------------------------- arbitraries

/** Every init/1 return of §3.1.4, simplest first. */
export const initReturn: fc.Arbitrary<InitReturn> = fc.oneof(
  fc.constant<InitReturn>({ kind: 'ok' }),
  fc.constant<InitReturn>({ kind: 'ignore' }),
  fc.constantFrom<InitReturn>({ kind: 'stop', reason: 'disabled' }, { kind: 'stop', reason: 'normal' }, { kind: 'stop', reason: 'shutdown' }),
  fc.constant<InitReturn>({ kind: 'error', reason: 'unavailable' }),
  fc.constant<InitReturn>({ kind: 'raise', message: 'init failed' }),
  fc.constantFrom<InitReturn>({ kind: 'exit', reason: 'bye' }, { kind: 'exit', reason: 'normal' }),
  fc.constant<InitReturn>({ kind: 'bad', value: 'what' }),
  fc.constantFrom<InitReturn>(
    { kind: 'ok_timeout', timeout: 0 },
    { kind: 'ok_timeout', timeout: 100 },
    { kind: 'ok_timeout', timeout: 'infinity' },
    { kind: 'ok_timeout', timeout: 'hibernate' },
    { kind: 'ok_timeout', timeout: 'continue' },
  ),
);
