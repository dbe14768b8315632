/**
 * Pattern 10 — Registry for dynamic process naming and PubSub.
 *
 * Why (seed): "Solves the dynamic naming problem without atom leaks. Also provides local PubSub
 * without external dependencies." — "Processes are automatically unregistered on death." —
 * "Registry handles monitor-based cleanup automatically."
 *
 * Model-based: a generated command sequence (register / unregister / a registered process dying /
 * lookup / whereis through `{:via, Registry, …}` / re-registration in a slot whose process died),
 * performed by several processes against a `:unique` or a `:duplicate` registry of 1–4
 * partitions, is judged operation by operation against models/p10-registry.ts, with each
 * process's phase (alive, dead, being cleaned, cleaned) read from the trace:
 * - `lookup` may still show a dead process exactly until its partition has processed its
 *   `{:EXIT, …}` (§6.6) — the window is allowed, never hidden (no barrier before reads), and
 *   never stretched (a dead entry read after its cleanup is a failure);
 * - `whereis_name` never returns a process that was dead when the call began (§6.10);
 * - a stale entry never blocks re-registration, and `{:error, {:already_registered, pid}}` names
 *   only a live holder (§6.4); duplicate registries always register and refuse `:via` (§6.10).
 * The seed's "monitor-based cleanup" is link-based in registry.ex (the partitions trap exits and
 * are linked to registered processes); the property checks the behaviour, not the mechanism.
 */
import fc from 'fast-check';
import { Pid, Tuple, fails, format, holds, isTagged, type CheckResult, type Outcome, type Target, type Term } from '../src/index.js';
import { RegistryModel, type Kind, type Phase, type RegisterResult, type Span, type WhereisResult } from '../models/p10-registry.js';
import {
  driveCommands,
  keyTerm,
  registryRunOf,
  startRegistry,
  type Command,
  type OpRecord,
} from './support/registryCase.js';
import { type Lifetimes } from '../scenarios/support/registryTrace.js';

export interface RegistryCase {
  readonly partitions: number;
  readonly commands: Command[];
}

const SLOTS = 4;
const slot = fc.integer({ min: 0, max: SLOTS - 1 });
const key = fc.integer({ min: 0, max: 2 });

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('register' as const), slot, key, value: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('unregister' as const), slot, key }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('lookup' as const), slot, key, reads: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('whereis' as const), slot, key }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('die' as const), slot, how: fc.constantFrom('kill' as const, 'exit' as const, 'crash' as const) }) },
);

const registryCase: fc.Arbitrary<RegistryCase> = fc.record({
  partitions: fc.integer({ min: 1, max: 4 }),
  commands: fc.array(command, { maxLength: 24, size: 'medium' }),
});

function program(kind: Kind) {
  return (c: RegistryCase) =>
    function* () {
      const layout = yield* startRegistry(kind, c.partitions);
      yield* driveCommands(c.commands, layout);
    };
}

const owner = (p: Pid): string => format(p);

/** Each process's phase before trace index `i` (processes.md §6.6). */
function phaseAt(life: Lifetimes, pid: number, i: number): Phase {
  const exit = life.exits.get(pid);
  if (!exit || i <= exit.index) return 'alive';
  const window = life.cleanups.get(pid)?.find((w) => w.start > exit.index);
  if (!window || i <= window.start) return 'dead';
  return i <= window.end ? 'cleaning' : 'clean';
}

function spanOf(life: Lifetimes, op: OpRecord, pidOf: Map<string, number>): Span {
  const at = (o: string, i: number): Phase => (pidOf.has(o) ? phaseAt(life, pidOf.get(o)!, i) : 'alive');
  return { start: (o) => at(o, op.start), end: (o) => at(o, op.end) };
}

function registerResult(r: Term): RegisterResult {
  if (isTagged(r, 'ok', 2)) return { ok: true };
  if (isTagged(r, 'error', 2) && isTagged(r[1], 'already_registered', 2)) return { alreadyRegistered: owner(r[1][1] as Pid) };
  return { alreadyRegistered: `(an unexpected result ${format(r)})` };
}

function entries(r: Term): Array<{ owner: string; value: string }> {
  return (r as Tuple[]).map((e) => ({ owner: owner(e[0] as Pid), value: format(e[1]!) }));
}

function whereisResult(r: Term): WhereisResult {
  if (r === 'argument_error') return r;
  return r instanceof Pid ? owner(r) : undefined;
}

/** Judges one operation against the model (and applies it). */
function judge(model: RegistryModel, command: Command, op: OpRecord, span: Span): string | undefined {
  const me = owner(op.pid);
  switch (command.op) {
    case 'register':
      return model.register(me, format(keyTerm(command.key)), format(command.value), registerResult(op.result), span);
    case 'unregister':
      model.unregister(me, format(keyTerm(command.key)));
      return op.result === 'ok' ? undefined : `unregister returned ${format(op.result)}`;
    case 'lookup':
      return model.lookup(format(keyTerm(command.key)), entries(op.result), span);
    case 'whereis':
      return model.whereis(format(keyTerm(command.key)), whereisResult(op.result), span);
    default:
      return undefined;
  }
}

/** The phases of every process the message mentions, for a readable failure. */
function context(life: Lifetimes, op: OpRecord, pidOf: Map<string, number>): string {
  const parts: string[] = [];
  for (const [name, id] of pidOf) {
    const exit = life.exits.get(id);
    if (!exit || exit.index > op.end) continue;
    const w = life.cleanups.get(id)?.[0];
    parts.push(
      `${name} died at trace #${exit.index} (t=${exit.t})${w ? `, partition ${w.partition} handled its {:EXIT, …} over #${w.start}–#${w.end} (touching ${w.tables.length} table(s))` : ', no cleanup yet'}`,
    );
  }
  return parts.length ? ` (${parts.join('; ')})` : '';
}

function conformsToModel(kind: Kind) {
  return (o: Outcome<RegistryCase>): CheckResult => {
    const run = registryRunOf(o);
    if (typeof run === 'string') return fails(run);
    const { life, ops } = run;
    const pidOf = new Map(ops.map((op) => [owner(op.pid), op.pid.id]));
    const model = new RegistryModel(kind);
    for (const op of ops) {
      const command = o.input.commands[op.i]!;
      const why = judge(model, command, op, spanOf(life, op, pidOf));
      if (why) {
        return fails(
          `command #${op.i} by ${owner(op.pid)} over trace #${op.start}–#${op.end} (t=${op.t}): ${why}${context(life, op, pidOf)}. A ${kind} registry must answer as processes.md §6.4–§6.6 and §6.10 allow.`,
        );
      }
    }
    return holds;
  };
}

export const properties: Target<RegistryCase>[] = [
  {
    id: 'p10-registry:unique-model',
    title: 'a unique registry answers register / lookup / whereis_name as the model allows, stale window included',
    claim: 'Processes are automatically unregistered on death',
    input: registryCase,
    program: program('unique'),
    check: conformsToModel('unique'),
    catches: ['registry-no-cleanup'],
  },
  {
    id: 'p10-registry:duplicate-model',
    title: 'a duplicate registry answers register / lookup as the model allows, stale window included; :via raises',
    claim: ':duplicate keys — each key maps to many processes (PubSub topics, event dispatch)',
    input: registryCase,
    program: program('duplicate'),
    check: conformsToModel('duplicate'),
    catches: ['registry-no-cleanup'],
  },
];
