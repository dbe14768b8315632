/**
 * `beamcheck mutants`: the mutation check as a table or JSON. Run in-process over a small catalog
 * (one property that catches `callers-not-propagated`, and the safe counter, which consults no
 * mutation) so that one mutation is caught and one is not.
 */
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/cli/catalog.js';
import { mutantsCommand } from '../../src/cli/commands/mutants.js';
import { UsageError } from '../../src/cli/UsageError.js';
import type { Target } from '../../src/harness/Target.js';
import { PROPERTIES } from '../../properties/index.js';
import { safeCounter } from '../harness/fixtures.js';
import { captureIo, cli } from './run.js';

const catcher = PROPERTIES.find((p) => p.id === 'p09-task-supervisor:task-children')!;
const catalog = new Catalog([catcher], [], [safeCounter as unknown as Target]);
const IDS = ['callers-not-propagated', 'intensity-off-by-one'];

function mutants(ids: string[], json: boolean) {
  const { io, result } = captureIo();
  const code = mutantsCommand(catalog, io, ids, 20, json);
  return { code, ...result() };
}

describe('beamcheck mutants', () => {
  it('prints one row per mutation, a replay line per caught one, and exits 1 when one is missed', () => {
    expect(catcher?.catches).toContain('callers-not-propagated');
    const r = mutants(IDS, false);
    expect(r.code).toBe(1);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^mutation +caught by +runs +shrunk decisions +trace events$/);
    expect(lines[1]).toMatch(/^-+( +-+){4}$/);
    // Rows come in the order of MUTATIONS, not of the arguments.
    expect(lines[2]).toMatch(/^intensity-off-by-one +NOT CAUGHT +80 runs over 4 targets$/);
    expect(lines[3]).toMatch(/^callers-not-propagated +p09-task-supervisor:task-children \(current\) +\d+ +\d+ +\d+$/);
    expect(r.out).toMatch(/\ncallers-not-propagated: .+\n {2}npx beamcheck replay bc1\.[A-Za-z0-9_-]+\n/);
    expect(r.out).not.toMatch(/\nintensity-off-by-one: /);
    expect(lines.at(-2)).toBe('✗ 1 of 2 mutations caught within 20 runs per target');
    expect(r.err).toBe('');
  });

  it('--json gives each outcome with the shrunk counterexample, or null', () => {
    const r = mutants(IDS, true);
    expect(r.code).toBe(1);
    const data = JSON.parse(r.out) as Array<Record<string, unknown>>;
    expect(data.map((d) => d['mutation'])).toEqual(['intensity-off-by-one', 'callers-not-propagated']);
    expect(data[0]!['caught']).toBeNull();
    expect(typeof data[0]!['ms']).toBe('number');
    expect(data[1]).toMatchObject({ rule: 'processes.md §2.3', caught: { target: 'p09-task-supervisor:task-children', semantics: 'current' } });
    const caught = data[1]!['caught'] as Record<string, unknown>;
    expect(caught['token']).toMatch(/^bc1\./);
    expect(caught['runsToFailure']).toBeGreaterThanOrEqual(1);
    expect(caught['shrunkTraceEvents']).toBeGreaterThan(0);
    expect(typeof caught['message']).toBe('string');
  });

  it('exits 0 when every chosen mutation is caught', () => {
    const r = mutants(['callers-not-propagated'], false);
    expect(r.code).toBe(0);
    expect(r.out).toContain('✓ 1 of 1 mutations caught within 20 runs per target');
  });

  it('rejects an unknown mutation before running anything, naming the known ones', async () => {
    expect(() => mutants(['no-such-mutation'], false)).toThrow(UsageError);
    const r = await cli(['mutants', 'callers-not-propagated', 'no-such-mutation']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown mutation "no-such-mutation" \(known: rest-for-one-wrong-side, .*callers-not-propagated/);
    expect(r.out).toBe('');
  });
});
