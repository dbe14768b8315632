/**
 * Deliberately wrong runtime variants, for the mutation check: each is a plausible bug in an OTP
 * re-implementation, switched on for one run with the test-only `mutation` runtime option. The
 * mutation check proves that beamcheck's properties catch every one of them (see
 * src/harness/mutationCheck.ts and `beamcheck mutants`).
 *
 * Code consults a mutation with `if (yield* isMutant('id'))`; without the option every check is
 * false and the runtime is the faithful one.
 */
import { mutation } from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';

export interface MutationInfo {
  readonly id: string;
  /** What the wrong variant does. */
  readonly description: string;
  /** The rule it breaks. */
  readonly rule: string;
}

export const MUTATIONS: readonly MutationInfo[] = [
  { id: 'rest-for-one-wrong-side', rule: 'supervision.md rule 41', description: 'rest_for_one restarts the children started before the crashed one instead of after it' },
  { id: 'restart-start-order', rule: 'supervision.md rules 40–41', description: 'children restarted by one_for_all / rest_for_one start newest first instead of in start order' },
  { id: 'transient-restart-on-normal', rule: 'supervision.md rule 37', description: 'a transient child that exits :normal is restarted' },
  { id: 'temporary-restarted', rule: 'supervision.md rules 37–38', description: 'a temporary child that crashes is restarted' },
  { id: 'permanent-normal-not-restarted', rule: 'supervision.md rule 114', description: 'a permanent child that exits :normal is not restarted' },
  { id: 'intensity-off-by-one', rule: 'supervision.md rule 51', description: 'one restart more than max_restarts is allowed in the window' },
  { id: 'intensity-window-exclusive', rule: 'supervision.md rules 51–52', description: 'the intensity window bound is exclusive (t > now - period)' },
  { id: 'failed-restart-not-counted', rule: 'supervision.md rule 46', description: 'a failed restart retried through try_again does not count toward intensity' },
  { id: 'brutal-kill-runs-terminate', rule: 'supervision.md rule 59', description: 'brutal_kill sends :shutdown, so a trapping child runs terminate/2' },
  { id: 'shutdown-timeout-ignored', rule: 'supervision.md rule 60', description: 'an integer shutdown waits forever instead of killing after the timeout' },
  { id: 'shutdown-forward-order', rule: 'supervision.md rule 66', description: 'a stopping supervisor terminates its children oldest first' },
  { id: 'auto-shutdown-ignored', rule: 'supervision.md rule 72', description: 'auto_shutdown never stops the supervisor' },
  { id: 'ignore-is-failure', rule: 'supervision.md rule 32', description: 'a child whose start returns :ignore fails the supervisor start' },
  { id: 'registry-no-cleanup', rule: 'processes.md §6.6', description: 'the registry never removes the entries of a dead process' },
  { id: 'late-reply-delivered', rule: 'processes.md §3.2.5', description: 'GenServer.call does not deactivate its alias on timeout, so a late reply lands in the mailbox' },
  { id: 'await-timeout-kills-task', rule: 'processes.md §5.2.2', description: 'Task.await kills the task when it times out' },
  { id: 'async-nolink-links', rule: 'processes.md §5.6.4', description: 'Task.Supervisor.async_nolink links the task to its caller' },
  { id: 'callers-not-propagated', rule: 'processes.md §2.3', description: 'tasks do not record $callers' },
  { id: 'partition-routing-no-abs', rule: 'processes.md §7.1', description: 'PartitionSupervisor routes negative integer keys with rem(key, n) instead of rem(abs(key), n)' },
  { id: 'dynamic-max-children-off-by-one', rule: 'supervision.md rule 89', description: 'DynamicSupervisor allows one child more than max_children' },
];

/** True when this run uses the mutation `id` (a test-only switch; always false in normal runs). */
export function* isMutant(id: string): Op<boolean> {
  if (!MUTATIONS.some((m) => m.id === id)) throw new Error(`unknown mutation ${id}`);
  return (yield* mutation()) === id;
}

export function mutationInfo(id: string): MutationInfo | undefined {
  return MUTATIONS.find((m) => m.id === id);
}
