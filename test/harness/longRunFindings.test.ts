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
  return { target, semantics: execution.outcome.semantics, trace: execution.outcome.run.trace as readonly TraceEvent[], result: execution.result };
}

const reports = (trace: readonly TraceEvent[], name: string) => trace.filter((e): e is Extract<TraceEvent, { k: 'report' }> => e.k === 'report' && e.name === name);

describe('found by the long run', () => {
  // c1 crashes at 1999 ms; the supervisor receives and reports it then, and makes the restart at
  // 2001 ms. add_restart reads the clock at the supervisor's first effect after the report, which
  // the scheduler may run at 1999 ms (second 1) or only at 2001 ms (second 2): the decisions later
  // depend on which. The model used to take the EXIT's receipt time.
  it.each([
    ['max 3 in 3 s; read at 2001 ms, so at 5000 ms the window [2, 5] holds four restarts: it gives up', 'bc1.tVJNa-MwEE0_9n-Ud1bASbuH6Nwee9kcSwlTe9yI2CMjjbcxxv-vP6vI2WQ3lNIstAwSPElv3hvNnE0mV012Mw0clYJOnShLdNpZjjlVpM7L648eGphhe0QNpPzcwcILr0ofVl4YBjVtf-1yRNjrES8591LsILXql-tWC_8isBD-zQEG-dpVRWCBfejhCljkMxj8cQOLhkNNwqIwiAf-zyzLDKJ7Fle6nERhS6oiG2ig5m7rFFZDmzCH2gkp30fYzMBJuoPfYDB7xfkJinBSJm6Hr9O9PtJVrhsfKHTHuk-hVapWG1dVn0rvDz7WfhwMSmqr1KSHHqSw8yybGWycjJ4CxfW-L3-7QdEnLwdbqYbEnS0WixO5T97XB978ZF7_718UadSGfZLdEPyH-ONw1Y9zqdzEsfAxQ03bW66og50Py_OzMSafxPs3R_hicjmutJ9_Q7wBH7JKCw', 'current', [5000]],
    ['the same faults, the report made at 1999 ms and the clock read at 2001 ms: it gives up', 'bc1.rZJNS8NAEIZbP_6HvOcV0lYP3bMeveixSBmTiV2azIbdiTaE_HWRpLZ-gFpB9pI34ZlnsjPj0eisSi7OA0eloOdOlCU6bSzHlApS5-XltIUGZtgWUQMpPzaw8MLL3IelF4ZBSZvbbY0IOxvyHadesm2kWv3dqtbMPwsshJ84wCBduSILLLCLFi6DRTqBwVs3sKg4lCQsCoO45y-TJDGI7lFc7lIShc2piGyggarrjVNYDXWfOZROSPkmwiYGTvpv8Gt0ZmecHmCEk7xnG_yfd_bJq1xWPlBoPnsfQq1ULNeuKH5V7158777vDHKqi35IixaksNMkmRisnQw9BYqr3Vzep0HR973s2-r_oWeT78HZRzCQi7ynJvP5_EDjg_flnpsezLUfbzDrF7TbFdmuzh_k991ZO2yzchWH6xoqlLS54oIa2Gm3OBr9cMbvz8df8pDGPxMno5OBO97S_3heAdwvY5c', 'current', [5000]],
    ['max 2 in 1 s; read at 1999 ms, so at 3500 ms the window [2, 3] holds two more: it restarts', 'bc1.rVLLbsIwEASq_geas5GSAAd8bo_toRwRQktYwCKxI3vTgiJ-q99XJeV5QEUVGsn2rjWeWe-2261uEQ16noOQl56xwjYY2WkOKWUkxtnv5wrimaErBPEkvNpBw1meLZ2fOctQyGn78ftGgE6aeMyps4sAHStQKW68LmXhviw0LH-yh0K6NtnCs4WeVDALaKQxFA5uoFGwz8myFSiEE38YRZFCMCtrliYlK9BLygIriKfidWsEWnxZx-xzY0n4LUBHCsbWd3Ab7NVRMblSFM4L58nvrhQHj5Pr31Eg5r4UymYbk2X4S_qYuK093Sssqczq3kwqkEAnURQrbIxtPHkK62M7zl9CwdVeTrbqGmpuf1h__y1ufMmdO5efeMk_efFoNLqTd_Y63XerZgqFi9DU2wxNTtsXzmgHnezfO60D2g2Op8v9EofMU4PO1fp4_AAf__Mo', 'otp25', []],
  ])('p04 escalation: a restart counts in the second the supervisor reads the clock (%s)', (_case, token, semantics, gaveUpAt) => {
    const r = replayed(token);
    expect(r.target.id).toBe('p04-restart-intensity:escalation');
    expect(r.semantics).toBe(semantics);
    expect(reports(r.trace, 'supervisor.shutdown').map((e) => e.t)).toEqual(gaveUpAt);
    expect(r.result).toEqual({ ok: true });
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
