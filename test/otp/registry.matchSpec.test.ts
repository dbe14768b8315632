/**
 * The match-specification engine behind Registry's `match`, `count_match`, `select`…
 * (src/otp/registry/matchSpec.ts), checked against `ets:select/2` semantics: patterns with `:_`
 * and `:"$N"` (matching is exact, `=:=`; map patterns match a subset of keys), guard functions
 * (a guard holds only when it evaluates to `true`; a guard that raises fails), and bodies
 * (`:"$_"`, `:"$$"`, `{{…}}` construction, `{:const, x}`).
 */
import { describe, expect, it } from 'vitest';
import { evalBody, guardsHold, isReservedAtom, isVariable, matchPattern, matchValue, type Guard, type Vars } from '../../src/otp/registry/matchSpec.js';
import { equals } from '../../src/term/compare.js';
import { format } from '../../src/term/format.js';
import { ErlFloat, ErlModule, Improper, Pid, Ref, TMap, bin, t, type Term } from '../../src/term/Term.js';

/** The bindings of a successful match, printed (`$1 => …`), or `no match`. */
function bindings(pattern: Term, value: Term): string {
  const vars: Vars = new Map();
  if (!matchPattern(pattern, value, vars)) return 'no match';
  return [...vars].map(([k, v]) => `${k} => ${format(v)}`).join(', ');
}

/** Whether one guard holds with `$1` bound to `x` and `$2` to `y`. */
function holds(guard: Guard, x: Term = 'nil', y: Term = 'nil'): boolean {
  return guardsHold([guard], new Map([['$1', x], ['$2', y]]), t('obj'));
}

describe('variables and reserved atoms', () => {
  it.each<[Term, boolean, boolean]>([
    ['$1', true, true],
    ['$10', true, true],
    ['$_', false, true],
    ['$$', false, true],
    ['$a', false, true],
    ['_', false, true],
    ['ok', false, false],
    [1, false, false],
  ])('%j: variable %s, reserved %s', (x, variable, reserved) => {
    expect(isVariable(x)).toBe(variable);
    expect(isReservedAtom(x)).toBe(reserved);
  });
});

describe('patterns', () => {
  const pid = new Pid(5);
  it.each<[string, Term, Term, string]>([
    ['_ matches anything and binds nothing', '_', t(1, [2]), ''],
    ['a variable binds the value', '$1', pid, '$1 => <0.5.0>'],
    ['a repeated variable needs =:= values', t('$1', '$1'), t('a', 'a'), '$1 => :a'],
    ['a repeated variable rejects 1 against 1.0', t('$1', '$1'), t(1, new ErlFloat(1)), 'no match'],
    ['a literal matches exactly', t('ok', 1), t('ok', new ErlFloat(1)), 'no match'],
    ['tuples of another size do not match', t('$1', '_'), t(1, 2, 3), 'no match'],
    ['a tuple pattern does not match a list', t('$1'), [1], 'no match'],
    ['a list pattern binds element-wise', ['$1', 'b', '$2'], ['a', 'b', 'c'], '$1 => :a, $2 => :c'],
    ['a list pattern does not match a tuple', ['$1'], t(1), 'no match'],
    ['a list pattern needs the same length', ['$1'], [1, 2], 'no match'],
    ['[h | t] binds the tail of a proper list', new Improper(['$1'], '$2'), [1, 2, 3], '$1 => 1, $2 => [2, 3]'],
    ['[h | t] binds [] for a one-element list', new Improper(['$1'], '$2'), [1], '$1 => 1, $2 => []'],
    ['[h | t] does not match []', new Improper(['$1'], '$2'), [], 'no match'],
    ['[h | t] binds an improper rest', new Improper(['$1'], '$2'), new Improper([1, 2], 'z'), '$1 => 1, $2 => [2 | :z]'],
    ['[h | t] binds the tail of an improper list', new Improper(['$1'], '$2'), new Improper([1], 'z'), '$1 => 1, $2 => :z'],
    ['[h | t] does not match an atom', new Improper(['$1'], '_'), 'atom', 'no match'],
    ['[1 | t] does not match a list whose head differs', new Improper([1], '$1'), [2, 3], 'no match'],
    ['[1, 2 | t] does not match an improper list whose second element differs', new Improper([1, 2], '$1'), new Improper([1, 3], 'z'), 'no match'],
    ['a map pattern matches a map holding its keys', { a: '$1' }, { a: 1, b: 2 }, '$1 => 1'],
    ['a map pattern fails on a missing key', { a: '$1', c: '_' }, { a: 1, b: 2 }, 'no match'],
    ['a map pattern does not match a non-map', { a: '_' }, t('a'), 'no match'],
    ['TMap patterns match term keys exactly', new TMap([[1, '$1']]), new TMap([[new ErlFloat(1), 'f'], [1, 'i']]), '$1 => :i'],
    ['an atom-keyed TMap pattern matches a plain object map', new TMap([['id', '$1']]), { id: bin('x') }, '$1 => "x"'],
  ])('%s', (_what, pattern, value, expected) => {
    expect(bindings(pattern, value)).toBe(expected);
  });

  it('a bound variable must match later occurrences across the whole pattern', () => {
    const vars: Vars = new Map([['$1', 'a']]);
    expect(matchPattern(t('$1', '$2'), t('a', 'b'), vars)).toBe(true);
    expect(matchPattern('$1', 'other', vars)).toBe(false);
    expect(format(vars.get('$2')!)).toBe(':b');
  });
});

describe('guards', () => {
  it.each<[string, Guard, Term, Term, boolean]>([
    ['== equates 1 and 1.0', t('==', '$1', '$2'), 1, new ErlFloat(1), true],
    ['=:= does not', t('=:=', '$1', '$2'), 1, new ErlFloat(1), false],
    ['/= on equal numbers', t('/=', '$1', '$2'), 1, new ErlFloat(1), false],
    ['=/= on 1 and 1.0', t('=/=', '$1', '$2'), 1, new ErlFloat(1), true],
    ['< in term order (number < atom)', t('<', '$1', '$2'), 99, 'a', true],
    ['> in term order', t('>', '$1', '$2'), t(1), [1], false],
    ['=< on equal values', t('=<', '$1', '$2'), 2, 2, true],
    ['>= on smaller', t('>=', '$1', '$2'), 1, 2, false],
    ['a comparison with the pid in a constant', t('==', '$1', t('const', new Pid(3))), new Pid(3), 'nil', true],
    ['is_atom of a boolean', t('is_atom', '$1'), true, 'nil', true],
    ['is_atom of a module', t('is_atom', '$1'), new ErlModule('Elixir.M', {}), 'nil', true],
    ['is_integer of a bigint', t('is_integer', '$1'), 2n ** 70n, 'nil', true],
    ['is_integer of 1.0', t('is_integer', '$1'), new ErlFloat(1), 'nil', false],
    ['is_float of 1.0', t('is_float', '$1'), new ErlFloat(1), 'nil', true],
    ['is_float of 2', t('is_float', '$1'), 2, 'nil', false],
    ['is_number of a float', t('is_number', '$1'), 0.5, 'nil', true],
    ['is_number of an atom', t('is_number', '$1'), 'one', 'nil', false],
    ['is_pid', t('is_pid', '$1'), new Pid(1), 'nil', true],
    ['is_reference', t('is_reference', '$1'), new Ref(1), 'nil', true],
    ['is_tuple of a list', t('is_tuple', '$1'), [1], 'nil', false],
    ['is_list of an improper list', t('is_list', '$1'), new Improper([1], 2), 'nil', true],
    ['is_list of a tuple', t('is_list', '$1'), t(1), 'nil', false],
    ['is_binary', t('is_binary', '$1'), bin('x'), 'nil', true],
    ['is_map of a TMap', t('is_map', '$1'), new TMap([]), 'nil', true],
    ['is_map of a plain object', t('is_map', '$1'), { a: 1 }, 'nil', true],
    ['is_function', t('is_function', '$1'), () => 1, 'nil', true],
    ['andalso', t('andalso', t('is_integer', '$1'), t('>', '$1', 0)), 3, 'nil', true],
    ['andalso short-circuits past a raising operand', t('andalso', t('is_tuple', '$1'), t('==', t('element', 1, '$1'), 'a')), 7, 'nil', false],
    ['orelse short-circuits past a raising operand', t('orelse', t('is_atom', '$1'), t('hd', '$1')), 'x', 'nil', true],
    ['orelse of two false', t('orelse', false, t('is_pid', '$1')), 1, 'nil', false],
    ['and of true and true', t('and', true, 'true'), 'nil', 'nil', true],
    ['and of true and false', t('and', true, false), 'nil', 'nil', false],
    ['or of false and true', t('or', false, true), 'nil', 'nil', true],
    ['or with a non-boolean operand raises (fails) even after true', t('or', true, 'foo'), 'nil', 'nil', false],
    ['and with a non-boolean operand raises (fails): not of it is not true', t('not', t('and', false, 'foo')), 'nil', 'nil', false],
    ['xor', t('xor', true, false), 'nil', 'nil', true],
    ['xor of equal booleans', t('xor', false, 'false'), 'nil', 'nil', false],
    ['not', t('not', t('is_atom', '$1')), 1, 'nil', true],
    ['element', t('==', t('element', 2, '$1'), 'b'), t('a', 'b'), 'nil', true],
    ['element out of range raises (fails)', t('==', t('element', 3, '$1'), 'b'), t('a', 'b'), 'nil', false],
    ['element of a non-tuple raises (fails)', t('==', t('element', 1, '$1'), 'a'), ['a'], 'nil', false],
    ['tuple_size', t('==', t('tuple_size', '$1'), 2), t(1, 2), 'nil', true],
    ['tuple_size of a list raises (fails)', t('==', t('tuple_size', '$1'), 1), [1], 'nil', false],
    ['length', t('==', t('length', '$1'), 3), [1, 2, 3], 'nil', true],
    ['length of a tuple raises (fails)', t('==', t('length', '$1'), 1), t(1), 'nil', false],
    ['hd', t('==', t('hd', '$1'), 'x'), ['x', 'y'], 'nil', true],
    ['tl', t('==', t('tl', '$1'), ['y']), ['x', 'y'], 'nil', true],
    ['hd of [] raises (fails)', t('==', t('hd', '$1'), 'x'), [], 'nil', false],
    ['+', t('==', t('+', '$1', '$2'), 5), 2, 3, true],
    ['- with two operands', t('==', t('-', '$1', '$2'), -1), 2, 3, true],
    ['unary -', t('==', t('-', '$1'), -2), 2, 'nil', true],
    ['unary +', t('==', t('+', '$1'), 2), 2, 'nil', true],
    ['*', t('==', t('*', '$1', '$2'), 6), 2, 3, true],
    ['* of a float element', t('>', t('*', '$1', 2), 2), new ErlFloat(1.5), 'nil', true],
    ['arithmetic on an atom raises (fails)', t('>', t('+', '$1', 1), 0), 'a', 'nil', false],
    ['abs', t('==', t('abs', '$1'), 4), -4, 'nil', true],
    ['abs of an atom raises (fails)', t('>', t('abs', '$1'), 0), 'a', 'nil', false],
    ['integer arithmetic is exact beyond 2^53 (bignums)', t('=:=', t('+', '$1', 1), 2n ** 53n + 2n), 2n ** 53n + 1n, 'nil', true],
    ['a float operand makes a float result: 1.5 * 2 =:= 3 is false', t('=:=', t('*', '$1', 2), 3), 1.5, 'nil', false],
    ['a float operand makes a float result: 1.5 * 2 == 3 is true', t('==', t('*', '$1', 2), 3), 1.5, 'nil', true],
    ['a bigint times a float is a float', t('is_float', t('*', '$1', new ErlFloat(0.5))), 2n ** 70n, 'nil', true],
    ['the atom true is a guard that holds', 'true', 'nil', 'nil', true],
    ['a guard evaluating to the atom true holds', t('element', 1, '$1'), t('true'), 'nil', true],
    ['a guard evaluating to a non-boolean fails', t('element', 1, '$1'), t(1), 'nil', false],
    ['an unbound variable fails (documented stand-in: ETS rejects such a spec with badarg)', t('==', '$3', 1), 'nil', 'nil', false],
    ['is_port, which the engine does not know, fails (as it would for a non-port)', t('is_port', '$1'), 1, 'nil', false],
    ['a tuple whose operator is not an atom fails (documented stand-in: ETS raises badarg)', t(1, 2), 'nil', 'nil', false],
    ['a JS predicate over the bindings', (vars: Vars) => vars.get('$1') === 7, 7, 'nil', true],
  ])('%s', (_what, guard, x, y, expected) => {
    expect(holds(guard, x, y)).toBe(expected);
  });

  it('every guard of the list must hold', () => {
    const vars: Vars = new Map([['$1', 5]]);
    expect(guardsHold([t('is_integer', '$1'), t('>', '$1', 1)], vars, 'obj')).toBe(true);
    expect(guardsHold([t('is_integer', '$1'), t('>', '$1', 9)], vars, 'obj')).toBe(false);
    expect(guardsHold([], vars, 'obj')).toBe(true);
  });

  it('an exception that is not a guard failure propagates', () => {
    const boom: Guard = () => {
      throw new RangeError('bug in a predicate');
    };
    expect(() => guardsHold([boom], new Map(), 'obj')).toThrow(RangeError);
  });
});

describe('bodies', () => {
  const vars: Vars = new Map<string, Term>([['$2', 'b'], ['$10', 'j'], ['$1', 'a']]);
  const object = t('key', new Pid(1), 'value');

  it.each<[string, Term, string]>([
    ['$_ is the whole object', '$_', '{:key, <0.1.0>, :value}'],
    ['$$ is every binding in variable order', '$$', '[:a, :b, :j]'],
    ['a variable is its binding', '$10', ':j'],
    ['an atom is itself', 'ok', ':ok'],
    ['{{…}} builds a tuple', t(t('$1', 'x', '$2')), '{:a, :x, :b}'],
    ['a list builds a list', [['$1', t(t('$2'))]], '[:a, {:b}]'],
    ['the last expression of a body is its result', ['$1', '$2'], ':b'],
    ['{:const, x} is x unevaluated', t('const', '$1'), ':"$1"'],
    ['a guard expression computes a value', t('element', 3, '$_'), ':value'],
  ])('%s', (_what, body, expected) => {
    expect(format(evalBody(body, vars, object)!)).toBe(expected);
  });

  // ✔ arith.exs on OTP 25 and OTP 27 (:ets.match_spec_run): [9007199254740994], [3.0], [-2.0], [4.0], [1.0].
  it.each<[string, Term, Term, string]>([
    ['integer + stays exact past 2^53', t('+', '$1', 1), 9007199254740993n, '9007199254740994'],
    ['float * integer is a float even when integral', t('*', '$1', 2), 1.5, '3.0'],
    ['unary - of a float is a float', t('-', '$1'), new ErlFloat(2), '-2.0'],
    ['abs of a float is a float', t('abs', '$1'), new ErlFloat(-4), '4.0'],
    ['float + float summing to an integral value is a float', t('+', '$1', 0.5), 0.5, '1.0'],
    ['integer arithmetic back in the safe range is a plain integer', t('-', '$1', 2n ** 60n), 2n ** 60n + 5n, '5'],
    ['abs of a negative bignum', t('abs', '$1'), -(2n ** 64n), '18446744073709551616'],
    ['abs of a small negative integer', t('abs', '$1'), -3, '3'],
    ['unary + of a float keeps it a float', t('+', '$1'), new ErlFloat(2), '2.0'],
    ['unary - of a bignum', t('-', '$1'), 2n ** 64n, '-18446744073709551616'],
  ])('arithmetic: %s', (_what, body, x, expected) => {
    const result = evalBody(body, new Map([['$1', x]]), object)!;
    expect(format(result)).toBe(expected);
  });

  it('a body that raises gives undefined (the object is skipped)', () => {
    expect(evalBody(t('element', 9, '$_'), vars, object)).toBeUndefined();
    expect(evalBody('$7', vars, object)).toBeUndefined();
  });
});

describe('matchValue', () => {
  const object = t('k', new Pid(2), t('meta', 1));

  it('returns the bindings when the pattern matches and the guards hold', () => {
    const vars = matchValue(t('meta', '$1'), [t('>', '$1', 0)], object[2]!, object)!;
    expect(vars).toBeDefined();
    expect(equals(vars.get('$1')!, 1)).toBe(true);
    expect(matchValue(t('meta', '$1'), [t('>', '$1', 5)], object[2]!, object)).toBeUndefined();
    expect(matchValue(t('other', '_'), [], object[2]!, object)).toBeUndefined();
  });

  it('takes a JS predicate in place of a pattern (no bindings)', () => {
    const isMeta = (v: Term) => Array.isArray(v) && v[0] === 'meta';
    expect(matchValue(isMeta, [], object[2]!, object)?.size).toBe(0);
    expect(matchValue(isMeta, [], 'nope', object)).toBeUndefined();
    expect(matchValue(isMeta, [t('is_pid', t('element', 2, '$_'))], object[2]!, object)).toBeDefined();
  });
});
