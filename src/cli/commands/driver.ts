/**
 * `beamcheck driver [--semantics current|otp25]`: the simulated runtime as a protocol driver on
 * stdin/stdout (docs/driver-protocol.md), so that any two drivers can be compared, including the
 * simulator run as a separate program.
 */
import { createInterface } from 'node:readline';
import type { Semantics } from '../../kernel/Runtime.js';
import { SimDriver } from '../../drivers/SimDriver.js';

export async function driverCommand(semantics: Semantics, input: NodeJS.ReadableStream, output: (line: string) => void): Promise<number> {
  const sim = new SimDriver(semantics);
  for await (const line of createInterface({ input })) {
    if (line.trim() === '') continue;
    let req: Record<string, unknown>;
    try {
      req = JSON.parse(line) as Record<string, unknown>;
    } catch {
      output(JSON.stringify({ id: null, ok: false, error: 'the request is not valid JSON' }));
      continue;
    }
    const id = req['id'] ?? null;
    if (typeof req['cmd'] !== 'string') {
      output(JSON.stringify({ id, ok: false, error: 'the request has no "cmd"' }));
      continue;
    }
    const { id: _id, ...command } = req;
    void _id;
    let response: object;
    try {
      response = sim.handle(command as never);
    } catch (e) {
      response = { ok: false, error: `driver error: ${e instanceof Error ? e.message : String(e)}` };
    }
    output(JSON.stringify({ id, ...response }));
    if (command['cmd'] === 'quit') break;
  }
  return 0;
}
