/**
 * Merge modes, the blacklist, transfers and three-way calls, each through the simulator with real
 * agent desktops.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AriEvent } from '../../cti/ari/ari-types.js';
import type { DomainEvent } from '../../cti/events/domain-events.js';
import { calls, expertSeats, putBlacklistEntry, tickets, ticketEvents } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: Harness;
const desks: AgentDesktop[] = [];
const domainEvents: DomainEvent[] = [];

beforeAll(async () => {
  h = await startHarness({ ringTimeoutSeconds: 5 });
  await registerPhones(h.sim);
  // Outside numbers (sub-centre, department contacts, expert lines, 110) answer through the trunk.
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 50 });
  h.server.calls.bus.subscribe((e) => domainEvents.push(e));
});
afterAll(async () => {
  // Whatever happened above, no agent is left ringing or on a call that no longer exists.
  await waitFor(() => h.server.calls.calls().length === 0, 'all calls over');
  const stuck = h.server.calls.agents.list().filter((a) => a.state === 'ringing' || a.state === 'on_call');
  await h.stop();
  expect(stuck.map((a) => `${a.login}:${a.state}`)).toEqual([]);
});
afterEach(async () => {
  while (desks.length) desks.pop()?.close();
  await registerPhones(h.sim);
  // Let desktops' disconnects settle so agents are not_ready before the next test.
  await new Promise((r) => setTimeout(r, 50));
});

async function desk(login: string, ready = true): Promise<AgentDesktop> {
  const d = await AgentDesktop.login(h.server.httpUrl, login);
  desks.push(d);
  if (ready) expect(await d.command('agent.ready')).toEqual({ type: 'result', id: expect.any(String) as string, ok: true });
  return d;
}

interface SimChannel {
  id: string;
  name: string;
  state: string;
  bridgeId: string | null;
  hearing: string | null;
}
const simChannels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
const simChannel = async (id: string) => (await simRequest<SimChannel>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).body;
const callRow = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
const ticketRow = async (id: string) => first(await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1));
const history = async (id: string) => {
  const t = await ticketRow(id);
  return t ? await h.server.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, t.id)) : [];
};
async function hangupCaller(id: string): Promise<void> {
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  await waitFor(async () => (await callRow(id))?.endedAt, 'the call to end');
}
/** Channels sharing the caller's bridge, other than the caller. */
async function partiesOf(callerId: string): Promise<SimChannel[]> {
  const caller = await simChannel(callerId);
  return (await simChannels()).filter((c) => c.bridgeId !== null && c.bridgeId === caller.bridgeId && c.id !== callerId);
}

describe('merge modes', () => {
  it('whole: the old number plays its merge notice, and the ticket is tagged with it', async () => {
    const a = await desk('1001');
    const id = await placeCall(h.sim.httpUrl, '13800000001', '12333');
    const heard = await waitFor(async () => {
      const c = await simChannel(id);
      return (c as SimChannel & { heard?: string[] }).heard?.includes('sound:notice-merged-12333') ? true : c.hearing === 'sound:notice-merged-12333';
    }, 'the merge notice');
    expect(heard).toBe(true);
    const pop = await a.next('call.offered', (m) => m.callId === id);
    expect(pop).toMatchObject({ mode: 'whole', hotline: '12333 人力资源和社会保障热线', dialledNumber: '12333' });
    expect((await ticketRow(id))?.dialledNumber).toBe('12333');
    await hangupCaller(id);
  });

  it('parallel: the call goes to the hotline\'s own skill (its merged agents), not to general agents', async () => {
    const general = await desk('1001');
    const market = await desk('1004');
    const id = await placeCall(h.sim.httpUrl, '13800000002', '12315');
    const pop = await market.next('call.offered', (m) => m.callId === id);
    expect(pop).toMatchObject({ mode: 'parallel', hotline: '12315 市场监管投诉举报热线' });
    expect(general.received.some((m) => m.type === 'call.offered' && m.callId === id)).toBe(false);
    await hangupCaller(id);
  });

  it('sub-centre: 12345 answers first, then the agent introduces the caller to the sub-centre (三方) and leaves', async () => {
    const a = await desk('1002');
    const id = await placeCall(h.sim.httpUrl, '13800000003', '12366');
    await a.next('call.answered', (m) => m.callId === id);
    expect((await ticketRow(id))?.hotline).toBe('12366 税务分中心');
    // The seeded 12366 requires a three-way introduction (subcentre-transfer-mode.test.ts covers both modes).
    expect(await a.command('call.conference', { callId: id, target: { kind: 'subcentre', number: '12366' } })).toMatchObject({ ok: true });
    await a.next('call.conference', (m) => m.callId === id);
    expect(await a.command('call.kick', { callId: id, party: 'agent' })).toMatchObject({ ok: true });
    const parties = await waitFor(async () => {
      const p = await partiesOf(id);
      return p.some((c) => c.name.startsWith('PJSIP/trunk')) ? p : undefined;
    }, 'the sub-centre leg bridged with the caller');
    expect(parties).toHaveLength(1);
    await hangupCaller(id);
    expect((await callRow(id))?.outcome).toBe('transferred');
  });

  it('a blacklisted number hears the notice and is released, never queued', async () => {
    await putBlacklistEntry(h.server.store.db, { number: '13999999999', reason: '恶意骚扰', expiresAt: null, createdBy: 'test' });
    const a = await desk('1003');
    const id = await placeCall(h.sim.httpUrl, '13999999999', '12345');
    const row = await waitFor(async () => {
      const r = await callRow(id);
      return r?.endedAt ? r : undefined;
    }, 'the blocked call to end');
    expect(row.outcome).toBe('blocked');
    expect(a.received.some((m) => m.type === 'call.offered')).toBe(false);
  });
});

describe('transfers and three-way calls', () => {
  it('blind transfer to another agent: the colleague gets the pop and the caller', async () => {
    const a = await desk('1001');
    const id = await placeCall(h.sim.httpUrl, '13800000011', '12345');
    await a.next('call.answered', (m) => m.callId === id);
    const b = await desk('1002');
    const bId = h.server.calls.agents.list().find((x) => x.login === '1002')?.agentId;
    expect(await a.command('call.transfer', { callId: id, target: { kind: 'agent', agentId: bId }, mode: 'blind' })).toMatchObject({ ok: true });
    await b.next('call.offered', (m) => m.callId === id);
    await b.next('call.answered', (m) => m.callId === id);
    expect((await history(id)).map((e) => e.kind)).toContain('transferred');
    expect(await a.command('call.hold', { callId: id })).toMatchObject({ ok: false, error: '不能操作其他坐席的通话' });
    await hangupCaller(id);
  });

  it('attended transfer completed: the target takes the caller and the first agent is released', async () => {
    const a = await desk('1001');
    const id = await placeCall(h.sim.httpUrl, '13800000012', '12345');
    await a.next('call.answered', (m) => m.callId === id);
    const b = await desk('1003');
    const bId = h.server.calls.agents.list().find((x) => x.login === '1003')?.agentId;
    expect(await a.command('call.transfer', { callId: id, target: { kind: 'agent', agentId: bId }, mode: 'attended' })).toMatchObject({ ok: true });
    await b.next('call.offered', (m) => m.callId === id);
    await waitFor(() => h.server.calls.agents.get(bId ?? 0)?.state === 'on_call', 'target answered');
    expect(await a.command('call.transfer.complete', { callId: id })).toMatchObject({ ok: true });
    await a.next('call.transferred', (m) => m.callId === id);
    await b.next('call.answered', (m) => m.callId === id);
    expect(h.server.calls.call(id)?.agentId).toBe(bId);
    await hangupCaller(id);
    await b.next('call.ended', (m) => m.callId === id);
  });

  it('attended transfer declined by the target: the agent is back with the caller', async () => {
    const a = await desk('1001');
    const id = await placeCall(h.sim.httpUrl, '13800000013', '12345');
    await a.next('call.answered', (m) => m.callId === id);
    await desk('1005');
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1005', { online: true, answer: 'busy' });
    const target = h.server.calls.agents.list().find((x) => x.login === '1005')?.agentId;
    expect(await a.command('call.transfer', { callId: id, target: { kind: 'agent', agentId: target }, mode: 'attended' })).toMatchObject({ ok: true });
    await waitFor(async () => h.server.calls.call(id)?.state === 'connected' && (await history(id)).some((e) => e.note?.includes('对方忙，回到来电人')), 'back to the caller');
    const parties = await waitFor(async () => ((await partiesOf(id)).length === 1 ? partiesOf(id) : undefined), 'agent back in the bridge');
    expect(parties[0]?.name).toContain('PJSIP/1001');
    await hangupCaller(id);
  });

  it('attended transfer: the caller hangs up while the consult rings — the consult is dropped', async () => {
    const a = await desk('1001');
    const id = await placeCall(h.sim.httpUrl, '13800000014', '12345');
    await a.next('call.answered', (m) => m.callId === id);
    await desk('1002');
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: true, answer: 'manual' });
    const target = h.server.calls.agents.list().find((x) => x.login === '1002')?.agentId;
    await a.command('call.transfer', { callId: id, target: { kind: 'agent', agentId: target }, mode: 'attended' });
    await waitFor(async () => (await simChannels()).some((c) => c.name.startsWith('PJSIP/1002') && c.state === 'Ringing'), 'consult ringing');
    await hangupCaller(id);
    await a.next('call.ended', (m) => m.callId === id);
    await waitFor(async () => !(await simChannels()).some((c) => c.name.startsWith('PJSIP/1002')), 'consult leg gone');
  });

  it('attended transfer: the agent hangs up before completing — it completes like a blind transfer', async () => {
    const a = await desk('1001');
    const id = await placeCall(h.sim.httpUrl, '13800000015', '12345');
    await a.next('call.answered', (m) => m.callId === id);
    await desk('1003');
    const target = h.server.calls.agents.list().find((x) => x.login === '1003')?.agentId;
    await a.command('call.transfer', { callId: id, target: { kind: 'agent', agentId: target }, mode: 'attended' });
    await waitFor(() => h.server.calls.agents.get(target ?? 0)?.state === 'on_call', 'target answered');
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/hangup');
    await waitFor(() => h.server.calls.call(id)?.agentId === target, 'the target owns the call');
    const parties = await waitFor(async () => {
      const p = await partiesOf(id);
      return p.length === 1 && p[0]?.name.startsWith('PJSIP/1003') ? p : undefined;
    }, 'caller bridged with the target');
    expect(parties).toHaveLength(1);
    await hangupCaller(id);
  });

  it('three-way call with an expert seat, then the expert leaves; an off-duty seat is refused', async () => {
    const a = await desk('1001');
    const id = await placeCall(h.sim.httpUrl, '13800000016', '12345');
    await a.next('call.answered', (m) => m.callId === id);
    const externalSeat = 2; // 税务咨询专家, an external number
    await h.server.store.db.update(expertSeats).set({ onDuty: [{ days: [], from: '00:00', to: '00:01' }] }).where(eq(expertSeats.id, externalSeat));
    expect(await a.command('call.conference', { callId: id, target: { kind: 'expert', expertSeatId: externalSeat } })).toMatchObject({
      ok: false,
      error: '税务咨询专家 不在值班时间',
    });
    await h.server.store.db.update(expertSeats).set({ onDuty: [] }).where(eq(expertSeats.id, externalSeat));
    expect(await a.command('call.conference', { callId: id, target: { kind: 'expert', expertSeatId: externalSeat } })).toMatchObject({ ok: true });
    await a.next('call.conference', (m) => m.callId === id);
    expect((await partiesOf(id)).length).toBe(2);
    expect(await a.command('call.kick', { callId: id, party: 'third' })).toMatchObject({ ok: true });
    await waitFor(async () => (await partiesOf(id)).length === 1, 'expert gone, agent stays');
    expect(h.server.calls.call(id)?.state).toBe('connected');
    await hangupCaller(id);
  });

  it('emergency three-way with 110 alerts supervisors; when the agent drops the caller stays with 110', async () => {
    const a = await desk('1001');
    const id = await placeCall(h.sim.httpUrl, '13800000017', '12345');
    await a.next('call.answered', (m) => m.callId === id);
    expect(await a.command('call.conference', { callId: id, target: { kind: 'emergency', number: '110' } })).toMatchObject({ ok: true });
    expect(domainEvents.some((e) => e.type === 'alert' && e.kind === 'emergency-transfer' && e.callId === id)).toBe(true);
    expect(await a.command('call.kick', { callId: id, party: 'agent' })).toMatchObject({ ok: true });
    await a.next('agent.state', (m) => m.state === 'wrap_up');
    const parties = await waitFor(async () => {
      const p = await partiesOf(id);
      return p.length === 1 && p[0]?.name.startsWith('PJSIP/trunk') ? p : undefined;
    }, 'caller with 110 only');
    expect(parties).toHaveLength(1);
    await hangupCaller(id);
  });

  it('no answer: the agent goes not ready and the call is offered to the next agent', async () => {
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1001', { online: true, answer: 'noanswer' });
    const a = await desk('1001');
    const id = await placeCall(h.sim.httpUrl, '13800000018', '12345');
    await a.next('call.offered', (m) => m.callId === id);
    const b = await desk('1002');
    await a.next('agent.state', (m) => m.state === 'not_ready' && m.reason === '未接', 15_000);
    await b.next('call.answered', (m) => m.callId === id, 15_000);
    await hangupCaller(id);
  });
});

describe('duplicate delivery', () => {
  it('a StasisStart delivered twice still makes one ticket and one call flow', async () => {
    const seen: AriEvent[] = [];
    const capture = (e: AriEvent) => seen.push(e);
    h.server.link.ari.on('event', capture);
    const id = await placeCall(h.sim.httpUrl, '13800000021', '12345');
    const start = await waitFor(() => seen.find((e) => e.type === 'StasisStart' && e.channel.id === id), 'StasisStart');
    h.server.link.ari.off('event', capture);
    // Delivered again by the node's own link, as a redelivery would be.
    h.server.link.nodes[0]?.ari.emit('event', start);
    await waitFor(() => ticketRow(id), 'ticket');
    expect(await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id))).toHaveLength(1);
    expect(h.server.calls.calls().filter((c) => c.callId === id)).toHaveLength(1);
    await hangupCaller(id);
  });
});
