/**
 * The pure models of patterns 7, 8 and 9 on the examples of the reference they encode
 * (processes.md §5.1–§5.2, §5.6; supervision.md rules 89, 95, 97; oracle-notes "Task.await timeout",
 * "async_nolink task crash").
 */
import { describe, expect, it } from 'vitest';
import { AsyncOwner, TASK_OVERHEAD, concurrentLatency, sequentialLatency, type TaskWork } from '../../models/p07-task-async-await.js';
import { callerView, serverAnswer } from '../../models/p08-async-nolink.js';
import { TASK_CHILD_DEFAULTS, shutdownOf, startResults, terminateEnds } from '../../models/p09-task-supervisor.js';

const owner = (works: TaskWork[], traps = false) => new AsyncOwner(works, works.map(() => ({ lo: 0, hi: 0 })), traps, 0);

describe('p07 Task.async/await', () => {
  it('§5.2.1: the reply before the deadline, :timeout after it, either at the edge', () => {
    const m = owner([{ ms: 100, end: 'value' }]);
    expect(m.awaitOutcomes(0, 150, 0)).toEqual([{ kind: 'value', task: 0 }]);
    expect(m.awaitOutcomes(0, 50, 0)).toEqual([{ kind: 'timeout' }]);
    expect(m.awaitOutcomes(0, 100, 0)).toEqual([{ kind: 'value', task: 0 }, { kind: 'timeout' }]);
  });

  it('§5.2.3: after an await gave the task up, the next await times out — unless its reply was left queued', () => {
    const m = owner([{ ms: 100, end: 'value' }, { ms: 10, end: 'value' }]);
    expect(m.settle({ kind: 'await', task: 0, timeout: 50, catchExit: true }, 50, new Set())).toBeNull();
    expect(m.awaitOutcomes(0, 5000, 60)).toEqual([{ kind: 'timeout' }]);
    expect(m.settle({ kind: 'await_many', tasks: [1], timeout: 0, catchExit: true }, 60, new Set([1]))).toBeNull();
    expect(m.awaitOutcomes(1, 0, 70)).toEqual([{ kind: 'value', task: 1 }]);
    expect(m.settle({ kind: 'await', task: 0, timeout: 0, catchExit: true }, 0, new Set([0]))).toMatch(/before it could have arrived|never/);
  });

  it('§5.2.4: await_many returns in input order, or the first DOWN, or :timeout', () => {
    const m = owner([{ ms: 300, end: 'value' }, { ms: 100, end: 'value' }, { ms: 200, end: 'boom' }], true);
    expect(m.awaitManyOutcomes([0, 1], 500, 0)).toEqual([{ kind: 'values', tasks: [0, 1] }]);
    expect(m.awaitManyOutcomes([0, 1, 2], 500, 0)).toEqual([{ kind: 'down', task: 2 }]);
    expect(m.awaitManyOutcomes([0, 1, 2], 150, 0)).toEqual([{ kind: 'timeout' }]);
  });

  it('§5.1.3: the first linked crash kills a non-trapping owner; a trapping one or :normal never', () => {
    expect(owner([{ ms: 50, end: 'value' }, { ms: 80, end: 'raise' }, { ms: 30, end: 'boom' }]).killers()).toEqual({ tasks: [2], window: { lo: 30, hi: 30 } });
    expect(owner([{ ms: 30, end: 'boom' }], true).killers()).toBeNull();
    expect(owner([{ ms: 30, end: 'normal' }]).killers()).toBeNull();
  });

  it('§1.4.4: a task still running when its owner dies dies with it; one already done ended on its own', () => {
    const m = owner([{ ms: 30, end: 'value' }, { ms: 300, end: 'value' }]);
    expect(m.taskFates(0, 100)).toEqual(['own']);
    expect(m.taskFates(1, 100)).toEqual(['owner']);
    expect(m.taskFates(1, null)).toEqual(['own']);
  });

  it('latency: concurrent = the slowest (500 ms), sequential = the sum (1000 ms); a task costs a process and two messages', () => {
    const works = [{ ms: 200 }, { ms: 300 }, { ms: 500 }];
    expect(concurrentLatency(works)).toBe(500);
    expect(sequentialLatency(works)).toBe(1000);
    expect(TASK_OVERHEAD).toEqual({ processes: 1, messages: 2 });
  });
});

describe('p08 async_nolink', () => {
  it('§5.6.4: a nolink crash is one DOWN; a success is {ref, r} then DOWN :normal', () => {
    expect(callerView('Task.Supervisor.async_nolink', true)).toEqual({ messages: ['down_crash'], exitMessage: null, ownerDies: false });
    expect(callerView('Task.Supervisor.async_nolink', false, true)).toEqual({ messages: ['reply', 'down_normal'], exitMessage: null, ownerDies: false });
  });

  it('§5.1.3: a linked crash kills a non-trapping caller; a trapping one gets the EXIT and the DOWN', () => {
    expect(callerView('Task.async', true).ownerDies).toBe(true);
    expect(callerView('Task.Supervisor.async', true, true)).toEqual({ messages: ['down_crash'], exitMessage: 'exit_crash', ownerDies: false });
    expect(serverAnswer(true)).toBe('error');
  });
});

describe('p09 Task.Supervisor', () => {
  it('§5.6.2: task children are temporary, shutdown 5000, workers', () => {
    expect(TASK_CHILD_DEFAULTS).toMatchObject({ restart: 'temporary', shutdown: 5000, type: 'worker' });
    expect(shutdownOf('default')).toBe(5000);
    expect(shutdownOf('brutal_kill')).toBe('brutal_kill');
  });

  it('rules 89, 97: {:error, :max_children} once max_children children are held', () => {
    expect(startResults(2, { surely: 1, maybe: 1 })).toEqual(['ok']);
    expect(startResults(2, { surely: 2, maybe: 2 })).toEqual(['max_children']);
    expect(startResults(2, { surely: 1, maybe: 2 })).toEqual(['ok', 'max_children']);
    expect(startResults('infinity', { surely: 9, maybe: 9 })).toEqual(['ok']);
  });

  it('rule 95: :shutdown ends a non-trapping task at once; a trapping one gets the shutdown time, then :killed', () => {
    const busy = { lo: 9000, hi: 9000 };
    expect(terminateEnds(5000, false, 100, busy, 0)).toEqual([{ by: 'shutdown', at: { lo: 100, hi: 100 } }]);
    expect(terminateEnds(5000, true, 100, busy, 0)).toEqual([{ by: 'killed', at: { lo: 5100, hi: 5100 } }]);
    expect(terminateEnds(5000, true, 100, { lo: 300, hi: 300 }, 0)).toEqual([{ by: 'own', at: { lo: 300, hi: 300 } }]);
    expect(terminateEnds('brutal_kill', true, 100, busy, 0)).toEqual([{ by: 'killed', at: { lo: 100, hi: 100 } }]);
  });
});
