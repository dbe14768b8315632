/**
 * Simulated external services for scenario ports: an HTTP service with outages and latency. The
 * seed's examples call `HTTPClient.get!`, a database, a payment gateway; here each becomes a small
 * simulated process whose failures and latency come from the scenario's generated input, so that
 * they shrink and replay with the schedule.
 */
import { GenServer, bin, exit, now, raise, sleep, t, type ErlModule, type Op, type Term } from '../../src/index.js';

/** A window of virtual time during which the service refuses connections. */
export interface Outage {
  readonly at: number;
  readonly durationMs: number;
}

export interface HttpServiceConfig {
  readonly outages: readonly Outage[];
  /** Latency of every request (virtual ms). */
  readonly latencyMs: number;
}

/** The HTTP service process: `GenServer.call(svc, t('get', path))` → `{:ok, body}` | `{:error, :econnrefused}`. */
export function httpService(config: HttpServiceConfig): ErlModule {
  return GenServer.defmodule('Sim.HTTPService', {
    init: () => t('ok', 'nil'),
    *handleCall(request: Term, _from, state: Term): Op<Term> {
      if (config.latencyMs > 0) yield* sleep(config.latencyMs);
      const at = yield* now();
      const down = config.outages.some((o) => at >= o.at && at < o.at + o.durationMs);
      const path = (request as Term[])[1] ?? bin('/');
      return t('reply', down ? t('error', 'econnrefused') : t('ok', t('body', path)), state);
    },
  });
}

/** `HTTPClient.get!/1`: the body, or raises like Elixir's bang functions do on an error. */
export function* getBang(service: Term, path: string, timeout: number | 'infinity' = 5000): Op<Term> {
  const result = yield* GenServer.call(service, t('get', bin(path)), timeout);
  if (result instanceof Array && result[0] === 'ok') return result[1]!;
  return raise('HTTPClient.Error', `GET ${path} failed: ${String((result as Term[])[1])}`);
}

/** `HTTPClient.get/1`: `{:ok, body}` or `{:error, reason}` (exits only if the service is gone). */
export function* get(service: Term, path: string, timeout: number | 'infinity' = 5000): Op<Term> {
  return yield* GenServer.call(service, t('get', bin(path)), timeout);
}

export { exit };
