/**
 * The static supervisor's child store, ported from supervisor.erl's `children()` type:
 * `{Ids, Db}` with `Ids` in **termination order** (newest first, rule 35) and `Db` mapping id to
 * `#child{}`. The functions keep OTP's names and its exact list orders — `children_map/2` reverses
 * the id list and, on abort, splices it the way OTP does — because those orders decide which child
 * is stopped or started first under every strategy (rules 40, 41, 49, 68).
 *
 * Values are immutable: every update returns a new store, as in Erlang.
 */
import { equals } from '../../term/compare.js';
import { Pid, Tuple, t, type Term } from '../../term/Term.js';
import { termKey } from '../../term/termKey.js';
import type { Op } from '../../kernel/effects.js';
import { isTemporary, type Child } from '../childSpec.js';

export interface Children {
  /** Child ids, newest first. */
  readonly ids: readonly Term[];
  readonly db: ReadonlyMap<string, Child>;
}

export const EMPTY_CHILDREN: Children = { ids: [], db: new Map() };

/** `{:restarting, pid}`: a child whose restart failed and waits for the retry (rule 45). */
export function restartingPid(pid: Term): Tuple {
  return t('restarting', pid);
}

export function isRestarting(pid: Term): boolean {
  return pid instanceof Tuple && pid.length === 2 && pid[0] === 'restarting';
}

/** `restarting/1`: wraps a pid once; anything else (already wrapped, `:undefined`) is kept. */
export function restarting(pid: Term): Term {
  return pid instanceof Pid ? restartingPid(pid) : pid;
}

/** Builds the store from ids in start order (as `check_startspec` returns them). */
export function fromStartOrder(ids: readonly Term[], children: readonly Child[]): Children {
  const db = new Map<string, Child>();
  children.forEach((c) => db.set(termKey(c.id), c));
  return { ids: [...ids], db };
}

export function getChild(children: Children, id: Term): Child {
  const c = children.db.get(termKey(id));
  if (!c) throw new Error(`supervisor: no child ${String(id)}`);
  return c;
}

export function findChild(children: Children, id: Term): Child | undefined {
  return children.db.get(termKey(id));
}

/** `find_child_by_pid/2`: the child whose pid field equals `pid` (a pid or `{:restarting, pid}`). */
export function findChildByPid(children: Children, pid: Term): Child | undefined {
  for (const c of children.db.values()) if (equals(c.pid, pid)) return c;
  return undefined;
}

function withDb(children: Children, ids: readonly Term[], update: (db: Map<string, Child>) => void): Children {
  const db = new Map(children.db);
  update(db);
  return { ids, db };
}

/** `set_pid/3`. */
export function setPid(children: Children, pid: Term, id: Term): Children {
  const c = getChild(children, id);
  return withDb(children, children.ids, (db) => db.set(termKey(id), { ...c, pid }));
}

/** `del_child/2` by id: a temporary child is removed, any other keeps its spec with pid `:undefined` (rule 38). */
export function delChild(children: Children, id: Term): Children {
  const c = getChild(children, id);
  if (isTemporary(c)) return removeChild(children, id);
  return withDb(children, children.ids, (db) => db.set(termKey(id), { ...c, pid: 'undefined' }));
}

/** `remove_child/2`. */
export function removeChild(children: Children, id: Term): Children {
  const ids = [...children.ids];
  const at = ids.findIndex((x) => equals(x, id));
  if (at >= 0) ids.splice(at, 1);
  return withDb(children, ids, (db) => db.delete(termKey(id)));
}

/** `do_save_child/2`: the new id goes to the front, so it is last in start order (rule 68). */
export function saveChild(children: Children, child: Child): Children {
  return withDb(children, [child.id, ...children.ids], (db) => db.set(termKey(child.id), child));
}

/** What a `children_map/2` callback decides for one child. */
export type MapStep = { update: Child } | 'remove' | { abort: Term };

export type MapResult = { ok: true; children: Children } | { ok: false; children: Children; reason: Term };

/**
 * `children_map/2`: visits the ids in list order and returns the ids **reversed**; on abort returns
 * `lists:reverse(Rest) ++ [Id | Acc]` with the map as updated so far.
 */
export function* childrenMap(children: Children, step: (id: Term, child: Child) => Op<MapStep>): Op<MapResult> {
  const db = new Map(children.db);
  const acc: Term[] = [];
  const ids = children.ids;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const key = termKey(id);
    const r = yield* step(id, db.get(key)!);
    if (r === 'remove') {
      db.delete(key);
    } else if ('update' in r) {
      db.set(key, r.update);
      acc.unshift(id);
    } else {
      const rest = ids.slice(i + 1).reverse();
      return { ok: false, children: { ids: [...rest, id, ...acc], db }, reason: r.abort };
    }
  }
  return { ok: true, children: { ids: acc, db } };
}

/** `children_to_list/2`: one element per child, in id-list order. */
export function childrenToList<T>(children: Children, fn: (id: Term, child: Child) => T): T[] {
  return children.ids.map((id) => fn(id, getChild(children, id)));
}

/**
 * `split_child/2`: `{After, Before}` where After holds the given child and every child started after
 * it (termination order, the given child with pid `:undefined`) and Before the older ones.
 */
export function splitChild(children: Children, id: Term): [Children, Children] {
  const at = children.ids.findIndex((x) => equals(x, id));
  const afterIds = children.ids.slice(0, at + 1);
  const beforeIds = children.ids.slice(at + 1);
  const after = new Map<string, Child>();
  const before = new Map<string, Child>();
  for (const x of afterIds) after.set(termKey(x), getChild(children, x));
  for (const x of beforeIds) before.set(termKey(x), getChild(children, x));
  after.set(termKey(id), { ...getChild(children, id), pid: 'undefined' });
  return [
    { ids: afterIds, db: after },
    { ids: beforeIds, db: before },
  ];
}

/** `append/2`. */
export function append(a: Children, b: Children): Children {
  return { ids: [...a.ids, ...b.ids], db: new Map([...b.db, ...a.db]) };
}

/** Every child record (map order is irrelevant for the callers: folds and `any`). */
export function allChildren(children: Children): Child[] {
  return [...children.db.values()];
}
