/**
 * The simulation kernel: one single-threaded scheduler with virtual time running an actor system
 * with BEAM process semantics (processes.md §1).
 *
 * The core idea: the state of the world is a set of *enabled events* — a runnable process, the head
 * signal of a sender→receiver channel, a due timer — plus pending timers. Each step asks the choice
 * source which event happens next (only when there is more than one option) and performs it. So:
 *
 * - per-pair order holds because each channel only ever offers its head (§1.1.2, §1.1.3);
 * - signals from different senders arrive in any order the strategy picks;
 * - the clock advances to the next timer deadline when the strategy picks "advance", which is
 *   offered once nothing is enabled, or earlier while the oldest enabled event is no more than
 *   `maxDelay` ms behind that deadline (a signal may still be in flight while time passes);
 * - timers that fall due together are separate events, so their order is a choice too (§1.1.4).
 *
 * A run is a pure function of (program, choice sequence, semantics profile): no real time, no
 * Math.random, no promise order. Behaviours (GenServer, Supervisor, …) are ordinary processes on
 * the public API in ./api.ts; nothing here knows about them.
 */
import { ChoiceLog, ReplayDivergedError, type ChoiceSource } from '../scheduler/ChoiceSource.js';
import { EnabledSet } from '../scheduler/EnabledSet.js';
import { Prng } from '../scheduler/prng.js';
import { RandomStrategy } from '../scheduler/strategies/RandomStrategy.js';
import { TimerQueue } from '../scheduler/TimerQueue.js';
import type { DropReason, TraceEvent } from '../scheduler/Trace.js';
import { format } from '../term/format.js';
import { Pid, Ref, Tuple, isTagged, t, type Term } from '../term/Term.js';
import { termKey } from '../term/termKey.js';
import { TIMEOUT } from './api.js';
import type { Dest, Effect, Matcher, ProcessBody, ProcessInfoItem } from './effects.js';
import { erlangError, exitReasonOf } from './errors.js';
import { EtsStore } from './ets.js';
import { DeterminismGuard } from './guard.js';
import {
  Channel,
  EventKind,
  KTimer,
  NO_ERROR,
  Proc,
  type AliasState,
  Signal,
  SignalKind,
  Status,
  TimerKind,
  type KernelEvent,
  type MonitorOut,
} from './Proc.js';

export type Semantics = 'current' | 'otp25';

/**
 * How signals between processes may be reordered.
 * - `node` (default): as on one BEAM node, a signal enters the receiver's queue in send order
 *   across *all* senders (delivery can still lag behind the clock by up to `maxDelay`). Elixir's
 *   own code (Task.async_stream) relies on this.
 * - `pair`: only the guarantee the reference manual states: order per sender→receiver pair
 *   (processes.md §1.1.2). Signals from different senders may overtake each other, as across
 *   nodes; use it to find code that depends on more than the documented guarantee.
 */
export type Delivery = 'node' | 'pair';

export interface RuntimeOptions {
  /** The choice source; defaults to a RandomStrategy seeded with `seed`. */
  strategy?: ChoiceSource;
  /** Seeds the default strategy and the guarded Math.random (default 0). */
  seed?: number;
  /** OTP 25 / Elixir 1.14 or current OTP / Elixir behaviour where they differ (default current). */
  semantics?: Semantics;
  /** Step budget: a run that takes more steps ends with a `divergence` verdict (default 500,000). */
  maxSteps?: number;
  /** Process budget: total processes a run may spawn (default 20,000). */
  maxProcesses?: number;
  /** Mailbox budget: longest mailbox allowed (default 100,000). */
  maxMailbox?: number;
  /** Virtual-time horizon in ms: timers beyond it never fire (default 24 h). */
  maxTime?: number;
  /** How far (ms) the clock may run ahead of an enabled but not yet performed event (default 2). */
  maxDelay?: number;
  /** Signal ordering between different senders (default `'node'`). */
  delivery?: Delivery;
  /** Record the trace (default true). */
  trace?: boolean;
  /** Install the determinism guard during kernel calls (default true). */
  guard?: boolean;
  /**
   * Test-only: the id of a deliberately wrong runtime variant to run (see src/otp/mutations.ts).
   * Used by the mutation check to prove the properties catch real bugs.
   */
  mutation?: string;
}

export interface BlockedProcess {
  pid: Pid;
  name: string | null;
  label: string | null;
  /** What its receive waits for (the matcher's description). */
  waitingFor: string;
  mailbox: number;
  /** The first queued messages, printed. */
  mailboxHead: string[];
}

export type Verdict =
  | { kind: 'completed' }
  | { kind: 'quiescent'; rootAlive: boolean; blocked: BlockedProcess[] }
  | { kind: 'horizon'; time: number }
  | { kind: 'divergence'; budget: 'steps' | 'processes' | 'mailbox'; detail: string }
  | { kind: 'replay-diverged'; step: number; detail: string };

/**
 * A strategy that failed while a process asked for a data choice: a harness error, not the
 * process's, so it leaves the run the way a failure at a scheduling choice does.
 */
class StrategyFailure extends Error {
  constructor(readonly failure: unknown) {
    super('strategy failure');
  }
}

/** Thrown inside the kernel to stop a run at once (budget exceeded, replay diverged). */
class Halt extends Error {
  constructor(readonly verdict: Verdict) {
    super(verdict.kind);
  }
}

const MAX_IMMEDIATE = 1_000_000;

function notAnEffect(value: unknown): TypeError {
  return new TypeError(`a process yielded ${String(value)}: use yield* with the beamcheck API`);
}

/** Effects answered within the current step: they read only the process's own view of the world. */
function isImmediate(e: Effect | null): boolean {
  const op = e?.op; // a raw `yield null` is reported by performEffect, not crashed on here
  return op === 'self' || op === 'now' || op === 'semantics' || op === 'make_ref' || op === 'mutation';
}

export class Runtime {
  readonly semantics: Semantics;
  /** The deliberately wrong runtime variant this run uses (mutation testing), or null. */
  readonly mutation: string | null;
  readonly delivery: Delivery;
  readonly trace: TraceEvent[] = [];
  readonly choices = new ChoiceLog();
  now = 0;
  steps = 0;

  private readonly strategy: ChoiceSource;
  private readonly tracing: boolean;
  private readonly maxSteps: number;
  private readonly maxProcesses: number;
  private readonly maxMailbox: number;
  private readonly maxTime: number;
  private readonly maxDelay: number;
  private readonly enabled = new EnabledSet<KernelEvent>();
  private readonly timers = new TimerQueue<KTimer>();
  private readonly timerByRef = new Map<number, KTimer>();
  private readonly procs: Proc[] = [];
  private readonly names = new Map<string, Proc>();
  private readonly aliasOwners = new Map<number, Proc>();
  /** Who made each alias, kept after it is deactivated: an alias names its owner, as on the BEAM. */
  private readonly aliasMakers = new Map<number, Proc>();
  private readonly ets: EtsStore;
  private readonly guard: DeterminismGuard | null;
  private readonly prng: Prng;
  private seq = 0;
  private nextRefId = 1;
  private live = 0;
  private root: Proc | null = null;
  private halted: Verdict | null = null;

  constructor(options: RuntimeOptions = {}) {
    const seed = options.seed ?? 0;
    this.strategy = options.strategy ?? new RandomStrategy(seed);
    this.semantics = options.semantics ?? 'current';
    this.mutation = options.mutation ?? null;
    this.delivery = options.delivery ?? 'node';
    this.tracing = options.trace ?? true;
    this.maxSteps = options.maxSteps ?? 500_000;
    this.maxProcesses = options.maxProcesses ?? 20_000;
    this.maxMailbox = options.maxMailbox ?? 100_000;
    this.maxTime = options.maxTime ?? 24 * 3600 * 1000;
    this.maxDelay = options.maxDelay ?? 2;
    this.prng = new Prng(seed ^ 0x5eed);
    this.guard = options.guard === false ? null : new DeterminismGuard(this.prng);
    this.ets = new EtsStore(() => this.newRef());
    const owners = (this.strategy as { owners?: () => readonly string[] }).owners;
    if (owners === undefined && 'owners' in this.strategy) {
      (this.strategy as { owners?: () => readonly string[] }).owners = () => this.ownerKeys();
    }
  }

  // ---------------------------------------------------------------- driving the run

  /** Starts a process from outside any process (the run's root, or a driver command). */
  spawnRoot(body: ProcessBody, label?: string): Pid {
    const proc = this.newProcess(body, null);
    if (label !== undefined) this.setLabel(proc, label);
    this.root ??= proc;
    return proc.pid;
  }

  /** Runs until nothing can happen (before the horizon) or a budget stops the run. */
  runUntilQuiet(): Verdict {
    return this.guarded(() => {
      while (this.halted === null) {
        if (!this.step()) break;
      }
      return this.halted ?? this.quietVerdict();
    });
  }

  /**
   * Runs events and timers up to virtual time `until`, then sets the clock to `until` (if the run
   * is not halted). Used by drivers to "advance time" between commands.
   */
  runUntil(until: number): Verdict {
    return this.guarded(() => {
      while (this.halted === null) {
        if (!this.step(until)) break;
      }
      if (this.halted === null && until > this.now) {
        this.now = until;
        this.guard?.advanceTo(until);
        this.record({ k: 'clock', t: until });
      }
      return this.halted ?? this.quietVerdict();
    });
  }

  /**
   * Runs until process `pid` has exited (advancing time as it needs), then performs whatever is
   * still possible without advancing the clock. Drivers use it to run one command to completion
   * without fast-forwarding past it.
   */
  runUntilExit(pid: Pid): Verdict {
    return this.guarded(() => {
      const proc = this.procs[pid.id];
      while (this.halted === null && proc?.alive) {
        if (!this.step()) break;
      }
      while (this.halted === null) {
        if (!this.step(this.now)) break;
      }
      return this.halted ?? this.quietVerdict();
    });
  }

  /** The verdict if the run stopped now. */
  get verdict(): Verdict {
    return this.halted ?? this.quietVerdict();
  }

  private guarded<T>(fn: () => T): T {
    this.guard?.enter(this.now);
    try {
      return fn();
    } finally {
      this.guard?.leave();
    }
  }

  private quietVerdict(): Verdict {
    if (this.live === 0) return { kind: 'completed' };
    const next = this.timers.nextDeadline();
    if (next !== undefined && next > this.maxTime) return { kind: 'horizon', time: this.now };
    return { kind: 'quiescent', rootAlive: this.root?.alive ?? false, blocked: this.blocked() };
  }

  /** Every live process and what it waits for (the deadlock report). */
  blocked(): BlockedProcess[] {
    const out: BlockedProcess[] = [];
    for (const p of this.procs) {
      if (!p.alive) continue;
      out.push({
        pid: p.pid,
        name: p.name,
        label: p.label,
        waitingFor: p.matcher ? describeMatcher(p.matcher, p.recvAfter) : 'runnable',
        mailbox: p.mailbox.length,
        mailboxHead: p.mailbox.slice(0, 3).map((m) => format(m, { maxLength: 120 })),
      });
    }
    return out;
  }

  /**
   * Performs one step; returns false when nothing can happen. With `until`, the clock may not
   * advance past it.
   */
  private step(until = Infinity): boolean {
    const enabled = this.enabled;
    const deadline = this.timers.nextDeadline();
    const oldest = enabled.oldest;
    const canAdvance =
      deadline !== undefined &&
      deadline <= this.maxTime &&
      deadline <= until &&
      (oldest === undefined || oldest.enabledAt >= deadline - this.maxDelay);
    const options = enabled.length + (canAdvance ? 1 : 0);
    if (options === 0) return false;
    if (this.steps >= this.maxSteps) {
      this.halted = { kind: 'divergence', budget: 'steps', detail: `step budget of ${this.maxSteps} exhausted at ${this.now} ms` };
      return false;
    }
    let k = 0;
    if (options > 1) {
      try {
        k = this.strategy.choose(options, { step: this.steps, kind: 'schedule' });
      } catch (e) {
        if (e instanceof ReplayDivergedError) {
          this.halted = { kind: 'replay-diverged', step: e.step, detail: e.message };
          return false;
        }
        throw e;
      }
      if (!(k >= 0 && k < options)) throw new RangeError(`strategy ${this.strategy.name} chose ${k} of ${options}`);
      this.choices.record(options, k);
    }
    this.steps++;
    try {
      if (k === enabled.length) this.advanceClock(deadline!);
      else this.perform(enabled.takeAt(k));
    } catch (e) {
      if (e instanceof Halt) {
        this.halted = e.verdict;
        return false;
      }
      throw e instanceof StrategyFailure ? e.failure : e;
    }
    return true;
  }

  private perform(event: KernelEvent): void {
    switch (event.kind) {
      case EventKind.Process:
        this.runProcess(event);
        return;
      case EventKind.Channel:
        this.deliverHead(event);
        return;
      case EventKind.Timer:
        this.fireTimer(event);
        return;
    }
  }

  private advanceClock(deadline: number): void {
    this.now = deadline;
    this.guard?.advanceTo(deadline);
    this.record({ k: 'clock', t: deadline });
    for (const timer of this.timers.popDue()) {
      timer.due = true;
      this.enable(timer);
    }
  }

  private enable(event: KernelEvent, eseq = ++this.seq, enabledAt = this.now): void {
    event.eseq = eseq;
    event.enabledAt = enabledAt;
    this.enabled.add(event);
  }

  private ownerKeys(): string[] {
    const keys = this.enabled.items.map((e) =>
      e.kind === EventKind.Process ? `p${e.pid.id}` : e.kind === EventKind.Channel ? `c${e.from.pid.id}>${e.to.pid.id}` : `t${e.seq}`,
    );
    keys.push('advance');
    return keys;
  }

  private record(event: TraceEvent): void {
    if (this.tracing) this.trace.push(event);
  }

  // ---------------------------------------------------------------- processes

  private newProcess(body: ProcessBody, parent: Proc | null): Proc {
    if (this.procs.length >= this.maxProcesses) {
      throw new Halt({ kind: 'divergence', budget: 'processes', detail: `process budget of ${this.maxProcesses} exhausted at ${this.now} ms` });
    }
    const pid = new Pid(this.procs.length);
    const proc = new Proc(pid, null, parent);
    this.procs.push(proc);
    this.live++;
    try {
      proc.gen = body() as Generator<Effect, unknown, unknown>;
      if (proc.gen === null || typeof proc.gen !== 'object' || typeof proc.gen.next !== 'function') {
        throw new TypeError('a process body must be a generator function (function* () { … })');
      }
    } catch (e) {
      // The body itself failed before its first step: the process exits with that reason.
      proc.gen = null;
      proc.resumeError = e;
    }
    this.record({ k: 'spawn', t: this.now, pid, parent: parent?.pid ?? null, link: false, monitor: false });
    this.enable(proc);
    return proc;
  }

  private runProcess(p: Proc): void {
    let result: IteratorResult<Effect, unknown>;
    let immediate = 0;
    try {
      if (p.matcher !== null) {
        // Woken by a receive timeout: messages that arrived meanwhile still win (BEAM rescans).
        // The decision is a step of its own: on a real node a message can arrive after the
        // process decided it timed out and before the first effect of its `after` branch (it
        // then stays queued, e.g. a reply through an alias the process is about to unalias).
        this.finishTimedOutReceive(p);
        this.makeRunnable(p);
        return;
      }
      const gen = p.gen;
      if (gen === null) throw p.resumeError;
      if (p.resumeError !== NO_ERROR) {
        const error = p.resumeError;
        p.resumeError = NO_ERROR;
        result = gen.throw(error);
      } else {
        const value = p.resume;
        p.resume = undefined;
        result = gen.next(value);
      }
      // Pure queries (self, now, …) do not interact with other processes: answer them within
      // this step instead of spending a scheduling point on each.
      while (!result.done && isImmediate(result.value)) {
        if (++immediate > MAX_IMMEDIATE) {
          throw new Halt({ kind: 'divergence', budget: 'steps', detail: `${p.pid} made ${MAX_IMMEDIATE} queries without a scheduling point at ${this.now} ms` });
        }
        result = gen.next(this.immediateResult(p, result.value));
      }
    } catch (e) {
      if (e instanceof Halt || e instanceof StrategyFailure) throw e;
      this.terminate(p, exitReasonOf(e));
      return;
    }
    if (result.done) {
      this.terminate(p, 'normal');
      return;
    }
    try {
      this.performEffect(p, result.value);
    } catch (e) {
      if (e instanceof Halt || e instanceof StrategyFailure) throw e;
      // The effect raised (badarg, noproc…): the exception surfaces inside the process.
      if (p.alive) {
        p.resumeError = e;
        this.makeRunnable(p);
      }
    }
  }

  private immediateResult(p: Proc, e: Effect): unknown {
    switch (e.op) {
      case 'self':
        return p.pid;
      case 'now':
        return this.now;
      case 'semantics':
        return this.semantics;
      case 'make_ref':
        return this.newRef();
      case 'mutation':
        return this.mutation;
      default:
        throw new TypeError(`not an immediate effect: ${e.op}`);
    }
  }

  private makeRunnable(p: Proc): void {
    if (!p.alive) return; // it died inside its own step (exit(self(), reason))
    p.status = Status.Runnable;
    if (!p.queued) this.enable(p);
  }

  private continueWith(p: Proc, value: unknown): void {
    p.resume = value;
    this.makeRunnable(p);
  }

  private performEffect(p: Proc, e: Effect): void {
    if (e === null || typeof e !== 'object') throw notAnEffect(e);
    switch (e.op) {
      case 'spawn': {
        const child = this.newProcess(e.body, p);
        if (e.label !== undefined) this.setLabel(child, e.label);
        const ev = this.trace[this.trace.length - 1];
        if (e.link) {
          child.links.set(p.pid.id, p);
          p.links.set(child.pid.id, child);
          if (ev?.k === 'spawn') ev.link = true;
        }
        if (e.monitor) {
          const ref = this.newRef();
          p.monitors.set(ref.id, { ref, target: child, object: child.pid, tag: 'DOWN', alias: undefined });
          child.monitoredBy.set(ref.id, { ref, watcher: p, object: child.pid });
          if (ev?.k === 'spawn') ev.monitor = true;
          return this.continueWith(p, [child.pid, ref] as const);
        }
        return this.continueWith(p, child.pid);
      }
      case 'send':
        this.send(p, e.dest, e.msg);
        return this.continueWith(p, e.msg);
      case 'receive':
        return this.startReceive(p, e.matcher, e.after);
      case 'link':
        return this.link(p, e.pid);
      case 'unlink':
        return this.unlink(p, e.pid);
      case 'monitor':
        return this.continueWith(p, this.monitor(p, e.target, e.alias, e.tag ?? 'DOWN'));
      case 'demonitor':
        return this.continueWith(p, this.demonitor(p, e.ref, e.flush, e.info));
      case 'exit': {
        const target = this.procOf(e.pid);
        if (target) this.sendSignal(SignalKind.Exit, p, target, e.reason, null, false, null);
        return this.continueWith(p, true);
      }
      case 'trap_exit': {
        const old = p.trapExit;
        p.trapExit = e.value === true;
        if (old !== p.trapExit) this.record({ k: 'trap_exit', t: this.now, pid: p.pid, value: p.trapExit });
        return this.continueWith(p, old);
      }
      case 'register':
        this.register(e.name, e.pid);
        return this.continueWith(p, true);
      case 'unregister': {
        const holder = this.names.get(e.name);
        if (!holder) erlangError('badarg');
        this.dropName(holder);
        return this.continueWith(p, true);
      }
      case 'whereis':
        return this.continueWith(p, this.names.get(e.name)?.pid);
      case 'put': {
        const key = termKey(e.key);
        const old = p.dict.get(key);
        p.dict.set(key, [e.key, e.value]);
        return this.continueWith(p, old?.[1]);
      }
      case 'get':
        return this.continueWith(p, p.dict.get(termKey(e.key))?.[1]);
      case 'erase': {
        const key = termKey(e.key);
        const old = p.dict.get(key);
        p.dict.delete(key);
        return this.continueWith(p, old?.[1]);
      }
      case 'get_keys':
        return this.continueWith(p, [...p.dict.values()].map(([k]) => k));
      case 'alias': {
        const ref = this.newRef();
        this.activateAlias(p, ref, { mode: e.mode, monitor: false });
        return this.continueWith(p, ref);
      }
      case 'unalias':
        return this.continueWith(p, this.deactivateAlias(p, e.ref));
      case 'send_after':
        return this.continueWith(p, this.startMessageTimer(p, e.dest, e.msg, e.ms, e.startTimer));
      case 'cancel_timer':
        return this.continueWith(p, this.cancelTimer(p, e.ref, true));
      case 'read_timer':
        return this.continueWith(p, this.cancelTimer(p, e.ref, false));
      case 'is_alive':
        return this.continueWith(p, this.procOf(e.pid)?.alive ?? false);
      case 'info':
        return this.continueWith(p, this.info(e.pid, e.item));
      case 'label':
        this.setLabel(p, e.text);
        return this.continueWith(p, undefined);
      case 'report':
        this.record({ k: 'report', t: this.now, pid: p.pid, name: e.name, data: e.data });
        return this.continueWith(p, undefined);
      case 'choose': {
        const value = this.chooseData(e.n);
        this.record({ k: 'choose', t: this.now, pid: p.pid, n: e.n, value });
        return this.continueWith(p, value);
      }
      case 'yield':
        return this.continueWith(p, undefined);
      case 'ets': {
        try {
          return this.continueWith(p, this.ets.call(p, e.call));
        } finally {
          // Traced whether the call returns or raises badarg (a failed read still touched the table).
          if (this.tracing && e.call.fn !== 'new') {
            this.trace.push({ k: 'ets', t: this.now, pid: p.pid, fn: e.call.fn, table: 'table' in e.call ? e.call.table : e.call.fn === 'whereis' ? e.call.name : 'undefined' });
          }
        }
      }
    }
    // self, now, semantics, make_ref and mutation never get here: runProcess answers them inline.
    // (The op is read once, by the switch, on the hot path: effects have many shapes.)
    if (typeof (e as { op?: unknown }).op !== 'string') throw notAnEffect(e);
    throw new TypeError(`unknown effect ${(e as { op: string }).op}`);
  }

  private chooseData(n: number): number {
    if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`choose(${n}): n must be a positive integer`);
    if (n === 1) return 0;
    let k: number;
    try {
      k = this.strategy.choose(n, { step: this.steps, kind: 'data' });
    } catch (e) {
      if (e instanceof ReplayDivergedError) throw new Halt({ kind: 'replay-diverged', step: e.step, detail: e.message });
      throw new StrategyFailure(e);
    }
    if (!(Number.isInteger(k) && k >= 0 && k < n)) throw new StrategyFailure(new RangeError(`strategy ${this.strategy.name} chose ${k} of ${n}`));
    this.choices.record(n, k);
    return k;
  }

  private setLabel(p: Proc, label: string): void {
    p.label = label;
    this.record({ k: 'label', t: this.now, pid: p.pid, label });
  }

  private procOf(pid: Pid): Proc | undefined {
    if (!(pid instanceof Pid)) erlangError('badarg');
    return this.procs[pid.id];
  }

  newRef(): Ref {
    return new Ref(this.nextRefId++);
  }

  // ---------------------------------------------------------------- send and receive

  private send(p: Proc, dest: Dest, msg: Term): void {
    if (dest instanceof Pid) {
      const to = this.procOf(dest);
      if (!to) return; // a pid that never existed: dropped like a dead one
      this.sendSignal(SignalKind.Message, p, to, msg, null, false, null);
      return;
    }
    if (dest instanceof Ref) {
      const owner = this.aliasOwners.get(dest.id);
      if (!owner) {
        // The message is lost at once; the trace names the alias's owner (null for a reference
        // that never was an alias).
        this.record({ k: 'drop', t: this.now, from: p.pid, to: this.aliasMakers.get(dest.id)?.pid ?? null, what: msg, why: 'alias_inactive', via: dest });
        return;
      }
      this.sendSignal(SignalKind.Message, p, owner, msg, dest, false, null);
      return;
    }
    // A registered name, or {name, node} for the local node: resolved now, badarg if unknown.
    const name = typeof dest === 'string' ? dest : isTagged(dest, (dest as Tuple)[0] as string, 2) ? (dest as Tuple)[0] : undefined;
    const to = typeof name === 'string' ? this.names.get(name) : undefined;
    if (!to) erlangError('badarg');
    this.sendSignal(SignalKind.Message, p, to, msg, null, false, null);
  }

  private sendSignal(
    kind: SignalKind,
    from: Proc,
    to: Proc,
    payload: Term,
    ref: Ref | null,
    linked: boolean,
    object: Term | null,
  ): void {
    const ch = this.channel(from, to);
    const seq = ++this.seq;
    ch.queue.push(new Signal(kind, from, to, seq, this.now, payload, ref, linked, object ?? 'undefined'));
    if (this.tracing) {
      if (kind === SignalKind.Message) {
        this.trace.push(ref === null
          ? { k: 'send', t: this.now, from: from.pid, to: to.pid, msg: payload }
          : { k: 'send', t: this.now, from: from.pid, to: to.pid, msg: payload, via: ref });
      } else {
        this.trace.push({ k: 'signal', t: this.now, kind: SIGNAL_NAMES[kind]!, from: from.pid, to: to.pid, reason: kind === SignalKind.Exit || kind === SignalKind.Down ? payload : undefined, ref: ref ?? undefined });
      }
    }
    if (from === to) {
      // A signal to yourself is in your own queue at once (measured on OTP: send(self(), m) then
      // `receive after 0` always finds m), behind whatever was queued for you before it.
      this.flush(ch);
      return;
    }
    if (!ch.queued && ch.queue.length - ch.head === 1) this.enable(ch, seq, this.now);
  }

  /** 'node': one queue per receiver (send order across all senders); 'pair': one per sender. */
  private channel(from: Proc, to: Proc): Channel {
    if (this.delivery === 'node') return (to.nodeChannel ??= new Channel(to, to));
    let ch = to.inbound.get(from.pid.id);
    if (ch === undefined) {
      ch = new Channel(from, to);
      to.inbound.set(from.pid.id, ch);
    }
    return ch;
  }

  /** Delivers every signal queued in `ch`, in order, now. */
  private flush(ch: Channel): void {
    if (ch.queued) this.enabled.remove(ch);
    while (ch.head < ch.queue.length) this.deliver(ch.take());
  }

  private deliverHead(ch: Channel): void {
    const signal = ch.take();
    if (ch.head < ch.queue.length) {
      const next = ch.queue[ch.head]!;
      this.enable(ch, next.seq, next.sentAt);
    }
    this.deliver(signal);
  }

  private drop(s: Signal, what: Term, why: DropReason): void {
    this.record({ k: 'drop', t: this.now, from: s.from.pid, to: s.to.pid, what, why });
  }

  private deliver(s: Signal): void {
    const to = s.to;
    if (!to.alive) return this.deliverToDead(s);
    switch (s.kind) {
      case SignalKind.Message: {
        if (s.ref !== null && !this.acceptViaAlias(to, s.ref)) return this.drop(s, s.payload, 'alias_inactive');
        this.appendMessage(to, s.payload, s.from);
        return;
      }
      case SignalKind.Exit:
        return this.deliverExit(s);
      case SignalKind.Link:
        to.links.set(s.from.pid.id, s.from);
        return;
      case SignalKind.Unlink:
        to.links.delete(s.from.pid.id);
        return;
      case SignalKind.Monitor:
        to.monitoredBy.set(s.ref!.id, { ref: s.ref!, watcher: s.from, object: s.object });
        return;
      case SignalKind.Demonitor:
        to.monitoredBy.delete(s.ref!.id);
        return;
      case SignalKind.Down: {
        const m = to.monitors.get(s.ref!.id);
        if (!m) return this.drop(s, s.payload, 'demonitored');
        to.monitors.delete(s.ref!.id);
        if (m.alias === 'demonitor' || m.alias === 'reply_demonitor') this.deactivateAlias(to, m.ref);
        this.appendMessage(to, t(m.tag, m.ref, 'process', m.object, s.payload), s.from);
        return;
      }
    }
  }

  /** §1.1.6: signals to a dead process are dropped; link and monitor get a `:noproc` answer. */
  private deliverToDead(s: Signal): void {
    const dead = s.to;
    switch (s.kind) {
      case SignalKind.Link:
        this.sendSignal(SignalKind.Exit, dead, s.from, 'noproc', null, true, null);
        return;
      case SignalKind.Monitor:
        this.sendSignal(SignalKind.Down, dead, s.from, 'noproc', s.ref, false, s.object);
        return;
      case SignalKind.Message:
        this.drop(s, s.payload, 'dead');
        return;
      default:
        return;
    }
  }

  /** The exit-signal reception table, processes.md §1.3 rows a–f. */
  private deliverExit(s: Signal): void {
    const to = s.to;
    const reason = s.payload;
    if (s.linked) {
      // Row a: the link was removed before the signal arrived.
      if (!to.links.has(s.from.pid.id)) return this.drop(s, t('EXIT', s.from.pid, reason), 'not_linked');
      to.links.delete(s.from.pid.id);
    }
    // Row b: an explicit :kill cannot be trapped and becomes :killed.
    if (!s.linked && reason === 'kill') return this.kill(to, s.from, 'killed');
    // Row c: trapping turns the signal into a message (also exit(self(), :normal)).
    if (to.trapExit) {
      this.appendMessage(to, t('EXIT', s.from.pid, reason), s.from);
      return;
    }
    if (reason === 'normal') {
      // Row e: exit(self(), :normal) kills; row d: :normal from another process is ignored.
      if (s.from === to) return this.kill(to, s.from, 'normal');
      return this.drop(s, t('EXIT', s.from.pid, reason), 'normal_ignored');
    }
    // Row f: any other reason kills with that reason (a linked :kill stays :kill).
    this.kill(to, s.from, reason);
  }

  private kill(p: Proc, from: Proc, reason: Term): void {
    this.record({ k: 'killed_by', t: this.now, pid: p.pid, from: from.pid, reason });
    this.terminate(p, reason);
  }

  private acceptViaAlias(owner: Proc, ref: Ref): boolean {
    const a = owner.aliases.get(ref.id);
    if (!a) return false;
    if (a.mode === 'reply') {
      this.deactivateAlias(owner, ref);
    } else if (a.mode === 'reply_demonitor') {
      // First message through the alias removes both the alias and the monitor (§1.6.4).
      this.deactivateAlias(owner, ref);
      const m = owner.monitors.get(ref.id);
      if (m) this.removeMonitor(owner, m);
    }
    return true;
  }

  private appendMessage(p: Proc, msg: Term, from: Proc): void {
    p.mailbox.push(msg);
    if (this.tracing) this.trace.push({ k: 'deliver', t: this.now, from: from.pid, to: p.pid, msg });
    const depth = p.mailbox.length;
    if (depth > p.maxMailbox) {
      p.maxMailbox = depth;
      if (depth > this.maxMailbox) {
        throw new Halt({ kind: 'divergence', budget: 'mailbox', detail: `mailbox of ${p.pid} exceeded ${this.maxMailbox} messages at ${this.now} ms` });
      }
    }
    if (p.status === Status.Waiting && p.matcher !== null) this.tryMatchNew(p);
  }

  /** A blocked process tests only the messages it has not seen yet. */
  private tryMatchNew(p: Proc): void {
    const matcher = p.matcher!;
    const box = p.mailbox;
    for (let i = p.scanFrom; i < box.length; i++) {
      let value: unknown;
      try {
        value = matcher(box[i]!);
      } catch (e) {
        this.raiseAtReceive(p, e);
        this.makeRunnable(p);
        return;
      }
      if (value !== undefined) {
        this.consume(p, i, value);
        this.cancelReceiveTimer(p);
        this.makeRunnable(p);
        return;
      }
    }
    p.scanFrom = box.length;
  }

  private consume(p: Proc, index: number, value: unknown): void {
    const msg = index === 0 ? p.mailbox.shift() : p.mailbox.splice(index, 1)[0];
    p.matcher = null;
    p.resume = value;
    if (this.tracing) this.trace.push({ k: 'receive', t: this.now, pid: p.pid, msg: msg! });
  }

  private startReceive(p: Proc, matcher: Matcher<unknown>, after: number | 'infinity'): void {
    if (typeof matcher !== 'function') throw new TypeError('receive needs a matcher function');
    // A bad `after` value (not an integer in 0..2^32-1) is the error `:timeout_value` itself: the
    // BEAM does not wrap the value (✔ k1.exs, big.exs on OTP 25 and 27).
    if (after !== 'infinity' && !(Number.isInteger(after) && after >= 0 && after <= 0xffffffff)) erlangError('timeout_value');
    const box = p.mailbox;
    for (let i = 0; i < box.length; i++) {
      const value = matcher(box[i]!);
      if (value !== undefined) {
        p.matcher = matcher;
        this.consume(p, i, value);
        this.makeRunnable(p);
        return;
      }
    }
    if (after === 0) {
      this.record({ k: 'timeout', t: this.now, pid: p.pid, after: 0 });
      return this.continueWith(p, TIMEOUT);
    }
    p.matcher = matcher;
    p.scanFrom = box.length;
    p.recvAfter = after === 'infinity' ? -1 : after;
    p.status = Status.Waiting;
    if (after !== 'infinity') {
      const timer = new KTimer(TimerKind.Receive, this.now + after, ++this.seq, p, null, null, 'undefined');
      p.recvTimer = timer;
      this.timers.push(timer);
    }
  }

  private finishTimedOutReceive(p: Proc): void {
    const matcher = p.matcher!;
    const box = p.mailbox;
    for (let i = p.scanFrom; i < box.length; i++) {
      let value: unknown;
      try {
        value = matcher(box[i]!);
      } catch (e) {
        this.raiseAtReceive(p, e); // runProcess makes it runnable
        return;
      }
      if (value !== undefined) {
        this.consume(p, i, value);
        return;
      }
    }
    p.matcher = null;
    p.resume = TIMEOUT;
    this.record({ k: 'timeout', t: this.now, pid: p.pid, after: p.recvAfter });
  }

  /**
   * A matcher is the process's own code: when it throws on a message that arrived while the process
   * waited, the receive ends and the exception surfaces at it, where a surrounding try can catch
   * it, just as when it throws as the receive begins (startReceive, through performEffect).
   */
  private raiseAtReceive(p: Proc, error: unknown): void {
    p.matcher = null;
    this.cancelReceiveTimer(p);
    p.resumeError = error;
  }

  private cancelReceiveTimer(p: Proc): void {
    const timer = p.recvTimer;
    if (timer === null) return;
    p.recvTimer = null;
    if (timer.due) {
      this.enabled.remove(timer);
      timer.due = false;
    } else {
      this.timers.cancel(timer);
    }
  }

  // ---------------------------------------------------------------- links, monitors, aliases

  private link(p: Proc, pid: Pid): void {
    const target = this.procOf(pid);
    if (target === p) return this.continueWith(p, true);
    if (!target || !target.alive) {
      // §1.4.2: synchronously checked for a local process.
      if (!p.trapExit) erlangError('noproc');
      if (target) this.sendSignal(SignalKind.Exit, target, p, 'noproc', null, false, null);
      return this.continueWith(p, true);
    }
    if (!p.links.has(target.pid.id)) {
      p.links.set(target.pid.id, target);
      this.record({ k: 'link', t: this.now, pid: p.pid, other: target.pid });
      this.sendSignal(SignalKind.Link, p, target, 'link', null, false, null);
    }
    this.continueWith(p, true);
  }

  private unlink(p: Proc, pid: Pid): void {
    const target = this.procOf(pid);
    if (target && p.links.delete(target.pid.id)) {
      this.record({ k: 'unlink', t: this.now, pid: p.pid, other: target.pid });
      this.sendSignal(SignalKind.Unlink, p, target, 'unlink', null, false, null);
    }
    this.continueWith(p, true);
  }

  private monitor(p: Proc, target: Pid | string | Term, aliasMode: MonitorOut['alias'], tag: Term): Ref {
    const ref = this.newRef();
    let proc: Proc | undefined;
    let object: Term;
    if (target instanceof Pid) {
      proc = this.procOf(target);
      object = target;
    } else {
      const name = typeof target === 'string' ? target : target instanceof Tuple && target.length === 2 ? target[0] : undefined;
      if (typeof name !== 'string') erlangError('badarg');
      proc = this.names.get(name);
      object = t(name, 'nonode@nohost');
    }
    if (aliasMode !== undefined) {
      this.activateAlias(p, ref, { mode: aliasMode, monitor: true });
    }
    const m: MonitorOut = { ref, target: proc ?? null, object, tag, alias: aliasMode };
    this.record({ k: 'monitor', t: this.now, pid: p.pid, target: object, ref });
    if (proc === p) {
      // Monitoring yourself is allowed; no DOWN ever arrives (§1.5.3).
      p.monitors.set(ref.id, m);
      return ref;
    }
    p.monitors.set(ref.id, m);
    if (proc === undefined) {
      // An unregistered name: an immediate DOWN with :noproc.
      this.sendSignal(SignalKind.Down, p, p, 'noproc', ref, false, object);
    } else {
      this.sendSignal(SignalKind.Monitor, p, proc, 'monitor', ref, false, object);
    }
    return ref;
  }

  private removeMonitor(p: Proc, m: MonitorOut): void {
    p.monitors.delete(m.ref.id);
    if (m.target !== null && m.target !== p) {
      this.sendSignal(SignalKind.Demonitor, p, m.target, 'demonitor', m.ref, false, null);
    }
    if (m.alias === 'demonitor' || m.alias === 'reply_demonitor') this.deactivateAlias(p, m.ref);
  }

  private demonitor(p: Proc, ref: Ref, flush: boolean, info: boolean): boolean {
    if (!(ref instanceof Ref)) erlangError('badarg');
    const m = p.monitors.get(ref.id);
    if (m) {
      this.record({ k: 'demonitor', t: this.now, pid: p.pid, ref });
      this.removeMonitor(p, m);
    }
    if (flush) {
      const box = p.mailbox;
      for (let i = 0; i < box.length; i++) {
        const msg = box[i];
        if (msg instanceof Tuple && msg.length === 5 && msg[1] instanceof Ref && msg[1].id === ref.id) {
          box.splice(i, 1);
          if (p.scanFrom > i) p.scanFrom--;
          break;
        }
      }
    }
    return info ? m !== undefined : true;
  }

  private activateAlias(p: Proc, ref: Ref, state: AliasState): void {
    p.aliases.set(ref.id, state);
    this.aliasOwners.set(ref.id, p);
    this.aliasMakers.set(ref.id, p);
  }

  private deactivateAlias(p: Proc, ref: Ref): boolean {
    if (!(ref instanceof Ref)) erlangError('badarg'); // :erlang.unalias(:foo) raises badarg
    if (!p.aliases.delete(ref.id)) return false;
    this.aliasOwners.delete(ref.id);
    return true;
  }

  // ---------------------------------------------------------------- names

  private register(name: string, pid: Pid): void {
    if (typeof name !== 'string' || name === 'nil' || name === 'undefined' || name === 'true' || name === 'false') {
      erlangError('badarg');
    }
    const proc = this.procOf(pid);
    if (!proc || !proc.alive || proc.name !== null || this.names.has(name)) erlangError('badarg');
    proc.name = name;
    this.names.set(name, proc);
    this.record({ k: 'register', t: this.now, pid: proc.pid, name });
  }

  private dropName(p: Proc): void {
    if (p.name === null) return;
    this.names.delete(p.name);
    this.record({ k: 'unregister', t: this.now, pid: p.pid, name: p.name });
    p.name = null;
  }

  /** Name lookup from outside any process (drivers, tests). */
  whereis(name: string): Pid | undefined {
    return this.names.get(name)?.pid;
  }

  // ---------------------------------------------------------------- timers

  private startMessageTimer(p: Proc, dest: Dest, msg: Term, ms: number, startTimer: boolean): Ref {
    if (!(Number.isInteger(ms) && ms >= 0)) erlangError('badarg');
    let target: Proc | string;
    if (dest instanceof Pid) {
      const proc = this.procOf(dest);
      // A local pid that never existed is accepted like a dead one: the timer is cancelled at once.
      if (!proc) return this.newRef();
      target = proc;
    } else if (typeof dest === 'string') {
      target = dest;
    } else {
      return erlangError('badarg');
    }
    const ref = this.newRef();
    const payload = startTimer ? t('timeout', ref, msg) : msg;
    const timer = new KTimer(TimerKind.Message, this.now + ms, ++this.seq, p, ref, target, payload);
    this.timerByRef.set(ref.id, timer);
    if (target instanceof Proc) {
      if (!target.alive) {
        // A timer to a dead pid is cancelled at once.
        timer.cancelled = true;
        this.timerByRef.delete(ref.id);
        return ref;
      }
      target.destTimers.add(timer);
    }
    this.timers.push(timer);
    this.record({ k: 'timer_start', t: this.now, pid: p.pid, ref, ms, msg: payload });
    return ref;
  }

  private cancelTimer(p: Proc, ref: Ref, cancel: boolean): number | false {
    if (!(ref instanceof Ref)) erlangError('badarg');
    const timer = this.timerByRef.get(ref.id);
    if (!timer) return false;
    const remaining = Math.max(0, timer.deadline - this.now);
    if (!cancel) return remaining;
    this.timerByRef.delete(ref.id);
    if (timer.dest instanceof Proc) timer.dest.destTimers.delete(timer);
    if (timer.due) {
      this.enabled.remove(timer);
      timer.due = false;
    } else {
      this.timers.cancel(timer);
    }
    this.record({ k: 'timer_cancel', t: this.now, pid: p.pid, ref });
    return remaining;
  }

  private fireTimer(timer: KTimer): void {
    timer.due = false;
    if (timer.timerKind === TimerKind.Receive) {
      const p = timer.owner;
      if (p.recvTimer !== timer || !p.alive) return;
      p.recvTimer = null;
      this.makeRunnable(p);
      return;
    }
    this.timerByRef.delete(timer.ref!.id);
    const dest = typeof timer.dest === 'string' ? this.names.get(timer.dest) : (timer.dest as Proc);
    if (dest) dest.destTimers.delete(timer);
    this.record({ k: 'timer_fire', t: this.now, pid: dest?.pid ?? timer.owner.pid, ref: timer.ref!, msg: timer.msg });
    if (dest && dest.alive) this.appendMessage(dest, timer.msg, dest);
  }

  // ---------------------------------------------------------------- termination

  /**
   * A process dies with `reason`: its name and tables are released first (§1.2.3), then exit
   * signals go to every link and DOWN signals to every monitor, each behind the messages it sent
   * earlier to the same receiver (§1.1.3).
   */
  private terminate(p: Proc, reason: Term): void {
    if (!p.alive) return;
    p.status = Status.Dead;
    p.exitReason = reason;
    p.gen = null;
    p.resume = undefined;
    p.resumeError = NO_ERROR;
    this.live--;
    this.enabled.remove(p);
    this.cancelReceiveTimer(p);
    p.matcher = null;
    this.dropName(p);
    this.ets.ownerDied(p);
    if (p.hasAliases()) for (const id of p.aliases.keys()) this.aliasOwners.delete(id);
    if (p.hasDestTimers()) {
      for (const timer of p.destTimers) {
        this.timerByRef.delete(timer.ref!.id);
        if (timer.due) this.enabled.remove(timer);
        else this.timers.cancel(timer);
      }
    }
    this.record({ k: 'exit', t: this.now, pid: p.pid, reason });
    if (p.hasLinks()) for (const other of p.links.values()) this.sendSignal(SignalKind.Exit, p, other, reason, null, true, null);
    if (p.hasMonitoredBy()) for (const m of p.monitoredBy.values()) this.sendSignal(SignalKind.Down, p, m.watcher, reason, m.ref, false, m.object);
    p.releaseCollections();
    p.mailbox = [];
  }

  // ---------------------------------------------------------------- introspection

  private info(pid: Pid, item: ProcessInfoItem): Term | undefined {
    const p = this.procOf(pid);
    if (!p || !p.alive) return undefined;
    switch (item) {
      case 'message_queue_len':
        return p.mailbox.length;
      case 'messages':
        return [...p.mailbox];
      case 'links':
        return [...p.links.values()].map((l) => l.pid);
      case 'monitors':
        return [...p.monitors.values()].map((m) => t('process', m.object));
      case 'monitored_by':
        return [...p.monitoredBy.values()].map((m) => m.watcher.pid);
      case 'trap_exit':
        return p.trapExit;
      case 'registered_name':
        return p.name ?? [];
      case 'dictionary':
        return [...p.dict.values()].map(([k, v]) => t(k, v));
      case 'status':
        return p.status === Status.Waiting ? 'waiting' : 'runnable';
      case 'label':
        return p.label ?? 'nil';
    }
  }

  /** Read-only view of a process for harness code (not for processes). */
  inspect(pid: Pid): ProcessSnapshot | undefined {
    const p = this.procs[pid.id];
    if (!p) return undefined;
    return {
      pid: p.pid,
      alive: p.alive,
      exitReason: p.alive ? undefined : p.exitReason,
      name: p.name,
      label: p.label,
      mailbox: [...p.mailbox],
      maxMailbox: p.maxMailbox,
      trapExit: p.trapExit,
      links: [...p.links.values()].map((l) => l.pid),
      dictionary: [...p.dict.values()].map(([k, v]) => [k, v] as const),
    };
  }

  /** Every pid spawned so far, in spawn order. */
  pids(): Pid[] {
    return this.procs.map((p) => p.pid);
  }

  /** Number of live processes. */
  get liveCount(): number {
    return this.live;
  }

  get rootPid(): Pid | undefined {
    return this.root?.pid;
  }
}

export interface ProcessSnapshot {
  pid: Pid;
  alive: boolean;
  exitReason: Term | undefined;
  name: string | null;
  label: string | null;
  mailbox: Term[];
  maxMailbox: number;
  trapExit: boolean;
  links: Pid[];
  dictionary: ReadonlyArray<readonly [Term, Term]>;
}

const SIGNAL_NAMES: Record<number, 'exit' | 'link' | 'unlink' | 'monitor' | 'demonitor' | 'down'> = {
  [SignalKind.Exit]: 'exit',
  [SignalKind.Link]: 'link',
  [SignalKind.Unlink]: 'unlink',
  [SignalKind.Monitor]: 'monitor',
  [SignalKind.Demonitor]: 'demonitor',
  [SignalKind.Down]: 'down',
};

function describeMatcher(m: Matcher<unknown>, after: number): string {
  const what = m.description ?? (m.name ? m.name : 'a message matching an anonymous matcher');
  return after >= 0 ? `${what} (after ${after} ms)` : what;
}
