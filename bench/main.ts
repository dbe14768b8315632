/**
 * `npm run bench`: beamcheck's performance figures, all measured in one run and printed as a table.
 *
 * - Ring: 1,000 processes pass 1,000,000 messages; simulated deliveries per second (with and
 *   without the trace) next to a bare JavaScript loop moving the same messages through arrays.
 * - Spawn + exit per second; memory per idle process (a process blocked in receive).
 * - Property throughput: schedules per second of a representative supervision property.
 * - Differential verification: command sequences per second for each runtime available here.
 *
 * Wall-clock time is read here, outside the simulation, which is what a benchmark measures.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { receive, run, spawn, type Op } from '../src/index.js';
import { checkTarget } from '../src/harness/checkTarget.js';
import { SimDriver } from '../src/drivers/SimDriver.js';
import { driverFor, packageRoot } from '../src/drivers/resolve.js';
import type { Driver } from '../src/drivers/Driver.js';
import { verify } from '../src/drivers/verify/verify.js';
import { properties as p03 } from '../properties/p03-supervision-strategies.js';
import { bareRing, generatorFloorRing, simulatedRing } from './ring.js';

interface Row {
  readonly measure: string;
  readonly value: string;
  readonly note: string;
}

const rows: Row[] = [];

/**
 * A full collection before each measure, so none pays for the garbage of the one before it (the
 * traced ring leaves three million trace events behind). `npm run bench` exposes `gc`.
 */
const collect: () => void = (globalThis as { gc?: () => void }).gc ?? (() => {});
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function ring(): void {
  const processes = 1000;
  const messages = Number(process.env['BENCH_MESSAGES'] ?? 1_000_000);
  // One warm-up pass each (a tenth of the messages) so every loop is measured optimized.
  const warm = Math.max(processes + 2, Math.floor(messages / 10));
  bareRing(processes, warm);
  generatorFloorRing(processes, warm);
  simulatedRing(processes, warm, true);
  simulatedRing(processes, warm, false);
  collect();
  const bare = bareRing(processes, messages);
  collect();
  const floor = generatorFloorRing(processes, messages);
  collect();
  const untraced = simulatedRing(processes, messages, false);
  collect();
  const traced = simulatedRing(processes, messages, true);
  const rate = (r: { deliveries: number; ms: number }) => r.deliveries / (r.ms / 1000);
  const bareRate = rate(bare);
  rows.push({ measure: `ring: bare JS loop, ${fmt(messages)} messages / ${processes} mailboxes`, value: `${fmt(bareRate)} msg/s`, note: 'arrays only: the floor cost of moving a message' });
  rows.push({ measure: 'ring: generators resumed by a bare loop (no kernel)', value: `${fmt(rate(floor))} msg/s`, note: `ratio to bare 1/${Math.round(bareRate / rate(floor))}: the floor of generator processes` });
  rows.push({ measure: 'ring: simulated deliveries, trace on', value: `${fmt(rate(traced))} msg/s`, note: `ratio to bare 1/${Math.round(bareRate / rate(traced))} (${fmt(traced.steps)} steps)` });
  rows.push({ measure: 'ring: simulated deliveries, trace off', value: `${fmt(rate(untraced))} msg/s`, note: `ratio to bare 1/${Math.round(bareRate / rate(untraced))}` });
}

function spawnExit(): void {
  const n = 200_000;
  const t0 = performance.now();
  const r = run(function* (): Op<void> {
    for (let i = 0; i < n; i++) yield* spawn(function* () {});
  }, { maxProcesses: n + 10, maxSteps: 10 * n, trace: false, guard: false, strategy: { name: 'fifo', choose: () => 0 } });
  const ms = performance.now() - t0;
  if (r.verdict.kind !== 'completed') throw new Error(`spawn bench: ${r.verdict.kind}`);
  rows.push({ measure: `spawn + exit (${fmt(n)} processes)`, value: `${fmt(n / (ms / 1000))} /s`, note: 'trace off' });
}

function idleMemory(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    rows.push({ measure: 'memory per idle process', value: 'n/a', note: 'run with node --expose-gc (npm run bench does)' });
    return;
  }
  const n = 20_000;
  gc();
  const before = process.memoryUsage().heapUsed;
  const r = run(function* (): Op<void> {
    for (let i = 0; i < n; i++) yield* spawn(function* () { yield* receive(); });
  }, { maxProcesses: n + 10, maxSteps: 10 * n, trace: false, guard: false, strategy: { name: 'fifo', choose: () => 0 } });
  gc();
  const after = process.memoryUsage().heapUsed;
  if (r.runtime.liveCount !== n) throw new Error('memory bench: processes died');
  rows.push({ measure: `memory per idle process (${fmt(n)} blocked in receive)`, value: `${fmt((after - before) / n)} bytes`, note: 'heap delta / processes, trace off' });
}

function propertyThroughput(): void {
  const target = p03[0]!;
  const runs = 1000;
  const report = checkTarget(target as never, { numRuns: runs });
  if (report.failure) throw new Error(`${target.id} failed in the benchmark`);
  rows.push({ measure: `property schedules: ${target.id}`, value: `${fmt(runs / (report.ms / 1000))} schedules/s`, note: 'generation + run + trace + check' });
}

async function verifyThroughput(): Promise<void> {
  const root = packageRoot();
  const runs = Number(process.env['BENCH_VERIFY_RUNS'] ?? 100);
  const candidates: Array<[string, () => Driver]> = [
    ['sim (in-process)', () => new SimDriver('otp25')],
    ['sim (subprocess)', () => driverFor('sim', 'otp25', 30_000)],
  ];
  if (existsSync('/usr/bin/elixir') && existsSync(join(root, 'drivers/elixir/driver.exs'))) candidates.push(['beam (OTP 25)', () => driverFor('beam', 'otp25', 30_000)]);
  if (existsSync(join(root, '.oracle/trixie-root/usr/bin/elixir'))) candidates.push(['beam27 (OTP 27)', () => driverFor('beam27', 'current', 30_000)]);
  for (const [label, make] of candidates) {
    const a = make();
    const b = new SimDriver(label.startsWith('beam27') ? 'current' : 'otp25');
    try {
      const r = await verify(a, b, { runs, seed: 42 });
      const ok = !r.disagreement && !r.driverError;
      rows.push({
        measure: `verify sequences: ${label}`,
        value: `${(r.completed / (r.ms[0] / 1000)).toFixed(1)} sequences/s`,
        note: `${r.completed} cases${ok ? ', all agree' : r.driverError ? `, driver failed: ${r.driverError.message}` : ', DISAGREEMENT (run beamcheck verify)'}`,
      });
    } catch (e) {
      rows.push({ measure: `verify sequences: ${label}`, value: 'n/a', note: e instanceof Error ? e.message : String(e) });
    } finally {
      await Promise.allSettled([a.close(), b.close()]);
    }
  }
}

function print(): void {
  const header = { measure: 'measure', value: 'value', note: 'note' };
  const all = [header, ...rows];
  const w = (k: keyof Row) => Math.max(...all.map((r) => r[k].length));
  const line = (r: Row) => `| ${r.measure.padEnd(w('measure'))} | ${r.value.padStart(w('value'))} | ${r.note.padEnd(w('note'))} |`;
  console.log(line(header));
  console.log(`|${'-'.repeat(w('measure') + 2)}|${'-'.repeat(w('value') + 1)}:|${'-'.repeat(w('note') + 2)}|`);
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  console.log(`beamcheck bench — node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
  ring();
  collect();
  spawnExit();
  idleMemory();
  collect();
  propertyThroughput();
  collect();
  await verifyThroughput();
  print();
}

await main();
