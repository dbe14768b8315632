/** Runs the CLI in-process with captured output. */
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { readFileSync, writeFileSync } from 'node:fs';

export interface CliResult {
  code: number;
  out: string;
  err: string;
  files: Map<string, string>;
}

/** An in-memory `Io`: output is captured, written files are kept in `files`, the clock ticks 50 ms per read. */
export function captureIo(tty = false): { io: Io; result: () => Omit<CliResult, 'code'> } {
  let out = '';
  let err = '';
  const files = new Map<string, string>();
  let t = 0;
  const io: Io = {
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    tty,
    readFile: (p) => files.get(p) ?? readFileSync(p, 'utf8'),
    writeFile: (p, c) => void files.set(p, c),
    clock: () => (t += 50),
  };
  return { io, result: () => ({ out, err, files }) };
}

export async function cli(args: string[], env: Record<string, string> = {}, tty = false): Promise<CliResult> {
  const { io, result } = captureIo(tty);
  const code = await main(args, io, env);
  return { code, ...result() };
}

/**
 * The CLI tests' own targets. Under `npm run coverage` the CLI is the tsc build, which imports
 * `--load` modules natively, so it loads their build (tsconfig.coverage.json compiles it).
 */
export const LOAD = ['--load', process.env['BEAMCHECK_COVERAGE'] === '1' ? 'dist/test/fixtures/targets.js' : 'test/fixtures/targets.ts'];

export { writeFileSync };
