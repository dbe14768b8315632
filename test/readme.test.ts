/**
 * The code shown in README.md, run for real: the process API example and three of the seed's
 * recommended examples written against beamcheck's API (patterns 1, 8 and 15). If this file
 * changes, the README must change with it.
 */
import { describe, expect, it } from 'vitest';
import {
  GenServer, Supervisor, TaskSupervisor, TIMEOUT, match, receive, run, self, sendAfter, spawnLink, send, t, trapExit,
  demonitor, format, type From, type Pid, type Ref, type Term, type Tuple,
} from '../src/index.js';

describe('README', () => {
  it('the process API example', () => {
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
    expect(result.verdict).toEqual({ kind: 'completed' });
    expect(result.trace.length).toBeGreaterThan(10);
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
