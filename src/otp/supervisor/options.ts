/**
 * Options of the Elixir front ends, given either as a TS object with camelCase keys
 * (`{maxRestarts: 3}`) or as the keyword list Elixir code passes around (`[max_restarts: 3]`,
 * e.g. inside a child spec's start args). Keyword lists follow `Keyword.get/3`: the first
 * occurrence of a key wins.
 */
import { isTagged, t, type Term } from '../../term/Term.js';

/** Options as a JS object with camelCase keys. */
export type Options = Readonly<Record<string, unknown>>;

export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Reads options given either way into a camelCase object (undefined values dropped). */
export function readOptions(opts: Options | Term[] | undefined): Record<string, Term> {
  const out: Record<string, Term> = {};
  if (opts === undefined) return out;
  if (Array.isArray(opts)) {
    for (const kv of opts) {
      if (!isTagged(kv, String((kv as Term[])[0]), 2) || typeof (kv as Term[])[0] !== 'string') continue;
      const key = snakeToCamel((kv as Term[])[0] as string);
      if (!(key in out)) out[key] = (kv as Term[])[1]!;
    }
    return out;
  }
  for (const [k, v] of Object.entries(opts)) if (v !== undefined) out[k] = v as Term;
  return out;
}

/** The keyword list Elixir would hold for these options (snake_case keys, in order). */
export function toKeyword(opts: Options | Term[] | undefined): Term[] {
  if (opts === undefined) return [];
  if (Array.isArray(opts)) return opts;
  return Object.entries(opts)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => t(camelToSnake(k), v as Term));
}

/** `Keyword.split/2` on camelCase options: `[taken, rest]`. */
export function splitOptions(opts: Record<string, Term>, keys: readonly string[]): [Record<string, Term>, Record<string, Term>] {
  const taken: Record<string, Term> = {};
  const rest: Record<string, Term> = {};
  for (const [k, v] of Object.entries(opts)) (keys.includes(k) ? taken : rest)[k] = v;
  return [taken, rest];
}
