/**
 * `beamcheck replay TOKEN|FILE [--format text|json|mermaid|html] [--out FILE]`: re-executes a run
 * from its token and prints its trace. The JSON format is the trace as JSON lines, byte-identical
 * across replays of the same token.
 */
import { replayToken } from '../../harness/replay.js';
import { renderHtml } from '../../report/html.js';
import { describeSchedule, replayCommand } from '../../report/failure.js';
import { renderMermaid } from '../../report/mermaid.js';
import { renderText } from '../../report/text.js';
import { TOKEN_PREFIX } from '../../scheduler/ReplayToken.js';
import { toJsonLines } from '../../scheduler/Trace.js';
import type { Catalog } from '../catalog.js';
import type { Io } from '../io.js';
import { UsageError } from '../UsageError.js';

export type ReplayFormat = 'text' | 'json' | 'mermaid' | 'html';
export const REPLAY_FORMATS: readonly ReplayFormat[] = ['text', 'json', 'mermaid', 'html'];

/** A token given directly, or read from a file (a token, or a `--json` report that contains one). */
export function readToken(arg: string, io: Io): string {
  if (arg.startsWith(TOKEN_PREFIX)) return arg;
  let text: string;
  try {
    text = io.readFile(arg);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new UsageError(
      code === 'ENOENT' ? `"${arg.slice(0, 60)}" is neither a replay token (bc1.…) nor a readable file` : `cannot read ${arg}: ${code ?? String(e)}`,
    );
  }
  const trimmed = text.trim();
  if (trimmed.startsWith(TOKEN_PREFIX)) return trimmed.split(/\s+/)[0]!;
  const match = /"token"\s*:\s*"(bc1\.[A-Za-z0-9_-]+)"/.exec(trimmed);
  if (match) return match[1]!;
  throw new UsageError(`${arg} contains no replay token (expected text starting with ${TOKEN_PREFIX})`);
}

export function replayCmd(catalog: Catalog, io: Io, arg: string, format: ReplayFormat, out: string | undefined): number {
  const token = readToken(arg, io);
  const replayed = replayToken(token, (id) => catalog.resolve(id));
  const { execution, record, target } = replayed;
  const run = execution.outcome.run;
  const verdict = execution.result.ok
    ? `${target.id}: the check holds on this run`
    : `${target.id}: ${execution.result.message}`;
  let text: string;
  switch (format) {
    case 'json':
      text = toJsonLines(run.trace);
      break;
    case 'mermaid':
      text = `${renderMermaid(run.trace)}\n`;
      break;
    case 'html':
      text = renderHtml({
        title: target.id,
        verdict: run.verdict.kind === 'replay-diverged' ? `replay diverged: ${run.verdict.detail}` : verdict,
        status: execution.result.ok ? 'holds' : 'failed',
        ...(target.claim ? { claim: target.claim } : {}),
        input: record.input,
        schedule: describeSchedule(run.choices),
        replayLine: replayCommand(token),
        trace: run.trace,
      });
      break;
    case 'text':
      text = [
        `${target.id}: ${target.title}`,
        `verdict: ${run.verdict.kind === 'replay-diverged' ? `replay diverged: ${run.verdict.detail}` : verdict.slice(target.id.length + 2)}`,
        `semantics ${record.semantics}; input ${JSON.stringify(record.input)}${replayed.mutation ? `; mutation ${replayed.mutation}` : ''}`,
        `schedule: ${describeSchedule(run.choices)}; ${run.steps} steps, ended ${run.verdict.kind} at ${run.time} ms`,
        '',
        renderText(run.trace),
        '',
      ].join('\n');
      break;
  }
  if (out) io.writeFile(out, text);
  else io.out(text);
  if (run.verdict.kind === 'replay-diverged') {
    io.err(`beamcheck: replay diverged: ${run.verdict.detail} (the target's code changed since the token was made)\n`);
    return 1;
  }
  return execution.result.ok ? 0 : 1;
}
