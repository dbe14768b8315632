/**
 * Driver programs for the tests of SubprocessDriver and `beamcheck verify`: the fake drivers of
 * test/fixtures/drivers/ as command lines, and `ensureBuilt()` for the tests that run the built
 * CLI (`beamcheck driver`, `verify --runtime sim`, the sim proxy import dist/).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../support/oracles.js';

const FIXTURES = join(projectRoot, 'test', 'fixtures', 'drivers');

/** How test/fixtures/drivers/fake.mjs misbehaves (see its switch). */
export type FakeMode = 'exit' | 'garbage' | 'null' | 'no-ok' | 'unknown-id' | 'hang' | 'refuse-hello' | 'hello-without-result' | 'ok';

/** The command line of a fake driver. */
export function fakeDriver(mode: FakeMode): string {
  return `"${process.execPath}" "${join(FIXTURES, 'fake.mjs')}" ${mode}`;
}

/** The command line of `beamcheck driver` behind a filter (test/fixtures/drivers/sim-proxy.mjs). */
export function simProxy(...flags: string[]): string {
  return [`"${process.execPath}"`, `"${join(FIXTURES, 'sim-proxy.mjs')}"`, ...flags].join(' ');
}

const MAIN_JS = join(projectRoot, 'dist', 'src', 'cli', 'main.js');

function builtIsFresh(): boolean {
  if (!existsSync(MAIN_JS)) return false;
  const built = statSync(MAIN_JS).mtimeMs;
  const newer = spawnSync('find', ['src', '-name', '*.ts', '-newer', MAIN_JS], { cwd: projectRoot, encoding: 'utf8' });
  return newer.status === 0 && newer.stdout.trim() === '' && built > 0;
}

/**
 * Builds dist/ (`npm run build`) unless it is newer than every source file, so that the built CLI
 * runs the code under test. CI builds it in `npm ci` already; locally this costs one build after
 * source changes. Test files run in parallel: a lock (flock) makes the others wait for the first
 * build instead of writing dist/ at the same time or reading it half written.
 */
export function ensureBuilt(): void {
  if (builtIsFresh()) return;
  const tsc = join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = `[ -f "${MAIN_JS}" ] && [ -z "$(find src -name '*.ts' -newer "${MAIN_JS}")" ] || "${process.execPath}" "${tsc}" -p tsconfig.build.json`;
  const lock = join(tmpdir(), `beamcheck-build-${Buffer.from(projectRoot).toString('hex').slice(-24)}.lock`);
  let r = spawnSync('flock', [lock, 'sh', '-c', build], { cwd: projectRoot, encoding: 'utf8' });
  if (r.error) r = spawnSync('sh', ['-c', build], { cwd: projectRoot, encoding: 'utf8' }); // no flock here
  // tsc still emits when another change in the tree does not typecheck; only a missing build fails.
  if (!builtIsFresh()) throw new Error(`npm run build did not bring dist/ up to date:\n${r.stdout}${r.stderr}`);
}
