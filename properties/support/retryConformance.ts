/**
 * Replays a supervisor's trace through the pattern 13 models (models/p13-restart-backoff.ts),
 * decision by decision, and compares what the supervisor did with what the model says it must do.
 *
 * A decision is a message the supervisor's main loop handles:
 * - `{:EXIT, pid, reason}` from a child's current pid that the supervisor has neither signalled
 *   nor unlinked (those EXITs are flushes inside the shutdown protocol, rules 44, 58, 95);
 * - the retry: `{:"$gen_cast", {:try_again_restart, id}}` (static) or `{:"$gen_restart", pid}`;
 * - an API call; `{:system, _, {:terminate, r}}`; the parent's `{:EXIT, …}`.
 * Its window is every trace event up to the next decision. In a window the checker reads, in
 * trace order: start attempts (the scripted worker's reports), supervisor reports
 * (`child_terminated`, `start_error`, `shutdown`), exit signals the supervisor sends to children,
 * retries it schedules, and its own exit — and compares that sequence with the model's effects.
 * `shutdown_error` reports depend on how each stopped child really died (a sibling may have crashed
 * on its own meanwhile, rule 44), so they are derived from the trace with rule 62 and compared
 * separately. API replies are compared with the model's answers.
 */
import { Pid, Tuple, equals, format, isTagged, type Term, type TermObject, type TraceEvent } from '../../src/index.js';
import { DynamicRetryModel, StaticRetryModel, type Effect, type StartKind, type StartScript } from '../../models/p13-restart-backoff.js';
import type { Reason } from '../../models/p05-restart-values.js';
import { cleanShutdownReason } from '../../models/p11-shutdown-semantics.js';
import { kindOf, outcomeOf, type StartOutcome } from './scriptedWorker.js';
import type { DynamicRetryCase, RetryCase } from './retryCase.js';

export interface Verdict {
  readonly ok: boolean;
  readonly message: string;
  readonly decisions: number;
}

/** A reason term as the models see it. */
function modelReason(r: Term): Reason {
  if (isTagged(r, 'shutdown', 2)) return { shutdown: format(r[1]!) };
  return typeof r === 'string' ? r : format(r);
}

/** An exit reason as text: an atom's name, any other term printed. */
function reasonText(r: Term): string {
  return typeof r === 'string' ? r : format(r);
}

function kw(list: Term | undefined, key: string): Term | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const item of list) if (item instanceof Tuple && item[0] === key) return item[1];
  return undefined;
}

/** What the trace tells about the processes of one run. */
interface Facts {
  /** pid → the child (id, attempt) it is, from its `worker.start` report. */
  readonly identity: Map<number, { id: string; incarnation: number }>;
  /** pid → index of the supervisor's first exit signal to it. */
  readonly signalledAt: Map<number, number>;
  /** pid → index of the supervisor's first unlink of it. */
  readonly unlinkedAt: Map<number, number>;
  /** pid → index of the supervisor's first monitor of it (the shutdown protocol begins with it). */
  readonly monitoredAt: Map<number, number>;
  readonly exits: Map<number, { reason: Term; index: number }>;
}

function factsOf(trace: readonly TraceEvent[], sup: Pid): Facts {
  const facts: Facts = { identity: new Map(), signalledAt: new Map(), unlinkedAt: new Map(), monitoredAt: new Map(), exits: new Map() };
  trace.forEach((e, index) => {
    if (e.k === 'report' && e.name === 'worker.start') {
      const d = e.data as TermObject;
      facts.identity.set(e.pid.id, { id: d['id'] as string, incarnation: d['incarnation'] as number });
    } else if (e.k === 'signal' && e.kind === 'exit' && e.from.id === sup.id && !facts.signalledAt.has(e.to.id)) {
      facts.signalledAt.set(e.to.id, index);
    } else if (e.k === 'unlink' && e.pid.id === sup.id && !facts.unlinkedAt.has(e.other.id)) {
      facts.unlinkedAt.set(e.other.id, index);
    } else if (e.k === 'monitor' && e.pid.id === sup.id && e.target instanceof Pid && !facts.monitoredAt.has(e.target.id)) {
      facts.monitoredAt.set(e.target.id, index);
    } else if (e.k === 'exit') {
      facts.exits.set(e.pid.id, { reason: e.reason, index });
    }
  });
  return facts;
}

/** An EXIT the main loop handles: from a child pid the supervisor has not signalled or unlinked. */
function isChildExitDecision(m: Term, index: number, facts: Facts): boolean {
  if (!(isTagged(m, 'EXIT', 3) && m[1] instanceof Pid)) return false;
  const pid = m[1];
  if (!facts.identity.has(pid.id)) return false;
  const before = (at: number | undefined) => at !== undefined && at < index;
  return !before(facts.signalledAt.get(pid.id)) && !before(facts.unlinkedAt.get(pid.id)) && !before(facts.monitoredAt.get(pid.id));
}

/** One effect as a line, for comparison and messages. */
function line(e: Effect): string {
  switch (e.kind) {
    case 'report':
      return `report ${e.context} ${e.id}`;
    case 'terminate':
      return `terminate ${e.id}`;
    case 'start':
      return `start ${e.id}#${e.attempt} ${e.outcome}`;
    case 'retry':
      return `retry ${e.id}`;
    case 'exit':
      return `exit ${e.reason}`;
  }
}

interface Observed {
  readonly lines: string[];
  /**
   * Children the supervisor stopped in the window, in order, with their pids and the EXIT and
   * DOWN reasons the supervisor received from them (those decide the reported reason, rule 63).
   */
  readonly terminated: Array<{ id: string; pid: Pid; exit?: Term; down?: Term }>;
  readonly shutdownErrors: string[];
  /** Replies the supervisor sent, by receiver pid id. */
  readonly replies: Map<number, Term>;
}

const REPORTED: Record<string, true> = { 'supervisor.child_terminated': true, 'supervisor.start_error': true, 'supervisor.shutdown': true };

/** How a supervisor reads its own messages and reports; how its terminations show in a trace. */
interface Dialect {
  /** The child id a report's offender names. */
  readonly offenderId: (report: TermObject) => string;
  /** The child a retry message targets, or undefined for any other message. */
  readonly retryOf: (msg: Term) => string | undefined;
  /**
   * A static supervisor signals every child it stops (rule 58); a DynamicSupervisor first
   * monitors and unlinks it and signals it only if no EXIT is already queued (rule 95).
   */
  readonly stopMarker: 'signal' | 'monitor';
}

/** The effects in trace[from, to). */
function observe(trace: readonly TraceEvent[], from: number, to: number, sup: Pid, facts: Facts, dialect: Dialect): Observed {
  const { offenderId, retryOf } = dialect;
  const out: Observed = { lines: [], terminated: [], shutdownErrors: [], replies: new Map() };
  for (let j = from; j < to; j++) {
    const e = trace[j]!;
    if (e.k === 'report' && (e.name === 'worker.start' || e.name === 'worker.start_failed')) {
      const d = e.data as TermObject;
      const outcome = e.name === 'worker.start' ? 'ok' : kindOf(d['how'] as StartOutcome);
      out.lines.push(`start ${d['id'] as string}#${d['incarnation'] as number} ${outcome}`);
    } else if (e.k === 'report' && e.pid.id === sup.id && REPORTED[e.name]) {
      out.lines.push(`report ${e.name.slice('supervisor.'.length)} ${offenderId(e.data as TermObject)}`);
    } else if (e.k === 'report' && e.pid.id === sup.id && e.name === 'supervisor.shutdown_error') {
      const r = (e.data as TermObject)['report']!;
      out.shutdownErrors.push(`${offenderId(e.data as TermObject)} ${format(kw(r, 'reason')!)}`);
    } else if (isStopMarker(e, j, sup, facts, dialect.stopMarker)) {
      const pid = e.k === 'signal' ? e.to : ((e as { target: Pid }).target);
      const who = facts.identity.get(pid.id);
      if (who) {
        out.lines.push(`terminate ${who.id}`);
        out.terminated.push({ id: who.id, pid });
      }
    } else if (e.k === 'send' && e.from.id === sup.id && e.to.id === sup.id) {
      const id = retryOf(e.msg);
      if (id !== undefined) out.lines.push(`retry ${id}`);
    } else if (e.k === 'send' && e.from.id === sup.id && e.msg instanceof Tuple && e.msg.length === 2) {
      out.replies.set(e.to.id, e.msg[1]!);
    } else if (e.k === 'exit' && e.pid.id === sup.id) {
      out.lines.push(`exit ${reasonText(e.reason)}`);
    } else if (e.k === 'receive' && e.pid.id === sup.id) {
      const m = e.msg;
      const stopped = (pid: Term) => (pid instanceof Pid ? out.terminated.find((x) => x.pid.id === pid.id) : undefined);
      if (isTagged(m, 'EXIT', 3)) {
        const x = stopped(m[1]!);
        if (x && x.exit === undefined) x.exit = m[2]!;
      } else if (isTagged(m, 'DOWN', 5)) {
        const x = stopped(m[3]!);
        if (x && x.down === undefined) x.down = m[4]!;
      }
    }
  }
  return out;
}

function isStopMarker(e: TraceEvent, j: number, sup: Pid, facts: Facts, marker: Dialect['stopMarker']): boolean {
  if (marker === 'signal') return e.k === 'signal' && e.kind === 'exit' && e.from.id === sup.id && facts.signalledAt.get(e.to.id) === j;
  return e.k === 'monitor' && e.pid.id === sup.id && e.target instanceof Pid && facts.monitoredAt.get(e.target.id) === j;
}

/** Compares two effect sequences; null when equal. */
function compareLines(where: string, got: readonly string[], expected: readonly Effect[]): string | null {
  const want = expected.map(line);
  if (equals([...got], want)) return null;
  return `${where}: the supervisor did [${got.join('; ')}], the model says [${want.join('; ')}]`;
}

/**
 * `shutdown_error` lines the terminations in a window must produce. The reason a supervisor judges
 * is the one it read: `reasonSeen` picks it from the EXIT and DOWN it received (rules 63, 95).
 */
function expectedShutdownErrors(
  observed: Observed,
  facts: Facts,
  specOf: (id: string) => ShutdownSpec | undefined,
  reasonSeen: (x: Observed['terminated'][number], signalled: boolean) => Term | undefined,
  cleanFor: (spec: ShutdownSpec, reason: Term, signalled: boolean) => boolean,
): string[] {
  const out: string[] = [];
  for (const x of observed.terminated) {
    const signalled = facts.signalledAt.has(x.pid.id);
    const reason = reasonSeen(x, signalled);
    const spec = specOf(x.id);
    if (reason === undefined || !spec) continue;
    if (!cleanFor(spec, reason, signalled)) out.push(`${x.id} ${format(reason)}`);
  }
  return out;
}

/** `unlink_flush/2` (rule 63): OTP 25 prefers a queued EXIT; OTP 27+ the DOWN, unless `:noproc`. */
function staticReasonSeen(profile: 'current' | 'otp25') {
  return (x: Observed['terminated'][number]): Term | undefined => {
    if (profile === 'otp25') return x.exit ?? x.down;
    if (x.down !== 'noproc') return x.down;
    return x.exit ?? 'child_process_unlinked';
  };
}

/** DynamicSupervisor: a child found dead is judged by its flushed EXIT, a signalled one by its DOWN. */
function dynamicReasonSeen(x: Observed['terminated'][number], signalled: boolean): Term | undefined {
  return signalled ? x.down : x.exit;
}

type ShutdownSpec = { shutdown: 'brutal_kill' | number; restart: 'permanent' | 'transient' | 'temporary' };

/** Rule 62 for a static supervisor. */
function staticClean(spec: ShutdownSpec, reason: Term): boolean {
  return cleanShutdownReason(spec.shutdown, spec.restart, modelReason(reason) as string | { shutdown: string });
}

/**
 * Rule 95: a child found already dead (its EXIT was queued, so it was never signalled) is an error
 * unless it exited `:normal` and is not permanent; a signalled one is judged by `wait_child/4`,
 * where brutal_kill accepts only `:killed`.
 */
function dynamicClean(spec: ShutdownSpec, reason: Term, signalled: boolean): boolean {
  if (!signalled) return reason === 'normal' && spec.restart !== 'permanent';
  if (spec.shutdown === 'brutal_kill') return reason === 'killed';
  return reason === 'shutdown' || isTagged(reason, 'shutdown', 2) || (reason === 'normal' && spec.restart !== 'permanent');
}

const fail = (message: string, decisions: number): Verdict => ({ ok: false, message, decisions });

function scriptOf(children: ReadonlyArray<{ id: string; script: StartOutcome[] }>): StartScript {
  const byId = new Map(children.map((c) => [c.id, c.script]));
  return (id, n): StartKind => kindOf(outcomeOf(byId.get(id) ?? [], n));
}

// ------------------------------------------------------------------------------- the replay

type AnyStep = { readonly effects: Effect[]; readonly result: unknown };

/** What differs between replaying a static supervisor and a DynamicSupervisor through its model. */
interface Replay {
  /** The supervisor as messages name it. */
  readonly name: string;
  readonly dialect: Dialect;
  readonly model: {
    stop(reason: string): AnyStep;
    childExit(id: string, incarnation: number, reason: Reason, nowMs: number): AnyStep;
    readonly stopped: string | undefined;
  };
  /** The model's start-up, compared with everything before `start_link` returned (static only). */
  readonly startUp?: () => AnyStep;
  /** The model's step for the supervisor's own retry message. */
  readonly retry: (msg: Term, nowMs: number) => AnyStep;
  /** The model's step, and its answer, for API call `fn` with request `req`. */
  readonly call: (fn: string, req: Term) => AnyStep;
  /** The supervisor's reply to `fn` in the model's vocabulary. */
  readonly answer: (fn: string, reply: Term) => string;
  /** A DynamicSupervisor stops its children concurrently: terminations compare as a set (rule 95). */
  readonly concurrentStops: boolean;
  readonly specOf: (id: string) => ShutdownSpec | undefined;
  readonly reasonSeen: (x: Observed['terminated'][number], signalled: boolean) => Term | undefined;
  readonly clean: (spec: ShutdownSpec, reason: Term, signalled: boolean) => boolean;
  /** The rule the `shutdown_error` reports follow. */
  readonly shutdownRule: number;
}

/** A DynamicSupervisor stops its children concurrently: compare terminations as a set (rule 95). */
function sortTerminations(lines: readonly string[]): string[] {
  const terms = lines.filter((l) => l.startsWith('terminate ')).sort();
  let k = 0;
  return lines.map((l) => (l.startsWith('terminate ') ? terms[k++]! : l));
}

function sortTermEffects(effects: readonly Effect[]): Effect[] {
  const terms = effects.filter((e) => e.kind === 'terminate').sort((a, b) => line(a).localeCompare(line(b)));
  let k = 0;
  return effects.map((e) => (e.kind === 'terminate' ? terms[k++]! : e));
}

/** Replays the supervisor's decisions through its model, window by window (see the header). */
function replayDecisions(trace: readonly TraceEvent[], sup: Pid, root: Pid, facts: Facts, replay: Replay): Verdict {
  const { model, dialect } = replay;
  const supExit = facts.exits.get(sup.id);
  const end = supExit ? supExit.index + 1 : trace.length;
  const startReport = trace.findIndex((e) => e.k === 'report' && e.name === 'case.start');
  const asSet = (xs: string[]) => (replay.concurrentStops ? xs.sort() : xs);
  let decisions = 0;

  if (replay.startUp) {
    // Start-up: everything before start_link returned.
    const up = replay.startUp();
    const upSeen = observe(trace, 0, startReport, sup, facts, dialect);
    const upProblem = compareLines('start-up', upSeen.lines, up.effects);
    if (upProblem) return fail(upProblem, decisions);
  }

  const points: number[] = [];
  for (let j = startReport; j < end; j++) {
    const e = trace[j]!;
    if (e.k !== 'receive' || e.pid.id !== sup.id) continue;
    const m = e.msg;
    const decision =
      isChildExitDecision(m, j, facts) ||
      (isTagged(m, 'EXIT', 3) && m[1] instanceof Pid && m[1].id === root.id) ||
      dialect.retryOf(m) !== undefined ||
      isTagged(m, '$gen_call', 3) ||
      (isTagged(m, 'system', 3) && isTagged(m[2], 'terminate', 2));
    if (decision) points.push(j);
  }

  for (let p = 0; p < points.length; p++) {
    const j = points[p]!;
    const e = trace[j] as Extract<TraceEvent, { k: 'receive' }>;
    const m: Term = e.msg;
    decisions++;
    const where = `decision ${decisions} at ${e.t} ms (${format(m, { maxLength: 80 })})`;
    const seen = observe(trace, j + 1, points[p + 1] ?? end, sup, facts, dialect);
    let step: AnyStep;
    let api: { fn: string; caller: Pid } | undefined;
    if (isTagged(m, 'EXIT', 3) && (m[1] as Pid).id === root.id) step = model.stop(reasonText(m[2]!));
    else if (isTagged(m, 'system', 3)) step = model.stop(reasonText((m[2] as Tuple)[1]!));
    else if (isTagged(m, 'EXIT', 3)) {
      const who = facts.identity.get((m[1] as Pid).id)!;
      step = model.childExit(who.id, who.incarnation, modelReason(m[2]!), e.t);
    } else if (isTagged(m, '$gen_call', 3)) {
      const req = m[2]!;
      const caller = (m[1] as Tuple)[0] as Pid;
      const fn = req instanceof Tuple ? String(req[0]) : String(req);
      api = { fn, caller };
      step = replay.call(fn, req);
    } else step = replay.retry(m, e.t);

    const problem = replay.concurrentStops
      ? compareLines(where, sortTerminations(seen.lines), sortTermEffects(step.effects))
      : compareLines(where, seen.lines, step.effects);
    if (problem) return fail(problem, decisions);
    const errors = asSet(expectedShutdownErrors(seen, facts, replay.specOf, replay.reasonSeen, replay.clean));
    if (!equals(asSet([...seen.shutdownErrors]), errors)) {
      return fail(`${where}: shutdown_error reports [${seen.shutdownErrors.join('; ')}], rule ${replay.shutdownRule} expects [${errors.join('; ')}]`, decisions);
    }
    if (api && step.result !== undefined) {
      const reply = seen.replies.get(api.caller.id);
      if (reply !== undefined) {
        const got = replay.answer(api.fn, reply);
        if (got !== step.result) return fail(`${where}: ${api.fn} answered ${format(reply)} (${got}), the model says ${String(step.result)}`, decisions);
      }
    }
    if (model.stopped !== undefined && !supExit) return fail(`${where}: the model stops the supervisor (${model.stopped}) but it did not exit`, decisions);
  }
  if (supExit && model.stopped === undefined) {
    return fail(`${replay.name} exited ${format(supExit.reason)} and no decision explains it`, decisions);
  }
  return { ok: true, message: 'conforms', decisions };
}

// ------------------------------------------------------------------------------- static supervisor

const staticRetry = (m: Term): string | undefined =>
  isTagged(m, '$gen_cast', 2) && isTagged(m[1], 'try_again_restart', 2) ? String((m[1] as Tuple)[1]) : undefined;
const STATIC: Dialect = {
  offenderId: (report) => String(kw(kw(report['report'], 'offender'), 'id')),
  retryOf: staticRetry,
  stopMarker: 'signal',
};

/** Translates a static supervisor's reply into the model's vocabulary. */
function staticAnswer(fn: string, reply: Term): string {
  if (reply === 'ok') return 'ok';
  if (isTagged(reply, 'ok', 2)) return reply[1] instanceof Pid ? 'ok_pid' : 'ok_undefined';
  if (isTagged(reply, 'error', 2) && typeof reply[1] === 'string' && ['not_found', 'running', 'restarting'].includes(reply[1])) return reply[1];
  if (isTagged(reply, 'error', 2)) return fn === 'restart_child' ? 'error' : format(reply);
  return format(reply);
}

/** `which_children` as the model sees it: `id:state`, newest first. */
function whichLine(reply: Term, facts: Facts): string {
  if (!Array.isArray(reply)) return format(reply);
  return reply
    .map((c) => {
      const [id, pid] = c as Term[];
      const state = pid instanceof Pid ? `running#${facts.identity.get(pid.id)?.incarnation ?? '?'}` : String(pid);
      return `${String(id)}:${state}`;
    })
    .join(', ');
}

export function checkStaticRetries(trace: readonly TraceEvent[], sup: Pid, root: Pid, c: RetryCase, profile: 'current' | 'otp25'): Verdict {
  const facts = factsOf(trace, sup);
  const model = new StaticRetryModel(c.strategy, c.maxRestarts, c.maxSeconds, c.children, scriptOf(c.children));
  return replayDecisions(trace, sup, root, facts, {
    name: 'the supervisor',
    dialect: STATIC,
    model,
    startUp: () => model.startUp(),
    retry: (m, t) => model.tryAgain(staticRetry(m)!, t),
    call: (fn, req) => {
      const id = req instanceof Tuple ? String(req[1]) : '';
      if (fn === 'terminate_child') return model.terminateChild(id);
      if (fn === 'restart_child') return model.restartChild(id);
      if (fn === 'delete_child') return model.deleteChild(id);
      if (fn === 'which_children') {
        const expected = model.whichChildren().map((x) => `${x.id}:${x.state === 'running' ? `running#${x.incarnation}` : x.state}`);
        return { effects: [], result: expected.join(', ') };
      }
      return { effects: [], result: undefined };
    },
    answer: (fn, reply) => (fn === 'which_children' ? whichLine(reply, facts) : staticAnswer(fn, reply)),
    concurrentStops: false,
    specOf: (id) => c.children.find((x) => x.id === id),
    reasonSeen: staticReasonSeen(profile),
    clean: staticClean,
    shutdownRule: 62,
  });
}

// ------------------------------------------------------------------------------- DynamicSupervisor

/** DynamicSupervisor offenders carry `id: :undefined`: the child is known by its (old) pid. */
function dynamicDialect(facts: Facts): Dialect {
  const idOfPid = (p: Term | undefined) => (p instanceof Pid ? (facts.identity.get(p.id)?.id ?? '?') : '?');
  return {
    offenderId: (report) => {
      const r = report['report'];
      const pid = kw(kw(r, 'offender'), 'pid');
      const id = idOfPid(isTagged(pid, 'restarting', 2) ? pid[1] : pid);
      // Rule 93: a DynamicSupervisor names a failed restart {:restarting, old_pid} from the first failure.
      const restartingForm = kw(r, 'errorContext') !== 'start_error' || isTagged(pid, 'restarting', 2);
      return restartingForm ? id : `${id} (offender pid ${format(pid ?? 'nil')}, expected {:restarting, pid})`;
    },
    retryOf: (m) => (isTagged(m, '$gen_restart', 2) ? idOfPid(m[1]) : undefined),
    stopMarker: 'monitor',
  };
}

function dynamicAnswer(fn: string, reply: Term): string {
  if (fn === 'start_child') {
    if (reply === 'ignore') return 'ignore';
    if (isTagged(reply, 'ok', 2)) return 'ok';
    if (isTagged(reply, 'error', 2) && reply[1] === 'max_children') return 'max_children';
    return isTagged(reply, 'error', 2) ? 'error' : format(reply);
  }
  if (fn === 'terminate_child') return reply === 'ok' ? 'ok' : isTagged(reply, 'error', 2) && reply[1] === 'not_found' ? 'not_found' : format(reply);
  if (fn === 'count_children' && Array.isArray(reply)) {
    const get = (k: string) => (reply.find((x) => (x as Tuple)[0] === k) as Tuple | undefined)?.[1];
    return `specs ${String(get('specs'))} active ${String(get('active'))}`;
  }
  return format(reply);
}

export function checkDynamicRetries(trace: readonly TraceEvent[], sup: Pid, root: Pid, c: DynamicRetryCase, _profile: 'current' | 'otp25'): Verdict {
  const facts = factsOf(trace, sup);
  const plans = Object.entries(c.children).map(([id, plan]) => ({ id, script: plan.script }));
  const model = new DynamicRetryModel(c.maxRestarts, c.maxSeconds, c.maxChildren, scriptOf(plans));
  return replayDecisions(trace, sup, root, facts, {
    name: 'the DynamicSupervisor',
    dialect: dynamicDialect(facts),
    model,
    retry: (m, t) => {
      const who = isTagged(m, '$gen_restart', 2) && m[1] instanceof Pid ? facts.identity.get(m[1].id) : undefined;
      return who ? model.genRestart(who.id, who.incarnation, t) : { effects: [], result: undefined };
    },
    call: (fn, req) => {
      if (fn === 'start_child') {
        const handle = handleOfStart(req);
        const plan = c.children[handle];
        return plan ? model.startChild(handle, plan.restart) : { effects: [], result: undefined };
      }
      if (fn === 'terminate_child') {
        const who = req instanceof Tuple && req[1] instanceof Pid ? facts.identity.get(req[1].id) : undefined;
        return who ? model.terminateChild(who.id, who.incarnation) : { effects: [], result: 'not_found' };
      }
      if (fn === 'count_children') {
        const n = model.counts();
        return { effects: [], result: `specs ${n.specs} active ${n.active}` };
      }
      return { effects: [], result: undefined };
    },
    answer: dynamicAnswer,
    concurrentStops: true,
    specOf: (id) => c.children[id],
    reasonSeen: dynamicReasonSeen,
    clean: dynamicClean,
    shutdownRule: 95,
  });
}

/** `{:start_child, {{m, f, [config]}, restart, shutdown, type, modules}}`: the config's id. */
function handleOfStart(req: Term): string {
  const info = (req as Tuple)[1] as Tuple;
  const args = (info[0] as Tuple)[2] as Term[];
  return String((args[0] as TermObject)['id']);
}

// ------------------------------------------------------------------------------- rule 116

/**
 * Rule 45 / 116: the retry goes back through the supervisor's mailbox, so every call that was
 * already queued when the retry was scheduled is served before it.
 */
export function queuedCallsServedFirst(trace: readonly TraceEvent[], sup: Pid, isRetry: (m: Term) => boolean): string | null {
  const deliveredAt = new Map<string, number>();
  const pendingCalls: Array<{ msg: Term; delivered: number }> = [];
  const key = (m: Term) => format(m);
  for (let j = 0; j < trace.length; j++) {
    const e = trace[j]!;
    if (e.k === 'deliver' && e.to.id === sup.id) {
      if (isTagged(e.msg, '$gen_call', 3)) pendingCalls.push({ msg: e.msg, delivered: j });
      if (isRetry(e.msg)) deliveredAt.set(key(e.msg), j);
    } else if (e.k === 'receive' && e.pid.id === sup.id) {
      if (isTagged(e.msg, '$gen_call', 3)) {
        const i = pendingCalls.findIndex((c) => equals(c.msg, e.msg));
        if (i >= 0) pendingCalls.splice(i, 1);
      } else if (isRetry(e.msg)) {
        const at = deliveredAt.get(key(e.msg)) ?? j;
        const overtaken = pendingCalls.find((c) => c.delivered < at);
        if (overtaken) {
          return `at ${e.t} ms the supervisor handled the retry ${format(e.msg)} before the call ${format(overtaken.msg, { maxLength: 80 })} that was queued before the retry was scheduled (rule 116)`;
        }
      }
    }
  }
  return null;
}
