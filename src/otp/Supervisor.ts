/**
 * Elixir's `Supervisor` front end over the `:supervisor` gen_server (./supervisor/server.ts).
 *
 * ```ts
 * const res = yield* Supervisor.startLink([WorkerA, t(WorkerB, 42)], { strategy: 'one_for_all' });
 * const Sup = Supervisor.defmodule('MyApp.Sup', {
 *   *init(arg) { return yield* Supervisor.init([t(Worker, arg)], { strategy: 'one_for_one' }); },
 * });
 * yield* Supervisor.startLink(Sup, 1, { name: 'my_sup' });
 * ```
 *
 * As in Elixir, `startLink(children, opts)` builds the flags and the child specs **in the caller**
 * and starts `Supervisor.Default`, whose `init/1` returns its argument (rule 16): a missing
 * `:strategy` or a malformed child raises in the caller. Options are camelCase (`maxRestarts`,
 * `maxSeconds`, `autoShutdown`) or an Elixir keyword list; results are Erlang terms.
 * Profiles: Elixir 1.14 (`otp25`) drops `:auto_shutdown` (rule 27) and rejects the
 * `:significant` override (rule 18).
 */
import { semantics } from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import { ExitException, argumentError, exit } from '../kernel/errors.js';
import { format } from '../term/format.js';
import { ErlModule, Tuple, isList, t, type Term, type TermObject } from '../term/Term.js';
import { checkChildspecs, childSpec, defineSupervisorModule, normalizeChild, type ChildSpecOverrides } from './childSpec.js';
import { genCall } from './gen.js';
import * as GenServer from './GenServer.js';
import { parseNameOption, whereisServer } from './names.js';
import { readOptions, splitOptions, type Options } from './supervisor/options.js';
import { SUPERVISOR } from './supervisor/server.js';

export { checkChildspecs, childSpec };
export type { ChildSpecOverrides };

/** `Supervisor.Default`: its `init/1` returns its argument (used by `startLink(children, opts)`). */
export const SUPERVISOR_DEFAULT = new ErlModule('Elixir.Supervisor.Default', { init: (arg: Term) => arg });

/** Options of `startLink(children, opts)` and `init(children, opts)`. */
export interface SupervisorOptions {
  strategy?: Term;
  maxRestarts?: Term;
  maxSeconds?: Term;
  autoShutdown?: Term;
  name?: Term;
  [other: string]: unknown;
}

/** Options of `startLink(mod, arg, opts)`. */
export interface StartOptions {
  name?: Term;
  [other: string]: unknown;
}

// ------------------------------------------------------------------------------- starting

/**
 * `Supervisor.start_link/2` (children list) or `Supervisor.start_link/3` (callback module).
 * Returns `{:ok, pid}`, `:ignore` or `{:error, reason}`; a non-trapping caller is killed by a
 * failed start (rule 34).
 */
export function startLink(children: Term[], opts: SupervisorOptions | Term[]): Op<Term>;
export function startLink(mod: ErlModule, arg: Term, opts?: StartOptions | Term[]): Op<Term>;
export function* startLink(first: Term[] | ErlModule, second: unknown, third?: StartOptions | Term[]): Op<Term> {
  if (first instanceof ErlModule) return yield* startModule(first, second as Term, readOptions(third));
  const options = readOptions(second as SupervisorOptions | Term[]);
  const current = (yield* semantics()) === 'current';
  // Elixir 1.14 does not split :auto_shutdown off, so it is silently dropped (rule 27).
  const supKeys = current ? ['strategy', 'maxSeconds', 'maxRestarts', 'autoShutdown'] : ['strategy', 'maxSeconds', 'maxRestarts'];
  const [supOpts, startOpts] = splitOptions(options, supKeys);
  return yield* startModule(SUPERVISOR_DEFAULT, yield* init(first, supOpts), startOpts);
}

/** `Supervisor.start_link/3` → `:supervisor.start_link/3` → `gen_server:start_link(…, :supervisor, {name, mod, arg}, [])`. */
function* startModule(mod: ErlModule, arg: Term, options: Record<string, Term>): Op<Term> {
  const name = options['name'];
  const supName = parseNameOption(name); // raises ArgumentError in the caller for a bad name
  return yield* GenServer.startLink(SUPERVISOR, t(supName ?? 'self', mod, arg), supName ? { name: name! } : {});
}

/**
 * `Supervisor.init/2` (rules 16, 22, 27): `{:ok, {flags, child_specs}}` with Elixir's defaults
 * (3 restarts in 5 s). Raises ArgumentError without `:strategy`. Elixir 1.14 never emits
 * `auto_shutdown`.
 */
export function* init(children: Term[], opts: SupervisorOptions | Term[] = {}): Op<Term> {
  const o = readOptions(opts);
  const strategy = o['strategy'];
  if (strategy === undefined || strategy === 'nil') return argumentError('expected :strategy option to be given');
  const current = (yield* semantics()) === 'current';
  const flags: TermObject = current
    ? { auto_shutdown: o['autoShutdown'] ?? 'never', intensity: o['maxRestarts'] ?? 3, period: o['maxSeconds'] ?? 5, strategy }
    : { intensity: o['maxRestarts'] ?? 3, period: o['maxSeconds'] ?? 5, strategy };
  const specs: Term[] = [];
  for (const child of children) specs.push(yield* normalizeChild(child));
  return t('ok', t(flags, specs));
}

// ------------------------------------------------------------------------------- module-based supervisors

export interface SupervisorCallbacks {
  /** Returns `Supervisor.init(children, opts)`'s result, a raw `{:ok, {flags, specs}}`, or `:ignore`. */
  init(arg: Term): Term | Op<Term>;
  /** Overrides the generated `start_link/1` (default: `Supervisor.startLink(mod, arg)`). */
  startLink?(arg: Term): Op<Term>;
}

/**
 * `defmodule X do use Supervisor, opts … end`: exports `init/1`, `start_link/1` and `child_spec/1`
 * (`%{id: X, start: {X, :start_link, [arg]}, type: :supervisor}` with the `use` overrides, rule 19).
 */
export function defmodule(name: string, callbacks: SupervisorCallbacks, use: ChildSpecOverrides = {}): ErlModule {
  return defineSupervisorModule(name, callbacks, use, (mod, arg) => startLink(mod, arg));
}

// ------------------------------------------------------------------------------- client API

function call(sup: Term, request: Term): Op<Term> {
  return GenServer.call(sup, request, 'infinity');
}

/**
 * `Supervisor.start_child/2` (rule 77): the spec is built in the caller (`child_spec(spec, [])`);
 * a 6-tuple is passed through, a list is the deprecated simple_one_for_one form.
 */
export function* startChild(sup: Term, spec: Term): Op<Term> {
  if (spec instanceof Tuple && spec.length === 6) return yield* call(sup, t('start_child', spec));
  if (isList(spec)) return yield* call(sup, t('start_child', spec));
  return yield* call(sup, t('start_child', yield* childSpec(spec, {})));
}

/** `Supervisor.terminate_child/2` (rule 78): `:ok | {:error, :not_found}`. */
export function terminateChild(sup: Term, id: Term): Op<Term> {
  return call(sup, t('terminate_child', id));
}

/** `Supervisor.restart_child/2` (rule 79). */
export function restartChild(sup: Term, id: Term): Op<Term> {
  return call(sup, t('restart_child', id));
}

/** `Supervisor.delete_child/2` (rule 80). */
export function deleteChild(sup: Term, id: Term): Op<Term> {
  return call(sup, t('delete_child', id));
}

/** `Supervisor.which_children/1` (rule 81): newest first. */
export function* whichChildren(sup: Term): Op<Term[]> {
  return (yield* call(sup, 'which_children')) as Term[];
}

/** `Supervisor.count_children/1` (rule 82): `%{active:, specs:, supervisors:, workers:}`. */
export function* countChildren(sup: Term): Op<TermObject> {
  return countsToMap((yield* call(sup, 'count_children')) as Term[]);
}

/** `:maps.from_list/1` of the counts proplist, keys in printing order. */
export function countsToMap(counts: Term[]): TermObject {
  const get = (k: string) => (counts.find((c) => (c as Tuple)[0] === k) as Tuple)[1]!;
  return { active: get('active'), specs: get('specs'), supervisors: get('supervisors'), workers: get('workers') };
}

/**
 * `:supervisor.get_childspec/2` (rule 83): `{:ok, spec}` or `{:error, :not_found}`. An Erlang
 * call: a failure exits with `{reason, {:gen_server, :call, [sup, req, :infinity]}}`.
 */
export function* getChildspec(sup: Term, id: Term): Op<Term> {
  const request = t('get_childspec', id);
  const mfa = t('gen_server', 'call', [sup, request, 'infinity']);
  const pid = yield* whereisServer(sup);
  if (!pid) return exit(t('noproc', mfa));
  try {
    return yield* genCall(pid, '$gen_call', request, 'infinity');
  } catch (e) {
    if (e instanceof ExitException) return exit(t(e.reason, mfa));
    throw e;
  }
}

/** `Supervisor.stop/3` = `GenServer.stop/3` (rule 67). */
export function stop(sup: Term, reason: Term = 'normal', timeout: number | 'infinity' = 'infinity'): Op<'ok'> {
  return GenServer.stop(sup, reason, timeout);
}

// ------------------------------------------------------------------------------- Supervisor.Spec (deprecated)

/** `Supervisor.Spec` (rule 20): the deprecated 6-tuple builders. */
export const Spec = {
  /** `worker(mod, args, opts)`: `{id, {mod, :start_link, args}, :permanent, 5000, :worker, [mod]}`. */
  worker(mod: Term, args: Term[], opts: Options | Term[] = {}): Tuple {
    return specChild('worker', mod, args, readOptions(opts));
  },
  /** `supervisor(mod, args, opts)`: like `worker` with shutdown `:infinity`. */
  supervisor(mod: Term, args: Term[], opts: Options | Term[] = {}): Tuple {
    const o = readOptions(opts);
    return specChild('supervisor', mod, args, { shutdown: 'infinity', ...o });
  },
  /** `supervise(children, opts)`: `{:ok, {{strategy, 3, 5}, children}}`; duplicate ids raise. */
  supervise(children: Term[], opts: Options | Term[]): Tuple {
    const o = readOptions(opts);
    if (o['strategy'] === undefined || o['strategy'] === 'nil' || o['strategy'] === false) return argumentError('expected :strategy option to be given');
    const ids = children.map((c) => {
      if (c instanceof Tuple && c.length === 6) return c[0]!;
      return argumentError(
        'invalid tuple specification given to supervise/2. If you are trying to use the map child specification that is part of the Elixir v1.5, use Supervisor.init/2 instead of Supervisor.Spec.supervise/2. See the Supervisor module for more information. ' +
          `Got: ${format(c)}`,
      );
    });
    ids.forEach((id, i) => {
      if (ids.slice(i + 1).some((other) => format(other) === format(id))) {
        argumentError(`duplicate ID ${format(id)} found in the supervisor specification, please explicitly pass the :id option when defining this worker/supervisor`);
      }
    });
    return t('ok', t(t(o['strategy']!, o['maxRestarts'] ?? 3, o['maxSeconds'] ?? 5), children));
  },
};

function specChild(type: string, mod: Term, args: Term[], o: Record<string, Term>): Tuple {
  const modules = o['modules'] ?? (format(mod) === 'GenEvent' ? 'dynamic' : [mod]);
  return t(o['id'] ?? mod, t(mod, o['function'] ?? 'start_link', args), o['restart'] ?? 'permanent', o['shutdown'] ?? 5000, type, modules);
}

/**
 * The `Supervisor` module itself, so that `{Supervisor, :start_link, [children, opts]}` can be
 * applied by a parent supervisor.
 */
export const MODULE = new ErlModule('Elixir.Supervisor', {
  start_link: (first: Term, second: Term, third?: Term) =>
    first instanceof ErlModule ? startLink(first, second, (third ?? []) as Term[]) : startLink(first as Term[], second as Term[]),
});
