/**
 * The choice sources (src/scheduler/strategies) and the kernel's handling of what they return:
 * FIFO bias, PCT without owner information and for data choices, the replay of data choices,
 * and strategies that misbehave. Plus the two data structures under them (Prng, TimerQueue).
 */
import { describe, expect, it } from 'vitest';
import {
  ChoiceLog,
  PctStrategy,
  RandomStrategy,
  ReplayStrategy,
  SequenceStrategy,
  choose,
  receive,
  run,
  self,
  send,
  spawn,
  type ChoiceSource,
  type ProcessBody,
  type Term,
} from '../../src/index.js';
import { Prng } from '../../src/scheduler/prng.js';
import { TimerQueue, type Timer } from '../../src/scheduler/TimerQueue.js';

/** Three senders race to the root; the root records the arrival order. */
function race(seen: Term[]): ProcessBody {
  return function* () {
    const me = yield* self();
    for (const tag of ['a', 'b', 'c']) yield* spawn(function* () { yield* send(me, tag); });
    for (let i = 0; i < 3; i++) seen.push(yield* receive());
  };
}

function arrivals(strategy: ChoiceSource): string {
  const seen: Term[] = [];
  run(race(seen), { strategy });
  return seen.join('');
}

describe('RandomStrategy', () => {
  it('fifoBias 1 always takes the oldest option: the FIFO schedule, whatever the seed', () => {
    const fifo = arrivals(new SequenceStrategy([]));
    for (let seed = 0; seed < 20; seed++) expect(arrivals(new RandomStrategy(seed, { fifoBias: 1 }))).toBe(fifo);
    // Without the bias the same seeds do reorder the senders.
    const unbiased = new Set(Array.from({ length: 20 }, (_, seed) => arrivals(new RandomStrategy(seed))));
    expect(unbiased.size).toBeGreaterThan(1);
  });
});

describe('SequenceStrategy', () => {
  it('maps each entry to |trunc(v)| mod n, then falls back to 0; consumed counts the entries used', () => {
    const s = new SequenceStrategy([7, -5, 2.9]);
    const point = { step: 0, kind: 'schedule' as const };
    expect([s.choose(3, point), s.choose(3, point), s.choose(4, point), s.choose(4, point)]).toEqual([1, 2, 2, 0]);
    expect(s.consumed).toBe(3);
  });
});

describe('ReplayStrategy', () => {
  it('exhausted is true after a faithful replay and false when the program stops before the log does', () => {
    const log = ChoiceLog.fromFlat([3, 2, 5, 4]);
    const body = (n: number): ProcessBody => function* () {
      for (let i = 0; i < n; i++) yield* choose(i === 0 ? 3 : 5);
    };
    const full = new ReplayStrategy(log);
    expect(run(body(2), { strategy: full }).verdict).toEqual({ kind: 'completed' });
    expect(full.exhausted).toBe(true);
    const short = new ReplayStrategy(log);
    run(body(1), { strategy: short });
    expect(short.exhausted).toBe(false);
  });

  it('a data choice with a different number of options than recorded ends the run as replay-diverged', () => {
    const recorded = run(function* () { yield* choose(3); });
    expect(recorded.choices.flat.length).toBe(2);
    const result = run(function* () { yield* choose(4); }, { strategy: new ReplayStrategy(recorded.choices) });
    expect(result.verdict.kind).toBe('replay-diverged');
    if (result.verdict.kind === 'replay-diverged') expect(result.verdict.detail).toContain('3 options');
  });
});

describe('PctStrategy', () => {
  const schedule = { step: 0, kind: 'schedule' as const };

  it('without owner information the option index is the owner: one index keeps winning until a change point', () => {
    const steady = new PctStrategy(5, 1);
    const first = steady.choose(3, schedule);
    for (let i = 0; i < 10; i++) expect(steady.choose(3, schedule)).toBe(first);
    // depth 2 with one expected step: the change point is the first call, which demotes its winner.
    const demoting = new PctStrategy(5, 2, 1);
    const winner = demoting.choose(3, schedule);
    expect(winner).toBe(first);
    expect(demoting.choose(3, schedule)).not.toBe(winner);
  });

  it('data choices are drawn from the seed, stay in range and replay exactly', () => {
    const body = (out: number[]): ProcessBody => function* () {
      for (let i = 0; i < 30; i++) out.push(yield* choose(7));
    };
    const a: number[] = [];
    const b: number[] = [];
    const first = run(body(a), { strategy: new PctStrategy(11) });
    run(body(b), { strategy: new PctStrategy(11) });
    expect(a).toEqual(b);
    expect(a.every((x) => Number.isInteger(x) && x >= 0 && x < 7)).toBe(true);
    expect(new Set(a).size).toBeGreaterThan(1);
    const c: number[] = [];
    run(body(c), { strategy: new ReplayStrategy(first.choices) });
    expect(c).toEqual(a);
  });
});

describe('misbehaving strategies', () => {
  it('a strategy that picks an option out of range stops the run with a RangeError naming it', () => {
    const bad: ChoiceSource = { name: 'bad', choose: () => 99 };
    expect(() => run(race([]), { strategy: bad })).toThrow(/strategy bad chose 99 of \d+/);
  });

  it('an error thrown by a strategy at a scheduling choice (other than a replay divergence) propagates out of the run', () => {
    const failing: ChoiceSource = { name: 'failing', choose: () => { throw new Error('strategy broke'); } };
    expect(() => run(race([]), { strategy: failing })).toThrow('strategy broke');
  });

  it('at a data choice too: a throwing or out-of-range strategy fails the run, not the process that asked', () => {
    // Only data choices: a lone process never offers a scheduling choice.
    const asks = () => function* () { yield* choose(5); };
    const failing: ChoiceSource = { name: 'failing', choose: () => { throw new Error('strategy broke'); } };
    expect(() => run(asks(), { strategy: failing })).toThrow('strategy broke');
    const bad: ChoiceSource = { name: 'bad', choose: () => 7 };
    expect(() => run(asks(), { strategy: bad })).toThrow('strategy bad chose 7 of 5');
  });
});

describe('Prng', () => {
  it('below(n) is 0 for n <= 1 and in [0, n) for n just above 2^31, where rejection sampling redraws half the time', () => {
    const p = new Prng(1);
    expect([p.below(1), p.below(0)]).toEqual([0, 0]);
    const n = 2 ** 31 + 1;
    const draws = Array.from({ length: 200 }, () => p.below(n));
    expect(draws.every((x) => Number.isInteger(x) && x >= 0 && x < n)).toBe(true);
    const again = new Prng(1);
    again.below(1);
    again.below(0);
    expect(Array.from({ length: 200 }, () => again.below(n))).toEqual(draws);
  });
});

describe('TimerQueue', () => {
  it('size counts live timers: pushes add, cancels and pops remove, a second cancel is refused', () => {
    const q = new TimerQueue<Timer & { name: string }>();
    const mk = (name: string, deadline: number, seq: number) => ({ name, deadline, seq, cancelled: false });
    const a = mk('a', 10, 1);
    const b = mk('b', 10, 2);
    const c = mk('c', 20, 3);
    for (const x of [c, b, a]) q.push(x);
    expect(q.size).toBe(3);
    expect(q.cancel(b)).toBe(true);
    expect(q.cancel(b)).toBe(false);
    expect(q.size).toBe(2);
    expect(q.popDue().map((x) => x.name)).toEqual(['a']);
    expect(q.size).toBe(1);
    expect(q.nextDeadline()).toBe(20);
  });
});
