/**
 * SubprocessDriver (src/drivers/SubprocessDriver.ts) survives its driver: a program that exits in
 * the middle of a case, prints garbage, hangs, answers the wrong id or refuses hello gives a
 * DriverError that names the problem, with the driver's last stderr lines; never a hang, never
 * another kind of error. Then `beamcheck driver`, the simulator as a subprocess, answers exactly
 * like the simulator in-process.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

// ------------------------------------------------------------------------------- more misbehaviours

/**
 * A driver program whose answer to each request line is `answer(request)` (a JS expression over
 * `req`, giving the lines to print, or null to print nothing), written to a temporary file.
 */
function scriptedDriver(answer: string, prologue = ''): string {
  const file = join(mkdtempSync(join(tmpdir(), 'beamcheck-driver-')), 'driver.mjs');
  writeFileSync(
    file,
    [
      "import { createInterface } from 'node:readline';",
      prologue,
      'for await (const line of createInterface({ input: process.stdin })) {',
      '  const req = JSON.parse(line);',
      `  const out = (${answer});`,
      "  if (out !== null) process.stdout.write(out.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)) + '\\n').join(''));",
      '}',
    ].join('\n'),
  );
  return `"${process.execPath}" "${file}"`;
}

const HELLO = "req.cmd === 'hello' ? [{ id: req.id, ok: true, result: { protocol: 1, runtime: 'scripted', capabilities: ['supervisor'] }, events: [] }]";

describe('SubprocessDriver: more ways a driver program misbehaves or is terse', () => {
  it('the stderr tail of a DriverError is the driver\'s last 5 stderr lines, however many it wrote', async () => {
    const prologue = "for (let i = 1; i <= 30; i++) process.stderr.write(`log line ${i}\\n`);";
    const driver = new SubprocessDriver(scriptedDriver(`${HELLO} : (process.stderr.write('dying now\\n'), process.exit(4))`, prologue), { label: 'chatty' });
    await driver.hello();
    const error = await failure(driver.request(CRASH));
    expect(error.message).toBe('the driver "chatty" exited (code 4)');
    expect(error.stderrTail).toBe(['log line 27', 'log line 28', 'log line 29', 'log line 30', 'dying now'].join('\n'));
  });

  it('blank lines between responses are not responses: ignored', async () => {
    const driver = new SubprocessDriver(scriptedDriver(`${HELLO} : ['', '   ', { id: req.id, ok: true, result: req.cmd, events: [] }]`));
    await driver.hello();
    expect(await driver.request({ cmd: 'reset' })).toEqual({ ok: true, result: 'reset', events: [] });
    expect(await driver.request(CRASH)).toEqual({ ok: true, result: 'crash', events: [] });
    await driver.close();
  });

  it('an id that is not a number is an unknown request id', async () => {
    const driver = new SubprocessDriver(scriptedDriver(`${HELLO} : [{ id: String(req.id), ok: true, result: 'ok', events: [] }]`), { label: 'stringly' });
    await driver.hello();
    const error = await failure(driver.request(CRASH));
    expect(error.message).toBe('the driver "stringly" answered an unknown request id: {"id":"2","ok":true,"result":"ok","events":[]}');
  });

  it('refuses hello without an error text: "no reason"', async () => {
    const driver = new SubprocessDriver(scriptedDriver("[{ id: req.id, ok: false }]"), { label: 'silent' });
    expect((await failure(driver.hello())).message).toBe('the driver "silent" refused hello: no reason');
    await driver.close();
  });

  it('hello for another protocol is refused with what it answered', async () => {
    const driver = new SubprocessDriver(scriptedDriver("[{ id: req.id, ok: true, result: { protocol: 2 }, events: [] }]"), { label: 'future' });
    expect((await failure(driver.hello())).message).toBe('the driver "future" answered hello with {"protocol":2}, not {"protocol": 1, …}');
    await driver.close();
  });

  it('a hello without runtime or capabilities: the label as runtime, no capabilities; capabilities that are not strings are dropped', async () => {
    const bare = new SubprocessDriver(scriptedDriver("[{ id: req.id, ok: true, result: { protocol: 1 }, events: [] }]"), { label: 'bare' });
    expect(await bare.hello()).toEqual({ protocol: 1, runtime: 'bare', capabilities: [] });
    await bare.close();
    const odd = new SubprocessDriver(scriptedDriver("[{ id: req.id, ok: true, result: { protocol: 1, runtime: 7, capabilities: ['task', 3, null, 'registry'] }, events: [] }]"));
    expect(await odd.hello()).toEqual({ protocol: 1, runtime: '7', capabilities: ['task', 'registry'] });
    await odd.close();
  });

  it('close() of a driver that exits on quit without answering returns, and the driver is closed', async () => {
    const driver = new SubprocessDriver(scriptedDriver(`${HELLO} : req.cmd === 'quit' ? process.exit(0) : [{ id: req.id, ok: true, result: 'ok', events: [] }]`));
    await driver.hello();
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
