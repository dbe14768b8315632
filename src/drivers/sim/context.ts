/**
 * What the simulated driver's command families (sim/probes.ts, sim/dynamic.ts, sim/partition.ts,
 * sim/taskExtras.ts) need from the driver: the current case, ways to run code inside the
 * simulation, canonical terms, and the task owner.
 */
import type { Op } from '../../kernel/effects.js';
import { rescued } from '../../kernel/errors.js';
import type { Json } from '../../term/json.js';
import { isTagged, t, type Pid, type Term } from '../../term/Term.js';
import type { CaseState, Outcome } from './caseState.js';

export interface SimContext {
  /** The current case (a new one after each `reset`). */
  readonly c: CaseState;
  /** Runs `body` in a fresh command process to its end. */
  run(body: () => Op<Term>): Outcome;
  /** The value of a step that cannot fail (a failure is a driver bug). */
  runValue(body: () => Op<Term>): Term;
  /** Runs `body` inside helper process `who`; `{died: reason}` if `who` is or becomes dead. */
  inAgent(who: Pid, body: () => Op<Term>): Outcome;
  /** Waits until each pid has handled everything sent to it before, or died. */
  settleAll(pids: readonly Pid[]): void;
  canon(x: Term): Json;
  /** A result canonicalized after the command's events are absorbed (names known). */
  later(x: Term): () => Json;
  /** `{"exit": R}`, or the value. */
  valueOrExit(r: Outcome, value?: (v: Term) => Json): () => Json;
  /** The task owner, started (not trapping) if there is none. */
  ensureOwner(): Pid;
  /** The case's Task.Supervisor, started with no options if there is none. */
  ensureTaskSup(): Pid;
  /** The owner's exit reason if it is dead. */
  deadOwner(owner: Pid): Term | undefined;
  ownerExit(reason: Term): () => Json;
}

const RAISED = '$beamcheck_raised';

/**
 * Runs `body`; an Elixir exception it raises becomes the value `{RAISED, exception}`, which
 * `raisedOr` turns into the protocol's `{"raise": EXC}` (exits and other errors go on).
 */
export function* guarded(body: () => Op<Term>): Op<Term> {
  try {
    return yield* body();
  } catch (e) {
    // The Elixir driver's `rescue`: exception structs, including the ones Elixir makes of VM errors.
    const exception = rescued(e);
    if (exception !== undefined) return t(RAISED, exception);
    throw e;
  }
}

/** Whether `v` is what `guarded` made of an exception. */
export function isRaised(v: Term): boolean {
  return isTagged(v, RAISED, 2);
}

/** `{"raise": EXC}` for a value `guarded` made of an exception, else `value(v)`. */
export function raisedOr(ctx: SimContext, v: Term, value: (v: Term) => Json = (x) => ctx.canon(x)): Json {
  return isTagged(v, RAISED, 2) ? { raise: ctx.canon(v[1]!) } : value(v);
}
