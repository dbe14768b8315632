/**
 * `Task.Supervised`: the process side of every task (a port of Elixir's `task/supervised.ex`,
 * without the stream part, which lives in ./taskStream.ts).
 *
 * A task is an ordinary process. Two bodies exist:
 * - `reply` (used by `Task.async` and `Task.Supervisor.async*`): waits for the work message
 *   `{owner_pid, ref, reply_to, callers, mfa}` from its owner, runs it, sends `{ref, result}` to
 *   `reply_to`. In `:monitor` mode (supervised tasks) it monitors the owner while waiting: owner
 *   death → exit `{:shutdown, owner_reason}`, no work in 5000 ms → exit `:timeout`
 *   (processes.md §5.6.3).
 * - `noreply` (used by `Task.start/start_link` and `Task.Supervisor.start_child`): runs the MFA and
 *   exits.
 *
 * Lineage differs per semantics profile (processes.md §2.3, §8): Elixir ≥ 1.15 (`current`) spawns
 * tasks with plain `spawn`/`spawn_link` and stores `$ancestors = [spawner_pid | its ancestors]`
 * (always pids); Elixir 1.14 (`otp25`) uses `proc_lib`, so the spawner's registered name is used
 * when it has one and `$initial_call` first reads `{Task.Supervised, :reply | :noreply, arity}`
 * until the work arrives.
 *
 * Failures (§5.1.3): anything but an exit with `:normal`, `:shutdown` or `{:shutdown, _}` is logged
 * as a `task.terminating` report, then the task exits with the reason of processes.md §1.2.1.
 */
import { get, exitSignal, makeRef, monitor, demonitor, processInfo, put, receive, self, semantics, send, spawn, spawnOpt, unlink, TIMEOUT } from '../kernel/api.js';
import type { Matcher, Op } from '../kernel/effects.js';
import { caught, exit, exitReasonOf, erlangError } from '../kernel/errors.js';
import { match } from '../kernel/match.js';
import { formatAtom } from '../term/format.js';
import { ErlModule, Pid, Tuple, atomName, isTagged, t, type Term, type TermFun } from '../term/Term.js';
import { apply, invoke } from './callbacks.js';
import { logReport } from './logger.js';
import { isMutant } from './mutations.js';
import { lineage } from './procLib.js';

/** Module atoms as they appear in terms (`{Task, :await, …}`, `$initial_call`, reports). */
export const TASK = 'Elixir.Task';
export const TASK_SUPERVISED = 'Elixir.Task.Supervised';
export const TASK_SUPERVISOR = 'Elixir.Task.Supervisor';

/** The node name of the (single) simulated node. */
export const NODE = 'nonode@nohost';

/** How long a `:monitor`-mode task waits for its work (`@ref_timeout`). */
export const REF_TIMEOUT = 5000;

/** `{module, function, args}`; a fun `f` is `{:erlang, :apply, [f, []]}`. */
export type Mfa = Tuple;

/** The task's work as Elixir builds it: `{:erlang, :apply, [fun, []]}` for a fun. */
export function funMfa(fun: TermFun): Mfa {
  return t('erlang', 'apply', [fun, []]);
}

/**
 * `:erlang.fun_info_mfa/1` for a JS function: `{module, name, arity}`. A JS function has no module;
 * beamcheck uses the atom `:js` unless the function carries a `module` property (an atom or
 * ErlModule), and the function's `name` (`:"-fun-"` for an anonymous one). Arity is 0 because
 * Elixir only asks this of zero-arity task and agent funs.
 */
export function funInfoMfa(fun: TermFun): Tuple {
  const mod = (fun as { module?: unknown }).module;
  const module = typeof mod === 'string' || mod instanceof ErlModule ? mod : 'js';
  return t(module, fun.name || '-fun-', 0);
}

// ------------------------------------------------------------------------------- caller side

/** `get_owner/1` (task.ex): `{node(), registered_name | pid, pid}`, computed in the caller. */
export function* getOwner(): Op<Tuple> {
  const me = yield* self();
  const name = yield* processInfo(me, 'registered_name');
  return t(NODE, typeof name === 'string' ? name : me, me);
}

/** `get_callers/1`: `[owner | $callers]`, computed in the caller (§2.3). */
export function* getCallers(): Op<Term[]> {
  const me = yield* self();
  const callers = yield* get('$callers');
  return Array.isArray(callers) && callers.length > 0 ? [me, ...callers] : [me];
}

/**
 * The `$ancestors` a new task will store, computed in the spawning process: `[self() | ancestors]`
 * in `current` (task_supervised.ex `get_ancestors/0`), proc_lib's `[name | ancestors]` in `otp25`.
 */
function* spawnerAncestors(profile: 'current' | 'otp25'): Op<Term[]> {
  if (profile === 'otp25') {
    const l = yield* lineage();
    return [l.parent, ...l.ancestors];
  }
  const me = yield* self();
  const ancestors = yield* get('$ancestors');
  return Array.isArray(ancestors) ? [me, ...ancestors] : [me];
}

type Body = 'reply' | 'noreply';

/** Spawns a task body (linked or not) with the lineage rules of the profile. */
function* spawnTask(link: boolean, body: Body, run: (ancestors: Term[], profile: 'current' | 'otp25') => Op<unknown>): Op<Pid> {
  const profile = yield* semantics();
  const ancestors = yield* spawnerAncestors(profile);
  const [pid] = yield* spawnOpt(
    function* () {
      if (profile === 'otp25') {
        // proc_lib:init_p/5 stores the lineage before running Task.Supervised.reply/2 | noreply/3.
        yield* put('$ancestors', ancestors);
        yield* put('$initial_call', t(TASK_SUPERVISED, body, body === 'reply' ? 2 : 3));
      }
      return yield* run(ancestors, profile);
    },
    { link, label: 'task' },
  );
  return pid;
}

/** `Task.Supervised.start_link(owner, :monitor | :nomonitor)` → `{:ok, pid}` (a `reply` task). */
export function* startLinkReply(owner: Tuple, mode: 'monitor' | 'nomonitor'): Op<Tuple> {
  const pid = yield* spawnTask(true, 'reply', (ancestors, profile) => replyMain(owner, ancestors, mode, profile));
  return t('ok', pid);
}

/** `Task.Supervised.start_link(owner, callers, mfa)` → `{:ok, pid}` (a linked `noreply` task). */
export function* startLinkNoreply(owner: Tuple, callers: Term[], mfa: Mfa): Op<Tuple> {
  const pid = yield* spawnTask(true, 'noreply', (ancestors, profile) => noreplyMain(owner, ancestors, callers, mfa, profile));
  return t('ok', pid);
}

/** `Task.Supervised.start(owner, callers, mfa)` → `{:ok, pid}` (not linked). */
export function* startNoreply(owner: Tuple, callers: Term[], mfa: Mfa): Op<Tuple> {
  const pid = yield* spawnTask(false, 'noreply', (ancestors, profile) => noreplyMain(owner, ancestors, callers, mfa, profile));
  return t('ok', pid);
}

/**
 * The `Task.Supervised` module as child specs name it (`{Task.Supervised, :start_link, args}`):
 * `start_link/2` starts a `reply` task, `start_link/3` a `noreply` task.
 */
export const TaskSupervisedModule = new ErlModule(TASK_SUPERVISED, {
  start_link: (...args: Term[]) =>
    args.length === 2
      ? startLinkReply(args[0] as Tuple, args[1] as 'monitor' | 'nomonitor')
      : startLinkNoreply(args[0] as Tuple, args[1] as Term[], args[2] as Mfa),
  start: (owner: Tuple, callers: Term[], mfa: Mfa) => startNoreply(owner, callers, mfa),
});

// ------------------------------------------------------------------------------- task side

/** The work message `{owner_pid, ref, reply_to, callers, mfa}` from `ownerPid`. */
function workFrom(ownerPid: Pid): Matcher<Tuple> {
  return Object.assign(
    (m: Term) => (m instanceof Tuple && m.length === 5 && m[0] instanceof Pid && m[0].id === ownerPid.id ? m : undefined),
    { description: `{${ownerPid}, ref, reply_to, callers, mfa}` },
  );
}

const NOTHING: Matcher<never> = Object.assign(() => undefined, { description: 'nothing' });

/** `Task.Supervised.reply/3`: wait for the work, run it, reply (§5.1.2, §5.6.3). */
function* replyMain(owner: Tuple, ancestors: Term[], mode: 'monitor' | 'nomonitor', profile: 'current' | 'otp25'): Op<void> {
  if (profile === 'current') yield* put('$ancestors', ancestors);
  const ownerPid = owner[2] as Pid;
  const mref = mode === 'monitor' ? yield* monitor(ownerPid) : null;
  const msg = yield* receive(match.oneOf<Tuple>(workFrom(ownerPid), mref ? match.down(mref) : NOTHING), {
    after: mref ? REF_TIMEOUT : 'infinity',
  });
  if (msg === TIMEOUT) return exit('timeout');
  if (msg.length === 5 && msg[0] === 'DOWN') return exit(t('shutdown', msg[4]!));
  const [, ref, replyTo, callers, mfa] = msg;
  yield* put('$initial_call', initialCall(mfa as Mfa));
  yield* storeCallers(callers!);
  if (mref) yield* demonitor(mref, { flush: true });
  const result = yield* invokeMfa(owner, mfa as Mfa);
  yield* send(replyTo!, t(ref!, result));
}

/** `Task.Supervised.noreply/4`: run the MFA; the result is discarded. */
function* noreplyMain(owner: Tuple, ancestors: Term[], callers: Term[], mfa: Mfa, profile: 'current' | 'otp25'): Op<void> {
  yield* put('$initial_call', initialCall(mfa));
  if (profile === 'current') yield* put('$ancestors', ancestors);
  yield* storeCallers(callers);
  yield* invokeMfa(owner, mfa);
}

/** The task stores `$callers` (task_supervised.ex; processes.md §2.3). */
function* storeCallers(callers: Term): Op<void> {
  // Mutation `callers-not-propagated`: the task never records its callers.
  if (yield* isMutant('callers-not-propagated')) return;
  yield* put('$callers', callers);
}

/** `get_initial_call/1`: `fun_info_mfa(fun)` for `{:erlang, :apply, [fun, []]}`, else `{m, f, arity}` (§2.3). */
export function initialCall(mfa: Mfa): Tuple {
  const [m, f, args] = mfa;
  if (m === 'erlang' && f === 'apply' && Array.isArray(args) && typeof args[0] === 'function' && Array.isArray(args[1]) && args[1].length === 0) {
    return funInfoMfa(args[0] as TermFun);
  }
  return t(m!, f!, Array.isArray(args) ? args.length : 0);
}

/** `apply(m, f, args)`, with `:erlang.apply(fun, args)` for funs. */
export function* applyMfa(mfa: Mfa): Op<Term> {
  const [m, f, args] = mfa;
  if (m === 'erlang' && f === 'apply') {
    const [fun, funArgs] = args as [Term, Term[]];
    if (typeof fun !== 'function') return erlangError(t('badfun', fun));
    return yield* invoke<Term>(fun, funArgs);
  }
  return yield* apply(m!, f!, args as Term[]);
}

const isQuietExit = (r: Term): boolean => r === 'normal' || r === 'shutdown' || isTagged(r, 'shutdown', 2);

/** `invoke_mfa/2`: run the work; log failures other than quiet exits, then exit (§5.1.3). */
function* invokeMfa(owner: Tuple, mfa: Mfa): Op<Term> {
  try {
    return yield* applyMfa(mfa);
  } catch (e) {
    const c = caught(e);
    if (c.kind === 'exit' && isQuietExit(c.reason)) throw e;
    const [fun, args] = running(mfa);
    const logged = c.kind === 'exit' ? c.reason : c.kind === 'throw' ? t('nocatch', c.value) : c.error;
    const report: Record<string, Term> = { name: yield* self(), starter: owner[1]!, function: fun, args, reason: t(logged, []) };
    if ((yield* semantics()) === 'current') report['process_label'] = 'undefined';
    yield* logReport('task.terminating', {
      label: t(TASK_SUPERVISOR, 'terminating'),
      report,
      metadata: { callers: (yield* get('$callers')) ?? 'nil' },
    });
    return exit(exitReasonOf(e));
  }
}

/** `get_running/1`: `{fun, []}` for a fun, else `{&m.f/arity, args}`. */
function running(mfa: Mfa): [Term, Term[]] {
  const [m, f, args] = mfa;
  const list = Array.isArray(args) ? (args as Term[]) : [];
  if (m === 'erlang' && f === 'apply' && typeof list[0] === 'function' && Array.isArray(list[1]) && list[1].length === 0) {
    return [list[0], []];
  }
  const name = `&${formatAtom(atomName(m) ?? String(m))}.${String(f)}/${list.length}`;
  const capture = { [name]: (...xs: Term[]) => apply(m!, f!, xs) }[name]!;
  return [capture, list];
}

/**
 * Unlinks from `pid` and sends it the exit signal `reason`, with an enforcer process that sends it
 * again should the caller die between the `unlink` and the signal (else `pid` would outlive it,
 * unlinked). Both places Elixir does this share it: `Task.shutdown/2`'s `shutdown_send/2`
 * (`:shutdown` or `:kill`) and the stream's `unlink_and_kill/1`. `label` names the enforcer in the
 * trace.
 */
export function* unlinkAndExit(pid: Pid, reason: 'kill' | 'shutdown', label: string): Op<void> {
  const caller = yield* self();
  const ref = yield* makeRef();
  const enforcer = yield* spawn(
    function* () {
      const mon = yield* monitor(caller);
      const m = yield* receive(match.oneOf<Tuple>(match.eq(t('done', ref)) as Matcher<Tuple>, match.down(mon)));
      if (m[0] === 'DOWN') yield* exitSignal(pid, reason);
    },
    { label },
  );
  yield* unlink(pid);
  yield* exitSignal(pid, reason);
  yield* send(enforcer, t('done', ref));
}
