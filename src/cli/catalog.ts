/**
 * The catalog of everything `beamcheck` can check: the 18 patterns with their properties and
 * scenario variants, plus targets loaded from user modules (`--load file.js`). Selection by id,
 * slug or prefix: `p04`, `restart-intensity`, `p04-restart-intensity/before`.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { PROPERTIES } from '../../properties/index.js';
import { SCENARIOS } from '../../scenarios/index.js';
import { PATTERNS, patternId } from '../../scenarios/patterns.js';
import type { Target } from '../harness/Target.js';
import type { Json } from '../term/json.js';
import { UsageError } from './UsageError.js';

export interface PatternEntry {
  readonly id: string;
  readonly number: number;
  readonly slug: string;
  readonly title: string;
  readonly properties: Target<Json>[];
  readonly scenarios: Target<Json>[];
}

export class Catalog {
  readonly patterns: PatternEntry[];
  /** Targets that belong to no pattern (loaded from user modules). */
  readonly extra: Target<Json>[];
  private readonly byId = new Map<string, Target<Json>>();

  constructor(properties: readonly Target<Json>[], scenarios: readonly Target<Json>[], extra: readonly Target<Json>[] = []) {
    this.patterns = PATTERNS.map((p) => {
      const id = patternId(p);
      const mine = (t: Target<Json>) => t.id.startsWith(`${id}:`) || t.id.startsWith(`${id}/`);
      return { id, number: p.number, slug: p.slug, title: p.title, properties: properties.filter(mine), scenarios: scenarios.filter(mine) };
    });
    this.extra = [...extra];
    for (const t of [...properties, ...scenarios, ...extra]) {
      // Only a --load module can repeat an id (a built-in one, or its own): bad input.
      if (this.byId.has(t.id)) throw new UsageError(`duplicate target id "${t.id}": a --load module repeats an id that is already taken`);
      this.byId.set(t.id, t);
    }
  }

  get all(): Target<Json>[] {
    return [...this.byId.values()];
  }

  resolve(id: string): Target<Json> | undefined {
    return this.byId.get(id);
  }

  /** Targets named by ids, slugs or prefixes; all of them when `names` is empty. */
  select(names: readonly string[]): Target<Json>[] {
    if (names.length === 0) return this.all;
    const chosen = new Map<string, Target<Json>>();
    for (const name of names) {
      const matched = this.match(name);
      if (matched.length === 0) throw new UsageError(`unknown target "${name}" (try: beamcheck list)`);
      for (const t of matched) chosen.set(t.id, t);
    }
    return [...chosen.values()];
  }

  private match(name: string): Target<Json>[] {
    const exact = this.byId.get(name);
    if (exact) return [exact];
    const pattern = this.patterns.find((p) => p.slug === name || p.id === name || p.id.startsWith(`${name}-`) || String(p.number) === name);
    if (pattern) return [...pattern.properties, ...pattern.scenarios];
    return this.all.filter((t) => t.id.startsWith(name));
  }
}

/** Loads extra targets from JS modules exporting `targets` (an array) or a default array. */
export async function loadTargets(files: readonly string[]): Promise<Target<Json>[]> {
  const out: Target<Json>[] = [];
  for (const file of files) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
    } catch (e) {
      throw new UsageError(`cannot load targets from ${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
    const list = (mod['targets'] ?? mod['default']) as unknown;
    if (!Array.isArray(list) || list.some((t) => typeof t !== 'object' || t === null || typeof (t as Target<Json>).id !== 'string')) {
      throw new UsageError(`${file} must export "targets": an array of beamcheck targets`);
    }
    for (const t of list as Array<Record<string, unknown>>) {
      const input = t['input'] as { generate?: unknown } | null | undefined;
      const missing =
        typeof t['program'] !== 'function' ? '"program" (a function)' : typeof t['check'] !== 'function' ? '"check" (a function)' : typeof input?.generate !== 'function' ? '"input" (a fast-check arbitrary)' : undefined;
      if (missing) throw new UsageError(`${file}: target "${String(t['id'])}" has no ${missing}`);
    }
    out.push(...(list as Target<Json>[]));
  }
  return out;
}

export async function loadCatalog(files: readonly string[] = []): Promise<Catalog> {
  return new Catalog(PROPERTIES, SCENARIOS, await loadTargets(files));
}
