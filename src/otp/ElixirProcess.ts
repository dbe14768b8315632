/**
 * The parts of Elixir's `Process` module whose presence depends on the Elixir version
 * (processes.md §8, row "Process.alias/unalias/monitor(.., opts)"): Elixir 1.15 added
 * `Process.alias/0,1`, `Process.unalias/1` and `Process.monitor/2` (with options) as delegates of
 * `:erlang.alias/0,1`, `:erlang.unalias/1` and `:erlang.monitor/3`. In Elixir 1.14 (`otp25` profile) they do not exist, so calling them raises
 * UndefinedFunctionError; code there uses `:erlang` (kernel/api.ts) directly.
 */
import { alias as erlangAlias, monitor as erlangMonitor, semantics, unalias as erlangUnalias, type MonitorOptions } from '../kernel/api.js';
import type { AliasMode, Op } from '../kernel/effects.js';
import { undefinedFunction } from '../kernel/errors.js';
import type { Pid, Ref } from '../term/Term.js';

const PROCESS = 'Elixir.Process';

/** `Process.alias()` / `Process.alias(options)`. */
export function* alias(options?: AliasMode | readonly AliasMode[]): Op<Ref> {
  if ((yield* semantics()) === 'otp25') return undefinedFunction(PROCESS, 'alias', options === undefined ? 0 : 1);
  return yield* erlangAlias(options ?? 'explicit_unalias');
}

/** `Process.unalias(alias)`. */
export function* unalias(ref: Ref): Op<boolean> {
  if ((yield* semantics()) === 'otp25') return undefinedFunction(PROCESS, 'unalias', 1);
  return yield* erlangUnalias(ref);
}

/** `Process.monitor(pid, options)` (`alias:` / `tag:`); `Process.monitor/1` exists on every version. */
export function* monitor(target: Pid, options: MonitorOptions): Op<Ref> {
  if ((yield* semantics()) === 'otp25') return undefinedFunction(PROCESS, 'monitor', 2);
  return yield* erlangMonitor(target, options);
}
