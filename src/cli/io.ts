/**
 * The CLI's window on the world, injectable so that tests run commands in-process: output streams,
 * whether stderr is a terminal (progress line, colors), file access and a wall clock for the
 * progress rate and the reported timings (outside the simulation: no run ever reads it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from './UsageError.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is an interactive terminal: show the progress line. */
  readonly tty: boolean;
  readFile(path: string): string;
  writeFile(path: string, content: string): void;
  /** Wall-clock milliseconds: the progress line's schedules/s and the timings reports print. */
  clock(): number;
}

export function processIo(): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    tty: Boolean(process.stderr.isTTY),
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: writeOrExplain,
    clock: () => performance.now(),
  };
}

/** A progress line on a terminal (runs done, schedules/s, current target); silent otherwise. */
export class Progress {
  private runs = 0;
  private readonly started: number;
  private lastPaint = 0;
  private current = '';

  constructor(private readonly io: Io) {
    this.started = io.clock();
  }

  target(id: string): void {
    this.current = id;
    this.paint(true);
  }

  tick(): void {
    this.runs++;
    this.paint(false);
  }

  private paint(force: boolean): void {
    if (!this.io.tty) return;
    const now = this.io.clock();
    if (!force && now - this.lastPaint < 100) return;
    this.lastPaint = now;
    const rate = this.runs / Math.max(0.001, (now - this.started) / 1000);
    this.io.err(`\r\x1b[2K${this.runs} schedules, ${rate.toFixed(0)}/s — ${this.current}`);
  }

  clear(): void {
    if (this.io.tty) this.io.err('\r\x1b[2K');
  }
}

/** Writes a file the user named (`--out`, `--junit`); a path that cannot be written is bad input. */
export function writeOrExplain(path: string, content: string): void {
  try {
    writeFileSync(path, content);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (code ?? String(e));
    throw new UsageError(`cannot write ${path}: ${why}`);
  }
}
