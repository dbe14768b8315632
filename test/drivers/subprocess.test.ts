/**
 * SubprocessDriver (src/drivers/SubprocessDriver.ts) survives its driver: a program that exits in
 * the middle of a case, prints garbage, hangs, answers the wrong id or refuses hello gives a
 * DriverError that names the problem, with the driver's last stderr lines; never a hang, never
 * another kind of error. Then `beamcheck driver`, the simulator as a subprocess, answers exactly
 * like the simulator in-process.
 */
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { driverCommand } from '../../src/cli/commands/driver.js';
import { DriverError, type Command } from '../../src/drivers/Driver.js';
import { driverFor } from '../../src/drivers/resolve.js';
import { SimDriver } from '../../src/drivers/SimDriver.js';
import { SubprocessDriver } from '../../src/drivers/SubprocessDriver.js';
import { ensureBuilt, fakeDriver, type FakeMode } from './fixtures.js';
import { CAPABILITIES, SCRIPTS } from './scripts.js';

/** The error `promise` rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<DriverError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a DriverError, got the value ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(DriverError);
  return outcome.error as DriverError;
}

const CRASH: Command = { cmd: 'crash', child: 'c1', reason: 'boom' };

describe('SubprocessDriver and a driver that fails as a program', () => {
  const cases: ReadonlyArray<[string, FakeMode, RegExp, RegExp]> = [
    ['exits in the middle of a case', 'exit', /^the driver "fake-exit" exited \(code 3\)$/, /giving up in the middle of crash/],
    ['prints something that is not JSON', 'garbage', /^the driver "fake-garbage" printed something that is not JSON: Segmentation fault \(not really\)$/, /ready/],
    ['prints JSON that is not a response (null)', 'null', /^the driver "fake-null" printed something that is not a response: null$/, /ready/],
    ['answers without "ok"', 'no-ok', /^the driver "fake-no-ok" printed something that is not a response: \{"id":2,"result":"ok","events":\[\]\}$/, /ready/],
    ['answers an id it was not asked', 'unknown-id', /^the driver "fake-unknown-id" answered an unknown request id: \{"id":1002,/, /ready/],
    ['hangs', 'hang', /^the driver "fake-hang" did not answer crash within 300 ms$/, /thinking about crash forever/],
  ];

  it.each(cases)('%s: a DriverError naming the problem, with the stderr tail', async (_name, mode, message, stderr) => {
    const driver = new SubprocessDriver(fakeDriver(mode), { label: `fake-${mode}`, timeoutMs: mode === 'hang' ? 300 : 10_000 });
    expect(await driver.hello()).toEqual({ protocol: 1, runtime: `fake (${mode})`, capabilities: ['supervisor'] });
    const error = await failure(driver.request(CRASH)); // request id 2, after hello's 1
    expect(error.message).toMatch(message);
    expect(error.message.split('\n')).toHaveLength(1);
    expect(error.stderrTail).toMatch(stderr);
    // The driver is dead for good: the next request fails at once with the same error, close() returns.
    expect(await failure(driver.request({ cmd: 'reset' }))).toBe(error);
    await driver.close();
  });

  it('refuses hello: a DriverError with its reason', async () => {
    const driver = new SubprocessDriver(fakeDriver('refuse-hello'), { label: 'picky' });
    const error = await failure(driver.hello());
    expect(error.message).toBe('the driver "picky" refused hello: protocol 1 is not spoken here');
    expect(error.stderrTail).toMatch(/fake driver \(refuse-hello\): ready/);
    await driver.close();
  });

  it('answers hello without a result: a DriverError that says what hello must answer', async () => {
    const driver = new SubprocessDriver(fakeDriver('hello-without-result'), { label: 'mute' });
    const error = await failure(driver.hello());
    expect(error.message).toBe('the driver "mute" answered hello with null, not {"protocol": 1, …}');
    await driver.close();
  });

  it('cannot start: a DriverError with the shell\'s complaint', async () => {
    const driver = new SubprocessDriver('/nonexistent/beamcheck-driver --fast', { label: 'missing' });
    const error = await failure(driver.hello());
    expect(error.message).toBe('the driver "missing" exited (code 127)');
    expect(error.stderrTail).toMatch(/not found/);
  });

  it('a driver that behaves: answers in order, close() ends it', async () => {
    const driver = new SubprocessDriver(fakeDriver('ok'));
    expect(driver.label).toBe(fakeDriver('ok'));
    const answers = await Promise.all([driver.request({ cmd: 'reset' }), driver.request(CRASH)]);
    expect(answers).toEqual([{ ok: true, result: 'ok', events: [] }, { ok: true, result: 'ok', events: [] }]);
    await driver.close();
    expect(await failure(driver.request({ cmd: 'reset' }))).toMatchObject({ message: 'closed' });
  });
});

// ------------------------------------------------------------------------------- beamcheck driver

describe('beamcheck driver', () => {
  beforeAll(() => ensureBuilt());

  it('as a subprocess answers every script exactly like the simulator in-process', async () => {
    const subprocess = driverFor('sim', 'otp25', 10_000);
    const inProcess = new SimDriver('otp25');
    try {
      expect(subprocess.label).toBe('sim subprocess (otp25)');
      expect(await subprocess.hello()).toEqual(await inProcess.hello());
      expect((await subprocess.hello()).capabilities).toEqual(CAPABILITIES);
      for (const [, steps] of SCRIPTS) {
        for (const [request] of [...steps, [{ cmd: 'reset' }] as const]) {
          const command = request as Command;
          expect(await subprocess.request(command), JSON.stringify(command).slice(0, 100)).toEqual(await inProcess.request(command));
        }
      }
    } finally {
      await subprocess.close();
    }
  });

  it('answers bad lines with an error line and goes on; quit ends it', async () => {
    const lines: string[] = [];
    const input = Readable.from(['not json\n', '{"id": 5}\n', '\n', '{"id": "x", "cmd": "hello", "protocol": 1}\n', '{"id": 6, "cmd": "frob"}\n', '{"id": 7, "cmd": "quit"}\n', '{"id": 8, "cmd": "reset"}\n']);
    expect(await driverCommand('current', input, (line) => lines.push(line))).toBe(0);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      { id: null, ok: false, error: 'the request is not valid JSON' },
      { id: 5, ok: false, error: 'the request has no "cmd"' },
      { id: 'x', ok: true, result: { protocol: 1, runtime: 'beamcheck simulator (current semantics)', capabilities: [...CAPABILITIES, 'registry_key_partitioning'] }, events: [] },
      { id: 6, ok: false, error: 'unknown command: "frob"' },
      { id: 7, ok: true, result: 'ok', events: [] },
    ]);
  });
});
