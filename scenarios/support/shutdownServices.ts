/**
 * Simulated external resources for the shutdown scenarios (pattern 11): a disk that makes writes
 * durable after a latency, and an HTTP endpoint for `/api/deregister` that answers after a latency
 * or hangs forever. Both come from the scenario's generated input, so they shrink and replay with
 * the schedule, and both report what they did into the trace:
 * - `disk.open` / `disk.durable` `%{fd:, entries:}` / `disk.close`;
 * - `api.received` `%{path:, body:}` when a request arrives (before any reply).
 */
import { GenServer, bin, raise, report, sleep, t, type ErlModule, type Op, type Term } from '../../src/index.js';

export interface DiskConfig {
  /** Latency of every write (virtual ms). */
  readonly writeMs: number;
}

/** The disk process: `{:open, path}` → `{:ok, fd}`; `{:write, fd, entries}` → `:ok` once durable; `{:close, fd}` → `:ok`. */
export function diskService(config: DiskConfig): ErlModule {
  return GenServer.defmodule('Sim.Disk', {
    init: () => t('ok', 0),
    *handleCall(request: Term, _from, opened: number): Op<Term> {
      const [op, arg, entries] = request as Term[];
      if (op === 'open') {
        yield* report('disk.open', { path: arg!, fd: opened + 1 });
        return t('reply', t('ok', opened + 1), opened + 1);
      }
      if (op === 'write') {
        if (config.writeMs > 0) yield* sleep(config.writeMs);
        yield* report('disk.durable', { fd: arg!, entries: entries! });
        return t('reply', 'ok', opened);
      }
      yield* report('disk.close', { fd: arg! });
      return t('reply', 'ok', opened);
    },
  });
}

/** `File.open/2` on the simulated disk. */
export function* fileOpen(disk: Term, path: string): Op<Term> {
  return ((yield* GenServer.call(disk, t('open', bin(path)), 'infinity')) as Term[])[1]!;
}

/** Writes `entries` and waits until they are durable. */
export function* fileWrite(disk: Term, fd: Term, entries: Term[]): Op<Term> {
  return yield* GenServer.call(disk, t('write', fd, entries), 'infinity');
}

export function* fileClose(disk: Term, fd: Term): Op<Term> {
  return yield* GenServer.call(disk, t('close', fd), 'infinity');
}

export interface EndpointConfig {
  /** The endpoint accepts requests and never answers. */
  readonly hangs: boolean;
  /** Latency of an answer when it does answer (virtual ms). */
  readonly latencyMs: number;
}

/** The HTTP endpoint: `{:post, path, body}` → `{:ok, %{status: 200}}` after the latency, or never. */
export function deregistrationEndpoint(config: EndpointConfig): ErlModule {
  return GenServer.defmodule('Sim.DeregistrationAPI', {
    init: () => t('ok', 'nil'),
    *handleCall(request: Term, _from, state: Term): Op<Term> {
      const [, path, body] = request as Term[];
      yield* report('api.received', { path: path!, body: body! });
      if (config.hangs) return t('noreply', state); // the caller waits forever
      if (config.latencyMs > 0) yield* sleep(config.latencyMs);
      return t('reply', t('ok', { status: 200 }), state);
    },
  });
}

/** `HTTPClient.post/2`: `{:ok, response}` (waits as long as the endpoint takes — forever if it hangs). */
export function* post(endpoint: Term, path: string, body: Term): Op<Term> {
  return yield* GenServer.call(endpoint, t('post', bin(path), body), 'infinity');
}

/** `HTTPClient.post!/2`: the response, or raises like Elixir's bang functions do. */
export function* postBang(endpoint: Term, path: string, body: Term): Op<Term> {
  const result = yield* post(endpoint, path, body);
  if (result instanceof Array && result[0] === 'ok') return result[1]!;
  return raise('HTTPClient.Error', `POST ${path} failed`);
}
