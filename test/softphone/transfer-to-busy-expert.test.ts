/**
 * An expert seat staffed by an agent (市场监管局专家座席 → agent 1004) is rung like any colleague. While
 * that agent talks to another caller, a transfer or three-way call to the seat is refused (目标坐席不空闲):
 * their phone does not ring and their own call goes on. When they are free, the seat rings; the
 * transferred caller hanging up meanwhile takes the pop away and leaves them ready.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { expertSeats } from '../../store/index.js';
import { OpenDesks } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness({ ringTimeoutSeconds: 10 });
const desks = new OpenDesks(() => h.server.httpUrl);

afterEach(async () => {
  desks.closeAll();
  await registerPhones(h.sim);
});

const desk = (login: string) => desks.open(login, true);
const agentOf = (login: string) => h.server.calls.agents.list().find((a) => a.login === login);
const expertSeat = async () => (await h.server.store.db.select().from(expertSeats).where(eq(expertSeats.name, '市场监管局专家座席')))[0];
interface SimChannel {
  id: string;
  name: string;
  state: string;
  bridgeId: string | null;
}
const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
const expertPhone = async () => (await channels()).filter((c) => c.name.startsWith('PJSIP/1004-'));
async function hangup(id: string): Promise<void> {
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  await waitFor(() => !h.server.calls.call(id), 'the call over');
}

describe('transfer to an expert seat staffed by an agent', () => {
  it('is refused while the expert talks to another caller, and the expert\'s own call goes on', async () => {
    await registerPhones(h.sim);
    const seat = await expertSeat();
    expect(seat?.agentId).toBe(agentOf('1004')?.agentId);

    // 1004 talks to a 12315 caller.
    const expert = await desk('1004');
    const first = await placeCall(h.sim.httpUrl, '13800007101', '12315');
    await expert.next('call.answered', (m) => m.callId === first);

    // 1001 talks to a 12345 caller and tries to send them to the expert seat, every way.
    const a = await desk('1001');
    const caller = await placeCall(h.sim.httpUrl, '13800007102', '12345');
    await a.next('call.answered', (m) => m.callId === caller);
    const target = { kind: 'expert', expertSeatId: seat?.id };
    expect(await a.command('call.transfer', { callId: caller, target, mode: 'blind' })).toMatchObject({ ok: false, error: '目标坐席不空闲' });
    expect(await a.command('call.transfer', { callId: caller, target, mode: 'attended' })).toMatchObject({ ok: false, error: '目标坐席不空闲' });
    expect(await a.command('call.conference', { callId: caller, target })).toMatchObject({ ok: false, error: '目标坐席不空闲' });

    // The expert's phone carries only their own call, still bridged with the first caller.
    const callerOfFirst = (await channels()).find((c) => c.id === first);
    expect((await expertPhone()).map((c) => ({ state: c.state, bridgeId: c.bridgeId }))).toEqual([{ state: 'Up', bridgeId: callerOfFirst?.bridgeId }]);
    expect(agentOf('1004')).toMatchObject({ state: 'on_call', callId: first });
    expect(expert.received.some((m) => m.type === 'call.offered' && m.callId === caller)).toBe(false);
    // 1001 still has their caller.
    expect(await a.command('call.hold', { callId: caller })).toMatchObject({ ok: true });
    expect(await a.command('call.resume', { callId: caller })).toMatchObject({ ok: true });

    await hangup(caller);
    await hangup(first);
  });

  it('rings the expert when free; the caller hanging up meanwhile takes the pop away and leaves the expert ready', async () => {
    const seat = await expertSeat();
    const a = await desk('1001');
    const caller = await placeCall(h.sim.httpUrl, '13800007103', '12345');
    await a.next('call.answered', (m) => m.callId === caller);
    const expert = await desk('1004');
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1004', { online: true, answer: 'manual', answerDelayMs: 50 });

    expect(await a.command('call.transfer', { callId: caller, target: { kind: 'expert', expertSeatId: seat?.id }, mode: 'blind' })).toMatchObject({ ok: true });
    await expert.next('call.offered', (m) => m.callId === caller);
    await waitFor(async () => (await expertPhone()).some((c) => c.state === 'Ringing'), '1004 ringing for the transfer');

    await hangup(caller);
    await expert.next('call.offer.withdrawn', (m) => m.callId === caller);
    await waitFor(async () => (await expertPhone()).length === 0, 'the ring hung up');
    // Ready again: neither 未接 (not ready) nor a wrap-up of a call they never had.
    await expert.next('agent.state', (m) => m.state === 'ready' && expert.received.indexOf(m) > expert.received.findIndex((o) => o.type === 'call.offered'));
    const states = expert.received.filter((m) => m.type === 'agent.state').map((m) => m.state);
    expect(states.slice(states.lastIndexOf('ringing'))).toEqual(['ringing', 'ready']);
  });
});
