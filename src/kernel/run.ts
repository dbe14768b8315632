/**
 * `run(main, options)`: the one-call way to execute a program in the simulator. Creates a Runtime,
 * spawns `main` as the root process, runs until nothing can happen, and returns the verdict with
 * the trace and the recorded choice log (the schedule).
 */
import type { ChoiceLog } from '../scheduler/ChoiceSource.js';
import type { TraceEvent } from '../scheduler/Trace.js';
import type { Pid, Term } from '../term/Term.js';
import type { ProcessBody } from './effects.js';
import { Runtime, type RuntimeOptions, type Verdict } from './Runtime.js';

export interface RunResult {
  readonly verdict: Verdict;
  readonly trace: readonly TraceEvent[];
  /** The schedule: every real choice made, replayable with ReplayStrategy. */
  readonly choices: ChoiceLog;
  readonly steps: number;
  /** Virtual time at the end of the run (ms). */
  readonly time: number;
  readonly rootPid: Pid;
  /** The root process's exit reason, or `undefined` if it is still alive. */
  readonly rootExit: Term | undefined;
  /** The runtime, for inspecting processes after the run. */
  readonly runtime: Runtime;
}

export function run(main: ProcessBody, options: RuntimeOptions = {}): RunResult {
  const runtime = new Runtime(options);
  const rootPid = runtime.spawnRoot(main, 'main');
  const verdict = runtime.runUntilQuiet();
  const root = runtime.inspect(rootPid)!;
  return {
    verdict,
    trace: runtime.trace,
    choices: runtime.choices,
    steps: runtime.steps,
    time: runtime.now,
    rootPid,
    rootExit: root.alive ? undefined : root.exitReason,
    runtime,
  };
}
