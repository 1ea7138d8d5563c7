/**
 * A parallel hotline (双号并行) is served by its merged agents and its expert seats (专家座席): an agent
 * who sits in an enabled seat for the hotline's skill is offered its waiting callers while the seat is
 * on duty, without holding that skill themselves. Agent 1002 (own skill: general only) sits in a seat
 * for 12315's skill; nobody else who holds it is logged in, and overflow is an hour away, so only the
 * seat can bring a 12315 caller to 1002. The duty window follows the test clock (Wednesday 10:00 at
 * the start); the server re-checks it by itself and logs each agent whose seat skills change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, login, type ApiAnswer } from '../admin-api/admin-client.js';
import { OpenDesks, type AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { capturedLog } from '../support/test-logger.js';

const captured = capturedLog('info');
const h = useHarness({ queueOverflowSeconds: 3600 }, {}, captured.log);
const desks = new OpenDesks(() => h.server.httpUrl);
let admin: <T = unknown>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;
let agentId = 0;
let seatId = 0;
let desk: AgentDesktop;

interface SimChannel {
  id: string;
  name: string;
  state: string;
}

const agent = () => h.server.calls.agents.get(agentId);
const offered = (id: string) => desk.received.some((m) => m.type === 'call.offered' && m.callId === id);

/** A 12315 caller who is queued; the agent, ready, has not been offered them. */
async function callerWaiting(number: string): Promise<string> {
  const id = await placeCall(h.sim.httpUrl, number, '12315');
  await waitFor(() => h.server.calls.call(id)?.state === 'queued', 'the 12315 caller queued');
  expect(agent()?.state).toBe('ready');
  expect(offered(id)).toBe(false);
  return id;
}

async function hangUp(id: string): Promise<void> {
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  await waitFor(() => !h.server.calls.call(id), 'the call over');
}

/** Moves the test clock and waits until the server has found the seat's skill gone or back for the agent. */
async function clockTo(at: string, onDuty: boolean): Promise<void> {
  const from = captured.lines.length;
  h.clock.set(at);
  await waitFor(
    () =>
      captured.lines
        .slice(from)
        .map((line) => JSON.parse(line) as { msg: string; agentId?: number; skillIds?: number[] })
        .some((l) => l.msg === 'expert seat skills changed' && l.agentId === agentId && (l.skillIds?.length ?? 0) > 0 === onDuty),
    `the seat ${onDuty ? 'on' : 'off'} duty`,
  );
}

beforeAll(async () => {
  await registerPhones(h.sim);
  admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
  const skills = (await admin<{ id: number; code: string }[]>('GET', '/api/v1/skills')).body;
  const market = skills.find((s) => s.code === 'market-12315');
  const agents = (await admin<{ id: number; login: string; skills: { skillId: number }[] }[]>('GET', '/api/v1/agents')).body;
  const row = agents.find((a) => a.login === '1002');
  agentId = row?.id ?? 0;
  // 1002 does not hold the hotline's skill: only the seat gives it.
  expect(row?.skills.map((s) => s.skillId)).not.toContain(market?.id);
  const seat = await admin<{ id: number }>('POST', '/api/v1/expert-seats', {
    name: '12315 值班专家',
    department: '市市场监督管理局',
    agentId,
    skillId: market?.id,
    onDuty: [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }],
  });
  expect(seat.status).toBe(201);
  seatId = seat.body.id;
  desk = await desks.open('1002', true);
});
afterAll(() => desks.closeAll());

describe('an agent in an expert seat of a parallel hotline', () => {
  it('is offered a call to the hotline while the seat is enabled and on duty', async () => {
    const id = await placeCall(h.sim.httpUrl, '13800007301', '12315');
    expect(await desk.next('call.offered', (m) => m.callId === id, 8000)).toMatchObject({ callId: id, dialledNumber: '12315' });
    await desk.next('call.answered', (m) => m.callId === id);
    await hangUp(id);
    await waitFor(() => agent()?.state === 'ready', 'the agent ready again after wrap-up');
  });

  it('is not offered the call while the seat is disabled; enabling it offers the waiting caller at once', async () => {
    expect((await admin('PATCH', `/api/v1/expert-seats/${seatId}`, { enabled: false })).status).toBe(200);
    const id = await callerWaiting('13800007302');
    // No restart, no other change: the seat's change alone brings the caller to the agent.
    expect((await admin('PATCH', `/api/v1/expert-seats/${seatId}`, { enabled: true })).status).toBe(200);
    await desk.next('call.offered', (m) => m.callId === id, 8000);
    await desk.next('call.answered', (m) => m.callId === id);
    await hangUp(id);
    await waitFor(() => agent()?.state === 'ready', 'the agent ready again after wrap-up');
  });

  it('is not offered the call before the duty window opens, and is offered the waiting caller once it does', async () => {
    // Wednesday 08:29:30 in Shanghai: half a minute before the seat's window.
    await clockTo('2026-06-10T00:29:30.000Z', false);
    const id = await callerWaiting('13800007303');
    await clockTo('2026-06-10T00:30:00.000Z', true);
    await desk.next('call.offered', (m) => m.callId === id, 8000);
    await desk.next('call.answered', (m) => m.callId === id);
    await hangUp(id);
    await waitFor(() => agent()?.state === 'ready', 'the agent ready again after wrap-up');
  });

  it('a window closing leaves the ringing call alone and offers no new caller', async () => {
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: true, answer: 'manual', answerDelayMs: 50 });
    // Wednesday 17:29 in Shanghai: still on duty (the clock moved within the window: nothing changes).
    h.clock.set('2026-06-10T09:29:00.000Z');
    const id = await placeCall(h.sim.httpUrl, '13800007304', '12315');
    await desk.next('call.offered', (m) => m.callId === id, 8000);
    const phone = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body.find((c) => c.name.startsWith('PJSIP/1002-'));
    await waitFor(async () => (await phone())?.state === 'Ringing', "1002's phone ringing");

    await clockTo('2026-06-10T09:30:00.000Z', false);
    // The ring goes on and is answered into the call as usual.
    expect(agent()).toMatchObject({ state: 'ringing', callId: id });
    expect(desk.received.some((m) => m.type === 'call.offer.withdrawn' && m.callId === id)).toBe(false);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${(await phone())?.id}/answer`);
    await desk.next('call.answered', (m) => m.callId === id);
    expect(agent()).toMatchObject({ state: 'on_call', callId: id });
    await hangUp(id);
    await waitFor(() => agent()?.state === 'ready', 'the agent ready again after wrap-up');

    // Off duty now: the next 12315 caller waits, the agent is not rung.
    const next = await callerWaiting('13800007305');
    await hangUp(next);
    await registerPhones(h.sim);
  });
});
