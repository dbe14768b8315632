/**
 * Pattern 12 — DynamicSupervisor internal state: struct with restart tracking.
 *
 * Why (seed): "The children field uses a %{} map keyed by PID for O(1) lookup/deletion on child
 * exit. The restarts list uses a simple sliding-window approach for restart intensity." … "The
 * standard supervisors are battle-tested over decades."
 *
 * Model-based: a generated command list (start_child with a restart type and planned start
 * outcomes, a child crash with a reason, terminate_child of a child or of a stranger, waiting) runs
 * against the simulated DynamicSupervisor; after each command `count_children` and
 * `which_children` (as a set, rule 120) are compared with models/p12-dynamic-supervisor-state.ts
 * (supervision.md rules 57, 89–93, 121), and so are every command's result and the supervisor
 * reports it caused:
 * - start_child: `{:ok, pid}`, `:ignore`, `{:error, reason}`, or `{:error, :max_children}` once
 *   `max_children` entries exist;
 * - a child exit: deleted or restarted by the decision table; every restart and every retry of a
 *   failed restart records a timestamp; past `max_restarts` in `max_seconds` the supervisor stops;
 * - terminate_child: `:ok` for a child, `{:error, :not_found}` for any other pid.
 */
import {
  Pid,
  Tuple,
  fails,
  format,
  holds,
  isTagged,
  runProblem,
  traceQuery,
  type CheckResult,
  type Outcome,
  type Target,
  type Term,
  type TermObject,
  type TraceEvent,
} from '../src/index.js';
import { DynamicSupervisorModel, type ExitEffect, type StartOutcome, type StartResult } from '../models/p12-dynamic-supervisor-state.js';
import type { Reason } from '../models/p05-restart-values.js';
import { dynCase, dynProgram, type DynCase, type DynCommand } from './support/dynamicCommands.js';

/** A start_child reply as the model's result. */
function startResultOf(r: Term): StartResult | string {
  if (isTagged(r, 'ok', 2) && r[1] instanceof Pid) return 'ok';
  if (r === 'ignore') return 'ignore';
  if (isTagged(r, 'error', 2) && r[1] === 'max_children') return 'max_children';
  if (isTagged(r, 'error', 2) && r[1] === 'unavailable') return 'error';
  return format(r);
}

function modelReason(r: Term): Reason {
  if (isTagged(r, 'shutdown', 2)) return { shutdown: format(r[1]!) };
  return typeof r === 'string' ? r : format(r);
}

/** Supervisor reports of one command's window, by context. */
function reportCounts(trace: readonly TraceEvent[], sup: Pid, from: number, to: number): Record<string, number> {
  const counts: Record<string, number> = { child_terminated: 0, start_error: 0, shutdown: 0 };
  for (let i = from; i < to; i++) {
    const e = trace[i]!;
    if (e.k !== 'report' || e.pid.id !== sup.id || !e.name.startsWith('supervisor.')) continue;
    const context = e.name.slice('supervisor.'.length);
    if (context in counts) counts[context]!++;
  }
  return counts;
}

function expectedReports(effect: ExitEffect): Record<string, number> {
  switch (effect.kind) {
    case 'ignored':
      return { child_terminated: 0, start_error: 0, shutdown: 0 };
    case 'deleted':
      return { child_terminated: effect.report ? 1 : 0, start_error: 0, shutdown: 0 };
    case 'restarted':
      return { child_terminated: 1, start_error: effect.attempts - 1, shutdown: 0 };
    case 'escalated':
      return { child_terminated: 1, start_error: effect.attempts - 1, shutdown: 1 };
  }
}

/** Compares a `which_children`/`count_children` snapshot with the model. */
function compareSnapshot(after: Term, model: DynamicSupervisorModel, keyOf: (pid: Pid) => string | undefined): string | null {
  if (after === 'dead') return model.alive ? 'the supervisor is gone, the model says it is running' : null;
  if (!model.alive) return 'the supervisor is still running, the model says it stopped (restart intensity, rule 57)';
  const s = after as TermObject;
  const which = s['which'] as Tuple[];
  const running = which.flatMap((c) => (c[1] instanceof Pid ? [keyOf(c[1]) ?? format(c[1])] : [])).sort();
  const restarting = which.filter((c) => c[1] === 'restarting').length;
  const want = model.whichChildren();
  if (format(running) !== format(want.running) || restarting !== want.restarting) {
    return `which_children has [${running.join(', ')}] (+${restarting} restarting), the model [${want.running.join(', ')}] (+${want.restarting} restarting)`;
  }
  const count = s['count'] as TermObject;
  const c = model.countChildren();
  if (count['specs'] !== c.specs || count['active'] !== c.active || count['workers'] !== c.workers || count['supervisors'] !== c.supervisors) {
    return `count_children ${format(count)}, the model says ${format(c as unknown as TermObject)} (rule 91)`;
  }
  return null;
}

/** Replays the model over the observations of every command. */
function checkCommands(o: Outcome<DynCase>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const trace = o.run.trace;
  const start = traceQuery.reports(trace, 'case.start')[0];
  if (!start || !isTagged(start.data['result'], 'ok', 2)) return fails(`DynamicSupervisor.start_link returned ${format(start?.data['result'] ?? 'nothing')}`);
  const sup = (start.data['result'] as Tuple)[1] as Pid;
  const keyByPid = new Map(traceQuery.reports(trace, 'dyn.start').map((r) => [r.pid.id, r.data['key'] as string]));
  const keyOf = (pid: Pid) => keyByPid.get(pid.id);
  const { maxChildren, maxRestarts, maxSeconds, commands } = o.input;
  const model = new DynamicSupervisorModel({ maxChildren, maxRestarts, maxSeconds });
  const plans = new Map<string, readonly StartOutcome[]>();
  const starts = new Map<string, number>();
  const nextOutcome = (key: string): StartOutcome => {
    const n = (starts.get(key) ?? 0) + 1;
    starts.set(key, n);
    return plans.get(key)![n - 1] ?? 'ok';
  };
  const observed = traceQuery.reports(trace, 'dyn.cmd');
  let windowStart = start.index;
  for (const [i, cmd] of commands.entries()) {
    const obs = observed[i];
    if (!obs) return fails(`command ${i + 1} ${JSON.stringify(cmd)} never completed`);
    const where = `command ${i + 1} ${JSON.stringify(cmd)}${obs.data['key'] ? ` (child ${format(obs.data['key']!)})` : ''}`;
    const d = obs.data;
    const bad = (msg: string) => fails(`${where}: ${msg}`);
    if (d['dead'] === true) {
      if (model.alive) return bad('the supervisor is gone, the model says it is running');
      continue;
    }
    const problem = stepModel(model, cmd, d, trace, sup, windowStart, obs.index, plans, nextOutcome);
    if (problem) return bad(problem);
    const snap = compareSnapshot(d['after']!, model, keyOf);
    if (snap) return bad(snap);
    windowStart = obs.index;
  }
  return holds;
}

function stepModel(
  model: DynamicSupervisorModel,
  cmd: DynCommand,
  d: TermObject,
  trace: readonly TraceEvent[],
  sup: Pid,
  from: number,
  to: number,
  plans: Map<string, readonly StartOutcome[]>,
  nextOutcome: (key: string) => StartOutcome,
): string | null {
  if ('wait' in cmd) return null;
  if ('terminateStranger' in cmd) return d['result'] === 'ok' ? 'terminate_child of a pid that is no child returned :ok (rule 90)' : null;
  if ('start' in cmd) {
    const key = d['key'] as string;
    plans.set(key, cmd.start.outcomes);
    const max = model.limits.maxChildren;
    const full = max !== 'infinity' && model.countChildren().specs >= max;
    const expected = full ? 'max_children' : model.startChild(key, cmd.start.restart, nextOutcome(key));
    const got = startResultOf(d['result']!);
    return got === expected ? null : `start_child returned ${format(d['result']!)}, the model says ${expected} (rule 89${full ? `: max_children ${max}` : ''})`;
  }
  const key = d['key'] as string | undefined;
  if (d['skipped'] === true) {
    const running = model.whichChildren().running;
    if ('crash' in cmd && running.length > 0) return `no child was alive to crash, the model says [${running.join(', ')}] run`;
    return null;
  }
  if ('terminate' in cmd) {
    const expected = model.terminateChild(key !== undefined && model.has(key) ? key : null);
    const got = d['result'] === 'ok' ? 'ok' : isTagged(d['result'], 'error', 2) && (d['result'] as Tuple)[1] === 'not_found' ? 'not_found' : format(d['result']!);
    return got === expected ? null : `terminate_child returned ${format(d['result']!)}, the model says ${expected} (rule 90)`;
  }
  if (!model.has(key!)) return `the test crashed a running child the model does not know`;
  const reason = d['reason']!;
  // A restart is recorded when the supervisor takes the EXIT (rule 57), read from the trace.
  const taken = trace.find((e) => e.k === 'receive' && e.pid.id === sup.id && isTagged(e.msg, 'EXIT', 3) && e.msg[1] instanceof Pid && e.msg[1].id === (d['pid'] as Pid).id);
  if (!taken) return `the supervisor never took the EXIT of ${format(d['pid']!)}`;
  const effect = model.childExited(key!, modelReason(reason), taken.t, () => nextOutcome(key!));
  const got = reportCounts(trace, sup, from, to);
  const want = expectedReports(effect);
  if (format(got as unknown as TermObject) !== format(want as unknown as TermObject)) {
    return `after the child exited ${format(reason)} the supervisor wrote reports ${format(got as unknown as TermObject)}, the model says ${format(want as unknown as TermObject)} (${effect.kind}; rules 57, 92, 93)`;
  }
  return null;
}

export const properties: Target<DynCase>[] = [
  {
    id: 'p12-dynamic-supervisor-state:commands',
    title: 'start_child / crash / terminate_child / count_children / which_children agree with the model at every step',
    claim: 'children: map of pid → child spec; restarts: list of timestamps for rate limiting; max_children',
    input: dynCase(),
    program: dynProgram,
    check: checkCommands,
    catches: ['dynamic-max-children-off-by-one'],
  },
];
