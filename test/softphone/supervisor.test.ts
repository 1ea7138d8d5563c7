/**
 * The supervisor's live picture and monitoring, through the simulator and real WebSockets.
 */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { listAudit } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();

interface SimChannel {
  id: string;
  name: string;
  bridgeId: string | null;
}
const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
const agentId = (login: string) => h.server.calls.agents.list().find((a) => a.login === login)?.agentId ?? 0;

describe('supervisor socket', () => {
  it('is refused without a token and to an agent', async () => {
    const agentToken = (await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username: '1001', password: 'demo' })).body.token;
    for (const query of ['', `?token=${agentToken}`]) {
      const status = await new Promise<number>((resolve) => {
        const socket = new WebSocket(`${h.server.httpUrl.replace('http', 'ws')}/ws/supervisor${query}`);
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => resolve(101));
        socket.on('error', () => undefined);
      });
      expect(status).toBe(401);
    }
  });

  it('shows the call in progress, the agent on it, and today\'s figures; listens, barges, stops', async () => {
    await registerPhones(h.sim);
    const agent = await AgentDesktop.login(h.server.httpUrl, '1001');
    await agent.command('agent.ready');
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super', 'PJSIP/1005');
    const id = await placeCall(h.sim.httpUrl, '13800138000', '12345');
    await agent.next('call.answered', (m) => m.callId === id);

    const snap = await sup.next('snapshot', (m) => (m.calls as { callId: string; state: string }[]).some((c) => c.callId === id && c.state === 'connected'));
    const call = (snap.calls as Record<string, unknown>[]).find((c) => c.callId === id);
    expect(call).toMatchObject({ callerNumber: '138****8000', hotline: '12345 政务服务便民热线', agentId: agentId('1001') });
    expect((snap.agents as Record<string, unknown>[]).find((a) => a.login === '1001')).toMatchObject({ state: 'on_call', callId: id });
    expect((snap.today as { offered: number }).offered).toBeGreaterThanOrEqual(1);

    expect(await sup.command('monitor.listen', { agentId: agentId('1001') })).toMatchObject({ ok: true });
    const snoopBridge = await waitFor(async () => {
      const list = await channels();
      const snoop = list.find((c) => c.name.startsWith('Snoop/'));
      const supLeg = list.find((c) => c.name.startsWith('PJSIP/1005'));
      return snoop?.bridgeId && snoop.bridgeId === supLeg?.bridgeId ? snoop.bridgeId : undefined;
    }, 'snoop bridged with the supervisor phone');
    const caller = (await channels()).find((c) => c.id === id);
    expect(snoopBridge).not.toBe(caller?.bridgeId);
    expect(await sup.command('monitor.stop', { agentId: agentId('1001') })).toMatchObject({ ok: true });
    await waitFor(async () => !(await channels()).some((c) => c.name.startsWith('Snoop/') || c.name.startsWith('PJSIP/1005')), 'monitoring over');

    expect(await sup.command('monitor.barge', { agentId: agentId('1001') })).toMatchObject({ ok: true });
    await waitFor(async () => {
      const list = await channels();
      const bridge = list.find((c) => c.id === id)?.bridgeId;
      return list.filter((c) => c.bridgeId === bridge).length === 3;
    }, 'supervisor in the call');
    expect((await listAudit(h.server.store.db)).map((a) => a.action)).toEqual(expect.arrayContaining(['monitor.listen', 'monitor.stop', 'monitor.barge']));
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await agent.next('call.ended', (m) => m.callId === id);
    await waitFor(async () => !(await channels()).some((c) => c.name.startsWith('PJSIP/1005')), 'supervisor leg gone with the call');
    agent.close();
    sup.close();
  });

  it('switches between listen, whisper and barge on the phone already ringing, without stopping first', async () => {
    await registerPhones(h.sim);
    const agent = await AgentDesktop.login(h.server.httpUrl, '1001');
    await agent.command('agent.ready');
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super', 'PJSIP/1005');
    const id = await placeCall(h.sim.httpUrl, '13800138001', '12345');
    await agent.next('call.answered', (m) => m.callId === id);
    const legOf = async (prefix: string) => waitFor(async () => (await channels()).find((c) => c.name.startsWith(prefix))?.id, prefix);
    const hears = async (channelId: string) => (await simRequest<{ hears: string[] }>(h.sim.httpUrl, 'GET', `/sim/channels/${channelId}`)).body.hears;
    const agentLeg = await legOf('PJSIP/1001-');

    expect(await sup.command('monitor.listen', { agentId: agentId('1001') })).toMatchObject({ ok: true });
    const supLeg = await legOf('PJSIP/1005-');
    await waitFor(async () => (await hears(supLeg)).length > 0, 'the supervisor hears the call');
    expect(await hears(agentLeg)).not.toContain(supLeg);
    expect(await hears(id)).not.toContain(supLeg);

    // 耳语: the agent now hears the supervisor; the caller still does not. The same phone call, no new ring.
    expect(await sup.command('monitor.whisper', { agentId: agentId('1001') })).toMatchObject({ ok: true });
    await waitFor(async () => (await hears(agentLeg)).includes(supLeg), 'the agent hears the whisper');
    expect(await hears(id)).not.toContain(supLeg);
    expect((await channels()).filter((c) => c.name.startsWith('Snoop/'))).toHaveLength(1);

    // 强插: everybody hears the supervisor; no snoop is left behind.
    expect(await sup.command('monitor.barge', { agentId: agentId('1001') })).toMatchObject({ ok: true });
    await waitFor(async () => (await hears(id)).includes(supLeg), 'the caller hears the supervisor');
    await waitFor(async () => !(await channels()).some((c) => c.name.startsWith('Snoop/')), 'the snoop gone');

    // And back to 监听: the caller no longer hears the supervisor.
    expect(await sup.command('monitor.listen', { agentId: agentId('1001') })).toMatchObject({ ok: true });
    await waitFor(async () => !(await hears(id)).includes(supLeg), 'the supervisor out of the call');
    expect(await sup.command('monitor.listen', { agentId: agentId('1001') })).toMatchObject({ ok: false, error: '已在监听该坐席' });
    expect((await channels()).filter((c) => c.name.startsWith('PJSIP/1005-')).map((c) => c.id)).toEqual([supLeg]);

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await agent.next('call.ended', (m) => m.callId === id);
    await waitFor(async () => !(await channels()).some((c) => c.name.startsWith('PJSIP/1005') || c.name.startsWith('Snoop/')), 'monitoring over with the call');
    agent.close();
    sup.close();
  });

  it('forces an agent not ready (the agent sees it), and gets emergency alerts at once', async () => {
    const agent = await AgentDesktop.login(h.server.httpUrl, '1002');
    await agent.command('agent.ready');
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    expect(await sup.command('agent.forceNotReady', { agentId: agentId('1002'), reason: '班长示忙' })).toMatchObject({ ok: true });
    await agent.next('agent.state', (m) => m.state === 'not_ready' && m.reason === '班长示忙');
    expect(await sup.command('monitor.listen', { agentId: agentId('1002') })).toMatchObject({ ok: false });
    expect(await sup.command('agent.forceNotReady', { agentId: 9999, reason: 'x' })).toMatchObject({ ok: false, error: '坐席不存在' });

    await agent.command('agent.ready');
    const id = await placeCall(h.sim.httpUrl, '13800138001', '12345');
    await agent.next('call.answered', (m) => m.callId === id);
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 10 });
    expect(await agent.command('call.conference', { callId: id, target: { kind: 'emergency', number: '120' } })).toMatchObject({ ok: true });
    const alert = await sup.next('alert', (m) => m.kind === 'emergency-transfer' && m.callId === id);
    expect(String(alert.message)).toContain('120');
    // It names the agent, the ticket and the caller (masked), so the supervisor can act on it at once.
    const ticketNumber = h.server.calls.call(id)?.summary.ticketNumber;
    expect(alert).toMatchObject({ agentName: '李强', agentLogin: '1002', ticketNumber, callerNumber: '138****8001' });
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    agent.close();
    sup.close();
  });
});
