/**
 * `Application.get_env/2` and `Application.put_env/3` for scenario ports: the application
 * environment as a small simulated process (`Sim.ApplicationEnv`, registered as `:app_env`), so
 * that "the operator changes the config" is an event in the trace. Real Elixir keeps it in an ETS
 * table; reads and writes are equally immediate here (one call each).
 */
import { GenServer, isTagged, report, t, type ErlModule, type Op, type Term, type TermObject } from '../../src/index.js';

export const APP_ENV = 'app_env';

/** The environment process; start it with `GenServer.start(applicationEnv(initial), 'nil', { name: APP_ENV })`. */
export function applicationEnv(initial: TermObject): ErlModule {
  return GenServer.defmodule('Sim.ApplicationEnv', {
    init: () => t('ok', { ...initial }),
    *handleCall(request: Term, _from, env: TermObject): Op<Term> {
      if (isTagged(request, 'get_env', 2)) return t('reply', env[request[1] as string] ?? 'nil', env);
      if (isTagged(request, 'put_env', 3)) {
        yield* report('app_env.put', { key: request[1]!, value: request[2]! });
        return t('reply', 'ok', { ...env, [request[1] as string]: request[2]! });
      }
      return t('reply', t('error', 'unknown_request'), env);
    },
  });
}

/** `Application.get_env(:my_app, key)` (`nil` when unset). */
export function getEnv(key: string): Op<Term> {
  return GenServer.call(APP_ENV, t('get_env', key));
}

/** `Application.put_env(:my_app, key, value)`. */
export function putEnv(key: string, value: Term): Op<Term> {
  return GenServer.call(APP_ENV, t('put_env', key, value));
}
