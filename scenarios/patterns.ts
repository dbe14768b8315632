/**
 * The 18 process-design patterns of the seed document, with their stable ids. Properties
 * (properties/) and scenarios (scenarios/) are filed under these ids.
 */
export interface PatternInfo {
  readonly number: number;
  readonly slug: string;
  readonly title: string;
}

export const PATTERNS: readonly PatternInfo[] = [
  { number: 1, slug: 'static-vs-dynamic-supervision', title: 'Static vs Dynamic Supervision' },
  { number: 2, slug: 'partition-supervisor', title: 'PartitionSupervisor for Scalability' },
  { number: 3, slug: 'supervision-strategies', title: 'Supervision Strategies' },
  { number: 4, slug: 'restart-intensity', title: 'Restart Intensity (max_restarts / max_seconds)' },
  { number: 5, slug: 'restart-values', title: 'Restart Values: :permanent vs :transient vs :temporary' },
  { number: 6, slug: 'auto-shutdown', title: 'Automatic Shutdown for Pipeline Supervisors' },
  { number: 7, slug: 'task-async-await', title: 'Task.async/await for Concurrent Value Computation' },
  { number: 8, slug: 'async-nolink', title: 'Task.Supervisor.async_nolink for Fault-Tolerant Task Execution' },
  { number: 9, slug: 'task-supervisor', title: 'Task Supervisor as DynamicSupervisor Specialization' },
  { number: 10, slug: 'registry', title: 'Registry for Dynamic Process Naming and PubSub' },
  { number: 11, slug: 'shutdown-semantics', title: 'Shutdown Semantics: Graceful Termination' },
  { number: 12, slug: 'dynamic-supervisor-state', title: 'DynamicSupervisor Internal State: Struct with Restart Tracking' },
  { number: 13, slug: 'restart-backoff', title: 'Restart Logic with Exponential Backoff via :try_again' },
  { number: 14, slug: 'process-lineage', title: '$ancestors and $callers: Process Lineage Tracking' },
  { number: 15, slug: 'deferred-reply', title: 'GenServer.reply/2 for Deferred Responses' },
  { number: 16, slug: 'process-alias', title: 'Process.alias for Safe Request/Response' },
  { number: 17, slug: 'registry-partitioning', title: 'Registry Partitioning Strategies' },
  { number: 18, slug: 'init-returns', title: 'init/1 Return Values: The Full Spectrum' },
];

/** `p04-restart-intensity` for pattern 4. */
export function patternId(p: PatternInfo): string {
  return `p${String(p.number).padStart(2, '0')}-${p.slug}`;
}
