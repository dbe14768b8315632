/**
 * Differential conformance. First the version cases (./versionCases.ts) that both drivers support
 * run on both, each compared as it is (a disagreement there is reported side by side, not
 * shrunk: the case is already minimal and names the rule). Then fast-check generates cases, both
 * drivers run each one, and any disagreement is shrunk to a minimal command sequence and reported
 * with both observation streams side by side. A driver that fails as a program ends the run with
 * a clear error; the cases completed before are counted.
 */
import fc from 'fast-check';
import { DriverError, type Command, type Driver, type Hello } from '../Driver.js';
import { caseArbitrary, type Case } from './cases.js';
import { firstDisagreement, sideBySide, type Disagreement, type Observed } from './compare.js';
import { VERSION_CASES, versionCasesFor, type VersionCase } from './versionCases.js';

export interface VerifyOptions {
  readonly runs: number;
  readonly seed: number;
  readonly onCase?: (done: number) => void;
}

/** How one version case went: both drivers agreed, or where they first differ. */
export interface VersionOutcome {
  readonly case: VersionCase;
  readonly disagreement?: { at: Disagreement; a: Observed; b: Observed; text: string };
}

export interface VerifyReport {
  readonly drivers: [Hello, Hello];
  readonly labels: [string, string];
  readonly capabilities: string[];
  /** The version cases both drivers support, in order, and the names of the others. */
  readonly versionCases: { readonly outcomes: VersionOutcome[]; readonly unsupported: string[] };
  /** Cases both drivers completed. */
  readonly completed: number;
  /** Wall-clock ms each driver spent, for cases/s. */
  readonly ms: [number, number];
  readonly disagreement?: { case: Case; at: Disagreement; a: Observed; b: Observed; text: string; fc: { seed: number; path: string } };
  readonly driverError?: { driver: string; message: string; stderr: string };
}

export async function runCase(driver: Driver, c: { readonly commands: readonly Command[] }): Promise<Observed> {
  const observed: Array<{ command: Command; response: Awaited<ReturnType<Driver['request']>> }> = [];
  await driver.request({ cmd: 'reset' });
  for (const command of c.commands) observed.push({ command, response: await driver.request(command) });
  return observed;
}

function driverErrorOf(e: unknown, a: Driver, b: Driver): NonNullable<VerifyReport['driverError']> {
  if (!(e instanceof DriverError)) throw e;
  return { driver: e.message.includes(b.label) ? b.label : a.label, message: e.message, stderr: e.stderrTail };
}

/** Runs every version case in `cases` on both drivers and compares each as it is, into `outcomes`. */
async function runVersionCases(a: Driver, b: Driver, cases: readonly VersionCase[], outcomes: VersionOutcome[]): Promise<void> {
  for (const vc of cases) {
    const oa = await runCase(a, vc);
    const ob = await runCase(b, vc);
    const at = firstDisagreement(oa, ob);
    outcomes.push(at === null ? { case: vc } : { case: vc, disagreement: { at, a: oa, b: ob, text: sideBySide(oa, ob, [a.label, b.label], at) } });
  }
}

export async function verify(a: Driver, b: Driver, options: VerifyOptions): Promise<VerifyReport> {
  const ha = await a.hello();
  const hb = await b.hello();
  const capabilities = ha.capabilities.filter((c) => hb.capabilities.includes(c));
  const supported = versionCasesFor(capabilities);
  const versionCases = { outcomes: [] as VersionOutcome[], unsupported: VERSION_CASES.filter((c) => !supported.includes(c)).map((c) => c.name) };
  const ms: [number, number] = [0, 0];
  let completed = 0;
  let driverError: VerifyReport['driverError'];
  try {
    await runVersionCases(a, b, supported, versionCases.outcomes);
  } catch (e) {
    return { drivers: [ha, hb], labels: [a.label, b.label], capabilities, versionCases, completed, ms, driverError: driverErrorOf(e, a, b) };
  }
  // Wall time per driver, for cases/s only: the drivers run outside any simulated run (the sim
  // driver's own runs see virtual time through their guard).
  const timed = async (i: 0 | 1, d: Driver, c: Case) => {
    const t0 = performance.now();
    const r = await runCase(d, c);
    ms[i] += performance.now() - t0;
    return r;
  };
  const property = fc.asyncProperty(caseArbitrary(capabilities), async (c) => {
    if (driverError) return true; // the run is over; let fast-check finish without shrinking
    try {
      const oa = await timed(0, a, c);
      const ob = await timed(1, b, c);
      completed++;
      options.onCase?.(completed);
      return firstDisagreement(oa, ob) === null;
    } catch (e) {
      driverError = driverErrorOf(e, a, b);
      return false;
    }
  });
  const details = await fc.check(property, { numRuns: options.runs, seed: options.seed });
  const base = { drivers: [ha, hb] as [Hello, Hello], labels: [a.label, b.label] as [string, string], capabilities, versionCases, completed, ms };
  if (driverError) return { ...base, driverError };
  if (!details.failed) return base;
  if (!details.counterexample) throw details.errorInstance ?? new Error('verify failed without a counterexample');
  const [c] = details.counterexample;
  const oa = await runCase(a, c);
  const ob = await runCase(b, c);
  const at = firstDisagreement(oa, ob) ?? { index: -1, what: 'ok' as const };
  return {
    ...base,
    disagreement: { case: c, at, a: oa, b: ob, text: sideBySide(oa, ob, [a.label, b.label], at), fc: { seed: details.seed, path: details.counterexamplePath ?? '' } },
  };
}
