/**
 * When the agent hangs up first, the caller stays on the line for the post-call survey
 * (好差评) — but the call itself is over: its row is ended, the agent is in 话后整理 and may take the
 * next caller. The wallboard's 进行中的通话 no longer lists that call while the survey runs (it used
 * to, in state `ended` with the agent named on it: a finished call in progress and the agent on a
 * call they had left), nor does the header count it among its node's calls. The agent desktop
 * leaves such a call out of its `hello` too.
 */
import { describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();

interface SnapshotCall {
  callId: string;
  state: string;
  agentId: number | null;
}
interface SnapshotNode {
  name: string;
  calls: number;
}
interface SnapshotAgent {
  login: string;
  state: string;
}

describe('the wallboard after the agent hangs up first', () => {
  it('no longer lists the call as in progress while its caller answers the survey', async () => {
    await registerPhones(h.sim, ['1001']);
    const agent = await AgentDesktop.login(h.server.httpUrl, '1001');
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    try {
      await agent.command('agent.ready');
      const id = await placeCall(h.sim.httpUrl, '13800006201', '12345');
      await agent.next('call.answered', (m) => m.callId === id);
      await sup.next('snapshot', (m) => (m.calls as SnapshotCall[]).some((c) => c.callId === id && c.state === 'connected'));

      // The agent hangs up: the call is over for the centre; the caller hears the survey question.
      expect(await agent.command('call.hangup', { callId: id })).toMatchObject({ ok: true });
      await agent.next('call.ended', (m) => m.callId === id);
      // The first picture drawn after the end (the agent no longer on the call).
      const mark = sup.received.length;
      const ended = await waitFor(
        () => sup.received.slice(mark).find((m) => m.type === 'snapshot' && (m.agents as SnapshotAgent[]).some((a) => a.login === '1001' && a.state !== 'on_call')),
        'a snapshot after the end',
        10_000,
      );
      // The caller is still on the line (the survey waits for their key), so this is the survey's time.
      const callerLeg = await simRequest(h.sim.httpUrl, 'GET', `/sim/channels/${id}`);
      expect(callerLeg.status, 'the caller still in the survey').toBe(200);

      const listed = (ended.calls as SnapshotCall[]).filter((c) => c.callId === id);
      expect(listed, 'an ended call among the calls in progress').toEqual([]);
      // Nor is it counted among the node's calls in the header.
      expect((ended.nodes as SnapshotNode[]).map((n) => n.calls)).toEqual([0]);

      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await waitFor(() => !h.server.calls.call(id), 'the survey over', 15_000);
    } finally {
      agent.close();
      sup.close();
    }
  });
});
