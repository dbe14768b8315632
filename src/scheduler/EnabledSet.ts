/**
 * The events that may happen next, ordered by when they became enabled.
 *
 * An event is a runnable process, the head signal of a sender→receiver channel, or a due timer.
 * The order is what makes index 0 canonical: it is the oldest enabled event, so always choosing 0
 * replays the system in FIFO order, the way a lightly loaded BEAM mostly behaves. `enabledAt` is the
 * virtual time the event became possible; the kernel uses the oldest one to bound how far the clock
 * may run ahead of undelivered work.
 */

export interface Schedulable {
  /** Global sequence number of the moment this event became enabled (the sort key). */
  eseq: number;
  /** Virtual time at which it became enabled. */
  enabledAt: number;
  /** True while the event is in the set. */
  queued: boolean;
}

export class EnabledSet<T extends Schedulable> {
  readonly items: T[] = [];

  get length(): number {
    return this.items.length;
  }

  get oldest(): T | undefined {
    return this.items[0];
  }

  add(item: T): void {
    const items = this.items;
    item.queued = true;
    const n = items.length;
    if (n === 0 || items[n - 1]!.eseq < item.eseq) {
      items.push(item);
      return;
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (items[mid]!.eseq < item.eseq) lo = mid + 1;
      else hi = mid;
    }
    items.splice(lo, 0, item);
  }

  takeAt(index: number): T {
    const item = index === 0 ? this.items.shift()! : this.items.splice(index, 1)[0]!;
    item.queued = false;
    return item;
  }

  remove(item: T): void {
    if (!item.queued) return;
    const index = this.items.indexOf(item);
    if (index >= 0) this.items.splice(index, 1);
    item.queued = false;
  }
}
