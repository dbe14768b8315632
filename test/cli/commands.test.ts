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
