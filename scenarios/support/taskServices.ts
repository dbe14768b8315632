/**
 * Simulated external services for the Task scenarios (patterns 7, 8, 9): backends the seed's
 * examples call — a user profile / orders / recommendations backend (`build_dashboard`), an HTTP
 * enrichment API (`HTTPClient.post!`) and a payment gateway (`PaymentGateway.charge!`).
 *
 * Each is a GenServer that serves requests *concurrently*, as a real HTTP backend does: every
 * request is handled by a process of its own that waits the request's latency and answers with
 * `GenServer.reply/2`. Latencies and failures come from the scenario's generated input, so they
 * shrink and replay with the schedule. Every request a backend serves is reported (`service.request`)
 * so that checks can see what the outside world saw (a card charged, an API called).
 */
import { GenServer, bin, raise, report, sleep, spawn, t, type ErlModule, type From, type Op, type Term } from '../../src/index.js';

/** How a backend answers one request. */
export interface Answer {
  readonly latencyMs: number;
  readonly reply: Term;
}

/** A backend answering each request after its own latency (`GenServer.call(name, request)` → the answer's reply). */
export function backend(module: string, answer: (request: Term) => Answer): ErlModule {
  return GenServer.defmodule(module, {
    init: () => t('ok', 'nil'),
    *handleCall(request: Term, from: From, state: Term): Op<Term> {
      const a = answer(request);
      yield* report('service.request', { service: module, request, reply: a.reply });
      yield* spawn(function* () {
        if (a.latencyMs > 0) yield* sleep(a.latencyMs);
        yield* GenServer.reply(from, a.reply);
      }, { label: `${module} request` });
      return t('noreply', state);
    },
  });
}

/** Starts a backend registered as `name` (not linked: the outside world outlives the app). */
export function* startBackend(name: string, module: ErlModule): Op<void> {
  yield* GenServer.start(module, 'nil', { name });
}

// ------------------------------------------------------------------------------- the dashboard backends

export const PROFILES = 'profiles';
export const ORDERS = 'orders';
export const RECOMMENDATIONS = 'recommendations';

/** The three backends of `build_dashboard` with their latencies (the seed's 200, 300, 500 ms are one case). */
export interface DashboardLatencies {
  readonly profileMs: number;
  readonly ordersMs: number;
  readonly recsMs: number;
}

export function* startDashboardBackends(l: DashboardLatencies): Op<void> {
  yield* startBackend(PROFILES, backend('Sim.Profiles', (r) => ({ latencyMs: l.profileMs, reply: t('profile', (r as Term[])[1]!) })));
  yield* startBackend(ORDERS, backend('Sim.Orders', (r) => ({ latencyMs: l.ordersMs, reply: [t('order', (r as Term[])[1]!, 1)] })));
  yield* startBackend(RECOMMENDATIONS, backend('Sim.Recommendations', (r) => ({ latencyMs: l.recsMs, reply: [t('rec', (r as Term[])[1]!)] })));
}

/** `fetch_profile(user_id)`, `fetch_recent_orders(user_id)`, `compute_recs(user_id)`. */
export const fetchProfile = (userId: Term): Op<Term> => GenServer.call(PROFILES, t('get', userId));
export const fetchRecentOrders = (userId: Term): Op<Term> => GenServer.call(ORDERS, t('get', userId));
export const computeRecs = (userId: Term): Op<Term> => GenServer.call(RECOMMENDATIONS, t('get', userId));

// ------------------------------------------------------------------------------- the enrichment API

export const ENRICH_API = 'enrich_api';

/** How the enrichment API answers the request for one `data` item. */
export interface ApiResponse {
  /** HTTP status: 200 enriches; anything else is a failure `post!` raises on. */
  readonly status: 200 | 500 | 503;
  readonly latencyMs: number;
}

/** The API: `POST /api/enrich` with `data` (an integer id here) → `{:ok, %{status:, body:}}`. */
export function* startEnrichmentApi(responses: readonly ApiResponse[]): Op<void> {
  yield* startBackend(
    ENRICH_API,
    backend('Sim.EnrichmentAPI', (request) => {
      const data = (request as Term[])[2] as number;
      const r = responses[data] ?? { status: 500, latencyMs: 0 };
      return { latencyMs: r.latencyMs, reply: t('ok', { status: r.status, body: r.status === 200 ? enriched(data) : bin('error') }) };
    }),
  );
}

/** The body the API returns for `data`. */
export function enriched(data: number): Term {
  return { data, enriched: true };
}

/** `HTTPClient.post!(path, body)`: the response body for a 2xx status; raises `HTTPClient.Error` otherwise. */
export function* postBang(path: string, body: Term): Op<Term> {
  const result = yield* GenServer.call(ENRICH_API, t('post', bin(path), body));
  const response = (result as Term[])[1] as { status: number; body: Term };
  if (response.status >= 200 && response.status < 300) return response.body;
  return raise('HTTPClient.Error', `POST ${path} failed with status ${response.status}`);
}

// ------------------------------------------------------------------------------- the payment gateway

export const PAYMENT_GATEWAY = 'payment_gateway';

export interface CardOutcome {
  readonly approved: boolean;
  readonly latencyMs: number;
}

/** The gateway: `{:charge, card}` → `{:ok, receipt}` | `{:error, :declined}`; card `i` behaves as `outcomes[i]`. */
export function* startPaymentGateway(outcomes: readonly CardOutcome[]): Op<void> {
  yield* startBackend(
    PAYMENT_GATEWAY,
    backend('Sim.PaymentGateway', (request) => {
      const card = (request as Term[])[1] as number;
      const o = outcomes[card] ?? { approved: false, latencyMs: 0 };
      return { latencyMs: o.latencyMs, reply: o.approved ? t('ok', receipt(card)) : t('error', 'declined') };
    }),
  );
}

export function receipt(card: number): Term {
  return t('receipt', card);
}

/** `PaymentGateway.charge!(card)`: the receipt, or raises `PaymentGateway.CardError`. */
export function* chargeBang(card: number): Op<Term> {
  const result = (yield* GenServer.call(PAYMENT_GATEWAY, t('charge', card))) as Term[];
  if (result[0] === 'ok') return result[1]!;
  return raise('PaymentGateway.CardError', `card ${card} declined`);
}
