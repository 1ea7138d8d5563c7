/**
 * Monitoring outlives the wallboard (closing it alone does not end it), so a wallboard opened again
 * — a reload, another tab of the same session — is told on connect what its supervisor monitors
 * (`monitoring`, SUPERVISOR.md): each agent, the call and the mode. It used to be told nothing, and
 * the page showed neither 监听中 nor 停止 while the supervisor's phone still heard the citizen.
 */
import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { MonitoringMessage } from '../../softphone-bridge/supervisor-ws/messages.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();
const agentId = (login: string) => h.server.calls.agents.list().find((a) => a.login === login)?.agentId ?? 0;

describe('a wallboard opened again while its supervisor monitors', () => {
  it('is told on connect which agent the supervisor monitors, on which call and how', async () => {
    await registerPhones(h.sim);
    const agent = await AgentDesktop.login(h.server.httpUrl, '1001');
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super', 'PJSIP/1005');
    const others: SupervisorDesk[] = [];
    try {
      await agent.command('agent.ready');
      const id = await placeCall(h.sim.httpUrl, '13800006502', '12345');
      await agent.next('call.answered', (m) => m.callId === id);
      // A board with nothing monitored is told so too.
      expect((await sup.next('monitoring')).sessions).toEqual([]);
      expect(await sup.command('monitor.whisper', { agentId: agentId('1001') })).toMatchObject({ ok: true });

      // The page is closed and opened again, in the same session: the phone still whispers.
      sup.close();
      const again = await SupervisorDesk.connect(h.server.httpUrl, sup.token);
      others.push(again);
      const told = await again.next('monitoring');
      expect(Value.Check(MonitoringMessage, told), JSON.stringify(told)).toBe(true);
      expect(told.sessions).toEqual([{ agentId: agentId('1001'), callId: id, mode: 'whisper' }]);
      // After the picture it draws them on.
      const order = again.received.map((m) => m.type);
      expect(order.indexOf('snapshot')).toBeLessThan(order.indexOf('monitoring'));

      // Another account's wallboard is not told of it.
      const admin = await SupervisorDesk.login(h.server.httpUrl, 'admin');
      others.push(admin);
      expect((await admin.next('monitoring')).sessions).toEqual([]);

      // Stopped from the reopened board: a board opened after that is told of nothing.
      expect(await again.command('monitor.stop', { agentId: agentId('1001') })).toMatchObject({ ok: true });
      const later = await SupervisorDesk.connect(h.server.httpUrl, sup.token);
      others.push(later);
      expect((await later.next('monitoring')).sessions).toEqual([]);

      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await agent.next('call.ended', (m) => m.callId === id);
      await waitFor(() => !h.server.calls.call(id), 'the call over');
    } finally {
      agent.close();
      sup.close();
      for (const other of others) other.close();
    }
  });
});
