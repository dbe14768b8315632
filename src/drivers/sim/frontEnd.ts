/**
 * The Elixir `Supervisor` front end (docs/driver-protocol.md: `sup_start` with `front_end`, and
 * `child_spec`), mirroring the Elixir driver: `Supervisor.start_link(children, options)` builds
 * flags and specs in the caller (supervision.md rules 16, 27 — Elixir 1.14 drops
 * `:auto_shutdown`), and `Supervisor.child_spec/2` applies overrides (rule 18 — 1.14 rejects
 * `:significant`).
 */
import type { Json } from '../../term/json.js';
import { Pid, isTagged, t, type Term } from '../../term/Term.js';
import * as Supervisor from '../../otp/Supervisor.js';
import type { Command } from '../Driver.js';
import type { Outcome } from './caseState.js';
import { guarded, raisedOr, type SimContext } from './context.js';
import { RequestError, termOf } from './params.js';
import { canonicalChildspec, childSpec, childSpecs, supFlags } from './tree.js';

/**
 * `sup_start` with `front_end: true`. The supervisor (`Supervisor.Default`) has no hook of its
 * own, so it is tracked as "sup" once it runs, and the `sup_exit` of a failed start is recorded
 * by the driver.
 */
export function frontEndStart(ctx: SimContext, tree: Json | undefined): Outcome {
  const flags = supFlags(tree ?? null);
  const specs = childSpecs(ctx.c, tree ?? null);
  const options: Supervisor.SupervisorOptions = { strategy: flags['strategy'], maxRestarts: flags['intensity'], maxSeconds: flags['period'] };
  if (flags['auto_shutdown'] !== undefined) options.autoShutdown = flags['auto_shutdown'];
  const c = ctx.c;
  const r = ctx.inAgent(c.holder, () => Supervisor.startLink(specs, options));
  if ('value' in r && isTagged(r.value, 'ok', 2) && r.value[1] instanceof Pid) {
    c.recorder.trackSupervisor(r.value[1], 'sup', c.holder);
  } else if ('value' in r && isTagged(r.value, 'error', 2)) {
    const reason = r.value[1]!;
    c.recorder.record(c.rt.trace, (canon) => ['sup_exit', 'sup', canon(reason)]);
  }
  return r;
}

/** `child_spec`: `Supervisor.child_spec(CHILD's spec, overrides)` (overrides in key order). */
export function childSpecCommand(ctx: SimContext, c: Command): () => Json {
  const spec = childSpec(ctx.c, c['child']);
  const overrides = c['overrides'] ?? {};
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) throw new RequestError('child_spec: "overrides" must be an object');
  const keyword: Term[] = Object.keys(overrides)
    .sort()
    .map((key) => t(key, termOf(overrides[key], key)));
  const r = ctx.run(() => guarded(() => Supervisor.childSpec(spec, keyword)));
  return ctx.valueOrExit(r, (v) => raisedOr(ctx, v, (x) => ctx.canon(canonicalChildspec(x))));
}
