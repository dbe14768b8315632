/**
 * Typed wrappers over the ETS effects, named like `:ets` (`Ets.new`, `Ets.insert`, `Ets.lookup`…).
 * Each is a scheduling point; errors are `:badarg` raised in the caller, as with the BIFs.
 */
import { Tuple as TupleClass, type Term, type Tuple } from '../term/Term.js';
import { etsCall } from './api.js';
import type { EtsNewOptions, Op } from './effects.js';

/** Creates a table owned by the caller; returns its name (named tables) or a reference. */
export function newTable(options: EtsNewOptions = {}): Op<Term> {
  return etsCall({ fn: 'new', options });
}
/** Inserts one row (a tuple) or a list of rows. */
export function insert(table: Term, rows: Tuple | Tuple[]): Op<true> {
  return etsCall({ fn: 'insert', table, rows: rows instanceof TupleClass ? [rows] : rows });
}
export function insertNew(table: Term, rows: Tuple[]): Op<boolean> {
  return etsCall({ fn: 'insert_new', table, rows });
}
export function lookup(table: Term, key: Term): Op<Tuple[]> {
  return etsCall({ fn: 'lookup', table, key });
}
export function lookupElement(table: Term, key: Term, pos: number): Op<Term> {
  return etsCall({ fn: 'lookup_element', table, key, pos });
}
export function member(table: Term, key: Term): Op<boolean> {
  return etsCall({ fn: 'member', table, key });
}
export function deleteKey(table: Term, key: Term): Op<true> {
  return etsCall({ fn: 'delete', table, key });
}
export function deleteObject(table: Term, row: Tuple): Op<true> {
  return etsCall({ fn: 'delete_object', table, row });
}
export function deleteTable(table: Term): Op<true> {
  return etsCall({ fn: 'delete_table', table });
}
/** Rows for which `filter` returns a value (the value is collected): a JS stand-in for match specs. */
export function select<R extends Term>(table: Term, filter: (row: Tuple) => R | undefined): Op<R[]> {
  return etsCall({ fn: 'select', table, filter: filter as (row: Term) => Term | undefined });
}
export function selectDelete(table: Term, filter: (row: Tuple) => boolean): Op<number> {
  return etsCall({ fn: 'select_delete', table, filter: filter as (row: Term) => boolean });
}
export function tab2list(table: Term): Op<Tuple[]> {
  return etsCall({ fn: 'tab2list', table });
}
export function size(table: Term): Op<number> {
  return etsCall({ fn: 'info_size', table });
}
export function updateElement(table: Term, key: Term, pos: number, value: Term): Op<boolean> {
  return etsCall({ fn: 'update_element', table, key, pos, value });
}
export function updateCounter(table: Term, key: Term, pos: number, incr: number, defaultRow?: Tuple): Op<number> {
  return etsCall({ fn: 'update_counter', table, key, pos, incr, ...(defaultRow ? { default: defaultRow } : {}) });
}
/**
 * The table registered under `name`, or undefined. Unlike `:ets.whereis/1`, which returns the
 * table's tid, this returns the name itself (a named table has no separate tid here); every
 * call accepts it, so only code that compares the result with a tid could tell.
 */
export function whereisTable(name: string): Op<Term | undefined> {
  return etsCall({ fn: 'whereis', name });
}
