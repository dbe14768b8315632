/**
 * A self-contained HTML report: no network, no scripts. It holds the verdict, the claim, the
 * generated input and shrunk schedule, the replay line, the sequence diagram drawn as inline SVG
 * (one `g.lifeline` per process, `data-pid` carrying its pid) and the full text trace.
 */
import type { TraceEvent } from '../scheduler/Trace.js';
import type { Json } from '../term/json.js';
import { buildDiagram, type Row } from './diagram.js';
import { renderText } from './text.js';

export interface HtmlReport {
  readonly title: string;
  readonly verdict: string;
  /** `failed` shows the verdict in red, `holds` in green, `info` neutral. */
  readonly status: 'failed' | 'holds' | 'info';
  readonly claim?: string;
  readonly input?: Json;
  readonly schedule?: string;
  readonly replayLine?: string;
  readonly fastCheck?: { seed: number; path: string };
  readonly trace: readonly TraceEvent[];
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const LANE = 170;
const LEFT = 30;
const HEADER = 56;
const ROW = 26;

function laneX(i: number): number {
  return LEFT + LANE / 2 + i * LANE;
}

function rowSvg(row: Row, y: number, lanes: number): string {
  if (row.kind === 'note') {
    if (row.over < 0) {
      const width = lanes * LANE - 20;
      return `<g class="row note clock"><rect x="${LEFT + 10}" y="${y - 9}" width="${width}" height="16" rx="3"/><text x="${LEFT + 10 + width / 2}" y="${y + 3}" text-anchor="middle">${xml(row.text)}</text></g>`;
    }
    const x = laneX(row.over);
    const label = clip(row.text, 26);
    return `<g class="row note ${row.style}"><title>${xml(row.text)}</title><rect x="${x - 78}" y="${y - 10}" width="156" height="18" rx="3"/><text x="${x}" y="${y + 3}" text-anchor="middle">${xml(label)}</text></g>`;
  }
  const x1 = laneX(row.from);
  const x2 = laneX(row.to);
  const label = clip(row.text, Math.max(18, Math.floor((Math.abs(x2 - x1) || LANE) / 6.2)));
  if (row.from === row.to) {
    return `<g class="row arrow ${row.style}"><title>${xml(row.text)}</title><path d="M${x1},${y - 6} h28 v12 h-26" marker-end="url(#head)"/><text x="${x1 + 32}" y="${y + 2}">${xml(label)}</text></g>`;
  }
  const mid = (x1 + x2) / 2;
  return `<g class="row arrow ${row.style}"><title>${xml(row.text)}</title><line x1="${x1}" y1="${y}" x2="${x2 + (x2 > x1 ? -4 : 4)}" y2="${y}" marker-end="url(#${row.style === 'drop' || row.style === 'signal' ? 'cross' : 'head'})"/><text x="${mid}" y="${y - 5}" text-anchor="middle">${xml(label)}</text></g>`;
}

/** The sequence diagram as an SVG element. */
export function renderSvg(trace: readonly TraceEvent[], maxRows = 1000): string {
  const d = buildDiagram(trace, maxRows);
  const lanes = Math.max(1, d.lifelines.length);
  const width = LEFT * 2 + lanes * LANE;
  const height = HEADER + (d.rows.length + 2) * ROW + 20;
  const parts: string[] = [];
  parts.push(
    `<svg class="sequence" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    '<defs><marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>' +
      '<marker id="cross" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="9" markerHeight="9"><path d="M1,1 L9,9 M9,1 L1,9" stroke-width="2"/></marker></defs>',
  );
  d.lifelines.forEach((l, i) => {
    const x = laneX(i);
    parts.push(
      `<g class="lifeline" data-pid="${xml(l.pid.toString())}"><line x1="${x}" y1="${HEADER - 6}" x2="${x}" y2="${height - 10}"/>` +
        `<rect x="${x - 75}" y="6" width="150" height="${HEADER - 16}" rx="4"/>` +
        `<text x="${x}" y="${l.subtitle ? 24 : 30}" text-anchor="middle" class="title">${xml(clip(l.title, 22))}</text>` +
        (l.subtitle ? `<text x="${x}" y="40" text-anchor="middle" class="pid">${xml(l.subtitle)}</text>` : '') +
        '</g>',
    );
  });
  d.rows.forEach((row, i) => parts.push(rowSvg(row, HEADER + (i + 1) * ROW, lanes)));
  if (d.omitted > 0) {
    parts.push(`<text x="${LEFT}" y="${height - 14}" class="omitted">… ${d.omitted} more events (see the text trace)</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1f2328; }
h1 { font-size: 20px; margin: 0 0 8px; }
.verdict { padding: 8px 12px; border-radius: 6px; margin: 8px 0 16px; font-weight: 600; }
.verdict.failed { background: #ffebe9; border: 1px solid #ff8182; }
.verdict.holds { background: #dafbe1; border: 1px solid #4ac26b; }
.verdict.info { background: #ddf4ff; border: 1px solid #54aeff; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dt { font-weight: 600; } dd { margin: 0; }
code, pre { font: 12px/1.4 ui-monospace, monospace; }
pre { background: #f6f8fa; padding: 12px; overflow: auto; border-radius: 6px; }
.diagram { overflow: auto; border: 1px solid #d0d7de; border-radius: 6px; margin: 16px 0; }
svg.sequence text { font: 11px ui-monospace, monospace; fill: #1f2328; }
svg.sequence .lifeline line { stroke: #8c959f; stroke-dasharray: 4 3; }
svg.sequence .lifeline rect { fill: #f6f8fa; stroke: #57606a; }
svg.sequence .lifeline .title { font-weight: 700; }
svg.sequence .lifeline .pid { fill: #57606a; }
svg.sequence .arrow line, svg.sequence .arrow path { stroke: #0969da; fill: none; stroke-width: 1.3; }
svg.sequence .arrow.signal line { stroke: #cf222e; stroke-dasharray: 5 3; }
svg.sequence .arrow.spawn line { stroke: #8250df; stroke-dasharray: 2 2; }
svg.sequence .arrow.drop line { stroke: #8c959f; stroke-dasharray: 1 3; }
svg.sequence marker path { fill: #0969da; stroke: #0969da; }
svg.sequence .note rect { fill: #fff8c5; stroke: #d4a72c; }
svg.sequence .note.exit rect { fill: #ffebe9; stroke: #cf222e; }
svg.sequence .note.exit_normal rect { fill: #f6f8fa; stroke: #8c959f; }
svg.sequence .note.clock rect { fill: #eaeef2; stroke: none; }
`;

/** The whole report as one HTML document. */
export function renderHtml(report: HtmlReport): string {
  const rows: string[] = [];
  if (report.claim) rows.push(`<dt>Claim</dt><dd>${xml(report.claim)}</dd>`);
  if (report.input !== undefined) rows.push(`<dt>Input</dt><dd><code>${xml(JSON.stringify(report.input))}</code></dd>`);
  if (report.schedule) rows.push(`<dt>Schedule</dt><dd><code>${xml(report.schedule)}</code></dd>`);
  if (report.replayLine) rows.push(`<dt>Reproduce</dt><dd><code class="replay">${xml(report.replayLine)}</code></dd>`);
  if (report.fastCheck) rows.push(`<dt>fast-check</dt><dd><code>{ seed: ${report.fastCheck.seed}, path: "${xml(report.fastCheck.path)}" }</code></dd>`);
  rows.push(`<dt>Trace</dt><dd>${report.trace.length} events, ${new Set(report.trace.map((e) => e.t)).size} distinct times</dd>`);
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>beamcheck: ${xml(report.title)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${xml(report.title)}</h1>`,
    `<div class="verdict ${report.status}">${xml(report.verdict)}</div>`,
    `<dl>${rows.join('')}</dl>`,
    `<div class="diagram">${renderSvg(report.trace)}</div>`,
    `<h2>Trace</h2><pre class="trace">${xml(renderText(report.trace))}</pre>`,
    '</body></html>',
  ].join('\n');
}
