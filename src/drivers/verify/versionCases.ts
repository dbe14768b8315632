/**
 * Version cases: one fixed differential case per rule whose reference version table says that
 * OTP 25 / Elixir 1.14 and the current versions behave differently, *and* that differs between
 * beamcheck's two real oracles (`beam` = Elixir 1.14 / OTP 25, `beam27` = Elixir 1.18 / OTP 27).
 * Each case observes the difference through the driver protocol, so `verify` checks every
 * semantics profile against the real runtime it claims to be: `otp25` against `beam`, `current`
 * against `beam27` (docs/driver-protocol.md, "Version differences covered", has the row-by-row
 * table, with the reason for every row that has no case).
 *
 * Every case gives different observations on the two profiles (test/drivers/versionCases.test.ts);
 * its commands keep real-time margins far from every boundary, as generated cases do.
 */
import type { Json } from '../../term/json.js';
import type { Command } from '../Driver.js';

export interface VersionCase {
  /** The row of the version table: `D1`…`D10`, `E1`…`E8` (supervision.md §13) or `P:…` (processes.md §8). */
  readonly row: string;
  /** A unique name. */
  readonly name: string;
  /** What the case shows, in one line. */
  readonly description: string;
  /** Where the reference states the rule. */
  readonly rule: string;
  /** The capabilities both drivers need (docs/driver-protocol.md, "Capabilities"). */
  readonly needs: readonly string[];
  readonly commands: readonly Command[];
}

type Obj = { [key: string]: Json };

const worker = (id: string, fields: Obj = {}): Obj => ({ id, ...fields });
const tree = (children: Obj[], flags: Obj = {}): Obj => ({ strategy: 'one_for_one', max_restarts: 3, max_seconds: 10, ...flags, children });
const cmd = (name: string, fields: Obj = {}): Command => ({ cmd: name, ...fields }) as Command;
const supCall = (fun: string, ...args: Json[]): Command => cmd('sup_call', { fun, args });

export const VERSION_CASES: readonly VersionCase[] = [
  {
    row: 'D1',
    name: 'D1-failed-supervisor-start-mailbox',
    description: "a supervisor whose child fails to start leaves its EXIT in a trapping caller's mailbox on OTP 25 only",
    rule: 'supervision.md rule 34, §13 D1',
    needs: ['start_probe'],
    commands: [
      cmd('start_probe', { trap_exit: true, tree: tree([worker('c1'), worker('c2', { init: { stop: 'boom' } })]) }),
      // A caller that does not trap exits dies of the failed start on both versions.
      cmd('start_probe', { trap_exit: false, tree: tree([worker('c3', { init: { stop: 'boom' } })]) }),
    ],
  },
  {
    row: 'D2',
    name: 'D2-already-started-unwrapped',
    description: 'start_child of a child whose start returns {:error, {:already_started, p}}: wrapped with the child record on OTP 25, bare on OTP 27',
    rule: 'supervision.md rule 77, §13 D2',
    needs: ['supervisor', 'worker_extensions'],
    commands: [
      cmd('sup_start', { tree: tree([worker('c1', { name: 'beamcheck_n1' })]) }),
      supCall('start_child', worker('c2', { name: 'beamcheck_n1' })),
      supCall('which_children'),
    ],
  },
  {
    row: 'D3',
    name: 'D3-unlinked-child-shutdown-reason',
    description: 'terminating a child that unlinked itself and died: shutdown_error :noproc on OTP 25, :child_process_unlinked on OTP 27',
    rule: 'supervision.md rules 63, 65, §13 D3',
    needs: ['supervisor', 'worker_extensions'],
    commands: [
      cmd('sup_start', { tree: tree([worker('c1'), worker('c2')]) }),
      cmd('call', { child: 'c1', request: 'unlink_parent', timeout: 5000 }),
      cmd('crash', { child: 'c1', reason: 'boom' }),
      supCall('count_children'),
      supCall('terminate_child', 'c1'),
      supCall('restart_child', 'c1'),
    ],
  },
  {
    row: 'D4',
    name: 'D4-simple-one-for-one-auto-shutdown',
    description: 'simple_one_for_one with auto_shutdown any/all_significant starts on OTP 25, is a bad combination on OTP 27',
    rule: 'supervision.md rule 75, §13 D4',
    needs: ['start_probe', 'simple_one_for_one', 'auto_shutdown'],
    commands: [
      cmd('start_probe', {
        trap_exit: true,
        tree: tree([worker('w', { restart: 'temporary', significant: true })], { strategy: 'simple_one_for_one', auto_shutdown: 'any_significant' }),
      }),
      cmd('start_probe', {
        trap_exit: true,
        tree: tree([worker('v', { restart: 'transient' })], { strategy: 'simple_one_for_one', auto_shutdown: 'all_significant' }),
      }),
    ],
  },
  {
    row: 'D5',
    name: 'D5-simple-one-for-one-restart-ignore',
    description: 'a simple_one_for_one child whose restart returns :ignore: OTP 25 keeps :undefined as a child (and crashes on shutdown), OTP 27 drops it',
    rule: 'supervision.md rule 39, §13 D5',
    needs: ['supervisor', 'simple_one_for_one', 'worker_extensions'],
    commands: [
      cmd('sup_start', { tree: tree([worker('w', { init: { ignore_after: 1 } })], { strategy: 'simple_one_for_one' }) }),
      supCall('start_child', []),
      cmd('call', { child: 'w#1', request: 'args', timeout: 5000 }),
      cmd('crash', { child: 'w#1', reason: 'boom' }),
      supCall('which_children'),
      supCall('count_children'),
      cmd('sup_stop', { reason: 'shutdown' }),
    ],
  },
  {
    row: 'E1',
    name: 'E1-front-end-auto-shutdown',
    description: 'Supervisor.start_link(children, auto_shutdown: …): Elixir 1.14 drops the option (a significant child is then a bad combination), 1.18 honours it',
    rule: 'supervision.md rules 16, 27, §13 E1',
    needs: ['supervisor', 'supervisor_front_end', 'auto_shutdown'],
    commands: [
      cmd('sup_start', {
        front_end: true,
        tree: tree([worker('c1', { restart: 'transient', significant: true }), worker('c2')], { auto_shutdown: 'any_significant' }),
      }),
      cmd('crash', { child: 'c1', reason: 'normal' }),
    ],
  },
  {
    row: 'E1',
    name: 'E1-significant-override',
    description: 'Supervisor.child_spec(spec, significant: true) raises in Elixir 1.14, sets the key in 1.18',
    rule: 'supervision.md rule 18, §13 E1',
    needs: ['supervisor_front_end'],
    commands: [
      cmd('child_spec', { child: worker('c1', { restart: 'transient' }), overrides: { significant: true } }),
      cmd('child_spec', { child: worker('c1'), overrides: { restart: 'temporary', shutdown: 'brutal_kill' } }),
    ],
  },
  {
    row: 'E2',
    name: 'E2-dynamic-shutdown-zero',
    description: 'DynamicSupervisor.start_child with shutdown: 0 is invalid in Elixir 1.14, valid in 1.18',
    rule: 'supervision.md rule 89, §13 E2',
    needs: ['dynamic_supervisor'],
    commands: [
      cmd('dyn_start'),
      cmd('dyn_call', { fun: 'start_child', args: [worker('w', { shutdown: 0 })] }),
      cmd('dyn_call', { fun: 'which_children', args: [] }),
      cmd('dyn_call', { fun: 'count_children', args: [] }),
    ],
  },
  {
    row: 'E3',
    name: 'E3-dynamic-significant-child',
    description: 'DynamicSupervisor.start_child with significant: true starts in Elixir 1.14, is {:invalid_significant, true} in 1.18',
    rule: 'supervision.md rule 89, §13 E3',
    needs: ['dynamic_supervisor'],
    commands: [
      cmd('dyn_start'),
      cmd('dyn_call', { fun: 'start_child', args: [worker('w', { restart: 'transient', significant: true })] }),
      cmd('crash', { child: 'w#1', reason: 'normal' }),
      cmd('dyn_call', { fun: 'count_children', args: [] }),
    ],
  },
  {
    row: 'E3',
    name: 'E3-dynamic-auto-shutdown-flag',
    description: 'a DynamicSupervisor whose init/1 returns auto_shutdown: :any_significant starts in Elixir 1.14, fails with {:invalid_auto_shutdown, …} in 1.18',
    rule: 'supervision.md rules 76, 87, §13 E3',
    needs: ['dynamic_supervisor'],
    commands: [cmd('dyn_start', { auto_shutdown: 'any_significant' })],
  },
  {
    row: 'E4',
    name: 'E4-partition-via-stale-pid',
    description: 'a via-named PartitionSupervisor routes to the dead original pid after a restart in Elixir 1.14, to the new one in 1.18',
    rule: 'supervision.md rules 103, 104, §13 E4',
    needs: ['partition_supervisor', 'registry'],
    commands: [
      cmd('reg_start', { keys: 'unique' }),
      cmd('part_start', { name: 'via', partitions: 2, child: worker('w') }),
      cmd('part_whereis', { key: 0 }),
      cmd('part_whereis', { key: 1 }),
      cmd('crash', { child: 'w#1', reason: 'boom' }),
      cmd('part_whereis', { key: 0 }),
      cmd('part_whereis', { key: 1 }),
    ],
  },
  {
    row: 'E5',
    name: 'E5-partition-default-id',
    description: 'PartitionSupervisor.child_spec without a name has id DynamicSupervisor in Elixir 1.14, PartitionSupervisor in 1.18',
    rule: 'supervision.md rule 106, §13 E5',
    needs: ['partition_supervisor'],
    commands: [cmd('part_child_spec'), cmd('part_child_spec', { name: 'atom' })],
  },
  {
    row: 'E7',
    name: 'E7-partition-resize',
    description: 'PartitionSupervisor.resize!/2 is undefined in Elixir 1.14; in 1.18 it stops and restarts partitions and partitions/1 follows',
    rule: 'supervision.md rule 107, §13 E7; processes.md §8 (resize!)',
    needs: ['partition_supervisor'],
    commands: [
      cmd('part_start', { name: 'atom', partitions: 2, child: worker('w') }),
      cmd('part_call', { fun: 'resize', args: [1] }),
      cmd('part_call', { fun: 'partitions', args: [] }),
      cmd('part_call', { fun: 'which_children', args: [] }),
      cmd('part_call', { fun: 'resize', args: [2] }),
      cmd('part_call', { fun: 'count_children', args: [] }),
    ],
  },
  {
    row: 'E8',
    name: 'E8-task-supervisor-deprecated-restart',
    description: 'Task.Supervisor started with restart: :transient; start_child(sup, fun) starts the task in Elixir 1.14, returns {:restart, :transient} in 1.18',
    rule: 'supervision.md rules 96, 97, §13 E8',
    needs: ['task_extensions'],
    commands: [cmd('tsup_start', { restart: 'transient' }), cmd('tsup_start_child', { name: 't1' })],
  },
  {
    row: 'P:init-stop',
    name: 'P-init-stop-or-raise-mailbox',
    description: "init/1 returning {:stop, r} or raising: OTP 25 acks the error and exits, leaving the EXIT in a trapping caller's mailbox; OTP 26+ does not",
    rule: 'processes.md §3.1.4, §8 row "init {:stop, r} / crash"',
    needs: ['start_probe', 'worker_extensions'],
    commands: [
      cmd('start_probe', { trap_exit: true, child: worker('w', { init: { stop: 'boom' } }) }),
      cmd('start_probe', { trap_exit: true, child: worker('w', { init: 'raise' }) }),
      cmd('start_probe', { trap_exit: true, child: worker('w', { init: 'ignore' }) }),
    ],
  },
  {
    row: 'P:init-error',
    name: 'P-init-error-return',
    description: 'init/1 returning {:error, r}: {:bad_return_value, …} (killing a non-trapping caller) on OTP 25, a silent {:error, r} on OTP 26+',
    rule: 'processes.md §8 row "init {:error, r}"',
    needs: ['start_probe', 'worker_extensions'],
    commands: [
      cmd('start_probe', { trap_exit: true, child: worker('w', { init: { error: 'boom' } }) }),
      cmd('start_probe', { trap_exit: false, child: worker('w', { init: { error: 'boom' } }) }),
    ],
  },
  {
    row: 'P:alias',
    name: 'P-process-alias',
    description: 'Process.alias/0, Process.unalias/1 and Process.monitor/2 (alias: :reply_demonitor) are undefined in Elixir 1.14, delegate to :erlang in 1.18',
    rule: 'processes.md §1.6, §1.6.4, §8 row "Process.alias/unalias/monitor(.., opts)"',
    needs: ['probes'],
    commands: [cmd('alias_probe'), cmd('alias_probe', { monitor: true })],
  },
  {
    row: 'P:task-spawning',
    name: 'P-task-lineage',
    description: "a task started by a registered process has the spawner's name in $ancestors in Elixir 1.14 (proc_lib), its pid in 1.18",
    rule: 'processes.md §2, §8 row "task spawning"',
    needs: ['probes'],
    commands: [cmd('task_lineage', { registered: true }), cmd('task_lineage', { registered: false })],
  },
  {
    row: 'P:yield-many',
    name: 'P-yield-many-options',
    description: 'Task.yield_many(tasks, limit: …) is a FunctionClauseError in Elixir 1.14, accepted in 1.18',
    rule: 'processes.md §5.3.2, §8 row "Task.yield_many"',
    needs: ['task', 'task_extensions'],
    commands: [
      cmd('task_owner', { trap_exit: false }),
      cmd('task_async', { name: 't1', ms: 0, result: 1 }),
      cmd('task_async', { name: 't2', ms: 0, result: 2 }),
      cmd('task_yield_many', { names: ['t1', 't2'], limit: 2, timeout: 1000 }),
      cmd('task_yield_many', { names: ['t1', 't2'], timeout: 0 }),
    ],
  },
  {
    row: 'P:shutdown-completed',
    name: 'P-shutdown-completed-task',
    description: 'Task.shutdown of a Task.completed/1 task raises in Elixir 1.14, behaves like Task.ignore/1 in 1.18',
    rule: 'processes.md §5.3.4, §8 row "Task.shutdown on completed/1 task"',
    needs: ['task', 'task_extensions'],
    commands: [cmd('task_completed', { name: 't1', result: 5 }), cmd('task_shutdown', { name: 't1', mode: 1000 }), cmd('task_owner_mailbox')],
  },
  {
    row: 'P:async-stream',
    name: 'P-async-stream-option-check',
    description: 'Task.async_stream with max_concurrency: 0 raises when enumerated in Elixir 1.14, when built in 1.18',
    rule: 'processes.md §5, §8 row "async_stream option validation"',
    needs: ['probes'],
    commands: [cmd('task_stream', { items: [1, 2], max_concurrency: 0 }), cmd('task_stream', { items: [1, 2], max_concurrency: 1 })],
  },
  {
    row: 'P:registry-lock',
    name: 'P-registry-lock',
    description: 'Registry.lock/3 is undefined in Elixir 1.14, runs the function under the lock in 1.18',
    rule: 'processes.md §6, §8 row "Registry.lock/3"',
    needs: ['registry', 'registry_lock'],
    commands: [cmd('reg_start', { keys: 'unique' }), cmd('reg_lock', { key: 'k' })],
  },
];

/** The version cases both drivers can run: every capability a case needs is shared. */
export function versionCasesFor(capabilities: readonly string[]): VersionCase[] {
  return VERSION_CASES.filter((c) => c.needs.every((n) => capabilities.includes(n)));
}
