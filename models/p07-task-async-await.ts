/**
 * Pattern 7 — Task.async/await: what the owner of `Task.async` tasks observes, as a pure model.
 *
 * Rules (processes.md):
 * - §5.1.2 a task replies `{ref, result}` and exits `:normal`; the owner is linked to it and holds
 *   an alias-monitor `ref`;
 * - §5.1.3 a task that fails exits with its reason (§1.2.1) and, through the link, kills a
 *   non-trapping owner with the same reason (a `:normal` exit never kills, §1.3 row d); the owner's
 *   death in turn kills its other running tasks (§1.4.4);
 * - §5.2.1 `await(task, timeout)`: the reply; or exit `{down_reason, {Task, :await, [task, timeout]}}`
 *   on the DOWN; or, after `timeout` ms, exit `{:timeout, {Task, :await, [task, timeout]}}`;
 * - §5.2.2 the timeout never kills the task: it runs on and its late reply is dropped (the alias is
 *   inactive after the demonitor);
 * - §5.2.3 a task can be awaited once: after its reply, DOWN or timeout was handled, a later await
 *   waits the full timeout;
 * - §5.2.4 `await_many(tasks, timeout)`: replies in input order; the first DOWN or the deadline
 *   ends it (exit `{reason, {Task, :await_many, [tasks, timeout]}}`) and demonitors every task.
 *
 * Time is virtual but signals may lag: the model works with windows. A task started between
 * `startedLo` and `startedHi` with work of `ms` finishes (its reply or DOWN reaches the owner)
 * within `[startedLo + ms, startedHi + ms + slack]`. Where two events may come in either order the
 * model allows both outcomes and follows the one observed (`apply`).
 *
 * The latency model of the "after" example: concurrent tasks take as long as the slowest one,
 * sequential work takes the sum.
 */

/** How a task's work ends. */
export type TaskEnd =
  /** returns a value (`{ref, value}`, then exits :normal). */
  | 'value'
  /** `exit(:boom)`. */
  | 'boom'
  /** `raise "…"`: reason `{%RuntimeError{}, stacktrace}`. */
  | 'raise'
  /** `throw(:oops)`: reason `{{:nocatch, :oops}, stacktrace}`. */
  | 'throw'
  /** `exit(:normal)` without replying. */
  | 'normal';

export interface TaskWork {
  /** Virtual ms the task's work takes. */
  readonly ms: number;
  readonly end: TaskEnd;
}

/** Does the task's exit kill a linked, non-trapping process (§1.3 rows d, f)? */
export function killsLinkedOwner(end: TaskEnd): boolean {
  return end !== 'value' && end !== 'normal';
}

/** The owner's command after the tasks are started. */
export type Command =
  | { readonly kind: 'await'; readonly task: number; readonly timeout: number; readonly catchExit: boolean }
  | { readonly kind: 'await_many'; readonly tasks: readonly number[]; readonly timeout: number; readonly catchExit: boolean }
  | { readonly kind: 'sleep'; readonly ms: number };

/** What one await / await_many returns or exits with (reasons abstract: the task whose exit reason it carries). */
export type AwaitOutcome =
  | { readonly kind: 'value'; readonly task: number }
  | { readonly kind: 'values'; readonly tasks: readonly number[] }
  | { readonly kind: 'down'; readonly task: number }
  | { readonly kind: 'timeout' };

export function describeOutcome(o: AwaitOutcome): string {
  switch (o.kind) {
    case 'value':
      return `the value of task ${o.task}`;
    case 'values':
      return `the values of tasks [${o.tasks.join(', ')}] in that order`;
    case 'down':
      return `an exit with task ${o.task}'s exit reason`;
    case 'timeout':
      return 'an exit with :timeout';
  }
}

export interface Window {
  readonly lo: number;
  readonly hi: number;
}

/**
 * Where a task stands for its owner: its monitor is active (`open`); the owner gave it up and
 * nothing of it can arrive any more (`gone`); or the owner gave it up while its reply was already
 * queued — `Process.demonitor(ref, [:flush])` removes DOWNs, not replies — so the next await of it
 * returns that reply at once (`queued`).
 */
export type TaskState = 'open' | 'gone' | 'queued';

/**
 * The owner of a set of `Task.async` tasks. Feed it every command with the time it started and the
 * outcome observed; it says whether that outcome is allowed and keeps the monitors' state.
 */
export class AsyncOwner {
  private readonly states: TaskState[];

  constructor(
    readonly works: readonly TaskWork[],
    /** When each task was started (owner's clock before and after `Task.async`). */
    readonly started: readonly Window[],
    readonly ownerTraps: boolean,
    /** Largest total lag of a signal chain (virtual ms). */
    readonly slack: number,
  ) {
    this.states = works.map(() => 'open');
  }

  /** When task `i`'s reply or DOWN reaches the owner. */
  finish(i: number): Window {
    return { lo: this.started[i]!.lo + this.works[i]!.ms, hi: this.started[i]!.hi + this.works[i]!.ms + this.slack };
  }

  state(i: number): TaskState {
    return this.states[i]!;
  }

  /** Does task i end with a DOWN the owner receives (rather than a reply)? */
  private endsWithDown(i: number): boolean {
    return this.works[i]!.end !== 'value';
  }

  /** When task i's reply or DOWN is in the owner's mailbox (null: never). */
  private arrival(i: number): Window | null {
    switch (this.states[i]!) {
      case 'gone':
        return null;
      case 'queued':
        // Already in the mailbox when the await starts: found before any deadline.
        return { lo: -Infinity, hi: -Infinity };
      case 'open':
        return this.finish(i);
    }
  }

  /** Outcomes `await(task, timeout)` may have when it starts at `at`. */
  awaitOutcomes(task: number, timeout: number, at: number): AwaitOutcome[] {
    const f = this.arrival(task);
    if (!f) return [{ kind: 'timeout' }];
    const deadline = { lo: at + timeout, hi: at + timeout + this.slack };
    const arrived: AwaitOutcome = this.endsWithDown(task) ? { kind: 'down', task } : { kind: 'value', task };
    const out: AwaitOutcome[] = [];
    if (f.lo <= deadline.hi) out.push(arrived);
    if (f.hi >= deadline.lo) out.push({ kind: 'timeout' });
    return out;
  }

  /** Outcomes `await_many(tasks, timeout)` may have when it starts at `at`. */
  awaitManyOutcomes(tasks: readonly number[], timeout: number, at: number): AwaitOutcome[] {
    const deadline = { lo: at + timeout, hi: at + timeout + this.slack };
    const arrivals = tasks.map((i) => this.arrival(i));
    const downs = tasks.filter((i, k) => arrivals[k] && this.endsWithDown(i));
    const hiOf = (i: number) => arrivals[tasks.indexOf(i)]!.hi;
    const out: AwaitOutcome[] = [];
    // Every reply before the deadline (and no DOWN among them): the values in input order.
    if (downs.length === 0 && arrivals.every((a) => a !== null && a.lo <= deadline.hi)) out.push({ kind: 'values', tasks });
    // A DOWN that may come first: before the deadline and before every other DOWN surely came.
    const firstDownBy = Math.min(Infinity, ...downs.map(hiOf));
    for (const i of downs) {
      const lo = arrivals[tasks.indexOf(i)]!.lo;
      if (lo <= deadline.hi && lo <= firstDownBy) out.push({ kind: 'down', task: i });
    }
    // The deadline: some task may not have answered by then and no DOWN surely came before it.
    const mayBeLate = arrivals.some((a) => a === null || a.hi >= deadline.lo);
    if (mayBeLate && downs.every((i) => hiOf(i) >= deadline.lo)) out.push({ kind: 'timeout' });
    return out;
  }

  /**
   * Records a finished await / await_many that ended at `endedAt`: its tasks' monitors are gone
   * (§5.2.1-§5.2.4); `queued` are those whose reply was left in the mailbox. Returns why that is
   * impossible, or null.
   */
  settle(command: Command, endedAt: number, queued: ReadonlySet<number>): string | null {
    const tasks = command.kind === 'await' ? [command.task] : command.kind === 'await_many' ? command.tasks : [];
    for (const i of tasks) {
      if (queued.has(i)) {
        if (this.endsWithDown(i)) return `task ${i} never replies, yet a reply of it was left queued`;
        if (this.states[i] === 'gone' || this.finish(i).lo > endedAt) return `task ${i}'s reply was queued at ${endedAt} ms, before it could have arrived`;
      }
      this.states[i] = queued.has(i) ? 'queued' : 'gone';
    }
    return null;
  }

  /**
   * For a non-trapping owner: the tasks whose crash may be the one that kills it, and when
   * (§5.1.3). Empty when no task's exit kills.
   */
  killers(): { tasks: number[]; window: Window } | null {
    if (this.ownerTraps) return null;
    const crashing = this.works.map((_, i) => i).filter((i) => killsLinkedOwner(this.works[i]!.end));
    if (crashing.length === 0) return null;
    const hi = Math.min(...crashing.map((i) => this.finish(i).hi));
    const tasks = crashing.filter((i) => this.finish(i).lo <= hi);
    return { tasks, window: { lo: Math.min(...tasks.map((i) => this.finish(i).lo)), hi } };
  }

  /**
   * How task `i` may exit when the owner died at `ownerDeath` (or never): by its own end, or with
   * the owner's reason if it was still running (the link, §1.4.4).
   */
  taskFates(i: number, ownerDeath: number | null): Array<'own' | 'owner'> {
    if (ownerDeath === null) return ['own'];
    const f = this.finish(i);
    const out: Array<'own' | 'owner'> = [];
    // Its own exit may come first unless it surely ends after the owner's exit signal arrives.
    if (f.lo <= ownerDeath + this.slack) out.push('own');
    // The owner's exit signal may come first unless the task surely ended before the owner died.
    if (f.hi >= ownerDeath) out.push('owner');
    return out;
  }
}

/** Latency of awaiting every task started together: the slowest one (the claim of the "after" example). */
export function concurrentLatency(works: readonly Pick<TaskWork, 'ms'>[]): number {
  return Math.max(0, ...works.map((w) => w.ms));
}

/** Latency of doing the same work one after another (the "before" example). */
export function sequentialLatency(works: readonly Pick<TaskWork, 'ms'>[]): number {
  return works.reduce((sum, w) => sum + w.ms, 0);
}

/**
 * The cost of computing a value inside the caller vs in a task (the format_name example): a task
 * is one extra process and three signals to the owner's side — the work message, the reply and the
 * DOWN — plus the link and monitor setup. Inline work costs none of that.
 */
export interface Overhead {
  readonly processes: number;
  readonly messages: number;
}

export const INLINE_OVERHEAD: Overhead = { processes: 0, messages: 0 };
/** `Task.async` + `Task.await`: one process; work message and reply (the DOWN is flushed, not a message send). */
export const TASK_OVERHEAD: Overhead = { processes: 1, messages: 2 };
