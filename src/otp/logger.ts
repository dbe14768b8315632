/**
 * Logger and SASL reports as trace events. OTP writes supervisor reports, crash reports and
 * "unexpected message" warnings through `logger`; here each becomes a `report` event in the trace
 * (name + data term), where properties and the text/Mermaid/HTML renderers can see them.
 */
import { report } from '../kernel/api.js';
import type { Op } from '../kernel/effects.js';
import type { Term, TermObject } from '../term/Term.js';

export type ReportName =
  | 'supervisor.progress'
  | 'supervisor.child_terminated'
  | 'supervisor.start_error'
  | 'supervisor.shutdown'
  | 'supervisor.shutdown_error'
  | 'supervisor.unexpected_message'
  | 'gen_server.terminating'
  | 'gen_server.unexpected_info'
  | 'task.terminating'
  | 'dynamic_supervisor.unexpected_message'
  | 'user';

export function* logReport(name: ReportName, data: TermObject | Term): Op<void> {
  yield* report(name, data);
}
