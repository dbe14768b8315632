/**
 * Replay tokens whose checksum is right but whose content is not a valid version-1 record: each
 * problem gets its own one-line `TokenError` (src/scheduler/ReplayToken.ts). The tokens are forged
 * here byte by byte following the documented layout.
 */
import { crc32, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TokenError, decodeToken, encodeToken } from '../../src/scheduler/ReplayToken.js';
import { ChoiceLog } from '../../src/index.js';
import { thrown } from '../helpers.js';

function varint(v: number): number[] {
  const out: number[] = [];
  let x = v;
  while (x >= 0x80) {
    out.push((x & 0x7f) | 0x80);
    x = Math.floor(x / 128);
  }
  out.push(x);
  return out;
}

function str(s: string): number[] {
  const bytes = [...Buffer.from(s, 'utf8')];
  return [...varint(bytes.length), ...bytes];
}

/** A token around `packed` (already compressed) with a correct checksum. */
function wrap(packed: Buffer): string {
  const sum = Buffer.alloc(4);
  sum.writeUInt32BE(crc32(packed) >>> 0);
  return `bc1.${Buffer.concat([packed, sum]).toString('base64url')}`;
}

/** A token whose uncompressed body is `bytes`. */
function forge(bytes: number[]): string {
  return wrap(deflateRawSync(Buffer.from(bytes)));
}

/** The body of a valid record, with fields overridable. */
function body(o: { version?: number; semantics?: number; input?: string; config?: string; choices?: number[]; extra?: number[] } = {}): number[] {
  const choices = o.choices ?? [3, 1];
  return [
    o.version ?? 1,
    o.semantics ?? 1,
    ...varint(300),
    ...str('p04/before'),
    ...str(o.input ?? '{"n":2}'),
    ...str(o.config ?? 'null'),
    ...varint(choices.length / 2),
    ...choices.flatMap(varint),
    ...(o.extra ?? []),
  ];
}

function errorOf(token: string): string {
  const e = thrown(() => decodeToken(token));
  if (e === undefined) return 'decoded';
  expect(e).toBeInstanceOf(TokenError);
  return (e as Error).message;
}

describe('forged replay tokens', () => {
  it('the forger follows the documented layout: a well-formed body decodes, and equals what encodeToken writes', () => {
    const token = forge(body());
    const record = decodeToken(`  ${token}\n`);
    expect(record).toMatchObject({ target: 'p04/before', semantics: 'otp25', seed: 300, input: { n: 2 }, config: null });
    expect(record.choices.flat).toEqual([3, 1]);
    expect(decodeToken(encodeToken(record)).choices.flat).toEqual([3, 1]);
  });

  it.each<[string, number[], string]>([
    ['another version', body({ version: 2 }), 'unsupported replay token version 2 (this beamcheck reads version 1)'],
    ['an unknown semantics profile', body({ semantics: 2 }), 'invalid replay token: unknown semantics profile 2'],
    ['input that is not JSON', body({ input: '{n:2}' }), 'invalid replay token: input is not valid JSON'],
    ['config that is not JSON', body({ config: 'undefined' }), 'invalid replay token: config is not valid JSON'],
    ['a choice index out of range', body({ choices: [3, 1, 2, 2] }), 'invalid replay token: choice #2 is 2 of 2'],
    ['a choice between fewer than two options', body({ choices: [1, 0] }), 'invalid replay token: choice #1 is 0 of 1'],
    ['bytes after the last choice', body({ extra: [0] }), 'invalid replay token: trailing bytes'],
    ['a body that stops after the version', [1], 'invalid replay token: truncated'],
    ['a string longer than the body', [1, 0, 0, ...varint(50), 0x61], 'invalid replay token: truncated'],
    ['a number of more than five bytes', [1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 'invalid replay token: malformed number'],
  ])('rejects %s', (_what, bytes, message) => {
    expect(errorOf(forge(bytes))).toBe(message);
  });

  it('rejects a checksummed payload that is not a deflate stream', () => {
    expect(errorOf(wrap(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])))).toBe('invalid replay token: corrupted (cannot decompress)');
  });

  it('encodes the current profile as 0 and keeps a large seed', () => {
    const token = encodeToken({ target: 't', semantics: 'current', seed: 0xffffffff, input: null, config: { maxDelay: 3 }, choices: ChoiceLog.fromFlat([]) });
    expect(decodeToken(token)).toMatchObject({ semantics: 'current', seed: 0xffffffff, input: null, config: { maxDelay: 3 } });
  });
});
