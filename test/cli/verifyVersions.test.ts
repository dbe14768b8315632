/**
 * `beamcheck verify` between the two semantics profiles of the simulator: an OTP 25 / Elixir 1.14
 * simulator (a driver subprocess, given as a command line) against the current one in-process.
 * Each version case (supervision.md §13, processes.md §8) is a behaviour that differs between
 * those versions, so every one of them must be reported as a disagreement — the check that the
 * version cases can tell the versions apart — while the three generated cases of the default
 * seed agree.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERSION_CASES } from '../../src/drivers/verify/versionCases.js';
import { ensureBuilt } from '../drivers/fixtures.js';
import { cli } from './run.js';

beforeAll(() => ensureBuilt());

const BIN = fileURLToPath(new URL('../../bin/beamcheck.js', import.meta.url));
const OTP25 = `"${process.execPath}" "${BIN}" driver --semantics otp25`;
const ARGS = ['verify', '--runtime', OTP25, '--semantics', 'current', '--runs', '3'];

describe('beamcheck verify across versions', () => {
  it('reports every version case as a disagreement, with its row, rule and first differing command; exit 1', async () => {
    const r = await cli(ARGS);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`verify: beamcheck simulator (otp25 semantics) [${OTP25}] against beamcheck simulator (current semantics) [sim (current)]`);
    const reported = lines.filter((l) => l.startsWith('✗ version case '));
    expect(reported.map((l) => /^✗ version case (\S+) disagrees/.exec(l)?.[1])).toEqual(VERSION_CASES.map((c) => c.name));
    for (const [i, c] of VERSION_CASES.entries()) {
      expect(reported[i]).toContain(`(${c.row}, ${c.rule}; first at command `);
      expect(reported[i]!.endsWith(`: ${c.description}`)).toBe(true);
    }
    // Each disagreement is followed by the side-by-side text of both runtimes (the left column's
    // label is cut to the column width when the command line is long).
    expect(r.out).toContain(`    ${OTP25.slice(0, 30)}`);
    expect(r.out).toMatch(/<-- result differ/);
    expect(lines).toContain(`✗ ${VERSION_CASES.length} of ${VERSION_CASES.length} version cases disagree`);
    expect(lines).toContain('✓ 3 cases agree');
  });

  it('--json: ok is false, no version case agrees, each names where it first differs', async () => {
    const r = await cli([...ARGS, '--json']);
    expect(r.code).toBe(1);
    const summary = JSON.parse(r.out) as {
      ok: boolean;
      completed: number;
      versionCases: { agreed: number; cases: Array<{ name: string; row: string; agree: boolean; at?: { index: number; what: string }; text?: string }> };
    };
    expect(summary.ok).toBe(false);
    expect(summary.completed).toBe(3);
    expect(summary.versionCases.agreed).toBe(0);
    expect(summary.versionCases.cases.map((c) => [c.name, c.row])).toEqual(VERSION_CASES.map((c) => [c.name, c.row]));
    for (const c of summary.versionCases.cases) {
      expect(c.agree).toBe(false);
      expect(c.at!.index).toBeGreaterThanOrEqual(0);
      expect(c.text).toContain('sim (current)');
    }
  });
});
