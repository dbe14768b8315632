/**
 * The configurable worker of properties and the simulated driver (src/harness/worker.ts) and the
 * trace queries properties ask (src/harness/traceQuery.ts): each init behaviour, the requests the
 * worker answers, terminate/2 reporting, incarnations counted per child id across starts, and the
 * lifecycle / report / exit / delivery views of the resulting trace.
 */
import { describe, expect, it } from 'vitest';
import { GenServer, Pid, TIMEOUT, format, now, receive, register, run, self, send, sleep, spawn, t, trapExit, type Op, type RunResult, type Term } from '../../src/index.js';
import { delivered, exitIndex, exitReason, lifecycle, received, reports, reportsWithPrefix } from '../../src/harness/traceQuery.js';
import { WorkerWorld, workerModule, type WorkerConfig } from '../../src/harness/worker.js';

interface Scenario {
  world: WorkerWorld;
  run: RunResult;
  seen: string[];
  worker: Pid;
}

/** One run exercising every init behaviour, then a long-lived worker `a` that ends by crashing. */
function scenario(): Scenario {
  const world = new WorkerWorld();
  const mod = workerModule(world);
  const startLink = mod.exports['start_link'] as (config: Term, ...extra: Term[]) => Op<Term>;
  const start = (config: WorkerConfig, ...extra: Term[]) => startLink(config as unknown as Term, ...extra);
  const seen: string[] = [];
  const note = (x: Term) => void seen.push(format(x).replace(/<0\.\d+\.0>/g, 'PID'));
  let worker: Pid | undefined;
  const result = run(function* () {
    yield* trapExit(true);
    const inits: Array<[string, WorkerConfig['init']]> = [
      ['ig', 'ignore'],
      ['st', { stop: 'nope' }],
      ['ra', 'raise'],
      ['er', { error: 'e' }],
      ['ff', { failFirst: 1 }],
      ['ff', { failFirst: 1 }],
      ['ia', { ignoreAfter: 1 }],
      ['ia', { ignoreAfter: 1 }],
      ['sl', { slowMs: 30 }],
    ];
    for (const [id, init] of inits) {
      note(t(id, yield* start({ id, init })));
    }
    note(t('clock', yield* now()));
    // A failed start_link leaves no EXIT message behind (proc_lib flushes it).
    note(t('mailbox', (yield* receive(undefined, { after: 0 })) === TIMEOUT ? 'empty' : 'not empty'));
    yield* trapExit(false);
    const [, pid] = (yield* start({ id: 'a', name: 'named', terminateMs: 20, trapExit: true }, 'x', 'y')) as Term[];
    worker = pid as Pid;
    note(yield* GenServer.call('named', 'args'));
    note(yield* GenServer.call(worker, 'ping'));
    note(yield* GenServer.call(worker, t('sleep', 7)));
    note(t('clock', yield* now()));
    note(yield* GenServer.call(worker, 'what'));
    yield* GenServer.cast(worker, t('sleep', 3));
    // Unlinked from its parent (this process, which no longer traps exits), the crash below
    // does not take the parent down.
    note(yield* GenServer.call(worker, 'unlink_parent'));
    yield* send(worker, 'noise');
    yield* send(worker, t('crash', 'boom'));
    yield* sleep(100);
    note('survived');
  });
  return { world, run: result, seen, worker: worker! };
}

describe('worker', () => {
  const s = scenario();

  it('each init behaviour gives the documented start result', () => {
    expect(s.seen.slice(0, 11)).toEqual([
      '{:ig, :ignore}',
      '{:st, {:error, :nope}}',
      '{:ra, {:error, {%RuntimeError{message: "ra failed to start"}, []}}}',
      '{:er, {:error, :e}}',
      '{:ff, {:error, :unavailable}}',
      '{:ff, {:ok, PID}}',
      '{:ia, {:ok, PID}}',
      '{:ia, :ignore}',
      '{:sl, {:ok, PID}}',
      '{:clock, 30}',
      '{:mailbox, :empty}',
    ]);
  });

  it('answers its requests; terminate/2 completes after terminateMs and the parent survives the unlinked crash', () => {
    expect(s.seen.slice(11)).toEqual(['[:x, :y]', ':pong', ':ok', '{:clock, 37}', '{:unknown, :what}', ':ok', ':survived']);
    expect(s.run.verdict.kind).not.toBe('divergence');
  });

  it('counts incarnations per child id across starts, failed ones included', () => {
    expect([s.world.incarnations('ff'), s.world.incarnations('ia'), s.world.incarnations('a'), s.world.incarnations('never')]).toEqual([2, 2, 1, 0]);
  });
});

describe('trace queries', () => {
  const s = scenario();
  const trace = s.run.trace;

  it('lifecycle lists starts, failed starts, completed terminates and deaths of started workers', () => {
    const events = lifecycle(trace).map((e) => {
      const extra = e.kind === 'start_failed' ? ` ${e.how}` : e.kind === 'terminate' || e.kind === 'exit' ? ` ${format(e.reason)}` : '';
      return `${e.t} ${e.kind} ${e.id}#${e.incarnation}${extra}`;
    });
    expect(events).toEqual([
      '0 start_failed ig#1 ignore',
      '0 start_failed st#1 stop',
      '0 start_failed ra#1 raise',
      '0 start_failed er#1 error',
      '0 start_failed ff#1 stop',
      '0 start ff#2',
      '0 start ia#1',
      '0 start_failed ia#2 ignore',
      '30 start sl#1',
      '30 start a#1',
      '60 terminate a#1 :boom',
      '60 exit a#1 :boom',
    ]);
    // Every event points at its own trace entry.
    for (const e of lifecycle(trace)) expect(trace[e.index]!.t).toBe(e.t);
  });

  it('reports and reportsWithPrefix select report events by name', () => {
    expect(reports(trace, 'worker.start').map((r) => format(r.data))).toEqual([
      '%{id: :ff, incarnation: 2}',
      '%{id: :ia, incarnation: 1}',
      '%{id: :sl, incarnation: 1}',
      '%{id: :a, incarnation: 1}',
    ]);
    expect(reports(trace, 'no.such.report')).toEqual([]);
    const names = reportsWithPrefix(trace, 'worker.').map((r) => r.name);
    expect(names.filter((n) => n === 'worker.start_failed')).toHaveLength(6);
    expect(names.at(-1)).toBe('worker.terminate');
    expect(reportsWithPrefix(trace, 'supervisor.')).toEqual([]);
  });

  it('exitReason and exitIndex find a process death, or nothing', () => {
    expect(exitReason(trace, s.worker)).toBe('boom');
    const index = exitIndex(trace, s.worker);
    expect(trace[index]).toMatchObject({ k: 'exit', reason: 'boom' });
    expect(lifecycle(trace).at(-1)!.index).toBe(index);
    expect(exitReason(trace, new Pid(9999))).toBeUndefined();
    expect(exitIndex(trace, new Pid(9999))).toBe(-1);
  });

  it('delivered and received count matching messages to one process', () => {
    expect(delivered(trace, s.worker, (m) => m === 'noise')).toBe(1);
    expect(received(trace, s.worker, (m) => m === 'noise')).toBe(1);
    expect(delivered(trace, s.worker, (m) => m === 'never sent')).toBe(0);
    expect(received(trace, new Pid(9999), () => true)).toBe(0);
  });
});

describe('worker: stopping requests, and a parent known by its registered name', () => {
  /** Starts each config (linked, under a trapping parent), applies `poke` to it, waits, and returns the lifecycle. */
  function stopped(poke: (pid: Pid) => Op<unknown>): { events: string[]; replies: string[] } {
    const world = new WorkerWorld();
    const mod = workerModule(world);
    const startLink = mod.exports['start_link'] as (config: Term) => Op<Term>;
    const replies: string[] = [];
    const result = run(function* () {
      yield* trapExit(true);
      const [, pid] = (yield* startLink({ id: 'w', terminateMs: 5 } as unknown as Term)) as Term[];
      replies.push(format((yield* poke(pid as Pid)) as Term));
      yield* sleep(50);
    });
    const events = lifecycle(result.trace).map((e) => `${e.kind} ${e.id}#${e.incarnation}${e.kind === 'terminate' || e.kind === 'exit' ? ` ${format(e.reason)}` : ''}`);
    return { events, replies };
  }

  it('the cast "stop" stops it normally, terminate/2 included', () => {
    expect(stopped((pid) => GenServer.cast(pid, 'stop'))).toEqual({ events: ['start w#1', 'terminate w#1 :normal', 'exit w#1 :normal'], replies: [':ok'] });
  });

  it('the cast {:stop, R} stops it with R, terminate/2 included', () => {
    expect(stopped((pid) => GenServer.cast(pid, t('stop', t('shutdown', 'x'))))).toEqual({
      events: ['start w#1', 'terminate w#1 {:shutdown, :x}', 'exit w#1 {:shutdown, :x}'],
      replies: [':ok'],
    });
  });

  it('the call "stop" replies :ok, then it stops normally', () => {
    expect(stopped((pid) => GenServer.call(pid, 'stop'))).toEqual({ events: ['start w#1', 'terminate w#1 :normal', 'exit w#1 :normal'], replies: [':ok'] });
  });

  it('other casts are ignored: it keeps running', () => {
    expect(stopped((pid) => GenServer.cast(pid, 'whatever'))).toEqual({ events: ['start w#1'], replies: [':ok'] });
  });

  it('unlink_parent finds a registered parent through $ancestors (its name): the crash does not reach it', () => {
    for (const registered of [true, false]) {
      const world = new WorkerWorld();
      const mod = workerModule(world);
      const startLink = mod.exports['start_link'] as (config: Term) => Op<Term>;
      let survived = false;
      run(function* () {
        yield* spawn(function* () {
          if (registered) yield* register('the_parent', yield* self());
          const [, pid] = (yield* startLink({ id: 'w' } as unknown as Term)) as Term[];
          expect(yield* GenServer.call(pid as Pid, 'unlink_parent')).toBe('ok');
          yield* send(pid as Pid, t('crash', 'boom'));
          yield* sleep(50);
          survived = true;
        });
        yield* sleep(100);
      });
      expect(survived, registered ? 'registered parent' : 'anonymous parent').toBe(true);
    }
  });
});
