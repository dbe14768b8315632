/** JUnit XML for CI dashboards: one testcase per target, a failure element for unmet expectations. */
import type { Semantics } from '../kernel/Runtime.js';
import type { TargetVerdict } from './commands/check.js';

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function junitXml(verdicts: readonly TargetVerdict[], semantics: Semantics): string {
  const failures = verdicts.filter((v) => !v.ok).length;
  const skipped = verdicts.filter((v) => v.outcome === 'skipped').length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = verdicts.reduce((s, v) => s + v.ms, 0);
  const cases = verdicts.map((v) => {
    const [suite] = v.id.split(/[:/]/);
    const open = `    <testcase classname="beamcheck.${xml(suite!)}" name="${xml(v.id)}" time="${seconds(v.ms)}">`;
    if (v.outcome === 'skipped') return `${open}<skipped message="not applicable to ${semantics}"/></testcase>`;
    if (v.ok) return `${open}</testcase>`;
    const f = v.report?.failure;
    const message = v.outcome === 'holds' ? `expected a counterexample, none in ${v.runs} schedules` : (f?.message ?? 'failed');
    const body = f ? `input: ${JSON.stringify(f.input)}\nreplay: npx beamcheck replay ${f.token}\nfast-check: seed ${f.fc.seed} path ${f.fc.path}` : '';
    return `${open}\n      <failure message="${xml(message.split('\n')[0]!)}">${xml(body)}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="beamcheck" tests="${verdicts.length}" failures="${failures}" skipped="${skipped}" time="${seconds(total)}">`,
    `  <testsuite name="beamcheck (${semantics})" tests="${verdicts.length}" failures="${failures}" skipped="${skipped}" time="${seconds(total)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
