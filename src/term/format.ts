/**
 * Prints terms in Elixir syntax, the same way everywhere (traces, reports, failure messages).
 *
 * `{:EXIT, <0.12.0>, :shutdown}`, `[a: 1]`, `%{id: :a}`, `%RuntimeError{message: "boom"}`.
 * Pids print as `<0.N.0>`; a caller may pass `pidName` to show a registered name or child id
 * beside the pid (`worker_a<0.12.0>`).
 */
import { atomText } from './compare.js';
import { Bin, ErlFloat, ErlModule, Improper, Pid, Ref, TMap, Tuple, type Term } from './Term.js';

export interface FormatOptions {
  /** A display name for a pid (registered name, child id), shown as `name<0.N.0>`. */
  pidName?: (pid: Pid) => string | undefined;
  /** Truncate output longer than this many characters (with `…`). */
  maxLength?: number;
}

const PLAIN_ATOM = /^[a-z_][a-zA-Z0-9_@]*[?!]?$/;
const ALIAS_ATOM = /^Elixir\.([A-Z][a-zA-Z0-9_]*(\.[A-Z][a-zA-Z0-9_]*)*)$/;
const UPPER_ATOM = /^[A-Z][a-zA-Z0-9_]*$/;

/** `:ok`, `:"$gen_call"`, `true`, `nil`, `RuntimeError` (for `Elixir.RuntimeError`). */
export function formatAtom(name: string): string {
  if (name === 'true' || name === 'false' || name === 'nil') return name;
  const alias = ALIAS_ATOM.exec(name);
  if (alias) return alias[1]!;
  if (PLAIN_ATOM.test(name) || UPPER_ATOM.test(name)) return `:${name}`;
  return `:${quote(name)}`;
}

function quote(s: string): string {
  return JSON.stringify(s).replace(/#\{/g, '\\#{');
}

function formatKey(name: string): string {
  if (PLAIN_ATOM.test(name) || UPPER_ATOM.test(name)) return `${name}:`;
  return `${quote(name)}:`;
}

function isKeywordList(x: Term[]): boolean {
  return x.length > 0 && x.every((e) => e instanceof Tuple && e.length === 2 && typeof e[0] === 'string');
}

function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  const s = String(x);
  return /e/.test(s) && !s.includes('.') ? s.replace('e', '.0e') : s;
}

function formatInner(x: Term, o: FormatOptions): string {
  switch (typeof x) {
    case 'string':
      return formatAtom(x);
    case 'boolean':
      return atomText(x);
    case 'number':
      return formatNumber(x);
    case 'bigint':
      return x.toString();
    case 'function':
      return `#Function<${x.name || 'anonymous'}>`;
  }
  if (x instanceof Tuple) return `{${x.map((e) => formatInner(e, o)).join(', ')}}`;
  if (Array.isArray(x)) {
    if (isKeywordList(x)) {
      return `[${x.map((e) => `${formatKey((e as Tuple)[0] as string)} ${formatInner((e as Tuple)[1]!, o)}`).join(', ')}]`;
    }
    return `[${x.map((e) => formatInner(e, o)).join(', ')}]`;
  }
  if (x instanceof Pid) {
    const name = o.pidName?.(x);
    return name ? `${name}${x.toString()}` : x.toString();
  }
  if (x instanceof Ref) return x.toString();
  if (x instanceof ErlModule) return formatAtom(x.name);
  if (x instanceof Bin) return quote(x.value);
  if (x instanceof ErlFloat) return Number.isInteger(x.value) ? `${x.value}.0` : formatNumber(x.value);
  if (x instanceof Improper) {
    return `[${x.head.map((e) => formatInner(e, o)).join(', ')} | ${formatInner(x.tail, o)}]`;
  }
  if (x instanceof TMap) {
    return `%{${x.entries.map(([k, v]) => `${formatInner(k, o)} => ${formatInner(v, o)}`).join(', ')}}`;
  }
  const obj = x as Record<string, Term>;
  const struct = typeof obj['__struct__'] === 'string' ? (obj['__struct__'] as string) : undefined;
  const keys = Object.keys(obj).filter((k) => k !== '__struct__');
  const body = keys.map((k) => `${formatKey(k)} ${formatInner(obj[k]!, o)}`).join(', ');
  if (struct) return `%${formatAtom(struct).replace(/^:/, '')}{${body}}`;
  return `%{${body}}`;
}

/** Prints a term in Elixir syntax. */
export function format(x: Term, options: FormatOptions = {}): string {
  const s = formatInner(x, options);
  if (options.maxLength !== undefined && s.length > options.maxLength) {
    return `${s.slice(0, Math.max(0, options.maxLength - 1))}…`;
  }
  return s;
}
