/**
 * Shared fixtures for the Supervisor, DynamicSupervisor and PartitionSupervisor tests.
 *
 * - `W`: the configurable worker of the Elixir probes (probes/supervision/helpers.exs): its
 *   `start_link(opts)` logs `{:start_called, id}` and then starts, ignores, fails, raises, exits or
 *   throws according to `mode`; the server traps exits (unless `trap: false`) and logs
 *   `{:terminate, id, reason}`.
 * - `note(x)`: a `user` report, so that test observations and supervisor reports share one order.
 * - `traceRuns`: runs a program under many seeds and returns, per run, the `user` notes and the
 *   supervisor reports in trace order, printed compactly like the probes' `rep` function:
 *   `{:progress, id}` and `{context, reason, offender_id, offender_pid}`. `SUP_SEEDS=n` overrides the
 *   number of seeds (e.g. 150 to hunt for schedule-dependent failures).
 */
import { expect } from 'vitest';
import {
  ErlModule,
  GenServer,
  Pid,
  exit,
  format,
  match,
  processInfo,
  raise,
  receive,
  report,
  run,
  self,
  send,
  sleep,
  spawn,
  t,
  throwValue,
  trapExit,
  type Op,
  type RuntimeOptions,
  type Term,
  type TermObject,
} from '../../src/index.js';
import type { TraceEvent } from '../../src/scheduler/Trace.js';
import { startChild, whichChildren } from '../../src/otp/Supervisor.js';

export const both = ['current', 'otp25'] as const;
export type Profile = (typeof both)[number];

/** Appends an observation to the trace. */
export function note(x: Term): Op<void> {
  return report('user', x);
}

export interface WOpts {
  id: Term;
  /** `ok` (default) | `ignore` | `{:error, r}` | `raise` | `exit` | `throw` | `bad` | a start function. */
  mode?: Term | ((opts: TermObject) => Op<Term> | Term);
  /** Trap exits in the server (default true). */
  trap?: boolean;
  /** What terminate/2 does: nothing, sleep `ms`, or exit with a reason. */
  onTerminate?: { sleep: number } | { exit: Term };
  [k: string]: unknown;
}

const WServer = GenServer.defmodule('WServer', {
  *init(opts: TermObject) {
    if (opts['trap'] !== false) yield* trapExit(true);
    return t('ok', opts);
  },
  handleCall: (req, _from, s) => (req === 'state' ? t('reply', s, s) : t('reply', req, s)),
  handleCast: (req, s) => (req instanceof Array && req[0] === 'exit' ? t('stop', req[1]!, s) : t('noreply', s)),
  *terminate(reason: Term, opts: TermObject) {
    yield* note(t('terminate', opts['id']!, reason));
    const on = opts['onTerminate'] as WOpts['onTerminate'];
    if (on && 'sleep' in on) yield* sleep(on.sleep);
    if (on && 'exit' in on) exit(on.exit);
    yield* note(t('terminate_end', opts['id']!));
  },
});

/** The configurable worker module `W` (start function `W.start_link(opts)`). */
export const W: ErlModule = new ErlModule('Elixir.W', {
  *start_link(opts: TermObject): Op<Term> {
    yield* note(t('start_called', opts['id']!));
    const mode = opts['mode'] ?? 'ok';
    if (typeof mode === 'function') return yield* callMode(mode as never, opts);
    if (mode === 'ignore') return 'ignore';
    if (mode instanceof Array && mode[0] === 'error') return mode;
    if (mode === 'raise') return raise('RuntimeError', `boom_${format(opts['id']!).replace(/^:/, '')}`);
    if (mode === 'exit') return exit('exit_boom');
    if (mode === 'throw') return throwValue('thrown');
    if (mode === 'bad') return 'bad_return';
    return yield* GenServer.startLink(WServer, opts);
  },
  child_spec: (opts: TermObject) => ({ id: opts['id']!, start: t(W, 'start_link', [opts]) }),
});

/** Starts W's server directly (no `start_called` note). */
export function startW(opts: TermObject): Op<Term> {
  return GenServer.startLink(WServer, opts);
}

function* callMode(f: (o: TermObject) => Op<Term> | Term, opts: TermObject): Op<Term> {
  const r = f(opts);
  if (r && typeof r === 'object' && typeof (r as Op<Term>).next === 'function') return yield* r as Op<Term>;
  return r as Term;
}

/** `%{id: id, start: {W, :start_link, [opts]}}` merged with `extra` (the probes' `ch` function). */
export function ch(id: Term, wopts: Omit<WOpts, 'id'> = {}, extra: TermObject = {}): TermObject {
  const opts: Record<string, unknown> = { id };
  for (const [k, v] of Object.entries(wopts)) if (v !== undefined) opts[k] = v;
  return { id, start: t(W, 'start_link', [opts as TermObject]), ...extra };
}

/** The pid of child `id` in a static supervisor. */
export function* pidOf(sup: Term, id: Term): Op<Pid> {
  const kids = yield* whichChildren(sup);
  const entry = kids.find((k) => format((k as Term[])[0]!) === format(id)) as Term[] | undefined;
  if (!entry || !(entry[1] instanceof Pid)) throw new Error(`no running child ${format(id)}: ${format(kids)}`);
  return entry[1];
}

/** Polls `which_children` until child `id` runs with a pid other than `old` (a restart barrier). */
export function* awaitNewPid(sup: Term, id: Term, old: Pid): Op<Pid> {
  for (let i = 0; i < 10_000; i++) {
    const kids = yield* whichChildren(sup);
    const entry = kids.find((k) => format((k as Term[])[0]!) === format(id)) as Term[] | undefined;
    if (entry && entry[1] instanceof Pid && entry[1].id !== old.id) return entry[1];
  }
  throw new Error('no restart');
}

/** Polls `which_children` until `pred` holds (a barrier on the supervisor's state). */
export function* awaitChildren(sup: Term, pred: (kids: Term[][]) => boolean): Op<Term[][]> {
  for (let i = 0; i < 10_000; i++) {
    const kids = (yield* whichChildren(sup)) as Term[][];
    if (pred(kids)) return kids;
  }
  throw new Error('condition never held');
}

const PID = /<0\.\d+\.0>/g;

/** One trace event as the probes print it, or undefined when it is not observed. */
export function describeReport(e: TraceEvent, withProgress = true): string | undefined {
  if (e.k !== 'report') return undefined;
  const data = e.data as TermObject;
  if (e.name === 'user') return typeof e.data === 'string' && /\s/.test(e.data) ? e.data : format(e.data).replace(PID, 'PID');
  if (!e.name.startsWith('supervisor.') || e.name === 'supervisor.unexpected_message') return undefined;
  const rep = data['report'] as Term[];
  const get = (list: Term[], k: string) => (list.find((x) => (x as Term[])[0] === k) as Term[] | undefined)?.[1];
  if (e.name === 'supervisor.progress') return withProgress ? `{:progress, ${format(get(get(rep, 'started') as Term[], 'id')!)}}` : undefined;
  const offender = get(rep, 'offender') as Term[];
  const ctx = (e.name.split('.')[1])!;
  const who = get(offender, 'pid') ?? t('nb_children', get(offender, 'nb_children')!);
  return `{:${ctx}, ${format(get(rep, 'reason')!)}, ${format(get(offender, 'id')!)}, ${format(who)}}`.replace(PID, 'PID');
}

export interface TraceRunOptions extends RuntimeOptions {
  seeds?: number;
  progress?: boolean;
}

/** Runs `body` under many seeds; each run's notes and supervisor reports, in trace order. */
export function traceRuns(body: () => Op<unknown>, options: TraceRunOptions = {}): string[][] {
  const { seeds: requested = 30, progress = true, ...rest } = options;
  const seeds = process.env['SUP_SEEDS'] ? Number(process.env['SUP_SEEDS']) : requested;
  const out: string[][] = [];
  for (let seed = 0; seed < seeds; seed++) {
    const result = run(body, { seed, ...rest });
    if (result.verdict.kind === 'divergence') throw new Error(`seed ${seed}: ${result.verdict.detail}`);
    if (result.rootExit === undefined) throw new Error(`seed ${seed}: the root process never finished: ${JSON.stringify(result.verdict)}`);
    if (result.rootExit !== 'normal') throw new Error(`seed ${seed}: root exited with ${format(result.rootExit)}`);
    const lines: string[] = [];
    for (const e of result.trace) {
      const line = describeReport(e, progress);
      if (line !== undefined) lines.push(line);
    }
    out.push(lines);
  }
  return out;
}

/** Asserts that every run produced the same lines and returns them. */
export function same(runs: string[][]): string[] {
  const first = runs[0]!;
  runs.forEach((r, seed) => expect(r, `seed ${seed}`).toEqual(first));
  return first;
}

/** The raw report events of one run (for full report shapes). */
export function reportsOf(trace: readonly TraceEvent[], prefix = 'supervisor.'): Array<{ name: string; data: TermObject }> {
  return trace.filter((e) => e.k === 'report' && e.name.startsWith(prefix)).map((e) => ({ name: (e as { name: string }).name, data: (e as { data: TermObject }).data }));
}

/**
 * Keeps a static supervisor busy for `ms` of virtual time: a helper process asks it to start a
 * temporary child whose start function (running inside the supervisor) sleeps and returns
 * `:ignore`. Returns once the supervisor is inside that start function.
 */
export function* blockSupervisor(sup: Term, ms: number, start: (sup: Term, spec: Term) => Op<Term> = startChildOf): Op<void> {
  const me = yield* self();
  yield* spawn(function* () {
    yield* start(sup, {
      id: 'blocker',
      restart: 'temporary',
      start: t(Blocker, 'start_link', [me, ms]),
    });
  });
  yield* receive(match.eq('blocked'));
}

function startChildOf(sup: Term, spec: Term): Op<Term> {
  return startChild(sup, spec);
}

const Blocker = new ErlModule('Elixir.Blocker', {
  *start_link(notify: Pid, ms: number): Op<Term> {
    yield* send(notify, 'blocked');
    yield* sleep(ms);
    return 'ignore';
  },
});

/** Waits until a message accepted by `pred` sits in `pid`'s mailbox (an ordering barrier). */
export function* awaitInMailbox(pid: Pid, pred: (m: Term) => boolean): Op<void> {
  for (let i = 0; i < 10_000; i++) {
    const msgs = (yield* processInfo(pid, 'messages')) as Term[] | undefined;
    if (msgs && msgs.some(pred)) return;
  }
  throw new Error('message never queued');
}

/** A start mode that counts calls (from 1) and asks `decide(n)` what to return (ok starts W's server). */
export function counted(decide: (n: number) => 'ok' | Term): (opts: TermObject) => Op<Term> {
  let n = 0;
  return function* (opts: TermObject) {
    n++;
    const d = decide(n);
    if (d === 'ok') return yield* startW(opts);
    return d;
  };
}

/** The distinct outcomes across runs (each run joined with ` | `). */
export function outcomesOf(runs: string[][]): Set<string> {
  return new Set(runs.map((r) => r.join(' | ')));
}
