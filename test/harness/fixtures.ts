/** Small targets for harness tests: a racy counter (fails) and a safe one (holds). */
import fc from 'fast-check';
import { GenServer, receive, self, send, spawn, t, type Op, type Pid, type Term } from '../../src/index.js';
import { fails, holds, type Target } from '../../src/harness/Target.js';

const Counter = GenServer.defmodule('Counter', {
  init: () => t('ok', 0),
  handleCall: (req, _from, n) => (req === 'get' ? t('reply', n, n) : t('reply', 'ok', (req as Term[])[1])),
  handleCast: (_req, n) => t('noreply', n + 1),
});

type Input = { workers: number; atomic: boolean };

function program(input: Input) {
  return function* (): Op<void> {
    const [, counter] = (yield* GenServer.start(Counter, 0, { name: 'counter' })) as Term[];
    const me = yield* self();
    for (let i = 0; i < input.workers; i++) {
      yield* spawn(function* () {
        if (input.atomic) {
          yield* GenServer.cast(counter!, 'incr');
          yield* GenServer.call(counter!, 'get');
        } else {
          const n = (yield* GenServer.call(counter!, 'get')) as number;
          yield* GenServer.call(counter!, t('set', n + 1));
        }
        yield* send(me, 'done');
      });
    }
    for (let i = 0; i < input.workers; i++) yield* receive();
    const final = yield* GenServer.call(counter!, 'get');
    yield* send(counter as Pid, t('final', final));
  };
}

function finalCount(trace: readonly { k: string; msg?: Term }[]): Term | undefined {
  for (const e of trace) if (e.k === 'send' && Array.isArray(e.msg) && (e.msg as Term[])[0] === 'final') return (e.msg as Term[])[1];
  return undefined;
}

export const racyCounter: Target<Input> = {
  id: 'test/racy-counter',
  title: 'concurrent read-modify-write loses no increment',
  input: fc.record({ workers: fc.integer({ min: 1, max: 4 }), atomic: fc.constant(false) }),
  program,
  check: ({ input, run }) => {
    const final = finalCount(run.trace as never);
    return final === input.workers ? holds : fails(`expected ${input.workers} increments, counted ${String(final)}`);
  },
  expect: 'fails',
};

export const safeCounter: Target<Input> = {
  ...racyCounter,
  id: 'test/safe-counter',
  title: 'casts are applied atomically by the server',
  input: fc.record({ workers: fc.integer({ min: 1, max: 4 }), atomic: fc.constant(true) }),
  expect: 'holds',
};
