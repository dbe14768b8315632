/**
 * Child specifications: Elixir's front-end forms and OTP's validation (supervision.md §1).
 *
 * - `normalizeChild` is Elixir's `Supervisor.init_child/1`: `Mod` means `Mod.child_spec([])`,
 *   `{Mod, arg}` means `Mod.child_spec(arg)`, maps and 6-tuples pass through, anything else raises
 *   ArgumentError in the caller (rules 16-17).
 * - `childSpec` is `Supervisor.child_spec/2` with the override keys each version accepts (rule 18).
 * - `checkChildspec` / `checkStartspec` / `checkChildspecs` port `supervisor.erl`'s
 *   `check_childspec`, `do_check_childspec` and `check_startspec`: defaults (rules 1-8), the order
 *   in which errors are found (rule 9), the legacy 6-tuple (rule 10), duplicate ids (rule 11) and
 *   `check_childspecs/1,2` (rule 15).
 * - `validateDynamicChild` is DynamicSupervisor's own caller-side check (rule 89).
 *
 * Everything here runs in the caller's process; the functions that may call user code
 * (`child_spec/1` of a module) or depend on the semantics profile are generators.
 */
import { semantics } from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import { ErlangError, argumentError } from '../kernel/errors.js';
import { equals } from '../term/compare.js';
import { format } from '../term/format.js';
import { ErlModule, TMap, Tuple, atomName, isAtom, isInteger, isList, isTermObject, t, type Term, type TermObject } from '../term/Term.js';
import { invoke } from './callbacks.js';
import { moduleAtom } from './GenServer.js';

/** OTP's internal `#child{}` record (supervisor.erl), field for field. */
export interface Child {
  /** A pid, `:undefined`, `{:restarting, pid | :undefined}`, or (simple_one_for_one reports) a list of pids. */
  pid: Term;
  id: Term;
  /** `{m, f, args}`; args are `:undefined` for a temporary child saved by `start_child` (rule 12). */
  mfargs: Tuple;
  restartType: Term;
  significant: Term;
  shutdown: Term;
  childType: Term;
  modules: Term;
}

export type CheckResult = { ok: true; child: Child } | { ok: false; error: Term };

// ------------------------------------------------------------------------------- maps

/** True for an Erlang map: an atom-keyed object (not a struct-less class instance) or a TMap. */
export function isMap(x: Term): x is TermObject | TMap {
  return x instanceof TMap || isTermObject(x);
}

/** `maps:find(key, m)` for an atom key. */
export function mapFind(m: TermObject | TMap, key: string): Term | undefined {
  if (m instanceof TMap) {
    for (const [k, v] of m.entries) if (atomName(k) === key) return v;
    return undefined;
  }
  return Object.prototype.hasOwnProperty.call(m, key) ? m[key] : undefined;
}

/** The atom-keyed entries of a map (for merging; non-atom keys are irrelevant to a child spec). */
function atomEntries(m: TermObject | TMap): Array<[string, Term]> {
  if (m instanceof TMap) {
    const out: Array<[string, Term]> = [];
    for (const [k, v] of m.entries) if (typeof k === 'string') out.push([k, v]);
    return out;
  }
  return Object.entries(m);
}

const isTrue = (x: Term): boolean => x === true || x === 'true';
const isFalse = (x: Term): boolean => x === false || x === 'false';
const atomIs = (x: Term | undefined, ...names: string[]): boolean => x !== undefined && names.includes(atomName(x) ?? '\u0000');

// ------------------------------------------------------------------------------- OTP validation

class SpecError {
  constructor(readonly error: Term) {}
}
function fail(error: Term): never {
  throw new SpecError(error);
}

/** `check_childspec/2` (rules 1-10): a map or a 6-tuple, validated against `autoShutdown`. */
export function checkChildspec(spec: Term, autoShutdown: Term): CheckResult {
  if (isMap(spec)) {
    // Rule 1: merged over %{restart: :permanent, type: :worker}; the user's keys win.
    const merged: Record<string, Term> = { restart: 'permanent', type: 'worker' };
    for (const [k, v] of atomEntries(spec)) merged[k] = v;
    try {
      return { ok: true, child: doCheckChildspec(merged, autoShutdown) };
    } catch (e) {
      if (e instanceof SpecError) return { ok: false, error: e.error };
      throw e;
    }
  }
  if (spec instanceof Tuple && spec.length === 6) {
    // Rule 10: the legacy tuple becomes a map with significant: false.
    const [id, start, restart, shutdown, type, modules] = spec as Term[];
    return checkChildspec({ id: id!, start: start!, restart: restart!, significant: false, shutdown: shutdown!, type: type!, modules: modules! }, autoShutdown);
  }
  return { ok: false, error: t('invalid_child_spec', spec) };
}

/** `do_check_childspec/2`: the checks in OTP's order; the first failure wins (rule 9). */
function doCheckChildspec(spec: Record<string, Term>, autoShutdown: Term): Child {
  const restartType = spec['restart']!;
  const childType = spec['type']!;
  const id = 'id' in spec ? spec['id']! : fail('missing_id'); // rule 2
  const start = 'start' in spec ? spec['start']! : fail('missing_start'); // rule 3
  validFunc(start);
  validRestartType(restartType); // rule 4
  const significant = 'significant' in spec ? spec['significant']! : false;
  validSignificant(significant, restartType, autoShutdown); // rules 5, 70, 71
  validChildType(childType); // rule 6
  // Rule 7: the default shutdown follows the final type.
  const shutdown = 'shutdown' in spec ? spec['shutdown']! : atomIs(childType, 'worker') ? 5000 : 'infinity';
  validShutdown(shutdown);
  // Rule 8: modules default to [m] from the start tuple.
  const modules = 'modules' in spec ? spec['modules']! : [(start as Tuple)[0]!];
  validMods(modules);
  return { pid: 'undefined', id, mfargs: start as Tuple, restartType, significant, shutdown, childType, modules };
}

function validFunc(start: Term): void {
  if (start instanceof Tuple && start.length === 3 && isAtom(start[0]) && isAtom(start[1]) && isList(start[2])) return;
  fail(t('invalid_mfa', start));
}

function validRestartType(restart: Term): void {
  if (!atomIs(restart, 'permanent', 'temporary', 'transient')) fail(t('invalid_restart_type', restart));
}

/** `validSignificant/3`: the auto_shutdown check comes before the permanent check (rule 70). */
function validSignificant(significant: Term, restart: Term, autoShutdown: Term): void {
  if (isTrue(significant) && atomIs(autoShutdown, 'never')) {
    fail(t('bad_combination', [t('auto_shutdown', 'never'), t('significant', true)]));
  }
  if (isTrue(significant) && atomIs(restart, 'permanent')) {
    fail(t('bad_combination', [t('restart', 'permanent'), t('significant', true)]));
  }
  if (!isTrue(significant) && !isFalse(significant)) fail(t('invalid_significant', significant));
}

function validChildType(type: Term): void {
  if (!atomIs(type, 'supervisor', 'worker')) fail(t('invalid_child_type', type));
}

function isNonNegInteger(x: Term): boolean {
  return isInteger(x) && (typeof x === 'bigint' ? x >= 0n : x >= 0);
}

function validShutdown(shutdown: Term): void {
  if (isNonNegInteger(shutdown) || atomIs(shutdown, 'infinity', 'brutal_kill')) return;
  fail(t('invalid_shutdown', shutdown));
}

function validMods(modules: Term): void {
  if (atomIs(modules, 'dynamic')) return;
  if (!isList(modules)) fail(t('invalid_modules', modules));
  for (const m of modules) if (!isAtom(m)) fail(t('invalid_module', m));
}

/** Child ids and records in start order, as `check_startspec/2` returns them. */
export interface CheckedStartspec {
  ids: Term[];
  children: Child[];
}

/** `check_startspec/2`: each spec in order; a repeated id fails on its second occurrence (rule 11). */
export function checkStartspec(specs: readonly Term[], autoShutdown: Term): { ok: true; value: CheckedStartspec } | { ok: false; error: Term } {
  const ids: Term[] = [];
  const children: Child[] = [];
  for (const spec of specs) {
    const r = checkChildspec(spec, autoShutdown);
    if (!r.ok) return r;
    if (ids.some((id) => equals(id, r.child.id))) return { ok: false, error: t('duplicate_child_name', r.child.id) };
    ids.push(r.child.id);
    children.push(r.child);
  }
  return { ok: true, value: { ids, children } };
}

/**
 * `:supervisor.check_childspecs/1,2` (rule 15): `:ok | {:error, e}`. With `:undefined` (the /1 form)
 * the "significant needs auto_shutdown" rule is skipped; the "not permanent" rule still applies.
 */
export function checkChildspecs(specs: Term, autoShutdown: Term = 'undefined'): Term {
  if (!isList(specs)) return t('error', t('badarg', specs));
  if (!atomIs(autoShutdown, 'undefined', 'never', 'any_significant', 'all_significant')) return t('error', t('badarg', autoShutdown));
  const r = checkStartspec(specs, autoShutdown);
  return r.ok ? 'ok' : t('error', r.error);
}

// ------------------------------------------------------------------------------- records and reports

/** `child_to_spec/1`: a map with all seven keys (rule 12), keys in the order Elixir prints them. */
export function childToSpec(c: Child): TermObject {
  return {
    id: c.id,
    modules: c.modules,
    restart: c.restartType,
    shutdown: c.shutdown,
    significant: c.significant,
    start: c.mfargs,
    type: c.childType,
  };
}

/** The `#child{}` record as the tuple it really is (returned in `start_child` errors, rule 77). */
export function childRecordTerm(c: Child): Tuple {
  return t('child', c.pid, c.id, c.mfargs, c.restartType, c.significant, c.shutdown, c.childType, c.modules);
}

/** `extract_child/1` (rule 109): the offender keyword list of supervisor reports. */
export function extractChild(c: Child): Term[] {
  const head = isList(c.pid) ? t('nb_children', c.pid.length) : t('pid', c.pid);
  return [
    head,
    t('id', c.id),
    t('mfargs', c.mfargs),
    t('restart_type', c.restartType),
    t('significant', c.significant),
    t('shutdown', c.shutdown),
    t('child_type', c.childType),
  ];
}

export const isTemporary = (c: Child): boolean => atomIs(c.restartType, 'temporary');
export const isTransient = (c: Child): boolean => atomIs(c.restartType, 'transient');
export const isPermanent = (c: Child): boolean => atomIs(c.restartType, 'permanent');
export const isSignificant = (c: Child): boolean => isTrue(c.significant);

// ------------------------------------------------------------------------------- Elixir front end

/** The module whose `child_spec/1` builds a spec, or undefined when `x` is not module-like. */
function moduleOf(x: Term): ErlModule | string | undefined {
  if (x instanceof ErlModule || typeof x === 'string') return x;
  if (typeof x === 'boolean') return x ? 'true' : 'false';
  return undefined;
}

/** Elixir `inspect/1` of a module atom: `MyMod` for `Elixir.MyMod`, `:foo` for an Erlang module. */
function inspectModule(m: ErlModule | string): string {
  return format(m);
}

/** The ArgumentError Elixir raises for a module without `child_spec/1` (wording per version). */
function* childSpecError(m: ErlModule | string): Op<never> {
  const otp25 = (yield* semantics()) === 'otp25';
  const name = inspectModule(m);
  if (!(m instanceof ErlModule)) {
    return argumentError(`The module ${name} was given as a child to a supervisor but it does not exist${otp25 ? '.' : ''}`);
  }
  return argumentError(
    `The module ${name} was given as a child to a supervisor\nbut it does not implement child_spec/1.\n\n` +
      `If you own the given module, please define a child_spec/1 function\nthat receives an argument and returns a child specification as a map.\nFor example:\n\n` +
      `    def child_spec(opts) do\n      %{\n        id: __MODULE__,\n        start: {__MODULE__, :start_link, [opts]},\n        type: :worker,\n        restart: :permanent,\n        shutdown: 500\n      }\n    end\n\n` +
      `Note that "use Agent", "use GenServer" and so on automatically define\nthis function for you.\n\n` +
      `However, if you don't own the given module and it doesn't implement\nchild_spec/1, instead of passing the module name directly as a supervisor\nchild, you will have to pass a child specification as a map:\n\n` +
      `    %{\n      id: ${name},\n      start: {${name}, :start_link, [arg1, arg2]}\n    }\n\n` +
      `See the Supervisor documentation for more information${otp25 ? '.' : ''}\n`,
  );
}

/**
 * `Supervisor.init_child/1` (rules 16-17), run in the caller: `Mod` → `Mod.child_spec([])`,
 * `{Mod, arg}` → `Mod.child_spec(arg)`, a map or a 6-tuple as is; anything else raises.
 */
export function* normalizeChild(form: Term): Op<Term> {
  const asModule = moduleOf(form);
  if (asModule !== undefined) return yield* callChildSpec(asModule, []);
  if (form instanceof Tuple && form.length === 2 && moduleOf(form[0]!) !== undefined) {
    return yield* callChildSpec(moduleOf(form[0]!)!, form[1]!);
  }
  if (isMap(form)) return form;
  if (form instanceof Tuple && form.length === 6) return form;
  return argumentError(
    'supervisors expect each child to be one of the following:\n\n  * a module\n  * a {module, arg} tuple\n' +
      '  * a child specification as a map with at least the :id and :start fields\n' +
      `  * or a tuple with 6 elements generated by Supervisor.Spec (deprecated)\n\nGot: ${format(form)}\n`,
  );
}

function* callChildSpec(m: ErlModule | string, arg: Term): Op<Term> {
  const fn = m instanceof ErlModule ? m.exports['child_spec'] : undefined;
  if (!fn) return yield* childSpecError(m);
  return yield* invoke(fn, [arg]);
}

/** Override keys of `Supervisor.child_spec/2`, as a JS object (key order is application order). */
export type ChildSpecOverrides = Readonly<Record<string, Term>>;

/**
 * `Supervisor.child_spec/2` (rule 18): builds the spec in the caller, then applies the overrides in
 * order; an unknown key raises ArgumentError. `:significant` is accepted from Elixir 1.15 on only.
 * A 6-tuple raises.
 */
export function* childSpec(form: Term, overrides: ChildSpecOverrides | Term[] = {}): Op<Term> {
  if (form instanceof Tuple && form.length === 6) {
    return argumentError(`old tuple-based child specification ${format(form)} is not supported in Supervisor.child_spec/2`);
  }
  const allowed = ['id', 'start', 'restart', 'shutdown', 'type', 'modules'];
  if ((yield* semantics()) === 'current') allowed.push('significant');
  let spec = yield* normalizeChild(form);
  for (const [key, value] of overrideEntries(overrides)) {
    if (!allowed.includes(key)) return argumentError(`unknown key ${format(key)} in child specification override`);
    spec = mapPut(spec, key, value);
  }
  return spec;
}

/** Overrides given as a JS object or as a keyword list term. */
function overrideEntries(overrides: ChildSpecOverrides | Term[]): Array<[string, Term]> {
  if (Array.isArray(overrides)) {
    return overrides.map((kv) => {
      if (!(kv instanceof Tuple) || kv.length !== 2 || typeof kv[0] !== 'string') throw new ErlangError(t('badarg', []));
      return [kv[0], kv[1]!];
    });
  }
  return Object.entries(overrides).filter(([, v]) => v !== undefined) as Array<[string, Term]>;
}

/** `Map.put/3` on an atom-keyed map (a TMap keeps its other keys). */
export function mapPut(m: Term, key: string, value: Term): Term {
  if (m instanceof TMap) {
    const entries = m.entries.filter(([k]) => atomName(k) !== key);
    return new TMap([...entries, [key, value]]);
  }
  if (isTermObject(m)) return { ...m, [key]: value };
  throw new ErlangError(t('badmap', m));
}

// ------------------------------------------------------------------------------- DynamicSupervisor

/** The child tuple DynamicSupervisor stores: `{mfa, restart, shutdown, type, modules}`. */
export type DynamicChild = Tuple;

/**
 * DynamicSupervisor's caller-side `validate_child` (rule 89): `{:ok, {start, restart, shutdown,
 * type, modules}}` or an error term. Order: start, restart, shutdown, type, modules, then (Elixir
 * 1.15+) significant. Elixir 1.14 requires `shutdown > 0` (E2) and never checks `significant`
 * (E3). A map with an invalid `:type` and no `:shutdown` raises CaseClauseError, as in Elixir.
 */
export function* validateDynamicChild(spec: Term): Op<{ ok: true; child: DynamicChild } | { ok: false; error: Term }> {
  const otp25 = (yield* semantics()) === 'otp25';
  let fields: [Term, Term, Term, Term, Term, Term];
  if (isMap(spec) && mapFind(spec, 'id') !== undefined && isTuple3(mapFind(spec, 'start'))) {
    const start = mapFind(spec, 'start') as Tuple;
    const type = mapFind(spec, 'type') ?? 'worker';
    let shutdown: Term;
    if (atomIs(type, 'worker')) shutdown = mapFind(spec, 'shutdown') ?? 5000;
    else if (atomIs(type, 'supervisor')) shutdown = mapFind(spec, 'shutdown') ?? 'infinity';
    else throw new ErlangError({ __struct__: 'Elixir.CaseClauseError', term: type });
    fields = [start, mapFind(spec, 'restart') ?? 'permanent', shutdown, type, mapFind(spec, 'modules') ?? [start[0]!], mapFind(spec, 'significant') ?? false];
  } else if (spec instanceof Tuple && spec.length === 6) {
    fields = [spec[1]!, spec[2]!, spec[3]!, spec[4]!, spec[5]!, false];
  } else {
    return { ok: false, error: t('invalid_child_spec', spec) };
  }
  const [start, restart, shutdown, type, modules, significant] = fields;
  const minShutdown = otp25 ? 1 : 0;
  const error =
    !(start instanceof Tuple && start.length === 3 && isAtom(start[0]) && isAtom(start[1]) && isList(start[2]))
      ? t('invalid_mfa', start)
      : !atomIs(restart, 'permanent', 'temporary', 'transient')
        ? t('invalid_restart_type', restart)
        : !((isInteger(shutdown) && Number(shutdown) >= minShutdown) || atomIs(shutdown, 'infinity', 'brutal_kill'))
          ? t('invalid_shutdown', shutdown)
          : !atomIs(type, 'supervisor', 'worker')
            ? t('invalid_child_type', type)
            : !(atomIs(modules, 'dynamic') || (isList(modules) && modules.every((m) => isAtom(m))))
              ? t('invalid_modules', modules)
              : !otp25 && !isFalse(significant)
                ? t('invalid_significant', significant)
                : undefined;
  if (error !== undefined) return { ok: false, error };
  return { ok: true, child: t(start, restart, shutdown, type, modules) };
}

function isTuple3(x: Term | undefined): boolean {
  return x instanceof Tuple && x.length === 3;
}

/**
 * `use Supervisor` / `use DynamicSupervisor`: a callback module exporting `init/1`, `start_link/1`
 * (the callbacks' own, or `defaultStartLink(mod, arg)`) and `child_spec/1` (`type: :supervisor`
 * plus the `use` overrides, rule 19).
 */
export function defineSupervisorModule(
  name: string,
  callbacks: { init(arg: Term): Term | Op<Term>; startLink?(arg: Term): Op<Term> },
  use: ChildSpecOverrides,
  defaultStartLink: (mod: ErlModule, arg: Term) => Op<Term>,
): ErlModule {
  const exports: Record<string, (...args: never[]) => unknown> = { init: callbacks.init.bind(callbacks) };
  const mod: ErlModule = new ErlModule(moduleAtom(name), exports as ErlModule['exports']);
  exports['start_link'] = callbacks.startLink ? callbacks.startLink.bind(callbacks) : (arg: Term) => defaultStartLink(mod, arg);
  exports['child_spec'] = ((arg: Term) => childSpec({ id: mod, start: t(mod, 'start_link', [arg]), type: 'supervisor' }, use)) as never;
  return mod;
}
