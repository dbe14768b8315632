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

const beam = ORACLES.find((oracle) => oracle.name === 'beam')!;
const noBeam = skipReason(beam);

describe.skipIf(noBeam !== undefined)(`beamcheck verify against real OTP 25${noBeam ? ` (skipped: ${noBeam})` : ''}`, () => {
  it('--runtime beam --runs 20 agrees with the otp25 profile', async () => {
    const r = await cli(['verify', '--runtime', 'beam', '--runs', '20']);
    expect(r.out).toMatch(/^verify: Elixir 1\.14\.\d+ \/ OTP 25 \[beam\] against beamcheck simulator \(otp25 semantics\) \[sim \(otp25\)\]$/m);
    expect(r.out).toContain('✓ 20 cases agree');
    expect(r.code).toBe(0);
  });
});
