/**
 * Starting children, ported from supervisor.erl's `do_start_child_i/3`, `do_start_child/3` and
 * `start_children/2` (supervision.md §3, rules 29-33).
 *
 * The start function runs **inside the supervisor process** (so `GenServer.startLink` links the
 * child to the supervisor), and `catch apply(M, F, A)` classifies its outcome (rule 30): a raise
 * becomes `{:EXIT, {exception, []}}`, an exit `{:EXIT, r}`, and a thrown value is classified like a
 * return value.
 */
import { isMutant } from '../mutations.js';
import { semantics } from '../../kernel/api.js';
import type { Op } from '../../kernel/effects.js';
import { caught } from '../../kernel/errors.js';
import { Pid, Tuple, isTagged, t, type Term } from '../../term/Term.js';
import { apply } from '../callbacks.js';
import { isTemporary, type Child } from '../childSpec.js';
import { childrenMap, type Children, type MapResult } from './children.js';
import { reportError, reportProgress } from './reports.js';

/** `{:ok, pid}`, `{:ok, pid, info}`, `{:ok, :undefined}` (ignore) or `{:error, reason}`. */
export type StartReply = Tuple;

/** `do_start_child_i/3` (rule 30). */
export function* doStartChildI(m: Term, f: Term, args: Term): Op<StartReply> {
  let value: Term;
  try {
    if (!Array.isArray(args) || args instanceof Tuple) return t('error', t('EXIT', t('badarg', [])));
    value = yield* apply(m, f, args);
  } catch (e) {
    const c = caught(e);
    value = c.kind === 'throw' ? c.value : c.kind === 'exit' ? t('EXIT', c.reason) : t('EXIT', t(c.error, []));
  }
  return classifyStart(value);
}

/** The `case catch apply(M, F, A) of …` table. */
export function classifyStart(value: Term): StartReply {
  if ((isTagged(value, 'ok', 2) || isTagged(value, 'ok', 3)) && value[1] instanceof Pid) return value;
  if (value === 'ignore') return t('ok', 'undefined');
  if (isTagged(value, 'error', 2)) return value;
  return t('error', value);
}

export const isStarted = (r: StartReply): boolean => r[0] === 'ok';

/** How a successful start is reported: `info`, or `debug` for the API in OTP 27+ (rule 110, D6). */
export type ProgressLevel = 'info' | 'api';

/** `do_start_child/3`: starts and writes a progress report on success (rule 31). */
export function* doStartChild(supName: Term, child: Child, level: ProgressLevel): Op<StartReply> {
  const [m, f, args] = child.mfargs as Term[];
  const r = yield* doStartChildI(m!, f!, args!);
  if (r[0] === 'ok' && r[1] instanceof Pid) {
    const debug = level === 'api' && (yield* semantics()) === 'current';
    yield* reportProgress({ ...child, pid: r[1] }, supName, debug ? 'debug' : 'info');
  }
  return r;
}

/**
 * `start_children/2`: strictly in list order, one at a time (rule 29); a temporary child that
 * returns `:ignore` is dropped (rule 32); the first failure writes `start_error` and aborts with
 * `{:failed_to_start_child, id, reason}` (rule 33). The ids come back in termination order.
 */
export function startChildren(children: Children, supName: Term): Op<MapResult> {
  return childrenMap(children, function* (id, child) {
    const r0 = yield* doStartChild(supName, child, 'info');
    const r = r0[0] === 'ok' && r0[1] === 'undefined' && (yield* isMutant('ignore-is-failure')) ? t('error', 'ignore') : r0;
    if (r[0] === 'ok' && r[1] === 'undefined' && isTemporary(child)) return 'remove';
    if (r[0] === 'ok') return { update: { ...child, pid: r[1]! } };
    yield* reportError('start_error', r[1]!, child, supName);
    return { abort: t('failed_to_start_child', id, r[1]!) };
  });
}
