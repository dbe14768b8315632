/**
 * The program behind the supervision-tree properties: start a generated tree of workers under a
 * static supervisor, run a generated fault plan against it, and stop it at the horizon. Reads only
 * the public API.
 */
import fc from 'fast-check';
import {
  Pid,
  Supervisor,
  TIMEOUT,
  WorkerWorld,
  arbitraries,
  exitSignal,
  injectFaults,
  isTagged,
  match,
  receive,
  report,
  spawn,
  trapExit,
  workerModule,
  workerSpec,
  type Fault,
  type Op,
  type ProcessBody,
  type Term,
  type TermObject,
  type TraceEvent,
  type TreeOptions,
  type TreePlan,
} from '../../src/index.js';

export interface TreeCase {
  readonly tree: TreePlan;
  readonly faults: Fault[];
}

/** Virtual time after which a still-running supervisor is stopped. */
export const HORIZON_MS = 15_000;

/** The child spec maps of a plan, with workers from `world`. */
export function childSpecs(world: WorkerWorld, tree: TreePlan): TermObject[] {
  const mod = workerModule(world);
  return tree.children.map((c) =>
    workerSpec(
      mod,
      { id: c.id, trapExit: c.trapExit, init: c.init, terminateMs: c.terminateMs },
      { restart: c.restart, shutdown: c.shutdown as Term, ...(c.significant ? { significant: true } : {}) },
    ),
  );
}

export function treeProgram(c: TreeCase, horizon = HORIZON_MS): ProcessBody {
  return function* (): Op<void> {
    yield* trapExit(true);
    const world = new WorkerWorld();
    const opts: Record<string, Term> = { strategy: c.tree.strategy, maxRestarts: c.tree.maxRestarts, maxSeconds: c.tree.maxSeconds };
    if (c.tree.autoShutdown !== 'never') opts['autoShutdown'] = c.tree.autoShutdown;
    const result = yield* Supervisor.startLink(childSpecs(world, c.tree), opts);
    yield* report('case.start', { result });
    if (!isTagged(result, 'ok', 2)) return;
    const sup = result[1] as Pid;
    yield* spawn(() => injectFaults(sup, c.faults), { label: 'injector' });
    const ended = yield* receive(match.exit(sup), { after: horizon });
    if (ended === TIMEOUT) {
      yield* Supervisor.stop(sup, 'shutdown');
      yield* receive(match.exit(sup));
    }
    // Nothing of the case outlives it.
    yield* exitSignal(sup, 'kill');
  };
}

/** A tree case arbitrary: a tree and a plan of faults against its children. */
export function treeCase(tree: TreeOptions, faults: Parameters<typeof arbitraries.faultPlan>[1] = {}): fc.Arbitrary<TreeCase> {
  return arbitraries.tree(tree).chain((plan) =>
    arbitraries.faultPlan(plan.children.map((c) => c.id), faults).map((f) => ({ tree: plan, faults: f })),
  );
}

/** The supervisor's pid (from the case's start report), and the root's. */
export function supervisorOf(trace: readonly TraceEvent[]): { sup: Pid; root: Pid } | undefined {
  for (const e of trace) {
    if (e.k === 'report' && e.name === 'case.start') {
      const result = (e.data as TermObject)['result'];
      if (isTagged(result, 'ok', 2) && result[1] instanceof Pid) return { sup: result[1], root: e.pid };
      return undefined;
    }
  }
  return undefined;
}
