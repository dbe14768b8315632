/**
 * Generated cases for differential conformance: command sequences that two drivers run and must
 * observe identically (docs/driver-protocol.md).
 *
 * Only commands whose outcome is certain on a real runtime are generated (docs/driver-protocol.md,
 * "Determinism on a real runtime"): every duration that races a timeout is at least 200 ms away
 * from it (300 ms callbacks against 100 ms or 1,000 ms timeouts; a nested supervisor's shutdown is
 * `infinity`, `brutal_kill` or 5,000 ms, far above its children's terminate times), and restart
 * intensity is never decided by whole-second bucketing:
 *
 * - *long-window* trees (`max_seconds: 30`): every restart of a case counts in one window (cases
 *   take a few seconds at most);
 * - *short-window* trees (`max_seconds: 1`): the commands are fast (no 300 ms callbacks), so two
 *   restarts count together unless an `advance` of 2,500 ms separates them, and then never.
 *
 * Within that, the generator covers the whole protocol: nested trees with every strategy,
 * restart type, shutdown and init behaviour, significant children and auto_shutdown, faults
 * (crash, kill, exit signals) on workers and nested supervisors, calls and casts, the supervisor
 * API on every supervisor of the tree (including start_child of new and duplicate children), a
 * stop and a second start of the root; tasks (linked and nolink, awaits, yields, shutdowns, an
 * owner that traps or not and is replaced); registries (unique and duplicate, partitions).
 */
import fc from 'fast-check';
import type { Json } from '../../term/json.js';
import type { Command } from '../Driver.js';

export type Family = 'supervisor' | 'task' | 'registry';

export interface Case {
  readonly family: Family;
  readonly commands: Command[];
}

const REASONS: Json[] = ['boom', 'normal', 'shutdown', 'kill', 'raise', { shutdown: 'done' }];
const reason = fc.constantFrom(...REASONS);

// ------------------------------------------------------------------------------- trees

interface TreeShape {
  readonly slow: boolean; // long window: 300 ms callbacks allowed
  readonly autoShutdown: boolean; // the drivers support auto_shutdown / significant
}

interface ChildJson {
  readonly id: string;
  readonly type?: 'supervisor';
  readonly tree?: TreeJson;
  readonly [key: string]: unknown;
}

interface TreeJson {
  readonly strategy: string;
  readonly max_restarts: number;
  readonly max_seconds: number;
  readonly auto_shutdown?: string;
  readonly children: ChildJson[];
  readonly [key: string]: unknown;
}

function initBehaviour(shape: TreeShape): fc.Arbitrary<Json> {
  return fc.oneof(
    // Any failing init/1 fails the whole tree's start, so failures are rare per child.
    { weight: 60, arbitrary: fc.constant<Json>('ok') },
    { weight: 2, arbitrary: fc.constant<Json>('ignore') },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }).map((n): Json => ({ fail_first: n })) },
    { weight: 1, arbitrary: fc.constant<Json>('raise') },
    { weight: 1, arbitrary: fc.constantFrom<Json>({ stop: 'boom' }, { stop: 'normal' }, { stop: { shutdown: 'why' } }) },
    { weight: shape.slow ? 2 : 0, arbitrary: fc.constant<Json>({ slow_ms: 300 }) },
  );
}

/** A worker CHILD without its id (ids are assigned once the tree's shape is known). */
function worker(shape: TreeShape, significantAllowed: boolean): fc.Arbitrary<Omit<ChildJson, 'id'>> {
  return fc
    .record({
      restart: fc.constantFrom('permanent', 'transient', 'temporary'),
      shutdown: fc.constantFrom<Json>('brutal_kill', 100, 1000, 'infinity', 5000),
      trap_exit: fc.boolean(),
      terminate_ms: shape.slow ? fc.constantFrom(0, 0, 300) : fc.constant(0),
      init: initBehaviour(shape),
      significant: fc.boolean(),
    })
    .map(({ significant, ...c }) => {
      // significant only where valid (supervision.md rules 70–71): not permanent, and only in a
      // supervisor with auto_shutdown (elsewhere it is rejected at start, tested by its own case).
      const s = significantAllowed && significant && c.restart !== 'permanent';
      return s ? { ...c, significant: true } : c;
    });
}

function treeFlags(shape: TreeShape) {
  return fc.record({
    strategy: fc.constantFrom('one_for_one', 'one_for_all', 'rest_for_one'),
    max_restarts: fc.integer({ min: 0, max: 4 }),
    auto_shutdown: shape.autoShutdown ? fc.constantFrom('never', 'never', 'any_significant', 'all_significant') : fc.constant('never'),
  });
}

/** A tree of depth ≤ `depth`, children ids assigned later. */
function subtree(shape: TreeShape, depth: number, significantAllowed: boolean): fc.Arbitrary<Omit<ChildJson, 'id'>> {
  const nested = treeFlags(shape).chain((flags) =>
    fc
      .record({
        restart: fc.constantFrom('permanent', 'transient', 'temporary'),
        shutdown: fc.constantFrom<Json>('infinity', 'brutal_kill', 5000),
        significant: fc.boolean(),
        children: fc.array(subtree(shape, depth - 1, flags.auto_shutdown !== 'never'), { minLength: 1, maxLength: 3 }),
      })
      .map(({ significant, children, ...c }) => {
        const s = significantAllowed && significant && c.restart !== 'permanent';
        const child: Omit<ChildJson, 'id'> = {
          type: 'supervisor' as const,
          ...c,
          tree: { ...flags, max_seconds: shape.slow ? 30 : 1, children: children as ChildJson[] },
        };
        return s ? { ...child, significant: true } : child;
      }),
  );
  if (depth <= 0) return worker(shape, significantAllowed);
  return fc.oneof({ weight: 4, arbitrary: worker(shape, significantAllowed) }, { weight: 1, arbitrary: nested });
}

/** Child ids `c1`, `c2`, … in depth-first order, unique across the whole tree. */
function numberTree(tree: TreeJson, next: { n: number }): TreeJson {
  return {
    ...tree,
    children: tree.children.map((child) => {
      const id = `c${next.n++}`;
      return child.tree ? { ...child, id, tree: numberTree(child.tree, next) } : { ...child, id };
    }),
  };
}

function rootTree(shape: TreeShape): fc.Arbitrary<TreeJson> {
  return treeFlags(shape).chain((flags) =>
    fc.array(subtree(shape, 2, flags.auto_shutdown !== 'never'), { minLength: 1, maxLength: 4 }).map((children) =>
      numberTree({ ...flags, max_seconds: shape.slow ? 30 : 1, children: children as ChildJson[] }, { n: 1 }),
    ),
  );
}

/** Every child id of a tree and the ids of its nested supervisors. */
function idsOf(tree: TreeJson): { all: string[]; sups: string[] } {
  const all: string[] = [];
  const sups: string[] = [];
  const walk = (t: TreeJson) => {
    for (const c of t.children) {
      all.push(c.id);
      if (c.tree) {
        sups.push(c.id);
        walk(c.tree);
      }
    }
  };
  walk(tree);
  return { all, sups };
}

// ------------------------------------------------------------------------------- supervisor commands

function supervisorOps(tree: TreeJson, shape: TreeShape): fc.Arbitrary<Command> {
  const { all, sups } = idsOf(tree);
  const id = fc.constantFrom(...all);
  const sup = fc.constantFrom('sup', ...sups);
  // A child for start_child: a fresh id, or one that exists (already_present / already_started).
  const newChild = fc
    .record({ fresh: fc.boolean(), existing: id, child: worker(shape, false) })
    .map(({ fresh, existing, child }): Json => ({ id: fresh ? 'n1' : existing, ...child }) as Json);
  const requests = shape.slow ? fc.constantFrom<Json>('ping', { sleep: 300 }, 'stop', 'other') : fc.constantFrom<Json>('ping', 'stop', 'other');
  const casts = shape.slow ? fc.constantFrom<Json>('ping', { sleep: 300 }, 'stop', { stop: 'boom' }, { stop: 'normal' }) : fc.constantFrom<Json>('ping', 'stop', { stop: 'boom' });
  const ops: Array<{ weight: number; arbitrary: fc.Arbitrary<Json> }> = [
    { weight: 5, arbitrary: fc.record({ cmd: fc.constant('crash'), child: id, reason }) },
    { weight: 2, arbitrary: fc.record({ cmd: fc.constant('kill'), child: id }) },
    { weight: 2, arbitrary: fc.record({ cmd: fc.constant('signal'), child: id, reason }) },
    { weight: 2, arbitrary: fc.record({ cmd: fc.constant('call'), child: id, request: requests, timeout: fc.constantFrom<Json>(100, 1000, 'infinity') }) },
    { weight: 1, arbitrary: fc.record({ cmd: fc.constant('cast'), child: id, request: casts }) },
    { weight: 2, arbitrary: fc.record({ cmd: fc.constant('sup_call'), sup, fun: fc.constantFrom('which_children', 'count_children'), args: fc.constant<Json>([]) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        cmd: fc.constant('sup_call'),
        sup,
        fun: fc.constantFrom('terminate_child', 'restart_child', 'delete_child', 'get_childspec'),
        args: id.map((x) => [x]),
      }),
    },
    { weight: 1, arbitrary: fc.record({ cmd: fc.constant('sup_call'), sup, fun: fc.constant('start_child'), args: newChild.map((c) => [c]) }) },
  ];
  // Short windows: restarts either count together (no advance between) or never (2.5 s apart).
  if (!shape.slow) ops.push({ weight: 2, arbitrary: fc.record({ cmd: fc.constant('advance'), ms: fc.constant(2500) }) });
  return fc.oneof(...ops) as unknown as fc.Arbitrary<Command>;
}

export function supervisorCase(capabilities: readonly string[]): fc.Arbitrary<Case> {
  const autoShutdown = capabilities.includes('auto_shutdown');
  return fc
    .record({ slow: fc.boolean(), nested: fc.constant(capabilities.includes('nested_supervisors')) })
    .chain(({ slow, nested }) => {
      const shape: TreeShape = { slow, autoShutdown };
      const tree = rootTree(shape).filter((t) => nested || idsOf(t).sups.length === 0);
      return tree.chain((t) =>
        fc
          .record({
            ops: fc.array(supervisorOps(t, shape), { maxLength: 8 }),
            // Stop the root mid-case, then start it again (incarnations keep counting).
            restartAt: fc.option(fc.nat({ max: 8 }), { freq: 4 }),
            stopReason: fc.constantFrom<Json>('shutdown', 'normal', 'boom', { shutdown: 'done' }),
          })
          .map(({ ops, restartAt, stopReason }): Case => {
            const start = { cmd: 'sup_start', tree: t as unknown as Json } as Command;
            const commands: Command[] = [start];
            ops.forEach((op, i) => {
              if (restartAt === i) commands.push({ cmd: 'sup_stop', reason: stopReason } as Command, start);
              commands.push(op);
            });
            commands.push({ cmd: 'sup_stop', reason: 'shutdown' } as Command);
            return { family: 'supervisor', commands };
          }),
      );
    });
}

// ------------------------------------------------------------------------------- tasks

/** Real-time margin between a task's deadline and anything it could race (docs/driver-protocol.md). */
const MARGIN = 200;

interface PendingTask {
  readonly name: string;
  readonly deadline: number;
  readonly linked: boolean;
  readonly raises: boolean;
  readonly owner: number;
}

/**
 * The task clock as both drivers keep it, to keep generated task commands away from races: a
 * task's wake-up that lands just before the end of a command's wait (its timeout, or the awaited
 * task's reply) could beat it or not on a real runtime. Tracks which tasks are still asleep and
 * whether the owner is alive (a linked task that raises kills an owner that does not trap).
 */
class TaskClock {
  now = 0;
  private pending: PendingTask[] = [];
  owner = 0;
  ownerAlive = true;
  trap: boolean;
  private names = new Set<string>();

  constructor(trap: boolean) {
    this.trap = trap;
  }

  newOwner(trap: boolean): void {
    // The old owner is killed: its linked tasks die with it; nolink tasks sleep on.
    this.pending = this.pending.filter((t) => !t.linked || t.owner !== this.owner);
    this.owner++;
    this.ownerAlive = true;
    this.trap = trap;
    this.names = new Set();
  }

  known(name: string): boolean {
    return this.names.has(name);
  }

  /** False when the task would wake too close to another one. */
  start(name: string, ms: number, linked: boolean, raises: boolean): boolean {
    if (this.names.has(name)) return false;
    if (!this.ownerAlive) return true; // answered owner_exit: nothing starts
    const deadline = this.now + ms;
    if (ms > 0 && this.pending.some((t) => Math.abs(t.deadline - deadline) < MARGIN)) return false;
    this.names.add(name);
    const task = { name, deadline, linked, raises, owner: this.owner };
    if (ms === 0) this.wake([task]);
    else this.pending.push(task);
    return true;
  }

  /** A wait of at most `timeout` for task `name` (await/yield); false if it would race. */
  wait(name: string, timeout: number): boolean {
    if (!this.ownerAlive || timeout === 0) return true; // no clock movement
    const target = this.pending.find((t) => t.name === name && t.owner === this.owner);
    const limit = this.now + timeout;
    const end = target && target.deadline <= limit ? target.deadline : limit;
    const others = this.pending.filter((t) => t !== target);
    if (target && Math.abs(target.deadline - limit) < MARGIN) return false;
    if (target && end === target.deadline && others.some((t) => t.deadline > end && t.deadline < end + MARGIN)) return false;
    if (others.some((t) => t.deadline <= end && t.deadline > end - MARGIN)) return false;
    this.runTo(end, end === limit ? undefined : target);
    return true;
  }

  advance(ms: number): void {
    this.runTo(this.now + ms);
  }

  shutdown(name: string): void {
    this.pending = this.pending.filter((t) => !(t.name === name && t.owner === this.owner));
  }

  /** Wakes, in deadline order, every task due by `end`; stops early if the owner dies waiting. */
  private runTo(end: number, awaited?: PendingTask): void {
    const due = this.pending.filter((t) => t.deadline <= end).sort((a, b) => a.deadline - b.deadline);
    for (const t of due) {
      if (!this.pending.includes(t)) continue; // died with its owner
      const ownerDied = this.wake([t]);
      if (ownerDied && awaited) {
        this.now = t.deadline;
        return;
      }
    }
    this.now = Math.max(this.now, end);
  }

  /** Wakes tasks; true if that killed the owner (and its other linked tasks). */
  private wake(tasks: PendingTask[]): boolean {
    let died = false;
    for (const t of tasks) {
      this.pending = this.pending.filter((p) => p !== t);
      if (t.linked && t.raises && t.owner === this.owner && this.ownerAlive && !this.trap) {
        this.ownerAlive = false;
        this.pending = this.pending.filter((p) => !(p.linked && p.owner === this.owner));
        died = true;
      }
    }
    return died;
  }
}

export function taskCase(): fc.Arbitrary<Case> {
  const name = fc.constantFrom('t1', 't2');
  const result = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom<Json>('done', { bin: 'text' }, { tuple: ['ok', 1] }));
  const op = fc.oneof(
    { weight: 4, arbitrary: fc.record({ cmd: fc.constant('task_async'), name, ms: fc.constantFrom(0, 300, 700), result, raise: fc.boolean(), nolink: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ cmd: fc.constant('task_await'), name, timeout: fc.constantFrom(100, 1000) }) },
    { weight: 2, arbitrary: fc.record({ cmd: fc.constant('task_yield'), name, timeout: fc.constantFrom(0, 100, 1000) }) },
    { weight: 1, arbitrary: fc.record({ cmd: fc.constant('task_shutdown'), name, mode: fc.constantFrom<Json>('brutal_kill', 1000) }) },
    { weight: 1, arbitrary: fc.record({ cmd: fc.constant('advance'), ms: fc.constantFrom(150, 500) }) },
    { weight: 1, arbitrary: fc.record({ cmd: fc.constant('task_owner_mailbox') }) },
    { weight: 1, arbitrary: fc.record({ cmd: fc.constant('task_owner'), trap_exit: fc.boolean() }) },
  ) as unknown as fc.Arbitrary<Command>;
  return fc.record({ trap: fc.boolean(), ops: fc.array(op, { maxLength: 12 }) }).map(({ trap, ops }) => {
    // Only commands about tasks the current owner started, each name once per owner, and none
    // that would race on the task clock.
    const clock = new TaskClock(trap);
    const valid: Command[] = [];
    for (const o of ops) {
      const n = o['name'] as string | undefined;
      let keep = true;
      if (o.cmd === 'task_owner') clock.newOwner(o['trap_exit'] === true);
      else if (o.cmd === 'advance') clock.advance(o['ms'] as number);
      else if (o.cmd === 'task_async') keep = clock.start(n!, o['ms'] as number, o['nolink'] !== true, o['raise'] === true);
      else if (n !== undefined && !clock.known(n)) keep = false;
      else if (o.cmd === 'task_await' || o.cmd === 'task_yield') keep = clock.wait(n!, o['timeout'] as number);
      else if (o.cmd === 'task_shutdown') clock.shutdown(n!);
      if (keep) valid.push(o);
    }
    return { family: 'task', commands: [{ cmd: 'task_owner', trap_exit: trap } as Command, ...valid, { cmd: 'task_owner_mailbox' } as Command] };
  });
}

// ------------------------------------------------------------------------------- registry

export function registryCase(): fc.Arbitrary<Case> {
  const proc = fc.constantFrom('p1', 'p2', 'p3');
  const key = fc.constantFrom<Json>('k1', 'k2', { tuple: ['k', 3] }, { bin: 'k4' });
  const value = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom<Json>('v', { bin: 'v' }, { tuple: [1, 2] }));
  return fc.record({ keys: fc.constantFrom('unique', 'duplicate'), partitions: fc.integer({ min: 1, max: 3 }) }).chain(({ keys, partitions }) => {
    const ops: Array<fc.Arbitrary<Command>> = [
      fc.record({ cmd: fc.constant('reg_register'), proc, key, value }) as unknown as fc.Arbitrary<Command>,
      fc.record({ cmd: fc.constant('reg_register'), proc, key, value }) as unknown as fc.Arbitrary<Command>,
      fc.record({ cmd: fc.constant('reg_unregister'), proc, key }) as unknown as fc.Arbitrary<Command>,
      fc.record({ cmd: fc.constant('reg_kill'), proc }) as unknown as fc.Arbitrary<Command>,
      fc.record({ cmd: fc.constant('reg_lookup'), key }) as unknown as fc.Arbitrary<Command>,
      fc.record({ cmd: fc.constant('reg_keys'), proc }) as unknown as fc.Arbitrary<Command>,
      fc.record({ cmd: fc.constant('reg_count') }) as unknown as fc.Arbitrary<Command>,
    ];
    if (keys === 'unique') ops.push(fc.record({ cmd: fc.constant('reg_whereis'), key }) as unknown as fc.Arbitrary<Command>);
    return fc.array(fc.oneof(...ops), { maxLength: 10 }).map((list): Case => ({
      family: 'registry',
      commands: [{ cmd: 'reg_start', keys, partitions } as Command, ...list],
    }));
  });
}

/** Cases for every family both drivers support. */
export function caseArbitrary(capabilities: readonly string[]): fc.Arbitrary<Case> {
  const families: Array<{ weight: number; arbitrary: fc.Arbitrary<Case> }> = [];
  if (capabilities.includes('supervisor')) families.push({ weight: 3, arbitrary: supervisorCase(capabilities) });
  if (capabilities.includes('task')) families.push({ weight: 1, arbitrary: taskCase() });
  if (capabilities.includes('registry')) families.push({ weight: 1, arbitrary: registryCase() });
  if (families.length === 0) throw new Error('the drivers share no capability to compare');
  return fc.oneof(...families);
}
