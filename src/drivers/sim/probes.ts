/**
 * One-shot probes of the simulated runtime (docs/driver-protocol.md, "Probes"), mirroring
 * `Beamcheck.Probes` and `Beamcheck.Reg.lock` of the Elixir driver: a start through proc_lib seen
 * from the caller, Elixir's `Process.alias/0`, a task's lineage, `Task.async_stream/3` option
 * checks, `Registry.lock/3`.
 */
import * as api from '../../kernel/api.js';
import type { Op } from '../../kernel/effects.js';
import { match } from '../../kernel/match.js';
import type { Json } from '../../term/json.js';
import { Pid, Tuple, bin, isTagged, t, type Term } from '../../term/Term.js';
import * as ElixirProcess from '../../otp/ElixirProcess.js';
import * as Registry from '../../otp/Registry.js';
import * as Supervisor from '../../otp/Supervisor.js';
import * as Task from '../../otp/Task.js';
import type { Command } from '../Driver.js';
import { agent } from './caseState.js';
import { guarded, isRaised, raisedOr, type SimContext } from './context.js';
import { RequestError, termOf } from './params.js';
import { childSpecs, supFlags, workerConfig } from './tree.js';

const REGISTRY = 'Elixir.Beamcheck.Registry';

/** Everything in the calling process's mailbox, in order (nothing waits). */
function* flush(): Op<Term[]> {
  const out: Term[] = [];
  for (;;) {
    const m = yield* api.receive(undefined, { after: 0 });
    if (m === api.TIMEOUT) return out;
    out.push(m);
  }
}

/** A fresh helper process of the case (trapping exits or not); it stays until `reset`. */
function freshAgent(ctx: SimContext, trap: boolean): Pid {
  return ctx.runValue(() => api.spawn(() => agent(trap))) as Pid;
}

/** The process `caller` spawned last (what its proc_lib start spawned), from the trace. */
function lastSpawnedBy(ctx: SimContext, caller: Pid): Pid | undefined {
  const trace = ctx.c.rt.trace;
  for (let i = trace.length - 1; i >= 0; i--) {
    const e = trace[i]!;
    if (e.k === 'spawn' && e.parent?.id === caller.id) return e.pid;
  }
  return undefined;
}

/**
 * `start_probe`: a fresh process (trapping exits or not) start_links a worker (`child`) or a tree
 * supervisor named "probe" (`tree`). Unless the start returned `{:ok, pid}`, it waits for the DOWN
 * of the process it started (links are signalled before monitors, so a trapping caller has its
 * EXIT by then, and a non-trapping one has died of it); then it flushes its mailbox.
 */
export function startProbe(ctx: SimContext, c: Command): () => Json {
  const trap = c['trap_exit'] === true;
  let start: () => Op<Term>;
  if (c['tree'] !== undefined) {
    supFlags(c['tree']);
    childSpecs(ctx.c, c['tree']); // bad trees are request errors, before anything starts
    const mod = ctx.c.treeSupervisor;
    const tree = c['tree'] as unknown as Term;
    start = () => Supervisor.startLink(mod, t(bin('probe'), tree));
  } else if (c['child'] !== undefined) {
    const config = workerConfig(c['child']);
    if (config.name !== undefined) throw new RequestError('start_probe: the child cannot have a name');
    const startLink = ctx.c.worker.exports['start_link'] as (config: Term) => Op<Term>;
    start = () => startLink(config as unknown as Term);
  } else {
    throw new RequestError('start_probe needs a child or a tree');
  }
  const caller = freshAgent(ctx, trap);
  const r = ctx.inAgent(caller, function* () {
    const result = yield* start();
    if (!(isTagged(result, 'ok', 2) && result[1] instanceof Pid)) {
      const started = lastSpawnedBy(ctx, caller);
      if (started) yield* api.receive(match.down(yield* api.monitor(started)));
    }
    return t(result, yield* flush());
  });
  if ('died' in r) return () => ({ caller_exit: ctx.canon(r.died) });
  return ctx.valueOrExit(r, (v) => ({ result: ctx.canon((v as Tuple)[0]!), mailbox: ctx.canon((v as Tuple)[1]!) }));
}

/**
 * `alias_probe`: `Process.alias/0` (Elixir 1.15+); a message through the alias is received, then
 * `Process.unalias/1`, and a second one is dropped. With `"monitor": true` the alias is instead a
 * monitor's, `Process.monitor(target, alias: :reply_demonitor)` (Elixir 1.15+): the first message
 * through it deactivates the alias and removes the monitor, so the second is dropped and the
 * target's death (it is then killed) sends no DOWN. `{"received": [...]}` or `{"raise": EXC}`.
 */
export function aliasProbe(ctx: SimContext, c: Command): () => Json {
  const pid = freshAgent(ctx, false);
  const target = c['monitor'] === true ? freshAgent(ctx, false) : undefined;
  const r = ctx.inAgent(pid, () =>
    guarded(function* () {
      const ref = target ? yield* ElixirProcess.monitor(target, { alias: 'reply_demonitor' }) : yield* ElixirProcess.alias();
      yield* api.send(ref, 'one');
      const first = yield* api.receive(undefined, { after: 5000 });
      if (!target) yield* ElixirProcess.unalias(ref);
      yield* api.send(ref, 'two');
      if (target) yield* killAndWait(target);
      return [first === api.TIMEOUT ? 'timeout' : first, ...(yield* flush())];
    }),
  );
  if (target) killAgent(ctx, target);
  killAgent(ctx, pid);
  return ctx.valueOrExit(r, (v) => raisedOr(ctx, v, (x) => ({ received: ctx.canon(x) })));
}

/** Kills `pid` and waits for its DOWN, from inside a process. */
function* killAndWait(pid: Pid): Op<void> {
  const ref = yield* api.monitor(pid);
  yield* api.exitSignal(pid, 'kill');
  yield* api.receive(match.down(ref));
}

function killAgent(ctx: SimContext, pid: Pid): void {
  ctx.runValue(function* () {
    yield* killAndWait(pid);
    return 'ok';
  });
}

/**
 * `task_lineage`: a fresh process (registered as `beamcheck_spawner` when `registered`, named
 * "spawner") awaits a `Task.async` that returns its own `$ancestors` and `$callers`.
 */
export function taskLineage(ctx: SimContext, c: Command): () => Json {
  const registered = c['registered'] === true;
  const spawner = freshAgent(ctx, false);
  ctx.c.recorder.name(spawner, 'spawner');
  const r = ctx.inAgent(spawner, function* () {
    if (registered) yield* api.register('beamcheck_spawner', spawner);
    const task = yield* Task.async(function* () {
      return t((yield* api.get('$ancestors')) ?? 'nil', (yield* api.get('$callers')) ?? 'nil');
    });
    return yield* Task.await(task);
  });
  killAgent(ctx, spawner);
  return ctx.valueOrExit(r, (v) => ({ ancestors: ctx.canon((v as Tuple)[0]!), callers: ctx.canon((v as Tuple)[1]!) }));
}

/**
 * `task_stream`: `Task.async_stream(items, &identity/1, options)` built, then enumerated, in a
 * fresh process: `{"ok": [...]}`, or `{"raise": EXC, "at": "build" | "run"}`.
 */
export function taskStream(ctx: SimContext, c: Command): () => Json {
  const items = c['items'] ?? [];
  if (!Array.isArray(items)) throw new RequestError('task_stream: "items" must be a list');
  const terms = items.map((x) => termOf(x));
  const options: Task.StreamOptions = {};
  if (c['max_concurrency'] !== undefined) options.maxConcurrency = termOf(c['max_concurrency']) as number;
  if (c['timeout'] !== undefined) options.timeout = termOf(c['timeout']) as Task.Timeout;
  const pid = freshAgent(ctx, false);
  const r = ctx.inAgent(pid, function* () {
    const built = yield* guarded(() => Task.asyncStream(terms, (x) => x, options) as unknown as Op<Term>);
    if (isRaised(built)) return t('build', built);
    const stream = built as unknown as Task.TaskStream;
    return t('run', yield* guarded(() => stream.toList()));
  });
  killAgent(ctx, pid);
  return ctx.valueOrExit(r, (v) => {
    const [at, value] = v as Tuple;
    const out = raisedOr(ctx, value!, (x) => ({ ok: ctx.canon(x) }));
    return typeof out === 'object' && out !== null && !Array.isArray(out) && 'raise' in out ? { ...out, at: at as string } : out;
  });
}

/** `reg_lock`: `Registry.lock(registry, key, fn -> :locked end)` (Elixir 1.18+). */
export function regLock(ctx: SimContext, c: Command): () => Json {
  if (ctx.c.registry === null) throw new RequestError('no registry: send reg_start first');
  const key = termOf(c['key'], 'key');
  const r = ctx.run(() => guarded(() => Registry.lock(REGISTRY, key, () => 'locked')));
  return ctx.valueOrExit(r, (v) => raisedOr(ctx, v));
}
