/**
 * Mailbox queues measured from a run's trace, for cost claims about a process that serves
 * requests one at a time (a supervisor under a burst of `start_child` calls).
 *
 * A request is *queued* from its `deliver` event (it entered the server's mailbox) to its
 * `receive` event (the server took it). From those two events per request this module computes,
 * per server, the peak number of queued requests, and per request how many other requests the
 * server took while it waited — its place in the queue. Pure functions over the trace: the
 * runtime is never consulted, so the numbers are exact for every schedule.
 */
import { Pid, equals, type Term, type TraceEvent } from '../../src/index.js';

export interface QueueStats {
  readonly server: Pid;
  /** Requests the server took. */
  readonly served: number;
  /** Most requests in its mailbox at once. */
  readonly peak: number;
  /** For each request, in the order taken: who sent it and how many requests were taken while it waited. */
  readonly waits: ReadonlyArray<{ readonly from: Pid; readonly servedBefore: number }>;
}

/** Queue statistics of every process that received a request matching `isRequest`. */
export function queueStats(trace: readonly TraceEvent[], isRequest: (msg: Term) => boolean): QueueStats[] {
  const byServer = new Map<number, { server: Pid; queued: Array<{ msg: Term; from: Pid; servedAtArrival: number }>; served: number; peak: number; waits: Array<{ from: Pid; servedBefore: number }> }>();
  const stateOf = (pid: Pid) => {
    let s = byServer.get(pid.id);
    if (!s) byServer.set(pid.id, (s = { server: pid, queued: [], served: 0, peak: 0, waits: [] }));
    return s;
  };
  for (const e of trace) {
    if (e.k === 'deliver' && isRequest(e.msg)) {
      const s = stateOf(e.to);
      s.queued.push({ msg: e.msg, from: e.from, servedAtArrival: s.served });
      s.peak = Math.max(s.peak, s.queued.length);
    } else if (e.k === 'receive' && isRequest(e.msg)) {
      const s = stateOf(e.pid);
      const at = s.queued.findIndex((q) => equals(q.msg, e.msg));
      if (at < 0) continue;
      const [q] = s.queued.splice(at, 1);
      s.waits.push({ from: q!.from, servedBefore: s.served - q!.servedAtArrival });
      s.served++;
    }
  }
  return [...byServer.values()].map((s) => ({ server: s.server, served: s.served, peak: s.peak, waits: s.waits }));
}

/** Most requests outstanding at once across all servers (what a single server would have queued). */
export function peakOutstanding(trace: readonly TraceEvent[], isRequest: (msg: Term) => boolean): number {
  let now = 0;
  let peak = 0;
  for (const e of trace) {
    if (e.k === 'deliver' && isRequest(e.msg)) peak = Math.max(peak, ++now);
    else if (e.k === 'receive' && isRequest(e.msg)) now--;
  }
  return peak;
}
