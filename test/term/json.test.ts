/**
 * The lossless JSON encoding of terms (src/term/json.ts): the documented encoding of every term
 * kind, decode(encode(x)) =:= x, interning of pids and refs, and the decoder's rejection of every
 * malformed shape with a `TermDecodeError`.
 */
import { describe, expect, it } from 'vitest';
import { equals } from '../../src/term/compare.js';
import { format } from '../../src/term/format.js';
import { TermDecodeError, fromJson, toJson } from '../../src/term/json.js';
import { Bin, ErlFloat, ErlModule, Improper, Pid, Ref, TMap, Tuple, bin, t, type Term } from '../../src/term/Term.js';
import { thrown } from '../helpers.js';

function named(name: string): () => void {
  const f = (): void => undefined;
  Object.defineProperty(f, 'name', { value: name });
  return f;
}

describe('toJson', () => {
  it.each<[string, Term, unknown]>([
    ['an atom', 'ok', 'ok'],
    ['a boolean', false, false],
    ['a safe integer', -42, -42],
    ['a float with a fraction', 1.5, 1.5],
    ['an integral number beyond 2^53', 2 ** 60, { int: '1152921504606846976' }],
    ['a bigint within the safe range', 12n, 12],
    ['a bigint beyond 2^53', -(2n ** 70n), { int: '-1180591620717411303424' }],
    ['an integral float', new ErlFloat(3), { float: 3 }],
    ['a non-integral ErlFloat', new ErlFloat(2.25), 2.25],
    ['a binary', bin('héllo'), { bin: 'héllo' }],
    ['a tuple', t('a', 1, t()), { tuple: ['a', 1, { tuple: [] }] }],
    ['a list', [1, [2], []], [1, [2], []]],
    ['an improper list', new Improper([1, 2], 'tail'), { improper: [1, 2], tail: 'tail' }],
    ['a pid and a ref', t(new Pid(7), new Ref(9)), { tuple: [{ pid: 7 }, { ref: 9 }] }],
    ['a module (encoded as its atom)', new ErlModule('Elixir.Foo', {}), 'Elixir.Foo'],
    ['a named fun', named('handler'), { fun: 'handler' }],
    ['an anonymous fun', named(''), { fun: 'anonymous' }],
  ])('encodes %s', (_what, term, json) => {
    expect(toJson(term)).toEqual(json);
  });

  it('sorts map entries by key in term order, so equal maps encode to the same bytes', () => {
    // number < atom < tuple < binary in Erlang's term order.
    const a = new TMap([[bin('b'), 1], [t('x'), 2], ['atom', 3], [10, 4]]);
    const b = new TMap([[10, 4], ['atom', 3], [bin('b'), 1], [t('x'), 2]]);
    expect(toJson(a)).toEqual({ map: [[10, 4], ['atom', 3], [{ tuple: ['x'] }, 2], [{ bin: 'b' }, 1]] });
    expect(JSON.stringify(toJson(a))).toBe(JSON.stringify(toJson(b)));
    expect(toJson({ z: 1, a: 2 })).toEqual({ map: [['a', 2], ['z', 1]] });
  });

  it.each([NaN, Infinity, -Infinity])('refuses the non-finite number %s', (x) => {
    expect(() => toJson(x)).toThrow(TypeError);
  });
});

describe('fromJson', () => {
  const samples: Term[] = [
    'ok',
    true,
    0,
    -3.75,
    2n ** 64n,
    -(2n ** 64n),
    new ErlFloat(1),
    bin(''),
    t(),
    t('EXIT', new Pid(3), t('shutdown', [1, 2])),
    [],
    [t('a', 1), t('b', new Improper(['x'], bin('y')))],
    new Improper([], 'z'),
    new TMap([[t(1), 'tuple-key'], [bin('k'), { nested: [new Ref(4)] }]]),
    { id: 'a', restart: 'permanent', start: t('Elixir.W', 'start_link', []) },
  ];

  it.each(samples.map((s) => [format(s), s] as const))('decodes the encoding of %s to an =:= term', (_shown, term) => {
    const back = fromJson(JSON.parse(JSON.stringify(toJson(term))));
    expect(equals(back, term)).toBe(true);
    expect(format(back)).toBe(format(term));
  });

  it('keeps the kinds apart: integral floats stay floats, big integers become bigints', () => {
    const back = fromJson([{ float: 2 }, { float: 2.5 }, { int: '9007199254740993' }, 5]) as Term[];
    expect(back[0]).toBeInstanceOf(ErlFloat);
    expect(back[1]).toBe(2.5);
    expect(back[2]).toBe(9007199254740993n);
    expect(back[3]).toBe(5);
    expect(equals(back[0]!, 2)).toBe(false);
  });

  it('an atom-keyed map decodes to a plain object, any other key makes a TMap', () => {
    const plain = fromJson({ map: [['b', 1], ['a', 2]] });
    expect(plain).toEqual({ a: 2, b: 1 });
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    const mixed = fromJson({ map: [['a', 1], [true, 2]] });
    expect(mixed).toBeInstanceOf(TMap);
    expect((mixed as TMap).entries).toEqual([['a', 1], [true, 2]]);
    expect(fromJson({ map: [] })).toEqual({});
  });

  it('rebuilds pids and refs through the intern functions when given, fresh objects otherwise', () => {
    const p = new Pid(3);
    const r = new Ref(8);
    const seen: string[] = [];
    const back = fromJson({ tuple: [{ pid: 3 }, { ref: 8 }, [{ pid: 3 }]] }, {
      pid: (id) => (seen.push(`pid ${id}`), p),
      ref: (id) => (seen.push(`ref ${id}`), r),
    }) as Tuple;
    expect(back[0]).toBe(p);
    expect(back[1]).toBe(r);
    expect((back[2] as Term[])[0]).toBe(p);
    expect(seen).toEqual(['pid 3', 'ref 8', 'pid 3']);
    const fresh = fromJson({ tuple: [{ pid: 3 }, { ref: 0 }] }) as Tuple;
    expect(fresh[0]).toBeInstanceOf(Pid);
    expect(fresh[0]).not.toBe(p);
    expect((fresh[1] as Ref).id).toBe(0);
  });

  it.each<[string, unknown, RegExp]>([
    ['null', null, /unexpected value/],
    ['undefined', undefined, /unexpected value/],
    ['an infinite number', Infinity, /number/],
    ['NaN', NaN, /number/],
    ['an empty object', {}, /object with one key expected/],
    ['an object with two unrelated keys', { bin: 'a', tuple: [] }, /object with one key expected/],
    ['an improper list whose head is not a list', { improper: 'x', tail: [] }, /improper/],
    ['a tuple that is not a list', { tuple: 'ab' }, /tuple/],
    ['a binary that is not a string', { bin: 1 }, /bin/],
    ['an int that is not a string', { int: 12 }, /int/],
    ['an int with a fraction', { int: '1.5' }, /int/],
    ['a float that is not a number', { float: '1.0' }, /float/],
    ['a negative pid', { pid: -1 }, /pid/],
    ['a fractional pid', { pid: 1.5 }, /pid/],
    ['a pid given as text', { pid: '<0.1.0>' }, /pid/],
    ['a fractional ref', { ref: 0.5 }, /ref/],
    ['a map that is not a list', { map: { a: 1 } }, /map/],
    ['a map entry that is not a pair', { map: [['a', 1, 2]] }, /map entry/],
    ['a map entry that is not a list', { map: ['a'] }, /map entry/],
    ['a fun (encode only)', { fun: 'f' }, /unknown tag fun/],
    ['an unknown tag inside a list', [1, { set: [] }], /unknown tag set/],
  ])('rejects %s', (_what, json, message) => {
    const error = thrown(() => fromJson(json));
    expect(error).toBeInstanceOf(TermDecodeError);
    expect((error as Error).message).toMatch(/^invalid term encoding: /);
    expect((error as Error).message).toMatch(message);
  });

  it('the error message shows at most 60 characters of the bad value', () => {
    const long = 'x'.repeat(500);
    expect(() => fromJson({ bin: [long] })).toThrow(/^invalid term encoding: bin \(\{"bin":\["x{51}\)$/);
  });

  it('a decoded binary is a Bin, not an atom', () => {
    const back = fromJson({ bin: 'ok' });
    expect(back).toBeInstanceOf(Bin);
    expect(equals(back, 'ok')).toBe(false);
  });
});
