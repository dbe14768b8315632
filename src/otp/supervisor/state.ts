/**
 * The supervisor's `#state{}` record, its flags check (supervision.md §2, rules 21, 23, 24, D4) and
 * the simple_one_for_one "dynamics" store (pid → start args), ported from supervisor.erl.
 *
 * The state is immutable: callbacks return new states, so gen_server's "terminate/2 sees the state
 * from before the failing callback" holds exactly as in Erlang.
 */
import { compare } from '../../term/compare.js';
import { Tuple, atomName, isInteger, t, type Term, type TermObject } from '../../term/Term.js';
import { termKey } from '../../term/termKey.js';
import { isMap, mapFind, type Child } from '../childSpec.js';
import { getChild, type Children, EMPTY_CHILDREN } from './children.js';

export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one' | 'simple_one_for_one';
export type AutoShutdown = 'never' | 'any_significant' | 'all_significant';

/** simple_one_for_one children: `{maps, pid => args}` or `{mapsets, pid => []}` (temporary). */
export interface Dynamics {
  readonly kind: 'maps' | 'mapsets';
  /** termKey(pid-or-{restarting, pid}) → [key term, args]. */
  readonly db: ReadonlyMap<string, readonly [Term, Term]>;
}

export interface SupState {
  /** `{:local, n}`, `{:via, m, n}` or `{self(), module}` (rule 108). */
  readonly name: Term;
  readonly strategy: Strategy;
  readonly children: Children;
  readonly dynamics: Dynamics | undefined;
  readonly intensity: number;
  readonly period: number;
  /** Restart timestamps in whole seconds, newest first (rule 51). */
  readonly restarts: readonly number[];
  readonly dynamicRestarts: number;
  readonly autoShutdown: AutoShutdown;
  readonly module: Term;
  readonly args: Term;
}

export const isSimple = (s: SupState): boolean => s.strategy === 'simple_one_for_one';

class FlagError {
  constructor(readonly error: Term) {}
}

/**
 * `init_state/4` → `set_flags/2` → `check_flags/1`: a map merged over the Erlang defaults
 * (one_for_one, 1, 5, never; rule 21), or a `{strategy, intensity, period}` tuple (rule 24).
 */
export function initState(
  supName: Term,
  flags: Term,
  module: Term,
  args: Term,
  profile: 'current' | 'otp25',
): { ok: true; state: SupState } | { ok: false; error: Term } {
  try {
    const f = checkFlags(flags, profile);
    return {
      ok: true,
      state: {
        name: supName,
        strategy: f.strategy,
        children: EMPTY_CHILDREN,
        dynamics: undefined,
        intensity: f.intensity,
        period: f.period,
        restarts: [],
        dynamicRestarts: 0,
        autoShutdown: f.autoShutdown,
        module,
        args,
      },
    };
  } catch (e) {
    if (e instanceof FlagError) return { ok: false, error: e.error };
    throw e;
  }
}

interface Flags {
  strategy: Strategy;
  intensity: number;
  period: number;
  autoShutdown: AutoShutdown;
}

function checkFlags(flags: Term, profile: 'current' | 'otp25'): Flags {
  if (isMap(flags)) {
    const get = (key: string, dflt: Term): Term => mapFind(flags as TermObject, key) ?? dflt;
    return doCheckFlags(get('strategy', 'one_for_one'), get('intensity', 1), get('period', 5), get('auto_shutdown', 'never'), profile);
  }
  if (flags instanceof Tuple && flags.length === 3) return doCheckFlags(flags[0]!, flags[1]!, flags[2]!, 'never', profile);
  throw new FlagError(t('invalid_type', flags));
}

/** `do_check_flags/1` (rule 23), plus OTP 27's strategy/auto_shutdown combination check (D4). */
function doCheckFlags(strategy: Term, intensity: Term, period: Term, autoShutdown: Term, profile: 'current' | 'otp25'): Flags {
  const s = atomName(strategy);
  if (s !== 'simple_one_for_one' && s !== 'one_for_one' && s !== 'one_for_all' && s !== 'rest_for_one') {
    throw new FlagError(t('invalid_strategy', strategy));
  }
  if (!(isInteger(intensity) && Number(intensity) >= 0)) throw new FlagError(t('invalid_intensity', intensity));
  if (!(isInteger(period) && Number(period) > 0)) throw new FlagError(t('invalid_period', period));
  const a = atomName(autoShutdown);
  if (a !== 'never' && a !== 'any_significant' && a !== 'all_significant') throw new FlagError(t('invalid_auto_shutdown', autoShutdown));
  if (profile === 'current' && s === 'simple_one_for_one' && a !== 'never') {
    throw new FlagError(t('bad_combination', [t('auto_shutdown', a), t('strategy', 'simple_one_for_one')]));
  }
  return { strategy: s, intensity: Number(intensity), period: Number(period), autoShutdown: a };
}

// ------------------------------------------------------------------------------- dynamics

/** `dyn_init/1`: temporary children keep no start arguments. */
export function dynInit(state: SupState): SupState {
  return { ...state, dynamics: { kind: getDynamicChild(state).restartType === 'temporary' ? 'mapsets' : 'maps', db: new Map() } };
}

/** `get_dynamic_child/1`: the one spec of a simple_one_for_one supervisor. */
export function getDynamicChild(state: SupState): Child {
  return getChild(state.children, state.children.ids[0]!);
}

export function dynSize(state: SupState): number {
  return state.dynamics!.db.size;
}

export function dynErase(state: SupState, pid: Term): SupState {
  const db = new Map(state.dynamics!.db);
  db.delete(termKey(pid));
  return { ...state, dynamics: { ...state.dynamics!, db } };
}

export function dynStore(state: SupState, pid: Term, args: Term): SupState {
  const db = new Map(state.dynamics!.db);
  db.set(termKey(pid), [pid, state.dynamics!.kind === 'mapsets' ? [] : args]);
  return { ...state, dynamics: { ...state.dynamics!, db } };
}

export function dynExists(state: SupState, pid: Term): boolean {
  return state.dynamics!.db.has(termKey(pid));
}

/** `dyn_args/2`: `:undefined` for mapsets. */
export function dynArgs(state: SupState, pid: Term): Term | undefined {
  if (state.dynamics!.kind === 'mapsets') return 'undefined';
  return state.dynamics!.db.get(termKey(pid))?.[1];
}

/** The child keys in Erlang map iteration order (term order, as for maps of up to 32 keys). */
export function dynKeys(state: SupState): Term[] {
  return [...state.dynamics!.db.values()].map(([k]) => k).sort(compare);
}

/** `find_dynamic_child/2`: the template with this pid filled in. */
export function findDynamicChild(state: SupState, pid: Term): Child | undefined {
  return dynExists(state, pid) ? { ...getDynamicChild(state), pid } : undefined;
}
