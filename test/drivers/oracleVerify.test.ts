/**
 * A short differential run against each real oracle (issue: "CI runs a smaller verify run every
 * time"): the simulator in the oracle's profile and the real runtime agree on every generated case.
 * Long runs (`beamcheck verify --runtime beam --runs 500`) are in the README.
 */
import { describe, expect, it } from 'vitest';
import { SimDriver } from '../../src/drivers/SimDriver.js';
import { driverFor } from '../../src/drivers/resolve.js';
import { verify } from '../../src/drivers/verify/verify.js';
import { ORACLES, skipReason } from '../support/oracles.js';

const RUNS = 12;

for (const oracle of ORACLES) {
  const reason = skipReason(oracle);
  describe.skipIf(reason !== undefined)(`verify against ${oracle.name}${reason ? ` (skipped: ${reason})` : ''}`, () => {
    it(`${RUNS} generated cases agree with the simulator's ${oracle.semantics} profile`, async () => {
      const real = driverFor(oracle.name, oracle.semantics, 20_000);
      try {
        const report = await verify(real, new SimDriver(oracle.semantics), { runs: RUNS, seed: 2026 });
        expect(report.driverError).toBeUndefined();
        expect(report.disagreement?.text).toBeUndefined();
        expect(report.completed).toBeGreaterThanOrEqual(RUNS);
        expect(report.drivers[0].runtime).toMatch(oracle.runtime);
      } finally {
        await real.close();
      }
    }, 180_000);
  });
}
