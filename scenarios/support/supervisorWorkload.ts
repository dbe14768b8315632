/**
 * A workload for comparing a hand-written supervisor with DynamicSupervisor (pattern 12's over /
 * better): start children with a restart value (some of them trap exits and take `cleanupMs` in
 * terminate/2), crash them with a reason, let time pass, and finally stop the supervisor.
 *
 * The same program drives any supervisor that answers DynamicSupervisor's `start_child` and
 * `which_children` calls. After each crash it waits for the child's DOWN and polls
 * `which_children` until the supervisor has dealt with the exit (the check reads the time it took
 * the `EXIT` from the trace: that is when a restart is recorded); after every command it reports
 * the supervisor's children (or `:dead`); after the final stop it reports which children were
 * still alive when `stop` returned. Everything goes into the trace as reports.
 */
import fc from 'fast-check';
import {
  GenServer,
  Pid,
  Tuple,
  caught,
  exit,
  exitSignal,
  isAlive,
  isTagged,
  match,
  monitor,
  receive,
  report,
  self,
  send,
  sleep,
  t,
  trapExit,
  type ErlModule,
  type Op,
  type Term,
} from '../../src/index.js';

export type RestartType = 'permanent' | 'transient' | 'temporary';
export type CrashReason = 'boom' | 'normal' | 'shutdown' | 'shutdown_x' | 'kill';

export type WorkCommand =
  /** `cleanupMs` > 0: the child traps exits and its terminate/2 takes that long; 0: it does not trap exits. */
  | { readonly start: { readonly restart: RestartType; readonly cleanupMs: number } }
  | { readonly crash: number; readonly reason: CrashReason }
  | { readonly wait: number };

export interface Workload {
  readonly commands: readonly WorkCommand[];
}

const command: fc.Arbitrary<WorkCommand> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({ restart: fc.constantFrom<RestartType>('permanent', 'transient', 'temporary'), cleanupMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 })) })
      .map((start): WorkCommand => ({ start })),
  },
  { weight: 4, arbitrary: fc.record({ crash: fc.nat({ max: 7 }), reason: fc.constantFrom<CrashReason>('boom', 'normal', 'shutdown', 'shutdown_x', 'kill') }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((wait): WorkCommand => ({ wait })) },
);

export const workload: fc.Arbitrary<Workload> = fc.record({ commands: fc.array(command, { minLength: 1, maxLength: 12 }) });

/** The exit reason a crash command produces. */
export function crashReasonTerm(r: CrashReason): Term {
  if (r === 'shutdown_x') return t('shutdown', 'x');
  return r === 'kill' ? 'killed' : r;
}

/** How the program talks to the supervisor under test. */
export interface SupervisorApi {
  startLink(): Op<Term>;
  startChild(sup: Pid, spec: Term): Op<Term>;
  whichChildren(sup: Pid): Op<Term[]>;
}

/** The children's world: the latest pid of each child key. */
class Children {
  readonly pids = new Map<string, Pid>();
}

/** `MyApp.Worker`: reports `work.start`/`work.terminated`; with `cleanupMs` > 0 it traps exits and cleans up that long. */
function worker(children: Children): ErlModule {
  return GenServer.defmodule('MyApp.Worker', {
    *init(arg: Term) {
      const { key, cleanupMs } = arg as unknown as { key: string; cleanupMs: number };
      if (cleanupMs > 0) yield* trapExit(true);
      children.pids.set(key, yield* self());
      yield* report('work.start', { key });
      return t('ok', arg);
    },
    handleInfo: (msg: Term, state: Term) => (isTagged(msg, 'crash', 2) ? exit(msg[1]!) : t('noreply', state)),
    *terminate(reason: Term, state: Term) {
      const { key, cleanupMs } = state as unknown as { key: string; cleanupMs: number };
      if (cleanupMs > 0) yield* sleep(cleanupMs);
      yield* report('work.terminated', { key, reason });
    },
  });
}

function* snapshot(api: SupervisorApi, sup: Pid): Op<Term> {
  if (!(yield* isAlive(sup))) return 'dead';
  try {
    return yield* api.whichChildren(sup);
  } catch (e) {
    caught(e);
    return 'dead';
  }
}

/** Polls until the supervisor no longer lists `old` (it handled the exit) or is gone. */
function* settle(api: SupervisorApi, sup: Pid, old: Pid): Op<void> {
  for (let i = 0; i < 200; i++) {
    const s = yield* snapshot(api, sup);
    if (s === 'dead' || !(s as Tuple[]).some((c) => c[1] instanceof Pid && c[1].id === old.id)) return;
  }
}

/**
 * Crashes a child that exits on `{:crash, reason}` (or kills it), waits for its DOWN, then runs
 * `untilHandled` (which waits until the supervisor has dealt with the exit); returns the DOWN's
 * reason. The DynamicSupervisor commands (properties/support/dynamicCommands.ts) crash theirs so too.
 */
export function* crashChild(pid: Pid, reason: CrashReason, untilHandled: (old: Pid) => Op<void>): Op<Term> {
  const ref = yield* monitor(pid);
  if (reason === 'kill') yield* exitSignal(pid, 'kill');
  else yield* send(pid, t('crash', crashReasonTerm(reason)));
  const down = yield* receive(match.down(ref));
  yield* untilHandled(pid);
  return down[4]!;
}

/**
 * The program: start the supervisor, run the commands, stop it, and report which children that
 * clean up on shutdown (trap exits) were still alive when `stop` returned.
 */
export function workloadProgram(api: SupervisorApi) {
  return (w: Workload) =>
    function* (): Op<void> {
      yield* trapExit(true);
      const children = new Children();
      const Worker = worker(children);
      const started = yield* api.startLink();
      yield* report('case.start', { result: started });
      if (!isTagged(started, 'ok', 2)) return;
      const sup = started[1] as Pid;
      const keys: string[] = [];
      const cleans = new Set<string>();
      for (const [i, cmd] of w.commands.entries()) {
        if (!(yield* isAlive(sup))) {
          yield* report('work.cmd', { i, dead: true });
          continue;
        }
        let observed: Record<string, Term> = {};
        if ('wait' in cmd) yield* sleep(cmd.wait);
        else if ('start' in cmd) {
          const key = `k${keys.length}`;
          keys.push(key);
          if (cmd.start.cleanupMs > 0) cleans.add(key);
          const arg = { key, ...cmd.start } as unknown as Term;
          const spec = { id: key, start: t(Worker, 'start_link', [arg]), restart: cmd.start.restart, shutdown: 5000 };
          observed = { key, result: yield* api.startChild(sup, spec) };
        } else {
          const alive: Array<[string, Pid]> = [];
          for (const key of keys) {
            const pid = children.pids.get(key);
            if (pid && (yield* isAlive(pid))) alive.push([key, pid]);
          }
          const target = alive[cmd.crash % Math.max(1, alive.length)];
          observed = target ? { key: target[0], pid: target[1], reason: yield* crashChild(target[1], cmd.reason, (old) => settle(api, sup, old)) } : { skipped: true };
        }
        yield* report('work.cmd', { i, ...observed, after: yield* snapshot(api, sup) });
      }
      if (!(yield* isAlive(sup))) return;
      yield* GenServer.stop(sup, 'shutdown');
      const outlived: string[] = [];
      for (const [key, pid] of children.pids) if (cleans.has(key) && (yield* isAlive(pid))) outlived.push(key);
      yield* report('case.stopped', { outlived });
    };
}
