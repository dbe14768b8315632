/**
 * The `beamcheck` program as a process (bin/beamcheck.js over dist/): what only a real process
 * shows — a closed stdout pipe, files it cannot write.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeOrExplain } from '../../src/cli/io.js';
import { UsageError } from '../../src/cli/UsageError.js';
import { ensureBuilt } from '../drivers/fixtures.js';
import { projectRoot } from '../support/oracles.js';
import { cli, captureIo } from './run.js';
import { main } from '../../src/cli/main.js';

beforeAll(() => ensureBuilt());

/** Runs bin/beamcheck.js with its stdout closed before it writes: like `beamcheck list | head -0`. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(projectRoot, 'bin', 'beamcheck.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    child.on('close', (code) => resolve({ code, err }));
  });
}

describe('beamcheck as a process', () => {
  it('ends quietly when the reader closes the pipe (EPIPE): no stack trace, the command exit code', async () => {
    const r = await withClosedStdout(['list']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('a path --out cannot write is bad input: one line, exit 2', async () => {
    const run = await cli(['run', 'p14-process-lineage/before', '--runs', '5']);
    const token = /npx beamcheck replay (bc1\.[A-Za-z0-9_-]+)/.exec(run.out)![1]!;
    const { io, result } = captureIo();
    const code = await main(['replay', token, '--format', 'html', '--out', '/nonexistent-beamcheck-dir/r.html'], { ...io, writeFile: writeOrExplain });
    expect(code).toBe(2);
    expect(result().err).toBe('beamcheck: cannot write /nonexistent-beamcheck-dir/r.html: no such directory\n');
  });

  it('writeOrExplain names the path and why (a directory)', () => {
    expect(() => writeOrExplain(projectRoot, 'x')).toThrow(new UsageError(`cannot write ${projectRoot}: it is a directory`));
  });
});
