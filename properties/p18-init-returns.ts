/**
 * Pattern 18 — init/1 return values: the full spectrum.
 *
 * Why (seed): ":ignore — process is disabled by configuration but might be enabled later via
 * Supervisor.restart_child/2; {:stop, reason} — unrecoverable initialization failure; :hibernate —
 * process will be idle for a long time, minimize memory; {:continue, _} — split fast init from slow
 * setup." — and: ":ignore means 'this child intentionally should not run right now.'
 * {:stop, reason} means 'this child tried to start and failed.' Conflating the two hides real
 * failures from your supervision tree."
 *
 * Claims checked against models/p18-init-returns.ts:
 * - `:start-link` (processes.md §3.1.4, §3.1.5, §8): for every init return, what
 *   `GenServer.start_link` returns, the server's exit reason, whether a non-trapping caller is
 *   killed (and whether it may see the result first: OTP 25 only), and what a trapping caller finds
 *   in its mailbox (`{:EXIT, pid, reason}` on OTP 25 — for `:ignore` too, with `:normal` — and
 *   nothing on OTP 26+);
 * - `:supervisor` (supervision.md rules 30, 32, 33, 77–81): a static supervisor starts children in
 *   order; `:ignore` keeps a non-temporary spec with pid `:undefined` (a temporary one is dropped)
 *   and is no failure; `{:stop, r}` and every other error fail the start with
 *   `{:shutdown, {:failed_to_start_child, id, r}}` after stopping the started children newest
 *   first; afterwards `restart_child` starts an ignored child (the "later activation"),
 *   `terminate_child`, `delete_child`, `start_child` and `which_children` answer as the model says.
 */
import fc from 'fast-check';
import {
  GenServer,
  Pid,
  Supervisor,
  TIMEOUT,
  Tuple,
  arbitraries,
  fails,
  format,
  holds,
  isTagged,
  match,
  monitor,
  receive,
  report,
  runProblem,
  sleep,
  spawn,
  trapExit,
  type AnyTarget,
  type Op,
  type Outcome,
  type Target,
  type Term,
  type TermObject,
  type TraceEvent,
} from '../src/index.js';
import {
  StaticInitModel,
  callerFate,
  leavesExitMessage,
  serverExit,
  startLinkResult,
  type InitReturn,
  type RestartType,
} from '../models/p18-init-returns.js';
import { InitScripts, initReturn, initSpec, initWorker, startInitWorker, type InitConfig } from './support/initWorker.js';

// ------------------------------------------------------------------------------- shared

/** A term printed with every pid as `PID` and OTP's internal child record as `CHILD`. */
export function shape(x: Term): string {
  return format(mask(x)).replace(/:__PID__/g, 'PID').replace(/:__CHILD__/g, 'CHILD');
}

function mask(x: Term): Term {
  if (x instanceof Pid) return '__PID__';
  if (isTagged(x, 'child', 9)) return '__CHILD__';
  if (x instanceof Tuple) {
    const out = new Tuple();
    for (const y of x) out.push(mask(y));
    return out;
  }
  if (Array.isArray(x)) return x.map(mask);
  return x;
}

function reportsNamed(trace: readonly TraceEvent[], name: string): Array<{ data: TermObject; pid: Pid; index: number }> {
  const out: Array<{ data: TermObject; pid: Pid; index: number }> = [];
  trace.forEach((e, index) => {
    if (e.k === 'report' && e.name === name) out.push({ data: e.data as TermObject, pid: e.pid, index });
  });
  return out;
}

function describe(init: InitReturn): string {
  const rest = Object.entries(init)
    .filter(([k]) => k !== 'kind')
    .map(([, v]) => String(v));
  return rest.length > 0 ? `${init.kind} ${rest.join(' ')}` : init.kind;
}

// ------------------------------------------------------------------------------- :start-link

interface StartLinkCase {
  readonly init: InitReturn;
  readonly traps: boolean;
}

function startLinkProgram(c: StartLinkCase) {
  return function* (): Op<void> {
    yield* trapExit(true);
    const scripts = new InitScripts();
    const mod = initWorker(scripts);
    const config: InitConfig = { id: 'server', script: [c.init] };
    const caller = yield* spawn(
      function* (): Op<void> {
        yield* report('case.caller', {});
        if (c.traps) yield* trapExit(true);
        const result = yield* startInitWorker(mod, scripts, config);
        yield* report('case.result', { result });
        yield* sleep(20);
        const exits: Term[] = [];
        for (;;) {
          const m = yield* receive(match.exit(), { after: 0 });
          if (m === TIMEOUT) break;
          exits.push(m);
        }
        yield* report('case.mailbox', { exits });
        if (isTagged(result, 'ok', 2)) yield* GenServer.stop(result[1]!);
      },
      { label: 'caller' },
    );
    const ref = yield* monitor(caller);
    yield* receive(match.down(ref), { after: 1000 });
  };
}

function startLinkCheck(o: Outcome<StartLinkCase>) {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const { init, traps } = o.input;
  const profile = o.semantics;
  const trace = o.run.trace;
  const what = `init/1 returning ${describe(init)} (${traps ? 'trapping' : 'non-trapping'} caller, ${profile})`;
  const callerPid = reportsNamed(trace, 'case.caller')[0]?.pid;
  if (!callerPid) return fails('the caller did not run');
  const serverSpawn = trace.find((e) => e.k === 'spawn' && e.parent?.id === callerPid.id) as Extract<TraceEvent, { k: 'spawn' }> | undefined;
  if (!serverSpawn) return fails(`${what}: no server process was spawned`);
  const exitOf = (pid: Pid) => (trace.find((e) => e.k === 'exit' && e.pid.id === pid.id) as Extract<TraceEvent, { k: 'exit' }> | undefined)?.reason;

  // The server's own exit reason (§3.1.4).
  const expectedExit = serverExit(init, profile);
  if (expectedExit !== null) {
    const got = exitOf(serverSpawn.pid);
    if (got === undefined || shape(got) !== expectedExit) {
      return fails(`${what}: the server exited ${got === undefined ? '(not at all)' : shape(got)}, expected ${expectedExit}`);
    }
  }

  // start_link's result, and the caller's fate (§3.1.5).
  const fate = traps ? { killed: false, returns: 'always' as const } : callerFate(init, profile);
  const result = reportsNamed(trace, 'case.result')[0]?.data['result'];
  const callerExit = exitOf(callerPid);
  if (result !== undefined && shape(result) !== startLinkResult(init, profile)) {
    return fails(`${what}: start_link returned ${shape(result)}, expected ${startLinkResult(init, profile)}`);
  }
  if (result === undefined && fate.returns === 'always') return fails(`${what}: start_link never returned (the caller exited ${callerExit === undefined ? 'not at all' : shape(callerExit)})`);
  if (result !== undefined && fate.returns === 'never') {
    return fails(`${what}: start_link returned ${shape(result)} before the caller was killed; on OTP 26+ the starter waits for the DOWN and dies inside start_link`);
  }
  const expectedCallerExit = fate.killed ? expectedExit! : ':normal';
  if (callerExit === undefined || shape(callerExit) !== expectedCallerExit) {
    return fails(`${what}: the caller exited ${callerExit === undefined ? '(not at all)' : shape(callerExit)}, expected ${expectedCallerExit}`);
  }

  // A trapping caller's mailbox afterwards (§3.1.5, §8 / D1).
  if (traps) {
    const exits = (reportsNamed(trace, 'case.mailbox')[0]?.data['exits'] ?? []) as Term[];
    const expected = leavesExitMessage(init, profile) ? [`{:EXIT, PID, ${serverExit(init, profile)!}}`] : [];
    const got = exits.map(shape);
    if (got.join() !== expected.join()) return fails(`${what}: the caller's mailbox held [${got.join(', ')}], expected [${expected.join(', ')}]`);
  }
  return holds;
}

const startLink: Target<StartLinkCase> = {
  id: 'p18-init-returns:start-link',
  title: 'every init/1 return gives the start_link result, server exit, caller fate and mailbox of §3.1.4–§3.1.5',
  claim: ':ignore — don’t start, no failure; {:stop, reason} — initialization failed',
  input: fc.record({ init: initReturn, traps: fc.boolean() }),
  program: startLinkProgram,
  check: startLinkCheck,
};

// ------------------------------------------------------------------------------- :supervisor

interface ChildPlan {
  readonly id: string;
  readonly restart: RestartType;
  readonly script: InitReturn[];
}

type SupCommand = { readonly kind: 'restart_child' | 'terminate_child' | 'delete_child' | 'start_child' | 'which_children'; readonly child: string };

interface SupCase {
  /** Children given at start-up, in order. */
  readonly children: ChildPlan[];
  /** Children that only `start_child` adds. */
  readonly extra: ChildPlan[];
  readonly commands: SupCommand[];
}

/** Start-up returns are mostly fine, so that the API commands get to run. */
const firstReturn: fc.Arbitrary<InitReturn> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<InitReturn>({ kind: 'ok' }) },
  { weight: 4, arbitrary: fc.constant<InitReturn>({ kind: 'ignore' }) },
  { weight: 2, arbitrary: initReturn },
);

const planBody = fc.record({
  restart: arbitraries.restartType,
  script: fc.tuple(firstReturn, fc.array(initReturn, { maxLength: 3 })).map(([a, rest]) => [a, ...rest]),
});

/** Ids are positional (`c1…`, `n1…`), so that shrinking a list keeps the rest of the case valid. */
const plans = (prefix: string, min: number, max: number): fc.Arbitrary<ChildPlan[]> =>
  fc.array(planBody, { minLength: min, maxLength: max }).map((list) => list.map((p, i) => ({ id: `${prefix}${i + 1}`, ...p })));

const supCase: fc.Arbitrary<SupCase> = fc.record({
  children: plans('c', 1, 4),
  extra: plans('n', 0, 2),
  commands: fc.array(
    fc.record({
      kind: fc.constantFrom<SupCommand['kind']>('restart_child', 'restart_child', 'terminate_child', 'delete_child', 'start_child', 'which_children'),
      child: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'n1', 'n2'),
    }),
    { maxLength: 10 },
  ),
});

/** The plan of a child id; an id no plan names starts fine (`start_child` of a fresh spec). */
function planOf(c: SupCase, id: string): ChildPlan {
  return [...c.children, ...c.extra].find((p) => p.id === id) ?? { id, restart: 'permanent', script: [{ kind: 'ok' }] };
}

function supProgram(c: SupCase) {
  return function* (): Op<void> {
    yield* trapExit(true);
    const mod = initWorker(new InitScripts());
    const specOf = (p: ChildPlan) => initSpec(mod, { id: p.id, script: p.script }, { restart: p.restart });
    const result = yield* Supervisor.startLink(c.children.map(specOf), { strategy: 'one_for_one' });
    yield* report('case.start', { result });
    if (!isTagged(result, 'ok', 2)) return;
    const sup = result[1]!;
    for (const [n, cmd] of c.commands.entries()) {
      const known = planOf(c, cmd.child);
      let answer: Term;
      switch (cmd.kind) {
        case 'restart_child':
          answer = yield* Supervisor.restartChild(sup, cmd.child);
          break;
        case 'terminate_child':
          answer = yield* Supervisor.terminateChild(sup, cmd.child);
          break;
        case 'delete_child':
          answer = yield* Supervisor.deleteChild(sup, cmd.child);
          break;
        case 'start_child':
          answer = yield* Supervisor.startChild(sup, specOf(known));
          break;
        case 'which_children':
          answer = (yield* Supervisor.whichChildren(sup)).map((x) => new Tuple((x as Term[])[0]!, (x as Term[])[1]!));
          break;
      }
      yield* report('cmd.result', { n, result: answer });
    }
    yield* Supervisor.stop(sup);
  };
}

function supCheck(o: Outcome<SupCase>) {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const c = o.input;
  const trace = o.run.trace;
  const model = new StaticInitModel(c.children, (id, n) => planOf(c, id).script[n - 1] ?? { kind: 'ok' }, o.semantics);
  const startAt = reportsNamed(trace, 'case.start')[0];
  if (!startAt) return fails('the supervisor start did not return');

  // Start-up: attempts in list order, the rollback newest first, the result (rules 29, 32, 33).
  const up = model.startUp();
  const attempts = trace.slice(0, startAt.index).filter((e) => e.k === 'report' && (e.name === 'worker.start' || e.name === 'worker.start_failed'));
  const attempted = attempts.map((e) => ((e as { data: TermObject }).data['id'] as string));
  const plansText = c.children.map((p) => `${p.id} (${p.restart}) ${describe(p.script[0]!)}`).join(', ');
  const got = shape(startAt.data['result']!);
  if (got !== up.result) return fails(`start-up of [${plansText}]: Supervisor.start_link returned ${got}, expected ${up.result}`);
  if (attempted.join() !== up.attempted.join()) return fails(`start-up of [${plansText}]: start attempts [${attempted.join(', ')}], expected [${up.attempted.join(', ')}]`);
  if (up.rolledBack.length > 0) {
    const identity = new Map<number, string>();
    for (const e of attempts) if (e.k === 'report' && e.name === 'worker.start') identity.set(e.pid.id, (e.data as TermObject)['id'] as string);
    const stopped = trace
      .slice(0, startAt.index)
      .filter((e) => e.k === 'signal' && e.kind === 'exit' && identity.has(e.to.id) && e.from.id !== e.to.id)
      .map((e) => identity.get((e as Extract<TraceEvent, { k: 'signal' }>).to.id)!);
    if (stopped.join() !== up.rolledBack.join()) return fails(`start-up of [${plansText}]: rolled back [${stopped.join(', ')}], expected [${up.rolledBack.join(', ')}] (rule 33)`);
  }
  if (model.stopped) return holds;

  // The API afterwards, one call at a time.
  const results = reportsNamed(trace, 'cmd.result');
  for (const [n, cmd] of c.commands.entries()) {
    const r = results.find((x) => x.data['n'] === n);
    if (!r) return fails(`command ${n + 1} (${cmd.kind} ${cmd.child}) did not return`);
    let expected: string;
    if (cmd.kind === 'restart_child') expected = model.restartChild(cmd.child).result;
    else if (cmd.kind === 'terminate_child') expected = model.terminateChild(cmd.child).result;
    else if (cmd.kind === 'delete_child') expected = model.deleteChild(cmd.child);
    else if (cmd.kind === 'start_child') expected = model.startChild(planOf(c, cmd.child)).result;
    else expected = model.whichChildren();
    const answer = shape(r.data['result']!);
    if (answer !== expected) {
      const history = c.commands.slice(0, n).map((x) => `${x.kind} ${x.child}`).join('; ');
      return fails(
        `after start-up of [${plansText}]${history ? ` and [${history}]` : ''}: ${cmd.kind} ${cmd.child} (next init: ${describe(nextInit(planOf(c, cmd.child), trace))}) answered ${answer}, expected ${expected}`,
      );
    }
  }
  const made = trace.filter((e) => e.k === 'report' && (e.name === 'worker.start' || e.name === 'worker.start_failed')).length;
  if (made !== model.totalAttempts) return fails(`the supervisor made ${made} start attempts, the model ${model.totalAttempts}`);
  return holds;
}

/** The init return the child's next attempt would get (for messages). */
function nextInit(p: ChildPlan, trace: readonly TraceEvent[]): InitReturn {
  const done = trace.filter((e) => e.k === 'report' && (e.name === 'worker.start' || e.name === 'worker.start_failed') && (e.data as TermObject)['id'] === p.id).length;
  return p.script[done] ?? { kind: 'ok' };
}

const supervisor: Target<SupCase> = {
  id: 'p18-init-returns:supervisor',
  title: 'a supervisor keeps ignored children for restart_child and fails its start on {:stop, r}, as rules 30–33 and 77–81 say',
  claim: ':ignore — supervisor treats as successful (child can be restarted later); {:stop, reason} — initialization failed',
  input: supCase,
  program: supProgram,
  check: supCheck,
  catches: ['ignore-is-failure'],
};

export const properties: AnyTarget[] = [startLink, supervisor];
