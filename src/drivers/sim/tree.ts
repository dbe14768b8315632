/**
 * Supervision trees of the protocol (docs/driver-protocol.md, "Commands": TREE and CHILD) as the
 * simulated `:supervisor` sees them — the `Beamcheck.Supervisor` callback module, flags, child
 * specs, the canonical start MFA — and walks of a running tree (finding a child, the barrier walk).
 */
import * as api from '../../kernel/api.js';
import type { Op } from '../../kernel/effects.js';
import type { Json } from '../../term/json.js';
import { Pid, Tuple, bin, isTagged, isTermObject, t, type ErlModule, type Term, type TermObject } from '../../term/Term.js';
import { workerSpec, type WorkerConfig } from '../../harness/worker.js';
import * as Supervisor from '../../otp/Supervisor.js';
import type { CaseState } from './caseState.js';
import { RequestError, initOf, termOf } from './params.js';
import { SUPERVISOR_REPORT } from './recorder.js';

/**
 * `Beamcheck.Supervisor`: the callback module of every supervisor of a tree. init/1 names itself
 * and returns the `:supervisor` flags map itself (so `auto_shutdown` is the OTP flag on every
 * profile, as the Elixir driver does on every Elixir version).
 */
export function treeSupervisorModule(c: CaseState): ErlModule {
  return Supervisor.defmodule('Beamcheck.Supervisor', {
    *init(arg: Term) {
      const [name, tree] = arg as Tuple;
      yield* api.report(SUPERVISOR_REPORT, { name: name! });
      return t('ok', t(supFlags(tree as unknown as Json), childSpecs(c, tree as unknown as Json)));
    },
  });
}

function treeObject(tree: Json, what: string): Record<string, Json> {
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) throw new RequestError(`${what}: "tree" must be an object`);
  return tree;
}

/** A TREE to `:supervisor` flags (docs/driver-protocol.md). */
export function supFlags(tree: Json): TermObject {
  const o = treeObject(tree, 'sup_start');
  const flags: TermObject = {
    strategy: termOf(o['strategy'] ?? 'one_for_one'),
    intensity: termOf(o['max_restarts'] ?? 3),
    period: termOf(o['max_seconds'] ?? 5),
  };
  if (o['auto_shutdown'] !== undefined) flags['auto_shutdown'] = termOf(o['auto_shutdown']);
  return flags;
}

export function childSpecs(c: CaseState, tree: Json): TermObject[] {
  const children = treeObject(tree, 'sup_start')['children'] ?? [];
  if (!Array.isArray(children)) throw new RequestError('sup_start: "children" must be a list');
  return children.map((child) => childSpec(c, child));
}

function childObject(child: Json | undefined): Record<string, Json> & { id: string } {
  if (child === null || typeof child !== 'object' || Array.isArray(child) || typeof child['id'] !== 'string') {
    throw new RequestError('every child needs a string "id"');
  }
  return child as Record<string, Json> & { id: string };
}

/** A worker CHILD to the configuration the worker's `start_link` takes. */
export function workerConfig(j: Json | undefined): WorkerConfig {
  const child = childObject(j);
  const terminateMs = child['terminate_ms'] ?? 0;
  if (typeof terminateMs !== 'number') throw new RequestError('"terminate_ms" must be a number');
  const name = child['name'];
  if (name !== undefined && typeof name !== 'string') throw new RequestError('a child\'s "name" must be a string');
  const config: WorkerConfig = { id: child.id, trapExit: child['trap_exit'] === true, init: initOf(child['init']), terminateMs };
  return name === undefined ? config : { ...config, name };
}

/** A CHILD to a child spec map, with the Elixir driver's defaults. */
export function childSpec(c: CaseState, j: Json | undefined): TermObject {
  const child = childObject(j);
  const id = child.id;
  const fields: TermObject = { restart: termOf(child['restart'] ?? 'permanent') };
  if (typeof child['significant'] === 'boolean') fields['significant'] = child['significant'];
  if (child['type'] === 'supervisor') {
    // A bad nested TREE is a bad request, answered at once, not a start failure in the tree.
    const tree = treeObject(child['tree'] ?? null, `nested supervisor ${JSON.stringify(id)}`);
    supFlags(tree);
    childSpecs(c, tree);
    return {
      id,
      start: t(c.treeSupervisor, 'start_link', [t(bin(`sup:${id}`), (child['tree'] ?? null) as unknown as Term)]),
      ...fields,
      shutdown: termOf(child['shutdown'] ?? 'infinity'),
      type: 'supervisor',
    };
  }
  fields['shutdown'] = termOf(child['shutdown'] ?? 5000);
  fields['type'] = 'worker';
  return workerSpec(c.worker, workerConfig(child), fields);
}

/**
 * A tree child's start function as the protocol shows it: `{MODULE, :start_link, [ID]}` in a
 * child spec map or a `#child{}` record, anywhere in a result or exit reason (how a driver passes
 * configuration is its own business).
 */
export function canonicalChildspec(x: Term): Term {
  if (isTermObject(x) && x['start'] instanceof Tuple && x['start'].length === 3 && 'id' in x) {
    const [m, f] = x['start'];
    return { ...x, start: t(m!, f!, [x['id']!]) };
  }
  if (x instanceof Tuple) {
    if (x.length === 9 && x[0] === 'child' && x[3] instanceof Tuple && x[3].length === 3) {
      const copy = t(...x);
      copy[3] = t(x[3][0]!, x[3][1]!, [x[2]!]);
      return copy;
    }
    return t(...x.map(canonicalChildspec));
  }
  if (Array.isArray(x)) return x.map(canonicalChildspec);
  return x;
}

/** `{pid_or_status, type}` of child `id` anywhere under `sup`, or `none`. */
export function* findChild(sup: Term, id: string): Op<Term> {
  let children: Term[];
  try {
    children = yield* Supervisor.whichChildren(sup);
  } catch {
    return 'none';
  }
  for (const child of children) {
    const [cid, pid, type] = child as Tuple;
    if (cid === id) return t(pid!, type!);
    if (type === 'supervisor' && pid instanceof Pid) {
      const found = yield* findChild(pid, id);
      if (found !== 'none') return found;
    }
  }
  return 'none';
}

/** One walk of the tree: `[{id, pid_or_status, subtree?}]`, or `dead`. */
export function* walkTree(sup: Term): Op<Term> {
  let children: Term[];
  try {
    children = yield* Supervisor.whichChildren(sup);
  } catch {
    return 'dead';
  }
  const out: Term[] = [];
  for (const child of children) {
    const [id, pid, type] = child as Tuple;
    out.push(type === 'supervisor' && pid instanceof Pid ? t(id!, pid, yield* walkTree(pid)) : t(id!, pid!));
  }
  return out;
}

export function settled(walk: Term): boolean {
  if (!Array.isArray(walk)) return true;
  return (walk as Term[]).every((child) => {
    const c = child as Tuple;
    if (isTagged(c[1], 'restarting', 2)) return false;
    if (c.length === 3) return c[2] !== 'dead' && settled(c[2]!);
    return true;
  });
}
