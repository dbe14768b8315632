/**
 * Erlang's standard term order and exact equality (src/term/compare.ts), checked against the
 * Erlang reference manual ("Term Comparisons"):
 * number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring;
 * tuples by size, then element-wise; maps by size, then keys, then values; lists element-wise;
 * `==` equates 1 and 1.0, `=:=` does not.
 */
import { describe, expect, it } from 'vitest';
import { compare, equals, sortTerms } from '../../src/term/compare.js';
import { format } from '../../src/term/format.js';
import { ErlFloat, ErlModule, Improper, Pid, Ref, TMap, atomName, bin, exception, isExceptionReason, isPid, isRef, isTuple, t, type Term } from '../../src/term/Term.js';
import { termKey } from '../../src/term/termKey.js';

function fun(name: string): () => void {
  const f = (): void => undefined;
  Object.defineProperty(f, 'name', { value: name });
  return f;
}

/** -1, 0 or 1 (never -0). */
const sign = (n: number) => Math.sign(n) + 0;

describe('term order', () => {
  it('orders the types number < atom < reference < fun < pid < tuple < map < nil < list < binary', () => {
    const ascending: Term[] = [-1, 2.5, 3n, 'a', true, new Ref(1), fun('f'), new Pid(0), t(), {}, [], [1], bin('')];
    const shuffled = [ascending[7]!, ascending[12]!, ascending[0]!, ascending[9]!, ascending[4]!, ascending[10]!, ascending[2]!, ascending[5]!, ascending[11]!, ascending[1]!, ascending[8]!, ascending[6]!, ascending[3]!];
    expect(sortTerms(shuffled).map((x) => format(x))).toEqual(ascending.map((x) => format(x)));
  });

  it.each<[string, Term, Term, number]>([
    ['integers and floats by value', 1, 1.5, -1],
    ['an integer and a bigint by value', 2n ** 60n, 5, 1],
    ['1 == 1.0 in order', 1, new ErlFloat(1), 0],
    ['atoms alphabetically', 'abc', 'abd', -1],
    ['booleans as the atoms true and false', false, 'ok', -1],
    ['a module as its atom', new ErlModule('Elixir.B', {}), 'Elixir.A', 1],
    ['refs by number', new Ref(3), new Ref(10), -1],
    ['pids by number', new Pid(12), new Pid(2), 1],
    ['funs by name', fun('b'), fun('a'), 1],
    ['a smaller tuple first, whatever its elements', t('z', 'z'), t('a', 'a', 'a'), -1],
    ['tuples of one size element-wise', t(1, 'b'), t(1, 'a'), 1],
    ['a smaller map first', { z: 1 }, { a: 1, b: 1 }, -1],
    ['maps of one size by keys first', { a: 9 }, { b: 0 }, -1],
    ['maps with the same keys by values', { a: 2, b: 1 }, { a: 1, b: 2 }, 1],
    ['TMap and plain object maps alike', new TMap([['a', 1]]), { a: 1 }, 0],
    // Map key order puts every integer before every float (measured on OTP 25:
    // %{1 => :a} < %{1.0 => :a}, %{2 => :a} < %{1.5 => :a}, %{{2} => :a} < %{{1.5} => :a});
    // values still compare by value (%{a: 1} == %{a: 1.0}, %{a: 2} > %{a: 1.5}).
    ['map keys: an integer before an equal float', new TMap([[1, 'a']]), new TMap([[new ErlFloat(1), 'a']]), -1],
    ['map keys: any integer before any float', new TMap([[2, 'a']]), new TMap([[1.5, 'a']]), -1],
    ['map keys: exact inside compound keys too', new TMap([[t(2), 'a']]), new TMap([[t(1.5), 'a']]), -1],
    ['map values by value', { a: 1 }, { a: new ErlFloat(1) }, 0],
    ['map values: 2 after 1.5', { a: 2 }, { a: 1.5 }, 1],
    ['a proper prefix first', [1, 2], [1, 2, 0], -1],
    ['lists element-wise', [1, 3], [2], -1],
    ['nil against nil', [], [], 0],
    ['binaries by content', bin('ab'), bin('b'), -1],
    ['[1 | 2] before [1, 2] (the tail 2 is a number, [2] a list)', new Improper([1], 2), [1, 2], -1],
    ['[1, 2] after [1 | 2]', [1, 2], new Improper([1], 2), 1],
    ['[1, 2 | 3] before [1, 2] (3 < [])', new Improper([1, 2], 3), [1, 2], -1],
    ['improper lists by their tails', new Improper(['a'], bin('x')), new Improper(['a'], bin('y')), -1],
    ['[1 | :x] before [1, 2 | :x] (the tail :x is an atom, [2 | :x] a list)', new Improper([1], 'x'), new Improper([1, 2], 'x'), -1],
  ])('compares %s', (_what, a, b, expected) => {
    expect(sign(compare(a, b))).toBe(expected);
    expect(sign(compare(b, a))).toBe(sign(-expected));
  });
});

describe('exact equality (=:=)', () => {
  it.each<[string, Term, Term, boolean]>([
    ['1 and 1.0 differ', 1, new ErlFloat(1), false],
    ['1 and 1n are the same integer', 1, 1n, true],
    ['true and the atom true', true, 'true', true],
    ['a module and its atom', new ErlModule('Elixir.M', {}), 'Elixir.M', true],
    ['tuples of different sizes', t(1), t(1, 2), false],
    ['tuples differing in an integer/float', t(1, 2), t(1, new ErlFloat(2)), false],
    ['lists of different lengths', [1], [1, 1], false],
    ['lists differing in an integer/float', [1, 2], [1, new ErlFloat(2)], false],
    ['equal nested lists', [[1], t('a')], [[1], t('a')], true],
    ['maps with equal entries in another order', new TMap([[1, 'a'], [2, 'b']]), new TMap([[2, 'b'], [1, 'a']]), true],
    ['maps of different sizes', { a: 1 }, { a: 1, b: 2 }, false],
    ['maps whose values differ as integer/float', { a: 1 }, { a: new ErlFloat(1) }, false],
    ['maps whose keys differ as integer/float', new TMap([[1, 'a']]), new TMap([[new ErlFloat(1), 'a']]), false],
    ['the same fun', fun('f'), fun('f'), false],
    ['pids by number', new Pid(4), new Pid(4), true],
    ['refs by number', new Ref(4), new Ref(5), false],
    ['binaries by content', bin('x'), bin('x'), true],
    ['a binary and an atom', bin('x'), 'x', false],
    ['equal improper lists', new Improper([1, 'a'], bin('t')), new Improper([1, 'a'], bin('t')), true],
    ['improper lists with different heads', new Improper([1], 'x'), new Improper([2], 'x'), false],
    ['improper lists differing in an integer/float head', new Improper([1], 'x'), new Improper([new ErlFloat(1)], 'x'), false],
    ['improper lists differing in an integer/float tail', new Improper(['a'], 1), new Improper(['a'], new ErlFloat(1)), false],
    ['a proper list and an improper one', [1, 2], new Improper([1], 2), false],
  ])('%s', (_what, a, b, expected) => {
    expect(equals(a, b)).toBe(expected);
    expect(equals(b, a)).toBe(expected);
  });

  it('a fun is only equal to itself', () => {
    const f = fun('f');
    expect(equals(f, f)).toBe(true);
  });
});

describe('atoms in all their representations', () => {
  // ✔ k2.exs on Elixir 1.14/OTP 25 and 1.18/OTP 27: Enum.sort([true, nil, false, :b, :a, :a]) == [:a, :a, :b, false, nil, true].
  it('atoms order alphabetically, booleans and module atoms among them by their text', () => {
    const registry = new ErlModule('Elixir.Registry', {});
    expect(sortTerms([true, 'nil', false, 'b', 'a', 'a']).map((x) => format(x))).toEqual([':a', ':a', ':b', 'false', 'nil', 'true']);
    expect(sign(compare(true, 'true'))).toBe(0);
    expect(sign(compare('b', 'a'))).toBe(1);
    expect(sign(compare(registry, 'Elixir.Registry'))).toBe(0);
    expect(sign(compare(registry, 'Elixir.Agent'))).toBe(1);
    expect(equals(false, 'false')).toBe(true);
    expect(equals(registry, 'Elixir.Registry')).toBe(true);
  });

  it('termKey gives one key per atom whatever its representation, and different keys to different terms', () => {
    const registry = new ErlModule('Elixir.Registry', {});
    expect(termKey(true)).toBe(termKey('true'));
    expect(termKey(false)).toBe(termKey('false'));
    expect(termKey(registry)).toBe(termKey('Elixir.Registry'));
    expect(termKey(true)).not.toBe(termKey(false));
    expect(termKey(bin('true'))).not.toBe(termKey('true'));
  });

  it('atomName reads atoms, booleans and modules, and nothing else', () => {
    expect([atomName('a'), atomName(true), atomName(false), atomName(new ErlModule('Elixir.Registry', {}))]).toEqual(['a', 'true', 'false', 'Elixir.Registry']);
    expect([atomName(bin('a')), atomName(1), atomName(t('a'))]).toEqual([undefined, undefined, undefined]);
    expect(String(new ErlModule('Elixir.Registry', {}))).toBe('Elixir.Registry');
  });
});

describe('tuples and funs', () => {
  it('tuples of one size built apart compare 0 when every element is equal, else by the first difference', () => {
    // ✔ k2.exs on both: {1, :a} == {1, :a}, {1, :a} < {1, :b}.
    expect(sign(compare(t(1, 'a', t(2)), t(1, 'a', t(2))))).toBe(0);
    expect(sign(compare(t(1, 'a'), t(1, 'b')))).toBe(-1);
    expect(sign(compare(t(1, 'b'), t(1, 'a')))).toBe(1);
  });

  it('distinct funs order by name, antisymmetrically; a fun compares 0 only with itself', () => {
    const f = fun('f');
    const g = fun('g');
    expect(sign(compare(f, g))).toBe(-1);
    expect(sign(compare(g, f))).toBe(1);
    expect(sign(compare(f, f))).toBe(0);
  });
});

describe('type predicates', () => {
  it('isTuple, isPid, isRef and isExceptionReason recognise exactly their kind', () => {
    expect([isTuple(t(1)), isTuple([1]), isPid(new Pid(1)), isPid(new Ref(1)), isRef(new Ref(1)), isRef(new Pid(1))]).toEqual([true, false, true, false, true, false]);
    const reason = t(exception('ArgumentError', 'x'), []);
    expect(isExceptionReason(reason)).toBe(true);
    expect(isExceptionReason(t(exception('ArgumentError', 'x'), 'nil'))).toBe(false);
    expect(isExceptionReason(t('badarg', []))).toBe(false);
    expect(isExceptionReason(t(exception('ArgumentError', 'x')))).toBe(false);
  });
});
