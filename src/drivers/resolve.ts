/**
 * Runtime names to drivers: `sim` (the simulator as a separate program, `beamcheck driver`),
 * `beam` (real Elixir 1.14 / OTP 25 from Debian), `beam27` (Elixir 1.18 / OTP 27 in the trixie root
 * made by `npm run oracle:setup`), or any other string as a command line that speaks the protocol.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Semantics } from '../kernel/Runtime.js';
import type { Driver } from './Driver.js';
import { SimDriver } from './SimDriver.js';
import { SubprocessDriver } from './SubprocessDriver.js';

/** The beamcheck package root (the directory holding its package.json), from src/ or dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'drivers'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** The semantics profile a runtime is checked against by default. */
export function defaultSemantics(runtime: string): Semantics {
  return runtime === 'beam' ? 'otp25' : 'current';
}

export function driverFor(runtime: string, semantics: Semantics, timeoutMs: number): Driver {
  const root = packageRoot();
  switch (runtime) {
    case 'sim-inprocess':
      return new SimDriver(semantics);
    case 'sim':
      return new SubprocessDriver(`node "${join(root, 'bin/beamcheck.js')}" driver --semantics ${semantics}`, { timeoutMs, label: `sim subprocess (${semantics})` });
    case 'beam':
      return new SubprocessDriver(`"${join(root, 'scripts/oracle-run.sh')}" beam`, { timeoutMs, label: 'beam' });
    case 'beam27':
      return new SubprocessDriver(`"${join(root, 'scripts/oracle-run.sh')}" beam27`, { timeoutMs, label: 'beam27' });
    default:
      return new SubprocessDriver(runtime, { timeoutMs, label: runtime });
  }
}
