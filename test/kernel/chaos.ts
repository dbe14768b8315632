/**
 * A deliberately busy program for determinism tests: processes that spawn, link, monitor, trap
 * exits, send to each other, set and cancel timers, register names and crash, with data choices
 * drawn from the choice source. Everything a trace can contain shows up in it.
 */
import {
  cancelTimer, choose, exit, exitSignal, link, match, monitor, receive, register, self, send, sendAfter, spawn,
  spawnLink, t, trapExit, TIMEOUT, whereis, type Op, type Pid,
} from '../../src/index.js';

function* worker(id: number, peers: Pid[]): Op<void> {
  if ((yield* choose(2)) === 1) yield* trapExit(true);
  if (id === 0) yield* register('w0', yield* self());
  for (let round = 0; round < 4; round++) {
    const action = yield* choose(6);
    const peer = peers[yield* choose(peers.length)]!;
    switch (action) {
      case 0:
        yield* send(peer, t('hello', id, round));
        break;
      case 1:
        yield* monitor(peer);
        break;
      case 2: {
        const ref = yield* sendAfter(yield* self(), 'tick', 1 + (yield* choose(20)));
        if ((yield* choose(2)) === 0) yield* cancelTimer(ref);
        break;
      }
      case 3:
        if ((yield* choose(4)) === 0) yield* exitSignal(peer, (yield* choose(2)) === 0 ? 'kill' : 'boom');
        break;
      case 4:
        try {
          yield* link(peer);
        } catch {
          // noproc: the peer is already dead
        }
        break;
      case 5: {
        const w0 = yield* whereis('w0');
        if (w0) yield* send(w0, t('to_w0', id));
        break;
      }
    }
    const got = yield* receive(match.any, { after: yield* choose(15) });
    if (got !== TIMEOUT && (yield* choose(8)) === 0) exit(t('crashed', id));
  }
}

export function chaos(workers = 5): () => Op<void> {
  return function* main() {
    yield* trapExit(true);
    const peers: Pid[] = [];
    const holder: Pid[] = [];
    for (let i = 0; i < workers; i++) {
      const pid = (yield* choose(2)) === 0 ? yield* spawnLink(() => worker(i, holder)) : yield* spawn(() => worker(i, holder));
      peers.push(pid);
    }
    holder.push(...peers);
    for (let i = 0; i < workers * 3; i++) {
      const m = yield* receive(match.any, { after: 30 });
      if (m === TIMEOUT) break;
    }
  };
}
