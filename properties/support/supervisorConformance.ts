/**
 * Supervisor conformance: replays a static supervisor's trace decision by decision and checks each
 * reaction against the pure models (models/p03, p04, p05, p06, p11).
 *
 * A decision point is a message the supervisor's main loop handles:
 * - `{:EXIT, pid, reason}` from a child it has not itself signalled (a crash, not a flush of one it
 *   was terminating: rule 44);
 * - `terminate_child` / `restart_child` calls;
 * - `{:system, _, {:terminate, r}}` (`Supervisor.stop`) or the parent's `{:EXIT, …}`.
 * Its *window* is every trace event up to the next decision point. Within a window the checker
 * compares, in order: the supervisor's error reports (context, offender id, reason), the children
 * it sends exit signals to (and with which signal), the children it starts, and whether it exits.
 * Reports about terminated siblings depend on the reason each actually died with (a sibling may
 * have crashed on its own meanwhile), so those are computed from the trace with rule 62.
 *
 * Start failures are out of scope here (properties for patterns 13 and 18 cover them): every
 * child start in the trees checked here succeeds.
 */
import { Pid, Tuple, equals, format, isTagged, pidsOf, type Term, type TermObject, type TraceEvent } from '../../src/index.js';
import type { TreePlan } from '../../src/index.js';
import { restartPlan, type ModelChild } from '../../models/p03-supervision-strategies.js';
import { RestartIntensity } from '../../models/p04-restart-intensity.js';
import { onChildExit, type Reason } from '../../models/p05-restart-values.js';
import { shutsDown } from '../../models/p06-auto-shutdown.js';
import { cleanShutdownReason } from '../../models/p11-shutdown-semantics.js';

interface Child extends ModelChild {
  readonly shutdown: 'brutal_kill' | 'infinity' | number;
  readonly significant: boolean;
  pid: Pid | null;
  running: boolean;
  restart: ModelChild['restart'];
}

type ReportLine = string;

/** `child_terminated c2 :boom` etc. */
function reportLine(context: string, id: string | null, reason: Term): ReportLine {
  return `${context} ${id ?? '-'} ${format(reason)}`;
}

function kw(list: Term, key: string): Term | undefined {
  if (!Array.isArray(list)) return undefined;
  for (const item of list) if (item instanceof Tuple && item[0] === key) return item[1];
  return undefined;
}

/** The report events of a supervisor as comparable lines. */
function reportOf(e: TraceEvent): ReportLine | null {
  if (e.k !== 'report' || !e.name.startsWith('supervisor.') || e.name === 'supervisor.progress' || e.name === 'supervisor.unexpected_message') return null;
  const report = (e.data as TermObject)['report']!;
  const offender = kw(report, 'offender');
  const id = kw(offender ?? [], 'id');
  return reportLine(e.name.slice('supervisor.'.length), typeof id === 'string' ? id : null, kw(report, 'reason')!);
}

/** A reason term as the models see it. */
function modelReason(r: Term): Reason {
  if (isTagged(r, 'shutdown', 2)) return { shutdown: format(r[1]!) };
  return typeof r === 'string' ? r : format(r);
}

export interface Conformance {
  readonly ok: boolean;
  readonly message: string;
  /** Decision points checked. */
  readonly decisions: number;
}

const fail = (message: string, decisions: number): Conformance => ({ ok: false, message, decisions });

/** Observed facts about the supervisor's children, read from the whole trace up front. */
interface Facts {
  /** child pid → child id (from the worker's own start reports). */
  readonly identity: Map<number, string>;
  /** pids the supervisor spawned. */
  readonly spawned: Set<number>;
  /** child pid → trace index of the supervisor's first exit signal to it. */
  readonly signalledAt: Map<number, number>;
  /** pid → its exit reason. */
  readonly exits: Map<number, { reason: Term; index: number }>;
}

function factsOf(trace: readonly TraceEvent[], sup: Pid): Facts {
  const facts: Facts = { identity: new Map(), spawned: new Set(), signalledAt: new Map(), exits: new Map() };
  trace.forEach((e, index) => {
    if (e.k === 'report' && (e.name === 'worker.start' || e.name === 'worker.start_failed')) {
      facts.identity.set(e.pid.id, (e.data as TermObject)['id'] as string);
    } else if (e.k === 'spawn' && e.parent?.id === sup.id) {
      facts.spawned.add(e.pid.id);
    } else if (e.k === 'signal' && e.kind === 'exit' && e.from.id === sup.id && !facts.signalledAt.has(e.to.id)) {
      facts.signalledAt.set(e.to.id, index);
    } else if (e.k === 'exit') {
      facts.exits.set(e.pid.id, { reason: e.reason, index });
    }
  });
  return facts;
}

/** Is trace[index] a message the supervisor's main loop handles as a decision? */
function isDecision(e: TraceEvent, index: number, sup: Pid, parent: Pid, facts: Facts): boolean {
  if (e.k !== 'receive' || e.pid.id !== sup.id) return false;
  const m = e.msg;
  if (isTagged(m, 'EXIT', 3) && m[1] instanceof Pid) {
    if (m[1].id === parent.id) return true;
    // A child's crash, not the flush of an EXIT from a child the supervisor was terminating.
    const signalled = facts.signalledAt.get(m[1].id);
    return facts.spawned.has(m[1].id) && (signalled === undefined || signalled > index);
  }
  if (isTagged(m, '$gen_call', 3)) return isTagged(m[2], 'terminate_child', 2) || isTagged(m[2], 'restart_child', 2);
  if (isTagged(m, 'system', 3)) return isTagged(m[2], 'terminate', 2);
  return false;
}

interface Window {
  readonly reports: ReportLine[];
  readonly terminated: Array<{ id: string; pid: Pid; signal: Term; index: number }>;
  readonly started: Array<{ id: string; pid: Pid; index: number }>;
  readonly exited: Term | undefined;
}

function windowOf(trace: readonly TraceEvent[], from: number, to: number, sup: Pid, facts: Facts): Window {
  const w: Window = { reports: [], terminated: [], started: [], exited: undefined };
  let exited: Term | undefined;
  for (let j = from; j < to; j++) {
    const e = trace[j]!;
    if (e.k === 'report' && e.pid.id === sup.id) {
      const r = reportOf(e);
      if (r) w.reports.push(r);
    } else if (e.k === 'signal' && e.kind === 'exit' && e.from.id === sup.id && facts.signalledAt.get(e.to.id) === j) {
      const id = facts.identity.get(e.to.id);
      if (id !== undefined) w.terminated.push({ id, pid: e.to, signal: e.reason!, index: j });
    } else if (e.k === 'report' && e.name === 'worker.start' && facts.spawned.has(e.pid.id)) {
      w.started.push({ id: facts.identity.get(e.pid.id)!, pid: e.pid, index: j });
    } else if (e.k === 'exit' && e.pid.id === sup.id) {
      exited = e.reason;
    }
  }
  return { ...w, exited };
}

/**
 * When `add_restart` can have read the clock for a restart decision, as a range of ms. The
 * supervisor reports child_terminated, then calls add_restart (rule 37, supervisor.erl
 * do_restart/3): a process resumes at the start of its next step, so the clock is read at its
 * first effect after that report — which may be an untraced one (`process_info`, the process
 * dictionary) before the restart's first traced spawn or signal. Time can pass while the
 * supervisor is runnable, so the range runs from the report to that first traced act (found by
 * the 10,000-run property: an EXIT received and reported at 1999 ms, the restart made at 2001 ms,
 * its clock read at 1999 ms in one schedule and at 2001 ms in another). Without a report the range
 * starts at the EXIT's receipt.
 */
function restartClock(trace: readonly TraceEvent[], from: number, to: number, sup: Pid, received: number): readonly [number, number] {
  const report = trace.findIndex((x, k) => k >= from && k < to && x.k === 'report' && x.pid.id === sup.id && x.name === 'supervisor.child_terminated');
  const start = report < 0 ? from - 1 : report;
  const lo = report < 0 ? received : trace[report]!.t;
  // The first event the supervisor is the actor of (a delivery of its message follows its send).
  for (let k = start + 1; k < to; k++) if (pidsOf(trace[k]!)[0]?.id === sup.id) return [lo, trace[k]!.t];
  return [lo, lo];
}

/**
 * The restart histories the model allows so far: each restart may have been counted at any
 * second its clock read can fall in (restartClock), so the model keeps every history consistent
 * with what the supervisor did (usually one; two when a read straddles a second).
 */
class IntensityHistories {
  private histories: RestartIntensity[];

  constructor(intensity: number, period: number) {
    this.histories = [new RestartIntensity(intensity, period)];
  }

  /**
   * Weighs a restart read somewhere in `[lo, hi]` ms: whether the supervisor may restart, and
   * whether it may give up; `choose(restarted)` then keeps the histories that agree.
   */
  weigh([lo, hi]: readonly [number, number]): { mayRestart: boolean; mayStop: boolean; choose: (restarted: boolean) => void } {
    const outcomes: Array<{ restarted: boolean; next: RestartIntensity }> = [];
    for (const h of this.histories) {
      for (let second = Math.floor(lo / 1000); second <= Math.floor(hi / 1000); second++) {
        const next = h.clone();
        outcomes.push({ restarted: next.add(Math.max(lo, second * 1000)), next });
      }
    }
    return {
      mayRestart: outcomes.some((o) => o.restarted),
      mayStop: outcomes.some((o) => !o.restarted),
      choose: (restarted) => {
        const kept = new Map<string, RestartIntensity>();
        for (const o of outcomes) if (o.restarted === restarted) kept.set(o.next.recorded.join(','), o.next);
        this.histories = [...kept.values()];
      },
    };
  }
}

export function checkSupervisor(trace: readonly TraceEvent[], sup: Pid, tree: TreePlan, parent: Pid): Conformance {
  const facts = factsOf(trace, sup);
  const children: Child[] = tree.children.map((c) => ({
    id: c.id,
    restart: c.restart,
    shutdown: c.shutdown,
    significant: c.significant,
    pid: null,
    running: false,
  }));
  const byId = (id: string) => children.find((c) => c.id === id);
  const intensity = new IntensityHistories(tree.maxRestarts, tree.maxSeconds);
  const supExit = facts.exits.get(sup.id);
  const end = supExit ? supExit.index + 1 : trace.length;
  let decisions = 0;

  // ---- the start phase: every child starts, in list order (rule 29).
  let i = 0;
  for (; i < end && !children.every((c) => c.running); i++) {
    const e = trace[i]!;
    if (e.k !== 'report' || e.name !== 'worker.start' || !facts.spawned.has(e.pid.id)) continue;
    const child = byId(facts.identity.get(e.pid.id)!)!;
    const expected = children.find((c) => !c.running);
    if (expected !== child) return fail(`start order: ${child.id} started before ${expected?.id}`, decisions);
    child.pid = e.pid;
    child.running = true;
  }
  if (!children.every((c) => c.running)) return fail('the supervisor did not start all its children', decisions);

  const exitReasonOf = (pid: Pid): Term | undefined => facts.exits.get(pid.id)?.reason;

  /** Expected shutdown_error lines for children terminated by the supervisor (rule 62). */
  const shutdownErrors = (ids: readonly string[], observed: Window['terminated']): ReportLine[] => {
    const lines: ReportLine[] = [];
    for (const id of ids) {
      const c = byId(id)!;
      const seen = observed.find((o) => o.id === id);
      const reason = seen ? exitReasonOf(seen.pid) : undefined;
      if (reason === undefined) continue;
      if (!cleanShutdownReason(c.shutdown, c.restart, modelReason(reason) as string | { shutdown: string })) lines.push(reportLine('shutdown_error', id, reason));
    }
    return lines;
  };

  /** Terminations: ids in order, the right signal, one child at a time (rules 58–61, 66). */
  const checkTerminations = (expected: readonly string[], observed: Window['terminated'], where: string): string | null => {
    const got = observed.map((o) => o.id);
    if (!equals(got, [...expected])) return `${where}: terminated [${got.join(', ')}], expected [${expected.join(', ')}]`;
    for (let k = 0; k < observed.length; k++) {
      const o = observed[k]!;
      const c = byId(o.id)!;
      const want = c.shutdown === 'brutal_kill' ? 'kill' : 'shutdown';
      if (o.signal !== want) return `${where}: ${o.id} (shutdown ${format(c.shutdown)}) got exit signal ${format(o.signal)}, expected :${want}`;
      const next = observed[k + 1];
      const died = facts.exits.get(o.pid.id);
      if (next && (!died || died.index > next.index)) {
        return `${where}: ${next.id} was signalled before ${o.id} had died (a static supervisor stops one child at a time)`;
      }
    }
    return null;
  };

  const compareReports = (w: Window, expected: ReportLine[], where: string): string | null =>
    equals(w.reports, expected) ? null : `${where}: reports [${w.reports.join('; ')}], expected [${expected.join('; ')}]`;

  /** Everything still running stops newest first, then the supervisor exits (rules 55, 66, 74). */
  const expectStop = (w: Window, leading: ReportLine[], reason: Term, where: string): string | null => {
    const order = children.filter((c) => c.running).map((c) => c.id).reverse();
    return (
      checkTerminations(order, w.terminated, where) ??
      compareReports(w, [...leading, ...shutdownErrors(order, w.terminated)], where) ??
      (w.exited === undefined
        ? `${where}: the supervisor did not exit`
        : equals(w.exited, reason)
          ? null
          : `${where}: the supervisor exited ${format(w.exited)}, expected ${format(reason)}`)
    );
  };

  const points: number[] = [];
  for (let j = i; j < end; j++) if (isDecision(trace[j]!, j, sup, parent, facts)) points.push(j);

  for (let p = 0; p < points.length; p++) {
    const j = points[p]!;
    const e = trace[j] as Extract<TraceEvent, { k: 'receive' }>;
    const w = windowOf(trace, j + 1, points[p + 1] ?? end, sup, facts);
    decisions++;
    const m = e.msg as Tuple;
    const where = `decision ${decisions} at ${e.t} ms, ${format(m, { maxLength: 90 })}`;
    const done = (problem: string | null): Conformance | null => (problem ? fail(problem, decisions) : null);

    if (isTagged(m, 'system', 3) || (isTagged(m, 'EXIT', 3) && (m[1] as Pid).id === parent.id)) {
      const reason = isTagged(m, 'system', 3) ? (m[2] as Tuple)[1]! : m[2]!;
      return done(expectStop(w, [], reason, where)) ?? { ok: true, message: 'conforms', decisions };
    }

    if (isTagged(m, '$gen_call', 3)) {
      const [fn, id] = m[2] as Tuple;
      const c = byId(id as string);
      if (fn === 'terminate_child') {
        // Rule 78: full shutdown protocol, no strategy, no intensity entry; temporary specs go.
        const expected = c && c.running ? [c.id] : [];
        const problem =
          checkTerminations(expected, w.terminated, where) ??
          compareReports(w, shutdownErrors(expected, w.terminated), where) ??
          (w.started.length > 0 ? `${where}: terminate_child started ${w.started.map((s) => s.id).join(', ')}` : null);
        if (problem) return fail(problem, decisions);
        if (c && c.running) {
          c.running = false;
          c.pid = null;
        }
        if (c && c.restart === 'temporary') children.splice(children.indexOf(c), 1);
      } else {
        // Rule 79: only a child that is not running is started; no report, no intensity entry.
        const expected = c && !c.running ? [c.id] : [];
        const got = w.started.map((s) => s.id);
        const problem =
          (equals(got, expected) ? null : `${where}: restart_child started [${got.join(', ')}], expected [${expected.join(', ')}]`) ??
          (w.terminated.length > 0 ? `${where}: restart_child terminated ${w.terminated.map((s) => s.id).join(', ')}` : null) ??
          compareReports(w, [], where);
        if (problem) return fail(problem, decisions);
        for (const s of w.started) Object.assign(byId(s.id)!, { pid: s.pid, running: true });
      }
      continue;
    }

    // {:EXIT, pid, reason} from a child (rule 37).
    const crashed = children.find((c) => c.pid !== null && c.pid.id === (m[1] as Pid).id);
    if (!crashed) return fail(`${where}: an EXIT from a process the model does not know as a running child`, decisions);
    const reason = m[2]!;
    const decision = onChildExit(crashed.restart, modelReason(reason));
    crashed.running = false;
    crashed.pid = null;
    const leading: ReportLine[] = decision.report ? [reportLine('child_terminated', crashed.id, reason)] : [];

    if (decision.action === 'restart') {
      const weighed = intensity.weigh(restartClock(trace, j + 1, points[p + 1] ?? end, sup, e.t));
      // What the supervisor did: it gives up with the reached_max_restart_intensity report (rule 55).
      const gaveUp = w.reports.some((r) => r.startsWith('shutdown '));
      if (gaveUp ? !weighed.mayStop : !weighed.mayRestart) {
        const allowed = weighed.mayRestart ? 'restart' : 'give up (intensity exceeded)';
        return fail(`${where}: the supervisor ${gaveUp ? 'gave up' : 'restarted'}; the model says it must ${allowed} (intensity ${tree.maxRestarts}/${tree.maxSeconds}s)`, decisions);
      }
      weighed.choose(!gaveUp);
      if (gaveUp) {
        // Rule 55: report, mark the child stopped, shut the rest down, exit :shutdown.
        const problem = expectStop(w, [...leading, reportLine('shutdown', crashed.id, 'reached_max_restart_intensity')], 'shutdown', `${where} (intensity ${tree.maxRestarts}/${tree.maxSeconds}s exceeded)`);
        return done(problem) ?? { ok: true, message: 'conforms', decisions };
      }
      const plan = restartPlan(tree.strategy, children, crashed.id);
      const problem =
        checkTerminations(plan.terminate, w.terminated, `${where} (${tree.strategy})`) ??
        compareReports(w, [...leading, ...shutdownErrors(plan.terminate, w.terminated)], where) ??
        (equals(w.started.map((s) => s.id), plan.start)
          ? null
          : `${where}: restarted [${w.started.map((s) => s.id).join(', ')}], expected [${plan.start.join(', ')}] (${tree.strategy})`) ??
        (w.exited !== undefined ? `${where}: the supervisor exited ${format(w.exited)} after a restart within its intensity` : null);
      if (problem) return fail(problem, decisions);
      for (const id of plan.terminate) Object.assign(byId(id)!, { pid: null, running: false });
      for (const id of plan.remove) children.splice(children.indexOf(byId(id)!), 1);
      for (const s of w.started) Object.assign(byId(s.id)!, { pid: s.pid, running: true });
      continue;
    }

    // No restart: the spec is kept (transient) or removed (temporary); then auto_shutdown (rule 72).
    if (decision.action === 'remove') children.splice(children.indexOf(crashed), 1);
    const others = children.map((c) => ({ id: c.id, restart: c.restart, significant: c.significant, present: c.running }));
    if (shutsDown(tree.autoShutdown, crashed, modelReason(reason), others)) {
      return done(expectStop(w, leading, 'shutdown', `${where} (auto_shutdown ${tree.autoShutdown})`)) ?? { ok: true, message: 'conforms', decisions };
    }
    const problem =
      compareReports(w, leading, where) ??
      (w.terminated.length > 0 || w.started.length > 0
        ? `${where}: a ${crashed.restart} child exiting ${format(reason)} must not touch its siblings (rule 42), but the supervisor terminated [${w.terminated.map((x) => x.id).join(', ')}] and started [${w.started.map((x) => x.id).join(', ')}]`
        : null) ??
      (w.exited !== undefined ? `${where}: the supervisor exited ${format(w.exited)}` : null);
    if (problem) return fail(problem, decisions);
  }
  if (supExit && !equals(supExit.reason, 'normal')) {
    return fail(`the supervisor exited ${format(supExit.reason)} and no decision explains it`, decisions);
  }
  return { ok: true, message: 'conforms', decisions };
}
