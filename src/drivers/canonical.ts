/**
 * Canonical terms for the driver protocol (docs/driver-protocol.md, "Canonical terms"): the term
 * JSON encoding with runtime identities replaced by stable names, so that two runtimes can agree
 * byte for byte. Pids become `{"pid": NAME}` (`"?"` when unnamed), references `{"ref": "?"}`, an
 * exception reason `{exception, stacktrace}` keeps only the struct's `__struct__` and `message`,
 * and other stacktraces become `[]`.
 */
import { mapEntries } from '../term/compare.js';
import { formatAtom } from '../term/format.js';
import { toJson, type Json } from '../term/json.js';
import { Bin, Improper, Pid, Ref, TMap, Tuple, bin, isTermObject, type Term, type TermObject } from '../term/Term.js';

export type PidNamer = (pid: Pid) => string | undefined;

function exceptionOf(x: Term): TermObject | undefined {
  if (!isTermObject(x) || typeof x['__struct__'] !== 'string') return undefined;
  const computed = computedMessage(x);
  if (computed === undefined && !('message' in x)) return undefined;
  const message = computed ?? x['message']!;
  return { __struct__: x['__struct__'], message: message instanceof Bin ? bin(runtimeFree(message.value)) : message };
}

/**
 * `Exception.message/1` for the exceptions whose text Elixir computes from their other fields
 * (the VM raises UndefinedFunctionError with `message: nil`; FunctionClauseError has no message
 * field at all); the Elixir driver always answers the computed text.
 */
function computedMessage(x: TermObject): Bin | undefined {
  const mfa = () => `${formatAtom(String(x['module']))}.${String(x['function'])}/${String(x['arity'])}`;
  if (x['__struct__'] === 'Elixir.UndefinedFunctionError' && x['message'] === 'nil') return bin(`function ${mfa()} is undefined or private`);
  if (x['__struct__'] === 'Elixir.FunctionClauseError') return bin(`no function clause matching in ${mfa()}`);
  return undefined;
}

/**
 * Pids and references printed inside a message are runtime identities too: `#PID<?>` and
 * `#Reference<?>` (the simulator prints references as `#Ref<…>`, Elixir as `#Reference<…>`).
 */
export function runtimeFree(message: string): string {
  return message.replace(/#PID<\d+\.\d+\.\d+>/g, '#PID<?>').replace(/#Ref(?:erence)?<[\d.]+>/g, '#Reference<?>');
}

/** A stacktrace-shaped list: `[{m, f, a, info} | …]`. */
function isStacktrace(x: Term): boolean {
  return Array.isArray(x) && !(x instanceof Tuple) && x.every((e) => e instanceof Tuple && (e.length === 4 || e.length === 3));
}

export function canonical(x: Term, name: PidNamer): Json {
  if (x instanceof Pid) return { pid: name(x) ?? '?' };
  if (x instanceof Ref) return { ref: '?' };
  if (x instanceof Tuple) {
    // {exception, stacktrace} and {error_term, stacktrace}: drop the stack, reduce the struct.
    if (x.length === 2 && isStacktrace(x[1]!) && (x[1] as Term[]).length > 0) return { tuple: [canonical(x[0]!, name), []] };
    const exc = x.length === 2 && Array.isArray(x[1]) && !(x[1] instanceof Tuple) ? exceptionOf(x[0]!) : undefined;
    if (exc) return { tuple: [toJson(exc), []] };
    return { tuple: x.map((e) => canonical(e, name)) };
  }
  if (Array.isArray(x)) return x.map((e) => canonical(e, name));
  if (x instanceof Improper) return { improper: x.head.map((e) => canonical(e, name)), tail: canonical(x.tail, name) };
  if (x instanceof TMap || isTermObject(x)) {
    const exc = isTermObject(x) ? exceptionOf(x) : undefined;
    if (exc) return toJson(exc);
    // Entries in Erlang term order of their keys, values canonical (pids named) like everywhere else.
    return { map: mapEntries(x).map(([k, v]) => [canonical(k, name), canonical(v, name)]) };
  }
  return toJson(x);
}
