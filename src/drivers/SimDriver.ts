/**
 * The simulated runtime as a driver (docs/driver-protocol.md), in-process.
 *
 * It mirrors the Elixir driver (drivers/elixir/driver.exs) step for step, so that the two differ
 * only where the runtimes do: the same helper processes (a trapping *holder* that is the parent of
 * the root supervisor, the registry and the Task.Supervisor; a *task owner*; registry client
 * processes), the same callback modules (`Beamcheck.Worker`, `Beamcheck.Supervisor`), the same
 * barriers after each command and the same recording of events (sim/recorder.ts).
 *
 * Each case runs in a fresh Runtime with the FIFO schedule and no delivery lag, which is how a
 * lightly loaded single BEAM node behaves: the comparison is about semantics, not interleavings.
 * A command runs in a fresh command process; the runtime runs until that process is done
 * (advancing virtual time only as far as the command needs) and then performs everything else
 * that can happen without the clock moving. Only `advance`, a `call`'s sleep and task waits move
 * the clock, as they move the Elixir driver's task clock.
 */
import * as api from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import { caught, raise } from '../kernel/errors.js';
import { match } from '../kernel/match.js';
import type { Semantics } from '../kernel/Runtime.js';
import { compare } from '../term/compare.js';
import type { Json } from '../term/json.js';
import { Bin, Pid, Tuple, bin, isTagged, t, type Term } from '../term/Term.js';
import * as GenServer from '../otp/GenServer.js';
import * as Registry from '../otp/Registry.js';
import * as Supervisor from '../otp/Supervisor.js';
import * as Task from '../otp/Task.js';
import * as TaskSupervisor from '../otp/TaskSupervisor.js';
import { canonical } from './canonical.js';
import { DriverError, type Command, type Driver, type Hello, type Response } from './Driver.js';
import { agent, CaseState, settle, type CaseTask, type Outcome } from './sim/caseState.js';
import { guarded, raisedOr, type SimContext } from './sim/context.js';
import { dynCall, dynStart } from './sim/dynamic.js';
import { childSpecCommand, frontEndStart } from './sim/frontEnd.js';
import { partCall, partChildSpec, partStart, partWhereis } from './sim/partition.js';
import { aliasProbe, regLock, startProbe, taskLineage, taskStream } from './sim/probes.js';
import { taskCompleted, taskResult, taskYieldMany, tsupStart, tsupStartChild } from './sim/taskExtras.js';
import { RequestError, int, reasonOf, str, termOf, timeoutOf } from './sim/params.js';
import { canonicalChildspec, childSpec, childSpecs, findChild, settled, supFlags, walkTree } from './sim/tree.js';

const REGISTRY = 'Elixir.Beamcheck.Registry';
export const PROTOCOL_VERSION = 1;

/**
 * What the simulator offers on both profiles (docs/driver-protocol.md, "Capabilities"): the
 * generated families, then the extensions the version cases use. `current` adds
 * `registry_key_partitioning`.
 */
export const CAPABILITIES: readonly string[] = [
  'supervisor',
  'auto_shutdown',
  'nested_supervisors',
  'task',
  'registry',
  'worker_extensions',
  'start_probe',
  'simple_one_for_one',
  'supervisor_front_end',
  'dynamic_supervisor',
  'partition_supervisor',
  'task_extensions',
  'probes',
  'registry_lock',
];

export class SimDriver implements Driver {
  readonly label: string;
  private c: CaseState;
  private closed = false;
  /** What the command families in sim/ use of this driver. */
  private readonly ctx: SimContext;

  constructor(readonly semantics: Semantics = 'current') {
    this.label = `sim (${semantics})`;
    this.c = new CaseState(semantics);
    const self = this;
    this.ctx = {
      get c() {
        return self.c;
      },
      run: (body) => this.run(body),
      runValue: (body) => this.runValue(body),
      inAgent: (who, body) => this.inAgent(who, body),
      settleAll: (pids) => this.settleAll(pids),
      canon: (x) => this.canon(x),
      later: (x) => this.later(x),
      valueOrExit: (r, value) => this.valueOrExit(r, value),
      ensureOwner: () => this.ensureOwner(),
      ensureTaskSup: () => this.ensureTaskSup(),
      deadOwner: (owner) => this.deadOwner(owner),
      ownerExit: (reason) => this.ownerExit(reason),
    };
  }

  async hello(): Promise<Hello> {
    return this.helloSync();
  }

  helloSync(): Hello {
    const capabilities = [...CAPABILITIES];
    if (this.semantics === 'current') capabilities.push('registry_key_partitioning');
    return { protocol: PROTOCOL_VERSION, runtime: `beamcheck simulator (${this.semantics} semantics)`, capabilities };
  }

  async request(command: Command): Promise<Response> {
    if (this.closed) throw new DriverError('the driver is closed');
    return this.handle(command);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Handles one request synchronously. */
  handle(c: Command): Response {
    try {
      if (c.cmd === 'hello') {
        if (c['protocol'] !== PROTOCOL_VERSION) throw new RequestError(`unsupported protocol ${JSON.stringify(c['protocol'] ?? null)} (this driver speaks ${PROTOCOL_VERSION})`);
        const h = this.helloSync();
        return { ok: true, result: { protocol: h.protocol, runtime: h.runtime, capabilities: [...h.capabilities] }, events: [] };
      }
      if (c.cmd === 'reset') {
        this.c = new CaseState(this.semantics);
        return { ok: true, result: 'ok', events: [] };
      }
      if (c.cmd === 'quit') {
        this.closed = true;
        return { ok: true, result: 'ok', events: [] };
      }
      const result = this.perform(c);
      this.quiesce();
      const rec = this.c.recorder;
      rec.absorb(this.c.rt.trace);
      this.awaitConcurrentDeaths();
      return { ok: true, result: result(), events: rec.take((x) => this.canon(x)) };
    } catch (e) {
      if (e instanceof RequestError) {
        // Like the Elixir driver: events of a failed command come with the next response.
        return { ok: false, error: e.message };
      }
      throw e;
    }
  }

  /**
   * The descendants of a killed supervisor die concurrently and are reported as one group once
   * all of them are dead (the Elixir driver waits for each one's EXIT). A trapping descendant runs
   * its terminate/2 first, which may sleep: run until every member has died, then settle again.
   * Without this the group was handed over without its slow members, whose `terminate` and `exit`
   * then surfaced in a later command's events (found by test/drivers/simDriver.test.ts).
   */
  private awaitConcurrentDeaths(): void {
    const rec = this.c.recorder;
    for (let ids = rec.awaitedDeaths(); ids.length > 0; ) {
      for (const id of ids) this.c.rt.runUntilExit(new Pid(id));
      this.quiesce();
      rec.absorb(this.c.rt.trace);
      const left = rec.awaitedDeaths();
      if (left.length >= ids.length && left.every((id) => ids.includes(id))) return; // stuck: take() hands over what there is
      ids = left;
    }
  }

  // ------------------------------------------------------------------- running things

  /** Runs `body` in a fresh command process to its end; its value, or how it exited. */
  private run(body: () => Op<Term>): Outcome {
    let outcome: Outcome = { died: 'noproc' };
    const pid = this.c.rt.spawnRoot(function* () {
      try {
        outcome = { value: (yield* body()) ?? 'ok' };
      } catch (e) {
        const c = caught(e);
        if (c.kind !== 'exit') throw e;
        outcome = { exit: c.reason };
      }
    }, 'command');
    this.c.rt.runUntilExit(pid);
    const v = this.c.rt.verdict;
    if (v.kind === 'divergence') throw new DriverError(`simulation diverged: ${v.detail}`);
    const info = this.c.rt.inspect(pid);
    if (info?.alive) throw new DriverError(`a ${this.c.rt.now} ms command never finished: the simulation is stuck`);
    if ('died' in outcome && info) outcome = { died: info.exitReason ?? 'noproc' };
    return outcome;
  }

  /** The value of a command that cannot fail. */
  private runValue(body: () => Op<Term>): Term {
    const r = this.run(body);
    if (!('value' in r)) throw new DriverError(`a driver step failed: ${JSON.stringify(this.canon('exit' in r ? r.exit : r.died))}`);
    return r.value;
  }

  /** Runs `body` inside helper process `who`; `{died: reason}` if `who` is or becomes dead. */
  private inAgent(who: Pid, body: () => Op<Term>): Outcome {
    const r = this.run(function* () {
      const ref = yield* api.monitor(who);
      yield* api.send(who, t('run', body as unknown as Term, yield* api.self()));
      const reply = yield* api.receive(match.where((m) => isTagged(m, 'result', 2) || (isTagged(m, 'DOWN', 5) && m[1] === ref), 'a result or the DOWN of the helper'));
      if (isTagged(reply, 'DOWN', 5)) return t('died', reply[4]!);
      yield* api.demonitor(ref, { flush: true });
      return (reply as unknown as Tuple)[1]!;
    });
    if (!('value' in r)) return r;
    const v = r.value;
    if (isTagged(v, 'died', 2)) return { died: v[1]! };
    if (isTagged(v, 'exit', 2)) return { exit: v[1]! };
    return { value: (v as unknown as Tuple)[1]! };
  }

  private canon(x: Term): Json {
    return canonical(x, (pid) => this.c.recorder.names.get(pid.id));
  }

  /** A result thunk: canonicalized after the command's events are absorbed (names known). */
  private later(x: Term): () => Json {
    return () => this.canon(x);
  }

  /** `{"exit": R}` or the value. */
  private valueOrExit(r: Outcome, value: (v: Term) => Json = (v) => this.canon(v)): () => Json {
    if ('value' in r) return () => value(r.value);
    const reason = 'exit' in r ? r.exit : r.died;
    return () => ({ exit: this.canon(reason) });
  }

  /**
   * The barrier after every command (the Elixir driver's `quiesce`): the task owner answers and
   * the Task.Supervisor has handled its messages; every registry partition has handled its
   * messages; every supervisor of the tree has (a restart happens inside one supervisor message).
   */
  private quiesce(): void {
    const c = this.c;
    const targets: Pid[] = [];
    if (c.alive(c.owner)) this.inAgent(c.owner, function* () {
      return 'pong';
    });
    if (c.alive(c.taskSup)) targets.push(c.taskSup);
    targets.push(...c.partitions.filter((p) => c.alive(p)));
    this.settleAll(targets);
    for (const sup of [c.rootSup, c.dsup, c.psup]) if (sup !== null) this.treeBarrier(sup);
  }

  private settleAll(pids: readonly Pid[]): void {
    if (pids.length === 0) return;
    this.runValue(function* () {
      for (const pid of pids) yield* settle(pid, yield* api.monitor(pid));
      return 'ok';
    });
  }

  /** Walks a tree with `which_children` until two walks agree and nothing is restarting. */
  private treeBarrier(root: Pid): void {
    let previous = '';
    for (let tries = 0; tries < 1000; tries++) {
      const walk = this.runValue(() => walkTree(root));
      const text = JSON.stringify(this.canon(walk));
      if (text === previous && settled(walk)) return;
      previous = text;
    }
    throw new DriverError('the supervision tree did not settle');
  }

  // ------------------------------------------------------------------- commands

  private perform(c: Command): () => Json {
    switch (c.cmd) {
      case 'sup_start':
        return this.supStart(c);
      case 'sup_call':
        return this.supCall(c);
      case 'sup_stop': {
        const sup = this.needSup();
        const reason = reasonOf(c['reason'] ?? 'normal');
        return this.valueOrExit(this.run(() => Supervisor.stop(sup, reason, 'infinity')));
      }
      case 'crash':
      case 'kill':
      case 'signal':
        return this.fault(c);
      case 'call':
        return this.call(c);
      case 'cast':
        return this.cast(c);
      case 'advance':
        this.c.rt.runUntil(this.c.rt.now + int(c, 'ms'));
        return () => 'ok';
      case 'task_owner':
        this.startOwner(c['trap_exit'] === true);
        return () => 'ok';
      case 'task_async':
        return this.taskAsync(c);
      case 'task_await':
      case 'task_yield':
      case 'task_shutdown':
        return this.taskQuery(c);
      case 'task_owner_mailbox':
        return this.ownerMailbox();
      case 'reg_start':
        return this.regStart(c);
      case 'reg_register':
      case 'reg_unregister':
        return this.regUpdate(c);
      case 'reg_kill':
        return this.regKill(c);
      case 'reg_lookup':
      case 'reg_keys':
      case 'reg_count':
      case 'reg_whereis':
        return this.regQuery(c);
      case 'reg_lock':
        return regLock(this.ctx, c);
      case 'child_spec':
        return childSpecCommand(this.ctx, c);
      case 'start_probe':
        return startProbe(this.ctx, c);
      case 'alias_probe':
        return aliasProbe(this.ctx, c);
      case 'task_lineage':
        return taskLineage(this.ctx, c);
      case 'task_stream':
        return taskStream(this.ctx, c);
      case 'dyn_start':
        return dynStart(this.ctx, c);
      case 'dyn_call':
        return dynCall(this.ctx, c);
      case 'part_start':
        return partStart(this.ctx, c);
      case 'part_whereis':
        return partWhereis(this.ctx, c);
      case 'part_call':
        return partCall(this.ctx, c);
      case 'part_child_spec':
        return partChildSpec(this.ctx, c);
      case 'task_completed':
        return taskCompleted(this.ctx, c);
      case 'task_yield_many':
        return taskYieldMany(this.ctx, c);
      case 'tsup_start':
        return tsupStart(this.ctx, c);
      case 'tsup_start_child':
        return tsupStartChild(this.ctx, c);
      default:
        throw new RequestError(`unknown command: "${c.cmd}"`);
    }
  }

  // ------------------------------------------------------------------- supervision

  private needSup(): Pid {
    if (!this.c.rootSup) throw new RequestError('no supervisor: send sup_start first');
    return this.c.rootSup;
  }

  private supStart(c: Command): () => Json {
    if (this.c.alive(this.c.rootSup)) throw new RequestError("the case's supervisor is already running");
    if (c['tree'] === undefined) throw new RequestError('sup_start: missing "tree"');
    const tree = c['tree'] as unknown as Term;
    supFlags(c['tree']);
    childSpecs(this.c, c['tree']); // bad trees are request errors, before anything starts
    const mod = this.c.treeSupervisor;
    const r = c['front_end'] === true ? frontEndStart(this.ctx, c['tree']) : this.inAgent(this.c.holder, () => Supervisor.startLink(mod, t(bin('sup'), tree)));
    if ('value' in r && isTagged(r.value, 'ok', 2) && r.value[1] instanceof Pid) this.c.rootSup = r.value[1];
    return this.valueOrExit(r);
  }

  /** A supervisor of the tree by its protocol name: the root `"sup"` or a nested child id. */
  private supTarget(name: string): Pid | null {
    const root = this.needSup();
    if (name === 'sup') return root;
    const found = this.runValue(() => findChild(root, name));
    return found instanceof Tuple && found[1] === 'supervisor' && found[0] instanceof Pid ? found[0] : null;
  }

  private supCall(c: Command): () => Json {
    const fun = str(c, 'fun');
    const args = c['args'] ?? [];
    if (!Array.isArray(args)) throw new RequestError(`bad arguments for ${fun}: ${JSON.stringify(args)}`);
    const body = this.supFunction(fun, args);
    const sup = this.supTarget(c['sup'] === undefined ? 'sup' : str(c, 'sup'));
    if (sup === null) return () => 'not_running';
    const r = this.run(() => body(sup));
    return this.valueOrExit('exit' in r ? { exit: canonicalChildspec(r.exit) } : r, (v) => this.canon(canonicalChildspec(v)));
  }

  private supFunction(fun: string, args: Json[]): (sup: Pid) => Op<Term> {
    const one = (): Term => {
      if (args.length !== 1) throw new RequestError(`bad arguments for ${fun}: ${JSON.stringify(args)}`);
      return termOf(args[0]);
    };
    const none = () => {
      if (args.length !== 0) throw new RequestError(`bad arguments for ${fun}: ${JSON.stringify(args)}`);
    };
    switch (fun) {
      case 'which_children':
        none();
        return (sup) => Supervisor.whichChildren(sup);
      case 'count_children':
        none();
        return (sup) => Supervisor.countChildren(sup) as Op<Term>;
      case 'terminate_child': {
        const id = one();
        return (sup) => Supervisor.terminateChild(sup, id);
      }
      case 'restart_child': {
        const id = one();
        return (sup) => Supervisor.restartChild(sup, id);
      }
      case 'delete_child': {
        const id = one();
        return (sup) => Supervisor.deleteChild(sup, id);
      }
      case 'get_childspec': {
        const id = one();
        return (sup) => Supervisor.getChildspec(sup, id);
      }
      case 'start_child': {
        if (args.length !== 1) throw new RequestError(`bad arguments for start_child: ${JSON.stringify(args)}`);
        // A list: the extra arguments of a simple_one_for_one child.
        const spec = Array.isArray(args[0]) ? args[0].map((x) => termOf(x)) : childSpec(this.c, args[0]);
        return (sup) => Supervisor.startChild(sup, spec);
      }
      default:
        throw new RequestError(`unknown supervisor function: "${fun}"`);
    }
  }

  /**
   * The running pid of tree child `id` (a worker or a nested supervisor), anywhere in the tree,
   * or of the live process named `id` when it is a process name (`ID#N`).
   */
  private childPid(id: string): Pid | null {
    if (id.includes('#')) return this.c.liveNamed(id);
    const root = this.c.rootSup;
    if (root === null) return null;
    const found = this.runValue(() => findChild(root, id));
    return found instanceof Tuple && found[0] instanceof Pid ? found[0] : null;
  }

  private fault(c: Command): () => Json {
    const how = c.cmd;
    const reason = how === 'kill' ? 'kill' : reasonOf(c['reason']);
    const pid = this.childPid(str(c, 'child'));
    if (!pid) return () => 'not_running';
    this.runValue(function* () {
      // Act, then wait until the target has handled it: gone, or answering.
      const ref = yield* api.monitor(pid);
      if (how === 'crash') yield* api.send(pid, t('crash', reason));
      else yield* api.exitSignal(pid, reason);
      return yield* settle(pid, ref);
    });
    return () => 'ok';
  }

  /** A fresh process calls the worker; afterwards the worker has finished the request. */
  private call(c: Command): () => Json {
    const request = requestOf(c['request']);
    const timeout = timeoutOf(c, 'timeout');
    const pid = this.childPid(str(c, 'child'));
    if (!pid) return () => 'not_running';
    const r = this.run(() => GenServer.call(pid, request, timeout));
    this.settleAll([pid]);
    return this.valueOrExit(r, (v) => ({ reply: this.canon(v) }));
  }

  /** A fresh process casts to the worker; afterwards the worker has handled the cast. */
  private cast(c: Command): () => Json {
    const j = c['request'];
    const request = j !== null && typeof j === 'object' && !Array.isArray(j) && 'stop' in j ? t('stop', reasonOf(j['stop'])) : requestOf(j);
    const pid = this.childPid(str(c, 'child'));
    if (!pid) return () => 'not_running';
    this.runValue(function* () {
      yield* GenServer.cast(pid, request);
      return yield* settle(pid, yield* api.monitor(pid));
    });
    return () => 'ok';
  }

  // ------------------------------------------------------------------- tasks

  /** (Re)starts the task owner; a previous one is killed, its linked tasks die with it. */
  private startOwner(trap: boolean): void {
    const c = this.c;
    const old = c.owner;
    if (c.alive(old)) {
      this.runValue(function* () {
        const ref = yield* api.monitor(old);
        yield* api.exitSignal(old, 'kill');
        yield* api.receive(match.down(ref));
        return 'ok';
      });
    }
    for (const [name, task] of c.tasks) if (task.owner === old && !this.isNolink(task)) c.tasks.delete(name);
    const owner = this.runValue(() => api.spawn(() => agent(trap))) as Pid;
    c.recorder.name(owner, 'task_owner');
    c.owner = owner;
  }

  private readonly nolink = new WeakSet<Task.Task>();

  private isNolink(task: CaseTask): boolean {
    return this.nolink.has(task.task);
  }

  private ensureOwner(): Pid {
    if (this.c.owner === null) this.startOwner(false);
    return this.c.owner!;
  }

  private ensureTaskSup(): Pid {
    const c = this.c;
    if (c.taskSup === null) {
      const r = this.inAgent(c.holder, () => TaskSupervisor.startLink());
      if (!('value' in r) || !isTagged(r.value, 'ok', 2)) throw new DriverError('Task.Supervisor.start_link failed');
      c.taskSup = r.value[1] as Pid;
    }
    return c.taskSup;
  }

  private ownerExit(reason: Term): () => Json {
    return () => ({ owner_exit: this.canon(reason) });
  }

  /** The owner's exit reason if it is dead. */
  private deadOwner(owner: Pid): Term | undefined {
    const info = this.c.rt.inspect(owner);
    return info && !info.alive ? (info.exitReason ?? 'noproc') : undefined;
  }

  private taskAsync(c: Command): () => Json {
    const name = str(c, 'name');
    const ms = int(c, 'ms', 0);
    const raises = c['raise'] === true;
    const result = termOf(c['result'] ?? 'ok', 'result');
    const nolink = c['nolink'] === true;
    const owner = this.ensureOwner();
    const dead = this.deadOwner(owner);
    if (dead !== undefined) return this.ownerExit(dead);
    const taskSup = nolink ? this.ensureTaskSup() : null;
    // The task sleeps on the case's clock, then returns its result or raises.
    const work = function* (): Op<Term> {
      if (ms > 0) yield* api.sleep(ms);
      if (raises) return raise('RuntimeError', `${name} crashed`);
      return result;
    };
    const r = this.inAgent(owner, function* () {
      return taskSup ? yield* TaskSupervisor.asyncNolink(taskSup, work) : yield* Task.async(work);
    });
    if ('died' in r) return this.ownerExit(r.died);
    if ('exit' in r) throw new DriverError(`task_async failed: ${JSON.stringify(this.canon(r.exit))}`);
    const task = r.value as Task.Task;
    if (nolink) this.nolink.add(task);
    if (task.pid instanceof Pid) this.c.recorder.name(task.pid, `task:${name}`);
    this.c.tasks.set(name, { task, owner });
    return () => 'ok';
  }

  private taskQuery(c: Command): () => Json {
    const name = str(c, 'name');
    let body: (task: Task.Task) => Op<Term>;
    if (c.cmd === 'task_await') {
      const timeout = timeoutOf(c, 'timeout');
      body = (task) => Task.await(task, timeout);
    } else if (c.cmd === 'task_yield') {
      const timeout = timeoutOf(c, 'timeout');
      body = (task) => Task.yield(task, timeout);
    } else {
      const mode = c['mode'] === 'brutal_kill' ? 'brutal_kill' : timeoutOf(c, 'mode');
      body = (task) => Task.shutdown(task, mode);
    }
    const owner = this.ensureOwner();
    const entry = this.c.tasks.get(name);
    if (!entry || entry.owner !== owner) throw new RequestError(`unknown task ${name}`);
    const dead = this.deadOwner(owner);
    if (dead !== undefined) return this.ownerExit(dead);
    // A raise in the Task function is the result {"raise": EXC}.
    const r = this.inAgent(owner, () => guarded(() => body(entry.task)));
    if ('died' in r) return this.ownerExit(r.died);
    if (c.cmd === 'task_await') return this.valueOrExit(r, (v) => raisedOr(this.ctx, v, (x) => ({ reply: this.canon(x) })));
    return this.valueOrExit(r, (v) => raisedOr(this.ctx, v, (x) => taskResult(this.ctx, x)));
  }

  private ownerMailbox(): () => Json {
    const owner = this.ensureOwner();
    const dead = this.deadOwner(owner);
    if (dead !== undefined) return this.ownerExit(dead);
    const r = this.inAgent(owner, function* () {
      const out: Term[] = [];
      for (;;) {
        const m = yield* api.receive(undefined, { after: 0 });
        if (m === api.TIMEOUT) return out;
        out.push(m);
      }
    });
    if ('died' in r) return this.ownerExit(r.died);
    return this.valueOrExit(r);
  }

  // ------------------------------------------------------------------- registry

  private needRegistry(): void {
    if (this.c.registry === null) throw new RequestError('no registry: send reg_start first');
  }

  private regStart(c: Command): () => Json {
    const keys = c['keys'] ?? 'unique';
    if (keys !== 'unique' && keys !== 'duplicate' && keys !== 'duplicate_key') throw new RequestError('reg_start: "keys" must be unique, duplicate or duplicate_key');
    const kind: Term = keys === 'duplicate_key' ? t('duplicate', 'key') : keys;
    const partitions = int(c, 'partitions', 1);
    const r = this.inAgent(this.c.holder, () => Registry.startLink({ keys: kind, name: REGISTRY, partitions }));
    if (!('value' in r) || !isTagged(r.value, 'ok', 2)) throw new RequestError(`reg_start failed: ${JSON.stringify(this.canon('value' in r ? r.value : 'exit' in r ? r.exit : r.died))}`);
    const registry = r.value[1] as Pid;
    this.c.registry = registry;
    const children = this.runValue(() => Supervisor.whichChildren(registry)) as Term[];
    this.c.partitions = children.map((ch) => (ch as Tuple)[1]).filter((p): p is Pid => p instanceof Pid);
    return () => 'ok';
  }

  /** Registry client `name`, started on first use. */
  private regProc(name: string): Pid {
    const existing = this.c.regProcs.get(name);
    if (existing) return existing;
    const pid = this.runValue(() => api.spawn(() => agent(false))) as Pid;
    this.c.regProcs.set(name, pid);
    this.c.recorder.name(pid, name);
    return pid;
  }

  private regUpdate(c: Command): () => Json {
    this.needRegistry();
    const proc = this.regProc(str(c, 'proc'));
    const key = termOf(c['key'], 'key');
    const value = termOf(c['value'] ?? 'nil', 'value');
    const r = this.inAgent(proc, () => (c.cmd === 'reg_register' ? Registry.register(REGISTRY, key, value) : Registry.unregister(REGISTRY, key)));
    if (!('value' in r)) throw new DriverError(`${c.cmd} failed: ${JSON.stringify(this.canon('exit' in r ? r.exit : r.died))}`);
    return this.later(r.value);
  }

  private regKill(c: Command): () => Json {
    const name = str(c, 'proc');
    const pid = this.c.regProcs.get(name);
    if (pid) {
      this.runValue(function* () {
        const ref = yield* api.monitor(pid);
        yield* api.exitSignal(pid, 'kill');
        yield* api.receive(match.down(ref));
        return 'ok';
      });
      this.c.regProcs.delete(name);
    }
    return () => 'ok';
  }

  private regQuery(c: Command): () => Json {
    this.needRegistry();
    switch (c.cmd) {
      case 'reg_lookup': {
        this.settleAll(this.c.partitions.filter((p) => this.c.alive(p)));
        const key = termOf(c['key'], 'key');
        const entries = this.runValue(() => Registry.lookup(REGISTRY, key)) as Term[];
        // Sorted like the Elixir driver's Enum.sort of {name, value}: by name, then value.
        return () =>
          entries
            .map((e) => t(bin(this.c.recorder.names.get(((e as Tuple)[0] as Pid).id) ?? '?'), (e as Tuple)[1]!))
            .sort(compare)
            .map((e) => [(e[0] as Bin).value, this.canon(e[1]!)]);
      }
      case 'reg_keys': {
        const pid = this.c.regProcs.get(str(c, 'proc'));
        if (!pid) return () => [];
        const keys = this.runValue(() => Registry.keys(REGISTRY, pid)) as Term[];
        return this.later([...keys].sort(compare));
      }
      case 'reg_count':
        return this.later(this.runValue(() => Registry.count(REGISTRY)));
      default: {
        const key = termOf(c['key'], 'key');
        const r = this.run(() => Registry.whereisName(t(REGISTRY, key)));
        if (!('value' in r)) throw new RequestError(`reg_whereis: ${JSON.stringify(this.canon('exit' in r ? r.exit : r.died))}`);
        return this.later(r.value);
      }
    }
  }
}

function requestOf(j: Json | undefined): Term {
  if (j !== null && typeof j === 'object' && !Array.isArray(j) && typeof j['sleep'] === 'number') return t('sleep', j['sleep']);
  if (j === undefined) throw new RequestError('call: missing "request"');
  return termOf(j, 'request');
}


