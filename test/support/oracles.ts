/**
 * The real-OTP oracles a test can use here (docs/driver-protocol.md): `beam` (the host's Elixir
 * 1.14 / OTP 25) and `beam27` (Elixir 1.18 / OTP 27 in the trixie root of scripts/oracle-setup.sh).
 *
 * A test about an oracle that is missing is skipped with the reason in its title, so that the
 * suite runs on a machine without Erlang. CI sets BEAMCHECK_REQUIRE_ORACLES=1 (.ci/run installs
 * both), and then a missing oracle fails instead of being skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Oracle {
  readonly name: 'beam' | 'beam27';
  /** The simulator profile it checks. */
  readonly semantics: 'otp25' | 'current';
  readonly runtime: RegExp;
  /** Why the oracle cannot run here, or undefined when it can. */
  readonly unavailable: () => string | undefined;
}

function beamUnavailable(): string | undefined {
  const probe = spawnSync('elixir', ['--version'], { stdio: 'ignore' });
  return probe.status === 0 ? undefined : 'elixir is not installed (.ci/run installs it)';
}

function beam27Unavailable(): string | undefined {
  const root = process.env['BEAMCHECK_ORACLE_ROOT'] ?? join(projectRoot, '.oracle', 'trixie-root');
  if (!existsSync(join(root, 'usr', 'bin', 'elixir'))) return `no oracle root at ${root} (run npm run oracle:setup as root)`;
  if (process.getuid?.() !== 0) return 'the trixie root runs through chroot, which needs root';
  return undefined;
}

export const ORACLES: readonly Oracle[] = [
  { name: 'beam', semantics: 'otp25', runtime: /^Elixir 1\.14\.\d+ \/ OTP 25$/, unavailable: beamUnavailable },
  { name: 'beam27', semantics: 'current', runtime: /^Elixir 1\.18\.\d+ \/ OTP 27$/, unavailable: beam27Unavailable },
];

/**
 * Why `oracle` cannot be used (the test is then skipped), or undefined. Throws when
 * BEAMCHECK_REQUIRE_ORACLES=1 and the oracle is missing.
 */
export function skipReason(oracle: Oracle): string | undefined {
  const reason = oracle.unavailable();
  if (reason !== undefined && process.env['BEAMCHECK_REQUIRE_ORACLES'] === '1') {
    throw new Error(`BEAMCHECK_REQUIRE_ORACLES=1 but the ${oracle.name} oracle is missing: ${reason}`);
  }
  return reason;
}
