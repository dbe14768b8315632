/**
 * The `Ets` API (src/kernel/ets.api.ts over src/kernel/ets.ts) against the documented behaviour of
 * Erlang's `:ets`: table types, key positions, access rights, named tables, `insert_new`,
 * `delete_object`, `lookup_element`, `update_element` and `update_counter` (including the
 * default object of update_counter/4 and the rule that a failed call changes nothing).
 * Every failure is `:badarg` raised in the caller, as with the BIFs.
 */
import { describe, expect, it } from 'vitest';
import { ErlFloat, Ets, format, match, receive, run, self, send, spawn, t, type Op, type Term } from '../../src/index.js';
import { attempt } from '../helpers.js';

/** Runs `body` as the root process and returns what it noted, printed as one Elixir list. */
function noted(body: (note: (x: Term) => void) => Op<void>): string {
  const seen: Term[] = [];
  const result = run(() => body((x) => void seen.push(x)));
  expect(result.verdict.kind).not.toBe('divergence');
  return format(seen);
}

/** Runs `body` in a fresh process and returns its answer to the caller. */
function* elsewhere(body: () => Op<Term>): Op<Term> {
  const me = yield* self();
  yield* spawn(function* () {
    yield* send(me, t('elsewhere', yield* attempt(body)));
  });
  const reply = (yield* receive(match.tagged('elsewhere', 2))) as Term[];
  return reply[1]!;
}

describe('set tables', () => {
  it('a key identifies one object; a later insert replaces it; keys match exactly (1 and 1.0 differ)', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable();
      yield* Ets.insert(tab, [t('a', 1), t('b', 2)]);
      yield* Ets.insert(tab, t('a', 3));
      yield* Ets.insert(tab, [t(1, 'int'), t(1.5, 'float')]);
      note(yield* Ets.lookup(tab, 'a'));
      note(yield* Ets.lookup(tab, 1));
      note(yield* Ets.lookup(tab, 'none'));
      note(yield* Ets.size(tab));
      note(yield* Ets.member(tab, 'b'));
      note(yield* Ets.member(tab, 'none'));
      note(yield* Ets.deleteKey(tab, 'none'));
      note(yield* Ets.deleteKey(tab, 'b'));
      note(yield* Ets.size(tab));
    });
    expect(out).toBe('[[a: 3], [{1, :int}], [], 4, true, false, true, true, 3]');
  });

  it('keyPos picks the key element; objects shorter than the key position and non-tuples are badarg', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable({ keyPos: 2 });
      yield* Ets.insert(tab, [t('v1', 'k'), t('v2', 'k', 'extra'), t('w', 'j')]);
      note(yield* Ets.lookup(tab, 'k'));
      note(yield* Ets.lookupElement(tab, 'k', 3));
      note(yield* attempt(() => Ets.insert(tab, t('short'))));
      note(yield* attempt(() => Ets.insert(tab, ['not a tuple'] as never)));
      note(yield* Ets.size(tab));
    });
    expect(out).toBe('[[{:v2, :k, :extra}], :extra, {:error, :badarg}, {:error, :badarg}, 2]');
  });

  it('insert is all or nothing: one bad object in the list inserts none', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable();
      note(yield* attempt(() => Ets.insert(tab, [t('a', 1), 'oops' as never, t('b', 2)])));
      note(yield* Ets.tab2list(tab));
    });
    expect(out).toBe('[{:error, :badarg}, []]');
  });

  it('insert_new inserts nothing when any key exists, everything otherwise', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable();
      yield* Ets.insert(tab, t('old', 0));
      note(yield* Ets.insertNew(tab, [t('new', 1), t('old', 2)]));
      note(yield* Ets.member(tab, 'new'));
      note(yield* Ets.lookup(tab, 'old'));
      note(yield* Ets.insertNew(tab, [t('new', 1), t('other', 2)]));
      note(yield* Ets.size(tab));
    });
    expect(out).toBe('[false, false, [old: 0], true, 3]');
  });

  it('lookup_element returns the element; a missing key or a position beyond the object is badarg', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable();
      yield* Ets.insert(tab, t('k', 'v'));
      note(yield* Ets.lookupElement(tab, 'k', 1));
      note(yield* Ets.lookupElement(tab, 'k', 2));
      note(yield* attempt(() => Ets.lookupElement(tab, 'k', 3)));
      note(yield* attempt(() => Ets.lookupElement(tab, 'missing', 2)));
    });
    expect(out).toBe('[:k, :v, {:error, :badarg}, {:error, :badarg}]');
  });

  it('delete_object removes the object only when the whole object matches', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable();
      yield* Ets.insert(tab, t('k', 1));
      note(yield* Ets.deleteObject(tab, t('k', 2)));
      note(yield* Ets.lookup(tab, 'k'));
      note(yield* Ets.deleteObject(tab, t('k', 1)));
      note(yield* Ets.lookup(tab, 'k'));
      note(yield* Ets.deleteObject(tab, t('gone', 1)));
      note(yield* Ets.size(tab));
    });
    expect(out).toBe('[true, [k: 1], true, [], true, 0]');
  });
});

describe('ordered_set, bag and duplicate_bag', () => {
  it('ordered_set traverses in term order (number < atom < tuple < binary)', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable({ type: 'ordered_set' });
      yield* Ets.insert(tab, [t('b', 1), t(t(0), 2), t(10, 3), t('a', 4), t(2, 5)]);
      note((yield* Ets.tab2list(tab)).map((row) => row[0]!));
      note(yield* Ets.select(tab, (row) => (typeof row[0] === 'number' ? row[1] : undefined)));
    });
    expect(out).toBe('[[2, 10, :a, :b, {0}], [5, 3]]');
  });

  it('ordered_set keys are unique up to ==: 1.0 replaces 1, finds it, deletes it (set keys stay =:=)', () => {
    // Measured on Erlang/OTP 25: after inserting {1, :a} then {1.0, :b}, lookup(t, 1) is
    // [{1.0, :b}], member(t, 1.0) is true; delete(t, 1.0) empties the table; insert_new of
    // {{1.0, [2]}, :d} after {{1, [2.0]}, :c} is false.
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable({ type: 'ordered_set' });
      yield* Ets.insert(tab, t(1, 'a'));
      yield* Ets.insert(tab, t(new ErlFloat(1), 'b'));
      note(yield* Ets.lookup(tab, 1));
      note(yield* Ets.member(tab, new ErlFloat(1)));
      note(yield* Ets.tab2list(tab));
      yield* Ets.deleteKey(tab, new ErlFloat(1));
      note(yield* Ets.tab2list(tab));
      note(yield* Ets.insertNew(tab, [t(t(1, [new ErlFloat(2)]), 'c')]));
      note(yield* Ets.insertNew(tab, [t(t(new ErlFloat(1), [2]), 'd')]));
      note(yield* Ets.lookup(tab, t(1, [2])));
    });
    expect(out).toBe('[[{1.0, :b}], true, [{1.0, :b}], [], true, false, [{{1, [2.0]}, :c}]]');
  });

  it('a bag keeps distinct objects per key; a duplicate_bag keeps duplicates too', () => {
    const out = noted(function* (note) {
      const bag = yield* Ets.newTable({ type: 'bag' });
      const dup = yield* Ets.newTable({ type: 'duplicate_bag' });
      for (const tab of [bag, dup]) {
        yield* Ets.insert(tab, [t('k', 1), t('k', 2), t('k', 1), t('j', 1)]);
        note(yield* Ets.lookup(tab, 'k'));
        note(yield* Ets.size(tab));
        note(yield* Ets.lookupElement(tab, 'k', 2));
      }
    });
    expect(out).toBe('[[k: 1, k: 2], 3, [1, 2], [k: 1, k: 2, k: 1], 4, [1, 2, 1]]');
  });

  it('delete_object removes one object of a bag and every copy in a duplicate_bag', () => {
    const out = noted(function* (note) {
      const bag = yield* Ets.newTable({ type: 'bag' });
      const dup = yield* Ets.newTable({ type: 'duplicate_bag' });
      for (const tab of [bag, dup]) {
        yield* Ets.insert(tab, [t('k', 1), t('k', 2), t('k', 1)]);
        yield* Ets.deleteObject(tab, t('k', 1));
        note(yield* Ets.lookup(tab, 'k'));
        note(yield* Ets.size(tab));
        yield* Ets.deleteObject(tab, t('k', 2));
        note(yield* Ets.member(tab, 'k'));
      }
    });
    expect(out).toBe('[[k: 2], 1, false, [k: 2], 1, false]');
  });

  it('select_delete removes the objects the filter accepts and returns how many', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable({ type: 'duplicate_bag' });
      yield* Ets.insert(tab, [t('a', 1), t('a', 2), t('b', 3), t('c', 4), t('a', 2)]);
      note(yield* Ets.selectDelete(tab, (row) => (row[1] as number) % 2 === 0));
      note(yield* Ets.size(tab));
      note(yield* Ets.tab2list(tab));
      note(yield* Ets.selectDelete(tab, () => false));
    });
    expect(out).toBe('[3, 2, [a: 1, b: 3], 0]');
  });
});

describe('update_element', () => {
  it('replaces one element of the object with the key; false when there is none', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable({ type: 'ordered_set' });
      yield* Ets.insert(tab, t('k', 'a', 'b'));
      note(yield* Ets.updateElement(tab, 'k', 3, 'c'));
      note(yield* Ets.lookup(tab, 'k'));
      note(yield* Ets.updateElement(tab, 'missing', 2, 'x'));
      note(yield* Ets.size(tab));
    });
    expect(out).toBe('[true, [{:k, :a, :c}], false, 1]');
  });

  it('the key position, a position outside the object and bag tables are badarg', () => {
    const out = noted(function* (note) {
      const set = yield* Ets.newTable();
      yield* Ets.insert(set, t('k', 1));
      note(yield* attempt(() => Ets.updateElement(set, 'k', 1, 'other_key')));
      note(yield* attempt(() => Ets.updateElement(set, 'k', 3, 'x')));
      note(yield* attempt(() => Ets.updateElement(set, 'k', 0, 'x')));
      note(yield* Ets.lookup(set, 'k'));
      const bag = yield* Ets.newTable({ type: 'bag' });
      yield* Ets.insert(bag, t('k', 1));
      note(yield* attempt(() => Ets.updateElement(bag, 'k', 2, 'x')));
      // erl_db.c checks the table type before looking the key up.
      note(yield* attempt(() => Ets.updateElement(bag, 'missing', 2, 'x')));
    });
    expect(out).toBe('[{:error, :badarg}, {:error, :badarg}, {:error, :badarg}, [k: 1], {:error, :badarg}, {:error, :badarg}]');
  });
});

describe('update_counter', () => {
  it('adds the increment and returns the new value', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable();
      yield* Ets.insert(tab, t('hits', 10, 0));
      note(yield* Ets.updateCounter(tab, 'hits', 2, 5));
      note(yield* Ets.updateCounter(tab, 'hits', 3, -2));
      note(yield* Ets.lookup(tab, 'hits'));
    });
    expect(out).toBe('[15, -2, [{:hits, 15, -2}]]');
  });

  it('inserts the default object for a missing key, its key field replaced by the key', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable();
      note(yield* Ets.updateCounter(tab, 'k', 2, 1, t('ignored', 10)));
      note(yield* Ets.lookup(tab, 'k'));
      note(yield* Ets.member(tab, 'ignored'));
      // An existing object wins over the default.
      note(yield* Ets.updateCounter(tab, 'k', 2, 1, t('k', 100)));
      note(yield* Ets.size(tab));
    });
    expect(out).toBe('[11, [k: 11], false, 12, 1]');
  });

  it('is badarg for a missing key without default, a non-integer element, the key, or a bag; a failed call writes nothing', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable();
      yield* Ets.insert(tab, [t('f', 1.5), t('a', 'atom'), t('n', 1)]);
      note(yield* attempt(() => Ets.updateCounter(tab, 'missing', 2, 1)));
      note(yield* attempt(() => Ets.updateCounter(tab, 'f', 2, 1)));
      note(yield* attempt(() => Ets.updateCounter(tab, 'a', 2, 1)));
      note(yield* attempt(() => Ets.updateCounter(tab, 'n', 1, 1)));
      note(yield* attempt(() => Ets.updateCounter(tab, 'n', 3, 1)));
      note(yield* attempt(() => Ets.updateCounter(tab, 'n', 2, 0.5)));
      // The default object is not left behind when the update of it fails.
      note(yield* attempt(() => Ets.updateCounter(tab, 'd', 2, 1, t('d', 'not a number'))));
      note(yield* attempt(() => Ets.updateCounter(tab, 'd', 3, 1, t('d', 0))));
      note(yield* Ets.member(tab, 'd'));
      note(yield* Ets.lookup(tab, 'n'));
      const bag = yield* Ets.newTable({ type: 'bag' });
      yield* Ets.insert(bag, t('n', 1));
      note(yield* attempt(() => Ets.updateCounter(bag, 'n', 2, 1)));
    });
    const badarg = '{:error, :badarg}';
    expect(out).toBe(`[${Array(8).fill(badarg).join(', ')}, false, [n: 1], ${badarg}]`);
  });

  it('counts past 2^53 exactly when the element is a big integer', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable();
      yield* Ets.insert(tab, t('big', 2n ** 60n));
      note(yield* Ets.updateCounter(tab, 'big', 2, 1));
    });
    expect(out).toBe(`[${2n ** 60n + 1n}]`);
  });
});

describe('access rights and table lifetime', () => {
  it('public tables take writes from anyone; protected ones reads only; private ones nothing', () => {
    const out = noted(function* (note) {
      for (const access of ['public', 'protected', 'private'] as const) {
        const tab = yield* Ets.newTable({ access });
        yield* Ets.insert(tab, t('k', 0));
        note(access);
        note(yield* elsewhere(() => Ets.lookup(tab, 'k')));
        note(yield* elsewhere(() => Ets.insert(tab, t('k', 1))));
        note(yield* elsewhere(() => Ets.deleteTable(tab)));
      }
    });
    expect(out).toBe(
      '[:public, [k: 0], true, true, ' +
        ':protected, [k: 0], {:error, :badarg}, {:error, :badarg}, ' +
        ':private, {:error, :badarg}, {:error, :badarg}, {:error, :badarg}]',
    );
  });

  it('a named table is found by name until deleted; the name can then be reused', () => {
    const out = noted(function* (note) {
      note((yield* Ets.whereisTable('counters')) ?? 'undefined');
      const tab = yield* Ets.newTable({ name: 'counters' });
      note(tab);
      note(yield* attempt(() => Ets.newTable({ name: 'counters' })));
      const found = yield* Ets.whereisTable('counters');
      yield* Ets.insert(found!, t('x', 1));
      note(yield* Ets.lookup('counters', 'x'));
      note(yield* Ets.deleteTable('counters'));
      note((yield* Ets.whereisTable('counters')) ?? 'undefined');
      note(yield* attempt(() => Ets.lookup('counters', 'x')));
      note(yield* attempt(() => Ets.size('counters')));
      yield* Ets.newTable({ name: 'counters' });
      note(yield* Ets.size('counters'));
    });
    expect(out).toBe('[:undefined, :counters, {:error, :badarg}, [x: 1], true, :undefined, {:error, :badarg}, {:error, :badarg}, 0]');
  });

  it('an unnamed table is a reference; unknown tables are badarg', () => {
    const out = noted(function* (note) {
      const tab = yield* Ets.newTable();
      note(format(tab).startsWith('#Ref<') ? 'ref' : format(tab));
      yield* Ets.deleteTable(tab);
      note(yield* attempt(() => Ets.tab2list(tab)));
      note(yield* attempt(() => Ets.member('no_such_table', 'k')));
    });
    expect(out).toBe('[:ref, {:error, :badarg}, {:error, :badarg}]');
  });
});
