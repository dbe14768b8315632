/**
 * fast-check arbitraries for fault schedules: supervision trees, workloads and fault plans. All of
 * them generate JSON, so generated cases travel inside replay tokens, and all of them shrink toward
 * smaller trees, fewer faults and simpler reasons.
 */
import fc from 'fast-check';
import type { Fault, ReasonSpec } from './faults.js';
import type { InitBehaviour } from './worker.js';

export type RestartType = 'permanent' | 'transient' | 'temporary';
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';
export type ShutdownValue = 'brutal_kill' | 'infinity' | number;
export type AutoShutdown = 'never' | 'any_significant' | 'all_significant';

/** One child of a generated tree: a worker (src/harness/worker.ts) with its spec fields. */
export interface ChildPlan {
  readonly id: string;
  readonly restart: RestartType;
  readonly shutdown: ShutdownValue;
  readonly significant: boolean;
  readonly trapExit: boolean;
  readonly terminateMs: number;
  readonly init: InitBehaviour;
}

export interface TreePlan {
  readonly strategy: Strategy;
  readonly maxRestarts: number;
  readonly maxSeconds: number;
  readonly autoShutdown: AutoShutdown;
  readonly children: readonly ChildPlan[];
}

export const restartType: fc.Arbitrary<RestartType> = fc.constantFrom('permanent', 'transient', 'temporary');
export const strategy: fc.Arbitrary<Strategy> = fc.constantFrom('one_for_one', 'one_for_all', 'rest_for_one');
export const shutdownValue: fc.Arbitrary<ShutdownValue> = fc.oneof(
  fc.constant<ShutdownValue>(5000),
  fc.constant<ShutdownValue>('brutal_kill'),
  fc.constant<ShutdownValue>('infinity'),
  fc.integer({ min: 0, max: 300 }),
);

/** Exit reasons, simplest first: `:normal`, `:shutdown`, `{:shutdown, x}`, `:kill`, a crash. */
export const reason: fc.Arbitrary<ReasonSpec> = fc.oneof(
  fc.constant<ReasonSpec>('boom'),
  fc.constant<ReasonSpec>('normal'),
  fc.constant<ReasonSpec>('shutdown'),
  fc.constant<ReasonSpec>({ shutdown: 'done' }),
  fc.constant<ReasonSpec>('kill'),
  fc.constant<ReasonSpec>('raise'),
);

export const initBehaviour: fc.Arbitrary<InitBehaviour> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<InitBehaviour>('ok') },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 4 }).map((n): InitBehaviour => ({ failFirst: n })) },
  { weight: 1, arbitrary: fc.constant<InitBehaviour>('ignore') },
);

export interface TreeOptions {
  readonly maxChildren?: number;
  readonly strategies?: readonly Strategy[];
  readonly autoShutdown?: readonly AutoShutdown[];
  /** Generate start failures (`failFirst`, `ignore`) in child inits (default true). */
  readonly startFailures?: boolean;
  /** Generate slow terminate/2 callbacks (default true). */
  readonly slowTerminate?: boolean;
}

function childPlan(id: string, options: TreeOptions, auto: AutoShutdown): fc.Arbitrary<ChildPlan> {
  return fc
    .record({
      restart: restartType,
      shutdown: shutdownValue,
      significant: fc.boolean(),
      trapExit: fc.boolean(),
      terminateMs: options.slowTerminate === false ? fc.constant(0) : fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 400 })),
      init: options.startFailures === false ? fc.constant<InitBehaviour>('ok') : initBehaviour,
    })
    .map((c) => ({
      id,
      ...c,
      // significant is only valid for non-permanent children under auto_shutdown (rules 70–71).
      significant: c.significant && auto !== 'never' && c.restart !== 'permanent',
    }));
}

/** A supervision tree of workers `c1..cn` (ids in start order). */
export function tree(options: TreeOptions = {}): fc.Arbitrary<TreePlan> {
  const strategies = options.strategies ?? ['one_for_one', 'one_for_all', 'rest_for_one'];
  const autos = options.autoShutdown ?? ['never'];
  return fc
    .record({
      strategy: fc.constantFrom(...strategies),
      maxRestarts: fc.integer({ min: 0, max: 5 }),
      maxSeconds: fc.integer({ min: 1, max: 5 }),
      autoShutdown: fc.constantFrom(...autos),
      size: fc.integer({ min: 1, max: options.maxChildren ?? 4 }),
    })
    .chain((t) =>
      fc
        .tuple(...Array.from({ length: t.size }, (_, i) => childPlan(`c${i + 1}`, options, t.autoShutdown)))
        .map((children) => ({ strategy: t.strategy, maxRestarts: t.maxRestarts, maxSeconds: t.maxSeconds, autoShutdown: t.autoShutdown, children })),
    );
}

export interface FaultOptions {
  /** Virtual-time horizon for fault times (ms, default 10,000). */
  readonly horizon?: number;
  readonly maxFaults?: number;
  readonly kinds?: ReadonlyArray<Fault['kind']>;
}

/** A fault plan against the children `ids`. */
export function faultPlan(ids: readonly string[], options: FaultOptions = {}): fc.Arbitrary<Fault[]> {
  const at = fc.integer({ min: 0, max: options.horizon ?? 10_000 });
  const child = fc.constantFrom(...ids);
  const kinds = new Set(options.kinds ?? ['crash', 'kill', 'signal', 'terminate_child', 'restart_child', 'slow_call']);
  const arbs: Array<fc.Arbitrary<Fault>> = [];
  if (kinds.has('crash')) arbs.push(fc.record({ at, kind: fc.constant('crash' as const), child, reason }));
  if (kinds.has('kill')) arbs.push(fc.record({ at, kind: fc.constant('kill' as const), child }));
  if (kinds.has('signal')) arbs.push(fc.record({ at, kind: fc.constant('signal' as const), child, reason }));
  if (kinds.has('terminate_child')) arbs.push(fc.record({ at, kind: fc.constant('terminate_child' as const), child }));
  if (kinds.has('restart_child')) arbs.push(fc.record({ at, kind: fc.constant('restart_child' as const), child }));
  if (kinds.has('slow_call')) {
    arbs.push(fc.record({ at, kind: fc.constant('slow_call' as const), child, sleepMs: fc.integer({ min: 0, max: 2000 }), timeout: fc.integer({ min: 0, max: 1000 }) }));
  }
  if (kinds.has('stop_supervisor')) arbs.push(fc.record({ at, kind: fc.constant('stop_supervisor' as const) }));
  return fc.array(fc.oneof(...arbs), { maxLength: options.maxFaults ?? 6 });
}
