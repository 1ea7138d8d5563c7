/**
 * A citizen's call end to end, through the simulator and a real agent WebSocket: ticket before the
 * first prompt, greeting, queue, screen-pop with the ticket and caller history, answer, bridge and
 * recording, hang-up, wrap-up and back to ready.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { calls, missedCalls, tickets } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await registerPhones(h.sim);
});
afterAll(async () => {
  await h.stop();
});

const callRow = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
const ticketRow = async (id: string) => first(await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1));

interface SimChannel {
  id: string;
  state: string;
  bridgeId: string | null;
  hearing: string | null;
}
const simChannel = async (id: string) => (await simRequest<SimChannel>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).body;

describe('agent desktop connection', () => {
  it('refuses a WebSocket without a token, or with a forged one, with 401', async () => {
    for (const query of ['', '?token=not-a-token']) {
      const status = await new Promise<number>((resolve) => {
        const socket = new WebSocket(`${h.server.httpUrl.replace('http', 'ws')}/ws/agent${query}`);
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        socket.on('open', () => resolve(101));
        socket.on('error', () => undefined);
      });
      expect(status).toBe(401);
    }
  });

  it('refuses a wrong password without saying which part was wrong', async () => {
    const res = await simRequest<{ error: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username: '1001', password: 'nope' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('工号或密码错误');
    const unknown = await simRequest<{ error: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username: 'ghost', password: 'x' });
    expect(unknown.body).toEqual(res.body);
  });

  it('answers a malformed command with a result naming the problem, and keeps the connection', async () => {
    const desk = await AgentDesktop.login(h.server.httpUrl, '1005');
    desk.sendRaw('{not json');
    expect(await desk.next('result', (m) => m.id === null)).toMatchObject({ ok: false, error: '消息不是有效的 JSON' });
    const bad = await desk.command('agent.notReady', {});
    expect(bad).toMatchObject({ ok: false });
    expect(String(bad.error)).toContain('消息格式不正确');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    expect(await desk.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
    desk.close();
  });
});

describe('a call to 12345', () => {
  it('pops on the ready agent with the ticket and history, connects, records, ends, and wraps up', async () => {
    // An earlier call from the same number makes this one a repeat caller.
    const earlier = await placeCall(h.sim.httpUrl, '13700137000', '12345');
    await waitFor(() => ticketRow(earlier), 'first ticket');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${earlier}/hangup`);
    await waitFor(async () => (await callRow(earlier))?.endedAt, 'first call ended');

    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });

    const channelId = await placeCall(h.sim.httpUrl, '13700137000', '12345');
    const ticket = await waitFor(() => ticketRow(channelId), 'ticket');

    const pop = await desk.next('call.offered', (m) => m.callId === channelId);
    expect(pop).toMatchObject({
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      callerNumber: '13700137000',
      dialledNumber: '12345',
      hotline: '12345 政务服务便民热线',
      mode: 'main',
      repeatCaller: true,
    });
    expect((pop.history as { ticketNumber: string }[]).map((t) => t.ticketNumber)).toContain((await ticketRow(earlier))?.number);

    await desk.next('call.answered', (m) => m.callId === channelId);
    const caller = await simChannel(channelId);
    expect(caller.bridgeId).toBeTruthy();
    const row = await waitFor(async () => {
      const r = await callRow(channelId);
      return r?.recording ? r : undefined;
    }, 'recording stored');
    expect(row.outcome).toBe('answered');
    expect((await ticketRow(channelId))?.recording).toBe(row.recording);

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${channelId}/hangup`);
    await desk.next('call.ended', (m) => m.callId === channelId);
    await desk.next('agent.state', (m) => m.state === 'wrap_up');
    await desk.next('agent.state', (m) => m.state === 'ready' && desk.received.some((x) => x.state === 'wrap_up'));
    expect(await callRow(channelId)).toMatchObject({ outcome: 'answered', state: 'ended' });
    expect((await callRow(channelId))?.endedAt).toBeTruthy();
    desk.close();
  });

  it('a caller who gives up in the queue lands on the missed-call list with the wait', async () => {
    const channelId = await placeCall(h.sim.httpUrl, '13600136000', '12345');
    await waitFor(async () => (await simChannel(channelId)).bridgeId !== null, 'caller in the holding bridge');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${channelId}/hangup`);
    const row = await waitFor(async () => {
      const r = await callRow(channelId);
      return r?.endedAt ? r : undefined;
    }, 'call ended');
    expect(row.outcome).toBe('abandoned');
    const missed = first(await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.callId, row.id)).limit(1));
    expect(missed).toMatchObject({ callerNumber: '13600136000', status: 'pending' });
  });

  it('the agent registers the ticket during the call; nobody else may', async () => {
    const desk = await AgentDesktop.login(h.server.httpUrl, '1003');
    await desk.command('agent.ready');
    const channelId = await placeCall(h.sim.httpUrl, '13300133000', '12345');
    const pop = await desk.next('call.offered', (m) => m.callId === channelId);
    await desk.next('call.answered', (m) => m.callId === channelId);
    const number = String(pop.ticketNumber);
    const auth = async (username: string) =>
      (await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username, password: 'demo' })).body.token;
    const patch = (token: string, body: unknown) =>
      fetch(`${h.server.httpUrl}/api/v1/tickets/${number}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const mine = await auth('1003');
    const ok = await patch(mine, { category: 'complaint', urgency: 'B', content: '小区噪音扰民', address: '渝中区解放碑', disposition: 'dispatch' });
    expect(ok.status).toBe(200);
    const bad = await patch(mine, { category: 'praise' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('category');
    // Another agent's ticket answers exactly like a missing one (numbers cannot be probed).
    const others = await patch(await auth('1002'), { content: 'x' });
    const missing = await fetch(`${h.server.httpUrl}/api/v1/tickets/0000000000`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${await auth('1002')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'x' }),
    });
    expect([others.status, await others.text()]).toEqual([missing.status, await missing.text()]);
    expect(others.status).toBe(404);
    const peek = await fetch(`${h.server.httpUrl}/api/v1/tickets/${number}`, { headers: { authorization: `Bearer ${await auth('1002')}` } });
    expect(peek.status).toBe(404);
    expect((await patch('forged', { content: 'x' })).status).toBe(401);
    const read = await fetch(`${h.server.httpUrl}/api/v1/tickets/${number}`, { headers: { authorization: `Bearer ${mine}` } });
    const body = (await read.json()) as { ticket: Record<string, unknown>; history: { kind: string }[] };
    expect(body.ticket).toMatchObject({ category: 'complaint', urgency: 'B', content: '小区噪音扰民', disposition: 'dispatch' });
    // Saved as a draft: 登记完成 is a step of its own (test/tickets/ticket-registration.test.ts).
    expect(body.history.map((e) => e.kind)).toEqual(['created', 'answered']);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${channelId}/hangup`);
    desk.close();
  });

  it('a desktop that reconnects mid-call gets the call back in hello', async () => {
    const desk = await AgentDesktop.login(h.server.httpUrl, '1004');
    await desk.command('agent.ready');
    const channelId = await placeCall(h.sim.httpUrl, '13400134000', '12315');
    await desk.next('call.answered', (m) => m.callId === channelId);
    desk.close();
    const again = await AgentDesktop.login(h.server.httpUrl, '1004');
    const hello = await again.next('hello');
    expect(hello.agent).toMatchObject({ login: '1004', state: 'on_call' });
    expect(hello.call).toMatchObject({ callId: channelId, state: 'connected', ticketNumber: (await ticketRow(channelId))?.number });
    expect(await again.command('call.hangup', { callId: channelId })).toMatchObject({ ok: true });
    again.close();
  });

  it('a command on another agent\'s call is refused', async () => {
    const a = await AgentDesktop.login(h.server.httpUrl, '1002');
    const b = await AgentDesktop.login(h.server.httpUrl, '1003');
    await a.command('agent.ready');
    const channelId = await placeCall(h.sim.httpUrl, '13500135000', '12345');
    await a.next('call.answered', (m) => m.callId === channelId);
    expect(await b.command('call.hold', { callId: channelId })).toMatchObject({ ok: false, error: '不能操作其他坐席的通话' });
    expect(await a.command('call.hold', { callId: channelId })).toMatchObject({ ok: true });
    await a.next('call.held', (m) => m.callId === channelId);
    expect(await a.command('call.resume', { callId: channelId })).toMatchObject({ ok: true });
    expect(await a.command('call.hangup', { callId: channelId })).toMatchObject({ ok: true });
    await a.next('call.ended', (m) => m.callId === channelId);
    // Nothing about a colleague's call reaches this desktop: no pop, no answer, no hold, no end.
    expect(b.received.filter((m) => m.callId === channelId)).toEqual([]);
    expect(a.received.filter((m) => m.callId === channelId).map((m) => m.type)).toEqual(expect.arrayContaining(['call.offered', 'call.answered', 'call.held', 'call.resumed', 'call.ended']));
    a.close();
    b.close();
  });
});
