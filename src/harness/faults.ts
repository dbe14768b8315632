/**
 * Fault plans and the process that injects them.
 *
 * A fault plan is JSON (it travels inside replay tokens): a list of faults, each at a virtual time.
 * The injector is an ordinary process: it sleeps until each fault's time, finds the target child's
 * *current* pid through `which_children`, and acts. A fault whose target is not running at that
 * moment is skipped and recorded as such, so shrinking can remove faults freely.
 */
import { exitSignal, now, report, send, sleep, spawn } from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import { ExitException } from '../kernel/errors.js';
import { Pid, Tuple, t, type Term } from '../term/Term.js';
import * as GenServer from '../otp/GenServer.js';
import * as Supervisor from '../otp/Supervisor.js';

/** An exit reason in a plan: atoms, `{:shutdown, x}`, or `raise` (a RuntimeError). */
export type ReasonSpec = 'normal' | 'shutdown' | 'kill' | 'boom' | 'raise' | { shutdown: string };

export type Fault =
  /** The child exits with `reason` from inside (a crash in its own code). */
  | { at: number; kind: 'crash'; child: string; reason: ReasonSpec }
  /** `Process.exit(pid, :kill)` from outside. */
  | { at: number; kind: 'kill'; child: string }
  /** `Process.exit(pid, reason)` from outside. */
  | { at: number; kind: 'signal'; child: string; reason: ReasonSpec }
  /** `Supervisor.terminate_child/2` and `restart_child/2` through the API. */
  | { at: number; kind: 'terminate_child'; child: string }
  | { at: number; kind: 'restart_child'; child: string }
  /** A `GenServer.call` whose callback takes `sleepMs`, with the caller's `timeout`. */
  | { at: number; kind: 'slow_call'; child: string; sleepMs: number; timeout: number }
  /** `Supervisor.stop(sup, :shutdown)`. */
  | { at: number; kind: 'stop_supervisor' };

export type FaultPlan = readonly Fault[];

/** The exit-reason term of a reason spec. */
export function reasonTerm(r: ReasonSpec): Term {
  return typeof r === 'object' ? t('shutdown', r.shutdown) : r;
}

/** The current pid of child `id` of `sup`, or undefined if it is not running. */
export function* childPid(sup: Term, id: string): Op<Pid | undefined> {
  const children = yield* Supervisor.whichChildren(sup);
  for (const c of children) {
    if (c instanceof Tuple && c[0] === id && c[1] instanceof Pid) return c[1];
  }
  return undefined;
}

function* injectOne(sup: Term, fault: Fault): Op<void> {
  if (fault.kind === 'stop_supervisor') {
    yield* report('fault.inject', { kind: 'stop_supervisor', at: fault.at });
    yield* Supervisor.stop(sup, 'shutdown');
    return;
  }
  if (fault.kind === 'terminate_child' || fault.kind === 'restart_child') {
    const fn = fault.kind === 'terminate_child' ? Supervisor.terminateChild : Supervisor.restartChild;
    const result = yield* fn(sup, fault.child);
    yield* report('fault.inject', { kind: fault.kind, child: fault.child, at: fault.at, result });
    return;
  }
  const pid = yield* childPid(sup, fault.child);
  if (!pid) {
    yield* report('fault.skipped', { kind: fault.kind, child: fault.child, at: fault.at });
    return;
  }
  yield* report('fault.inject', { kind: fault.kind, child: fault.child, at: fault.at, pid });
  switch (fault.kind) {
    case 'crash':
      yield* send(pid, t('crash', reasonTerm(fault.reason)));
      return;
    case 'kill':
      yield* exitSignal(pid, 'kill');
      return;
    case 'signal':
      yield* exitSignal(pid, reasonTerm(fault.reason));
      return;
    case 'slow_call':
      // The caller is a process of its own, so that the plan goes on while the call hangs.
      yield* spawn(function* () {
        try {
          yield* GenServer.call(pid, t('sleep', fault.sleepMs), fault.timeout);
          yield* report('fault.call_returned', { child: fault.child, at: fault.at });
        } catch (e) {
          if (!(e instanceof ExitException)) throw e;
          yield* report('fault.call_exited', { child: fault.child, at: fault.at, reason: e.reason });
        }
      }, { label: `caller:${fault.child}` });
      return;
  }
}

/**
 * The injector's body: performs `plan` against supervisor `sup`, in time order. Stops at the first
 * fault that finds the supervisor gone.
 */
export function* injectFaults(sup: Term, plan: FaultPlan): Op<void> {
  const ordered = [...plan].sort((a, b) => a.at - b.at);
  for (const fault of ordered) {
    const wait = fault.at - (yield* now());
    if (wait > 0) yield* sleep(wait);
    try {
      yield* injectOne(sup, fault);
    } catch (e) {
      if (!(e instanceof ExitException)) throw e;
      yield* report('fault.supervisor_gone', { at: fault.at, reason: e.reason });
      return;
    }
  }
}
