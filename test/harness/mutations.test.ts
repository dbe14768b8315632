/**
 * The mutation check: every deliberately wrong runtime variant is caught by some property within
 * 1,000 runs, with a shrunk counterexample that replays.
 */
import { describe, expect, it } from 'vitest';
import { checkMutation } from '../../src/harness/mutationCheck.js';
import { replayToken } from '../../src/harness/replay.js';
import { MUTATIONS } from '../../src/otp/mutations.js';
import { PROPERTIES } from '../../properties/index.js';
import { SCENARIOS } from '../../scenarios/index.js';

const targets = [...PROPERTIES, ...SCENARIOS];
const byId = new Map(targets.map((t) => [t.id, t]));
const declared = new Set(targets.flatMap((t) => t.catches ?? []));

describe('mutation check', () => {
  it('at least 15 mutations exist and each is declared by some target', () => {
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(15);
    expect(MUTATIONS.filter((m) => !declared.has(m.id)).map((m) => m.id)).toEqual([]);
  });

  for (const m of MUTATIONS) {
    it.skipIf(!declared.has(m.id))(`${m.id} is caught within 1,000 runs and its counterexample replays`, () => {
      const outcome = checkMutation(m, targets, { numRuns: 1000, declaredOnly: true });
      expect(outcome.caught, `${m.id} not caught (${m.description})`).toBeDefined();
      const replayed = replayToken(outcome.caught!.failure.token, (id) => byId.get(id));
      expect(replayed.mutation).toBe(m.id);
      expect(replayed.execution.result.ok).toBe(false);
    }, 300_000);
  }
});
