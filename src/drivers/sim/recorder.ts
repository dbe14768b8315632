/**
 * The protocol's `events` from a simulated run's trace (docs/driver-protocol.md, "Events"),
 * recorded the way the Elixir driver's `Beamcheck.Recorder` records them on a real runtime:
 *
 * - a worker is tracked from its `start` (its name `ID#N` from then on), a tree supervisor from
 *   its init/1; the death of a tracked process is its `exit` / `sup_exit`;
 * - when a tracked supervisor is killed (`killed` / `kill`), its tracked descendants die
 *   concurrently: their events form one group anchored at the supervisor's `sup_exit`, emitted
 *   there, ordered by process name (each process's own events in order); events of other
 *   processes follow the group whenever they happened. So two supervisors killed one after the
 *   other give two groups in kill order however their descendants' deaths interleave (found by
 *   `verify --seed 7`: on a real BEAM a trapping orphan of the first may outlive the second).
 *
 * The trace is causal, so the recorder's other rule (record the exits of already dead processes
 * before a report) holds by construction.
 */
import type { TraceEvent } from '../../scheduler/Trace.js';
import type { Json } from '../../term/json.js';
import { isTagged, type Pid, type Term, type TermObject, type Tuple } from '../../term/Term.js';

/** The trace report a tree supervisor makes from its init/1: `%{name: "sup" | "sup:ID"}`. */
export const SUPERVISOR_REPORT = 'driver.supervisor';

const REPORT_CONTEXTS = new Set(['child_terminated', 'start_error', 'shutdown', 'shutdown_error']);

interface Tracked {
  readonly name: string;
  readonly parent: number | undefined;
  readonly kind: 'worker' | 'supervisor';
  readonly id?: string;
  readonly n?: number;
}

/** An event whose terms are canonicalized when the events are handed over. */
export type Pending = (canon: (x: Term) => Json) => Json;

function keyword(list: Term | undefined, key: string): Term | undefined {
  if (!Array.isArray(list)) return undefined;
  const entry = (list as Term[]).find((x) => isTagged(x, key, 2)) as Tuple | undefined;
  return entry?.[1];
}

function hasKey(list: Term | undefined, key: string): boolean {
  return Array.isArray(list) && (list as Term[]).some((x) => isTagged(x, key, 2));
}

export class EventRecorder {
  /** Stable names of pids (`sup`, `c1#2`, `task:t1`, …) for canonical terms. */
  readonly names = new Map<number, string>();
  private readonly spawnedBy = new Map<number, number>();
  private readonly info = new Map<number, Tracked>();
  private readonly tracked = new Set<number>();
  /** Recorded events in order; `{ group }` marks where a concurrent-death group goes. */
  private events: Array<Pending | { readonly group: number }> = [];
  /** Descendants of killed supervisors that have not died yet (pid ids). */
  private pendingDeaths = new Set<number>();
  /** Each group member's group (keyed by the killed supervisor's pid id). */
  private memberOf = new Map<number, number>();
  private groups = new Map<number, Array<{ name: string; event: Pending }>>();
  private cursor = 0;

  /** Names a process that is not tracked (task owner, tasks, registry clients). */
  name(pid: Pid, name: string): void {
    this.names.set(pid.id, name);
  }

  /** A supervisor started without a hook of its own (an Elixir front end), tracked from now on. */
  trackSupervisor(pid: Pid, name: string, parent: Pid): void {
    this.track(pid, { name, parent: parent.id, kind: 'supervisor' });
  }

  /**
   * An event the driver records itself (the `sup_exit` of a front-end supervisor whose start
   * failed), after everything the trace holds so far.
   */
  record(trace: readonly TraceEvent[], event: Pending): void {
    this.absorb(trace);
    this.events.push(event);
  }

  /** The processes of an open concurrent-death group that have not died yet (pid ids). */
  awaitedDeaths(): number[] {
    return [...this.pendingDeaths];
  }

  /** Reads the trace from where the previous call stopped. */
  absorb(trace: readonly TraceEvent[]): void {
    for (; this.cursor < trace.length; this.cursor++) this.absorbOne(trace[this.cursor]!);
  }

  /** The recorded events, canonical, in order; the recorder starts a new batch. */
  take(canon: (x: Term) => Json): Json[] {
    // A group is complete once every member died; a case always runs until it has (a member
    // left alive would be a leak of the driver, not an observation): hand over what there is.
    const out = this.events.flatMap((e) => (typeof e === 'function' ? [e(canon)] : this.groupEvents(e.group).map((g) => g(canon))));
    this.events = [];
    this.groups = new Map();
    this.memberOf = new Map();
    this.pendingDeaths = new Set();
    return out;
  }

  /** A group's events in place of its mark: by process name, each process's own in order (a stable sort). */
  private groupEvents(group: number): Pending[] {
    const members = this.groups.get(group) ?? [];
    return [...members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((g) => g.event);
  }

  private absorbOne(e: TraceEvent): void {
    if (e.k === 'spawn') {
      if (e.parent) this.spawnedBy.set(e.pid.id, e.parent.id);
      return;
    }
    if (e.k === 'report') return this.report(e.pid, e.name, e.data as TermObject);
    if (e.k === 'exit') return this.exit(e.pid, e.reason);
  }

  private track(pid: Pid, info: Tracked): void {
    this.info.set(pid.id, info);
    this.tracked.add(pid.id);
    this.names.set(pid.id, info.name);
  }

  private report(pid: Pid, name: string, d: TermObject): void {
    switch (name) {
      case 'worker.start': {
        const id = d['id'] as string;
        const n = d['incarnation'] as number;
        this.track(pid, { name: `${id}#${n}`, parent: this.spawnedBy.get(pid.id), kind: 'worker', id, n });
        return this.emit(pid, () => ['start', id, n]);
      }
      case SUPERVISOR_REPORT:
        return this.track(pid, { name: String(d['name']), parent: this.spawnedBy.get(pid.id), kind: 'supervisor' });
      case 'worker.start_failed':
        return this.emit(pid, () => ['start_failed', d['id'] as string, d['incarnation'] as number, d['how'] as string]);
      case 'worker.terminate':
        return this.emit(pid, (canon) => ['terminate', d['id'] as string, d['incarnation'] as number, canon(d['reason']!)]);
      default: {
        const context = name.startsWith('supervisor.') ? name.slice('supervisor.'.length) : '';
        if (!REPORT_CONTEXTS.has(context)) return;
        const report = d['report'];
        const offender = keyword(report, 'offender');
        const reason = keyword(report, 'reason') ?? 'undefined';
        return this.emit(pid, (canon) => ['report', context, hasKey(offender, 'id') ? canon(keyword(offender, 'id')!) : null, canon(reason)]);
      }
    }
  }

  private exit(pid: Pid, reason: Term): void {
    if (!this.tracked.has(pid.id)) return;
    this.tracked.delete(pid.id);
    this.pendingDeaths.delete(pid.id);
    const info = this.info.get(pid.id)!;
    if (info.kind === 'worker') this.emit(pid, (canon) => ['exit', info.id!, info.n!, canon(reason)]);
    else this.emit(pid, (canon) => ['sup_exit', info.name, canon(reason)]);
    if (info.kind === 'supervisor' && (reason === 'killed' || reason === 'kill')) this.orphanGroup(pid.id);
  }

  /**
   * Supervisor `sup` was killed: its tracked descendants die concurrently, as one group anchored
   * here (or in the group `sup` itself belongs to).
   */
  private orphanGroup(sup: number): void {
    let group = this.memberOf.get(sup);
    if (group === undefined) {
      group = sup;
      this.groups.set(group, []);
      this.events.push({ group });
    }
    for (const pid of this.tracked) {
      if (this.memberOf.has(pid) || !this.descendant(pid, sup)) continue;
      this.pendingDeaths.add(pid);
      this.memberOf.set(pid, group);
    }
  }

  private descendant(pid: number, ancestor: number): boolean {
    for (let p = this.info.get(pid)?.parent, hops = 0; p !== undefined && hops < 1000; p = this.info.get(p)?.parent, hops++) {
      if (p === ancestor) return true;
    }
    return false;
  }

  private emit(origin: Pid, event: Pending): void {
    const group = this.memberOf.get(origin.id);
    if (group === undefined) this.events.push(event);
    else this.groups.get(group)!.push({ name: this.info.get(origin.id)!.name, event });
  }
}
