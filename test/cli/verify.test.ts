/**
 * `beamcheck verify` end to end (src/cli/commands/verify.ts): the CLI in-process (./run.ts), the
 * drivers as real subprocesses — the simulator (`beamcheck driver`, from dist/), fake drivers that
 * lie or crash (test/fixtures/drivers/), and the real OTP 25 oracle when it is installed. Bad flags
 * are in badInput.test.ts with every other bad input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, simProxy } from '../drivers/fixtures.js';
import { ORACLES, skipReason } from '../support/oracles.js';
import { VERSION_CASES } from '../../src/drivers/verify/versionCases.js';
import { firstDisagreement, sideBySide } from '../../src/drivers/verify/compare.js';
import type { Command, Response } from '../../src/drivers/Driver.js';
import type { Json } from '../../src/term/json.js';
import { cli } from './run.js';

beforeAll(() => ensureBuilt());

/** The lines of `text` that match `pattern`. */
const matching = (text: string, pattern: RegExp) => text.split('\n').filter((line) => pattern.test(line));

describe('beamcheck verify', () => {
  it('--runtime sim --runs 20: every case agrees, exit 0, with the runtimes and cases/s', async () => {
    const r = await cli(['verify', '--runtime', 'sim', '--runs', '20']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'verify: beamcheck simulator (current semantics) [sim subprocess (current)] against beamcheck simulator (current semantics) [sim (current)]',
    );
    expect(lines[1]).toMatch(/^capabilities compared: supervisor, /);
    expect(lines[2]).toMatch(/^cases\/s: sim subprocess \(current\) \d+\.\d, sim \(current\) \d+\.\d$/);
    // Every version case first (the simulator has every capability), then the generated cases.
    expect(lines[3]).toBe(`✓ ${VERSION_CASES.length} version cases agree`);
    expect(lines[4]).toBe('✓ 20 cases agree');
    expect(lines).toHaveLength(5);
  });

  it('--json: the summary parses, with both runtimes, cases/s and the count', async () => {
    const r = await cli(['verify', '--runtime', 'sim', '--runs', '5', '--semantics', 'otp25', '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as Record<string, unknown>;
    expect(summary).toMatchObject({
      runtime: { label: 'sim subprocess (otp25)', runtime: 'beamcheck simulator (otp25 semantics)', casesPerSecond: expect.any(Number) },
      against: { label: 'sim (otp25)', runtime: 'beamcheck simulator (otp25 semantics)', casesPerSecond: expect.any(Number) },
      capabilities: expect.arrayContaining(['supervisor', 'task', 'registry']),
      completed: 5,
      ok: true,
    });
    expect(summary).not.toHaveProperty('disagreement');
    expect(summary).not.toHaveProperty('driverError');
  });

  it('a driver that lies about kill: exit 1, the shrunk case side by side, and a reproduce line that reproduces it', async () => {
    const liar = simProxy('--lie-kill');
    // Runs stop at the first disagreement; many allowed, so that a kill of a running child comes up.
    const r = await cli(['verify', '--runtime', liar, '--runs', '1000']);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const [headline] = matching(r.out, /^✗ /);
    const m = /^✗ disagreement after (\d+) cases, shrunk to (\d+) commands \(first at command (\d+): result\):$/.exec(headline ?? '');
    expect(m, r.out).not.toBeNull();
    const [, , size, at] = m!.map(Number);
    // Shrunk: a tree with one child, the kill, and the case's own last command at most.
    expect(size).toBeLessThanOrEqual(3);
    // The marked command is a kill; below it, the two answers side by side.
    const table = r.out.split('\n');
    const marked = table.findIndex((line) => line.startsWith('>>'));
    expect(table[marked]).toMatch(new RegExp(`^>> ?${at} \\{"cmd":"kill".*<-- result differ$`));
    expect(table[marked + 1]).toMatch(/^ {4}= "not_running" +\| = "ok"$/);
    expect(table.filter((line) => line.startsWith('>>'))).toHaveLength(1);
    // The reproduce line runs the same disagreement again, byte for byte but for the speeds.
    const [reproduce] = matching(r.out, /^ {2}reproduce: /);
    const args = /^ {2}reproduce: beamcheck verify --runtime (".*") --against sim-inprocess --semantics current --seed (\d+) --runs 1000 {3}\(fast-check path [\d:]+\)$/.exec(reproduce ?? '');
    expect(args, reproduce).not.toBeNull();
    expect(JSON.parse(args![1]!)).toBe(liar);
    const again = await cli(['verify', '--runtime', liar, '--against', 'sim-inprocess', '--semantics', 'current', '--seed', args![2]!, '--runs', '1000']);
    const withoutSpeeds = (out: string) => out.replace(/^cases\/s: .*$/m, 'cases/s: …');
    expect(again.code).toBe(1);
    expect(withoutSpeeds(again.out)).toBe(withoutSpeeds(r.out));
  });

  it('--json with a lying driver: the disagreement with its case, position and fast-check coordinates', async () => {
    const r = await cli(['verify', '--runtime', simProxy('--lie-kill'), '--runs', '1000', '--seed', '7', '--json']);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.out) as { ok: boolean; completed: number; disagreement: { case: { commands: Array<{ cmd: string }> }; at: { index: number; what: string }; fastCheck: { seed: number; path: string }; text: string } };
    expect(summary.ok).toBe(false);
    const d = summary.disagreement;
    expect(d.at.what).toBe('result');
    expect(d.case.commands[d.at.index]!.cmd).toBe('kill');
    expect(d.fastCheck).toEqual({ seed: 7, path: expect.stringMatching(/^\d+(:\d+)*$/) });
    expect(d.text).toContain('<-- result differ');
    expect(summary.completed).toBeGreaterThanOrEqual(1);
  });

  it('a driver that crashes mid-run: exit 1, one line naming it with the count of completed cases, its stderr', async () => {
    // Past the version cases (which run first), inside the generated ones.
    const crashing = simProxy('--exit-after', '400');
    const r = await cli(['verify', '--runtime', crashing, '--runs', '50']);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const [line, ...more] = matching(r.out, /^✗ /);
    expect(more).toEqual([]);
    const m = new RegExp(`^✗ the driver (.+) failed after (\\d+) completed cases: the driver "(.+)" exited \\(code 3\\)$`).exec(line ?? '');
    expect(m, r.out).not.toBeNull();
    expect(m![1]).toBe(crashing);
    expect(m![3]).toBe(crashing);
    // The proxy says in which case it died (its reset count, version cases included): the
    // generated cases before it completed.
    const died = /sim-proxy: exiting on request 400 \(\w+\), in case (\d+)/.exec(r.out);
    expect(died, r.out).not.toBeNull();
    expect(Number(m![2])).toBe(Number(died![1]) - 1 - VERSION_CASES.length);
    expect(Number(m![2])).toBeGreaterThan(0);
  });
});

describe('beamcheck verify: a driver that dies during the version cases', () => {
  it('exit 1 with the driver failure after 0 completed cases; no cases/s (–, null in JSON); the version cases that ran before it are reported', async () => {
    // The proxy exits on its 10th request: inside the third version case (hello, then 2 cases of
    // reset + 3 commands, then that case's reset and first command).
    const dying = simProxy('--exit-after', '10');
    const r = await cli(['verify', '--runtime', dying, '--runs', '5']);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[2]).toBe(`cases/s: ${dying} –, sim (current) –`);
    expect(lines[3]).toMatch(/^✓ \d+ version cases agree$/);
    expect(lines[4]).toBe(`✗ the driver ${dying} failed after 0 completed cases: the driver "${dying}" exited (code 3)`);
    expect(lines[5]).toBe('  its last stderr lines:');
    expect(lines[6]).toMatch(/^ {4}sim-proxy: exiting on request 10 \(\w+\), in case \d+$/);
    // No generated case ran.
    expect(r.out).not.toMatch(/^✓ 5 cases agree$/m);

    const json = JSON.parse((await cli(['verify', '--runtime', dying, '--runs', '5', '--json'])).out) as { versionCases: { cases: unknown[] } } & Record<string, unknown>;
    expect(json).toMatchObject({
      runtime: { label: dying, casesPerSecond: null },
      against: { label: 'sim (current)', casesPerSecond: null },
      completed: 0,
      ok: false,
      driverError: { driver: dying, message: `the driver "${dying}" exited (code 3)`, stderr: expect.stringMatching(/sim-proxy: exiting on request 10/) },
    });
    expect(json['versionCases'].cases.length).toBeLessThan(VERSION_CASES.length);
    expect(json).not.toHaveProperty('disagreement');
  });
});

const beam = ORACLES.find((oracle) => oracle.name === 'beam')!;
const noBeam = skipReason(beam);

describe.skipIf(noBeam !== undefined)(`beamcheck verify against real OTP 25${noBeam ? ` (skipped: ${noBeam})` : ''}`, () => {
  it('--runtime beam --runs 20 agrees with the otp25 profile', async () => {
    const r = await cli(['verify', '--runtime', 'beam', '--runs', '20']);
    expect(r.out).toMatch(/^verify: Elixir 1\.14\.\d+ \/ OTP 25 \[beam\] against beamcheck simulator \(otp25 semantics\) \[sim \(otp25\)\]$/m);
    expect(r.out).toContain('✓ 20 cases agree');
    expect(r.code, `${r.out}${r.err}`).toBe(0); // the whole report when it does not pass
  });
});

describe('comparing two drivers\' observations (src/drivers/verify/compare.ts)', () => {
  type Obs = { command: Command; response: Response }[];
  const step = (cmd: string, response: Response): Obs[number] => ({ command: { cmd }, response });
  const okResponse = (result: Json, events: Json[] = []): Response => ({ ok: true, result, events });

  it('ok against an error is an "ok" disagreement; two errors agree whatever their texts', () => {
    const a: Obs = [step('reset', okResponse('ok')), step('frob', { ok: false, error: 'unknown command: "frob"' }), step('x', okResponse(1))];
    const b: Obs = [step('reset', okResponse('ok')), step('frob', { ok: false, error: 'no such thing' }), step('x', okResponse(1))];
    expect(firstDisagreement(a, b)).toBeNull();
    const c: Obs = [step('reset', okResponse('ok')), step('frob', okResponse('ok')), step('x', okResponse(1))];
    expect(firstDisagreement(a, c)).toEqual({ index: 1, what: 'ok' });
  });

  it('results compare with key order ignored; the lifecycle and supervisor streams each in order, interleaving ignored', () => {
    const start = ['start', 'a', 1];
    const report = ['report', 'child_terminated', 'a', 'boom'];
    const a: Obs = [step('c', okResponse({ map: [['k', 1]] }, [start, report]))];
    // Same streams, interleaved differently, result keys in another order: agreement.
    const reordered = { ok: true, events: [report, start], result: { map: [['k', 1]] } } as Response;
    expect(firstDisagreement(a, [step('c', reordered)])).toBeNull();
    expect(firstDisagreement(a, [step('c', okResponse({ map: [['k', 2]] }, [start, report]))])).toEqual({ index: 0, what: 'result' });
    expect(firstDisagreement(a, [step('c', okResponse({ map: [['k', 1]] }, [report]))])).toEqual({ index: 0, what: 'lifecycle events' });
    expect(firstDisagreement(a, [step('c', okResponse({ map: [['k', 1]] }, [start]))])).toEqual({ index: 0, what: 'supervisor events' });
    // A response with no events at all equals one with an empty list.
    expect(firstDisagreement([step('c', { ok: true, result: 1 })], [step('c', okResponse(1))])).toBeNull();
  });

  it('one driver observed fewer commands: an "ok" disagreement at the first missing one; side by side shows "(no response)"', () => {
    const a: Obs = [step('reset', okResponse('ok')), step('kill', okResponse('ok', [['exit', 'a', 1, 'killed']]))];
    const b: Obs = [step('reset', okResponse('ok'))];
    const d = firstDisagreement(a, b);
    expect(d).toEqual({ index: 1, what: 'ok' });
    const text = sideBySide(a, b, ['left', 'right'], d, 20).split('\n');
    expect(text).toEqual([
      `    ${'left'.padEnd(20)} | right`,
      '   1 {"cmd":"reset"}',
      `    ${'= "ok"'.padEnd(20)} | = "ok"`,
      '>> 2 {"cmd":"kill"}   <-- ok differ',
      `    ${'= "ok"'.padEnd(20)} | (no response)`,
      `    ${'  ["exit","a",1,"ki…'} | `,
    ]);
    expect(firstDisagreement(b, a)).toEqual({ index: 1, what: 'ok' });
  });

  it('side by side shows an error response as its text, and a null result', () => {
    const a: Obs = [step('frob', { ok: false, error: 'unknown command: "frob"' })];
    const b: Obs = [step('frob', { ok: true, events: [] } as unknown as Response)];
    expect(sideBySide(a, b, ['A', 'B'], firstDisagreement(a, b), 30).split('\n').slice(1)).toEqual([
      '>> 1 {"cmd":"frob"}   <-- ok differ',
      `    ${'error: unknown command: "frob"'.padEnd(30)} | = null`,
    ]);
  });
});
