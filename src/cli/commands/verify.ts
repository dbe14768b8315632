/**
 * `beamcheck verify --runtime beam|beam27|sim|"command" [--against RUNTIME] [--semantics …]
 * [--runs N] [--seed S] [--json] [--driver-timeout MS]`: differential conformance of a runtime
 * against the simulator (docs/driver-protocol.md). Exit 0 when every case agrees, 1 on a
 * disagreement or a driver failure mid-run, 2 when a driver cannot start at all.
 */
import type { Semantics } from '../../kernel/Runtime.js';
import { DriverError } from '../../drivers/Driver.js';
import { driverFor } from '../../drivers/resolve.js';
import { verify, type VerifyReport } from '../../drivers/verify/verify.js';
import type { Io } from '../io.js';
import { Progress } from '../io.js';
import { UsageError } from '../UsageError.js';

export interface VerifyCommandOptions {
  readonly runtime: string;
  readonly against: string;
  readonly semantics: Semantics;
  readonly runs: number;
  readonly seed: number;
  readonly json: boolean;
  readonly timeoutMs: number;
}

function rate(cases: number, ms: number): string {
  return ms > 0 ? (cases / (ms / 1000)).toFixed(1) : '–';
}

/** The version cases whose observations differ. */
function versionDisagreements(r: VerifyReport) {
  return r.versionCases.outcomes.filter((o) => o.disagreement !== undefined);
}

function summary(r: VerifyReport): object {
  return {
    runtime: { label: r.labels[0], runtime: r.drivers[0].runtime, casesPerSecond: Number(rate(r.completed, r.ms[0])) || null },
    against: { label: r.labels[1], runtime: r.drivers[1].runtime, casesPerSecond: Number(rate(r.completed, r.ms[1])) || null },
    capabilities: r.capabilities,
    versionCases: {
      agreed: r.versionCases.outcomes.length - versionDisagreements(r).length,
      cases: r.versionCases.outcomes.map((o) => ({
        name: o.case.name,
        row: o.case.row,
        description: o.case.description,
        rule: o.case.rule,
        agree: o.disagreement === undefined,
        ...(o.disagreement ? { at: o.disagreement.at, text: o.disagreement.text } : {}),
      })),
      unsupported: r.versionCases.unsupported,
    },
    completed: r.completed,
    ok: !r.disagreement && !r.driverError && versionDisagreements(r).length === 0,
    ...(r.disagreement ? { disagreement: { case: r.disagreement.case, at: r.disagreement.at, fastCheck: r.disagreement.fc, text: r.disagreement.text } } : {}),
    ...(r.driverError ? { driverError: r.driverError } : {}),
  };
}

export async function verifyCommand(io: Io, o: VerifyCommandOptions): Promise<number> {
  const a = driverFor(o.runtime, o.semantics, o.timeoutMs);
  const b = driverFor(o.against, o.semantics, o.timeoutMs);
  const progress = new Progress(io);
  progress.target(`verify ${o.runtime} against ${o.against}`);
  try {
    let report: VerifyReport;
    try {
      report = await verify(a, b, { runs: o.runs, seed: o.seed, onCase: () => progress.tick() });
    } catch (e) {
      if (e instanceof DriverError) {
        throw new UsageError(`${e.message}${e.stderrTail ? ` — ${e.stderrTail.split('\n').at(-1)}` : ''}`);
      }
      throw e;
    } finally {
      progress.clear();
    }
    if (o.json) {
      io.out(`${JSON.stringify(summary(report), null, 2)}\n`);
    } else {
      io.out(`verify: ${report.drivers[0].runtime} [${report.labels[0]}] against ${report.drivers[1].runtime} [${report.labels[1]}]\n`);
      io.out(`capabilities compared: ${report.capabilities.join(', ')}\n`);
      io.out(`cases/s: ${report.labels[0]} ${rate(report.completed, report.ms[0])}, ${report.labels[1]} ${rate(report.completed, report.ms[1])}\n`);
      const versionOutcomes = report.versionCases.outcomes;
      for (const o of versionDisagreements(report)) {
        const d = o.disagreement!;
        io.out(`✗ version case ${o.case.name} disagrees (${o.case.row}, ${o.case.rule}; first at command ${d.at.index + 1}: ${d.at.what}): ${o.case.description}\n`);
        io.out(`${d.text}\n`);
      }
      const differing = versionDisagreements(report).length;
      if (differing > 0) io.out(`✗ ${differing} of ${versionOutcomes.length} version cases disagree\n`);
      else if (versionOutcomes.length > 0) io.out(`✓ ${versionOutcomes.length} version cases agree\n`);
      if (report.driverError) {
        io.out(`✗ the driver ${report.driverError.driver} failed after ${report.completed} completed cases: ${report.driverError.message}\n`);
        if (report.driverError.stderr) io.out(`  its last stderr lines:\n${report.driverError.stderr.replace(/^/gm, '    ')}\n`);
      } else if (report.disagreement) {
        const d = report.disagreement;
        io.out(`✗ disagreement after ${report.completed} cases, shrunk to ${d.case.commands.length} commands (first at command ${d.at.index + 1}: ${d.at.what}):\n`);
        io.out(`${d.text}\n`);
        io.out(`  reproduce: beamcheck verify --runtime ${JSON.stringify(o.runtime)} --against ${o.against} --semantics ${o.semantics} --seed ${d.fc.seed} --runs ${o.runs}   (fast-check path ${d.fc.path})\n`);
      } else {
        io.out(`✓ ${report.completed} cases agree\n`);
      }
    }
    return report.disagreement || report.driverError || versionDisagreements(report).length > 0 ? 1 : 0;
  } finally {
    await Promise.allSettled([a.close(), b.close()]);
  }
}
