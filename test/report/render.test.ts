/**
 * The renderers of a trace (src/report): the text trace (one line per event, every event kind),
 * the sequence-diagram model, Mermaid and SVG output, the HTML page and the schedule summary of a
 * failure report. Built from one hand-written trace holding every kind of event, so each line
 * below is the documented rendering of one event.
 */
import { describe, expect, it } from 'vitest';
import { buildDiagram } from '../../src/report/diagram.js';
import { describeSchedule, replayCommand } from '../../src/report/failure.js';
import { renderHtml, renderSvg } from '../../src/report/html.js';
import { renderMermaid } from '../../src/report/mermaid.js';
import { renderText } from '../../src/report/text.js';
import { ChoiceLog } from '../../src/scheduler/ChoiceSource.js';
import type { TraceEvent } from '../../src/scheduler/Trace.js';
import { Pid, Ref, bin, t } from '../../src/term/Term.js';
import { makeRef, receive, run, self, send, spawn, unalias, alias as makeAlias, type Op } from '../../src/index.js';

const main = new Pid(0);
const sup = new Pid(1);
const worker = new Pid(2);
const ghost = new Pid(3);
const ref = new Ref(7);

/** Every kind of trace event once (spawn, signal and exit twice, to show their variants). */
const TRACE: TraceEvent[] = [
  { k: 'spawn', t: 0, pid: main, parent: null, link: false, monitor: false },
  { k: 'label', t: 0, pid: main, label: 'main' },
  { k: 'spawn', t: 0, pid: sup, parent: main, link: true, monitor: false },
  { k: 'label', t: 0, pid: sup, label: 'sup' },
  { k: 'spawn', t: 0, pid: worker, parent: sup, link: false, monitor: true },
  { k: 'label', t: 0, pid: worker, label: 'child_a' },
  { k: 'register', t: 0, pid: worker, name: 'worker' },
  { k: 'spawn', t: 0, pid: ghost, parent: main, link: false, monitor: false },
  { k: 'send', t: 0, from: main, to: worker, msg: t('ping', bin('<a & "b">')) },
  { k: 'send', t: 0, from: main, to: worker, msg: 'hi', via: ref },
  { k: 'deliver', t: 0, from: main, to: worker, msg: 'hi' },
  { k: 'receive', t: 0, pid: worker, msg: 'hi' },
  { k: 'send', t: 0, from: worker, to: worker, msg: 'self' },
  { k: 'drop', t: 0, from: worker, to: ghost, what: 'late', why: 'alias_inactive' },
  { k: 'timeout', t: 5, pid: main, after: 5 },
  { k: 'clock', t: 5 },
  { k: 'clock', t: 10 },
  { k: 'signal', t: 10, kind: 'exit', from: sup, to: worker, reason: 'shutdown' },
  { k: 'signal', t: 10, kind: 'down', from: worker, to: main, reason: 'killed', ref },
  { k: 'signal', t: 10, kind: 'link', from: ghost, to: sup },
  { k: 'killed_by', t: 10, pid: worker, from: sup, reason: 'kill' },
  { k: 'exit', t: 10, pid: worker, reason: 'killed' },
  { k: 'exit', t: 10, pid: ghost, reason: 'normal' },
  { k: 'link', t: 10, pid: main, other: sup },
  { k: 'unlink', t: 10, pid: main, other: sup },
  { k: 'monitor', t: 10, pid: main, target: 'worker', ref },
  { k: 'demonitor', t: 10, pid: main, ref },
  { k: 'unregister', t: 10, pid: worker, name: 'worker' },
  { k: 'trap_exit', t: 10, pid: main, value: true },
  { k: 'timer_start', t: 10, pid: main, ref, ms: 100, msg: 'tick' },
  { k: 'timer_fire', t: 110, pid: main, ref, msg: 'tick' },
  { k: 'timer_cancel', t: 110, pid: main, ref },
  { k: 'choose', t: 110, pid: main, n: 3, value: 1 },
  { k: 'report', t: 110, pid: sup, name: 'supervisor.restart', data: { id: 'child_a' } },
  { k: 'ets', t: 110, pid: main, fn: 'lookup', table: 'tab' },
];

const TEXT = [
  '      0 ms  runtime spawns main<0.0.0>',
  '      0 ms  main<0.0.0> is main',
  '      0 ms  main<0.0.0> spawns sup<0.1.0> (linked)',
  '      0 ms  sup<0.1.0> is sup',
  '      0 ms  sup<0.1.0> spawns worker<0.2.0> (monitored)',
  '      0 ms  worker<0.2.0> is child_a',
  '      0 ms  worker<0.2.0> registers as worker',
  '      0 ms  main<0.0.0> spawns <0.3.0>',
  '      0 ms  main<0.0.0> → worker<0.2.0>: {:ping, "<a & \\"b\\">"}',
  '      0 ms  main<0.0.0> → worker<0.2.0> via alias #Ref<0.7>: :hi',
  '      0 ms  worker<0.2.0> ← main<0.0.0>: :hi (queued)',
  '      0 ms  worker<0.2.0> receives :hi',
  '      0 ms  worker<0.2.0> → worker<0.2.0>: :self',
  '      0 ms  <0.3.0> drops :late from worker<0.2.0> (alias inactive)',
  '      5 ms  main<0.0.0> receive timed out (after 5 ms)',
  '      5 ms  ── clock 5 ms ──',
  '     10 ms  ── clock 10 ms ──',
  '     10 ms  sup<0.1.0> ⇒ worker<0.2.0>: exit signal :shutdown',
  '     10 ms  worker<0.2.0> ⇒ main<0.0.0>: DOWN :killed',
  '     10 ms  <0.3.0> ⇒ sup<0.1.0>: link signal',
  '     10 ms  worker<0.2.0> is killed by the exit signal from sup<0.1.0>: :kill',
  '     10 ms  worker<0.2.0> exits: :killed',
  '     10 ms  <0.3.0> exits: :normal',
  '     10 ms  main<0.0.0> links to sup<0.1.0>',
  '     10 ms  main<0.0.0> unlinks from sup<0.1.0>',
  '     10 ms  main<0.0.0> monitors :worker (#Ref<0.7>)',
  '     10 ms  main<0.0.0> demonitors #Ref<0.7>',
  '     10 ms  worker<0.2.0> unregisters worker',
  '     10 ms  main<0.0.0> trap_exit = true',
  '     10 ms  main<0.0.0> starts timer #Ref<0.7> (100 ms): :tick',
  '    110 ms  timer #Ref<0.7> fires for main<0.0.0>: :tick',
  '    110 ms  main<0.0.0> cancels timer #Ref<0.7>',
  '    110 ms  main<0.0.0> draws 1 of 3',
  '    110 ms  sup<0.1.0> reports supervisor.restart: %{id: :child_a}',
  '    110 ms  main<0.0.0> ets:lookup(:tab)',
];

describe('text trace', () => {
  it('renders every event kind on one line, pids named by registered name, else label', () => {
    expect(TRACE).toHaveLength(TEXT.length);
    expect(renderText(TRACE).split('\n')).toEqual(TEXT);
  });

  it('renders a range of events, clamped to the trace', () => {
    expect(renderText(TRACE, { from: 30, to: 32 }).split('\n')).toEqual(TEXT.slice(30, 32));
    expect(renderText(TRACE, { from: -5, to: 2 }).split('\n')).toEqual(TEXT.slice(0, 2));
    expect(renderText(TRACE, { from: 33, to: 1000 }).split('\n')).toEqual(TEXT.slice(33));
    expect(renderText(TRACE, { from: 40 })).toBe('');
  });
});

describe('sequence diagram', () => {
  it('has one lifeline per process in order of appearance, titled by name with the pid beneath', () => {
    const d = buildDiagram(TRACE);
    expect(d.lifelines.map((l) => [l.title, l.subtitle])).toEqual([
      ['main', '<0.0.0>'],
      ['sup', '<0.1.0>'],
      ['worker', '<0.2.0>'],
      ['<0.3.0>', ''],
    ]);
  });

  it('draws spawns, messages, drops, exit and DOWN signals as arrows and the rest as notes; clock jumps merge', () => {
    const d = buildDiagram(TRACE);
    const rows = d.rows.map((r) => (r.kind === 'arrow' ? `${r.from}->${r.to} ${r.style}: ${r.text}` : `note ${r.over} ${r.style}: ${r.text}`));
    expect(rows).toEqual([
      '0->1 spawn: spawn_link',
      '1->2 spawn: spawn_monitor',
      '0->3 spawn: spawn',
      '0->2 message: {:ping, "<a & \\"b\\">"}',
      '0->2 message: :hi',
      '2->2 message: :self',
      '2->3 drop: dropped (alias inactive): :late',
      'note 0 timer: after 5 ms',
      'note -1 clock: 10 ms',
      '1->2 signal: exit :shutdown',
      '2->0 signal: DOWN :killed',
      'note 2 exit: exits :killed',
      'note 3 exit_normal: exits :normal',
      'note 0 timer: timer :tick',
      'note 1 report: supervisor.restart',
    ]);
    expect(d.omitted).toBe(0);
  });

  it('keeps at most maxRows rows and counts the events left out (before clock notes merge)', () => {
    const d = buildDiagram(TRACE, 4);
    expect(d.rows).toHaveLength(4);
    expect(d.omitted).toBe(12);
  });
});

describe('Mermaid', () => {
  it('writes participants, arrows by style and notes, escaping the characters Mermaid reserves', () => {
    expect(renderMermaid(TRACE).split('\n')).toEqual([
      'sequenceDiagram',
      '  participant P0 as main 0.0.0',
      '  participant P1 as sup 0.1.0',
      '  participant P2 as worker 0.2.0',
      '  participant P3 as 0.3.0',
      '  P0-->>P1: spawn_link',
      '  P1-->>P2: spawn_monitor',
      '  P0-->>P3: spawn',
      '  P0->>P2: {:ping, "#60;a & \\"b\\"#62;"}',
      '  P0->>P2: :hi',
      '  P2->>P2: :self',
      '  P2-xP3: dropped (alias inactive): :late',
      '  Note over P0: after 5 ms',
      '  Note over P0,P3: 10 ms',
      '  P1--xP2: exit :shutdown',
      '  P2--xP0: DOWN :killed',
      '  Note over P2: exits :killed',
      '  Note over P3: exits :normal',
      '  Note over P0: timer :tick',
      '  Note over P1: supervisor.restart',
    ]);
  });

  it('says how many events were left out', () => {
    const lines = renderMermaid(TRACE, 3).split('\n');
    expect(lines.at(-1)).toBe('  Note over P0,P3: … 13 more events');
    expect(lines.filter((l) => /^ {2}P\d/.test(l))).toHaveLength(3);
  });

  it('escapes # and ; once each, and turns newlines into spaces', () => {
    const trace: TraceEvent[] = [
      { k: 'spawn', t: 0, pid: main, parent: null, link: false, monitor: false },
      { k: 'send', t: 0, from: main, to: main, msg: bin('a#b;c\nd') },
    ];
    expect(renderMermaid(trace).split('\n').at(-1)).toBe('  P0->>P0: "a#35;b#59;c\\nd"');
    expect(renderMermaid([{ k: 'clock', t: 3 }])).toBe('sequenceDiagram\n  Note over P0,P0: 3 ms');
  });
});

describe('SVG and HTML', () => {
  it('draws one lifeline per process with its pid, self-sends as loops, signals and drops with a cross', () => {
    const svg = renderSvg(TRACE);
    expect([...svg.matchAll(/<g class="lifeline" data-pid="([^"]+)"/g)].map((m) => m[1])).toEqual(['&lt;0.0.0&gt;', '&lt;0.1.0&gt;', '&lt;0.2.0&gt;', '&lt;0.3.0&gt;']);
    expect(svg).toContain('<g class="row arrow message"><title>:self</title><path d="M455,206 h28 v12 h-26"');
    expect(svg.match(/marker-end="url\(#cross\)"/g)).toHaveLength(3);
    expect(svg).toContain('<g class="row note clock"><rect x="40" y="281" width="660" height="16" rx="3"/><text x="370" y="293" text-anchor="middle">10 ms</text></g>');
    // Text is XML-escaped; a long label is clipped with an ellipsis, the full text kept in <title>.
    expect(svg).toContain('{:ping, &quot;&lt;a &amp; \\&quot;b\\&quot;&gt;&quot;}');
    expect(svg).toContain('<title>dropped (alias inactive): :late</title>');
    expect(svg).toContain('>dropped (alias inactive): …</text>');
    expect(svg).not.toContain('more events');
  });

  it('notes the rows left out, and draws one lane for an empty trace', () => {
    expect(renderSvg(TRACE, 2)).toContain('… 14 more events (see the text trace)</text>');
    const empty = renderSvg([]);
    expect(empty).toMatch(/^<svg class="sequence" width="230" height="128"/);
    expect(empty).not.toContain('lifeline');
  });

  it('the page holds only the sections it was given, escaped', () => {
    const minimal = renderHtml({ title: 'a<b', verdict: 'holds & more', status: 'holds', trace: [] });
    expect(minimal).toContain('<title>beamcheck: a&lt;b</title>');
    expect(minimal).toContain('<div class="verdict holds">holds &amp; more</div>');
    expect(minimal).toContain('<dl><dt>Trace</dt><dd>0 events, 0 distinct times</dd></dl>');
    expect(minimal).not.toMatch(/<dt>(Claim|Input|Schedule|Reproduce|fast-check)<\/dt>/);

    const full = renderHtml({
      title: 't',
      verdict: 'v',
      status: 'failed',
      claim: 'x "y"',
      input: { n: 1 },
      schedule: 's',
      replayLine: replayCommand('bc1.abc'),
      fastCheck: { seed: 7, path: '0:1' },
      trace: TRACE,
    });
    expect(full).toContain('<dt>Claim</dt><dd>x &quot;y&quot;</dd>');
    expect(full).toContain('<dt>Input</dt><dd><code>{&quot;n&quot;:1}</code></dd>');
    expect(full).toContain('<dt>Reproduce</dt><dd><code class="replay">npx beamcheck replay bc1.abc</code></dd>');
    expect(full).toContain('<dt>fast-check</dt><dd><code>{ seed: 7, path: "0:1" }</code></dd>');
    expect(full).toContain(`<dt>Trace</dt><dd>${TRACE.length} events, 4 distinct times</dd>`);
    expect(full).toContain('<pre class="trace">      0 ms  runtime spawns main&lt;0.0.0&gt;');
  });
});

describe('schedule summary', () => {
  it.each<[string, number[], number | undefined, string]>([
    ['no decisions', [], undefined, '0 decisions, 0 away from FIFO (the FIFO schedule)'],
    ['one FIFO decision', [2, 0], undefined, '1 decision, 0 away from FIFO (the FIFO schedule)'],
    ['decisions away from FIFO', [2, 1, 3, 0, 3, 2], undefined, '3 decisions, 2 away from FIFO: #1 took 1 of 2, #3 took 2 of 3'],
    ['more than the limit', [2, 1, 2, 1, 2, 1, 2, 0], 2, '4 decisions, 3 away from FIFO: #1 took 1 of 2, #2 took 1 of 2, … 1 more'],
  ])('%s', (_what, flat, limit, expected) => {
    expect(describeSchedule(ChoiceLog.fromFlat(flat), limit)).toBe(expected);
  });
});

describe('drops through aliases', () => {
  // A message to an inactive alias is lost at once; the trace names the alias's owner (an alias
  // reference names its process on the BEAM), and says so when the reference never was an alias.
  it('name the owner of an inactive alias, and nobody for a reference that never was one', () => {
    const r = run(function* (): Op<void> {
      const me = yield* self();
      const a = yield* makeAlias();
      yield* unalias(a);
      const plain = yield* makeRef();
      yield* spawn(function* () {
        yield* send(a, 'late');
        yield* send(plain, 'lost');
        yield* send(me, 'done');
      }, { label: 'sender' });
      yield* receive();
    }, { seed: 1 });
    const drops = r.trace.filter((e) => e.k === 'drop');
    expect(drops.map((e) => (e.k === 'drop' ? [e.to?.id ?? null, e.via instanceof Ref] : []))).toEqual([[0, true], [null, true]]);
    const lines = renderText(r.trace).split('\n').filter((l) => / drops |dropped/.test(l)).map((l) => l.replace(/#Ref<0\.\d+>/g, 'REF'));
    expect(lines).toEqual([
      '      0 ms  main<0.0.0> drops :late from sender<0.1.0> via alias REF (alias inactive)',
      '      0 ms  :lost from sender<0.1.0> via alias REF is dropped: no process has that alias',
    ]);
    const arrows = buildDiagram(r.trace).rows.filter((row) => row.kind === 'arrow' && row.style === 'drop');
    expect(arrows.map((row) => (row.kind === 'arrow' ? [row.from, row.to] : []))).toEqual([[1, 0], [1, 1]]);
  });
});
