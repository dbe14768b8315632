/**
 * Protocol scripts with their expected canonical answers (docs/driver-protocol.md), shared by the
 * tests of every driver: the real-OTP driver (elixirDriver.test.ts) and the simulated one
 * (simDriver.test.ts) must both give exactly these answers.
 *
 * The expected responses were produced by real OTP, identical on OTP 25 and OTP 27 (the first five
 * scripts in 20 of 20 fresh runs with two CPU hogs, the last two in 11 of 11, 8 of them with two
 * CPU hogs): they are facts about OTP, in canonical form. Timing-dependent steps keep their margins
 * at 200 ms or more.
 */
import { expect } from 'vitest';
import { CAPABILITIES as SIM_CAPABILITIES } from '../../src/drivers/SimDriver.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Request = { cmd: string } & { [key: string]: Json };
export interface Expected {
  result: Json;
  events: Json[];
}
export type Step = [Request, Expected];

// ------------------------------------------------------------------------------- term helpers

export const pid = (name: string): Json => ({ pid: name });
export const tuple = (...items: Json[]): Json => ({ tuple: items });
/** `{%RuntimeError{message: m}, stacktrace}` in canonical form. */
export const raised = (message: string): Json =>
  tuple({ map: [['__struct__', 'Elixir.RuntimeError'], ['message', { bin: message }]] }, []);
export const WORKER = 'Elixir.Beamcheck.Worker';
export const taskStruct = (name: string): Json => ({
  map: [
    ['__struct__', 'Elixir.Task'],
    ['mfa', tuple('erlang', 'apply', 2)],
    ['owner', pid('task_owner')],
    ['pid', pid(`task:${name}`)],
    ['ref', { ref: '?' }],
  ],
});

export function worker(id: string, fields: { [key: string]: Json } = {}): { [key: string]: Json } {
  return { id, restart: 'permanent', shutdown: 500, trap_exit: false, terminate_ms: 0, init: 'ok', ...fields };
}

export function tree(children: Json[], fields: { [key: string]: Json } = {}): { [key: string]: Json } {
  return { strategy: 'one_for_one', max_restarts: 3, max_seconds: 5, children, ...fields };
}

export const ok = (result: Json = 'ok', events: Json[] = []): Expected => ({ result, events });

// ------------------------------------------------------------------------------- cases (facts about OTP)

export const SUPERVISION: readonly Step[] = [
  [
    {
      cmd: 'sup_start',
      tree: tree(
        [
          worker('c1', { trap_exit: true, terminate_ms: 20 }),
          worker('c2', { restart: 'transient' }),
          {
            id: 'inner',
            type: 'supervisor',
            restart: 'permanent',
            shutdown: 'infinity',
            tree: tree([worker('c4', { trap_exit: true }), worker('c5'), worker('c6', { init: 'ignore' })]),
          },
        ],
        { strategy: 'rest_for_one', max_restarts: 5, max_seconds: 10 },
      ),
    },
    ok(tuple('ok', pid('sup')), [['start', 'c1', 1], ['start', 'c2', 1], ['start', 'c4', 1], ['start', 'c5', 1], ['start_failed', 'c6', 1, 'ignore']]),
  ],
  // rest_for_one: c1 and everything after it, in reverse (inner shuts its own children down first).
  [
    { cmd: 'crash', child: 'c1', reason: 'boom' },
    ok('ok', [
      ['terminate', 'c1', 1, 'boom'], ['exit', 'c1', 1, 'boom'], ['report', 'child_terminated', 'c1', 'boom'],
      ['exit', 'c5', 1, 'shutdown'], ['terminate', 'c4', 1, 'shutdown'], ['exit', 'c4', 1, 'shutdown'],
      ['sup_exit', 'sup:inner', 'shutdown'], ['exit', 'c2', 1, 'shutdown'],
      ['start', 'c1', 2], ['start', 'c2', 2], ['start', 'c4', 2], ['start', 'c5', 2], ['start_failed', 'c6', 2, 'ignore'],
    ]),
  ],
  [{ cmd: 'kill', child: 'c4' }, ok('ok', [['exit', 'c4', 2, 'killed'], ['report', 'child_terminated', 'c4', 'killed'], ['start', 'c4', 3]])],
  [{ cmd: 'signal', child: 'c5', reason: 'shutdown' }, ok('ok', [['exit', 'c5', 2, 'shutdown'], ['report', 'child_terminated', 'c5', 'shutdown'], ['start', 'c5', 3]])],
  // A trapping worker turns the signal into a message and ignores it.
  [{ cmd: 'signal', child: 'c4', reason: 'normal' }, ok()],
  [{ cmd: 'call', child: 'c1', request: 'ping', timeout: 1000 }, ok({ reply: 'pong' })],
  [
    { cmd: 'call', child: 'c1', request: { sleep: 300 }, timeout: 100 },
    ok({ exit: tuple('timeout', tuple('Elixir.GenServer', 'call', [pid('c1#2'), tuple('sleep', 300), 100])) }),
  ],
  // transient + :normal: not restarted, no report.
  [{ cmd: 'call', child: 'c2', request: 'stop', timeout: 1000 }, ok({ reply: 'ok' }, [['terminate', 'c2', 2, 'normal'], ['exit', 'c2', 2, 'normal']])],
  [{ cmd: 'crash', child: 'c2', reason: { shutdown: 'bye' } }, ok('not_running')],
  [
    { cmd: 'sup_call', sup: 'sup', fun: 'which_children', args: [] },
    ok([
      tuple('inner', pid('sup:inner'), 'supervisor', ['Elixir.Beamcheck.Supervisor']),
      tuple('c2', 'undefined', 'worker', [WORKER]),
      tuple('c1', pid('c1#2'), 'worker', [WORKER]),
    ]),
  ],
  [{ cmd: 'sup_call', sup: 'inner', fun: 'count_children', args: [] }, ok({ map: [['active', 2], ['specs', 3], ['supervisors', 0], ['workers', 3]] })],
  [{ cmd: 'sup_call', sup: 'sup', fun: 'restart_child', args: ['c2'] }, ok(tuple('ok', pid('c2#3')), [['start', 'c2', 3]])],
  // An API start that fails: {:error, {reason, child_record}}, no start_error report.
  [
    { cmd: 'sup_call', sup: 'inner', fun: 'start_child', args: [worker('c7', { restart: 'temporary', init: { fail_first: 1 } })] },
    ok(
      tuple('error', tuple('unavailable', tuple('child', 'undefined', 'c7', tuple(WORKER, 'start_link', ['c7']), 'temporary', false, 500, 'worker', [WORKER]))),
      [['start_failed', 'c7', 1, 'stop']],
    ),
  ],
  [
    { cmd: 'sup_call', sup: 'inner', fun: 'start_child', args: [worker('c7', { restart: 'temporary', init: { fail_first: 1 } })] },
    ok(tuple('ok', pid('c7#2')), [['start', 'c7', 2]]),
  ],
  [
    { cmd: 'sup_call', sup: 'inner', fun: 'get_childspec', args: ['c7'] },
    ok(
      tuple('ok', {
        map: [
          ['id', 'c7'], ['modules', [WORKER]], ['restart', 'temporary'], ['shutdown', 500], ['significant', false],
          ['start', tuple(WORKER, 'start_link', ['c7'])], ['type', 'worker'],
        ],
      }),
    ),
  ],
  // A killed supervisor: its children die concurrently, reported as one group ordered by name.
  [
    { cmd: 'kill', child: 'inner' },
    ok('ok', [
      ['sup_exit', 'sup:inner', 'killed'],
      ['terminate', 'c4', 3, 'killed'], ['exit', 'c4', 3, 'killed'], ['exit', 'c5', 3, 'killed'], ['exit', 'c7', 2, 'killed'],
      ['report', 'child_terminated', 'inner', 'killed'],
      ['start', 'c4', 4], ['start', 'c5', 4], ['start_failed', 'c6', 3, 'ignore'],
    ]),
  ],
  [{ cmd: 'sup_call', sup: 'sup', fun: 'terminate_child', args: ['c1'] }, ok('ok', [['terminate', 'c1', 2, 'shutdown'], ['exit', 'c1', 2, 'shutdown']])],
  [{ cmd: 'sup_call', sup: 'sup', fun: 'delete_child', args: ['c1'] }, ok()],
  [
    { cmd: 'sup_stop', reason: 'shutdown' },
    ok('ok', [
      ['exit', 'c5', 4, 'shutdown'], ['terminate', 'c4', 4, 'shutdown'], ['exit', 'c4', 4, 'shutdown'],
      ['sup_exit', 'sup:inner', 'shutdown'], ['exit', 'c2', 3, 'shutdown'], ['sup_exit', 'sup', 'shutdown'],
    ]),
  ],
  [{ cmd: 'sup_stop', reason: 'normal' }, ok({ exit: tuple('noproc', tuple('Elixir.GenServer', 'stop', [pid('sup'), 'normal', 'infinity'])) })],
];

export const SHUTDOWN_AND_INTENSITY: readonly Step[] = [
  [
    {
      cmd: 'sup_start',
      tree: tree(
        [
          worker('slow', { trap_exit: true, terminate_ms: 300, shutdown: 100 }),
          worker('bk', { trap_exit: true, terminate_ms: 50, shutdown: 'brutal_kill' }),
          worker('nt'),
        ],
        { strategy: 'one_for_all', max_restarts: 1 },
      ),
    },
    ok(tuple('ok', pid('sup')), [['start', 'slow', 1], ['start', 'bk', 1], ['start', 'nt', 1]]),
  ],
  // terminate/2 takes 300 ms, the shutdown timeout is 100 ms: killed, shutdown_error.
  [{ cmd: 'sup_call', sup: 'sup', fun: 'terminate_child', args: ['slow'] }, ok('ok', [['exit', 'slow', 1, 'killed'], ['report', 'shutdown_error', 'slow', 'killed']])],
  [{ cmd: 'sup_call', sup: 'sup', fun: 'restart_child', args: ['slow'] }, ok(tuple('ok', pid('slow#2')), [['start', 'slow', 2]])],
  [
    { cmd: 'crash', child: 'nt', reason: 'raise' },
    ok('ok', [
      ['terminate', 'nt', 1, raised('nt crashed')], ['exit', 'nt', 1, raised('nt crashed')], ['report', 'child_terminated', 'nt', raised('nt crashed')],
      ['exit', 'bk', 1, 'killed'], ['exit', 'slow', 2, 'killed'], ['report', 'shutdown_error', 'slow', 'killed'],
      ['start', 'slow', 3], ['start', 'bk', 2], ['start', 'nt', 2],
    ]),
  ],
  // A second restart within max_seconds exceeds max_restarts 1: the supervisor shuts down.
  [
    { cmd: 'crash', child: 'bk', reason: 'kill' },
    ok('ok', [
      ['terminate', 'bk', 2, 'kill'], ['exit', 'bk', 2, 'kill'], ['report', 'child_terminated', 'bk', 'kill'],
      ['report', 'shutdown', 'bk', 'reached_max_restart_intensity'],
      ['exit', 'nt', 2, 'shutdown'], ['exit', 'slow', 3, 'killed'], ['report', 'shutdown_error', 'slow', 'killed'],
      ['sup_exit', 'sup', 'shutdown'],
    ]),
  ],
  [
    { cmd: 'sup_call', sup: 'sup', fun: 'which_children', args: [] },
    ok({ exit: tuple('noproc', tuple('Elixir.GenServer', 'call', [pid('sup'), 'which_children', 'infinity'])) }),
  ],
];

export const failedToStart = (id: string, reason: Json): Json => tuple('shutdown', tuple('failed_to_start_child', id, reason));

export const START_FAILURES_AND_AUTO_SHUTDOWN: readonly Step[] = [
  [
    { cmd: 'sup_start', tree: tree([worker('a'), worker('b', { init: { stop: 'nope' } })]) },
    ok(tuple('error', failedToStart('b', 'nope')), [
      ['start', 'a', 1], ['start_failed', 'b', 1, 'stop'], ['report', 'start_error', 'b', 'nope'],
      ['exit', 'a', 1, 'shutdown'], ['sup_exit', 'sup', failedToStart('b', 'nope')],
    ]),
  ],
  [
    { cmd: 'sup_start', tree: tree([worker('a', { init: 'raise' })]) },
    ok(tuple('error', failedToStart('a', raised('a failed to start'))), [
      ['start_failed', 'a', 2, 'raise'], ['report', 'start_error', 'a', raised('a failed to start')],
      ['sup_exit', 'sup', failedToStart('a', raised('a failed to start'))],
    ]),
  ],
  [
    {
      cmd: 'sup_start',
      tree: tree(
        [worker('s1', { restart: 'transient', significant: true }), worker('s2', { restart: 'temporary', significant: true }), worker('p')],
        { auto_shutdown: 'all_significant' },
      ),
    },
    ok(tuple('ok', pid('sup')), [['start', 's1', 1], ['start', 's2', 1], ['start', 'p', 1]]),
  ],
  [{ cmd: 'call', child: 's1', request: 'stop', timeout: 1000 }, ok({ reply: 'ok' }, [['terminate', 's1', 1, 'normal'], ['exit', 's1', 1, 'normal']])],
  // The last significant child is gone: the supervisor shuts down (no report of its own).
  [
    { cmd: 'crash', child: 's2', reason: 'boom' },
    ok('ok', [
      ['terminate', 's2', 1, 'boom'], ['exit', 's2', 1, 'boom'], ['report', 'child_terminated', 's2', 'boom'],
      ['exit', 'p', 1, 'shutdown'], ['sup_exit', 'sup', 'shutdown'],
    ]),
  ],
];

export const TASKS: readonly Step[] = [
  [{ cmd: 'task_owner', trap_exit: true }, ok()],
  [{ cmd: 'task_async', name: 't1', ms: 100, result: 42 }, ok()],
  [{ cmd: 'task_async', name: 't2', ms: 400, result: { bin: 'late' } }, ok()],
  [{ cmd: 'task_await', name: 't1', timeout: 1000 }, ok({ reply: 42 })],
  [{ cmd: 'task_await', name: 't2', timeout: 100 }, ok({ exit: tuple('timeout', tuple('Elixir.Task', 'await', [taskStruct('t2'), 100])) })],
  [{ cmd: 'task_async', name: 't3', ms: 0, raise: true }, ok()],
  [{ cmd: 'task_yield', name: 't3', timeout: 100 }, ok({ exit: raised('t3 crashed') })],
  [{ cmd: 'task_async', name: 't4', ms: 100, nolink: true, raise: true }, ok()],
  [{ cmd: 'task_async', name: 't5', ms: 800, result: 'five' }, ok()],
  // The nolink task crashes under the Task.Supervisor: a temporary child's child_terminated report.
  [{ cmd: 'advance', ms: 400 }, ok('ok', [['report', 'child_terminated', 'undefined', raised('t4 crashed')]])],
  [{ cmd: 'task_shutdown', name: 't4', mode: 'brutal_kill' }, ok({ exit: raised('t4 crashed') })],
  [{ cmd: 'task_shutdown', name: 't5', mode: 100 }, ok('nil')],
  // The trapping owner got the EXITs of its linked tasks; t2's late reply went to a dead alias.
  [
    { cmd: 'task_owner_mailbox' },
    ok([
      tuple('EXIT', pid('task:t1'), 'normal'),
      tuple('EXIT', pid('task:t3'), raised('t3 crashed')),
      tuple('EXIT', pid('task:t2'), 'normal'),
    ]),
  ],
  [{ cmd: 'task_owner', trap_exit: false }, ok()],
  [{ cmd: 'task_async', name: 't6', ms: 0, raise: true }, ok()],
  [{ cmd: 'task_owner_mailbox' }, ok({ owner_exit: raised('t6 crashed') })],
];

export const REGISTRY: readonly Step[] = [
  [{ cmd: 'reg_start', keys: 'unique', partitions: 2 }, ok()],
  [{ cmd: 'reg_register', proc: 'p1', key: 'a', value: 1 }, ok(tuple('ok', pid('?')))],
  [{ cmd: 'reg_register', proc: 'p2', key: 'a', value: 2 }, ok(tuple('error', tuple('already_registered', pid('p1'))))],
  [{ cmd: 'reg_register', proc: 'p1', key: { bin: 'b' }, value: tuple('x', 3) }, ok(tuple('ok', pid('?')))],
  [{ cmd: 'reg_keys', proc: 'p1' }, ok(['a', { bin: 'b' }])],
  [{ cmd: 'reg_count' }, ok(2)],
  [{ cmd: 'reg_whereis', key: 'a' }, ok(pid('p1'))],
  [{ cmd: 'reg_kill', proc: 'p1' }, ok()],
  // After the partitions' barrier the dead entry is gone.
  [{ cmd: 'reg_lookup', key: 'a' }, ok([])],
  [{ cmd: 'reg_register', proc: 'p2', key: 'a', value: 2 }, ok(tuple('ok', pid('?')))],
  [{ cmd: 'reg_unregister', proc: 'p2', key: 'a' }, ok()],
  [{ cmd: 'reg_count' }, ok(0)],
  [{ cmd: 'reset' }, ok()],
  [{ cmd: 'reg_start', keys: 'duplicate', partitions: 2 }, ok()],
  [{ cmd: 'reg_register', proc: 'p2', key: 'k', value: 2 }, ok(tuple('ok', pid('?')))],
  [{ cmd: 'reg_register', proc: 'p1', key: 'k', value: 1 }, ok(tuple('ok', pid('?')))],
  [{ cmd: 'reg_lookup', key: 'k' }, ok([['p1', 1], ['p2', 2]])],
];

/**
 * What both real oracles and the simulator declare: the simulator's list, which the Elixir driver
 * must match (registry_key_partitioning is 1.19+ and the simulator's `current` only).
 */
export const CAPABILITIES = SIM_CAPABILITIES;

/** A short case that touches supervision, restarts and tasks; run twice, it must give the same bytes. */
export const REPEATABLE_CASE: readonly Request[] = [
  { cmd: 'sup_start', tree: tree([worker('a', { trap_exit: true }), worker('b')], { strategy: 'one_for_all' }) },
  { cmd: 'crash', child: 'b', reason: 'raise' },
  { cmd: 'task_async', name: 't', ms: 0, result: 1 },
  { cmd: 'reset' },
];

/** Killing a nested supervisor whose trapping child takes 100 ms in terminate/2, a grandchild supervisor below. */
const NESTED: Json = {
  id: 'inner',
  type: 'supervisor',
  restart: 'transient',
  shutdown: 'infinity',
  tree: tree([
    worker('z1'),
    worker('a1', { trap_exit: true, terminate_ms: 100 }),
    { id: 'deep', type: 'supervisor', restart: 'permanent', shutdown: 'infinity', tree: tree([worker('m1')]) },
  ]),
};

export const CONCURRENT_DEATHS: readonly Step[] = [
  [
    { cmd: 'sup_start', tree: tree([worker('a', { trap_exit: true }), NESTED]) },
    ok(tuple('ok', pid('sup')), [['start', 'a', 1], ['start', 'z1', 1], ['start', 'a1', 1], ['start', 'm1', 1]]),
  ],
  // The group after sup:inner's death is ordered by name ("a1#1" < "m1#1" < "sup:deep" < "z1#1"),
  // complete with a1's slow terminate/2; the parent's report and the restart follow it.
  [
    { cmd: 'kill', child: 'inner' },
    ok('ok', [
      ['sup_exit', 'sup:inner', 'killed'],
      ['terminate', 'a1', 1, 'killed'], ['exit', 'a1', 1, 'killed'], ['exit', 'm1', 1, 'shutdown'], ['sup_exit', 'sup:deep', 'killed'], ['exit', 'z1', 1, 'killed'],
      ['report', 'child_terminated', 'inner', 'killed'],
      ['start', 'z1', 2], ['start', 'a1', 2], ['start', 'm1', 2],
    ]),
  ],
  [
    { cmd: 'sup_call', sup: 'sup', fun: 'terminate_child', args: ['inner'] },
    ok('ok', [
      ['exit', 'm1', 2, 'shutdown'], ['sup_exit', 'sup:deep', 'shutdown'], ['terminate', 'a1', 2, 'shutdown'], ['exit', 'a1', 2, 'shutdown'],
      ['exit', 'z1', 2, 'shutdown'], ['sup_exit', 'sup:inner', 'shutdown'],
    ]),
  ],
  [{ cmd: 'sup_call', sup: 'inner', fun: 'which_children', args: [] }, ok('not_running')],
  [{ cmd: 'crash', child: 'z1', reason: 'boom' }, ok('not_running')],
  [{ cmd: 'sup_call', sup: 'sup', fun: 'restart_child', args: ['inner'] }, ok(tuple('ok', pid('sup:inner')), [['start', 'z1', 3], ['start', 'a1', 3], ['start', 'm1', 3]])],
  [{ cmd: 'sup_call', sup: 'deep', fun: 'which_children', args: [] }, ok([tuple('m1', pid('m1#3'), 'worker', [WORKER])])],
  [
    { cmd: 'sup_call', sup: 'inner', fun: 'get_childspec', args: ['deep'] },
    ok(
      tuple('ok', {
        map: [
          ['id', 'deep'], ['modules', ['Elixir.Beamcheck.Supervisor']], ['restart', 'permanent'], ['shutdown', 'infinity'], ['significant', false],
          ['start', tuple('Elixir.Beamcheck.Supervisor', 'start_link', ['deep'])], ['type', 'supervisor'],
        ],
      }),
    ),
  ],
  [
    { cmd: 'signal', child: 'deep', reason: 'kill' },
    ok('ok', [['sup_exit', 'sup:deep', 'killed'], ['exit', 'm1', 3, 'killed'], ['report', 'child_terminated', 'deep', 'killed'], ['start', 'm1', 4]]),
  ],
  [
    { cmd: 'sup_stop', reason: 'shutdown' },
    ok('ok', [
      ['exit', 'm1', 4, 'shutdown'], ['sup_exit', 'sup:deep', 'shutdown'], ['terminate', 'a1', 3, 'shutdown'], ['exit', 'a1', 3, 'shutdown'],
      ['exit', 'z1', 3, 'shutdown'], ['sup_exit', 'sup:inner', 'shutdown'], ['terminate', 'a', 1, 'shutdown'], ['exit', 'a', 1, 'shutdown'],
      ['sup_exit', 'sup', 'shutdown'],
    ]),
  ],
];

const callTimeout = (child: string, request: Json, timeout: Json): Json =>
  ({ exit: tuple('timeout', tuple('Elixir.GenServer', 'call', [pid(child), request, timeout])) });

export const CALLS_CASTS_AND_THE_TASK_CLOCK: readonly Step[] = [
  [
    { cmd: 'sup_start', tree: tree([worker('w'), worker('tw', { trap_exit: true })], { max_restarts: 5 }) },
    ok(tuple('ok', pid('sup')), [['start', 'w', 1], ['start', 'tw', 1]]),
  ],
  [{ cmd: 'task_async', name: 't1', ms: 200, result: 1 }, ok()],
  [{ cmd: 'task_async', name: 't2', ms: 500, result: 2 }, ok()],
  // A call moves the task clock by the worker's sleep: t1 (due at 200) is done, t2 (500) is not.
  [{ cmd: 'call', child: 'w', request: { sleep: 300 }, timeout: 1000 }, ok({ reply: 'ok' })],
  [{ cmd: 'task_yield', name: 't1', timeout: 0 }, ok({ ok: 1 })],
  [{ cmd: 'task_yield', name: 't2', timeout: 0 }, ok('nil')],
  // So does a cast.
  [{ cmd: 'cast', child: 'w', request: { sleep: 300 } }, ok()],
  [{ cmd: 'task_yield', name: 't2', timeout: 0 }, ok({ ok: 2 })],
  [{ cmd: 'task_async', name: 't3', ms: 300, result: 3 }, ok()],
  // A timed-out call: the whole exit reason; the response comes once the worker is done (the clock
  // moved by its sleep), so the worker answers the next call at once.
  [{ cmd: 'call', child: 'w', request: { sleep: 500 }, timeout: 100 }, ok(callTimeout('w#1', tuple('sleep', 500), 100))],
  [{ cmd: 'task_yield', name: 't3', timeout: 0 }, ok({ ok: 3 })],
  [{ cmd: 'call', child: 'w', request: 'ping', timeout: 100 }, ok({ reply: 'pong' })],
  [{ cmd: 'call', child: 'w', request: 'hello', timeout: 'infinity' }, ok({ reply: tuple('unknown', 'hello') })],
  [{ cmd: 'cast', child: 'w', request: { stop: 'boom' } }, ok('ok', [['terminate', 'w', 1, 'boom'], ['exit', 'w', 1, 'boom'], ['report', 'child_terminated', 'w', 'boom'], ['start', 'w', 2]])],
  [{ cmd: 'cast', child: 'w', request: 'whatever' }, ok()],
  // `normal` from outside is ignored by a worker that does not trap; a trapping one gets a message it ignores.
  [{ cmd: 'signal', child: 'w', reason: 'normal' }, ok()],
  [{ cmd: 'signal', child: 'tw', reason: 'boom' }, ok()],
  [{ cmd: 'crash', child: 'tw', reason: 'normal' }, ok('ok', [['terminate', 'tw', 1, 'normal'], ['exit', 'tw', 1, 'normal'], ['report', 'child_terminated', 'tw', 'normal'], ['start', 'tw', 2]])],
  // kill cannot be trapped: no terminate/2.
  [{ cmd: 'kill', child: 'tw' }, ok('ok', [['exit', 'tw', 2, 'killed'], ['report', 'child_terminated', 'tw', 'killed'], ['start', 'tw', 3]])],
  [{ cmd: 'task_owner_mailbox' }, ok([])],
];

/** Every script with the title its tests run under. */
/**
 * Two supervisors killed one after the other (a `sup_stop` of a root whose child supervisors have
 * `brutal_kill`): k2 first, then k1. w2 traps exits and takes 300 ms in terminate/2, so on a real
 * BEAM w1 dies while w2 is still terminating; the events are still two groups in kill order, each
 * right after its supervisor's `sup_exit` (found by `verify --seed 7`, where the groups merged).
 */
export const TWO_KILLED_SUPERVISORS: readonly Step[] = [
  [
    {
      cmd: 'sup_start',
      tree: tree([
        { id: 'k1', type: 'supervisor', restart: 'permanent', shutdown: 'brutal_kill', tree: tree([worker('w1')]) },
        { id: 'k2', type: 'supervisor', restart: 'permanent', shutdown: 'brutal_kill', tree: tree([worker('w2', { trap_exit: true, terminate_ms: 300 })]) },
      ]),
    },
    ok(tuple('ok', pid('sup')), [['start', 'w1', 1], ['start', 'w2', 1]]),
  ],
  [
    { cmd: 'sup_stop', reason: 'shutdown' },
    ok('ok', [
      ['sup_exit', 'sup:k2', 'killed'], ['terminate', 'w2', 1, 'killed'], ['exit', 'w2', 1, 'killed'],
      ['sup_exit', 'sup:k1', 'killed'], ['exit', 'w1', 1, 'killed'],
      ['sup_exit', 'sup', 'shutdown'],
    ]),
  ],
];

export const SCRIPTS: ReadonlyArray<readonly [string, readonly Step[]]> = [
  ['supervision: strategies, signals, calls, the supervisor API, a killed nested supervisor', SUPERVISION],
  ['shutdown timeouts, brutal_kill and restart intensity', SHUTDOWN_AND_INTENSITY],
  ['failed starts and auto_shutdown', START_FAILURES_AND_AUTO_SHUTDOWN],
  ['tasks on the task clock', TASKS],
  ['registry', REGISTRY],
  ['concurrent deaths under a killed nested supervisor, nested get_childspec', CONCURRENT_DEATHS],
  ['calls, casts and signals on workers; calls and casts move the task clock', CALLS_CASTS_AND_THE_TASK_CLOCK],
  ['two supervisors killed one after the other: two groups in kill order', TWO_KILLED_SUPERVISORS],
];

/**
 * Runs `steps` through `send` and asserts each canonical response: `ok: true`, the result and the
 * events exactly (`send` returns the response without its id).
 */
export async function expectSteps(send: (request: Request) => Promise<Record<string, unknown>>, steps: readonly Step[]): Promise<void> {
  for (const [request, expected] of steps) {
    expect(await send(request), JSON.stringify(request).slice(0, 120)).toEqual({ ok: true, ...expected });
  }
}
