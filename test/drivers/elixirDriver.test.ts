/**
 * The real-OTP driver (drivers/elixir/driver.exs) speaking docs/driver-protocol.md on every
 * oracle that is available here: `beam` (the host's Elixir 1.14 / OTP 25, installed by .ci/run)
 * and `beam27` (Elixir 1.18 / OTP 27 in the trixie root of scripts/oracle-setup.sh; skipped, with
 * the reason in the test name, when the root is absent or we cannot chroot).
 *
 * One short case per command family. The expected responses were produced by real OTP (identical
 * on OTP 25 and OTP 27, and in 20 of 20 fresh runs with two CPU hogs): they are facts about OTP,
 * in canonical form, that the simulated driver must reproduce. Timing-dependent steps keep their
 * margins at 200 ms or more.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runScript = join(projectRoot, 'scripts', 'oracle-run.sh');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Request = { cmd: string } & { [key: string]: Json };
interface Expected {
  result: Json;
  events: Json[];
}
type Step = [Request, Expected];

// ------------------------------------------------------------------------------- oracles

interface Oracle {
  readonly name: 'beam' | 'beam27';
  readonly runtime: RegExp;
  /** Why the oracle cannot run here, or undefined when it can. */
  readonly unavailable: () => string | undefined;
}

function beamUnavailable(): string | undefined {
  const probe = spawnSync('elixir', ['--version'], { stdio: 'ignore' });
  return probe.status === 0 ? undefined : 'elixir is not installed (.ci/run installs it)';
}

function beam27Unavailable(): string | undefined {
  const root = process.env['BEAMCHECK_ORACLE_ROOT'] ?? join(projectRoot, '.oracle', 'trixie-root');
  if (!existsSync(join(root, 'usr', 'bin', 'elixir'))) return `no oracle root at ${root} (run scripts/oracle-setup.sh as root)`;
  if (process.getuid?.() !== 0) return 'the trixie root runs through chroot, which needs root';
  return undefined;
}

const ORACLES: readonly Oracle[] = [
  { name: 'beam', runtime: /^Elixir 1\.14\.\d+ \/ OTP 25$/, unavailable: beamUnavailable },
  { name: 'beam27', runtime: /^Elixir 1\.18\.\d+ \/ OTP 27$/, unavailable: beam27Unavailable },
];

// ------------------------------------------------------------------------------- the driver process

/** A driver subprocess: one request line out, one response line back. */
class Driver {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<(line: string) => void> = [];
  private readonly lines: string[] = [];
  private stderr = '';
  private nextId = 1;
  readonly exited: Promise<number | null>;

  constructor(oracle: string) {
    this.child = spawn('bash', [runScript, oracle], { cwd: projectRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const waiter = this.waiting.shift();
      if (waiter) waiter(line);
      else this.lines.push(line);
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Sends a raw line and returns the raw response line. */
  async raw(line: string, timeoutMs = 10_000): Promise<string> {
    this.child.stdin.write(`${line}\n`);
    const queued = this.lines.shift();
    if (queued !== undefined) return queued;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no response to ${line.slice(0, 80)}; stderr: ${this.stderr}`)), timeoutMs);
      this.waiting.push((response) => {
        clearTimeout(timer);
        resolve(response);
      });
    });
  }

  /** Sends a request with the next id; checks the id echo and returns the parsed response. */
  async send(request: Request): Promise<Record<string, Json>> {
    const id = this.nextId++;
    const response = JSON.parse(await this.raw(JSON.stringify({ id, ...request }))) as Record<string, Json>;
    expect(response['id'], `id echo for ${request.cmd}`).toBe(id);
    return response;
  }

  /** Runs `steps` and asserts each canonical response. */
  async expectSteps(steps: readonly Step[]): Promise<void> {
    for (const [request, expected] of steps) {
      const response = await this.send(request);
      expect(response, JSON.stringify(request).slice(0, 120)).toEqual({ id: response['id'], ok: true, ...expected });
    }
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

// ------------------------------------------------------------------------------- term helpers

const pid = (name: string): Json => ({ pid: name });
const tuple = (...items: Json[]): Json => ({ tuple: items });
/** `{%RuntimeError{message: m}, stacktrace}` in canonical form. */
const raised = (message: string): Json =>
  tuple({ map: [['__struct__', 'Elixir.RuntimeError'], ['message', { bin: message }]] }, []);
const WORKER = 'Elixir.Beamcheck.Worker';
const taskStruct = (name: string): Json => ({
  map: [
    ['__struct__', 'Elixir.Task'],
    ['mfa', tuple('erlang', 'apply', 2)],
    ['owner', pid('task_owner')],
    ['pid', pid(`task:${name}`)],
    ['ref', { ref: '?' }],
  ],
});

function worker(id: string, fields: { [key: string]: Json } = {}): { [key: string]: Json } {
  return { id, restart: 'permanent', shutdown: 500, trap_exit: false, terminate_ms: 0, init: 'ok', ...fields };
}

function tree(children: Json[], fields: { [key: string]: Json } = {}): { [key: string]: Json } {
  return { strategy: 'one_for_one', max_restarts: 3, max_seconds: 5, children, ...fields };
}

const ok = (result: Json = 'ok', events: Json[] = []): Expected => ({ result, events });

// ------------------------------------------------------------------------------- cases (facts about OTP)

const SUPERVISION: readonly Step[] = [
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

const SHUTDOWN_AND_INTENSITY: readonly Step[] = [
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

const failedToStart = (id: string, reason: Json): Json => tuple('shutdown', tuple('failed_to_start_child', id, reason));

const START_FAILURES_AND_AUTO_SHUTDOWN: readonly Step[] = [
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

const TASKS: readonly Step[] = [
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

const REGISTRY: readonly Step[] = [
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

const CAPABILITIES = ['supervisor', 'auto_shutdown', 'nested_supervisors', 'task', 'registry'];

// ------------------------------------------------------------------------------- tests

const available = ORACLES.map((oracle) => ({ oracle, reason: oracle.unavailable() }));
const drivers = new Map<string, Driver>();

// The VMs take a few seconds to start on a loaded machine: start every available one at once.
beforeAll(() => {
  for (const { oracle, reason } of available) if (reason === undefined) drivers.set(oracle.name, new Driver(oracle.name));
});
afterAll(() => drivers.forEach((driver) => driver.kill()));

for (const { oracle, reason } of available) {
  const title = reason === undefined ? `real-OTP driver on ${oracle.name}` : `real-OTP driver on ${oracle.name} (skipped: ${reason})`;

  describe.skipIf(reason !== undefined)(title, () => {
    let driver: Driver;

    beforeAll(() => {
      driver = drivers.get(oracle.name)!;
    });

    it('hello: runtime and capabilities', async () => {
      const response = await driver.send({ cmd: 'hello', protocol: 1 });
      expect(response['ok']).toBe(true);
      expect(response['events']).toEqual([]);
      const result = response['result'] as Record<string, Json>;
      expect(result['protocol']).toBe(1);
      expect(result['runtime']).toMatch(oracle.runtime);
      expect(result['capabilities']).toEqual(CAPABILITIES);
    });

    it('supervision: strategies, signals, calls, the supervisor API, a killed nested supervisor', async () => {
      await driver.expectSteps([...SUPERVISION, [{ cmd: 'reset' }, ok()]]);
    });

    it('shutdown timeouts, brutal_kill and restart intensity', async () => {
      await driver.expectSteps([...SHUTDOWN_AND_INTENSITY, [{ cmd: 'reset' }, ok()]]);
    });

    it('failed starts and auto_shutdown', async () => {
      await driver.expectSteps([...START_FAILURES_AND_AUTO_SHUTDOWN, [{ cmd: 'reset' }, ok()]]);
    });

    it('tasks on the task clock', async () => {
      await driver.expectSteps([...TASKS, [{ cmd: 'reset' }, ok()]]);
    });

    it('registry', async () => {
      await driver.expectSteps([...REGISTRY, [{ cmd: 'reset' }, ok()]]);
    });

    it('reset isolates cases: the same case twice gives the same bytes', async () => {
      const run = async () => {
        const lines: string[] = [];
        const steps: Request[] = [
          { cmd: 'sup_start', tree: tree([worker('a', { trap_exit: true }), worker('b')], { strategy: 'one_for_all' }) },
          { cmd: 'crash', child: 'b', reason: 'raise' },
          { cmd: 'task_async', name: 't', ms: 0, result: 1 },
          { cmd: 'reset' },
        ];
        for (const step of steps) lines.push((await driver.raw(JSON.stringify({ id: 0, ...step }))).toString());
        return lines;
      };
      const first = await run();
      expect(first[1]).toContain('["start","b",2]');
      expect(await run()).toEqual(first);
    });

    it('bad input gets an error line and the driver goes on', async () => {
      expect(JSON.parse(await driver.raw('not json'))).toMatchObject({ id: null, ok: false });
      expect(JSON.parse(await driver.raw('{"id": 5}'))).toMatchObject({ id: 5, ok: false });
      expect(await driver.send({ cmd: 'frobnicate' })).toMatchObject({ ok: false, error: 'unknown command: "frobnicate"' });
      expect(await driver.send({ cmd: 'crash' })).toMatchObject({ ok: false });
      expect(await driver.send({ cmd: 'reg_count' })).toMatchObject({ ok: false, error: 'no registry: send reg_start first' });
      expect(await driver.send({ cmd: 'hello', protocol: 2 })).toMatchObject({ ok: false });
      expect(await driver.send({ cmd: 'sup_start', tree: tree([worker('x')]) })).toMatchObject({ ok: true, result: tuple('ok', pid('sup')) });
    });

    it('quit answers, then the driver exits', async () => {
      expect(await driver.send({ cmd: 'quit' })).toEqual({ id: expect.any(Number), ok: true, result: 'ok', events: [] });
      expect(await driver.exited).toBe(0);
    });
  });
}
