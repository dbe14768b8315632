/**
 * Exceptions that carry Erlang semantics through JS `throw`, and the mapping from anything a
 * process body throws to that process's exit reason (processes.md §1.2.1):
 *
 * - `exit(r)` (Kernel.exit/1)          → reason `r`
 * - `raise` / `:erlang.error(e)`       → reason `{e, []}` (stack-free: the stacktrace is `[]`)
 * - `throw(v)` uncaught                → reason `{{:nocatch, v}, []}`
 * - any other JS exception             → reason `{%RuntimeError{message: "..."}, []}` (or the error's
 *   class name as the struct, e.g. `%TypeError{...}`)
 *
 * Stacktraces are always the empty list so that exit reasons compare structurally and print short.
 */
import { bin, exception, isTermObject, t, type Term, type TermObject } from '../term/Term.js';

/** `Kernel.exit/1`: the process (or the `try` around the call) exits with `reason`. */
export class ExitException extends Error {
  constructor(readonly reason: Term) {
    super('exit');
  }
}

/** `:erlang.error/1` or an Elixir `raise`: the exit reason becomes `{error, []}`. */
export class ErlangError extends Error {
  constructor(
    readonly error: Term,
    /**
     * The exception struct Elixir's `rescue` makes of a raw VM error (`Exception.normalize/3`,
     * which reads the module, function and arity off the stacktrace), for `rescued`.
     */
    readonly exception: TermObject | null = null,
  ) {
    super('error');
  }
}

/** `throw/1`: caught by a surrounding catch, otherwise exit reason `{{:nocatch, v}, []}`. */
export class ThrownValue extends Error {
  constructor(readonly value: Term) {
    super('throw');
  }
}

/** Exits the current process (or the enclosing `try`) with `reason`: Elixir's `exit(reason)`. */
export function exit(reason: Term): never {
  throw new ExitException(reason);
}

/** Raises an Elixir exception struct: `raise('RuntimeError', 'boom')`. */
export function raise(name: string, message: string, extra: TermObject = {}): never {
  throw new ErlangError(exception(name, message, extra));
}

/**
 * Calling `module.fun/arity` where it does not exist (a function an Elixir version does not have
 * yet): the VM raises the raw error `:undef`, so `catch` and exit reasons see `:undef` /
 * `{:undef, stack}`; only `rescue` turns it into `%UndefinedFunctionError{}` (with `message: nil`
 * and `reason: nil`, the text being computed by `Exception.message/1`). Measured on OTP 25 and 27.
 */
export function undefinedFunction(module: string, fun: string, arity: number): never {
  throw new ErlangError('undef', { __struct__: 'Elixir.UndefinedFunctionError', arity, function: fun, message: 'nil', module, reason: 'nil' });
}

/**
 * No clause of `module.fun/arity` matches: the VM raises the raw error `:function_clause`
 * (`catch` and exit reasons see `:function_clause` / `{:function_clause, stack}`); `rescue` makes
 * it `%FunctionClauseError{}` without a `message` (Elixir computes "no function clause matching
 * in …"). Measured on OTP 25 and 27 (`Task.await(:x)` in a spawned process, in try/catch, in rescue).
 */
export function functionClause(module: string, fun: string, arity: number): never {
  throw new ErlangError('function_clause', { __struct__: 'Elixir.FunctionClauseError', module, function: fun, arity, kind: 'nil', args: 'nil', clauses: 'nil' });
}

/** Raises a raw Erlang error term: `erlangError('badarg')` is `:erlang.error(:badarg)`. */
export function erlangError(error: Term): never {
  throw new ErlangError(error);
}

/** Elixir's `throw(value)`. */
export function throwValue(value: Term): never {
  throw new ThrownValue(value);
}

/** The `{kind, payload}` view of a caught exception, like Elixir's `catch kind, payload`. */
export type Caught =
  | { kind: 'exit'; reason: Term }
  | { kind: 'error'; error: Term }
  | { kind: 'throw'; value: Term };

/** Classifies anything thrown by user code as Erlang's three exception classes. */
export function caught(e: unknown): Caught {
  if (e instanceof ExitException) return { kind: 'exit', reason: e.reason };
  if (e instanceof ErlangError) return { kind: 'error', error: e.error };
  if (e instanceof ThrownValue) return { kind: 'throw', value: e.value };
  return { kind: 'error', error: jsErrorTerm(e) };
}

/**
 * Elixir's `rescue e -> e`: the exception struct of an error — a raised struct, the struct Elixir
 * normalizes a VM error such as `:function_clause` or `:undef` to, or a JS exception's — and
 * `undefined` for exits, throws and raw Erlang errors this simulator has no struct for.
 */
export function rescued(e: unknown): TermObject | undefined {
  if (e instanceof ExitException || e instanceof ThrownValue) return undefined;
  if (e instanceof ErlangError) return e.exception ?? (isTermObject(e.error) && typeof e.error['__struct__'] === 'string' ? e.error : undefined);
  return jsErrorTerm(e) as TermObject;
}

/** A JS exception as an Elixir exception struct. */
export function jsErrorTerm(e: unknown): Term {
  if (e instanceof Error) {
    const name = e.name && e.name !== 'Error' ? e.name : 'RuntimeError';
    return exception(name, e.message);
  }
  return exception('RuntimeError', String(e));
}

/** The exit reason of a process whose body threw `e` (§1.2.1). */
export function exitReasonOf(e: unknown): Term {
  const c = caught(e);
  switch (c.kind) {
    case 'exit':
      return c.reason;
    case 'error':
      return t(c.error, []);
    case 'throw':
      return t(t('nocatch', c.value), []);
  }
}

/** Marks an internal bug or misuse of the kernel API from user code (not an Erlang exception). */
export class KernelUsageError extends Error {}

/** `%ArgumentError{message: ...}` reasons, for APIs that raise ArgumentError in Elixir. */
export function argumentError(message: string): never {
  throw new ErlangError(exception('ArgumentError', message));
}

/** `bin` re-exported for modules that build messages for exceptions. */
export { bin };
