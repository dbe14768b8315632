/**
 * PartitionSupervisor commands (`part_start`, `part_whereis`, `part_call`, `part_child_spec`),
 * mirroring the Elixir driver's `Beamcheck.Part`. The supervisor is named
 * `Beamcheck.Partitions`, or `{:via, Registry, {Beamcheck.Registry, :partitions}}`; the driver
 * tracks it as "psup" (it has no hook of its own).
 */
import type { Op } from '../../kernel/effects.js';
import type { Json } from '../../term/json.js';
import { Pid, isTagged, t, type Term } from '../../term/Term.js';
import * as GenServer from '../../otp/GenServer.js';
import * as PartitionSupervisor from '../../otp/PartitionSupervisor.js';
import * as Registry from '../../otp/Registry.js';
import type { Command } from '../Driver.js';
import { guarded, raisedOr, type SimContext } from './context.js';
import { RequestError, str, termOf } from './params.js';
import { childSpec } from './tree.js';

const ATOM_NAME = 'Elixir.Beamcheck.Partitions';
const REGISTRY = 'Elixir.Beamcheck.Registry';

function nameOf(ctx: SimContext, j: Json | undefined): Term {
  if (j === 'atom') return ATOM_NAME;
  if (j === 'via') {
    if (ctx.c.registry === null) throw new RequestError('a via name needs the registry: send reg_start first');
    return Registry.via(REGISTRY, 'partitions');
  }
  throw new RequestError(`bad PartitionSupervisor name: ${JSON.stringify(j ?? null)}`);
}

function need(ctx: SimContext): Term {
  const name = ctx.c.psupName;
  if (name === null) throw new RequestError('no PartitionSupervisor: send part_start first');
  return name;
}

export function partStart(ctx: SimContext, c: Command): () => Json {
  const cs = ctx.c;
  if (cs.alive(cs.psup)) throw new RequestError("the case's PartitionSupervisor is already running");
  const name = nameOf(ctx, c['name'] ?? 'atom');
  const spec = childSpec(cs, c['child']);
  const partitions = termOf(c['partitions'] ?? 2);
  const r = ctx.inAgent(cs.holder, () => PartitionSupervisor.startLink({ name, childSpec: spec, partitions }));
  if ('value' in r && isTagged(r.value, 'ok', 2) && r.value[1] instanceof Pid) {
    cs.recorder.trackSupervisor(r.value[1], 'psup', cs.holder);
    cs.psup = r.value[1];
    cs.psupName = name;
  }
  return ctx.valueOrExit(r);
}

/** Runs `body`: its value, `{"raise": EXC}` if it raised, `{"exit": R}` if it exited. */
function guardedResult(ctx: SimContext, body: () => Op<Term>): () => Json {
  const r = ctx.run(() => guarded(body));
  return ctx.valueOrExit(r, (v) => raisedOr(ctx, v));
}

export function partWhereis(ctx: SimContext, c: Command): () => Json {
  const name = need(ctx);
  const key = termOf(c['key'], 'key');
  return guardedResult(ctx, function* () {
    return (yield* GenServer.whereis(PartitionSupervisor.via(name, key))) ?? 'nil';
  });
}

export function partCall(ctx: SimContext, c: Command): () => Json {
  const name = need(ctx);
  const fun = str(c, 'fun');
  const args = c['args'] ?? [];
  if (!Array.isArray(args)) throw new RequestError(`bad part_call: ${JSON.stringify(fun)} with ${JSON.stringify(args)}`);
  if (fun === 'which_children' && args.length === 0) return guardedResult(ctx, () => PartitionSupervisor.whichChildren(name));
  if (fun === 'count_children' && args.length === 0) return guardedResult(ctx, () => PartitionSupervisor.countChildren(name));
  if (fun === 'partitions' && args.length === 0) return guardedResult(ctx, () => PartitionSupervisor.partitions(name));
  const n = args[0];
  if (fun === 'resize' && args.length === 1 && typeof n === 'number') return guardedResult(ctx, () => PartitionSupervisor.resize(name, n));
  throw new RequestError(`bad part_call: ${JSON.stringify(fun)} with ${JSON.stringify(args)}`);
}

export function partChildSpec(ctx: SimContext, c: Command): () => Json {
  const options = c['name'] === undefined ? [] : [t('name', nameOf(ctx, c['name']))];
  return ctx.valueOrExit(ctx.run(() => PartitionSupervisor.childSpecFor(options)));
}
