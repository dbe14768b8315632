import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChoiceLog } from '../../src/index.js';
import { TokenError, decodeToken, encodeToken, type ReplayRecord } from '../../src/scheduler/ReplayToken.js';
import { thrown } from '../helpers.js';

const json = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<ReplayRecord['input']>;
const record = fc.record({
  target: fc.string({ maxLength: 40 }),
  semantics: fc.constantFrom('current' as const, 'otp25' as const),
  seed: fc.nat({ max: 0xffffffff }),
  input: json,
  config: json,
  choices: fc.array(fc.integer({ min: 2, max: 5000 }).chain((n) => fc.tuple(fc.constant(n), fc.nat({ max: n - 1 }))), { maxLength: 300 }),
});

describe('replay token codec', () => {
  it('round-trips every record (property)', () => {
    fc.assert(
      fc.property(record, (r) => {
        const choices = ChoiceLog.fromFlat(r.choices.flat());
        const token = encodeToken({ ...r, choices });
        expect(token.startsWith('bc1.')).toBe(true);
        const back = decodeToken(token);
        expect(back.target).toBe(r.target);
        expect(back.semantics).toBe(r.semantics);
        expect(back.seed).toBe(r.seed);
        expect(back.input).toEqual(JSON.parse(JSON.stringify(r.input)));
        expect(back.config).toEqual(JSON.parse(JSON.stringify(r.config)));
        expect(back.choices.flat).toEqual(choices.flat);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects tampered tokens with a one-line error (property: any single changed character)', () => {
    const token = encodeToken({ target: 'p04/before', semantics: 'current', seed: 42, input: { a: [1, 2, 3] }, config: null, choices: ChoiceLog.fromFlat([2, 1, 3, 0, 7, 6]) });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(fc.nat({ max: token.length - 5 }), fc.nat({ max: alphabet.length - 1 }), (i, j) => {
        const pos = 4 + i;
        const replacement = alphabet[j]!;
        const bad = token.slice(0, pos) + replacement + token.slice(pos + 1);
        // The last base64 character carries padding bits: only count edits that change the bytes.
        fc.pre(!Buffer.from(bad.slice(4), 'base64url').equals(Buffer.from(token.slice(4), 'base64url')));
        const error = thrown(() => decodeToken(bad));
        expect(error).toBeInstanceOf(TokenError);
        expect(String((error as Error).message)).not.toContain('\n');
      }),
      { numRuns: 500 },
    );
  });

  it('refuses to encode a choice that is not an unsigned 32-bit integer (RangeError), and keeps the seed to 32 bits', () => {
    const base = { target: 't', semantics: 'current' as const, seed: 1, input: null, config: null };
    expect(() => encodeToken({ ...base, choices: ChoiceLog.fromFlat([2 ** 32, 0]) })).toThrow(RangeError);
    expect(() => encodeToken({ ...base, choices: ChoiceLog.fromFlat([3, 1.5]) })).toThrow(/varint out of range: 1.5/);
    expect(decodeToken(encodeToken({ ...base, seed: -1, choices: ChoiceLog.fromFlat([]) })).seed).toBe(0xffffffff);
  });

  it.each([
    ['', /not a beamcheck replay token/],
    ['hello', /not a beamcheck replay token/],
    ['bc1.', /bad characters/],
    ['bc1.!!!', /bad characters/],
    ['bc1.AAAA', /corrupted|truncated/],
  ])('rejects %j', (input, message) => {
    expect(() => decodeToken(input)).toThrow(message);
  });
});
