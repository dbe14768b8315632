/**
 * The real-OTP driver (drivers/elixir/driver.exs) speaking docs/driver-protocol.md on every
 * oracle that is available here: `beam` (the host's Elixir 1.14 / OTP 25, installed by .ci/run)
 * and `beam27` (Elixir 1.18 / OTP 27 in the trixie root of scripts/oracle-setup.sh; skipped, with
 * the reason in the test name, when the root is absent or we cannot chroot).
 *
 * One short case per command family (scripts.ts). The expected responses were produced by real OTP
 * (identical on OTP 25 and OTP 27, and in 20 of 20 fresh runs with two CPU hogs): they are facts
 * about OTP, in canonical form, that the simulated driver must reproduce (simDriver.test.ts runs
 * the same scripts). Timing-dependent steps keep their margins at 200 ms or more.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORACLES, projectRoot, skipReason } from '../support/oracles.js';
import { CAPABILITIES, REPEATABLE_CASE, SCRIPTS, expectSteps, ok, pid, tree, tuple, worker, type Json, type Request } from './scripts.js';

const runScript = join(projectRoot, 'scripts', 'oracle-run.sh');


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

  /** Sends a request and returns the response without its (checked) id. */
  async sendWithoutId(request: Request): Promise<Record<string, Json>> {
    const { id: _id, ...response } = await this.send(request);
    void _id;
    return response;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

// ------------------------------------------------------------------------------- tests

const available = ORACLES.map((oracle) => ({ oracle, reason: skipReason(oracle) }));
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

    for (const [title, steps] of SCRIPTS) {
      it(title, async () => {
        await expectSteps((request) => driver.sendWithoutId(request), [...steps, [{ cmd: 'reset' }, ok()]]);
      });
    }

    it('reset isolates cases: the same case twice gives the same bytes', async () => {
      const run = async () => {
        const lines: string[] = [];
        for (const step of REPEATABLE_CASE) lines.push((await driver.raw(JSON.stringify({ id: 0, ...step }))).toString());
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
