/**
 * Elixir's `Logger` as far as per-request tracing needs it: process metadata and log calls.
 *
 * Like Erlang's logger (which Elixir's Logger sits on), metadata is kept in the calling process's
 * dictionary under `:"$logger_metadata$"` — per process: a GenServer sees its own, never its
 * caller's (checked on Elixir 1.14 and 1.18: after `Logger.metadata(request_id: "req-42")` in a
 * client, a log line of the server it calls carries no `request_id`). Setting a key to `nil`
 * removes it, as `Logger.metadata/1` does. A log call becomes a `logger.<level>` trace report with
 * the message and the metadata it would carry.
 */
import { erase, get, put, report, type Op, type Term, type TermObject } from '../../src/index.js';

const KEY = '$logger_metadata$';

/** `Logger.metadata()`: the calling process's metadata. */
export function* metadata(): Op<TermObject> {
  const m = yield* get(KEY);
  return (m ?? {}) as TermObject;
}

/** `Logger.metadata(keyword)`: merges into the calling process's metadata; `nil` values remove keys. */
export function* setMetadata(kw: Record<string, Term | undefined>): Op<'ok'> {
  const next: TermObject = { ...(yield* metadata()) };
  for (const [k, v] of Object.entries(kw)) {
    if (v === undefined || v === 'nil') delete next[k];
    else next[k] = v;
  }
  if (Object.keys(next).length === 0) yield* erase(KEY);
  else yield* put(KEY, next);
  return 'ok';
}

/** `Logger.info(message)`: a `logger.info` report carrying the process's metadata. */
export function* info(message: Term): Op<'ok'> {
  yield* report('logger.info', { message, metadata: yield* metadata() });
  return 'ok';
}
