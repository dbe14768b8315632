/**
 * Simulated JSON-over-HTTP sources for aggregation scenarios. Each source is a registered process
 * named by its URL that serves requests concurrently (a worker per request, like a web server),
 * answering after the source's latency with its document, or with `{:error, :econnrefused}` while
 * it is down. Latency, outages and documents come from the scenario's generated input.
 *
 * `getBang(url)` is `HTTPClient.get!(url)`: `%{body: document}` or a raised `HTTPClient.Error`.
 * Documents are stored already decoded, so the ports' `Jason.decode!(body)` is the identity.
 */
import {
  Tuple,
  equals,
  makeRef,
  match,
  raise,
  receive,
  register,
  self,
  send,
  sleep,
  spawn,
  t,
  TIMEOUT,
  type Op,
  type Pid,
  type Ref,
  type Term,
  type TermObject,
} from '../../src/index.js';

export interface JsonSource {
  /** Registered name of the source process (an atom standing for the URL). */
  readonly url: string;
  readonly latencyMs: number;
  readonly down: boolean;
  readonly document: Readonly<Record<string, number>>;
}

function* sourceLoop(source: JsonSource): Op<void> {
  for (;;) {
    const [, from, ref] = (yield* receive(match.tagged('get', 3))) as Tuple;
    yield* spawn(
      function* () {
        yield* sleep(source.latencyMs);
        const answer = source.down ? t('error', 'econnrefused') : t('ok', { body: { ...source.document } });
        yield* send(from as Pid, t(ref!, answer));
      },
      { label: `${source.url}-worker` },
    );
  }
}

/** Starts every source, registered under its URL. */
export function* startSources(sources: readonly JsonSource[]): Op<void> {
  for (const s of sources) {
    const pid = yield* spawn(() => sourceLoop(s), { label: s.url });
    yield* register(s.url, pid);
  }
}

/** `HTTPClient.get!(url)`: `%{body: document}`; raises `HTTPClient.Error` on an error or after 5 s. */
export function* getBang(url: string): Op<TermObject> {
  const ref: Ref = yield* makeRef();
  yield* send(url, t('get', yield* self(), ref));
  const m = yield* receive(match.where((x) => x instanceof Tuple && x.length === 2 && equals(x[0]!, ref), `{${ref}, _}`), { after: 5000 });
  if (m === TIMEOUT) return raise('HTTPClient.Error', `GET ${url} timed out`);
  const answer = (m as Tuple)[1] as Tuple;
  if (answer[0] !== 'ok') return raise('HTTPClient.Error', `GET ${url} failed: ${String(answer[1])}`);
  return answer[1] as TermObject;
}

/** `Map.merge(acc, map)`: keys of `map` win. */
export function mapMerge(acc: TermObject, map: TermObject): TermObject {
  return { ...acc, ...map };
}

/** The aggregate the examples compute: every source's document merged in source order. */
export function mergedDocuments(sources: readonly JsonSource[]): Record<string, Term> {
  return sources.reduce<Record<string, Term>>((acc, s) => ({ ...acc, ...s.document }), {});
}
