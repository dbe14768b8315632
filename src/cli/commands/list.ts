/** `beamcheck list [--json]`: every pattern with its scenarios and properties. */
import type { Catalog } from '../catalog.js';
import type { Io } from '../io.js';

export function listCommand(catalog: Catalog, io: Io, json: boolean): number {
  if (json) {
    const data = {
      patterns: catalog.patterns.map((p) => ({
        id: p.id,
        number: p.number,
        slug: p.slug,
        title: p.title,
        scenarios: p.scenarios.map((t) => ({ id: t.id, title: t.title, expect: t.expect ?? 'holds' })),
        properties: p.properties.map((t) => ({ id: t.id, title: t.title })),
      })),
      extra: catalog.extra.map((t) => ({ id: t.id, title: t.title, expect: t.expect ?? 'holds' })),
    };
    io.out(`${JSON.stringify(data, null, 2)}\n`);
    return 0;
  }
  for (const p of catalog.patterns) {
    io.out(`${p.id}  ${p.title}\n`);
    for (const t of p.scenarios) io.out(`  scenario  ${t.id}  (${t.expect === 'fails' ? 'counterexample expected' : 'must hold'}) ${t.title}\n`);
    for (const t of p.properties) io.out(`  property  ${t.id}  ${t.title}\n`);
  }
  for (const t of catalog.extra) io.out(`extra     ${t.id}  ${t.title}\n`);
  return 0;
}
