/**
 * Mermaid `sequenceDiagram` (renders natively in GitHub issues and pull requests): one participant
 * per process, messages as solid arrows, exit/DOWN signals as dashed crossed arrows, spawns as
 * dashed arrows, exits, timers, clock jumps and supervisor reports as notes.
 */
import type { TraceEvent } from '../scheduler/Trace.js';
import { buildDiagram } from './diagram.js';

/** Mermaid message text: entity codes for the characters its grammar reserves. */
const ENTITIES: Record<string, string> = { '#': '#35;', ';': '#59;', '<': '#60;', '>': '#62;', '\n': ' ' };

function escape(text: string): string {
  // One pass, so the `;` of an entity just written is not escaped again.
  return text.replace(/[#;<>\n]/g, (c) => ENTITIES[c]!);
}

export function renderMermaid(trace: readonly TraceEvent[], maxRows = 200): string {
  const d = buildDiagram(trace, maxRows);
  const lines = ['sequenceDiagram'];
  d.lifelines.forEach((l, i) => {
    const alias = l.subtitle ? `${l.title} ${l.subtitle.slice(1, -1)}` : l.title.slice(1, -1);
    lines.push(`  participant P${i} as ${escape(alias)}`);
  });
  const last = Math.max(0, d.lifelines.length - 1);
  for (const row of d.rows) {
    if (row.kind === 'arrow') {
      const arrow = row.style === 'message' ? '->>' : row.style === 'signal' ? '--x' : row.style === 'drop' ? '-x' : '-->>';
      lines.push(`  P${row.from}${arrow}P${row.to}: ${escape(row.text)}`);
    } else if (row.over < 0) {
      lines.push(`  Note over P0,P${last}: ${escape(row.text)}`);
    } else {
      lines.push(`  Note over P${row.over}: ${escape(row.text)}`);
    }
  }
  if (d.omitted > 0) lines.push(`  Note over P0,P${last}: … ${d.omitted} more events`);
  return lines.join('\n');
}
