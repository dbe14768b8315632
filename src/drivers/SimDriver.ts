/**
 * The simulated runtime as a driver (docs/driver-protocol.md), in-process.
 *
 * Each case runs in a fresh Runtime with the FIFO schedule and no delivery lag, which is how a
 * lightly loaded single BEAM node behaves; the comparison with a real runtime is about semantics,
 * not interleavings. A command runs in a command process; the runtime runs until that process is
 * done (advancing virtual time only as far as the command itself needs, as a real driver answers as
 * soon as its command returns) and then performs everything else that can happen without the clock
 * moving. `advance` moves the clock.
 *
 * Processes that must outlive a command — the case owner that start_links the supervisor, the task
 * owner, registry client processes — are *agents*: processes that run closures sent to them and
 * answer with the result.
 */
import * as api from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import { ExitException, caught, exit } from '../kernel/errors.js';
import { match } from '../kernel/match.js';
import { Runtime, type Semantics } from '../kernel/Runtime.js';
import type { TraceEvent } from '../scheduler/Trace.js';
import type { Json } from '../term/json.js';
import { Pid, Tuple, bin, isTagged, t, type ErlModule, type Term, type TermObject } from '../term/Term.js';
import { workerModule, workerSpec, WorkerWorld, type InitBehaviour } from '../harness/worker.js';
import { reasonTerm, type ReasonSpec } from '../harness/faults.js';
import * as GenServer from '../otp/GenServer.js';
import * as Registry from '../otp/Registry.js';
import * as Supervisor from '../otp/Supervisor.js';
import * as Task from '../otp/Task.js';
import * as TaskSupervisor from '../otp/TaskSupervisor.js';
import { canonical } from './canonical.js';
import { DriverError, type Command, type Driver, type Hello, type Response } from './Driver.js';

const FIFO = { name: 'fifo', choose: () => 0 };
const REGISTRY = 'bc_registry';
export const PROTOCOL_VERSION = 1;

/** Bad parameters in a request: answered with `ok: false`. */
class RequestError extends Error {}

function str(c: Command, key: string): string {
  const v = c[key];
  if (typeof v !== 'string') throw new RequestError(`${c.cmd}: "${key}" must be a string`);
  return v;
}

function int(c: Command, key: string): number {
  const v = c[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new RequestError(`${c.cmd}: "${key}" must be a non-negative integer`);
  return v;
}

function timeoutOf(c: Command, key: string): number | 'infinity' {
  return c[key] === 'infinity' ? 'infinity' : int(c, key);
}

function reasonOf(c: Command, key: string): ReasonSpec {
  const v = c[key];
  if (v === 'normal' || v === 'shutdown' || v === 'kill' || v === 'boom' || v === 'raise') return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof v['shutdown'] === 'string') return { shutdown: v['shutdown'] };
  throw new RequestError(`${c.cmd}: "${key}" must be normal, shutdown, kill, boom, raise or {"shutdown": x}`);
}

/** A term from a JSON value in a command (atoms as strings, integers, lists). */
function termOf(j: Json): Term {
  if (typeof j === 'string' || typeof j === 'number' || typeof j === 'boolean') return j;
  if (Array.isArray(j)) return j.map(termOf);
  if (j !== null && typeof j === 'object' && typeof j['bin'] === 'string') return bin(j['bin']);
  throw new RequestError(`unsupported term in a command: ${JSON.stringify(j)}`);
}

function initOf(j: Json | undefined): InitBehaviour {
  if (j === undefined || j === 'ok') return 'ok';
  if (j === 'ignore' || j === 'raise') return j;
  if (j !== null && typeof j === 'object' && !Array.isArray(j)) {
    if (typeof j['stop'] === 'string') return { stop: j['stop'] };
    if (typeof j['fail_first'] === 'number') return { failFirst: j['fail_first'] };
    if (typeof j['slow_ms'] === 'number') return { slowMs: j['slow_ms'] };
  }
  throw new RequestError(`bad init behaviour ${JSON.stringify(j)}`);
}

/** An agent's body: runs each `{:run, fun, reply_to}` it is sent and answers `{:result, value}`. */
function* agent(trap: boolean): Op<void> {
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

export class SimDriver implements Driver {
  readonly label: string;
  private rt!: Runtime;
  private cursor = 0;
  private names = new Map<number, string>();
  private incarnation = new Map<number, { id: string; n: number }>();
  private supervisors = new Map<number, string>();
  private world!: WorkerWorld;
  private worker!: ErlModule;
  private caseOwner: Pid | null = null;
  private taskOwner: Pid | null = null;
  private taskSup: Pid | null = null;
  private tasks = new Map<string, Task.Task>();
  private regProcs = new Map<string, Pid>();
  private rootSup: Pid | null = null;
  private closed = false;

  constructor(readonly semantics: Semantics = 'current') {
    this.label = `sim (${semantics})`;
    this.newCase();
  }

  async hello(): Promise<Hello> {
    return this.helloSync();
  }

  helloSync(): Hello {
    const capabilities = ['supervisor', 'nested_supervisors', 'task', 'registry'];
    if (this.semantics === 'current') capabilities.push('auto_shutdown', 'registry_key_partitioning');
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
        const h = this.helloSync();
        return { ok: true, protocol: h.protocol, runtime: h.runtime, capabilities: [...h.capabilities] };
      }
      if (c.cmd === 'reset') {
        this.newCase();
        return { ok: true, result: 'ok', events: [] };
      }
      if (c.cmd === 'quit') {
        this.closed = true;
        return { ok: true, result: 'ok', events: [] };
      }
      const result = this.perform(c);
      this.barrier();
      return { ok: true, result, events: this.events() };
    } catch (e) {
      if (e instanceof RequestError) return { ok: false, error: e.message };
      throw e;
    }
  }

  // ------------------------------------------------------------------- the case

  private newCase(): void {
    this.rt = new Runtime({ semantics: this.semantics, strategy: FIFO, maxDelay: 0, maxSteps: 5_000_000, guard: false });
    this.cursor = 0;
    this.names = new Map();
    this.incarnation = new Map();
    this.supervisors = new Map();
    this.world = new WorkerWorld();
    this.worker = workerModule(this.world);
    this.tasks = new Map();
    this.regProcs = new Map();
    this.rootSup = null;
    this.taskOwner = null;
    this.taskSup = null;
    this.caseOwner = this.rt.spawnRoot(() => agent(true), 'case');
    this.rt.runUntil(this.rt.now);
  }

  /**
   * The quiescence barrier a real driver uses (docs/driver-protocol.md, "Determinism"): a
   * `:sys.get_state` on every live supervisor, so that a restart or shutdown in progress completes
   * before the response. Signals to one process arrive in send order, so every EXIT a supervisor was
   * sent before the barrier is handled before it answers.
   */
  private barrier(): void {
    const sups = [...this.supervisors.keys()].map((id) => this.pidOf(id)).filter((p) => this.rt.inspect(p)?.alive);
    if (sups.length === 0) return;
    this.run(function* () {
      for (const sup of sups) {
        try {
          yield* GenServer.getState(sup, 'infinity');
        } catch {
          // It died meanwhile: nothing left to wait for.
        }
      }
      return 'ok';
    });
  }

  /** Runs `body` in a fresh command process; returns its value, or `{exit, reason}`. */
  private run(body: () => Op<Term>): Term {
    let result: Term = 'ok';
    const pid = this.rt.spawnRoot(function* () {
      try {
        result = t('value', (yield* body()) ?? 'ok');
      } catch (e) {
        if (!(e instanceof ExitException)) throw e;
        result = t('exit', e.reason);
      }
    }, 'driver');
    this.rt.runUntilExit(pid);
    const v = this.rt.verdict;
    if (v.kind === 'divergence') throw new DriverError(`simulation diverged: ${v.detail}`);
    return result;
  }

  /** Runs `body` inside agent `who` (so the agent is the caller: parent, owner, registrant). */
  private inAgent(who: Pid, body: () => Op<Term>): Term {
    return this.run(function* () {
      yield* api.send(who, t('run', body as unknown as Term, yield* api.self()));
      const [, r] = yield* api.receive(match.tagged('result', 2));
      // The agent answers {:value, v} or {:exit, reason}: surface it as this command's own outcome.
      if (isTagged(r, 'exit', 2)) return exit(r[1]!);
      return (r as unknown as Tuple)[1]!;
    });
  }

  private value(r: Term): Term {
    if (isTagged(r, 'value', 2)) return r[1]!;
    if (isTagged(r, 'exit', 2)) return r;
    return r;
  }

  /** The command's result as JSON: values canonical, exits as `{"exit": reason}`. */
  private json(r: Term): Json {
    if (isTagged(r, 'exit', 2)) return { exit: this.canon(r[1]!) };
    if (isTagged(r, 'value', 2)) return this.canon(r[1]!);
    return this.canon(r);
  }

  private canon(x: Term): Json {
    return canonical(x, (pid) => this.names.get(pid.id));
  }

  // ------------------------------------------------------------------- commands

  private perform(c: Command): Json {
    switch (c.cmd) {
      case 'sup_start':
        return this.supStart(c);
      case 'sup_call':
        return this.supCall(c);
      case 'sup_stop': {
        const sup = this.requireSup();
        const reason = reasonTerm(reasonOf(c, 'reason'));
        return this.json(this.run(() => Supervisor.stop(sup, reason)));
      }
      case 'crash':
      case 'kill':
      case 'signal':
        return this.fault(c);
      case 'call': {
        const pid = this.childPid(str(c, 'child'));
        if (!pid) return 'not_running';
        const request = this.requestOf(c['request']);
        const timeout = timeoutOf(c, 'timeout');
        const r = this.run(() => GenServer.call(pid, request, timeout));
        return isTagged(r, 'exit', 2) ? { exit: this.canon(r[1]!) } : { reply: this.canon((r as unknown as Tuple)[1]!) };
      }
      case 'advance':
        this.rt.runUntil(this.rt.now + int(c, 'ms'));
        return 'ok';
      case 'task_owner':
        return this.taskOwnerCmd(c);
      case 'task_async':
        return this.taskAsync(c);
      case 'task_await':
      case 'task_yield':
      case 'task_shutdown':
        return this.taskQuery(c);
      case 'task_owner_mailbox':
        return this.ownerMailbox();
      case 'reg_start':
      case 'reg_register':
      case 'reg_unregister':
      case 'reg_kill':
      case 'reg_lookup':
      case 'reg_keys':
      case 'reg_count':
      case 'reg_whereis':
        return this.registryCmd(c);
      default:
        throw new RequestError(`unknown command "${c.cmd}"`);
    }
  }

  private requestOf(j: Json | undefined): Term {
    if (j === 'ping' || j === 'stop') return j;
    if (j !== null && typeof j === 'object' && !Array.isArray(j) && typeof j['sleep'] === 'number') return t('sleep', j['sleep']);
    throw new RequestError(`call: bad request ${JSON.stringify(j)}`);
  }

  private requireSup(): Pid {
    if (!this.rootSup) throw new RequestError('no supervisor: send sup_start first');
    return this.rootSup;
  }

  /** The child spec maps of a protocol tree; nested supervisors become tree-supervisor children. */
  private specs(tree: Json): TermObject[] {
    if (tree === null || typeof tree !== 'object' || Array.isArray(tree) || !Array.isArray(tree['children'])) {
      throw new RequestError('sup_start: "tree" must be {"strategy", "max_restarts", "max_seconds", "children": [...]}');
    }
    return (tree['children'] as Json[]).map((child) => {
      if (child === null || typeof child !== 'object' || Array.isArray(child) || typeof child['id'] !== 'string') {
        throw new RequestError('sup_start: every child needs a string "id"');
      }
      const id = child['id'];
      const fields: TermObject = {};
      if (typeof child['restart'] === 'string') fields['restart'] = child['restart'];
      if (child['shutdown'] !== undefined) fields['shutdown'] = child['shutdown'] as Term;
      if (child['significant'] === true) fields['significant'] = true;
      if (child['type'] === 'supervisor') {
        return { id, start: t(this.treeSupervisor(), 'start_link', [t(id, child['tree'] as unknown as Term)]), type: 'supervisor', ...fields };
      }
      return workerSpec(
        this.worker,
        {
          id,
          trapExit: child['trap_exit'] === true,
          init: initOf(child['init']),
          terminateMs: typeof child['terminate_ms'] === 'number' ? child['terminate_ms'] : 0,
        },
        fields,
      );
    });
  }

  private flags(tree: Json): Record<string, Term> {
    const o = tree as Record<string, Json>;
    const opts: Record<string, Term> = {
      strategy: (o['strategy'] as string) ?? 'one_for_one',
      maxRestarts: (o['max_restarts'] as number) ?? 3,
      maxSeconds: (o['max_seconds'] as number) ?? 5,
    };
    if (typeof o['auto_shutdown'] === 'string' && o['auto_shutdown'] !== 'never') opts['autoShutdown'] = o['auto_shutdown'];
    return opts;
  }

  private treeSupervisorModule: ErlModule | null = null;

  /** A module supervisor for nested trees: its init reads `{id, tree}` and names itself. */
  private treeSupervisor(): ErlModule {
    if (this.treeSupervisorModule) return this.treeSupervisorModule;
    const driver = this;
    this.treeSupervisorModule = Supervisor.defmodule('Beamcheck.TreeSupervisor', {
      *init(arg: Term) {
        const [id, tree] = arg as Tuple;
        driver.supervisors.set((yield* api.self()).id, `sup:${id as string}`);
        driver.names.set((yield* api.self()).id, `sup:${id as string}`);
        return yield* Supervisor.init(driver.specs(tree as unknown as Json), driver.flags(tree as unknown as Json));
      },
    });
    return this.treeSupervisorModule;
  }

  private supStart(c: Command): Json {
    const tree = c['tree'];
    if (tree === undefined) throw new RequestError('sup_start: missing "tree"');
    const specs = this.specs(tree);
    const opts = this.flags(tree);
    const r = this.value(this.inAgent(this.caseOwner!, () => Supervisor.startLink(specs, opts)));
    if (isTagged(r, 'ok', 2) && r[1] instanceof Pid) {
      this.rootSup = r[1];
      this.names.set(r[1].id, 'sup');
      this.supervisors.set(r[1].id, 'sup');
    }
    return this.json(r);
  }

  private supRef(c: Command): Pid {
    const name = c['sup'] === undefined ? 'sup' : str(c, 'sup');
    for (const [id, n] of this.supervisors) if (n === name || n === `sup:${name}`) return this.pidOf(id);
    throw new RequestError(`sup_call: unknown supervisor "${name}"`);
  }

  private pidOf(id: number): Pid {
    return this.rt.pids()[id]!;
  }

  private supCall(c: Command): Json {
    const sup = this.supRef(c);
    const fun = str(c, 'fun');
    const args = Array.isArray(c['args']) ? (c['args'] as Json[]) : [];
    const arg = (i: number): Term => termOf(args[i] ?? null);
    switch (fun) {
      case 'which_children':
        return this.json(this.run(() => Supervisor.whichChildren(sup)));
      case 'count_children':
        return this.json(this.run(() => Supervisor.countChildren(sup)));
      case 'terminate_child':
        return this.json(this.run(() => Supervisor.terminateChild(sup, arg(0))));
      case 'restart_child':
        return this.json(this.run(() => Supervisor.restartChild(sup, arg(0))));
      case 'delete_child':
        return this.json(this.run(() => Supervisor.deleteChild(sup, arg(0))));
      case 'get_childspec':
        return this.json(this.run(() => Supervisor.getChildspec(sup, arg(0))));
      case 'start_child': {
        const [spec] = this.specs({ children: [args[0] ?? null] });
        return this.json(this.run(() => Supervisor.startChild(sup, spec!)));
      }
      default:
        throw new RequestError(`sup_call: unknown function "${fun}"`);
    }
  }

  /** The current pid of a worker by child id (its newest incarnation, if alive). */
  private childPid(id: string): Pid | undefined {
    let best: { pid: number; n: number } | undefined;
    for (const [pid, who] of this.incarnation) if (who.id === id && (!best || who.n > best.n)) best = { pid, n: who.n };
    if (!best) return undefined;
    const p = this.pidOf(best.pid);
    return this.rt.inspect(p)?.alive ? p : undefined;
  }

  private fault(c: Command): Json {
    const pid = this.childPid(str(c, 'child'));
    if (!pid) return 'not_running';
    const reason = c.cmd === 'kill' ? 'kill' : reasonTerm(reasonOf(c, 'reason'));
    const how = c.cmd;
    this.run(function* () {
      // Like the real driver: act, then wait until the victim is gone (if it goes at all).
      const ref = yield* api.monitor(pid);
      if (how === 'crash') yield* api.send(pid, t('crash', reason));
      else yield* api.exitSignal(pid, reason);
      yield* api.receive(match.down(ref), { after: how === 'signal' ? 0 : 'infinity' });
      return 'ok';
    });
    return 'ok';
  }

  // ------------------------------------------------------------------- tasks

  private taskOwnerCmd(c: Command): Json {
    const trap = c['trap_exit'] === true;
    if (this.taskOwner) this.run(() => api.exitSignal(this.taskOwner!, 'kill'));
    const ownerPid = this.run(() => api.spawn(() => agent(trap), { label: 'task_owner' }));
    this.taskOwner = (ownerPid as unknown as Tuple)[1] as Pid;
    this.names.set(this.taskOwner.id, 'owner');
    const sup = this.value(this.inAgent(this.caseOwner!, () => TaskSupervisor.startLink()));
    if (isTagged(sup, 'ok', 2)) {
      this.taskSup = sup[1] as Pid;
      this.names.set(this.taskSup.id, 'task_sup');
    }
    this.tasks = new Map();
    return 'ok';
  }

  private taskAsync(c: Command): Json {
    if (!this.taskOwner) throw new RequestError('task_async: send task_owner first');
    const name = str(c, 'name');
    const ms = int(c, 'ms');
    const raises = c['raise'] === true;
    const result = c['result'] === undefined ? 'done' : termOf(c['result']);
    const work = function* (): Op<Term> {
      if (ms > 0) yield* api.sleep(ms);
      if (raises) throw new Error(`task ${name} failed`);
      return result;
    };
    const nolink = c['nolink'] === true;
    const taskSup = this.taskSup;
    const r = this.value(
      this.inAgent(this.taskOwner, function* () {
        return nolink ? yield* TaskSupervisor.asyncNolink(taskSup!, work) : yield* Task.async(work);
      }),
    );
    if (isTagged(r, 'exit', 2)) return this.json(r);
    this.tasks.set(name, r as unknown as Task.Task);
    const pid = (r as TermObject)['pid'];
    if (pid instanceof Pid) this.names.set(pid.id, `task:${name}`);
    return 'ok';
  }

  private taskQuery(c: Command): Json {
    const name = str(c, 'name');
    const task = this.tasks.get(name);
    if (!task || !this.taskOwner) throw new RequestError(`${c.cmd}: unknown task "${name}"`);
    let body: () => Op<Term>;
    if (c.cmd === 'task_await') {
      const timeout = timeoutOf(c, 'timeout');
      body = () => Task.await(task, timeout);
    } else if (c.cmd === 'task_yield') {
      const timeout = timeoutOf(c, 'timeout');
      body = () => Task.yield(task, timeout);
    } else {
      const mode = c['mode'] === 'brutal_kill' ? 'brutal_kill' : int(c, 'mode');
      body = () => Task.shutdown(task, mode);
    }
    const r = this.inAgent(this.taskOwner, body);
    if (isTagged(r, 'exit', 2)) return { exit: this.canon(r[1]!) };
    const v = (r as unknown as Tuple)[1]!;
    if (c.cmd === 'task_await') return { reply: this.canon(v) };
    if (v === 'nil') return 'nil';
    if (isTagged(v, 'ok', 2)) return { ok: this.canon(v[1]!) };
    if (isTagged(v, 'exit', 2)) return { exit: this.canon(v[1]!) };
    return this.canon(v);
  }

  private ownerMailbox(): Json {
    const owner = this.taskOwner;
    if (!owner) throw new RequestError('task_owner_mailbox: no task owner');
    const info = this.rt.inspect(owner);
    if (!info || !info.alive) return { owner_exit: this.canon(info?.exitReason ?? 'noproc') };
    const r = this.inAgent(owner, function* () {
      const out: Term[] = [];
      for (;;) {
        const m = yield* api.receive(undefined, { after: 0 });
        if (m === api.TIMEOUT) return out;
        out.push(m);
      }
    });
    return this.json(r);
  }

  // ------------------------------------------------------------------- registry

  private regProc(name: string): Pid {
    const existing = this.regProcs.get(name);
    if (existing && this.rt.inspect(existing)?.alive) return existing;
    const pid = (this.run(() => api.spawn(() => agent(false), { label: name })) as unknown as Tuple)[1] as Pid;
    this.regProcs.set(name, pid);
    this.names.set(pid.id, name);
    return pid;
  }

  /** A barrier: every registry partition has processed what is in its mailbox. */
  private registryBarrier(): void {
    this.run(function* () {
      for (const child of yield* Supervisor.whichChildren(REGISTRY)) {
        const pid = (child as Tuple)[1];
        if (pid instanceof Pid) yield* GenServer.getState(pid);
      }
      return 'ok';
    });
  }

  private registryCmd(c: Command): Json {
    switch (c.cmd) {
      case 'reg_start': {
        const keys = str(c, 'keys');
        const kind: Term = keys === 'duplicate_key' ? t('duplicate', 'key') : keys;
        const partitions = int(c, 'partitions');
        const r = this.value(this.inAgent(this.caseOwner!, () => Registry.startLink({ keys: kind, name: REGISTRY, partitions })));
        return isTagged(r, 'ok', 2) ? 'ok' : this.json(r);
      }
      case 'reg_register': {
        const proc = this.regProc(str(c, 'proc'));
        const key = termOf(c['key'] ?? null);
        const value = termOf(c['value'] ?? null);
        return this.json(this.inAgent(proc, () => Registry.register(REGISTRY, key, value)));
      }
      case 'reg_unregister': {
        const proc = this.regProc(str(c, 'proc'));
        const key = termOf(c['key'] ?? null);
        return this.json(this.inAgent(proc, () => Registry.unregister(REGISTRY, key)));
      }
      case 'reg_kill': {
        const proc = this.regProcs.get(str(c, 'proc'));
        if (proc) this.run(() => api.exitSignal(proc, 'kill'));
        this.registryBarrier();
        return 'ok';
      }
      case 'reg_lookup': {
        this.registryBarrier();
        const key = termOf(c['key'] ?? null);
        const r = this.value(this.run(() => Registry.lookup(REGISTRY, key)));
        if (!Array.isArray(r)) return this.json(r);
        return r.map((e) => [this.canon((e as Tuple)[0]!), this.canon((e as Tuple)[1]!)]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      }
      case 'reg_keys': {
        this.registryBarrier();
        const proc = this.regProc(str(c, 'proc'));
        const r = this.value(this.run(() => Registry.keys(REGISTRY, proc)));
        return Array.isArray(r) ? r.map((k) => this.canon(k)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : this.json(r);
      }
      case 'reg_count':
        this.registryBarrier();
        return this.json(this.run(() => Registry.count(REGISTRY)));
      default: {
        this.registryBarrier();
        const key = termOf(c['key'] ?? null);
        const r = this.value(this.run(() => Registry.whereisName(t(REGISTRY, key))));
        return r instanceof Pid ? this.canon(r) : this.json(r);
      }
    }
  }

  // ------------------------------------------------------------------- events

  /** Lifecycle and supervisor events since the previous response (the protocol's `events`). */
  private events(): Json[] {
    const trace = this.rt.trace;
    const out: Json[] = [];
    for (; this.cursor < trace.length; this.cursor++) {
      const e = trace[this.cursor]!;
      const ev = this.eventOf(e);
      if (ev) out.push(ev);
    }
    return out;
  }

  private eventOf(e: TraceEvent): Json | null {
    if (e.k === 'report') {
      const d = e.data as TermObject;
      switch (e.name) {
        case 'worker.start': {
          const id = d['id'] as string;
          const n = d['incarnation'] as number;
          this.incarnation.set(e.pid.id, { id, n });
          this.names.set(e.pid.id, `${id}#${n}`);
          return ['start', id, n];
        }
        case 'worker.start_failed':
          return ['start_failed', d['id'] as string, d['incarnation'] as number, d['how'] as string];
        case 'worker.terminate':
          return ['terminate', d['id'] as string, d['incarnation'] as number, this.canon(d['reason']!)];
        case 'supervisor.child_terminated':
        case 'supervisor.start_error':
        case 'supervisor.shutdown':
        case 'supervisor.shutdown_error': {
          const report = d['report'] as Term[];
          const kw = (list: Term, key: string) => (Array.isArray(list) ? (list.find((x) => isTagged(x, key, 2)) as Tuple | undefined)?.[1] : undefined);
          const offender = kw(report, 'offender');
          const id = kw(offender ?? [], 'id');
          return ['report', e.name.slice('supervisor.'.length), typeof id === 'string' ? id : null, this.canon(kw(report, 'reason')!)];
        }
        default:
          return null;
      }
    }
    if (e.k === 'exit') {
      const who = this.incarnation.get(e.pid.id);
      if (who) return ['exit', who.id, who.n, this.canon(e.reason)];
      const sup = this.supervisors.get(e.pid.id);
      if (sup) return ['sup_exit', sup, this.canon(e.reason)];
    }
    return null;
  }
}
