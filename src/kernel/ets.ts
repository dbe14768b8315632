/**
 * ETS-like shared tables, the minimum Registry and PartitionSupervisor need.
 *
 * A table is owned by the process that created it and vanishes when that process dies
 * (processes.md §1.2.3, §6.12). Reads and writes from any process are atomic kernel effects, so a
 * reader can observe a table between two updates of its owner: exactly the stale-entry window of
 * Registry cleanup (§6.6). Errors are Erlang's `:badarg`.
 */
import { compare } from '../term/compare.js';
import { Ref, Tuple, t, type Term } from '../term/Term.js';
import { arithmeticTermKey, termKey } from '../term/termKey.js';
import { erlangError } from './errors.js';
import type { EtsAccess, EtsCall, EtsType } from './effects.js';
import type { Proc } from './Proc.js';

class Table {
  /** set/ordered_set: key → row; bag/duplicate_bag: key → rows. */
  readonly rows = new Map<string, Tuple[]>();
  size = 0;

  constructor(
    readonly id: Term,
    readonly name: string | null,
    readonly owner: Proc,
    readonly type: EtsType,
    readonly access: EtsAccess,
    readonly keyPos: number,
  ) {}

  keyOf(row: Tuple): Term {
    return row[this.keyPos - 1]!;
  }

  /** The Map key of an ETS key: `ordered_set` keys are unique up to `==`, the others up to `=:=`. */
  keyString(key: Term): string {
    return this.type === 'ordered_set' ? arithmeticTermKey(key) : termKey(key);
  }

  allRows(): Tuple[] {
    const out: Tuple[] = [];
    for (const rows of this.rows.values()) out.push(...rows);
    if (this.type === 'ordered_set') out.sort((a, b) => compare(this.keyOf(a), this.keyOf(b)));
    return out;
  }
}

function asRow(x: Term, keyPos: number): Tuple {
  if (!(x instanceof Tuple) || x.length < keyPos) erlangError('badarg');
  return x;
}

export class EtsStore {
  private readonly byId = new Map<string, Table>();
  private readonly byName = new Map<string, Table>();

  constructor(private readonly newRef: () => Ref) {}

  private table(id: Term, caller: Proc, write: boolean): Table {
    const table = typeof id === 'string' ? this.byName.get(id) : this.byId.get(termKey(id));
    if (!table) return erlangError('badarg');
    if (table.owner !== caller) {
      if (table.access === 'private' || (write && table.access === 'protected')) erlangError('badarg');
    }
    return table;
  }

  /** Performs one ETS call for `caller`; throws `ErlangError(:badarg)` like the BIFs. */
  call(caller: Proc, c: EtsCall): Term | undefined {
    switch (c.fn) {
      case 'new': {
        const { type = 'set', access = 'protected', name, keyPos = 1 } = c.options;
        if (name !== undefined && this.byName.has(name)) erlangError('badarg');
        const id: Term = name ?? this.newRef();
        const table = new Table(id, name ?? null, caller, type, access, keyPos);
        this.byId.set(termKey(id), table);
        if (name !== undefined) this.byName.set(name, table);
        return id;
      }
      case 'insert':
      case 'insert_new': {
        const table = this.table(c.table, caller, true);
        const rows = c.rows.map((r) => asRow(r, table.keyPos));
        if (c.fn === 'insert_new' && rows.some((r) => table.rows.has(table.keyString(table.keyOf(r))))) return false;
        for (const row of rows) this.insertRow(table, row);
        return true;
      }
      case 'lookup': {
        const table = this.table(c.table, caller, false);
        return [...(table.rows.get(table.keyString(c.key)) ?? [])];
      }
      case 'lookup_element': {
        const table = this.table(c.table, caller, false);
        const rows = table.rows.get(table.keyString(c.key));
        if (!rows || rows.length === 0 || rows.some((r) => r.length < c.pos)) return erlangError('badarg');
        const values = rows.map((r) => r[c.pos - 1]!);
        return table.type === 'set' || table.type === 'ordered_set' ? values[0] : values;
      }
      case 'member': {
        const table = this.table(c.table, caller, false);
        return table.rows.has(table.keyString(c.key));
      }
      case 'delete': {
        const table = this.table(c.table, caller, true);
        const key = table.keyString(c.key);
        table.size -= table.rows.get(key)?.length ?? 0;
        table.rows.delete(key);
        return true;
      }
      case 'delete_object': {
        const table = this.table(c.table, caller, true);
        const row = asRow(c.row, table.keyPos);
        const key = table.keyString(table.keyOf(row));
        const rows = table.rows.get(key);
        if (rows) {
          const whole = termKey(row);
          const kept = rows.filter((r) => termKey(r) !== whole);
          table.size -= rows.length - kept.length;
          if (kept.length === 0) table.rows.delete(key);
          else table.rows.set(key, kept);
        }
        return true;
      }
      case 'delete_table': {
        const table = this.table(c.table, caller, true);
        this.drop(table);
        return true;
      }
      case 'select': {
        const out: Term[] = [];
        for (const row of this.table(c.table, caller, false).allRows()) {
          const v = c.filter(row);
          if (v !== undefined) out.push(v);
        }
        return out;
      }
      case 'select_delete': {
        const table = this.table(c.table, caller, true);
        let removed = 0;
        for (const [key, rows] of [...table.rows]) {
          const kept = rows.filter((r) => !c.filter(r));
          removed += rows.length - kept.length;
          if (kept.length === 0) table.rows.delete(key);
          else table.rows.set(key, kept);
        }
        table.size -= removed;
        return removed;
      }
      case 'tab2list':
        return this.table(c.table, caller, false).allRows();
      case 'info_size':
        return this.table(c.table, caller, false).size;
      case 'update_element': {
        // erl_db.c checks the table type before it looks the key up, the position after.
        const table = this.table(c.table, caller, true);
        if (table.type !== 'set' && table.type !== 'ordered_set') erlangError('badarg');
        const rows = table.rows.get(table.keyString(c.key));
        if (!rows || rows.length === 0) return false;
        const row = rows[0]!;
        if (c.pos < 1 || c.pos === table.keyPos || c.pos > row.length) erlangError('badarg');
        const next = t(...row);
        next[c.pos - 1] = c.value;
        rows[0] = next;
        return true;
      }
      case 'update_counter': {
        const table = this.table(c.table, caller, true);
        if (table.type !== 'set' && table.type !== 'ordered_set') erlangError('badarg');
        const rows = table.rows.get(table.keyString(c.key));
        const found = rows !== undefined && rows.length > 0;
        let row: Tuple;
        if (found) row = rows[0]!;
        else if (c.default !== undefined) {
          // The default's key field is ignored and replaced by the key (ets docs, update_counter/4).
          row = t(...asRow(c.default, table.keyPos));
          row[table.keyPos - 1] = c.key;
        } else return erlangError('badarg');
        if (c.pos < 1 || c.pos === table.keyPos || c.pos > row.length || !Number.isInteger(c.incr)) erlangError('badarg');
        const current = row[c.pos - 1];
        let value: number | bigint;
        if (typeof current === 'number' && Number.isInteger(current)) value = current + c.incr;
        else if (typeof current === 'bigint') value = current + BigInt(c.incr);
        else return erlangError('badarg');
        // Nothing is written before every check passed: a failed call leaves the table as it was.
        const next = t(...row);
        next[c.pos - 1] = value;
        if (found) rows[0] = next;
        else this.insertRow(table, next);
        return value;
      }
      case 'whereis':
        return this.byName.get(c.name)?.id;
    }
  }

  private insertRow(table: Table, row: Tuple): void {
    const key = table.keyString(table.keyOf(row));
    const rows = table.rows.get(key);
    if (!rows) {
      table.rows.set(key, [row]);
      table.size++;
      return;
    }
    switch (table.type) {
      case 'set':
      case 'ordered_set':
        rows[0] = row;
        return;
      case 'bag': {
        const whole = termKey(row);
        if (rows.some((r) => termKey(r) === whole)) return;
        rows.push(row);
        table.size++;
        return;
      }
      case 'duplicate_bag':
        rows.push(row);
        table.size++;
    }
  }

  private drop(table: Table): void {
    this.byId.delete(termKey(table.id));
    if (table.name !== null) this.byName.delete(table.name);
  }

  /** Deletes every table owned by a process that died. */
  ownerDied(owner: Proc): void {
    if (this.byId.size === 0) return;
    for (const table of [...this.byId.values()]) if (table.owner === owner) this.drop(table);
  }
}
