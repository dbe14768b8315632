/**
 * Pattern 12 — DynamicSupervisor internal state: the seed's four examples, ported.
 *
 * Why (seed): "The children field uses a %{} map keyed by PID for O(1) lookup/deletion on child
 * exit." … "Anti-pattern: Using a list for children lookup (O(n) on every EXIT message)" … "The
 * standard supervisors are battle-tested over decades. Build custom only when you need semantics
 * they don't provide."
 *
 * - before (`%{children: []}`, `Enum.reject/2` per EXIT) and after (`defstruct children: %{}`,
 *   `Map.pop/2` per EXIT), ported with scenarios/support/customSupervisors.ts, supervise children
 *   that exit at generated times with generated reasons. The claim is about cost: *handling a
 *   child's EXIT costs O(1)* — the entries the lookup visits (counted by the ported collection
 *   operations) never exceed what a map keyed by pid needs (`exitLookupCost('map', n)`,
 *   models/p12-dynamic-supervisor-state.ts). A supervisor must also outlive its children's exits
 *   and forget the dead ones, or there is nothing to measure.
 * - over (`MyApp.FancySupervisor`, hand-written restart logic, child tracking and shutdown
 *   handling; the seed elides its 200 lines, so the port is a typical one whose mistakes are
 *   marked `BUG:` in the support file) and better (`{DynamicSupervisor, name:
 *   MyApp.FancySupervisor, strategy: :one_for_one}`) run the same generated workload
 *   (scenarios/support/supervisorWorkload.ts). The claim: *it behaves like DynamicSupervisor* —
 *   after every crash its children are what the DynamicSupervisor model says (decision table,
 *   restart intensity 3 in 5 s), and when it is stopped no child outlives it.
 *
 * What really happens, where the seed is wrong about OTP: the before example's `init/1` does not
 * call `Process.flag(:trap_exit, true)` (the after example does). A GenServer that does not trap
 * exits never receives `{:EXIT, pid, reason}` as a message: a child exiting `:normal` is ignored
 * silently, so its entry is never removed, and a child that crashes takes the supervisor down with
 * it through the link (checked on Elixir 1.14/OTP 25 and 1.18/OTP 27). So the O(n) scan the text
 * warns about never runs; the counterexample the harness finds is the supervisor dying with its
 * child, or a dead child it keeps listing. With trap_exit added, the list costs one visit per
 * child on every EXIT, which is the text's point.
 */
import fc from 'fast-check';
import {
  DynamicSupervisor,
  GenServer,
  Pid,
  TIMEOUT,
  Tuple,
  fails,
  format,
  holds,
  isTagged,
  match,
  receive,
  report,
  t,
  traceQuery,
  trapExit,
  type CheckResult,
  type ErlModule,
  type Op,
  type Outcome,
  type Target,
  type Term,
} from '../src/index.js';
import { DynamicSupervisorModel, exitLookupCost, type ExitEffect } from '../models/p12-dynamic-supervisor-state.js';
import type { Reason } from '../models/p05-restart-values.js';
import { ShortLivedChild, fancySupervisor, listSupervisor, mapSupervisor, type ChildReason } from './support/customSupervisors.js';
import { workload, workloadProgram, type SupervisorApi, type Workload } from './support/supervisorWorkload.js';

// ------------------------------------------------------------------------------- before / after

interface ExitsInput {
  readonly children: ReadonlyArray<{ readonly lifetimeMs: number; readonly reason: ChildReason }>;
}

const exitsInput: fc.Arbitrary<ExitsInput> = fc.record({
  children: fc.array(fc.record({ lifetimeMs: fc.integer({ min: 1, max: 5000 }), reason: fc.constantFrom<ChildReason>('boom', 'normal', 'shutdown', 'kill') }), {
    minLength: 1,
    maxLength: 30,
  }),
});

const HORIZON_MS = 6000;

function exitsProgram(supervisor: () => ErlModule) {
  return (input: ExitsInput) =>
    function* (): Op<void> {
      yield* trapExit(true);
      const started = yield* GenServer.startLink(supervisor(), []);
      yield* report('case.start', { result: started });
      if (!isTagged(started, 'ok', 2)) return;
      const sup = started[1] as Pid;
      for (const c of input.children) {
        yield* GenServer.call(sup, t('start_child', t(ShortLivedChild, c as unknown as Term)));
      }
      const died = yield* receive(match.exit(sup), { after: HORIZON_MS });
      if (died === TIMEOUT) yield* GenServer.stop(sup, 'shutdown');
    };
}

/** The claims: the supervisor survives and forgets every exited child, and each EXIT costs one lookup. */
function exitsCostO1(o: Outcome<ExitsInput>): CheckResult {
  const v = o.run.verdict;
  if (v.kind === 'divergence') return fails(`the run diverged: ${v.detail}`);
  const trace = o.run.trace;
  const start = traceQuery.reports(trace, 'case.start')[0]?.data['result'];
  if (!isTagged(start, 'ok', 2)) return fails(`the supervisor did not start: ${format(start ?? 'nothing')}`);
  const sup = start[1] as Pid;
  const supExitAt = traceQuery.exitIndex(trace, sup);
  const children = new Set<number>();
  for (const e of trace) if (e.k === 'spawn' && e.parent?.id === sup.id) children.add(e.pid.id);
  const childExits = trace.flatMap((e, index) => (e.k === 'exit' && children.has(e.pid.id) && (supExitAt < 0 || index < supExitAt) ? [{ reason: e.reason, t: e.t }] : []));
  const supReason = supExitAt >= 0 ? (trace[supExitAt] as { reason: Term }).reason : undefined;
  if (supReason !== undefined && supReason !== 'shutdown') {
    return fails(
      `MyApp.CustomSupervisor died with ${format(supReason)} when its child exited with it: its init/1 never sets trap_exit, so the child's exit signal killed it through the link ` +
        `instead of arriving as the {:EXIT, pid, reason} message handle_info/2 was written for (the O(n) scan never even runs)`,
    );
  }
  const lookups = traceQuery.reports(trace, 'lookup');
  if (lookups.length < childExits.length) {
    const ignored = childExits.length - lookups.length;
    return fails(
      `${childExits.length} children exited (${childExits.map((e) => format(e.reason)).join(', ')}) but handle_info/2 removed only ${lookups.length}: ` +
        `without trap_exit a :normal exit sends no message, so ${ignored} dead child${ignored === 1 ? ' stays' : 'ren stay'} in the list forever`,
    );
  }
  for (const l of lookups) {
    const n = l.data['children'] as number;
    const visited = l.data['visited'] as number;
    const bound = exitLookupCost('map', n);
    if (visited > bound) {
      return fails(`handling one {:EXIT, pid, _} at ${l.t} ms visited ${visited} of ${n} child entries; a map keyed by pid finds it with ${bound} lookup (O(n) per EXIT, not O(1))`);
    }
  }
  return holds;
}

// ------------------------------------------------------------------------------- over / better

const FANCY = 'Elixir.MyApp.FancySupervisor';

/** over: `MyApp.FancySupervisor`, a hand-written GenServer supervisor. */
const fancyApi: SupervisorApi = {
  startLink: () => GenServer.startLink(fancySupervisor(), [], { name: FANCY }),
  startChild: (sup, spec) => GenServer.call(sup, t('start_child', spec), 'infinity'),
  whichChildren: (sup) => GenServer.call(sup, 'which_children', 'infinity') as Op<Term[]>,
};

/** better: `{DynamicSupervisor, name: MyApp.FancySupervisor, strategy: :one_for_one}`. */
const dynamicApi: SupervisorApi = {
  startLink: () => DynamicSupervisor.startLink({ name: FANCY, strategy: 'one_for_one' }),
  startChild: (sup, spec) => DynamicSupervisor.startChild(sup, spec),
  whichChildren: (sup) => DynamicSupervisor.whichChildren(sup),
};

function modelReason(r: Term): Reason {
  if (isTagged(r, 'shutdown', 2)) return { shutdown: format(r[1]!) };
  return typeof r === 'string' ? r : format(r);
}

function describeEffect(effect: ExitEffect): string {
  switch (effect.kind) {
    case 'ignored':
      return 'nothing happens';
    case 'deleted':
      return 'the child is not restarted (rule 37: a normal exit of a transient or any exit of a temporary child)';
    case 'restarted':
      return 'the child is restarted';
    case 'escalated':
      return 'the restart intensity (3 in 5 s) is exceeded, so the supervisor shuts down (rule 57)';
  }
}

/** The claim: after every crash the children are what DynamicSupervisor's model says; nothing outlives `stop`. */
function behavesLikeDynamicSupervisor(o: Outcome<Workload>): CheckResult {
  const v = o.run.verdict;
  if (v.kind === 'divergence') return fails(`the run diverged: ${v.detail}`);
  const trace = o.run.trace;
  const keyByPid = new Map(traceQuery.reports(trace, 'work.start').map((r) => [r.pid.id, r.data['key'] as string]));
  const model = new DynamicSupervisorModel({ maxChildren: 'infinity', maxRestarts: 3, maxSeconds: 5 });
  const observed = traceQuery.reports(trace, 'work.cmd');
  const restarts: number[] = [];
  for (const [i, cmd] of o.input.commands.entries()) {
    const d = observed[i]?.data;
    if (!d) return fails(`command ${i + 1} never completed`);
    const where = `command ${i + 1} ${JSON.stringify(cmd)}`;
    if (d['dead'] === true) {
      if (model.alive) return fails(`${where}: the supervisor is gone, DynamicSupervisor would still run`);
      continue;
    }
    let effect: ExitEffect | undefined;
    if ('start' in cmd) {
      model.startChild(d['key'] as string, cmd.start.restart, 'ok');
      if (!isTagged(d['result'], 'ok', 2)) return fails(`${where}: start_child returned ${format(d['result']!)}`);
    } else if ('crash' in cmd && d['skipped'] !== true) {
      const at = exitTakenAt(trace, d['pid'] as Pid);
      if (at === undefined) return fails(`${where}: the supervisor never took the EXIT of ${format(d['pid']!)}`);
      effect = model.childExited(d['key'] as string, modelReason(d['reason']!), at, () => 'ok');
      if (effect.kind === 'restarted' || effect.kind === 'escalated') restarts.push(at);
    }
    const problem = compareChildren(d['after']!, model, keyByPid);
    if (problem) {
      const what = effect ? ` after ${format(d['key']!)} exited ${format(d['reason']!)} — with DynamicSupervisor ${describeEffect(effect)}` : '';
      const recent = effect?.kind === 'escalated' ? ` (exits handled at ${restarts.map((x) => `${x} ms`).join(', ')})` : '';
      return fails(`${where}: ${problem}${what}${recent}`);
    }
  }
  const stopped = traceQuery.reports(trace, 'case.stopped')[0]?.data['outlived'] as string[] | undefined;
  if (stopped && stopped.length > 0) {
    return fails(`when stop/1 returned, ${stopped.join(', ')} (trapping exits, cleaning up in terminate/2) ${stopped.length === 1 ? 'was' : 'were'} still alive: the supervisor sent :shutdown and did not wait for the exit (DynamicSupervisor waits for every DOWN, up to the shutdown timeout, rule 95)`);
  }
  return holds;
}

/** When the child's supervisor (a process linked to it) took `{:EXIT, pid, _}`: when a restart is recorded (rule 57). */
function exitTakenAt(trace: Outcome<Workload>['run']['trace'], pid: Pid): number | undefined {
  for (const e of trace) if (e.k === 'receive' && isTagged(e.msg, 'EXIT', 3) && e.msg[1] instanceof Pid && e.msg[1].id === pid.id) return e.t;
  return undefined;
}

function compareChildren(after: Term, model: DynamicSupervisorModel, keyByPid: ReadonlyMap<number, string>): string | null {
  if (after === 'dead') return model.alive ? 'the supervisor is gone, the model says it runs' : null;
  if (!model.alive) return 'the supervisor is still running';
  const running = (after as Tuple[]).flatMap((c) => (c[1] instanceof Pid ? [keyByPid.get(c[1].id) ?? format(c[1])] : [])).sort();
  const want = model.whichChildren().running;
  return format(running) === format(want) ? null : `it supervises [${running.join(', ')}], DynamicSupervisor would supervise [${want.join(', ')}]`;
}

const ID = 'p12-dynamic-supervisor-state';
const runtime = { maxSteps: 200_000, maxTime: 120_000 };

export const variants: Array<Target<ExitsInput> | Target<Workload>> = [
  {
    id: `${ID}/before`,
    title: 'a custom supervisor with a list of children: what does each EXIT cost?',
    claim: 'Using a list to track children — O(n) on every EXIT message',
    input: exitsInput,
    program: exitsProgram(listSupervisor),
    check: exitsCostO1,
    expect: 'fails',
    runtime,
  } satisfies Target<ExitsInput>,
  {
    id: `${ID}/after`,
    title: 'a custom supervisor with a map keyed by pid handles each EXIT with one lookup',
    claim: 'The children field uses a %{} map keyed by PID for O(1) lookup/deletion on child exit',
    input: exitsInput,
    program: exitsProgram(mapSupervisor),
    check: exitsCostO1,
    expect: 'holds',
    runtime,
  } satisfies Target<ExitsInput>,
  {
    id: `${ID}/over`,
    title: 'a hand-written FancySupervisor: does it behave like DynamicSupervisor?',
    claim: "Congratulations, you've reimplemented DynamicSupervisor with more bugs",
    input: workload,
    program: workloadProgram(fancyApi),
    check: behavesLikeDynamicSupervisor,
    expect: 'fails',
    runtime,
  } satisfies Target<Workload>,
  {
    id: `${ID}/better`,
    title: 'the standard DynamicSupervisor',
    claim: 'Just use the standard one',
    input: workload,
    program: workloadProgram(dynamicApi),
    check: behavesLikeDynamicSupervisor,
    expect: 'holds',
    runtime,
  } satisfies Target<Workload>,
];

