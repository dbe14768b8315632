/**
 * The program behind the pattern 13 properties: a static supervisor (or a DynamicSupervisor) of
 * scripted workers whose restarts fail on schedule, driven by a generated sequence of commands —
 * crashes, kills and the supervisor API (`terminate_child`, `restart_child`, `delete_child`,
 * `which_children`). Each command runs in a process of its own at its time, so commands issued at
 * the same moment are concurrent and land in the supervisor's mailbox while a restart is being
 * retried (rules 45, 116). Reads only the public API.
 */
import fc from 'fast-check';
import {
  DynamicSupervisor,
  Pid,
  Supervisor,
  TIMEOUT,
  exitSignal,
  isTagged,
  match,
  now,
  receive,
  reasonTerm,
  report,
  send,
  sleep,
  spawn,
  arbitraries,
  t,
  trapExit,
  type ErlModule,
  type Op,
  type ProcessBody,
  type ReasonSpec,
  type Term,
  type TermObject,
} from '../../src/index.js';
import { StartScripts, scriptedSpec, scriptedWorker, type StartOutcome } from './scriptedWorker.js';

export type RestartType = 'permanent' | 'transient' | 'temporary';
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

export interface RetryChild {
  readonly id: string;
  readonly restart: RestartType;
  readonly shutdown: 'brutal_kill' | number;
  /** Outcome of start attempt n is `script[n - 1]` (then `ok`); attempt 1 is the start-up. */
  readonly script: StartOutcome[];
  /** How long each start attempt takes; calls queue up in the supervisor's mailbox meanwhile. */
  readonly startMs: number;
}

export type Command =
  | { readonly at: number; readonly kind: 'crash'; readonly child: string; readonly reason: ReasonSpec }
  | { readonly at: number; readonly kind: 'kill'; readonly child: string }
  | { readonly at: number; readonly kind: 'terminate_child' | 'restart_child' | 'delete_child' | 'which_children'; readonly child: string };

export interface RetryCase {
  readonly strategy: Strategy;
  readonly maxRestarts: number;
  readonly maxSeconds: number;
  readonly children: RetryChild[];
  readonly commands: Command[];
}

/** Virtual time after which a still-running supervisor is stopped. */
export const RETRY_HORIZON_MS = 6000;

// ------------------------------------------------------------------------------- arbitraries

/** Outcomes of restart attempts: failures are frequent, so retries pile up. */
const restartOutcome: fc.Arbitrary<StartOutcome> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<StartOutcome>('ok') },
  { weight: 3, arbitrary: fc.constant<StartOutcome>('error') },
  { weight: 1, arbitrary: fc.constant<StartOutcome>('stop') },
  { weight: 1, arbitrary: fc.constant<StartOutcome>('raise') },
  { weight: 1, arbitrary: fc.constant<StartOutcome>('ignore') },
);

/** The start-up attempt succeeds or ignores: start-up failures are pattern 18's subject. */
const startUpOutcome: fc.Arbitrary<StartOutcome> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<StartOutcome>('ok') },
  { weight: 1, arbitrary: fc.constant<StartOutcome>('ignore') },
);

export function script(first: fc.Arbitrary<StartOutcome> = startUpOutcome): fc.Arbitrary<StartOutcome[]> {
  return fc.tuple(first, fc.array(restartOutcome, { maxLength: 8 })).map(([a, rest]) => [a, ...rest]);
}

/** Start attempts are instant or slow enough for concurrent commands to queue behind them. */
const startMs = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 }));

function retryChild(id: string): fc.Arbitrary<RetryChild> {
  return fc.record({
    id: fc.constant(id),
    restart: arbitraries.restartType,
    shutdown: fc.constantFrom<'brutal_kill' | number>(5000, 'brutal_kill'),
    script: script(),
    startMs,
  });
}

/** Command times cluster on a few instants, so crashes and API calls collide with retries. */
const commandTime = fc.tuple(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 3 })).map(([slot, jitter]) => slot * 250 + jitter);

export function command(ids: readonly string[], apiKinds: ReadonlyArray<Command['kind']>): fc.Arbitrary<Command> {
  const child = fc.constantFrom(...ids);
  const arbs: Array<fc.Arbitrary<Command>> = [
    fc.record({ at: commandTime, kind: fc.constant('crash' as const), child, reason: arbitraries.reason }),
    fc.record({ at: commandTime, kind: fc.constant('kill' as const), child }),
  ];
  for (const kind of apiKinds) {
    if (kind === 'crash' || kind === 'kill') continue;
    arbs.push(fc.record({ at: commandTime, kind: fc.constant(kind), child }));
  }
  return fc.oneof(...arbs);
}

/**
 * A burst: a crash or kill of one child at some instant, followed within a few ms by API calls
 * (mostly about the same child) that land in the mailbox while its restart is being attempted.
 */
function burst(ids: readonly string[], apiKinds: ReadonlyArray<Command['kind']>): fc.Arbitrary<Command[]> {
  const api = apiKinds.filter((k) => k !== 'crash' && k !== 'kill') as Array<Exclude<Command['kind'], 'crash' | 'kill'>>;
  return fc
    .record({
      fault: command(ids, []),
      followUps: fc.array(
        fc.record({ delay: fc.integer({ min: 0, max: 30 }), kind: fc.constantFrom(...api), other: fc.option(fc.constantFrom(...ids), { freq: 4 }) }),
        { maxLength: 3 },
      ),
    })
    .map(({ fault, followUps }) => [
      fault,
      ...followUps.map((f): Command => ({ at: fault.at + f.delay, kind: f.kind, child: f.other ?? fault.child })),
    ]);
}

export function retryCase(options: { maxChildren?: number; maxCommands?: number } = {}): fc.Arbitrary<RetryCase> {
  return fc
    .record({
      strategy: arbitraries.strategy,
      maxRestarts: fc.integer({ min: 0, max: 5 }),
      maxSeconds: fc.integer({ min: 1, max: 5 }),
      size: fc.integer({ min: 1, max: options.maxChildren ?? 4 }),
    })
    .chain((c) =>
      fc
        .tuple(...Array.from({ length: c.size }, (_, i) => retryChild(`c${i + 1}`)))
        .chain((children) => {
          const ids = children.map((x) => x.id);
          const kinds: Array<Command['kind']> = ['terminate_child', 'restart_child', 'delete_child', 'which_children'];
          const max = options.maxCommands ?? 8;
          return fc
            .tuple(fc.array(burst(ids, kinds), { minLength: 1, maxLength: Math.ceil(max / 2) }), fc.array(command(ids, kinds), { maxLength: Math.floor(max / 2) }))
            .map(([bursts, singles]) => ({
              strategy: c.strategy,
              maxRestarts: c.maxRestarts,
              maxSeconds: c.maxSeconds,
              children,
              commands: [...bursts.flat(), ...singles],
            }));
        }),
    );
}

// ------------------------------------------------------------------------------- the programs

/** The child spec maps of a static case. */
export function staticSpecs(scripts: StartScripts, children: readonly RetryChild[]): TermObject[] {
  const mod = scriptedWorker(scripts);
  return children.map((c) => scriptedSpec(mod, { id: c.id, script: c.script, startMs: c.startMs }, { restart: c.restart, shutdown: c.shutdown as Term }));
}

/** The current pid of static child `id`, or undefined. */
function* staticPid(sup: Pid, id: string): Op<Pid | undefined> {
  for (const c of yield* Supervisor.whichChildren(sup)) {
    const [cid, pid] = c as Term[];
    if (cid === id && pid instanceof Pid) return pid;
  }
  return undefined;
}

/** One command, run by a process of its own. Exits (the supervisor is gone) end it quietly. */
function* runStaticCommand(sup: Pid, cmd: Command): Op<void> {
  switch (cmd.kind) {
    case 'crash':
    case 'kill': {
      const pid = yield* staticPid(sup, cmd.child);
      if (!pid) return;
      if (cmd.kind === 'kill') yield* exitSignal(pid, 'kill');
      else yield* send(pid, t('crash', reasonTerm(cmd.reason)));
      return;
    }
    case 'terminate_child':
      yield* Supervisor.terminateChild(sup, cmd.child);
      return;
    case 'restart_child':
      yield* Supervisor.restartChild(sup, cmd.child);
      return;
    case 'delete_child':
      yield* Supervisor.deleteChild(sup, cmd.child);
      return;
    case 'which_children':
      yield* Supervisor.whichChildren(sup);
      return;
  }
}

/** Sleeps until each command's time and starts it in a process of its own (label `cmd:n`). */
export function* commander<C extends { readonly at: number }>(commands: readonly C[], run: (cmd: C) => Op<void>): Op<void> {
  const ordered = commands.map((c, n) => ({ c, n })).sort((a, b) => a.c.at - b.c.at || a.n - b.n);
  for (const { c, n } of ordered) {
    const wait = c.at - (yield* now());
    if (wait > 0) yield* sleep(wait);
    yield* spawn(() => run(c), { label: `cmd:${n}` });
  }
}

export function staticRetryProgram(c: RetryCase, horizon = RETRY_HORIZON_MS): ProcessBody {
  return function* (): Op<void> {
    yield* trapExit(true);
    const scripts = new StartScripts();
    const opts = { strategy: c.strategy, maxRestarts: c.maxRestarts, maxSeconds: c.maxSeconds };
    const result = yield* Supervisor.startLink(staticSpecs(scripts, c.children), opts);
    yield* report('case.start', { result });
    if (!isTagged(result, 'ok', 2)) return;
    const sup = result[1] as Pid;
    yield* spawn(() => commander(c.commands, (cmd) => runStaticCommand(sup, cmd)), { label: 'commander' });
    const ended = yield* receive(match.exit(sup), { after: horizon });
    if (ended === TIMEOUT) {
      yield* Supervisor.stop(sup, 'shutdown');
      yield* receive(match.exit(sup));
    }
  };
}

// ------------------------------------------------------------------------------- DynamicSupervisor

export interface DynamicChildPlan {
  readonly restart: RestartType;
  readonly shutdown: 'brutal_kill' | number;
  readonly script: StartOutcome[];
  readonly startMs: number;
}

export type DynamicCommand =
  | { readonly at: number; readonly kind: 'start_child'; readonly child: string }
  | { readonly at: number; readonly kind: 'crash'; readonly child: string; readonly reason: ReasonSpec }
  | { readonly at: number; readonly kind: 'kill' | 'terminate_child' | 'count_children'; readonly child: string };

export interface DynamicRetryCase {
  readonly maxRestarts: number;
  readonly maxSeconds: number;
  readonly maxChildren: number | 'infinity';
  /** Child plans by handle (`d1`, `d2`, …); the handle is the worker's id. */
  readonly children: Record<string, DynamicChildPlan>;
  readonly commands: DynamicCommand[];
}

export function dynamicRetryCase(): fc.Arbitrary<DynamicRetryCase> {
  return fc
    .record({
      maxRestarts: fc.integer({ min: 0, max: 5 }),
      maxSeconds: fc.integer({ min: 1, max: 5 }),
      maxChildren: fc.oneof(fc.constant<number | 'infinity'>('infinity'), fc.integer({ min: 0, max: 3 })),
      size: fc.integer({ min: 1, max: 4 }),
    })
    .chain((c) => {
      const handles = Array.from({ length: c.size }, (_, i) => `d${i + 1}`);
      const plan = fc.record({
        restart: arbitraries.restartType,
        shutdown: fc.constantFrom<'brutal_kill' | number>(5000, 'brutal_kill'),
        script: script(fc.oneof({ weight: 6, arbitrary: fc.constant<StartOutcome>('ok') }, { weight: 1, arbitrary: restartOutcome })),
        startMs,
      });
      const child = fc.constantFrom(...handles);
      const cmd: fc.Arbitrary<DynamicCommand> = fc.oneof(
        fc.record({ at: commandTime, kind: fc.constant('crash' as const), child, reason: arbitraries.reason }),
        fc.record({ at: commandTime, kind: fc.constantFrom('kill' as const, 'terminate_child' as const, 'count_children' as const), child }),
      );
      // Every handle is started once, early; then faults and API calls.
      const starts = handles.map((h, i): DynamicCommand => ({ at: i, kind: 'start_child', child: h }));
      return fc
        .record({ plans: fc.tuple(...handles.map(() => plan)), commands: fc.array(cmd, { minLength: 1, maxLength: 8 }) })
        .map(({ plans, commands }) => ({
          maxRestarts: c.maxRestarts,
          maxSeconds: c.maxSeconds,
          maxChildren: c.maxChildren,
          children: Object.fromEntries(handles.map((h, i) => [h, plans[i]!])),
          commands: [...starts, ...commands],
        }));
    });
}

function* runDynamicCommand(sup: Pid, c: DynamicRetryCase, mod: ErlModule, scripts: StartScripts, cmd: DynamicCommand): Op<void> {
  const plan = c.children[cmd.child]!;
  switch (cmd.kind) {
    case 'start_child': {
      const spec = scriptedSpec(mod, { id: cmd.child, script: plan.script, startMs: plan.startMs }, { restart: plan.restart, shutdown: plan.shutdown as Term });
      yield* DynamicSupervisor.startChild(sup, spec);
      return;
    }
    case 'count_children':
      yield* DynamicSupervisor.countChildren(sup);
      return;
    default: {
      // The handle's newest pid (which_children carries no ids); it may be dead already.
      const pid = scripts.pidOf(cmd.child);
      if (!pid) return;
      if (cmd.kind === 'kill') yield* exitSignal(pid, 'kill');
      else if (cmd.kind === 'crash') yield* send(pid, t('crash', reasonTerm(cmd.reason)));
      else yield* DynamicSupervisor.terminateChild(sup, pid);
    }
  }
}

export function dynamicRetryProgram(c: DynamicRetryCase, horizon = RETRY_HORIZON_MS): ProcessBody {
  return function* (): Op<void> {
    yield* trapExit(true);
    const scripts = new StartScripts();
    const mod = scriptedWorker(scripts);
    const result = yield* DynamicSupervisor.startLink({ maxRestarts: c.maxRestarts, maxSeconds: c.maxSeconds, maxChildren: c.maxChildren });
    yield* report('case.start', { result });
    if (!isTagged(result, 'ok', 2)) return;
    const sup = result[1] as Pid;
    yield* spawn(() => commander(c.commands, (cmd) => runDynamicCommand(sup, c, mod, scripts, cmd as DynamicCommand)), { label: 'commander' });
    const ended = yield* receive(match.exit(sup), { after: horizon });
    if (ended === TIMEOUT) {
      yield* DynamicSupervisor.stop(sup, 'shutdown');
      yield* receive(match.exit(sup));
    }
  };
}

/** The programs above report `case.start` as the tree case's does: the same reader finds the supervisor. */
export { supervisorOf } from './treeCase.js';
