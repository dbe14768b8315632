/**
 * Counterexamples the opt-in long run (BEAMCHECK_LONG=1, 10,000 schedules per property) found in
 * the properties' models, pinned as replays. Each was a model that read the wrong time or the
 * wrong reason; the runtime was right (real OTP does the same), and each check now holds on it.
 */
import { describe, expect, it } from 'vitest';
import { replayToken } from '../../src/harness/replay.js';
import type { TraceEvent } from '../../src/index.js';
import { PROPERTIES } from '../../properties/index.js';

function replayed(token: string) {
  const { execution, target } = replayToken(token, (id) => PROPERTIES.find((p) => p.id === id));
  expect(execution.outcome.run.verdict.kind, 'replay diverged: the program changed since the token was made').not.toBe('replay-diverged');
  return { target, trace: execution.outcome.run.trace as readonly TraceEvent[], result: execution.result };
}

const reports = (trace: readonly TraceEvent[], name: string) => trace.filter((e): e is Extract<TraceEvent, { k: 'report' }> => e.k === 'report' && e.name === name);

describe('found by the long run', () => {
  // c1 crashes at 1999, 2001, 2999 and 5000 ms under max_restarts 3 / max_seconds 3. The EXIT of
  // 1999 ms is received then, but the supervisor acts on it (add_restart reads the clock) at
  // 2001 ms: second 2, so at 5000 ms the window [2, 5] holds four restarts and it escalates.
  it.each([
    ['the EXIT is received at 1999 ms and reported at 2001 ms', 'bc1.tVJNa-MwEE0_9n-Ud1bASbuH6Nwee9kcSwlTe9yI2CMjjbcxxv-vP6vI2WQ3lNIstAwSPElv3hvNnE0mV012Mw0clYJOnShLdNpZjjlVpM7L648eGphhe0QNpPzcwcILr0ofVl4YBjVtf-1yRNjrES8591LsILXql-tWC_8isBD-zQEG-dpVRWCBfejhCljkMxj8cQOLhkNNwqIwiAf-zyzLDKJ7Fle6nERhS6oiG2ig5m7rFFZDmzCH2gkp30fYzMBJuoPfYDB7xfkJinBSJm6Hr9O9PtJVrhsfKHTHuk-hVapWG1dVn0rvDz7WfhwMSmqr1KSHHqSw8yybGWycjJ4CxfW-L3-7QdEnLwdbqYbEnS0WixO5T97XB978ZF7_718UadSGfZLdEPyH-ONw1Y9zqdzEsfAxQ03bW66og50Py_OzMSafxPs3R_hicjmutJ9_Q7wBH7JKCw'],
    ['the EXIT is received and reported at 1999 ms, the restart made at 2001 ms', 'bc1.xZPPatwwEMadFPIc5TvLxLvNhqBDT-mxl-YYyjK1x1mxtmRmxmkWs2_Shy1ys223ELKFQtFJI336zZ9PZ0VxOSwWpW5Ga9LXWCr3FC3U6tXSUCZpWEqKTWksfYhk_O1iggkz_AQ1IeOHHTxS5HWbZE1dB4eenj6xGokp_KKq5sgd1yk2Cr90oNHS3TMUHpEfWeBQb0LXCEf4-wmhgUe9gIP8eAseJhQ1cDQ46E_9cnXtoOEhhjbUFA2-pU7Z5evDh6dg8CZj3h-q-KjwN5VDiPkQaYu9OxCXR8SBpaf4JxEhtlm7w2vgQ-B38gvgd8elcj8kIdkdg7_IaNStt2Fu9D9jX51Q9KrKk_zrPr9AXJ0w2NPb_Cr3896hpbHLjryfQAZ_5bANcU5GSDcH__1yHWnKSQgF5TnzY1X-ImsdB5bHoEky4-00O914yD6vqurZ-7fc0Q5-uX9_Xvyf9aY4L74D-2v_jQ' === '' ? '' : 'bc1.rZJNS8NAEIZbP_6HvOcV0lYP3bMeveixSBmTiV2azIbdiTaE_HWRpLZ-gFpB9pI34ZlnsjPj0eisSi7OA0eloOdOlCU6bSzHlApS5-XltIUGZtgWUQMpPzaw8MLL3IelF4ZBSZvbbY0IOxvyHadesm2kWv3dqtbMPwsshJ84wCBduSILLLCLFi6DRTqBwVs3sKg4lCQsCoO45y-TJDGI7lFc7lIShc2piGyggarrjVNYDXWfOZROSPkmwiYGTvpv8Gt0ZmecHmCEk7xnG_yfd_bJq1xWPlBoPnsfQq1ULNeuKH5V7158777vDHKqi35IixaksNMkmRisnQw9BYqr3Vzep0HR973s2-r_oWeT78HZRzCQi7ynJvP5_EDjg_flnpsezLUfbzDrF7TbFdmuzh_k991ZO2yzchWH6xoqlLS54oIa2Gm3OBr9cMbvz8df8pDGPxMno5OBO97S_3heAdwvY5c'],
  ])('p04 escalation: the restart counts when the supervisor reads the clock (%s)', (_case, token) => {
    const { target, trace, result } = replayed(token);
    expect(target.id).toBe('p04-restart-intensity:escalation');
    expect(reports(trace, 'supervisor.shutdown').map((e) => e.t)).toEqual([5000]);
    expect(result).toEqual({ ok: true });
  });

  // c1 (traps exits, terminate/2 takes 80 ms, shutdown 256) crashes at 4 ms as the supervisor is
  // stopped: its terminate/2 runs for the crash, not for :shutdown, and completes at 84 ms.
  it('p11 stop: a child already crashing when the :shutdown reaches it is not judged as stopped', () => {
    const { target, trace, result } = replayed('bc1.xZPPatwwEMadFPIc5TvLxLvNhqBDT-mxl-YYyjK1x1mxtmRmxmkWs2_Shy1ys223ELKFQtFJI336zZ9PZ0VxOSwWpW5Ga9LXWCr3FC3U6tXSUCZpWEqKTWksfYhk_O1iggkz_AQ1IeOHHTxS5HWbZE1dB4eenj6xGokp_KKq5sgd1yk2Cr90oNHS3TMUHpEfWeBQb0LXCEf4-wmhgUe9gIP8eAseJhQ1cDQ46E_9cnXtoOEhhjbUFA2-pU7Z5evDh6dg8CZj3h-q-KjwN5VDiPkQaYu9OxCXR8SBpaf4JxEhtlm7w2vgQ-B38gvgd8elcj8kIdkdg7_IaNStt2Fu9D9jX51Q9KrKk_zrPr9AXJ0w2NPb_Cr3896hpbHLjryfQAZ_5bANcU5GSDcH__1yHWnKSQgF5TnzY1X-ImsdB5bHoEky4-00O914yD6vqurZ-7fc0Q5-uX9_Xvyf9aY4L74D-2v_jQ');
    expect(target.id).toBe('p11-shutdown-semantics:stop-order-and-terminate');
    const c1 = reports(trace, 'worker.terminate').filter((e) => (e.data as { id: string }).id === 'c1');
    expect(c1).toHaveLength(1);
    expect(c1[0]!.t).toBe(84);
    expect((c1[0]!.data as { reason: unknown }).reason).not.toBe('shutdown');
    expect(result).toEqual({ ok: true });
  });
});
