/**
 * DynamicSupervisor commands (`dyn_start`, `dyn_call`), mirroring the Elixir driver's
 * `Beamcheck.Dyn`: the case's DynamicSupervisor runs the callback module
 * `Beamcheck.DynamicSupervisor`, whose init/1 names it "dsup" for the recorder and returns the
 * flags map itself (so an `auto_shutdown` flag reaches the version-dependent check, rule 87 / E3).
 */
import * as api from '../../kernel/api.js';
import type { Json } from '../../term/json.js';
import { Pid, bin, isTagged, t, type Term, type TermObject } from '../../term/Term.js';
import * as DynamicSupervisor from '../../otp/DynamicSupervisor.js';
import type { Command } from '../Driver.js';
import type { SimContext } from './context.js';
import { RequestError, str, termOf } from './params.js';
import { SUPERVISOR_REPORT } from './recorder.js';
import { childSpec } from './tree.js';

const MODULE = DynamicSupervisor.defmodule('Beamcheck.DynamicSupervisor', {
  *init(flags: Term) {
    yield* api.report(SUPERVISOR_REPORT, { name: bin('dsup') });
    return t('ok', flags);
  },
});

/** The flags map the callback module returns (docs/driver-protocol.md, `dyn_start`). */
function flagsOf(c: Command): TermObject {
  const flags: TermObject = {
    strategy: 'one_for_one',
    intensity: termOf(c['max_restarts'] ?? 3),
    period: termOf(c['max_seconds'] ?? 5),
    max_children: termOf(c['max_children'] ?? 'infinity'),
    extra_arguments: [],
  };
  if (c['auto_shutdown'] !== undefined) flags['auto_shutdown'] = termOf(c['auto_shutdown']);
  return flags;
}

export function dynStart(ctx: SimContext, c: Command): () => Json {
  if (ctx.c.alive(ctx.c.dsup)) throw new RequestError("the case's DynamicSupervisor is already running");
  const flags = flagsOf(c);
  const r = ctx.inAgent(ctx.c.holder, () => DynamicSupervisor.startLink(MODULE, flags));
  if ('value' in r && isTagged(r.value, 'ok', 2) && r.value[1] instanceof Pid) ctx.c.dsup = r.value[1];
  return ctx.valueOrExit(r);
}

export function dynCall(ctx: SimContext, c: Command): () => Json {
  const dsup = ctx.c.dsup;
  if (dsup === null) throw new RequestError('no DynamicSupervisor: send dyn_start first');
  const fun = str(c, 'fun');
  const args = c['args'] ?? [];
  const bad = () => new RequestError(`bad dyn_call: ${JSON.stringify(fun)} with ${JSON.stringify(args)}`);
  if (!Array.isArray(args)) throw bad();
  if (fun === 'start_child' && args.length === 1) {
    const spec = childSpec(ctx.c, args[0]);
    return ctx.valueOrExit(ctx.run(() => DynamicSupervisor.startChild(dsup, spec)));
  }
  if (fun === 'terminate_child' && args.length === 1 && typeof args[0] === 'string') {
    const name = args[0];
    const pid = ctx.c.liveNamed(name) ?? ctx.c.named(name)[0];
    if (!pid) throw new RequestError(`unknown process ${JSON.stringify(name)}`);
    return ctx.valueOrExit(ctx.run(() => DynamicSupervisor.terminateChild(dsup, pid)));
  }
  if (fun === 'which_children' && args.length === 0) {
    // Map iteration order is no observation (supervision.md rule 120): sorted by JSON text.
    const r = ctx.run(() => DynamicSupervisor.whichChildren(dsup));
    return ctx.valueOrExit(r, (v) => (ctx.canon(v) as Json[]).map((x) => JSON.stringify(x)).sort().map((x) => JSON.parse(x) as Json));
  }
  if (fun === 'count_children' && args.length === 0) return ctx.valueOrExit(ctx.run(() => DynamicSupervisor.countChildren(dsup)));
  throw bad();
}
