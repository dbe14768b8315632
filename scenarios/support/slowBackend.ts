/**
 * A simulated slow backend for request/response scenarios: a process that takes
 * `{:request, reply_to, payload}` and answers each request from a worker of its own after that
 * request's latency, so requests overlap like calls to a real remote service. The latency of
 * request `n` comes from the scenario's generated input; the response message is built by the
 * protocol under test (`{:response, result}` to a pid, `{alias, result}` to an alias, …).
 */
import { match, receive, send, sleep, spawn, t, type Dest, type Op, type Pid, type Term, type Tuple } from '../../src/index.js';

/** Builds the response message for a reply address and a result. */
export type Responder = (replyTo: Term, result: Term) => Term;

/** The result the backend computes for payload `n`. */
export const resultFor = (n: number): Term => t('result', n);

/** The backend's body: answers request payload `n` after `latencies[n]` ms. */
export function* slowBackend(latencies: readonly number[], respond: Responder): Op<void> {
  for (;;) {
    const [, replyTo, payload] = (yield* receive(match.tagged('request', 3))) as Tuple;
    const n = payload as number;
    yield* spawn(
      function* () {
        yield* sleep(latencies[n] ?? 0);
        yield* send(replyTo as Dest, respond(replyTo!, resultFor(n)));
      },
      { label: `backend-worker${n}` },
    );
  }
}

export function* startBackend(latencies: readonly number[], respond: Responder): Op<Pid> {
  return yield* spawn(() => slowBackend(latencies, respond), { label: 'backend' });
}
