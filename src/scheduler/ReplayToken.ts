/**
 * Replay tokens: one copy-pasteable string that reproduces a run exactly.
 *
 * A run is a pure function of (program, seed, choice log, semantics profile). The token carries
 * everything but the program's code: the target's id (which names the program), the generated input
 * the program was built from (a fault plan, a workload), the runtime configuration, the seed and the
 * full choice log with the number of options at each choice (so a replay can report exactly where
 * it diverges).
 *
 * Layout (version 1), before compression:
 *   u8 version | u8 semantics | varint seed | str target | str input-json | str config-json |
 *   varint count | count × (varint n, varint k)
 * compressed with raw deflate, followed by the u32 CRC-32 of the compressed bytes, and printed as
 * `bc1.` + base64url. The checksum covers the bytes as transmitted, so any change to the token
 * (even in the unused trailing bits of the deflate stream) is rejected with a one-line error.
 */
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Json } from '../term/json.js';
import { ChoiceLog } from './ChoiceSource.js';

export const TOKEN_PREFIX = 'bc1.';
const VERSION = 1;

export type TokenSemantics = 'current' | 'otp25';

export interface ReplayRecord {
  /** The target that built the program: a scenario variant, a property, or a user-chosen name. */
  target: string;
  semantics: TokenSemantics;
  seed: number;
  /** The generated input the program was built from (JSON), or null. */
  input: Json;
  /** Runtime options that change the run (maxDelay, budgets), as JSON. */
  config: Json;
  choices: ChoiceLog;
}

/** A token that cannot be decoded; the message is one line naming the problem. */
export class TokenError extends Error {}

class Writer {
  private bytes: number[] = [];
  u8(v: number): void {
    this.bytes.push(v & 0xff);
  }
  varint(v: number): void {
    if (!(Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) throw new RangeError(`varint out of range: ${v}`);
    let x = v;
    while (x >= 0x80) {
      this.bytes.push((x & 0x7f) | 0x80);
      x = Math.floor(x / 128);
    }
    this.bytes.push(x);
  }
  str(s: string): void {
    const data = Buffer.from(s, 'utf8');
    this.varint(data.length);
    for (const b of data) this.bytes.push(b);
  }
  buffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

class Reader {
  private pos = 0;
  constructor(private readonly data: Buffer) {}
  private need(n: number): void {
    if (this.pos + n > this.data.length) throw new TokenError('invalid replay token: truncated');
  }
  u8(): number {
    this.need(1);
    return this.data[this.pos++]!;
  }
  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new TokenError('invalid replay token: malformed number');
  }
  str(): string {
    const n = this.varint();
    this.need(n);
    const s = this.data.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  get done(): boolean {
    return this.pos === this.data.length;
  }
}

export function encodeToken(record: ReplayRecord): string {
  const w = new Writer();
  w.u8(VERSION);
  w.u8(record.semantics === 'otp25' ? 1 : 0);
  w.varint(record.seed >>> 0);
  w.str(record.target);
  w.str(JSON.stringify(record.input ?? null));
  w.str(JSON.stringify(record.config ?? null));
  const log = record.choices;
  w.varint(log.length);
  for (let i = 0; i < log.length; i++) {
    w.varint(log.options(i));
    w.varint(log.index(i));
  }
  const packed = deflateRawSync(w.buffer(), { level: 9 });
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc32(packed) >>> 0);
  return TOKEN_PREFIX + Buffer.concat([packed, sum]).toString('base64url');
}

function parseJson(s: string, what: string): Json {
  try {
    return JSON.parse(s) as Json;
  } catch {
    throw new TokenError(`invalid replay token: ${what} is not valid JSON`);
  }
}

export function decodeToken(token: string): ReplayRecord {
  const text = token.trim();
  if (!text.startsWith(TOKEN_PREFIX)) {
    throw new TokenError(`not a beamcheck replay token (expected it to start with "${TOKEN_PREFIX}")`);
  }
  const b64 = text.slice(TOKEN_PREFIX.length);
  if (b64.length === 0 || !/^[A-Za-z0-9_-]+$/.test(b64)) {
    throw new TokenError('invalid replay token: bad characters (expected base64url after "bc1.")');
  }
  const data = Buffer.from(b64, 'base64url');
  if (data.length < 5) throw new TokenError('invalid replay token: truncated');
  const packed = data.subarray(0, data.length - 4);
  if ((crc32(packed) >>> 0) !== data.readUInt32BE(data.length - 4)) {
    throw new TokenError('invalid replay token: checksum mismatch (the token was altered or truncated)');
  }
  let body: Buffer;
  try {
    body = inflateRawSync(packed);
  } catch {
    throw new TokenError('invalid replay token: corrupted (cannot decompress)');
  }
  const r = new Reader(body);
  const version = r.u8();
  if (version !== VERSION) throw new TokenError(`unsupported replay token version ${version} (this beamcheck reads version ${VERSION})`);
  const sem = r.u8();
  if (sem > 1) throw new TokenError(`invalid replay token: unknown semantics profile ${sem}`);
  const seed = r.varint();
  const target = r.str();
  const input = parseJson(r.str(), 'input');
  const config = parseJson(r.str(), 'config');
  const count = r.varint();
  const flat: number[] = [];
  for (let i = 0; i < count; i++) {
    const n = r.varint();
    const k = r.varint();
    if (n < 2 || k >= n) throw new TokenError(`invalid replay token: choice #${i + 1} is ${k} of ${n}`);
    flat.push(n, k);
  }
  if (!r.done) throw new TokenError('invalid replay token: trailing bytes');
  return { target, semantics: sem === 1 ? 'otp25' : 'current', seed, input, config, choices: ChoiceLog.fromFlat(flat) };
}
