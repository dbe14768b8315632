/**
 * The kernel's records: a process, a sender→receiver signal channel, an in-flight signal and a
 * kernel timer. They are plain mutable records owned by the Runtime; nothing outside src/kernel
 * touches them (user code only sees pids and refs).
 */
import type { Schedulable } from '../scheduler/EnabledSet.js';
import type { Timer } from '../scheduler/TimerQueue.js';
import type { Pid, Ref, Term } from '../term/Term.js';
import type { Effect, Matcher, MonitorAliasMode } from './effects.js';

export const enum EventKind {
  Process = 0,
  Channel = 1,
  Timer = 2,
}

export const enum Status {
  Runnable = 0,
  Waiting = 1,
  Dead = 2,
}

/** A monitor this process holds on another (`monitors`). */
export interface MonitorOut {
  readonly ref: Ref;
  /** The monitored process, or null for a name that was not registered. */
  readonly target: Proc | null;
  readonly object: Term;
  readonly tag: Term;
  readonly alias: MonitorAliasMode | undefined;
}

/** A monitor another process holds on this one (`monitored_by`). */
export interface MonitorIn {
  readonly ref: Ref;
  readonly watcher: Proc;
  readonly object: Term;
}

export interface AliasState {
  readonly mode: 'explicit_unalias' | 'reply' | MonitorAliasMode;
  /** For monitor aliases: the monitor reference is the alias itself. */
  readonly monitor: boolean;
}

export const NO_ERROR: unique symbol = Symbol('no error');

export class Proc implements Schedulable {
  readonly kind = EventKind.Process;
  eseq = 0;
  enabledAt = 0;
  queued = false;

  status: Status = Status.Runnable;
  gen: Generator<Effect, unknown, unknown> | null;
  /** Value the generator is resumed with at its next step. */
  resume: unknown = undefined;
  /** Exception thrown into the generator at its next step (an effect that raised). */
  resumeError: unknown = NO_ERROR;

  mailbox: Term[] = [];
  /** The receive the process is blocked in (or was woken from by its timeout). */
  matcher: Matcher<unknown> | null = null;
  /** Messages before this index were already tested against `matcher`. */
  scanFrom = 0;
  recvTimer: KTimer | null = null;
  recvAfter = 0;

  trapExit = false;
  // Most processes never link, monitor, alias or use their dictionary: these collections are
  // created on first use, which halves the cost of spawning and of an idle process.
  private _links: Map<number, Proc> | null = null;
  private _monitors: Map<number, MonitorOut> | null = null;
  private _monitoredBy: Map<number, MonitorIn> | null = null;
  private _aliases: Map<number, AliasState> | null = null;
  private _dict: Map<string, [Term, Term]> | null = null;
  private _inbound: Map<number, Channel> | null = null;
  private _destTimers: Set<KTimer> | null = null;

  get links(): Map<number, Proc> {
    return (this._links ??= new Map());
  }
  get monitors(): Map<number, MonitorOut> {
    return (this._monitors ??= new Map());
  }
  get monitoredBy(): Map<number, MonitorIn> {
    return (this._monitoredBy ??= new Map());
  }
  get aliases(): Map<number, AliasState> {
    return (this._aliases ??= new Map());
  }
  get dict(): Map<string, [Term, Term]> {
    return (this._dict ??= new Map());
  }
  /** `'node'` delivery: the one queue of signals in flight to this process, in send order. */
  nodeChannel: Channel | null = null;
  /** `'pair'` delivery: one queue per sender, keyed by the sender's pid number. */
  get inbound(): Map<number, Channel> {
    return (this._inbound ??= new Map());
  }
  get destTimers(): Set<KTimer> {
    return (this._destTimers ??= new Set());
  }

  /** Clears the per-process collections at death without creating the ones never used. */
  releaseCollections(): void {
    this._links = null;
    this._monitors = null;
    this._monitoredBy = null;
    this._aliases = null;
    this._destTimers = null;
  }

  hasLinks(): boolean {
    return this._links !== null && this._links.size > 0;
  }
  hasMonitoredBy(): boolean {
    return this._monitoredBy !== null && this._monitoredBy.size > 0;
  }
  hasAliases(): boolean {
    return this._aliases !== null && this._aliases.size > 0;
  }
  hasDestTimers(): boolean {
    return this._destTimers !== null && this._destTimers.size > 0;
  }

  name: string | null = null;
  label: string | null = null;
  exitReason: Term = 'normal';
  maxMailbox = 0;

  constructor(
    readonly pid: Pid,
    gen: Generator<Effect, unknown, unknown> | null,
    readonly parent: Proc | null,
  ) {
    this.gen = gen;
  }

  get alive(): boolean {
    return this.status !== Status.Dead;
  }
}

export const enum SignalKind {
  Message = 0,
  Exit = 1,
  Link = 2,
  Unlink = 3,
  Monitor = 4,
  Demonitor = 5,
  Down = 6,
}

/** One in-flight signal. Every kind travels in the same per-pair FIFO channel (§1.1.3). */
export class Signal {
  constructor(
    readonly kind: SignalKind,
    readonly from: Proc,
    readonly to: Proc,
    readonly seq: number,
    readonly sentAt: number,
    /** Message payload, or the exit / DOWN reason. */
    readonly payload: Term,
    /** Monitor ref (monitor/demonitor/DOWN) or the alias a message was sent through. */
    readonly ref: Ref | null,
    /** Exit: sent because a linked process died. DOWN: the monitored object. */
    readonly linked: boolean,
    readonly object: Term,
  ) {}
}

/** The signals in flight from one sender to one receiver, in send order. */
export class Channel implements Schedulable {
  readonly kind = EventKind.Channel;
  eseq = 0;
  enabledAt = 0;
  queued = false;
  readonly queue: Signal[] = [];
  head = 0;

  constructor(
    readonly from: Proc,
    readonly to: Proc,
  ) {}

  /** Takes the head signal; the queue empties in place once every signal is taken. */
  take(): Signal {
    const signal = this.queue[this.head]!;
    this.head++;
    if (this.head === this.queue.length) {
      // Mostly one signal in flight: pop is the cheap way to empty it (truncating is a slow path).
      if (this.head === 1) this.queue.pop();
      else this.queue.length = 0;
      this.head = 0;
    }
    return signal;
  }

}

export const enum TimerKind {
  /** The `after` clause of a receive. */
  Receive = 0,
  /** `send_after` / `start_timer`. */
  Message = 1,
}

export class KTimer implements Timer, Schedulable {
  readonly kind = EventKind.Timer;
  eseq = 0;
  enabledAt = 0;
  queued = false;
  cancelled = false;
  /** Released from the timer queue into the enabled set, not yet fired. */
  due = false;

  constructor(
    readonly timerKind: TimerKind,
    readonly deadline: number,
    readonly seq: number,
    /** The process that owns a receive timer, or that created a message timer. */
    readonly owner: Proc,
    readonly ref: Ref | null,
    /** Message timers: destination pid record or registered name. */
    readonly dest: Proc | string | null,
    readonly msg: Term,
  ) {}
}

export type KernelEvent = Proc | Channel | KTimer;
