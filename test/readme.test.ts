/**
 * The code shown in README.md, run for real: the process API example and three of the seed's
 * recommended examples written against beamcheck's API (patterns 1, 8 and 15). If this file
 * changes, the README must change with it.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GenServer, Supervisor, TaskSupervisor, TIMEOUT, match, receive, run, self, sendAfter, spawn, spawnLink, send, t, trapExit,
  demonitor, exit, fails, format, holds, assertProperty, replayTarget, PropertyFailure,
  type From, type Pid, type Ref, type Target, type Term, type Tuple,
} from '../src/index.js';
import { replayToken } from '../src/harness/replay.js';
import { SCENARIOS } from '../scenarios/index.js';

/** The README's text, and this file's: every `// --- README: NAME ---` block must appear in it verbatim. */
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const THIS_FILE = readFileSync(new URL(import.meta.url), 'utf8');

/** The lines between `// --- README: name ---` and `// --- end ---`, dedented. */
function block(name: string): string {
  const start = THIS_FILE.indexOf(`// --- README: ${name} ---\n`);
  const end = THIS_FILE.indexOf('// --- end ---', start);
  const lines = THIS_FILE.slice(THIS_FILE.indexOf('\n', start) + 1, end).split('\n').slice(0, -1);
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

describe('README', () => {
  it.each(['process API', 'vitest property', 'pattern 1', 'pattern 8', 'pattern 15'])('shows the %s code exactly as it runs here', (name) => {
    expect(README).toContain(block(name));
  });

  it('every replay token it shows for a pattern still replays to a failure with the trace length it states', () => {
    const lines = README.split('\n').filter((line) => /npx beamcheck replay bc1\./.test(line) && !line.includes('bc1.Y2Rg4Mut'));
    // The check output's token, the failure example's, and one per "before" variant but p05's.
    expect(lines.length).toBeGreaterThanOrEqual(19);
    for (const line of lines) {
      const token = /npx beamcheck replay (bc1\.[A-Za-z0-9_-]+)/.exec(line)![1]!;
      const { execution, target } = replayToken(token, (id) => SCENARIOS.find((s) => s.id === id));
      expect(execution.outcome.run.verdict.kind, target.id).not.toBe('replay-diverged');
      expect(execution.result.ok, target.id).toBe(false);
      const stated = / (\d+) trace events/.exec(line);
      if (stated) expect(execution.outcome.run.trace.length, target.id).toBe(Number(stated[1]));
    }
  });

  it('the process API example', () => {
    // --- README: process API ---
    const result = run(function* () {
      yield* trapExit(true);
      const me = yield* self();
      const pong = yield* spawnLink(function* () {
        const [, from] = yield* receive(match.tagged('ping', 2));
        yield* send(from as Pid, 'pong');
      });
      yield* send(pong, t('ping', me));
      const reply = yield* receive(match.eq('pong'), { after: 1000 });
      const exit = yield* receive(match.exit(pong));
      return [reply === TIMEOUT ? 'timeout' : reply, exit];
    }, { seed: 1 });
    // --- end ---
    expect(result.verdict).toEqual({ kind: 'completed' });
    expect(result.trace.length).toBeGreaterThan(10);
  });

  it('a vitest property: the lost update is found, shrunk, and its token replays it', () => {
    // --- README: vitest property ---
    const Counter = GenServer.defmodule('Counter', {
      init: () => t('ok', 0),
      handleCall: (req, _from, n) => (req === 'get' ? t('reply', n, n) : t('reply', 'ok', (req as Tuple)[1]!)),
    });

    const lostUpdate: Target<number> = {
      id: 'my/lost-update',
      title: 'clients that get, then set n + 1, lose no increment',
      input: fc.integer({ min: 1, max: 4 }), // how many clients
      program: (clients) => function* () {
        const [, counter] = (yield* GenServer.start(Counter, [])) as Tuple;
        const me = yield* self();
        for (let i = 0; i < clients; i++) {
          yield* spawn(function* () {
            const n = (yield* GenServer.call(counter!, 'get')) as number;
            yield* GenServer.call(counter!, t('set', n + 1));
            yield* send(me, 'done');
          });
        }
        for (let i = 0; i < clients; i++) yield* receive(match.eq('done'));
        exit(yield* GenServer.call(counter!, 'get')); // the root's exit reason is the count
      },
      check: ({ input, run }) => (run.rootExit === input ? holds : fails(`${input} increments, counted ${format(run.rootExit!)}`)),
    };
    // --- end ---
    // testProperty(lostUpdate) is assertProperty inside a vitest test; the README shows its failure.
    let failure: PropertyFailure | undefined;
    try {
      assertProperty(lostUpdate, { profiles: ['current'] });
    } catch (e) {
      failure = e as PropertyFailure;
    }
    expect(failure).toBeInstanceOf(PropertyFailure);
    expect(failure!.message).toMatch(/^✗ my\/lost-update: clients that get, then set n \+ 1, lose no increment\n {2}failed: 2 increments, counted 1\n/);
    expect(failure!.message).toContain(`npx beamcheck replay ${failure!.token}`);
    expect(replayTarget(failure!.token, lostUpdate).execution.result).toEqual({ ok: false, message: '2 increments, counted 1' });
    expect(README).toContain(`npx beamcheck replay ${failure!.token}`);
  });

  it('pattern 1, after: fixed infrastructure under a rest_for_one Supervisor, started in order', () => {
    // --- README: pattern 1 ---
    const Repo = GenServer.defmodule('MyApp.Repo', { init: () => t('ok', 'pool') });
    const PubSub = GenServer.defmodule('MyApp.PubSub', { init: () => t('ok', []) });
    const Endpoint = GenServer.defmodule('MyApp.Endpoint', { init: () => t('ok', 'listening') });

    function* start() {
      const children = [
        Repo, //     DB pool starts first
        PubSub, //   PubSub starts after DB is ready
        Endpoint, // Web server starts last
      ];
      return yield* Supervisor.startLink(children, { strategy: 'rest_for_one' });
    }
    // --- end ---
    const result = run(function* () {
      const [, sup] = (yield* start()) as Tuple;
      return yield* Supervisor.whichChildren(sup!);
    });
    const spawned = result.trace.filter((e) => e.k === 'label').map((e) => (e as { label: string }).label);
    expect(spawned.slice(2)).toEqual(['MyApp.Repo', 'MyApp.PubSub', 'MyApp.Endpoint']);
  });

  it('pattern 8, after: the Enricher survives a failing task and answers every caller', () => {
    // --- README: pattern 8 ---
    const Enricher = GenServer.defmodule('MyApp.Enricher', {
      init: () => t('ok', {}), // pending callers by task ref
      *handleCall(request, from, callers) {
        const [, data] = request as Tuple;
        const task = yield* TaskSupervisor.asyncNolink('task_sup', function* () {
          if (data === 'bad') throw new Error('enrichment API returned 500');
          return t('enriched', data!);
        });
        return t('noreply', { ...callers, [String(task.ref)]: from });
      },
      *handleInfo(msg, callers) {
        // {ref, result} when the task succeeded, {:DOWN, ref, :process, pid, reason} when it failed.
        const [first, second, , , reason] = msg as Tuple;
        const failed = first === 'DOWN';
        const ref = (failed ? second : first) as Ref;
        if (!failed) yield* demonitor(ref, { flush: true });
        const { [String(ref)]: from, ...rest } = callers;
        if (from) yield* GenServer.reply(from as From, failed ? t('error', reason!) : t('ok', second!));
        return t('noreply', rest);
      },
    });
    // --- end ---
    const answers: string[] = [];
    run(function* () {
      yield* TaskSupervisor.startLink({ name: 'task_sup' });
      const [, enricher] = (yield* GenServer.startLink(Enricher, [])) as Tuple;
      for (const data of ['good', 'bad', 'again']) answers.push(format(yield* GenServer.call(enricher!, t('enrich', data))));
    });
    expect(answers).toEqual([
      '{:ok, {:enriched, :good}}',
      '{:error, {%RuntimeError{message: "enrichment API returned 500"}, []}}',
      '{:ok, {:enriched, :again}}',
    ]);
  });

  it('pattern 15: GenServer.reply/2 from handle_info, a second later', () => {
    // --- README: pattern 15 ---
    const Deferred = GenServer.defmodule('Deferred', {
      init: () => t('ok', 'nil'),
      *handleCall(_request, from, state) {
        yield* sendAfter(yield* self(), t('reply', from), 1_000);
        return t('noreply', state);
      },
      *handleInfo(msg, state) {
        const [, from] = msg as Tuple;
        yield* GenServer.reply(from as From, 'one_second_has_passed');
        return t('noreply', state);
      },
    });
    // --- end ---
    const seen: Term[] = [];
    const result = run(function* () {
      const [, server] = (yield* GenServer.startLink(Deferred, [])) as Tuple;
      seen.push(yield* GenServer.call(server!, 'reply_in_one_second'));
    });
    expect(seen).toEqual(['one_second_has_passed']);
    expect(result.time).toBeGreaterThanOrEqual(1000);
  });
});
