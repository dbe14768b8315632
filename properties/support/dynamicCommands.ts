/**
 * A command language for model-based tests of a DynamicSupervisor (pattern 12), and the program
 * that runs a command list against the real (simulated) supervisor.
 *
 * Commands are JSON, so a case travels in replay tokens and fast-check shrinks the list like any
 * array. Each command is followed by a barrier that lets the supervisor finish what the command
 * caused (a crash is followed by waiting for the child's DOWN and polling `which_children` until
 * the supervisor has dealt with it), then a snapshot of `count_children` and `which_children`.
 * Every observation goes into the trace as a `dyn.cmd` report; the property replays the model
 * (models/p12-dynamic-supervisor-state.ts) over them.
 *
 * Children are `DynWorker`s named by a stable key (`k0`, `k1`, … in the order of their start
 * commands). A worker's k-th start follows `outcomes[k-1]` (`ok`, `ignore`, or `error` =
 * `{:stop, :unavailable}`), then `ok`, so restarts can fail or be ignored on purpose.
 */
import fc from 'fast-check';
import {
  DynamicSupervisor,
  GenServer,
  Pid,
  Tuple,
  caught,
  exit,
  exitSignal,
  isAlive,
  isTagged,
  report,
  self,
  sleep,
  spawn,
  t,
  trapExit,
  type ErlModule,
  type Op,
  type Term,
  type TermObject,
} from '../../src/index.js';
import type { StartOutcome } from '../../models/p12-dynamic-supervisor-state.js';
import { crashChild, type CrashReason } from '../../scenarios/support/supervisorWorkload.js';

export type RestartType = 'permanent' | 'transient' | 'temporary';

export type DynCommand =
  | { readonly start: { readonly restart: RestartType; readonly outcomes: readonly StartOutcome[] } }
  | { readonly crash: number; readonly reason: CrashReason }
  | { readonly terminate: number }
  | { readonly terminateStranger: true }
  | { readonly wait: number };

export interface DynCase {
  readonly maxChildren: number | 'infinity';
  readonly maxRestarts: number;
  readonly maxSeconds: number;
  readonly commands: readonly DynCommand[];
}

const outcome: fc.Arbitrary<StartOutcome> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<StartOutcome>('ok') },
  { weight: 1, arbitrary: fc.constant<StartOutcome>('ignore') },
  { weight: 2, arbitrary: fc.constant<StartOutcome>('error') },
);

const command: fc.Arbitrary<DynCommand> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ restart: fc.constantFrom<RestartType>('permanent', 'transient', 'temporary'), outcomes: fc.array(outcome, { maxLength: 3 }) }).map((start): DynCommand => ({ start })) },
  { weight: 4, arbitrary: fc.record({ crash: fc.nat({ max: 7 }), reason: fc.constantFrom<CrashReason>('boom', 'normal', 'shutdown', 'shutdown_x', 'kill') }) },
  { weight: 1, arbitrary: fc.nat({ max: 7 }).map((terminate): DynCommand => ({ terminate })) },
  { weight: 1, arbitrary: fc.constant<DynCommand>({ terminateStranger: true }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((wait): DynCommand => ({ wait })) },
);

export function dynCase(options: { maxCommands?: number } = {}): fc.Arbitrary<DynCase> {
  return fc.record({
    maxChildren: fc.oneof({ weight: 2, arbitrary: fc.constant<'infinity'>('infinity') }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 4 }) }),
    maxRestarts: fc.integer({ min: 0, max: 4 }),
    maxSeconds: fc.integer({ min: 1, max: 5 }),
    commands: fc.array(command, { minLength: 1, maxLength: options.maxCommands ?? 14 }),
  });
}

// ------------------------------------------------------------------------------- the worker

/** Per-run bookkeeping shared by the program and its workers: starts per key, last pid per key. */
export class DynWorld {
  private readonly starts = new Map<string, number>();
  private readonly pids = new Map<string, Pid>();

  nextStart(key: string): number {
    const n = (this.starts.get(key) ?? 0) + 1;
    this.starts.set(key, n);
    return n;
  }

  started(key: string, pid: Pid): void {
    this.pids.set(key, pid);
  }

  pidOf(key: string): Pid | undefined {
    return this.pids.get(key);
  }
}

interface DynWorkerArg {
  readonly key: string;
  readonly outcomes: readonly StartOutcome[];
}

/** The worker: reports `dyn.start %{key:, start:}` when it starts; `{:crash, r}` makes it exit `r`. */
export function dynWorker(world: DynWorld): ErlModule {
  return GenServer.defmodule('Dyn.Worker', {
    *init(arg: Term) {
      const { key, outcomes } = arg as unknown as DynWorkerArg;
      const n = world.nextStart(key);
      const planned = outcomes[n - 1] ?? 'ok';
      if (planned === 'ignore') return 'ignore';
      if (planned === 'error') return t('stop', 'unavailable');
      const me = yield* self();
      world.started(key, me);
      yield* report('dyn.start', { key, start: n });
      return t('ok', key);
    },
    handleInfo(msg: Term, state: Term) {
      if (isTagged(msg, 'crash', 2)) return exit(msg[1]!);
      return t('noreply', state);
    },
  });
}

// ------------------------------------------------------------------------------- the program

/** `which_children` and `count_children`, or `:dead` when the supervisor is gone. */
function* snapshot(sup: Pid): Op<Term> {
  try {
    return { which: yield* DynamicSupervisor.whichChildren(sup), count: yield* DynamicSupervisor.countChildren(sup) };
  } catch (e) {
    caught(e);
    return 'dead';
  }
}

/** Waits until the supervisor has handled `old`'s exit: `old` gone from which_children, no `:restarting` left. */
function* settle(sup: Pid, old: Pid): Op<void> {
  for (let i = 0; i < 200; i++) {
    if (!(yield* isAlive(sup))) return;
    const s = yield* snapshot(sup);
    if (s === 'dead') return;
    const which = (s as TermObject)['which'] as Tuple[];
    if (!which.some((c) => c[1] === 'restarting' || (c[1] instanceof Pid && c[1].id === old.id))) return;
  }
}

function* runCommand(sup: Pid, mod: ErlModule, world: DynWorld, keys: string[], stranger: Pid, cmd: DynCommand): Op<TermObject> {
  if ('wait' in cmd) {
    yield* sleep(cmd.wait);
    return {};
  }
  if ('start' in cmd) {
    const key = `k${keys.length}`;
    keys.push(key);
    const spec = { id: key, start: t(mod, 'start_link', [{ key, outcomes: [...cmd.start.outcomes] } as unknown as Term]), restart: cmd.start.restart };
    return { key, result: yield* DynamicSupervisor.startChild(sup, spec) };
  }
  if ('terminateStranger' in cmd) return { result: yield* DynamicSupervisor.terminateChild(sup, stranger) };
  if ('terminate' in cmd) {
    if (keys.length === 0) return { skipped: true };
    const key = keys[cmd.terminate % keys.length]!;
    return { key, result: yield* DynamicSupervisor.terminateChild(sup, world.pidOf(key) ?? stranger) };
  }
  // A crash picks among the children alive now.
  const alive: Array<[string, Pid]> = [];
  for (const key of keys) {
    const pid = world.pidOf(key);
    if (pid && (yield* isAlive(pid))) alive.push([key, pid]);
  }
  if (alive.length === 0) return { skipped: true };
  const [key, pid] = alive[cmd.crash % alive.length]!;
  return { key, pid, reason: yield* crashChild(pid, cmd.reason, (old) => settle(sup, old)) };
}

/** The program: a DynamicSupervisor with the case's limits, then every command with its observations. */
export function dynProgram(c: DynCase) {
  return function* (): Op<void> {
    yield* trapExit(true);
    const world = new DynWorld();
    const mod = dynWorker(world);
    const started = yield* DynamicSupervisor.startLink({ maxChildren: c.maxChildren, maxRestarts: c.maxRestarts, maxSeconds: c.maxSeconds });
    yield* report('case.start', { result: started });
    if (!isTagged(started, 'ok', 2)) return;
    const sup = started[1] as Pid;
    const stranger = yield* spawn(() => sleep('infinity'), { label: 'stranger' });
    const keys: string[] = [];
    for (const [i, cmd] of c.commands.entries()) {
      if (!(yield* isAlive(sup))) {
        yield* report('dyn.cmd', { i, dead: true });
        continue;
      }
      const observed = yield* runCommand(sup, mod, world, keys, stranger, cmd);
      yield* report('dyn.cmd', { i, ...observed, after: yield* snapshot(sup) });
    }
    yield* exitSignal(stranger, 'kill');
    if (yield* isAlive(sup)) yield* DynamicSupervisor.stop(sup, 'shutdown');
  };
}
