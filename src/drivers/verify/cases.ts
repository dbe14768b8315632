/**
 * Generated cases for differential conformance: command sequences that two drivers run and must
 * observe identically (docs/driver-protocol.md).
 *
 * Only commands whose outcome is certain on a real runtime are generated (oracle-notes.md, "Making
 * outcomes deterministic"): durations are far from every timeout (a 300 ms callback against 100 ms
 * or 1,000 ms timeouts, a 300 ms terminate/2 against 100 ms or 1,000 ms shutdowns), and every
 * restart of a case falls well inside its intensity window (max_seconds 10, cases take a few
 * seconds), so whole-second bucketing never decides an outcome.
 */
import fc from 'fast-check';
import type { Command } from '../Driver.js';

export type Family = 'supervisor' | 'task' | 'registry';

export interface Case {
  readonly family: Family;
  readonly commands: Command[];
}

const reason = fc.constantFrom('boom', 'normal', 'shutdown', 'kill', 'raise', { shutdown: 'done' });

function child(id: string, autoShutdown: boolean) {
  return fc
    .record({
      restart: fc.constantFrom('permanent', 'transient', 'temporary'),
      shutdown: fc.constantFrom<string | number>('brutal_kill', 100, 1000, 'infinity', 5000),
      trap_exit: fc.boolean(),
      terminate_ms: fc.constantFrom(0, 0, 300),
      init: fc.oneof({ weight: 10, arbitrary: fc.constant<unknown>('ok') }, { weight: 1, arbitrary: fc.constant<unknown>('ignore') }, {
        weight: 1,
        arbitrary: fc.integer({ min: 1, max: 2 }).map((n) => ({ fail_first: n })),
      }),
      significant: fc.boolean(),
    })
    .map((c) => ({
      id,
      ...c,
      // significant only where valid (supervision.md rules 70–71).
      significant: autoShutdown && c.significant && c.restart !== 'permanent',
    }));
}

function tree(autoShutdown: boolean) {
  return fc
    .record({
      strategy: fc.constantFrom('one_for_one', 'one_for_all', 'rest_for_one'),
      max_restarts: fc.integer({ min: 0, max: 4 }),
      max_seconds: fc.constant(10),
      auto_shutdown: autoShutdown ? fc.constantFrom('never', 'any_significant', 'all_significant') : fc.constant('never'),
      size: fc.integer({ min: 1, max: 4 }),
    })
    .chain((t) =>
      fc.tuple(...Array.from({ length: t.size }, (_, i) => child(`c${i + 1}`, t.auto_shutdown !== 'never'))).map((children) => ({
        strategy: t.strategy,
        max_restarts: t.max_restarts,
        max_seconds: t.max_seconds,
        auto_shutdown: t.auto_shutdown,
        children,
      })),
    );
}

function supervisorOps(ids: readonly string[]): fc.Arbitrary<Command> {
  const id = fc.constantFrom(...ids);
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ cmd: fc.constant('crash'), child: id, reason }) },
    { weight: 2, arbitrary: fc.record({ cmd: fc.constant('kill'), child: id }) },
    { weight: 1, arbitrary: fc.record({ cmd: fc.constant('signal'), child: id, reason }) },
    { weight: 2, arbitrary: fc.record({ cmd: fc.constant('sup_call'), fun: fc.constantFrom('which_children', 'count_children'), args: fc.constant([]) }) },
    { weight: 2, arbitrary: fc.record({ cmd: fc.constant('sup_call'), fun: fc.constantFrom('terminate_child', 'restart_child', 'delete_child'), args: id.map((x) => [x]) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        cmd: fc.constant('call'),
        child: id,
        request: fc.constantFrom<unknown>('ping', { sleep: 300 }),
        timeout: fc.constantFrom(100, 1000),
      }),
    },
  ) as fc.Arbitrary<Command>;
}

export function supervisorCase(capabilities: readonly string[]): fc.Arbitrary<Case> {
  return tree(capabilities.includes('auto_shutdown')).chain((t) =>
    fc.array(supervisorOps(t.children.map((c) => c.id)), { maxLength: 6 }).map(
      (ops): Case => ({
        family: 'supervisor',
        commands: [{ cmd: 'sup_start', tree: t } as Command, ...ops, { cmd: 'sup_stop', reason: 'shutdown' } as Command],
      }),
    ),
  );
}

export function taskCase(): fc.Arbitrary<Case> {
  const name = fc.constantFrom('t1', 't2', 't3');
  const op = fc.oneof(
    { weight: 3, arbitrary: fc.record({ cmd: fc.constant('task_async'), name, ms: fc.constantFrom(0, 300), result: fc.integer({ min: 0, max: 9 }), raise: fc.boolean(), nolink: fc.boolean() }) },
    { weight: 2, arbitrary: fc.record({ cmd: fc.constant('task_await'), name, timeout: fc.constantFrom(100, 1000) }) },
    { weight: 2, arbitrary: fc.record({ cmd: fc.constant('task_yield'), name, timeout: fc.constantFrom(100, 1000) }) },
    { weight: 1, arbitrary: fc.record({ cmd: fc.constant('task_shutdown'), name, mode: fc.constantFrom<unknown>('brutal_kill', 1000) }) },
    { weight: 1, arbitrary: fc.record({ cmd: fc.constant('advance'), ms: fc.constant(500) }) },
    { weight: 1, arbitrary: fc.record({ cmd: fc.constant('task_owner_mailbox') }) },
  ) as fc.Arbitrary<Command>;
  return fc.record({ trap: fc.boolean(), ops: fc.array(op, { maxLength: 6 }) }).map(({ trap, ops }) => {
    // Only commands about tasks that exist; each name is started once.
    const started = new Set<string>();
    const valid: Command[] = [];
    for (const o of ops) {
      const n = o['name'] as string | undefined;
      if (o.cmd === 'task_async') {
        if (started.has(n!)) continue;
        started.add(n!);
      } else if (n !== undefined && !started.has(n)) continue;
      valid.push(o);
    }
    return { family: 'task', commands: [{ cmd: 'task_owner', trap_exit: trap } as Command, ...valid, { cmd: 'task_owner_mailbox' } as Command] };
  });
}

export function registryCase(): fc.Arbitrary<Case> {
  const proc = fc.constantFrom('p1', 'p2', 'p3');
  const key = fc.constantFrom('k1', 'k2', 'k3');
  return fc.record({ keys: fc.constantFrom('unique', 'duplicate'), partitions: fc.integer({ min: 1, max: 3 }) }).chain(({ keys, partitions }) => {
    const ops: Array<fc.Arbitrary<Command>> = [
      fc.record({ cmd: fc.constant('reg_register'), proc, key, value: fc.integer({ min: 0, max: 3 }) }) as fc.Arbitrary<Command>,
      fc.record({ cmd: fc.constant('reg_unregister'), proc, key }) as fc.Arbitrary<Command>,
      fc.record({ cmd: fc.constant('reg_kill'), proc }) as fc.Arbitrary<Command>,
      fc.record({ cmd: fc.constant('reg_lookup'), key }) as fc.Arbitrary<Command>,
      fc.record({ cmd: fc.constant('reg_keys'), proc }) as fc.Arbitrary<Command>,
      fc.record({ cmd: fc.constant('reg_count') }) as fc.Arbitrary<Command>,
    ];
    if (keys === 'unique') ops.push(fc.record({ cmd: fc.constant('reg_whereis'), key }) as fc.Arbitrary<Command>);
    return fc.array(fc.oneof(...ops), { maxLength: 8 }).map((list): Case => ({
      family: 'registry',
      commands: [{ cmd: 'reg_start', keys, partitions } as Command, ...list],
    }));
  });
}

/** Cases for every family both drivers support. */
export function caseArbitrary(capabilities: readonly string[]): fc.Arbitrary<Case> {
  const families: Array<fc.Arbitrary<Case>> = [];
  if (capabilities.includes('supervisor')) families.push(supervisorCase(capabilities));
  if (capabilities.includes('task')) families.push(taskCase());
  if (capabilities.includes('registry')) families.push(registryCase());
  if (families.length === 0) throw new Error('the drivers share no capability to compare');
  return fc.oneof(...families);
}
