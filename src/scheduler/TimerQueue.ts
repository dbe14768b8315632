/**
 * Pending timers ordered by (deadline, creation sequence): a binary min-heap.
 *
 * The virtual clock never goes backward: the kernel only ever advances it to the earliest
 * deadline here. Timers that share a deadline are all released together and the choice source
 * then decides their firing order (processes.md §1.1.4: the timer service is not one sender).
 * Cancelled timers are removed lazily (`cancelled` flag) and skipped when they reach the top.
 */

export interface Timer {
  readonly deadline: number;
  readonly seq: number;
  cancelled: boolean;
}

export class TimerQueue<T extends Timer> {
  private readonly heap: T[] = [];
  private live = 0;

  get size(): number {
    return this.live;
  }

  push(timer: T): void {
    const heap = this.heap;
    heap.push(timer);
    this.live++;
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Marks a timer cancelled; returns false if it was not pending. */
  cancel(timer: T): boolean {
    if (timer.cancelled) return false;
    timer.cancelled = true;
    this.live--;
    return true;
  }

  /** The earliest live deadline, or `undefined`. */
  nextDeadline(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.deadline;
  }

  /** Removes and returns every live timer with the earliest deadline, in creation order. */
  popDue(): T[] {
    this.dropCancelled();
    const first = this.heap[0];
    if (!first) return [];
    const due: T[] = [];
    while (this.heap.length > 0 && this.heap[0]!.deadline === first.deadline) {
      const timer = this.popTop();
      if (!timer.cancelled) {
        timer.cancelled = true; // no longer pending
        this.live--;
        due.push(timer);
      }
    }
    return due;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.popTop();
  }

  private popTop(): T {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
}
