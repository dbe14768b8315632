/**
 * Facts about the simulated machine that OTP code reads from `System`. One simulated VM has one
 * value for each: `System.schedulers_online()` is 2, like the 2-core machines the reference probes
 * ran on (✔T9i reported 2), so the defaults derived from it (PartitionSupervisor's `:partitions`,
 * `Task.async_stream`'s `:max_concurrency`) agree with what those probes observed.
 */
export const SCHEDULERS_ONLINE = 2;
