/**
 * Ring benchmark: 1,000 processes pass 1,000,000 messages around a ring, in the simulator and in a
 * bare JavaScript loop that moves the same messages through plain arrays.
 */
import { receive, run, self, send, spawn, type Op, type Pid } from '../src/index.js';

const fifo = { name: 'fifo', choose: () => 0 };

export interface RingResult {
  deliveries: number;
  ms: number;
  steps: number;
}

/** The simulated ring: a token counter goes round; each hop is one message delivery. */
export function simulatedRing(processes: number, messages: number, trace: boolean): RingResult {
  let hops = 0;
  const start = performance.now();
  const result = run(function* () {
    const me = yield* self();
    let next: Pid = me;
    for (let i = 0; i < processes; i++) {
      const to = next;
      // Workers forward the token unchanged; a negative token is the stop wave.
      next = yield* spawn(function* (): Op<void> {
        for (;;) {
          const m = (yield* receive()) as number;
          hops++;
          yield* send(to, m);
          if (m < 0) return;
        }
      });
    }
    // The root counts the hops still to go and starts the stop wave when they are done.
    yield* send(next, messages - processes - 1);
    for (;;) {
      const m = (yield* receive()) as number;
      hops++;
      if (m < 0) return;
      const left = m - processes - 1;
      yield* send(next, left < 0 ? -1 : left);
    }
  }, { maxSteps: 100 * messages, trace, strategy: fifo, guard: false });
  const ms = performance.now() - start;
  if (result.verdict.kind !== 'completed') throw new Error(`ring did not complete: ${result.verdict.kind}`);
  return { deliveries: hops, ms, steps: result.steps };
}

/** The same hops through plain arrays: the cost floor of "moving a message". */
export function bareRing(processes: number, messages: number): RingResult {
  const boxes: number[][] = Array.from({ length: processes + 1 }, () => []);
  const start = performance.now();
  boxes[0]!.push(messages);
  let at = 0;
  let delivered = 0;
  while (delivered < messages) {
    const m = boxes[at]!.shift()!;
    delivered++;
    at = at === processes ? 0 : at + 1;
    boxes[at]!.push(m - 1);
  }
  return { deliveries: delivered, ms: performance.now() - start, steps: delivered };
}

/**
 * The same hops through generators resumed by a bare loop: no scheduler, no choice, no trace, no
 * kernel. Each hop resumes the receiver from its `yield` (it gets the message) and again after it
 * yields the send, which is the least any design that runs processes as generators must do. It is
 * the floor under the simulator's figure, and the reason a fifth of the bare array loop is out of
 * reach for a generator-based kernel: the generators alone cost more than that.
 */
export function generatorFloorRing(processes: number, messages: number): RingResult {
  interface FloorProcess {
    readonly mailbox: number[];
    readonly body: Generator<number, void, number>;
  }
  const ring: FloorProcess[] = [];
  for (let i = 0; i <= processes; i++) {
    // Yields 0 at its receive and, at its send, the message it passes on.
    const body = (function* (): Generator<number, void, number> {
      for (;;) {
        const m = yield 0; // receive
        yield m - 1; // send
      }
    })();
    body.next();
    ring.push({ mailbox: [], body });
  }
  const start = performance.now();
  ring[0]!.mailbox.push(messages);
  let delivered = 0;
  for (let at = 0; delivered < messages; ) {
    const p = ring[at]!;
    const sent = p.body.next(p.mailbox.shift()!).value as number;
    p.body.next(0); // back to its receive
    delivered++;
    at = at === processes ? 0 : at + 1;
    ring[at]!.mailbox.push(sent);
  }
  return { deliveries: delivered, ms: performance.now() - start, steps: delivered };
}
