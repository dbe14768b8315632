/** The CLI's commands, run in-process against the racy/safe counter fixtures. */
import { describe, expect, it } from 'vitest';
import { cli, LOAD } from './run.js';

async function racyToken(): Promise<string> {
  const r = await cli(['run', 'test/racy-counter', ...LOAD, '--runs', '200']);
  const token = /npx beamcheck replay (bc1\.[A-Za-z0-9_-]+)/.exec(r.out)?.[1];
  expect(token).toBeDefined();
  return token!;
}

describe('beamcheck list', () => {
  it('lists the 18 patterns and loaded targets', async () => {
    const r = await cli(['list', ...LOAD]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('p01-static-vs-dynamic-supervision  Static vs Dynamic Supervision');
    expect(r.out).toContain('p18-init-returns');
    expect(r.out).toContain('extra     test/racy-counter');
    const json = JSON.parse((await cli(['list', '--json', ...LOAD])).out);
    expect(json.patterns).toHaveLength(18);
    expect(json.patterns[3]).toMatchObject({ id: 'p04-restart-intensity', number: 4, slug: 'restart-intensity' });
    expect(json.extra.map((t: { id: string }) => t.id)).toEqual(['test/racy-counter', 'test/safe-counter']);
  });
});

describe('beamcheck check', () => {
  it('judges each target against its expectation, one line each, exit 0 when all are met', async () => {
    const r = await cli(['check', 'test/', ...LOAD, '--runs', '200']);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^✓ test\/racy-counter {2}counterexample found as expected \(after \d+ runs?, shrunk to \d+ decisions \/ \d+ trace events\)$/);
    expect(lines[1]).toBe('    expected 2 increments, counted 1');
    expect(lines[2]).toMatch(/^ {4}npx beamcheck replay bc1\./);
    expect(lines[3]).toMatch(/^✓ test\/safe-counter {2}holds \(200 schedules, \d+ ms\)$/);
    expect(r.out).toContain('✓ 2 of 2 targets met expectations (semantics current)');
    expect(r.err).toBe('');
  });

  it('--json gives machine-readable verdicts with the token and fast-check coordinates', async () => {
    const r = await cli(['check', 'test/', ...LOAD, '--json', '--runs', '200']);
    expect(r.code).toBe(0);
    const data = JSON.parse(r.out);
    expect(data.ok).toBe(true);
    const racy = data.targets.find((t: { id: string }) => t.id === 'test/racy-counter');
    expect(racy).toMatchObject({ expect: 'fails', outcome: 'counterexample', ok: true });
    expect(racy.counterexample.token).toMatch(/^bc1\./);
    expect(racy.counterexample.fastCheck).toMatchObject({ seed: 42 });
    expect(racy.counterexample.input).toEqual({ workers: 2, atomic: false });
  });

  it('--junit writes JUnit XML', async () => {
    const r = await cli(['check', 'test/', ...LOAD, '--runs', '50', '--junit', 'out.xml']);
    const xml = r.files.get('out.xml')!;
    expect(xml).toContain('<testsuites name="beamcheck" tests="2" failures="0" skipped="0"');
    expect(xml).toContain('<testcase classname="beamcheck.test" name="test/safe-counter"');
  });

  it('shows a progress line on a terminal and none otherwise', async () => {
    const tty = await cli(['check', 'test/safe-counter', ...LOAD, '--runs', '20'], {}, true);
    expect(tty.err).toMatch(/\r\x1b\[2K\d+ schedules, \d+\/s — test\/safe-counter/);
    const pipe = await cli(['check', 'test/safe-counter', ...LOAD, '--runs', '20'], {}, false);
    expect(pipe.err).toBe('');
  });

  it('with the clock fixed, --json output is byte-identical run to run (timings included)', async () => {
    const args = ['check', 'test/safe-counter', 'test/racy-counter', ...LOAD, '--runs', '50', '--json'];
    const [a, b] = [await cli(args), await cli(args)];
    expect(a.out).toBe(b.out);
    // The capture clock ticks 50 ms per read: each check reads it once before and once after.
    expect((JSON.parse(a.out) as { targets: Array<{ ms: number }> }).targets.map((v) => v.ms)).toEqual([50, 50]);
  });

  it('BEAMCHECK_RUNS sets the default run count', async () => {
    const r = await cli(['check', 'test/safe-counter', ...LOAD], { BEAMCHECK_RUNS: '7' });
    expect(r.out).toContain('holds (7 schedules');
  });
});

describe('beamcheck run', () => {
  it('exits 1 when the property fails and prints the full report once', async () => {
    const r = await cli(['run', 'test/racy-counter', ...LOAD, '--runs', '200']);
    expect(r.code).toBe(1);
    expect(r.out.match(/✗ test\/racy-counter: concurrent read-modify-write loses no increment/g)).toHaveLength(1);
    // The racy counter is meant to fail: the headline says so instead of calling it unexpected.
    expect(r.out.split('\n')[0]).toMatch(/^✗ test\/racy-counter {2}counterexample \(after \d+ runs?, shrunk to \d+ decisions \/ \d+ trace events\), as its pattern predicts$/);
    expect(r.out).toContain('  failed: expected 2 increments, counted 1');
    expect(r.out).toMatch(/ {2}schedule: \d+ decisions, \d+ away from FIFO/);
    expect(r.out).toMatch(/ {2}fast-check: \{ seed: 42, path: "[\d:]+" \}/);
  });

  it('--seed and --path from a report reproduce the same counterexample', async () => {
    const first = await cli(['run', 'test/racy-counter', ...LOAD, '--runs', '200', '--json']);
    const f = JSON.parse(first.out).targets[0].counterexample;
    const again = await cli(['run', 'test/racy-counter', ...LOAD, '--runs', '200', '--json', '--seed', String(f.fastCheck.seed), '--path', f.fastCheck.path]);
    expect(JSON.parse(again.out).targets[0].counterexample.token).toBe(f.token);
  });

  it('exits 0 for a target that holds', async () => {
    const r = await cli(['run', 'test/safe-counter', ...LOAD, '--runs', '30']);
    expect(r.code).toBe(0);
  });
});

describe('beamcheck replay', () => {
  it('text: the verdict and the trace, one event per line', async () => {
    const token = await racyToken();
    const r = await cli(['replay', token, ...LOAD]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('verdict: expected 2 increments, counted 1');
    expect(r.out).toMatch(/^ +0 ms {2}main<0\.0\.0> spawns counter<0\.1\.0>$/m);
  });

  it('json: two replays of the same token are byte-identical', async () => {
    const token = await racyToken();
    const a = await cli(['replay', token, ...LOAD, '--format', 'json']);
    const b = await cli(['replay', token, ...LOAD, '--format', 'json']);
    expect(a.out.length).toBeGreaterThan(1000);
    expect(a.out).toBe(b.out);
    for (const line of a.out.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('mermaid: a sequenceDiagram with one participant per process', async () => {
    const token = await racyToken();
    const r = await cli(['replay', token, ...LOAD, '--format', 'mermaid']);
    expect(r.out.startsWith('sequenceDiagram\n')).toBe(true);
    expect(r.out).toContain('participant P1 as counter 0.1.0');
    expect(r.out).not.toMatch(/#\d+#/);
  });

  it('html to a file; a file holding the token works as the argument', async () => {
    const token = await racyToken();
    const r = await cli(['replay', token, ...LOAD, '--format', 'html', '--out', 'report.html']);
    const html = r.files.get('report.html')!;
    expect(html).toContain('<svg');
    expect(html).toContain(`npx beamcheck replay ${token}`);
    expect(html).not.toMatch(/<script|https?:\/\//);
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'bc-')), 'token.txt');
    writeFileSync(file, `${token}\n`);
    const fromFile = await cli(['replay', file, ...LOAD, '--format', 'json']);
    const direct = await cli(['replay', token, ...LOAD, '--format', 'json']);
    expect(fromFile.out).toBe(direct.out);
  });
});

describe('beamcheck help', () => {
  it('"help" and --help print the usage on stdout and exit 0; no command at all prints it and exits 2', async () => {
    const help = await cli(['help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^beamcheck \d+\.\d+\.\d+ — /);
    expect(help.out).toContain('Exit codes: 0 every expectation met, 1 a property failed or an expectation was not met, 2 bad input,');
    expect(help.err).toBe('');
    const flag = await cli(['check', '--help']);
    expect(flag).toMatchObject({ code: 0, out: help.out, err: '' });
    const none = await cli([]);
    expect(none).toMatchObject({ code: 2, out: help.out });
  });
});

describe('beamcheck --version', () => {
  it('prints the version alone and exits 0, whatever else is on the line', async () => {
    const { VERSION } = await import('../../src/cli/main.js');
    for (const args of [['--version'], ['check', '--version', '--runs', '5']]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.out).toBe(`${VERSION}\n`);
      expect(r.err).toBe('');
    }
  });
});

describe('beamcheck check: the verdicts that disagree with the expectation, and skipped targets', () => {
  it('a target that is expected to fail but holds: "UNEXPECTED: no counterexample", exit 1', async () => {
    // p08-async-nolink/before needs more than one schedule to fail.
    const r = await cli(['check', 'p08-async-nolink/before', '--runs', '1']);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')[0]).toMatch(/^✗ p08-async-nolink\/before {2}UNEXPECTED: no counterexample in 1 schedule, \d+ ms$/);
    expect(r.out).toContain('✗ 0 of 1 target met expectations (semantics current)');
  });

  it('a target that must hold, under a mutation it catches: "UNEXPECTED counterexample" and the full report, exit 1', async () => {
    const r = await cli(['check', 'p06-auto-shutdown:trigger', '--mutation', 'auto-shutdown-ignored', '--runs', '300']);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^✗ p06-auto-shutdown:trigger {2}UNEXPECTED counterexample \(after \d+ runs?, shrunk to \d+ decisions \/ \d+ trace events\)$/);
    expect(lines[1]).toBe('✗ p06-auto-shutdown:trigger: the supervisor shuts itself down exactly when its significant children say so');
    expect(r.out).toMatch(/^ {2}failed: /m);
    expect(r.out).toContain('✗ 0 of 1 target met expectations (semantics current)');
  });

  it('targets of another semantics profile are skipped: a "-" line, outcome "skipped" in JSON, <skipped> in JUnit; they count as met', async () => {
    // p06-auto-shutdown:trigger, /after and /over are for the current profile only.
    const r = await cli(['check', 'p06-auto-shutdown', '--semantics', 'otp25', '--runs', '3', '--junit', 'j.xml']);
    expect(r.code).toBe(0);
    const skipped = r.out.split('\n').filter((line) => line.startsWith('- '));
    expect(skipped).toEqual([
      '- p06-auto-shutdown:trigger  skipped (not applicable to this semantics profile)',
      '- p06-auto-shutdown/after  skipped (not applicable to this semantics profile)',
      '- p06-auto-shutdown/over  skipped (not applicable to this semantics profile)',
    ]);
    expect(r.out).toContain('✓ 6 of 6 targets met expectations (semantics otp25)');
    const xml = r.files.get('j.xml')!;
    expect(xml).toContain('tests="6" failures="0" skipped="3"');
    expect(xml).toContain('<testcase classname="beamcheck.p06-auto-shutdown" name="p06-auto-shutdown/after" time="0.000"><skipped message="not applicable to otp25"/></testcase>');
    const json = JSON.parse((await cli(['check', 'p06-auto-shutdown/after', '--semantics', 'otp25', '--json'])).out);
    expect(json.targets).toEqual([{ id: 'p06-auto-shutdown/after', title: expect.any(String), expect: 'holds', outcome: 'skipped', ok: true, runs: 0, ms: 0 }]);
    // On its own profile it runs.
    expect((await cli(['check', 'p06-auto-shutdown/after', '--runs', '3'])).out).toMatch(/^✓ p06-auto-shutdown\/after {2}holds \(3 schedules, \d+ ms\)$/m);
  });
});

describe('beamcheck replay of a token the target no longer fits', () => {
  it('a choice log that does not fit the program: "replay diverged" on stderr, exit 1', async () => {
    const { decodeToken, encodeToken, ChoiceLog } = await import('../../src/index.js');
    const record = decodeToken(await racyToken());
    // The run's first real choice has far fewer than 99 options.
    const choices = new ChoiceLog();
    choices.record(99, 0);
    const r = await cli(['replay', encodeToken({ ...record, choices }), ...LOAD]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^beamcheck: replay diverged: .*99 options at choice #1.* \(the target's code changed since the token was made\)\n$/);
    // An empty log diverges at the first choice too.
    const empty = await cli(['replay', encodeToken({ ...record, choices: new ChoiceLog() }), ...LOAD]);
    expect(empty.code).toBe(1);
    expect(empty.err).toMatch(/^beamcheck: replay diverged: .*0 choices.*choice #1 of \d+ options/);
  });
});
