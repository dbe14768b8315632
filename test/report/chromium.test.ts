/**
 * The self-contained HTML report in real headless Chromium (Debian's `chromium`, installed by
 * .ci/run): the page loads from a file with no network, its sequence diagram has one lifeline per
 * process of the trace, and a screenshot is saved as a test artifact (artifacts/report.png).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkTarget } from '../../src/harness/checkTarget.js';
import { renderHtml } from '../../src/report/html.js';
import { describeSchedule, replayCommand } from '../../src/report/failure.js';
import { PidNames } from '../../src/report/names.js';
import { racyCounter } from '../harness/fixtures.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function chromium(args: string[]): string {
  const profile = mkdtempSync(join(tmpdir(), 'beamcheck-chromium-'));
  return execFileSync(CHROMIUM!, [...FLAGS, `--user-data-dir=${profile}`, ...args], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] });
}

describe('HTML report in headless Chromium', () => {
  it.skipIf(!CHROMIUM)('renders one lifeline per process and saves a screenshot (skipped only where chromium is not installed; .ci/run installs it)', () => {
    const report = checkTarget(racyCounter as never, { numRuns: 200 });
    const failure = report.failure!;
    const trace = failure.execution.outcome.run.trace;
    const html = renderHtml({
      title: report.target.id,
      verdict: failure.message,
      status: 'failed',
      input: failure.input,
      schedule: describeSchedule(failure.execution.outcome.run.choices),
      replayLine: replayCommand(failure.token),
      fastCheck: failure.fc,
      trace,
    });
    const dir = resolve('artifacts');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'report.html');
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;

    const dom = chromium(['--dump-dom', url]);
    const lifelines = [...dom.matchAll(/<g class="lifeline" data-pid="([^"]+)"/g)].map((m) => m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
    const processes = new PidNames(trace).order.map((p) => p.toString());
    expect(lifelines).toEqual(processes);
    expect(dom).toContain(failure.token);

    const png = join(dir, 'report.png');
    chromium([`--screenshot=${png}`, '--window-size=1400,900', url]);
    expect(existsSync(png)).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(10_000);
  }, 120_000);
});
