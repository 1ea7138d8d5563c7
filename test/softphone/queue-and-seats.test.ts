/**
 * The waiting line and the seats: position announcements, phones that are not registered, agents
 * sitting at another desk, and an agent who changes their mind about an attended transfer.
 */
import { describe, expect, it } from 'vitest';
import { computeKpis } from '../../softphone-bridge/reports/kpis.js';
import { findCallByLinkedId, listCallFactsBetween, shanghaiDay, shanghaiDayBounds } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness({ queueAnnounceSeconds: 1, ringTimeoutSeconds: 5 });
const played = new Map<string, string[]>();

interface SimChannel {
  id: string;
  name: string;
  bridgeId: string | null;
}

describe('queue and seats', () => {
  it('a waiting caller hears how many are ahead', async () => {
    await registerPhones(h.sim);
    h.sim.core.subscribe((event) => {
      if (event.type !== 'playback.started' || !event.playback.targetUri.startsWith('channel:')) return;
      const id = event.playback.targetUri.slice('channel:'.length);
      played.set(id, [...(played.get(id) ?? []), event.playback.mediaUri]);
    });
    const first = await placeCall(h.sim.httpUrl, '13100131000', '12345');
    const second = await placeCall(h.sim.httpUrl, '13100131001', '12345');
    await waitFor(() => played.get(second)?.includes('number:1'), 'second caller told one is ahead', 8_000);
    expect(played.get(second)).toContain('sound:queue-position-ahead');
    await waitFor(() => played.get(first)?.includes('number:0'), 'first caller told none is ahead', 8_000);
    for (const id of [first, second]) await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  });

  it('an agent whose phone is on a call the server did not give it is offered the caller only once it hangs up', async () => {
    await registerPhones(h.sim);
    // 1003's phone calls colleague 1001 directly (as after a call Asterisk's own queue put through).
    const own = await simRequest<{ channelId: string }>(h.sim.httpUrl, 'POST', '/sim/calls', { from: '1003', to: '1001', endpoint: 'PJSIP/1003' });
    await waitFor(() => h.server.calls.agents.isPhoneInUse('PJSIP/1003'), "the server sees 1003's phone in use");
    const desk = await AgentDesktop.login(h.server.httpUrl, '1003');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    const id = await placeCall(h.sim.httpUrl, '13100131009', '12345');
    await waitFor(() => h.server.calls.call(id)?.state === 'queued', 'the caller queued');
    expect(desk.received.some((m) => m.type === 'call.offered' && m.callId === id)).toBe(false);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${own.body.channelId}/hangup`);
    await desk.next('call.offered', (m) => m.callId === id);
    await desk.next('call.answered', (m) => m.callId === id);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await desk.next('call.ended', (m) => m.callId === id);
    await desk.next('agent.state', (m) => m.state === 'ready');
    desk.close();
  });

  it('an agent whose phone is not registered is never offered a call', async () => {
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: false });
    const off = await AgentDesktop.login(h.server.httpUrl, '1002');
    await off.command('agent.ready');
    const on = await AgentDesktop.login(h.server.httpUrl, '1003');
    await on.command('agent.ready');
    const id = await placeCall(h.sim.httpUrl, '13100131002', '12345');
    await on.next('call.offered', (m) => m.callId === id);
    expect(off.received.some((m) => m.type === 'call.offered')).toBe(false);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    off.close();
    on.close();
    await registerPhones(h.sim);
  });

  it('hot-desking: an agent who logs in at another phone is rung there', async () => {
    const desk = await AgentDesktop.login(h.server.httpUrl, '1005', 'demo', 'PJSIP/1004');
    expect((await desk.next('hello')).agent).toMatchObject({ login: '1005', endpoint: 'PJSIP/1004' });
    await desk.command('agent.ready');
    const id = await placeCall(h.sim.httpUrl, '13100131003', '12345');
    await desk.next('call.answered', (m) => m.callId === id);
    const channels = (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
    const caller = channels.find((c) => c.id === id);
    expect(channels.filter((c) => c.bridgeId === caller?.bridgeId && c.id !== id).map((c) => c.name.split('-')[0])).toEqual(['PJSIP/1004']);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    desk.close();
  });

  it('click-to-call is a call like any other: row, ticket, pop, recording, hold and hang-up from the desktop, counted as outbound', async () => {
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 20 });
    const desk = await AgentDesktop.login(h.server.httpUrl, '1002');
    expect(await desk.command('call.dial', { number: '13900000009' })).toMatchObject({ ok: false });
    await desk.command('agent.ready');
    expect(await desk.command('call.dial', { number: 'abc' })).toMatchObject({ ok: false });
    expect(await desk.command('call.dial', { number: '13900000009' })).toMatchObject({ ok: true });
    const pop = await desk.next('call.offered', (m) => m.callerNumber === '13900000009');
    const callId = String(pop.callId);
    expect(pop.ticketNumber).toMatch(/^\d{10}$/);
    await desk.next('call.answered', (m) => m.callId === callId);
    const bridged = await waitFor(async () => {
      const list = (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
      const agentLeg = list.find((c) => c.name.startsWith('PJSIP/1002'));
      const trunkLeg = list.find((c) => c.id === callId);
      return agentLeg?.bridgeId && agentLeg.bridgeId === trunkLeg?.bridgeId ? trunkLeg : undefined;
    }, 'agent and citizen bridged');
    expect(bridged.name).toMatch(/^PJSIP\/trunk-/);
    const row = await findCallByLinkedId(h.server.store.db, callId);
    expect(row).toMatchObject({ direction: 'outbound', callerNumber: '13900000009', outcome: 'answered' });
    expect(row?.recording).toBeTruthy();
    expect(await desk.command('call.hold', { callId })).toMatchObject({ ok: true });
    expect(await desk.command('call.resume', { callId })).toMatchObject({ ok: true });
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    await desk.next('call.ended', (m) => m.callId === callId);
    await desk.next('agent.state', (m) => m.state === 'wrap_up');
    const { from, to } = shanghaiDayBounds(shanghaiDay(h.clock.now()));
    const [total] = computeKpis(await listCallFactsBetween(h.server.store.db, from, to), 'total', h.clock.now());
    expect(total).toMatchObject({ outbound: 1, outboundAnswered: 1 });
    desk.close();
  });

  it('attended transfer cancelled by the agent: back with the caller, the target released', async () => {
    const a = await AgentDesktop.login(h.server.httpUrl, '1001');
    await a.command('agent.ready');
    const id = await placeCall(h.sim.httpUrl, '13100131004', '12345');
    await a.next('call.answered', (m) => m.callId === id);
    const b = await AgentDesktop.login(h.server.httpUrl, '1003');
    await b.command('agent.ready');
    const target = h.server.calls.agents.list().find((x) => x.login === '1003')?.agentId;
    expect(await a.command('call.transfer', { callId: id, target: { kind: 'agent', agentId: target }, mode: 'attended' })).toMatchObject({ ok: true });
    await waitFor(() => h.server.calls.agents.get(target ?? 0)?.state === 'on_call', 'target answered the consult');
    expect(await a.command('call.transfer.cancel', { callId: id })).toMatchObject({ ok: true });
    expect(h.server.calls.call(id)).toMatchObject({ state: 'connected' });
    await waitFor(() => h.server.calls.agents.get(target ?? 0)?.state !== 'on_call', 'target released');
    expect(h.server.calls.call(id)?.agentId).toBe(h.server.calls.agents.list().find((x) => x.login === '1001')?.agentId);
    expect(await a.command('call.transfer.complete', { callId: id })).toMatchObject({ ok: false, error: '没有进行中的咨询转接' });
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    a.close();
    b.close();
  });
});
