/**
 * A driver in another process: JSON lines on its stdin/stdout (docs/driver-protocol.md). This is
 * how beamcheck talks to real OTP (`elixir drivers/elixir/driver.exs`) or any other runtime.
 *
 * The harness must survive its driver: every request has a time limit; a driver that exits, hangs
 * or prints something that is not a response rejects the pending request with a DriverError that
 * says which, with the last lines it wrote to stderr. Real timers are fine here: this is the
 * harness talking to the outside world, not the simulation.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Json } from '../term/json.js';
import { DriverError, type Command, type Driver, type Hello, type Response } from './Driver.js';

export interface SubprocessOptions {
  /** Per-request limit in ms (default 10,000). */
  readonly timeoutMs?: number;
  readonly label?: string;
  readonly cwd?: string;
}

interface Pending {
  readonly cmd: string;
  readonly resolve: (r: Response) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

export class SubprocessDriver implements Driver {
  readonly label: string;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private readonly stderrLines: string[] = [];
  private nextId = 1;
  private dead: DriverError | null = null;
  private readonly timeoutMs: number;

  constructor(
    readonly command: string,
    options: SubprocessOptions = {},
  ) {
    this.label = options.label ?? command;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.child = spawn('sh', ['-c', command], { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.stderrLines.push(line);
      if (this.stderrLines.length > 20) this.stderrLines.shift();
    });
    this.child.on('error', (e) => this.fail(`cannot start the driver "${this.label}": ${e.message}`));
    this.child.on('exit', (code, signal) => {
      // Its last stderr lines (the reason it died) may still be in the pipe when 'exit' comes:
      // fail once stdio is read to the end ('close'), or soon if another process holds it open.
      // Failing at 'exit' lost the stderr tail in 2 of 40 runs (test/drivers/subprocess.test.ts).
      const fail = () => this.fail(`the driver "${this.label}" exited (${signal ?? `code ${code}`})`);
      const timer = setTimeout(fail, 500);
      this.child.once('close', () => {
        clearTimeout(timer);
        fail();
      });
    });
    this.child.stdin.on('error', () => undefined); // EPIPE after the driver died: reported by 'exit'
  }

  private get stderrTail(): string {
    return this.stderrLines.slice(-5).join('\n');
  }

  private fail(message: string): void {
    if (this.dead) return;
    this.dead = new DriverError(message, this.stderrTail);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(this.dead);
      this.pending.delete(id);
    }
  }

  private onLine(line: string): void {
    if (line.trim() === '') return;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      this.fail(`the driver "${this.label}" printed something that is not JSON: ${line.slice(0, 120)}`);
      this.child.kill('SIGKILL');
      return;
    }
    // `null`, a number or an object without a boolean `ok` is not a response (reading `.id` of
    // null threw inside the readline handler, and the request then hung until its time limit).
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg) || typeof (msg as { ok?: unknown }).ok !== 'boolean') {
      this.fail(`the driver "${this.label}" printed something that is not a response: ${line.slice(0, 120)}`);
      this.child.kill('SIGKILL');
      return;
    }
    const id = (msg as { id?: unknown }).id;
    const p = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!p) {
      this.fail(`the driver "${this.label}" answered an unknown request id: ${line.slice(0, 120)}`);
      this.child.kill('SIGKILL');
      return;
    }
    clearTimeout(p.timer);
    this.pending.delete(id as number);
    const { id: _ignored, ...rest } = msg as Record<string, Json>;
    void _ignored;
    p.resolve(rest as unknown as Response);
  }

  request(command: Command): Promise<Response> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<Response>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const e = new DriverError(`the driver "${this.label}" did not answer ${command.cmd} within ${this.timeoutMs} ms`, this.stderrTail);
        this.dead = e;
        this.child.kill('SIGKILL');
        reject(e);
      }, this.timeoutMs);
      this.pending.set(id, { cmd: command.cmd, resolve, reject, timer });
      this.child.stdin.write(`${JSON.stringify({ id, ...command })}\n`);
    });
  }

  async hello(): Promise<Hello> {
    const r = await this.request({ cmd: 'hello', protocol: 1 });
    if (!r.ok) throw new DriverError(`the driver "${this.label}" refused hello: ${r.error ?? 'no reason'}`, this.stderrTail);
    const h = r.result;
    if (h === null || typeof h !== 'object' || Array.isArray(h) || h['protocol'] !== 1) {
      throw new DriverError(`the driver "${this.label}" answered hello with ${JSON.stringify(h ?? null).slice(0, 120)}, not {"protocol": 1, …}`, this.stderrTail);
    }
    const capabilities = Array.isArray(h['capabilities']) ? h['capabilities'].filter((c): c is string => typeof c === 'string') : [];
    return { protocol: 1, runtime: String(h['runtime'] ?? this.label), capabilities };
  }

  async close(): Promise<void> {
    if (this.dead) return;
    try {
      await Promise.race([this.request({ cmd: 'quit' }), new Promise((r) => setTimeout(r, 2000))]);
    } catch {
      // Already gone.
    }
    this.child.kill('SIGKILL');
    this.dead = new DriverError('closed');
  }
}
