/**
 * The pure models of patterns 1, 2 and 12, on the examples of the reference they encode
 * (supervision.md rules 29–35, 40–41, 57, 89–93, 103; oracle-notes.md routing values).
 */
import { describe, expect, it } from 'vitest';
import { StartOrder, startOrderViolation, staticStart, stopOrderViolation } from '../../models/p01-static-vs-dynamic-supervision.js';
import { RoutingTable, partitionOf, partitioningTradeoff, peakQueue } from '../../models/p02-partition-supervisor.js';
import { DynamicSupervisorModel, exitLookupCost } from '../../models/p12-dynamic-supervisor-state.js';
import { bin, t } from '../../src/index.js';

describe('p01 static start', () => {
  it('rule 33: a, b started, c fails → terminate b, then a; d never attempted', () => {
    const r = staticStart([
      { id: 'a', restart: 'permanent', start: 'ok' },
      { id: 'b', restart: 'temporary', start: 'ok' },
      { id: 'c', restart: 'permanent', start: 'fail' },
      { id: 'd', restart: 'permanent', start: 'ok' },
    ]);
    expect(r).toEqual({ attempted: ['a', 'b', 'c'], rolledBack: ['b', 'a'], result: { ok: false, failed: 'c' }, children: [] });
  });

  it('rules 32, 81: ignored non-temporary children are kept as :undefined, temporary ones dropped; newest first', () => {
    const r = staticStart([
      { id: 'p', restart: 'permanent', start: 'ok' },
      { id: 'i', restart: 'transient', start: 'ignore' },
      { id: 't', restart: 'temporary', start: 'ignore' },
      { id: 'q', restart: 'temporary', start: 'ok' },
    ]);
    expect(r.result).toEqual({ ok: true });
    expect(r.children).toEqual([['q', true], ['i', false], ['p', true]]);
  });

  it('rule 41: rest_for_one keeps the order; a lone restart of a predecessor breaks it', () => {
    const order = ['repo', 'pubsub', 'endpoint'];
    const boot = ['repo', 'pubsub', 'endpoint'].map((id) => ({ kind: 'start' as const, id }));
    const restForOne = [...boot, { kind: 'stop' as const, id: 'repo' }, { kind: 'stop' as const, id: 'endpoint' }, { kind: 'stop' as const, id: 'pubsub' }, ...boot];
    expect(startOrderViolation(order, restForOne)).toBeNull();
    const oneForOne = [...boot, { kind: 'stop' as const, id: 'repo' }, { kind: 'start' as const, id: 'repo' }];
    expect(startOrderViolation(order, oneForOne)).toBe('repo started while pubsub, listed after it, was running');
    const model = new StartOrder(order);
    expect(model.start('endpoint')).toBeNull();
    expect(model.start('repo')).toBe('endpoint');
  });

  it('rule 66: stopping newest first never leaves a successor running', () => {
    const order = ['a', 'b', 'c'];
    expect(stopOrderViolation(order, new Set(order), ['c', 'b', 'a'])).toBeNull();
    expect(stopOrderViolation(order, new Set(order), ['a', 'c', 'b'])).toBe('a stopped while b, listed after it, was still running');
  });
});

describe('p02 routing', () => {
  it('rule 103 / oracle: 4 partitions, integers by rem(abs(k), 4), other terms by phash2', () => {
    expect([0, 1, 4, 7, -7, 5, -5, -6].map((k) => partitionOf(k, 4))).toEqual([0, 1, 0, 3, 3, 1, 1, 2]);
    expect(partitionOf(-(2n ** 70n) - 3n, 4)).toBe(3);
    expect(partitionOf('a', 4)).toBe(1);
    expect(partitionOf(bin('a'), 4)).toBe(3);
    expect(partitionOf(bin('hello'), 4)).toBe(3);
    expect(partitionOf('nil', 4)).toBe(0);
  });

  it('rule 103: the row changes only on a (re)start; E4: with first-write-wins it never changes', () => {
    const table = new RoutingTable(2, false);
    table.started(0);
    table.started(1);
    table.stopped(1);
    expect(table.route(1)).toEqual({ partition: 1, incarnation: 1, alive: false });
    table.started(1);
    expect(table.route(3)).toEqual({ partition: 1, incarnation: 2, alive: true });
    const e4 = new RoutingTable(1, true);
    e4.started(0);
    e4.stopped(0);
    e4.started(0);
    expect(e4.route(t('any', 'key'))).toEqual({ partition: 0, incarnation: 1, alive: false });
  });

  it('a burst queues whole in one supervisor and by partition load in many', () => {
    const keys = [0, 1, 2, 3, 4, 5, 6];
    expect(peakQueue(keys, 1)).toBe(7);
    expect(peakQueue(keys, 4)).toBe(2);
    expect(partitioningTradeoff({ peakWithOne: 1, peakPartitioned: 1, supervisorProcesses: 17 })).toEqual({ benefit: 0, overheadProcesses: 16 });
  });
});

describe('p12 DynamicSupervisor state', () => {
  it('rule 89: max_children counts every entry; start outcomes', () => {
    const m = new DynamicSupervisorModel({ maxChildren: 2, maxRestarts: 3, maxSeconds: 5 });
    expect(m.startChild('a', 'permanent', 'ok')).toBe('ok');
    expect(m.startChild('b', 'permanent', 'ignore')).toBe('ignore');
    expect(m.startChild('c', 'permanent', 'error')).toBe('error');
    expect(m.startChild('d', 'temporary', 'ok')).toBe('ok');
    expect(m.startChild('e', 'temporary', 'ok')).toBe('max_children');
    expect(m.countChildren()).toEqual({ specs: 2, active: 2, workers: 2, supervisors: 0 });
  });

  it('rules 92–93: decision table, failed restarts retried and counted, escalation past the intensity', () => {
    const m = new DynamicSupervisorModel({ maxChildren: 'infinity', maxRestarts: 3, maxSeconds: 5 });
    m.startChild('t', 'transient', 'ok');
    m.startChild('p', 'permanent', 'ok');
    expect(m.childExited('t', { shutdown: 'x' }, 0, () => 'ok')).toEqual({ kind: 'deleted', report: false });
    const outcomes = ['error', 'error', 'ok'] as const;
    let k = 0;
    expect(m.childExited('p', 'boom', 1000, () => outcomes[k++]!)).toEqual({ kind: 'restarted', attempts: 3, outcome: 'ok' });
    expect(m.childExited('p', 'normal', 2000, () => 'ok')).toEqual({ kind: 'escalated', attempts: 1 });
    expect(m.alive).toBe(false);
    expect(m.whichChildren()).toEqual({ running: [], restarting: 0 });
  });

  it('the cost of one EXIT: a list visits every child, a map one', () => {
    expect(exitLookupCost('list', 1000)).toBe(1000);
    expect(exitLookupCost('map', 1000)).toBe(1);
  });
});
