/**
 * The state of one simulated case (reset between cases) and the helper processes of the
 * simulated driver: the *agent* loop that holder, task owner and registry clients run (each
 * `{:run, fun, reply_to}` it is sent is run and answered), and the `:sys.get_state` barrier.
 */
import * as api from '../../kernel/api.js';
import type { Op } from '../../kernel/effects.js';
import { caught } from '../../kernel/errors.js';
import { match } from '../../kernel/match.js';
import { Runtime, type Semantics } from '../../kernel/Runtime.js';
import { Pid, t, type ErlModule, type Ref, type Term } from '../../term/Term.js';
import { workerModule, WorkerWorld } from '../../harness/worker.js';
import * as GenServer from '../../otp/GenServer.js';
import type * as Task from '../../otp/Task.js';
import { EventRecorder } from './recorder.js';
import { treeSupervisorModule } from './tree.js';

const FIFO = { name: 'fifo', choose: () => 0 };

/** What a command process or an agent came back with. */
export type Outcome = { readonly value: Term } | { readonly exit: Term } | { readonly died: Term };

/** A helper process's body: runs each `{:run, fun, reply_to}` it is sent and answers `{:result, r}`. */
export function* agent(trap: boolean): Op<void> {
  if (trap) yield* api.trapExit(true);
  for (;;) {
    const [, fn, replyTo] = yield* api.receive(match.tagged('run', 3));
    let result: Term;
    try {
      result = t('value', (yield* (fn as () => Op<Term>)()) ?? 'ok');
    } catch (e) {
      const c = caught(e);
      result = c.kind === 'exit' ? t('exit', c.reason) : t('exit', t(c.kind === 'error' ? c.error : t('nocatch', c.value), []));
    }
    yield* api.send(replyTo as Pid, t('result', result));
  }
}

/** Waits until `pid` has handled everything sent to it before (`:sys.get_state`), or died. */
export function* settle(pid: Pid, ref: Ref): Op<'alive' | 'down'> {
  try {
    yield* GenServer.getState(pid, 'infinity');
    yield* api.demonitor(ref, { flush: true });
    return 'alive';
  } catch {
    yield* api.receive(match.down(ref));
    return 'down';
  }
}

export interface CaseTask {
  readonly task: Task.Task;
  readonly owner: Pid;
}

/** The state of one case (reset between cases). */
export class CaseState {
  readonly rt: Runtime;
  readonly recorder = new EventRecorder();
  readonly world = new WorkerWorld();
  readonly worker: ErlModule;
  readonly treeSupervisor: ErlModule;
  readonly holder: Pid;
  rootSup: Pid | null = null;
  owner: Pid | null = null;
  taskSup: Pid | null = null;
  readonly tasks = new Map<string, CaseTask>();
  registry: Pid | null = null;
  partitions: Pid[] = [];
  readonly regProcs = new Map<string, Pid>();
  /** The DynamicSupervisor (`dyn_start`), the PartitionSupervisor and its name (`part_start`). */
  dsup: Pid | null = null;
  psup: Pid | null = null;
  psupName: Term | null = null;

  constructor(semantics: Semantics) {
    this.rt = new Runtime({ semantics, strategy: FIFO, maxDelay: 0, maxSteps: 5_000_000, guard: false });
    this.worker = workerModule(this.world);
    this.treeSupervisor = treeSupervisorModule(this);
    this.holder = this.rt.spawnRoot(() => agent(true), 'holder');
    this.rt.runUntil(this.rt.now);
  }

  alive(pid: Pid | null): pid is Pid {
    return pid !== null && this.rt.inspect(pid)?.alive === true;
  }

  /** The processes named `name` (`ID#N`, `task:NAME`, …), oldest first. */
  named(name: string): Pid[] {
    return [...this.recorder.names].filter(([, n]) => n === name).map(([id]) => new Pid(id));
  }

  /** The live process named `name`, or null. */
  liveNamed(name: string): Pid | null {
    return this.named(name).find((p) => this.alive(p)) ?? null;
  }
}

