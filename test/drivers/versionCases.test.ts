/**
 * The version cases (src/drivers/verify/versionCases.ts) do their job: each one exercises a
 * difference between the simulator's two semantics profiles (their observations differ), and on
 * the real oracles available here each profile matches the runtime it claims to be — `beam`
 * (Elixir 1.14 / OTP 25) agrees with `otp25`, `beam27` (Elixir 1.18 / OTP 27) with `current` —
 * while the two oracles themselves differ. One driver process per oracle serves every case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../../src/drivers/Driver.js';
import { SimDriver } from '../../src/drivers/SimDriver.js';
import { driverFor } from '../../src/drivers/resolve.js';
import { firstDisagreement, sideBySide, type Observed } from '../../src/drivers/verify/compare.js';
import { runCase } from '../../src/drivers/verify/verify.js';
import { VERSION_CASES, versionCasesFor, type VersionCase } from '../../src/drivers/verify/versionCases.js';
import { ORACLES, skipReason, type Oracle } from '../support/oracles.js';

/** Every case's observations on one driver, in case order. */
async function observeAll(driver: Driver): Promise<Map<string, Observed>> {
  const out = new Map<string, Observed>();
  for (const vc of VERSION_CASES) out.set(vc.name, await runCase(driver, vc));
  return out;
}

const explain = (vc: VersionCase, a: Observed, b: Observed, labels: [string, string]) =>
  `${vc.name} (${vc.row}: ${vc.description})\n${sideBySide(a, b, labels, firstDisagreement(a, b))}`;

describe('version cases: the data', () => {
  it('have unique names, a row, a rule and capabilities every driver here offers', () => {
    expect(new Set(VERSION_CASES.map((c) => c.name)).size).toBe(VERSION_CASES.length);
    const offered = new SimDriver('otp25').helloSync().capabilities;
    for (const vc of VERSION_CASES) {
      expect(vc.row).toMatch(/^(D\d+|E\d+|P:[a-z-]+)$/);
      expect(vc.rule).toMatch(/(supervision|processes)\.md/);
      expect(vc.commands.length).toBeGreaterThan(0);
      expect(versionCasesFor(offered)).toContain(vc);
    }
    expect(versionCasesFor([])).toEqual([]);
  });
});

describe('version cases: the simulator profiles differ on every case', () => {
  const observed: Partial<Record<'otp25' | 'current', Map<string, Observed>>> = {};
  beforeAll(async () => {
    observed.otp25 = await observeAll(new SimDriver('otp25'));
    observed.current = await observeAll(new SimDriver('current'));
  });
  for (const vc of VERSION_CASES) {
    it(`${vc.name}`, () => {
      const a = observed.otp25!.get(vc.name)!;
      const b = observed.current!.get(vc.name)!;
      // Every command is a valid request on both profiles.
      for (const step of [...a, ...b]) expect(step.response.ok, JSON.stringify(step)).toBe(true);
      expect(firstDisagreement(a, b), `${vc.name}: the profiles observe the same`).not.toBeNull();
    });
  }
});

/** The oracles available here, each with the reason it is skipped otherwise. */
const available = ORACLES.map((oracle) => ({ oracle, reason: skipReason(oracle) }));
const both = available.every((o) => o.reason === undefined);

describe('version cases on the real oracles', () => {
  const real = new Map<Oracle['name'], Map<string, Observed>>();
  const sim = new Map<Oracle['name'], Map<string, Observed>>();
  const drivers: Driver[] = [];
  beforeAll(async () => {
    for (const { oracle, reason } of available) {
      if (reason !== undefined) continue;
      const driver = driverFor(oracle.name, oracle.semantics, 30_000);
      drivers.push(driver);
      expect((await driver.hello()).runtime).toMatch(oracle.runtime);
      real.set(oracle.name, await observeAll(driver));
      sim.set(oracle.name, await observeAll(new SimDriver(oracle.semantics)));
    }
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled(drivers.map((d) => d.close()));
  });

  for (const { oracle, reason } of available) {
    for (const vc of VERSION_CASES) {
      it.skipIf(reason !== undefined)(`${vc.name}: ${oracle.name} agrees with the ${oracle.semantics} profile${reason ? ` (skipped: ${reason})` : ''}`, () => {
        const a = real.get(oracle.name)!.get(vc.name)!;
        const b = sim.get(oracle.name)!.get(vc.name)!;
        expect(firstDisagreement(a, b), explain(vc, a, b, [oracle.name, `sim (${oracle.semantics})`])).toBeNull();
      });
    }
  }

  const skipped = available.filter((o) => o.reason !== undefined).map((o) => `${o.oracle.name}: ${o.reason}`);
  for (const vc of VERSION_CASES) {
    it.skipIf(!both)(`${vc.name}: beam and beam27 differ${both ? '' : ` (skipped: ${skipped.join('; ')})`}`, () => {
      expect(firstDisagreement(real.get('beam')!.get(vc.name)!, real.get('beam27')!.get(vc.name)!), `${vc.name}: the oracles observe the same`).not.toBeNull();
    });
  }
});
