/**
 * The pure models of patterns 14, 15 and 16 on the examples of the reference they encode
 * (processes.md §1.6, §2.1–§2.3, §3.2.3–§3.2.5, §3.3.2, §5.1.3, §8).
 */
import { describe, expect, it } from 'vitest';
import {
  crashLogCallers,
  lineageOf,
  procLibAncestors,
  requestIdSeenByServer,
  spawnedBySupervisor,
  taskAncestors,
  taskCallers,
  taskCrashReport,
  type ProcView,
} from '../../models/p14-process-lineage.js';
import { acceptableResults, lastReplyAt, queueingDelayBound, replyQueued, usesAlias } from '../../models/p15-deferred-reply.js';
import { OwnerModel, staleRepliesLeft } from '../../models/p16-process-alias.js';

const root: ProcView = { pid: '<0.90.0>', ancestors: [], callers: [] };
const named: ProcView = { pid: '<0.91.0>', name: 'owner_name', ancestors: ['<0.90.0>'], callers: [] };

describe('p14 $ancestors and $callers', () => {
  it('§2.1: proc_lib stores [spawner name-or-pid | spawner ancestors] (✔G29, G29b)', () => {
    expect(procLibAncestors(root)).toEqual(['<0.90.0>']);
    expect(procLibAncestors(named)).toEqual(['owner_name', '<0.90.0>']);
    expect(lineageOf('gen_server', named, named, 'current')).toEqual({ ancestors: ['owner_name', '<0.90.0>'], callers: [] });
  });

  it('§2.3/§8: a task of a registered owner: the pid in current Elixir, the name in 1.14 (✔T1f)', () => {
    expect(taskAncestors(named, 'current')).toEqual(['<0.91.0>', '<0.90.0>']);
    expect(taskAncestors(named, 'otp25')).toEqual(['owner_name', '<0.90.0>']);
  });

  it('§2.3: nested tasks accumulate $callers [inner_caller, outer_caller] (✔T1b)', () => {
    const outer: ProcView = { pid: '<0.92.0>', ancestors: ['<0.90.0>'], callers: taskCallers(root) };
    expect(taskCallers(outer)).toEqual(['<0.92.0>', '<0.90.0>']);
    expect(lineageOf('task_async', outer, outer, 'current').callers).toEqual(['<0.92.0>', '<0.90.0>']);
  });

  it('§2.3: Task.Supervisor tasks are spawned by the supervisor, asked for by the caller (✔TS1)', () => {
    const tsup: ProcView = { pid: '<0.93.0>', name: 'tsup', ancestors: ['<0.90.0>'], callers: [] };
    expect(spawnedBySupervisor('sup_async')).toBe(true);
    expect(spawnedBySupervisor('task_async')).toBe(false);
    expect(lineageOf('sup_async', tsup, named, 'otp25')).toEqual({ ancestors: ['tsup', '<0.90.0>'], callers: ['<0.91.0>'] });
    expect(lineageOf('sup_async', tsup, named, 'current').ancestors).toEqual(['<0.93.0>', '<0.90.0>']);
  });

  it('§5.1.3: a task crash report names the caller (name or pid) and carries $callers', () => {
    const task: ProcView = { pid: '<0.94.0>', ancestors: [], callers: ['<0.91.0>'] };
    expect(taskCrashReport(task, named)).toEqual({ starter: 'owner_name', callers: ['<0.91.0>'] });
  });

  it('a plain process crash is logged without callers; Logger metadata never crosses processes', () => {
    expect(crashLogCallers('plain_process', { pid: '<0.95.0>', ancestors: [], callers: ['<0.91.0>'] })).toEqual([]);
    expect(crashLogCallers('task', { pid: '<0.95.0>', ancestors: [], callers: ['<0.91.0>'] })).toEqual(['<0.91.0>']);
    expect(requestIdSeenByServer(undefined, undefined)).toBeUndefined();
    expect(requestIdSeenByServer(undefined, 'req-1')).toBe('req-1');
  });
});

describe('p15 deferred replies', () => {
  it('§3.2.4: the first reply before the deadline, :timeout after it, either at the edge', () => {
    expect(acceptableResults(1000, [100, 200], 20)).toEqual([{ kind: 'reply', index: 0 }]);
    expect(acceptableResults(1000, [1500], 20)).toEqual([{ kind: 'timeout' }]);
    expect(acceptableResults(1000, [1000], 20)).toEqual([{ kind: 'reply', index: 0 }, { kind: 'timeout' }]);
    expect(acceptableResults(1000, [], 20)).toEqual([{ kind: 'timeout' }]);
    expect(acceptableResults('infinity', [90_000], 20)).toEqual([{ kind: 'reply', index: 0 }]);
  });

  it('§3.2.3/§3.2.5: finite calls reply through an alias, so late replies are dropped; :infinity ones are not', () => {
    expect(usesAlias(5000)).toBe(true);
    expect(usesAlias('infinity')).toBe(false);
    expect(replyQueued(5000, false)).toBe(false);
    expect(replyQueued(5000, true)).toBe(true);
    expect(replyQueued('infinity', false)).toBe(true);
  });

  it('a blocking server answers N callers of a T ms job at N·T, a deferring one at T', () => {
    expect(lastReplyAt(3, 100, false)).toBe(300);
    expect(lastReplyAt(3, 100, true)).toBe(100);
    expect(queueingDelayBound(250, false, 10)).toBe(260);
    expect(queueingDelayBound(250, true, 10)).toBe(10);
  });
});

describe('p16 aliases', () => {
  it('§1.6.1: queued while active; after unalias dropped; already queued stays (✔S13c)', () => {
    const m = new OwnerModel();
    const a = m.create({ monitor: false, mode: 'explicit_unalias' });
    expect(m.arrive(a, 'm1')).toBe(true);
    expect(m.unalias(a)).toBe(true);
    expect(m.arrive(a, 'm2')).toBe(false);
    expect(m.mailbox).toEqual(['m1']);
  });

  it('§1.6.2–§1.6.3: a :reply alias takes one message; unalias afterwards is false; so is a foreign unalias (✔S13d, S13e)', () => {
    const m = new OwnerModel();
    const a = m.create({ monitor: false, mode: 'reply' });
    expect(m.foreignUnalias()).toBe(false);
    expect(m.arrive(a, 'm1')).toBe(true);
    expect(m.arrive(a, 'm2')).toBe(false);
    expect(m.unalias(a)).toBe(false);
    expect(m.receiveOne()).toBe('m1');
  });

  it('§1.6.4: monitor aliases (✔S13g–S13k)', () => {
    const m = new OwnerModel();
    const keep = m.create({ monitor: true, mode: 'explicit_unalias' });
    expect(m.targetExits(keep)).toBe(true);
    expect(m.arrive(keep, 'k')).toBe(true);
    const dem = m.create({ monitor: true, mode: 'demonitor' });
    expect(m.demonitor(dem)).toBe(true);
    expect(m.arrive(dem, 'd')).toBe(false);
    const un = m.create({ monitor: true, mode: 'demonitor' });
    expect(m.unalias(un)).toBe(true);
    expect(m.targetExits(un)).toBe(true);
    const once = m.create({ monitor: true, mode: 'reply_demonitor' });
    expect(m.arrive(once, 'r')).toBe(true);
    expect(m.targetExits(once)).toBe(false);
  });

  it('a send racing the unalias: queued or dropped, and a :reply alias consumed by the message unaliases to false', () => {
    const m = new OwnerModel();
    expect(m.raceOutcomes(m.create({ monitor: false, mode: 'explicit_unalias' }))).toEqual([
      { queued: true, unaliased: true },
      { queued: false, unaliased: true },
    ]);
    expect(m.raceOutcomes(m.create({ monitor: false, mode: 'reply' }))).toEqual([
      { queued: true, unaliased: false },
      { queued: false, unaliased: true },
    ]);
  });

  it('stale replies: all with a pid, the raced ones with alias + unalias, none with alias + unalias + flush', () => {
    expect(staleRepliesLeft('pid', 3, 1)).toBe(3);
    expect(staleRepliesLeft('alias', 3, 1)).toBe(1);
    expect(staleRepliesLeft('alias_then_flush', 3, 1)).toBe(0);
  });
});
