/**
 * The simulated runtime as a protocol driver (src/drivers/SimDriver.ts, docs/driver-protocol.md),
 * command by command, in-process.
 *
 * First the scripts of the real-OTP driver test (scripts.ts) on both semantics profiles: the
 * simulator must give exactly the answers real OTP gives. Then each command family on its own,
 * with the canonical results and events the protocol defines (the supervision, task and registry
 * answers below were also checked against the real-OTP driver while writing them; the one place
 * where that driver disagrees with the protocol is marked), determinism, and bad parameters.
 */
import { describe, expect, it } from 'vitest';
import { DriverError, type Command } from '../../src/drivers/Driver.js';
import { SimDriver } from '../../src/drivers/SimDriver.js';
import {
  CAPABILITIES,
  CONCURRENT_DEATHS,
  REPEATABLE_CASE,
  SCRIPTS,
  WORKER,
  expectSteps,
  ok,
  pid,
  raised,
  tree,
  tuple,
  worker,
  type Json,
  type Request,
  type Step,
} from './scripts.js';

const PROFILES = ['otp25', 'current'] as const;
const RESET: Step = [{ cmd: 'reset' }, ok()];

function send(driver: SimDriver): (request: Request) => Promise<Record<string, unknown>> {
  return (request) => driver.request(request as Command) as Promise<Record<string, unknown>>;
}

/** Runs `steps` on a fresh driver of each profile. */
async function onBoth(steps: readonly Step[]): Promise<void> {
  for (const semantics of PROFILES) await expectSteps(send(new SimDriver(semantics)), steps);
}

/** A fresh driver that has run `requests` (each must succeed). */
function driverAfter(requests: readonly Request[], semantics: 'otp25' | 'current' = 'current'): SimDriver {
  const driver = new SimDriver(semantics);
  for (const request of requests) expect(driver.handle(request as Command), JSON.stringify(request)).toMatchObject({ ok: true });
  return driver;
}

/** The process name an event is about, as the concurrent-death group orders them. */
function processOf(event: Json): string {
  const e = event as Json[];
  return e[0] === 'sup_exit' ? String(e[1]) : `${String(e[1])}#${String(e[2])}`;
}

const exitCall = (target: string, fun: string, args: Json[]): Json => ({ exit: tuple('noproc', tuple('Elixir.GenServer', fun, [pid(target), ...args])) });
const failedToStart = (id: string, reason: Json): Json => tuple('shutdown', tuple('failed_to_start_child', id, reason));

// ------------------------------------------------------------------------------- the real-OTP scripts

for (const semantics of PROFILES) {
  describe(`SimDriver(${semantics}) gives real OTP's answers (scripts.ts)`, () => {
    for (const [title, steps] of SCRIPTS) {
      it(title, async () => {
        await expectSteps(send(new SimDriver(semantics)), [...steps, RESET]);
      });
    }
  });
}

// ------------------------------------------------------------------------------- hello, reset, quit

describe('hello', () => {
  it.each(PROFILES)('answers protocol 1 with the runtime and capabilities in result (%s)', async (semantics) => {
    const driver = new SimDriver(semantics);
    const capabilities = semantics === 'current' ? [...CAPABILITIES, 'registry_key_partitioning'] : CAPABILITIES;
    const runtime = `beamcheck simulator (${semantics} semantics)`;
    expect(driver.handle({ cmd: 'hello', protocol: 1 })).toEqual({ ok: true, result: { protocol: 1, runtime, capabilities }, events: [] });
    expect(await driver.hello()).toEqual({ protocol: 1, runtime, capabilities });
    expect(driver.label).toBe(`sim (${semantics})`);
  });

  it('refuses another protocol version, or none', () => {
    const driver = new SimDriver();
    expect(driver.handle({ cmd: 'hello', protocol: 2 })).toEqual({ ok: false, error: 'unsupported protocol 2 (this driver speaks 1)' });
    expect(driver.handle({ cmd: 'hello' })).toEqual({ ok: false, error: 'unsupported protocol null (this driver speaks 1)' });
    expect(driver.handle({ cmd: 'hello', protocol: '1' })).toMatchObject({ ok: false });
  });

  it('quit answers ok; a quit or closed driver refuses further requests with a DriverError', async () => {
    const quitted = new SimDriver();
    expect(await quitted.request({ cmd: 'quit' })).toEqual({ ok: true, result: 'ok', events: [] });
    await expect(quitted.request({ cmd: 'reset' })).rejects.toThrow(DriverError);
    const closed = new SimDriver();
    await closed.close();
    await expect(closed.request({ cmd: 'hello', protocol: 1 })).rejects.toThrow('the driver is closed');
  });
});

describe('reset', () => {
  it('ends the case: no events for what it stops, incarnations count from 1 again, registry and tasks are gone', async () => {
    const driver = driverAfter([
      { cmd: 'sup_start', tree: tree([worker('a'), worker('b', { trap_exit: true, terminate_ms: 50 })]) },
      { cmd: 'crash', child: 'a', reason: 'boom' },
      { cmd: 'task_async', name: 't', ms: 300, result: 1 },
      { cmd: 'reg_start', keys: 'unique' },
    ]);
    await expectSteps(send(driver), [
      RESET,
      [{ cmd: 'sup_start', tree: tree([worker('a')]) }, ok(tuple('ok', pid('sup')), [['start', 'a', 1]])],
    ]);
    expect(driver.handle({ cmd: 'reg_count' })).toEqual({ ok: false, error: 'no registry: send reg_start first' });
    expect(driver.handle({ cmd: 'task_await', name: 't', timeout: 1000 })).toEqual({ ok: false, error: 'unknown task t' });
  });
});

// ------------------------------------------------------------------------------- supervision

describe('sup_start', () => {
  it('starts the tree; refuses a second start while the root runs; after the root died starts again, counting on', async () => {
    await onBoth([
      [{ cmd: 'sup_start', tree: tree([worker('a'), worker('b', { init: 'ignore' })]) }, ok(tuple('ok', pid('sup')), [['start', 'a', 1], ['start_failed', 'b', 1, 'ignore']])],
      [{ cmd: 'sup_stop', reason: 'raise' }, ok('ok', [['exit', 'a', 1, 'shutdown'], ['sup_exit', 'sup', 'raise']])],
      [{ cmd: 'sup_start', tree: tree([worker('a'), worker('c')]) }, ok(tuple('ok', pid('sup')), [['start', 'a', 2], ['start', 'c', 1]])],
    ]);
    const driver = driverAfter([{ cmd: 'sup_start', tree: tree([worker('a')]) }]);
    expect(driver.handle({ cmd: 'sup_start', tree: tree([worker('x')]) })).toEqual({ ok: false, error: "the case's supervisor is already running" });
    // Nothing of the refused tree started.
    expect(driver.handle({ cmd: 'sup_call', sup: 'sup', fun: 'count_children', args: [] })).toMatchObject({ result: { map: [['active', 1], ['specs', 1], ['supervisors', 0], ['workers', 1]] } });
  });

  it.each([
    ['init returns {:stop, R}', worker('b', { init: { stop: 'nope' } }), 'nope', 'stop'],
    ['init raises', worker('b', { init: 'raise' }), raised('b failed to start'), 'raise'],
    ['fail_first', worker('b', { init: { fail_first: 2 } }), 'unavailable', 'stop'],
  ])('a failed start (%s): {error, R}, a start_error report, the root dies with the same R; as if never started', (_name, child, reason, how) => {
    const driver = new SimDriver('otp25');
    const r = driver.handle({ cmd: 'sup_start', tree: tree([worker('a'), child]) });
    const expected = failedToStart('b', reason);
    expect(r).toEqual({
      ok: true,
      result: tuple('error', expected),
      events: [['start', 'a', 1], ['start_failed', 'b', 1, how], ['report', 'start_error', 'b', reason], ['exit', 'a', 1, 'shutdown'], ['sup_exit', 'sup', expected]],
    });
    // There is no root (as on real OTP): the supervisor API is an error, children are not running, a new start is allowed.
    expect(driver.handle({ cmd: 'sup_call', sup: 'sup', fun: 'which_children', args: [] })).toEqual({ ok: false, error: 'no supervisor: send sup_start first' });
    expect(driver.handle({ cmd: 'crash', child: 'a', reason: 'boom' })).toEqual({ ok: true, result: 'not_running', events: [] });
    expect(driver.handle({ cmd: 'sup_start', tree: tree([worker('a')]) })).toMatchObject({ ok: true, events: [['start', 'a', 2]] });
  });

  it.each<[string, Json]>([
    ['no tree', null],
    ['a tree that is not an object', 'x'],
    ['children that are not a list', tree('x' as unknown as Json[])],
    ['a child without an id', tree([{ restart: 'permanent' }])],
    ['a bad init behaviour', tree([worker('a', { init: 'explode' })])],
    ['terminate_ms not a number', tree([worker('a', { terminate_ms: 'slow' })])],
    ['a field that is not a term', tree([worker('a', { restart: { bad: 1 } })])],
  ])('a bad tree (%s) is refused with ok: false and starts nothing', (_name, bad) => {
    const driver = new SimDriver();
    const r = driver.handle(bad === null ? { cmd: 'sup_start' } : { cmd: 'sup_start', tree: bad });
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/^[^\n]+$/) });
    expect(driver.handle({ cmd: 'sup_start', tree: tree([worker('a')]) })).toEqual({ ok: true, result: tuple('ok', pid('sup')), events: [['start', 'a', 1]] });
  });
});

describe('sup_call', () => {
  const NESTED_TREE = tree([
    worker('a'),
    { id: 'inner', type: 'supervisor', restart: 'transient', shutdown: 'infinity', tree: tree([worker('b', { shutdown: 'brutal_kill' })]) },
  ]);
  const childspec = (id: string, module: string, restart: string, shutdown: Json, type: string): Json =>
    tuple('ok', {
      map: [['id', id], ['modules', [module]], ['restart', restart], ['shutdown', shutdown], ['significant', false], ['start', tuple(module, 'start_link', [id])], ['type', type]],
    });

  it('every supervisor function, on the root and on a nested supervisor; get_childspec has the canonical start', async () => {
    await onBoth([
      [{ cmd: 'sup_start', tree: NESTED_TREE }, ok(tuple('ok', pid('sup')), [['start', 'a', 1], ['start', 'b', 1]])],
      [
        { cmd: 'sup_call', sup: 'sup', fun: 'which_children', args: [] },
        ok([tuple('inner', pid('sup:inner'), 'supervisor', ['Elixir.Beamcheck.Supervisor']), tuple('a', pid('a#1'), 'worker', [WORKER])]),
      ],
      [{ cmd: 'sup_call', sup: 'inner', fun: 'which_children', args: [] }, ok([tuple('b', pid('b#1'), 'worker', [WORKER])])],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'count_children', args: [] }, ok({ map: [['active', 2], ['specs', 2], ['supervisors', 1], ['workers', 1]] })],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'get_childspec', args: ['a'] }, ok(childspec('a', WORKER, 'permanent', 500, 'worker'))],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'get_childspec', args: ['inner'] }, ok(childspec('inner', 'Elixir.Beamcheck.Supervisor', 'transient', 'infinity', 'supervisor'))],
      [{ cmd: 'sup_call', sup: 'inner', fun: 'get_childspec', args: ['b'] }, ok(childspec('b', WORKER, 'permanent', 'brutal_kill', 'worker'))],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'get_childspec', args: ['b'] }, ok(tuple('error', 'not_found'))],
      [{ cmd: 'sup_call', sup: 'inner', fun: 'start_child', args: [worker('c', { restart: 'temporary', init: { slow_ms: 50 } })] }, ok(tuple('ok', pid('c#1')), [['start', 'c', 1]])],
      [{ cmd: 'sup_call', sup: 'inner', fun: 'get_childspec', args: ['c'] }, ok(childspec('c', WORKER, 'temporary', 500, 'worker'))],
      [{ cmd: 'sup_call', sup: 'inner', fun: 'start_child', args: [worker('c')] }, ok(tuple('error', tuple('already_started', pid('c#1'))))],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'delete_child', args: ['inner'] }, ok(tuple('error', 'running'))],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'terminate_child', args: ['inner'] }, ok('ok', [['exit', 'c', 1, 'shutdown'], ['exit', 'b', 1, 'killed'], ['sup_exit', 'sup:inner', 'shutdown']])],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'terminate_child', args: ['nope'] }, ok(tuple('error', 'not_found'))],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'restart_child', args: ['inner'] }, ok(tuple('ok', pid('sup:inner')), [['start', 'b', 2]])],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'restart_child', args: ['a'] }, ok(tuple('error', 'running'))],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'terminate_child', args: ['a'] }, ok('ok', [['exit', 'a', 1, 'shutdown']])],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'delete_child', args: ['a'] }, ok()],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'delete_child', args: ['a'] }, ok(tuple('error', 'not_found'))],
    ]);
  });

  it('"not_running" for a nested supervisor that is not running, an unknown id or a worker; {exit: R} once the root died', async () => {
    await onBoth([
      [{ cmd: 'sup_start', tree: NESTED_TREE }, ok(tuple('ok', pid('sup')), [['start', 'a', 1], ['start', 'b', 1]])],
      [{ cmd: 'sup_call', sup: 'nope', fun: 'which_children', args: [] }, ok('not_running')],
      [{ cmd: 'sup_call', sup: 'a', fun: 'count_children', args: [] }, ok('not_running')],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'terminate_child', args: ['inner'] }, ok('ok', [['exit', 'b', 1, 'killed'], ['sup_exit', 'sup:inner', 'shutdown']])],
      [{ cmd: 'sup_call', sup: 'inner', fun: 'which_children', args: [] }, ok('not_running')],
      [{ cmd: 'sup_stop', reason: 'normal' }, ok('ok', [['exit', 'a', 1, 'shutdown'], ['sup_exit', 'sup', 'normal']])],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'count_children', args: [] }, ok(exitCall('sup', 'call', ['count_children', 'infinity']))],
      // Erlang's :supervisor.get_childspec/2 calls gen_server directly.
      [{ cmd: 'sup_call', sup: 'sup', fun: 'get_childspec', args: ['a'] }, ok({ exit: tuple('noproc', tuple('gen_server', 'call', [pid('sup'), tuple('get_childspec', 'a'), 'infinity'])) })],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'terminate_child', args: ['a'] }, ok(exitCall('sup', 'call', [tuple('terminate_child', 'a'), 'infinity']))],
      [{ cmd: 'sup_call', sup: 'inner', fun: 'which_children', args: [] }, ok('not_running')],
    ]);
  });

  it('before sup_start: an error', () => {
    const driver = new SimDriver();
    expect(driver.handle({ cmd: 'sup_call', sup: 'sup', fun: 'which_children', args: [] })).toEqual({ ok: false, error: 'no supervisor: send sup_start first' });
    expect(driver.handle({ cmd: 'sup_stop', reason: 'normal' })).toEqual({ ok: false, error: 'no supervisor: send sup_start first' });
  });
});

describe('crash, kill, signal, call, cast', () => {
  it('answer "not_running" for a child that is unknown or not running, also after the root died', async () => {
    const notRunning: Step[] = [
      [{ cmd: 'crash', child: 'nope', reason: 'boom' }, ok('not_running')],
      [{ cmd: 'kill', child: 'nope' }, ok('not_running')],
      [{ cmd: 'signal', child: 'nope', reason: 'kill' }, ok('not_running')],
      [{ cmd: 'call', child: 'nope', request: 'ping', timeout: 100 }, ok('not_running')],
      [{ cmd: 'cast', child: 'nope', request: 'stop' }, ok('not_running')],
    ];
    const forA = notRunning.map(([request, expected]): Step => [{ ...request, child: 'a' }, expected]);
    await onBoth([
      // With no tree at all.
      ...forA,
      [{ cmd: 'sup_start', tree: tree([worker('a', { restart: 'temporary' })]) }, ok(tuple('ok', pid('sup')), [['start', 'a', 1]])],
      ...notRunning,
      [{ cmd: 'crash', child: 'a', reason: 'boom' }, ok('ok', [['terminate', 'a', 1, 'boom'], ['exit', 'a', 1, 'boom'], ['report', 'child_terminated', 'a', 'boom']])],
      ...forA,
      [{ cmd: 'sup_stop', reason: 'shutdown' }, ok('ok', [['sup_exit', 'sup', 'shutdown']])],
      ...forA,
    ]);
  });

  it('crash with "raise" raises a RuntimeError; crash sent to a nested supervisor is only logged', async () => {
    await onBoth([
      [
        { cmd: 'sup_start', tree: tree([worker('a'), { id: 'inner', type: 'supervisor', restart: 'permanent', tree: tree([worker('b')]) }]) },
        ok(tuple('ok', pid('sup')), [['start', 'a', 1], ['start', 'b', 1]]),
      ],
      [
        { cmd: 'crash', child: 'a', reason: 'raise' },
        ok('ok', [['terminate', 'a', 1, raised('a crashed')], ['exit', 'a', 1, raised('a crashed')], ['report', 'child_terminated', 'a', raised('a crashed')], ['start', 'a', 2]]),
      ],
      [{ cmd: 'crash', child: 'inner', reason: 'boom' }, ok()],
      // For signal, "raise" is just an atom.
      [{ cmd: 'signal', child: 'b', reason: 'raise' }, ok('ok', [['exit', 'b', 1, 'raise'], ['report', 'child_terminated', 'b', 'raise'], ['start', 'b', 2]])],
    ]);
  });

  it('a call that stops a permanent worker: its restart and report come with the same response', async () => {
    // The protocol's rule (every effect of a command is in its response). The real-OTP driver
    // (drivers/elixir/driver.exs, call_child) answered this call before the supervisor had
    // handled the EXIT, in 10 of 10 runs: the report and the restart came with the next command.
    await onBoth([
      [{ cmd: 'sup_start', tree: tree([worker('w')]) }, ok(tuple('ok', pid('sup')), [['start', 'w', 1]])],
      [{ cmd: 'call', child: 'w', request: 'stop', timeout: 1000 }, ok({ reply: 'ok' }, [['terminate', 'w', 1, 'normal'], ['exit', 'w', 1, 'normal'], ['report', 'child_terminated', 'w', 'normal'], ['start', 'w', 2]])],
      [{ cmd: 'advance', ms: 0 }, ok()],
    ]);
  });
});

// ------------------------------------------------------------------------------- time and tasks

describe('advance', () => {
  it('moves the clock by ms: a task due within is done, one due later is not', async () => {
    await onBoth([
      [{ cmd: 'task_async', name: 't1', ms: 300, result: 1 }, ok()],
      [{ cmd: 'task_async', name: 't2', ms: 800, result: 2 }, ok()],
      [{ cmd: 'advance', ms: 0 }, ok()],
      [{ cmd: 'task_yield', name: 't1', timeout: 0 }, ok('nil')],
      [{ cmd: 'advance', ms: 500 }, ok()],
      [{ cmd: 'task_yield', name: 't1', timeout: 0 }, ok({ ok: 1 })],
      [{ cmd: 'task_yield', name: 't2', timeout: 0 }, ok('nil')],
      [{ cmd: 'advance', ms: 300 }, ok()],
      [{ cmd: 'task_yield', name: 't2', timeout: 0 }, ok({ ok: 2 })],
    ]);
  });
});

describe('tasks', () => {
  const crashedOwner = (name: string): Expected => ok({ owner_exit: raised(`${name} crashed`) });
  type Expected = Step[1];

  it('task commands start a non-trapping owner; a linked task that crashes takes it down: owner_exit everywhere', async () => {
    await onBoth([
      [{ cmd: 'task_owner_mailbox' }, ok([])],
      [{ cmd: 'task_async', name: 't1', ms: 300, result: 1 }, ok()],
      [{ cmd: 'task_async', name: 'x', ms: 100, raise: true }, ok()],
      [{ cmd: 'advance', ms: 200 }, ok()],
      [{ cmd: 'task_await', name: 't1', timeout: 1000 }, crashedOwner('x')],
      [{ cmd: 'task_yield', name: 'x', timeout: 0 }, crashedOwner('x')],
      [{ cmd: 'task_shutdown', name: 't1', mode: 100 }, crashedOwner('x')],
      [{ cmd: 'task_async', name: 'y', ms: 0, result: 1 }, crashedOwner('x')],
      [{ cmd: 'task_owner_mailbox' }, crashedOwner('x')],
    ]);
  });

  it('on the task clock: await, yield and shutdown results; mailbox contents; a new owner forgets the old tasks', async () => {
    await onBoth([
      [{ cmd: 'task_owner', trap_exit: true }, ok()],
      [{ cmd: 'task_async', name: 't1', ms: 300, result: 1 }, ok()],
      [{ cmd: 'task_yield', name: 't1', timeout: 100 }, ok('nil')],
      [{ cmd: 'task_yield', name: 't1', timeout: 1000 }, ok({ ok: 1 })],
      [{ cmd: 'task_async', name: 't2', ms: 300, result: { bin: 'two' } }, ok()],
      [{ cmd: 'advance', ms: 500 }, ok()],
      [{ cmd: 'task_shutdown', name: 't2', mode: 1000 }, ok({ ok: { bin: 'two' } })],
      [{ cmd: 'task_async', name: 't3', ms: 300, result: 3 }, ok()],
      [{ cmd: 'task_shutdown', name: 't3', mode: 'brutal_kill' }, ok('nil')],
      [{ cmd: 'task_async', name: 't4', ms: 300, result: 4, nolink: true }, ok()],
      [{ cmd: 'task_await', name: 't4', timeout: 1000 }, ok({ reply: 4 })],
      // The trapping owner has the EXITs of its linked tasks (t3 was unlinked by its shutdown, t4 is nolink).
      [{ cmd: 'task_owner_mailbox' }, ok([tuple('EXIT', pid('task:t1'), 'normal'), tuple('EXIT', pid('task:t2'), 'normal')])],
      [{ cmd: 'task_async', name: 'ta', ms: 300, result: 'a' }, ok()],
      [{ cmd: 'task_async', name: 'tb', ms: 200, result: 'b' }, ok()],
      // Awaiting ta (due at 300) runs tb (due at 200) on the way: its reply, EXIT and DOWN stay queued.
      [{ cmd: 'task_await', name: 'ta', timeout: 1000 }, ok({ reply: 'a' })],
      [
        { cmd: 'task_owner_mailbox' },
        ok([
          tuple({ ref: '?' }, 'b'),
          tuple('EXIT', pid('task:tb'), 'normal'),
          tuple('DOWN', { ref: '?' }, 'process', pid('task:tb'), 'normal'),
          tuple('EXIT', pid('task:ta'), 'normal'),
        ]),
      ],
      // The mailbox was flushed: tb's reply is gone.
      [{ cmd: 'task_yield', name: 'tb', timeout: 0 }, ok('nil')],
      [{ cmd: 'task_async', name: 't5', ms: 300, result: 5 }, ok()],
      [{ cmd: 'task_owner', trap_exit: false }, ok()],
      [{ cmd: 'task_owner_mailbox' }, ok([])],
    ]);
    const driver = driverAfter([{ cmd: 'task_async', name: 't5', ms: 300, result: 5 }, { cmd: 'task_owner', trap_exit: false }]);
    expect(driver.handle({ cmd: 'task_await', name: 't5', timeout: 1000 })).toEqual({ ok: false, error: 'unknown task t5' });
    expect(driver.handle({ cmd: 'task_shutdown', name: 'never', mode: 100 })).toEqual({ ok: false, error: 'unknown task never' });
  });
});

// ------------------------------------------------------------------------------- registry

describe('registry', () => {
  it('errors before reg_start (reg_kill of nobody is fine)', () => {
    const driver = new SimDriver();
    const error = { ok: false, error: 'no registry: send reg_start first' };
    expect(driver.handle({ cmd: 'reg_register', proc: 'p1', key: 'k', value: 1 })).toEqual(error);
    expect(driver.handle({ cmd: 'reg_unregister', proc: 'p1', key: 'k' })).toEqual(error);
    expect(driver.handle({ cmd: 'reg_lookup', key: 'k' })).toEqual(error);
    expect(driver.handle({ cmd: 'reg_keys', proc: 'p1' })).toEqual(error);
    expect(driver.handle({ cmd: 'reg_count' })).toEqual(error);
    expect(driver.handle({ cmd: 'reg_whereis', key: 'k' })).toEqual(error);
    expect(driver.handle({ cmd: 'reg_kill', proc: 'p1' })).toEqual({ ok: true, result: 'ok', events: [] });
  });

  it('duplicate keys: lookup sorted by name then value, keys, count, cleanup after reg_kill; whereis is an error', async () => {
    await onBoth([
      [{ cmd: 'reg_start', keys: 'duplicate', partitions: 3 }, ok()],
      [{ cmd: 'reg_register', proc: 'p2', key: 'k', value: 5 }, ok(tuple('ok', pid('?')))],
      [{ cmd: 'reg_register', proc: 'p1', key: 'k', value: 3 }, ok(tuple('ok', pid('?')))],
      [{ cmd: 'reg_register', proc: 'p1', key: 'k', value: 1 }, ok(tuple('ok', pid('?')))],
      [{ cmd: 'reg_register', proc: 'p10', key: 'k', value: 0 }, ok(tuple('ok', pid('?')))],
      [{ cmd: 'reg_register', proc: 'p1', key: tuple('k', 2), value: 'nil' }, ok(tuple('ok', pid('?')))],
      [{ cmd: 'reg_lookup', key: 'k' }, ok([['p1', 1], ['p1', 3], ['p10', 0], ['p2', 5]])],
      [{ cmd: 'reg_keys', proc: 'p1' }, ok(['k', 'k', tuple('k', 2)])],
      [{ cmd: 'reg_keys', proc: 'never' }, ok([])],
      [{ cmd: 'reg_count' }, ok(5)],
      [{ cmd: 'reg_kill', proc: 'p1' }, ok()],
      [{ cmd: 'reg_kill', proc: 'ghost' }, ok()],
      [{ cmd: 'reg_lookup', key: 'k' }, ok([['p10', 0], ['p2', 5]])],
      [{ cmd: 'reg_keys', proc: 'p1' }, ok([])],
      [{ cmd: 'reg_count' }, ok(2)],
      // The name comes back as a new process.
      [{ cmd: 'reg_register', proc: 'p1', key: 'k', value: 9 }, ok(tuple('ok', pid('?')))],
      [{ cmd: 'reg_lookup', key: 'k' }, ok([['p1', 9], ['p10', 0], ['p2', 5]])],
    ]);
    const driver = driverAfter([{ cmd: 'reg_start', keys: 'duplicate' }]);
    expect(driver.handle({ cmd: 'reg_whereis', key: 'k' })).toEqual({ ok: false, error: expect.stringContaining(':via is not supported for duplicate registries') });
  });

  it('unique keys: whereis, already_registered by the holder, a second reg_start is an error', async () => {
    await onBoth([
      [{ cmd: 'reg_start', keys: 'unique' }, ok()],
      [{ cmd: 'reg_whereis', key: 'k' }, ok('undefined')],
      [{ cmd: 'reg_register', proc: 'p1', key: 'k', value: 9 }, ok(tuple('ok', pid('?')))],
      [{ cmd: 'reg_register', proc: 'p1', key: 'k', value: 10 }, ok(tuple('error', tuple('already_registered', pid('p1'))))],
      [{ cmd: 'reg_register', proc: 'p2', key: 'k', value: 9 }, ok(tuple('error', tuple('already_registered', pid('p1'))))],
      [{ cmd: 'reg_whereis', key: 'k' }, ok(pid('p1'))],
    ]);
    const driver = driverAfter([{ cmd: 'reg_start', keys: 'unique' }]);
    expect(driver.handle({ cmd: 'reg_start', keys: 'unique' })).toMatchObject({ ok: false, error: expect.stringContaining('already_started') });
  });
});

// ------------------------------------------------------------------------------- events

describe('events', () => {
  it('a killed nested supervisor: its sup_exit, then its descendants as one group ordered by name, then the parent report and the restart', () => {
    for (const semantics of PROFILES) {
      const driver = driverAfter([CONCURRENT_DEATHS[0]![0]], semantics);
      const events = driver.handle({ cmd: 'kill', child: 'inner' }).events as Json[];
      expect(events[0]).toEqual(['sup_exit', 'sup:inner', 'killed']);
      const reportAt = events.findIndex((e) => (e as Json[])[0] === 'report');
      const group = events.slice(1, reportAt);
      const names = group.map(processOf);
      // Every descendant, the slow trapping a1 included; grouped per process, in byte order of names.
      expect([...new Set(names)]).toEqual(['a1#1', 'm1#1', 'sup:deep', 'z1#1']);
      expect(names).toEqual([...names].sort());
      expect(events[reportAt]).toEqual(['report', 'child_terminated', 'inner', 'killed']);
      expect(events.slice(reportAt + 1)).toEqual([['start', 'z1', 2], ['start', 'a1', 2], ['start', 'm1', 2]]);
      // Nothing of the group is left for the next command.
      expect(driver.handle({ cmd: 'advance', ms: 1000 }).events).toEqual([]);
    }
  });

  it('lifecycle events in order, reports name the offender by its child id', () => {
    const driver = driverAfter([{ cmd: 'sup_start', tree: tree([worker('a'), worker('b', { trap_exit: true, terminate_ms: 20 })], { strategy: 'one_for_all' }) }]);
    expect(driver.handle({ cmd: 'crash', child: 'a', reason: tuple('custom', 1) })).toEqual({
      ok: true,
      result: 'ok',
      events: [
        ['terminate', 'a', 1, tuple('custom', 1)], ['exit', 'a', 1, tuple('custom', 1)], ['report', 'child_terminated', 'a', tuple('custom', 1)],
        ['terminate', 'b', 1, 'shutdown'], ['exit', 'b', 1, 'shutdown'],
        ['start', 'a', 2], ['start', 'b', 2],
      ],
    });
  });
});

// ------------------------------------------------------------------------------- determinism

describe('determinism', () => {
  it('every script gives byte-identical responses on two fresh drivers and after a reset', async () => {
    for (const semantics of PROFILES) {
      const run = async (driver: SimDriver) => {
        const out: string[] = [];
        for (const [, steps] of SCRIPTS) for (const [request] of [...steps, RESET]) out.push(JSON.stringify(await driver.request(request as Command)));
        return out;
      };
      const reused = new SimDriver(semantics);
      const first = await run(reused);
      expect(await run(new SimDriver(semantics))).toEqual(first);
      expect(await run(reused)).toEqual(first);
    }
  });

  it('the same case twice in one driver gives the same bytes', () => {
    const driver = new SimDriver('otp25');
    const run = () => REPEATABLE_CASE.map((request) => JSON.stringify(driver.handle(request as Command)));
    const first = run();
    expect(first[1]).toContain('["start","b",2]');
    expect(run()).toEqual(first);
  });
});

// ------------------------------------------------------------------------------- bad parameters

describe('bad parameters', () => {
  const BAD: ReadonlyArray<[Request, RegExp]> = [
    [{ cmd: 'frobnicate' }, /^unknown command: "frobnicate"$/],
    [{ cmd: 'sup_call', sup: 'sup', fun: 'frob', args: [] }, /unknown supervisor function: "frob"/],
    [{ cmd: 'sup_call', sup: 'sup', fun: 'which_children', args: ['x'] }, /bad arguments for which_children/],
    [{ cmd: 'sup_call', sup: 'sup', fun: 'terminate_child', args: [] }, /bad arguments for terminate_child/],
    [{ cmd: 'sup_call', sup: 'sup', fun: 'get_childspec', args: ['a', 'b'] }, /bad arguments for get_childspec/],
    [{ cmd: 'sup_call', sup: 'sup', fun: 'start_child', args: [] }, /bad arguments for start_child/],
    [{ cmd: 'sup_call', sup: 'sup', fun: 'start_child', args: [{ restart: 'permanent' }] }, /id/],
    [{ cmd: 'sup_call', sup: 5, fun: 'which_children', args: [] }, /"sup" must be a string/],
    [{ cmd: 'sup_call', sup: 'sup', args: [] }, /"fun" must be a string/],
    [{ cmd: 'sup_stop', reason: { weird: 1 } }, /reason/],
    [{ cmd: 'crash', reason: 'boom' }, /"child" must be a string/],
    [{ cmd: 'crash', child: 7, reason: 'boom' }, /"child" must be a string/],
    [{ cmd: 'crash', child: 'a' }, /reason/],
    [{ cmd: 'kill' }, /"child" must be a string/],
    [{ cmd: 'signal', child: 'a' }, /reason/],
    [{ cmd: 'call', child: 'a', timeout: 100 }, /"request"/],
    [{ cmd: 'call', child: 'a', request: { what: 1 }, timeout: 100 }, /request/],
    [{ cmd: 'call', child: 'a', request: 'ping', timeout: 'soon' }, /"timeout"/],
    [{ cmd: 'call', child: 'a', request: 'ping', timeout: -1 }, /"timeout"/],
    [{ cmd: 'call', request: 'ping', timeout: 100 }, /"child" must be a string/],
    [{ cmd: 'cast', child: 'a' }, /"request"/],
    [{ cmd: 'advance' }, /"ms"/],
    [{ cmd: 'advance', ms: -5 }, /"ms"/],
    [{ cmd: 'advance', ms: 1.5 }, /"ms"/],
    [{ cmd: 'advance', ms: 'x' }, /"ms"/],
    [{ cmd: 'task_async', ms: 0, result: 1 }, /"name" must be a string/],
    [{ cmd: 'task_async', name: 'u', ms: -1, result: 1 }, /"ms"/],
    [{ cmd: 'task_async', name: 'u', ms: 0, result: { oops: 1 } }, /result/],
    [{ cmd: 'task_await', timeout: 10 }, /"name" must be a string/],
    [{ cmd: 'task_await', name: 't', timeout: 'x' }, /"timeout"/],
    [{ cmd: 'task_yield', name: 't', timeout: -3 }, /"timeout"/],
    [{ cmd: 'task_shutdown', name: 't', mode: 'gentle' }, /"mode"/],
    [{ cmd: 'task_await', name: 'nope', timeout: 10 }, /^unknown task nope$/],
    [{ cmd: 'reg_start', keys: 'weird' }, /"keys" must be unique, duplicate or duplicate_key/],
    [{ cmd: 'reg_start', keys: 'unique', partitions: 'two' }, /"partitions"/],
    [{ cmd: 'reg_start', keys: 'unique', partitions: -1 }, /"partitions"/],
    [{ cmd: 'reg_register', key: 'k', value: 1 }, /"proc" must be a string/],
    [{ cmd: 'reg_register', proc: 'p', value: 1 }, /key/],
    [{ cmd: 'reg_register', proc: 'p', key: { oops: 1 }, value: 1 }, /key/],
    [{ cmd: 'reg_unregister', proc: 'p' }, /key/],
    [{ cmd: 'reg_lookup' }, /key/],
    [{ cmd: 'reg_keys' }, /"proc" must be a string/],
    [{ cmd: 'reg_kill' }, /"proc" must be a string/],
    [{ cmd: 'reg_whereis' }, /key/],
  ];

  it('each gets ok: false with a one-line error; the driver goes on and no event is lost', () => {
    for (const semantics of PROFILES) {
      const driver = driverAfter(
        [
          { cmd: 'sup_start', tree: tree([worker('a')]) },
          { cmd: 'task_async', name: 't', ms: 300, result: 1 },
          { cmd: 'reg_start', keys: 'duplicate' },
        ],
        semantics,
      );
      for (const [request, error] of BAD) {
        const r = driver.handle(request as Command);
        expect(r, JSON.stringify(request)).toEqual({ ok: false, error: expect.stringMatching(error) });
        expect(r.error, JSON.stringify(request)).toMatch(/^[^\n]+$/);
      }
      // Still the same case, nothing changed by the refused requests.
      expect(driver.handle({ cmd: 'crash', child: 'a', reason: 'boom' })).toEqual({
        ok: true,
        result: 'ok',
        events: [['terminate', 'a', 1, 'boom'], ['exit', 'a', 1, 'boom'], ['report', 'child_terminated', 'a', 'boom'], ['start', 'a', 2]],
      });
      expect(driver.handle({ cmd: 'task_await', name: 't', timeout: 1000 })).toEqual({ ok: true, result: { reply: 1 }, events: [] });
      expect(driver.handle({ cmd: 'reg_count' })).toEqual({ ok: true, result: 0, events: [] });
    }
  });
});

// ------------------------------------------------------------------------------- extension commands

/** A request and the whole response the driver must give (errors included). */
type Exchange = [Request, Record<string, unknown>];
const err = (error: string) => ({ ok: false, error });
const good = (result: Json = 'ok', events: Json[] = []) => ({ ok: true, result, events });

/** Runs `exchanges` in order on a fresh driver of each profile. */
function exchangeOnBoth(exchanges: readonly Exchange[]): void {
  for (const semantics of PROFILES) {
    const driver = new SimDriver(semantics);
    for (const [request, expected] of exchanges) expect(driver.handle(request as Command), `${semantics} ${JSON.stringify(request)}`).toEqual(expected);
  }
}

describe('extension commands: errors and answers as the Elixir driver gives them', () => {
  // Every response below, errors included (same text), was measured on the Elixir driver
  // (drivers/elixir/driver.exs) on Elixir 1.14 / OTP 25 and Elixir 1.18 / OTP 27.
  const w = worker('w', { trap_exit: true });
  const p = worker('p');

  it('dynamic_supervisor: dyn_call before dyn_start, a second dyn_start, unknown functions and arities, terminate_child by process name', () => {
    exchangeOnBoth([
      [{ cmd: 'dyn_call', fun: 'count_children', args: [] }, err('no DynamicSupervisor: send dyn_start first')],
      [{ cmd: 'dyn_start' }, good(tuple('ok', pid('dsup')))],
      [{ cmd: 'dyn_start' }, err("the case's DynamicSupervisor is already running")],
      [{ cmd: 'dyn_call', fun: 'frob', args: [] }, err('bad dyn_call: "frob" with []')],
      [{ cmd: 'dyn_call', fun: 'count_children', args: ['x'] }, err('bad dyn_call: "count_children" with ["x"]')],
      [{ cmd: 'dyn_call', fun: 'count_children', args: 'x' }, err('bad dyn_call: "count_children" with "x"')],
      [{ cmd: 'dyn_call', fun: 'terminate_child', args: [5] }, err('bad dyn_call: "terminate_child" with [5]')],
      [{ cmd: 'dyn_call', fun: 'terminate_child', args: ['zz#1'] }, err('unknown process "zz#1"')],
      [{ cmd: 'dyn_call', fun: 'start_child', args: [w] }, good(tuple('ok', pid('w#1')), [['start', 'w', 1]])],
      // DynamicSupervisor.terminate_child/2 of a live child: :ok, the child shut down (its
      // terminate/2 runs: it traps exits); of a pid that is no longer a child: {:error, :not_found}.
      [{ cmd: 'dyn_call', fun: 'terminate_child', args: ['w#1'] }, good('ok', [['terminate', 'w', 1, 'shutdown'], ['exit', 'w', 1, 'shutdown']])],
      [{ cmd: 'dyn_call', fun: 'terminate_child', args: ['w#1'] }, good(tuple('error', 'not_found'))],
      // No "args" is [].
      [{ cmd: 'dyn_call', fun: 'count_children' }, good({ map: [['active', 0], ['specs', 0], ['supervisors', 0], ['workers', 0]] })],
    ]);
  });

  it('dynamic_supervisor: max_children reached is {:error, :max_children}', () => {
    exchangeOnBoth([
      [{ cmd: 'dyn_start', max_children: 1 }, good(tuple('ok', pid('dsup')))],
      [{ cmd: 'dyn_call', fun: 'start_child', args: [{ id: 'd' }] }, good(tuple('ok', pid('d#1')), [['start', 'd', 1]])],
      [{ cmd: 'dyn_call', fun: 'start_child', args: [{ id: 'd' }] }, good(tuple('error', 'max_children'))],
    ]);
  });

  it('partition_supervisor: part_whereis/part_call before part_start, a via name before reg_start, a bad name, a second start, bad part_call', () => {
    exchangeOnBoth([
      [{ cmd: 'part_whereis', key: 1 }, err('no PartitionSupervisor: send part_start first')],
      [{ cmd: 'part_call', fun: 'partitions', args: [] }, err('no PartitionSupervisor: send part_start first')],
      [{ cmd: 'part_start', name: 'via', child: p }, err('a via name needs the registry: send reg_start first')],
      [{ cmd: 'part_start', name: 'bogus', child: p }, err('bad PartitionSupervisor name: "bogus"')],
      [{ cmd: 'part_child_spec', name: 'bogus' }, err('bad PartitionSupervisor name: "bogus"')],
      // The defaults: an atom name, 2 partitions.
      [{ cmd: 'part_start', child: p }, good(tuple('ok', pid('psup')), [['start', 'p', 1], ['start', 'p', 2]])],
      [{ cmd: 'part_start', child: p }, err("the case's PartitionSupervisor is already running")],
      [{ cmd: 'part_call', fun: 'frob', args: [] }, err('bad part_call: "frob" with []')],
      [{ cmd: 'part_call', fun: 'resize', args: ['x'] }, err('bad part_call: "resize" with ["x"]')],
      [{ cmd: 'part_call', fun: 'count_children', args: 'x' }, err('bad part_call: "count_children" with "x"')],
      [{ cmd: 'part_call', fun: 'partitions' }, good(2)],
    ]);
  });

  it('start_probe without child or tree, or with a named child; reg_lock before reg_start; child_spec overrides not an object', () => {
    exchangeOnBoth([
      [{ cmd: 'start_probe' }, err('start_probe needs a child or a tree')],
      [{ cmd: 'start_probe', child: { id: 'n', name: 'nn' } }, err('start_probe: the child cannot have a name')],
      [{ cmd: 'reg_lock', key: 'k' }, err('no registry: send reg_start first')],
      [{ cmd: 'child_spec', child: { id: 'w' }, overrides: [] }, err('child_spec: "overrides" must be an object')],
      // No overrides: the spec with the defaults of a CHILD.
      [{ cmd: 'child_spec', child: { id: 'w' } }, good({ map: [['id', 'w'], ['restart', 'permanent'], ['shutdown', 5000], ['start', tuple(WORKER, 'start_link', ['w'])], ['type', 'worker']] })],
      // reg_start without "keys" is a unique registry: reg_whereis works (it is an error on a duplicate one).
      [{ cmd: 'reg_start' }, good()],
      [{ cmd: 'reg_whereis', key: 'k' }, good('undefined')],
    ]);
  });

  it('task_extensions: a taken name, unknown tasks, a second tsup_start; owner_exit once the owner died', () => {
    exchangeOnBoth([
      [{ cmd: 'task_completed', name: 'c' }, good()],
      [{ cmd: 'task_completed', name: 'c', result: 1 }, err('task "c" exists already')],
      [{ cmd: 'task_yield_many', names: ['c', 'nope'] }, err('unknown task "nope"')],
      // result defaults to :ok.
      [{ cmd: 'task_yield_many', names: ['c'] }, good([['c', { ok: 'ok' }]])],
      [{ cmd: 'tsup_start', shutdown: 100 }, good()],
      [{ cmd: 'tsup_start' }, err("the case's Task.Supervisor is already running")],
      [{ cmd: 'tsup_start_child', name: 'k' }, good(tuple('ok', pid('task:k')))],
      [{ cmd: 'task_async', name: 'x', ms: 0, raise: true }, good()],
      // The linked task's crash took the non-trapping owner down.
      [{ cmd: 'task_completed', name: 'c2' }, good({ owner_exit: raised('x crashed') })],
      [{ cmd: 'task_yield_many', names: ['x'] }, good({ owner_exit: raised('x crashed') })],
      [{ cmd: 'tsup_start_child', name: 'k2' }, good({ owner_exit: raised('x crashed') })],
      [{ cmd: 'task_owner_mailbox' }, good({ owner_exit: raised('x crashed') })],
    ]);
  });

  it('rule 96: tsup_start with restart: :transient, then start_child: {:ok, pid} on OTP 25, {:restart, :transient} on OTP 27', () => {
    // Measured with the Elixir driver: Elixir 1.14 / OTP 25 starts the child; Elixir 1.18 / OTP 27
    // answers the start_child with {:restart, :transient}. The same with a restart: :temporary
    // supervisor is {:ok, pid} on both.
    for (const [semantics, expected] of [['otp25', tuple('ok', pid('task:k'))], ['current', tuple('restart', 'transient')]] as const) {
      const driver = driverAfter([{ cmd: 'tsup_start', restart: 'transient', shutdown: 'brutal_kill' }], semantics);
      expect(driver.handle({ cmd: 'tsup_start_child', name: 'k' })).toEqual(good(expected));
      const temporary = driverAfter([{ cmd: 'tsup_start', restart: 'temporary' }], semantics);
      expect(temporary.handle({ cmd: 'tsup_start_child', name: 'k' })).toEqual(good(tuple('ok', pid('task:k'))));
    }
  });

  it('probes: task_stream with no items, with max_concurrency and timeout options', () => {
    exchangeOnBoth([
      [{ cmd: 'task_stream' }, good({ ok: [] })],
      [{ cmd: 'task_stream', items: [1, 2], timeout: 'infinity', max_concurrency: 1 }, good({ ok: [tuple('ok', 1), tuple('ok', 2)] })],
    ]);
  });

  it('tree defaults: a TREE without strategy, intensity or period, or without children; sup_stop without a reason is normal', () => {
    exchangeOnBoth([
      [{ cmd: 'sup_start', tree: { children: [{ id: 'a' }] } }, good(tuple('ok', pid('sup')), [['start', 'a', 1]])],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'which_children' }, good([tuple('a', pid('a#1'), 'worker', [WORKER])])],
      [{ cmd: 'sup_stop' }, good('ok', [['exit', 'a', 1, 'shutdown'], ['sup_exit', 'sup', 'normal']])],
      [{ cmd: 'reset' }, good()],
      [{ cmd: 'sup_start', tree: { strategy: 'one_for_one', max_restarts: 3, max_seconds: 5 } }, good(tuple('ok', pid('sup')))],
      [{ cmd: 'sup_call', sup: 'sup', fun: 'count_children', args: [] }, good({ map: [['active', 0], ['specs', 0], ['supervisors', 0], ['workers', 0]] })],
    ]);
  });
});

describe('extension commands: bad parameters the Elixir driver also refuses (its text differs)', () => {
  // Measured on the Elixir driver (OTP 25 and OTP 27): each is an error response there too, with
  // Elixir's own wording (e.g. "bad names: \"c\""); the simulator names the parameter.
  it.each<[string, Request, RegExp]>([
    ['task_yield_many names not a list', { cmd: 'task_yield_many', names: 'c' }, /^task_yield_many: "names" must be a list of strings$/],
    ['task_stream items not a list', { cmd: 'task_stream', items: 'x' }, /^task_stream: "items" must be a list$/],
    ['sup_start with front_end and no tree', { cmd: 'sup_start', front_end: true }, /^sup_start: missing "tree"$/],
    ['sup_call args not a list', { cmd: 'sup_call', sup: 'sup', fun: 'which_children', args: 'x' }, /^bad arguments for which_children: "x"$/],
  ])('%s', (_name, request, error) => {
    for (const semantics of PROFILES) {
      expect(new SimDriver(semantics).handle(request as Command)).toEqual({ ok: false, error: expect.stringMatching(error) });
    }
  });

  it('reg_start with duplicate_key keys on otp25 (Elixir < 1.19 refuses {:duplicate, :key}): an error naming the reason', () => {
    // The Elixir driver on OTP 25 and OTP 27: "expected :keys to be given and be one of :unique or
    // :duplicate, got: {:duplicate, :key}". The simulator's current profile has the capability.
    const r = new SimDriver('otp25').handle({ cmd: 'reg_start', keys: 'duplicate_key' });
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/^reg_start failed: .*duplicate/) });
    expect(r.error).not.toContain('null');
    expect(new SimDriver('current').handle({ cmd: 'reg_start', keys: 'duplicate_key' })).toEqual(good());
  });

  it.each<[string, Json]>([
    ['without a tree', { id: 'n', type: 'supervisor' }],
    ['with a tree that is not an object', { id: 'n', type: 'supervisor', tree: 'x' }],
    ['with a child without an id', { id: 'n', type: 'supervisor', tree: tree([{ restart: 'permanent' }]) }],
    ['with a bad grandchild', { id: 'n', type: 'supervisor', tree: tree([{ id: 'm', type: 'supervisor', tree: tree([worker('b', { init: 'explode' })]) }]) }],
  ])('a nested supervisor %s is a bad request, refused at once, not a failed start', (_name, child) => {
    for (const semantics of PROFILES) {
      const driver = new SimDriver(semantics);
      expect(driver.handle({ cmd: 'sup_start', tree: tree([worker('a'), child]) })).toEqual({ ok: false, error: expect.stringMatching(/^[^\n]+$/) });
      // Nothing started, and no event of it comes with the next response.
      expect(driver.handle({ cmd: 'sup_start', tree: tree([worker('a')]) })).toEqual(good(tuple('ok', pid('sup')), [['start', 'a', 1]]));
      expect(driver.handle({ cmd: 'sup_call', sup: 'sup', fun: 'start_child', args: [child] })).toEqual({ ok: false, error: expect.stringMatching(/^[^\n]+$/) });
    }
  });
});

describe('canonical terms through a worker and back', () => {
  it('improper lists, big integers and integral floats in a request, a reply and an exit reason keep their encoding', () => {
    // The same answers from the Elixir driver on Elixir 1.14 / OTP 25 and Elixir 1.18 / OTP 27.
    const improper: Json = { improper: [1, { bin: 'x' }], tail: 3 };
    const numbers: Json = tuple({ int: '123456789012345678901234567890' }, { float: 1 }, 2.5);
    const reason: Json = { improper: ['x'], tail: 'y' };
    exchangeOnBoth([
      [{ cmd: 'sup_start', tree: tree([{ id: 'a' }]) }, good(tuple('ok', pid('sup')), [['start', 'a', 1]])],
      [{ cmd: 'call', child: 'a', request: improper, timeout: 1000 }, good({ reply: tuple('unknown', improper) })],
      [{ cmd: 'call', child: 'a', request: numbers, timeout: 1000 }, good({ reply: tuple('unknown', numbers) })],
      [{ cmd: 'crash', child: 'a', reason }, good('ok', [['terminate', 'a', 1, reason], ['exit', 'a', 1, reason], ['report', 'child_terminated', 'a', reason], ['start', 'a', 2]])],
    ]);
  });
});
