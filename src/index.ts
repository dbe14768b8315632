/**
 * beamcheck's public API. Everything a user or a property file may import is listed here
 * explicitly; modules not exported here are internal and may change.
 */

// Terms
export { Pid, Ref, Tuple, Bin, ErlFloat, Improper, TMap, t, bin, isTuple, isTagged, isPid, isRef, isAtom, isList, exception } from './term/Term.js';
export type { Term, TermObject, Atom } from './term/Term.js';
export { equals, compare, sortTerms } from './term/compare.js';
export { format, formatAtom } from './term/format.js';
export type { FormatOptions } from './term/format.js';
export { toJson, fromJson, TermDecodeError } from './term/json.js';
export type { Json } from './term/json.js';
export { phash2 } from './term/phash2.js';

// Processes
export {
  self, spawn, spawnLink, spawnMonitor, send, receive, sleep, link, unlink, monitor, demonitor, exitSignal,
  trapExit, register, unregister, whereis, put, get, erase, getKeys, alias, unalias, sendAfter, startTimer,
  cancelTimer, readTimer, now, makeRef, isAlive, processInfo, label, report, semantics, choose, yieldNow, spawnOpt,
  TIMEOUT,
} from './kernel/api.js';
export type { Timeout, SpawnOptions, ReceiveOptions, MonitorOptions, DemonitorOptions } from './kernel/api.js';
export type { Op, ProcessBody, Matcher, Dest, AliasMode, MonitorAliasMode, ProcessInfoItem } from './kernel/effects.js';
export { match } from './kernel/match.js';
export { exit, raise, erlangError, throwValue, caught, rescued, exitReasonOf, ExitException, ErlangError, ThrownValue } from './kernel/errors.js';
export type { Caught } from './kernel/errors.js';

// Kernel
export { Runtime } from './kernel/Runtime.js';
export type { RuntimeOptions, Verdict, Semantics, Delivery, BlockedProcess, ProcessSnapshot } from './kernel/Runtime.js';
export { run } from './kernel/run.js';
export type { RunResult } from './kernel/run.js';

// Scheduling
export { ChoiceLog, ReplayDivergedError } from './scheduler/ChoiceSource.js';
export type { ChoiceSource, ChoicePoint, ChoiceKind } from './scheduler/ChoiceSource.js';
export { RandomStrategy } from './scheduler/strategies/RandomStrategy.js';
export { ReplayStrategy } from './scheduler/strategies/ReplayStrategy.js';
export { SequenceStrategy } from './scheduler/strategies/SequenceStrategy.js';
export { PctStrategy } from './scheduler/strategies/PctStrategy.js';
export { toJsonLines, eventToJson } from './scheduler/Trace.js';
export type { TraceEvent, TraceKind } from './scheduler/Trace.js';

// OTP behaviours
export * as GenServer from './otp/GenServer.js';
export type { GenServerCallbacks, UseOptions, StartOptions } from './otp/GenServer.js';
export type { From } from './otp/gen.js';
export { ErlModule } from './term/Term.js';
export * as Ets from './kernel/ets.api.js';

// Harness
export type { Target, AnyTarget, Outcome, CheckResult, TargetRuntime } from './harness/Target.js';
export { holds, fails, runProblem } from './harness/Target.js';
export { checkTarget, DEFAULT_SEED, STRATEGIES } from './harness/checkTarget.js';
export type { CheckOptions, TargetReport, Failure, Schedule, StrategyName } from './harness/checkTarget.js';
export { execute } from './harness/execute.js';
export type { Execution, ExecuteOptions } from './harness/execute.js';
export { replayToken, replayRecord } from './harness/replay.js';
export type { Replayed } from './harness/replay.js';
export { encodeToken, decodeToken, TokenError } from './scheduler/ReplayToken.js';
export type { ReplayRecord } from './scheduler/ReplayToken.js';

// Reports
export { renderText, describeEvent } from './report/text.js';
export { pidsOf } from './report/names.js';
export { renderMermaid } from './report/mermaid.js';
export { renderHtml, renderSvg } from './report/html.js';
export type { HtmlReport } from './report/html.js';
export { formatFailure, describeSchedule, replayCommand } from './report/failure.js';
export * as Supervisor from './otp/Supervisor.js';
export * as DynamicSupervisor from './otp/DynamicSupervisor.js';
export * as PartitionSupervisor from './otp/PartitionSupervisor.js';
export * as Task from './otp/Task.js';
export * as TaskSupervisor from './otp/TaskSupervisor.js';
export * as Agent from './otp/Agent.js';
export * as Registry from './otp/Registry.js';
export * as ChildSpec from './otp/childSpec.js';
export { MUTATIONS, mutationInfo } from './otp/mutations.js';
export type { MutationInfo } from './otp/mutations.js';

// Fault schedules
export * as arbitraries from './harness/arbitraries.js';
export type { TreePlan, ChildPlan, TreeOptions, FaultOptions } from './harness/arbitraries.js';
export { injectFaults, reasonTerm, childPid } from './harness/faults.js';
export type { Fault, FaultPlan, ReasonSpec } from './harness/faults.js';
export { workerModule, workerSpec, WorkerWorld } from './harness/worker.js';
export type { WorkerConfig, InitBehaviour } from './harness/worker.js';
export * as traceQuery from './harness/traceQuery.js';
export { assertProperty, replayTarget, PropertyFailure } from './harness/assert.js';
export type { AssertOptions } from './harness/assert.js';
