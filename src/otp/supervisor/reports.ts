/**
 * Supervisor reports as trace events (supervision.md §12, rules 108-113).
 *
 * Each report carries what OTP hands to `logger`: the level, the `label`, the `report` keyword list
 * exactly as `?report_error` / `report_progress` build it, and the metadata `domain` (Elixir's
 * console drops `[:otp, :sasl]` reports unless `handle_sasl_reports` is set, rule 113). The event
 * name is `supervisor.<context>`.
 */
import { bin, t, type Term } from '../../term/Term.js';
import type { Op } from '../../kernel/effects.js';
import { extractChild, type Child } from '../childSpec.js';
import { logReport, type ReportName } from '../logger.js';

export type ErrorContext = 'child_terminated' | 'start_error' | 'shutdown' | 'shutdown_error';

/** The `?report_error` macro (rule 108) with a ready-made offender keyword list. */
export function* reportErrorWith(context: ErrorContext, reason: Term, offender: Term[], supName: Term): Op<void> {
  yield* logReport(`supervisor.${context}` as ReportName, {
    level: 'error',
    label: t('supervisor', context),
    report: [t('supervisor', supName), t('errorContext', context), t('reason', reason), t('offender', offender)],
    domain: ['otp', 'sasl'],
  });
}

/** `?report_error(Context, Reason, Child, SupName)` with `extract_child/1` (rule 109). */
export function reportError(context: ErrorContext, reason: Term, child: Child, supName: Term): Op<void> {
  return reportErrorWith(context, reason, extractChild(child), supName);
}

/** `report_progress/2,3` (rule 110): `info`, or `debug` for API starts in OTP 27+ (D6). */
export function* reportProgress(child: Child, supName: Term, level: 'info' | 'debug'): Op<void> {
  yield* logReport('supervisor.progress', {
    level,
    label: t('supervisor', 'progress'),
    report: [t('supervisor', supName), t('started', extractChild(child))],
    domain: ['otp', 'sasl'],
  });
}

/** `handle_info/2` catch-all (rule 85): "Supervisor received unexpected message: ~tp~n". */
export function* reportUnexpectedMessage(msg: Term): Op<void> {
  yield* logReport('supervisor.unexpected_message', {
    level: 'error',
    format: bin('Supervisor received unexpected message: ~tp~n'),
    args: [msg],
    domain: ['otp'],
  });
}
