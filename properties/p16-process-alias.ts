/**
 * Pattern 16 — Process.alias for safe request/response.
 *
 * Why (seed): "Solves the 'late reply' problem. In request/response patterns, if the requester
 * times out and moves on, a late reply to its PID could confuse future receive blocks. With
 * aliases, you deactivate after timeout and the late reply harmlessly vanishes."
 *
 * A command-sequence property against models/p16-process-alias.ts (processes.md §1.6): an owner
 * process creates aliases (`alias()`, `alias([:reply])`) and monitor aliases (`monitor(…, alias:
 * :explicit_unalias | :demonitor | :reply_demonitor)`); three other processes and the owner send
 * through them; the owner unaliases and demonitors, monitored processes exit, another process
 * tries to unalias, a send races the owner's `unalias`, the owner receives. After every command
 * the observation must match the model: whether each message was queued or dropped, what
 * `unalias`/`demonitor` returned, whether a DOWN came, the order of received messages, and the
 * final mailbox. Each send is followed by a fence message from the same sender, so the owner
 * observes a send only once it has arrived (§1.1.2).
 *
 * A second property checks the request/response protocol the pattern is about, done right: a
 * requester that sends its requests with `alias([:reply])` as the reply address and, on time-out,
 * unaliases *and flushes* ends with no stale reply in its mailbox, and never takes a reply to an
 * earlier request for the current one (models `staleRepliesLeft`).
 */
import fc from 'fast-check';
import {
  Pid,
  Ref,
  TIMEOUT,
  Tuple,
  alias,
  demonitor,
  equals,
  fails,
  format,
  holds,
  isTagged,
  match,
  monitor,
  processInfo,
  receive,
  report,
  runProblem,
  self,
  send,
  sleep,
  spawn,
  t,
  unalias,
  type AnyTarget,
  type CheckResult,
  type Op,
  type Outcome,
  type Target,
  type Term,
  type TermObject,
} from '../src/index.js';
import { OwnerModel, staleRepliesLeft, type AliasKind, type AliasMode, type MonitorAliasMode } from '../models/p16-process-alias.js';

// ------------------------------------------------------------------------------- the input

export type AliasCommand =
  | { readonly op: 'alias'; readonly mode: AliasMode }
  | { readonly op: 'monitor'; readonly mode: MonitorAliasMode }
  /** `from` 0–2: another process; 3: the owner itself. */
  | { readonly op: 'send'; readonly from: number; readonly alias: number }
  | { readonly op: 'unalias'; readonly alias: number }
  | { readonly op: 'foreign_unalias'; readonly from: number; readonly alias: number }
  /** Monitor aliases only (`alias` counts among them). */
  | { readonly op: 'demonitor'; readonly alias: number }
  | { readonly op: 'target_exits'; readonly alias: number }
  | { readonly op: 'race'; readonly from: number; readonly alias: number }
  | { readonly op: 'receive' };

const SENDERS = 3;
const OWNER = SENDERS;

const aliasIndex = fc.nat({ max: 7 });
const sender = fc.integer({ min: 0, max: SENDERS - 1 });

const command: fc.Arbitrary<AliasCommand> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('alias' as const), mode: fc.constantFrom<AliasMode>('explicit_unalias', 'reply') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('monitor' as const), mode: fc.constantFrom<MonitorAliasMode>('explicit_unalias', 'demonitor', 'reply_demonitor') }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('send' as const), from: fc.integer({ min: 0, max: SENDERS }), alias: aliasIndex }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('unalias' as const), alias: aliasIndex }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('foreign_unalias' as const), from: sender, alias: aliasIndex }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('demonitor' as const), alias: aliasIndex }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('target_exits' as const), alias: aliasIndex }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('race' as const), from: sender, alias: aliasIndex }) },
  { weight: 2, arbitrary: fc.constant<AliasCommand>({ op: 'receive' }) },
);

export const aliasCommands: fc.Arbitrary<AliasCommand[]> = fc.array(command, { minLength: 1, maxLength: 24 });

/**
 * Which alias a command addresses: its `alias` number modulo the aliases created so far (monitor
 * aliases only, for demonitor and target_exits); undefined (the command is skipped) if none.
 * The program and the check both resolve commands with this, from the input alone.
 */
export function resolve(commands: readonly AliasCommand[]): Array<number | undefined> {
  const kinds: AliasKind[] = [];
  return commands.map((c) => {
    if (c.op === 'alias' || c.op === 'monitor') {
      kinds.push(c.op === 'alias' ? { monitor: false, mode: c.mode } : { monitor: true, mode: c.mode });
      return kinds.length - 1;
    }
    if (c.op === 'receive') return undefined;
    const candidates = kinds.map((k, i) => ({ k, i })).filter(({ k }) => (c.op === 'demonitor' || c.op === 'target_exits' ? k.monitor : true));
    if (candidates.length === 0) return undefined;
    return candidates[c.alias % candidates.length]!.i;
  });
}

// ------------------------------------------------------------------------------- the program

/** How long the owner waits for a DOWN that may not come (virtual ms; signals take ≤ maxDelay). */
const DOWN_WAIT_MS = 50;

const messageOf = (i: number) => t('m', i);
const fenceFrom = (pid: Pid) => match.where((m) => isTagged(m, 'fence', 2) && equals(m[1]!, pid), `{:fence, ${pid}}`);
const commandMatch = match.tagged('cmd', 3);

function* queued(msg: Term): Op<boolean> {
  const box = ((yield* processInfo(yield* self(), 'messages')) ?? []) as Term[];
  return box.some((m) => equals(m, msg));
}

/** A sender: sends through an alias then a fence to the owner; or tries to unalias. */
function* senderLoop(driver: Pid): Op<void> {
  for (;;) {
    const m = (yield* receive(match.tagged('do', 3))) as Tuple;
    const [, what, arg] = m;
    if (what === 'send') {
      const [ref, msg, owner] = arg as [Ref, Term, Pid];
      yield* send(ref, msg);
      yield* send(owner, t('fence', yield* self()));
      yield* send(driver, t('sent', yield* self()));
    } else {
      yield* send(driver, t('unaliased', yield* unalias(arg as Ref)));
    }
  }
}

/** A monitored process: exits when told. */
function* target(): Op<void> {
  yield* receive(match.eq('die'));
}

interface OwnerAlias {
  readonly ref: Ref;
  readonly target: Pid | undefined;
}

/** The owner: performs its part of each command and reports what it observed. */
function* ownerLoop(driver: Pid): Op<void> {
  const aliases: OwnerAlias[] = [];
  for (;;) {
    const [, i, c] = (yield* receive(commandMatch)) as [string, number, Term];
    const cmd = c as unknown as AliasCommand & { ref?: Ref; a?: number; sender?: Pid };
    let obs: TermObject = {};
    const a = cmd.a === undefined ? undefined : aliases[cmd.a]!;
    switch (cmd.op) {
      case 'alias': {
        aliases.push({ ref: yield* alias(cmd.mode), target: undefined });
        break;
      }
      case 'monitor': {
        const pid = yield* spawn(target, { label: 'target' });
        aliases.push({ ref: yield* monitor(pid, { alias: cmd.mode }), target: pid });
        break;
      }
      case 'send':
        if (cmd.from === OWNER) yield* send(a!.ref, messageOf(i));
        else yield* receive(fenceFrom(cmd.sender!));
        obs = { queued: yield* queued(messageOf(i)) };
        break;
      case 'unalias':
        obs = { result: yield* unalias(a!.ref) };
        break;
      case 'demonitor':
        obs = { result: yield* demonitor(a!.ref, { info: true }) };
        break;
      case 'target_exits': {
        yield* send(a!.target!, 'die');
        const down = yield* receive(match.down(a!.ref), { after: DOWN_WAIT_MS });
        obs = { down: down !== TIMEOUT };
        break;
      }
      case 'race': {
        const result = yield* unalias(a!.ref);
        yield* receive(fenceFrom(cmd.sender!));
        obs = { result, queued: yield* queued(messageOf(i)) };
        break;
      }
      case 'receive': {
        const m = yield* receive(match.tagged('m', 2), { after: 0 });
        obs = { received: m === TIMEOUT ? 'none' : m };
        break;
      }
      case 'foreign_unalias':
        break;
    }
    yield* report('alias.obs', { i, ...obs });
    yield* send(driver, t('done', i, aliases.length > 0 ? aliases[aliases.length - 1]!.ref : 'nil'));
  }
}

export function aliasProgram(commands: readonly AliasCommand[]) {
  return function* (): Op<void> {
    const me = yield* self();
    const owner = yield* spawn(() => ownerLoop(me), { label: 'owner' });
    const senders: Pid[] = [];
    for (let s = 0; s < SENDERS; s++) senders.push(yield* spawn(() => senderLoop(me), { label: `sender${s}` }));
    const refs: Ref[] = [];
    const targets = resolve(commands);
    for (const [i, c] of commands.entries()) {
      const a = targets[i];
      if (c.op !== 'alias' && c.op !== 'monitor' && c.op !== 'receive' && a === undefined) continue;
      const toOwner = (extra: TermObject) => send(owner, t('cmd', i, { ...c, ...extra } as unknown as Term));
      if ((c.op === 'send' && c.from !== OWNER) || c.op === 'race') {
        const s = senders[c.from]!;
        yield* send(s, t('do', 'send', [refs[a!]!, messageOf(i), owner]));
        yield* toOwner({ a: a!, sender: s });
        yield* receive(match.tagged('sent', 2));
      } else if (c.op === 'foreign_unalias') {
        yield* send(senders[c.from]!, t('do', 'unalias', refs[a!]!));
        const [, result] = (yield* receive(match.tagged('unaliased', 2))) as Tuple;
        yield* report('alias.obs', { i, result: result! });
        continue;
      } else {
        yield* toOwner(a === undefined ? {} : { a });
      }
      const [, , last] = (yield* receive(match.tagged('done', 3))) as Tuple;
      if (c.op === 'alias' || c.op === 'monitor') refs.push(last as Ref);
    }
    yield* report('alias.final', { mailbox: ((yield* processInfo(owner, 'messages')) ?? []) as Term[] });
  };
}

// ------------------------------------------------------------------------------- the check

const describeCommand = (c: AliasCommand, a: number | undefined): string => {
  const on = a === undefined ? '' : ` alias #${a}`;
  switch (c.op) {
    case 'alias':
      return `alias(${c.mode === 'reply' ? '[:reply]' : ''}) → alias #${a}`;
    case 'monitor':
      return `monitor(target, alias: :${c.mode}) → alias #${a}`;
    case 'send':
      return `${c.from === OWNER ? 'the owner' : `sender ${c.from}`} sends through${on}`;
    case 'race':
      return `sender ${c.from} sends through${on} while the owner unaliases it`;
    case 'foreign_unalias':
      return `sender ${c.from} calls unalias on${on}`;
    case 'target_exits':
      return `the process monitored by${on} exits`;
    default:
      return `${c.op}${on}`;
  }
};

export function aliasesMatchModel(o: Outcome<AliasCommand[]>): CheckResult {
  const problem = runProblem(o);
  if (problem) return fails(problem);
  const obs = new Map<number, TermObject>();
  let final: Term[] | undefined;
  for (const e of o.run.trace) {
    if (e.k === 'report' && e.name === 'alias.obs') obs.set((e.data as TermObject)['i'] as number, e.data as TermObject);
    if (e.k === 'report' && e.name === 'alias.final') final = (e.data as TermObject)['mailbox'] as Term[];
  }
  const model = new OwnerModel();
  const targets = resolve(o.input);
  const history: string[] = [];
  for (const [i, c] of o.input.entries()) {
    const a = targets[i];
    if (c.op !== 'alias' && c.op !== 'monitor' && c.op !== 'receive' && a === undefined) continue;
    const got = obs.get(i);
    const step = `#${i} ${describeCommand(c, a)}`;
    const wrong = (what: string, want: Term) =>
      fails(`after ${history.length ? history.slice(-6).join('; ') + '; ' : ''}${step}: ${what} was ${format(got?.[what] ?? 'missing')}, the model says ${format(want)} (processes.md §1.6)`);
    if (!got) return fails(`${step}: no observation (the command did not complete)`);
    switch (c.op) {
      case 'alias':
      case 'monitor':
        model.create(c.op === 'alias' ? { monitor: false, mode: c.mode } : { monitor: true, mode: c.mode });
        break;
      case 'send': {
        const want = model.arrive(a!, `m${i}`);
        if (got['queued'] !== want) return wrong('queued', want);
        history.push(`${step} (${want ? 'queued' : 'dropped'})`);
        continue;
      }
      case 'unalias':
      case 'foreign_unalias': {
        const want = c.op === 'unalias' ? model.unalias(a!) : model.foreignUnalias();
        if (got['result'] !== want) return wrong('result', want);
        break;
      }
      case 'demonitor': {
        const want = model.demonitor(a!);
        if (got['result'] !== want) return wrong('result', want);
        break;
      }
      case 'target_exits': {
        const want = model.targetExits(a!);
        if (got['down'] !== want) return wrong('down', want);
        break;
      }
      case 'race': {
        const possible = model.raceOutcomes(a!);
        const seen = { queued: got['queued'] === true, unaliased: got['result'] === true };
        if (!possible.some((p) => p.queued === seen.queued && p.unaliased === seen.unaliased)) {
          return fails(`${step}: the message was ${seen.queued ? 'queued' : 'dropped'} and unalias returned ${seen.unaliased}; the model allows only ${possible.map((p) => `${p.queued ? 'queued' : 'dropped'}/${p.unaliased}`).join(' or ')} (§1.6.2–§1.6.3)`);
        }
        model.race(a!, `m${i}`, seen.queued);
        break;
      }
      case 'receive': {
        const want = model.receiveOne();
        const received = got['received']!;
        const name = received === 'none' ? undefined : `m${(received as Tuple)[1] as number}`;
        if (name !== want) return fails(`${step}: received ${format(received)}, the model's oldest queued message is ${want ?? 'none'} (messages already queued stay, in order)`);
        break;
      }
    }
    history.push(step);
  }
  const left = (final ?? []).map((m) => (isTagged(m, 'm', 2) ? `m${m[1] as number}` : format(m)));
  if (left.join(',') !== model.mailbox.join(',')) {
    return fails(`the owner ended with [${left.join(', ')}] in its mailbox, the model says [${model.mailbox.join(', ')}]`);
  }
  return holds;
}

// ------------------------------------------------------------------------------- request/response done right

export interface RequestCase {
  /** Per request: the responder's latency (virtual ms). */
  readonly latencies: readonly number[];
  readonly timeout: number;
}

export const requestCase: fc.Arbitrary<RequestCase> = fc.integer({ min: 10, max: 500 }).chain((timeout) =>
  fc.record({
    timeout: fc.constant(timeout),
    latencies: fc.array(
      fc.oneof(fc.integer({ min: 0, max: 2 * timeout }), fc.integer({ min: -4, max: 4 }).map((d) => Math.max(0, timeout + d))),
      { minLength: 1, maxLength: 5 },
    ),
  }),
);

/** A responder: answers `{:request, reply_to, n}` after the request's latency, through `reply_to`. */
function* responder(latencies: readonly number[]): Op<void> {
  for (;;) {
    const [, replyTo, n] = (yield* receive(match.tagged('request', 3))) as Tuple;
    yield* spawn(function* () {
      yield* sleep(latencies[n as number]!);
      yield* send(replyTo as Ref, t(replyTo!, t('result', n!)));
    });
  }
}

/** One request with `alias([:reply])`; on time-out: unalias, then flush a reply that raced it. */
function* request(backend: Pid, n: number, timeout: number): Op<Term> {
  const ref = yield* alias('reply');
  yield* send(backend, t('request', ref, n));
  const reply = match.where((m) => m instanceof Tuple && m.length === 2 && equals(m[0]!, ref), `{${ref}, _}`);
  const got = yield* receive(reply, { after: timeout });
  if (got !== TIMEOUT) return (got as Tuple)[1]!;
  yield* unalias(ref);
  yield* receive(reply, { after: 0 });
  return t('error', 'timeout');
}

export function requestProgram(c: RequestCase) {
  return function* (): Op<void> {
    const backend = yield* spawn(() => responder(c.latencies), { label: 'backend' });
    for (let n = 0; n < c.latencies.length; n++) yield* report('request.result', { n, result: yield* request(backend, n, c.timeout) });
    yield* sleep(3 * c.timeout + 100);
    yield* report('request.mailbox', { messages: ((yield* processInfo(yield* self(), 'messages')) ?? []) as Term[] });
  };
}

export function noStaleReplies(o: Outcome<RequestCase>): CheckResult {
  for (const e of o.run.trace) {
    if (e.k !== 'report') continue;
    const d = e.data as TermObject;
    if (e.name === 'request.result') {
      const r = d['result']!;
      if (!equals(r, t('error', 'timeout')) && !equals(r, t('result', d['n']!))) return fails(`request #${String(d['n'])} returned ${format(r)}: a reply to another request`);
    }
    if (e.name === 'request.mailbox') {
      const left = (d['messages'] as Term[]).length;
      if (left !== staleRepliesLeft('alias_then_flush', left, left)) return fails(`the requester ended with ${format(d['messages']!)} in its mailbox: stale replies`);
    }
  }
  return holds;
}

const commandsTarget: Target<AliasCommand[]> = {
  id: 'p16-process-alias:alias-commands',
  title: 'messages through aliases are queued or dropped exactly as the model of §1.6 says',
  claim: 'any messages sent to a deactivated alias are silently dropped',
  input: aliasCommands,
  program: aliasProgram,
  check: aliasesMatchModel,
};

const requestTarget: Target<RequestCase> = {
  id: 'p16-process-alias:request-unalias-flush',
  title: 'a requester that unaliases and flushes on time-out never keeps or mistakes a stale reply',
  claim: 'With aliases, you deactivate after timeout and the late reply harmlessly vanishes',
  input: requestCase,
  program: requestProgram,
  check: noStaleReplies,
};

export const properties: AnyTarget[] = [commandsTarget, requestTarget];
