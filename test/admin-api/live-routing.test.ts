/**
 * A change made through the admin API reaches the next call without a restart: an admin re-points the
 * merged number 12315 to a new `parallel` route with a new skill and a new agent, and a call placed
 * through the simulator is offered to that agent's desktop as `parallel`. A call already in progress
 * keeps the route it started with.
 *
 * (12315 is re-pointed because the simulator's dialplan — asterisk-config/extensions.conf — only has
 * the DIDs 12345, 12315, 12333 and 12366 in `from-pstn`; a brand-new number such as 12358 can be
 * configured through the API but not dialled until the dialplan has it.)
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, tickets } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { client, login, type ApiAnswer } from './admin-client.js';

const h = useHarness();
const desks: AgentDesktop[] = [];
let admin: <T = unknown>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;

interface Row {
  id: number;
  [key: string]: unknown;
}

beforeAll(async () => {
  await registerPhones(h.sim);
  admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
});
afterAll(() => {
  while (desks.length) desks.pop()?.close();
});

const callRow = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];
const ticketRow = async (id: string) => (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1))[0];
async function hangUp(id: string): Promise<void> {
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  await waitFor(async () => (await callRow(id))?.endedAt, 'the call to end');
}
async function desk(login: string, password = 'demo', endpoint?: string): Promise<AgentDesktop> {
  const d = await AgentDesktop.login(h.server.httpUrl, login, password, endpoint);
  desks.push(d);
  return d;
}

describe('admin changes reach the next call without a restart', () => {
  let route: Row;
  let newcomer: AgentDesktop;

  it('an admin disables 12315: the next call to it is served like 12345', async () => {
    const general = await desk('1001');
    expect(await general.command('agent.ready')).toMatchObject({ ok: true });
    const old = (await admin<Row[]>('GET', '/api/v1/routes')).body.find((r) => r.number === '12315');
    expect((await admin('PATCH', `/api/v1/routes/${old?.id}`, { enabled: false })).status).toBe(200);

    const id = await placeCall(h.sim.httpUrl, '13800006001', '12315');
    const pop = await general.next('call.offered', (m) => m.callId === id);
    expect(pop).toMatchObject({ mode: 'main', dialledNumber: '12315' });
    await hangUp(id);
    general.close();
    expect((await admin('DELETE', `/api/v1/routes/${old?.id}`)).status).toBe(204);
  });

  it('a new parallel route on 12315 with its own new skill and agent: the call reaches that agent as parallel', async () => {
    const skill = await admin<Row>('POST', '/api/v1/skills', { code: 'consumer-12315', name: '12315 消费者权益' });
    expect(skill.status).toBe(201);
    const agent = await admin<Row>('POST', '/api/v1/agents', {
      login: '2001',
      name: '周敏',
      password: 'consumer-2001',
      skills: [{ skillId: skill.body.id, level: 8 }],
    });
    expect(agent.status).toBe(201);
    const created = await admin<Row>('POST', '/api/v1/routes', {
      number: '12315',
      name: '12315 消费者权益保护热线',
      mode: 'parallel',
      prompt: 'greeting-12315',
      skillId: skill.body.id,
      priority: 2,
    });
    expect(created.status).toBe(201);
    route = created.body;

    // The new agent has no phone of their own yet: they sit at 1005 today (hot-desking).
    newcomer = await desk('2001', 'consumer-2001', 'PJSIP/1005');
    expect(await newcomer.command('agent.ready')).toMatchObject({ ok: true });
    const general = await desk('1002');
    expect(await general.command('agent.ready')).toMatchObject({ ok: true });

    const id = await placeCall(h.sim.httpUrl, '13800006002', '12315');
    const pop = await newcomer.next('call.offered', (m) => m.callId === id);
    expect(pop).toMatchObject({ mode: 'parallel', hotline: '12315 消费者权益保护热线', dialledNumber: '12315' });
    await newcomer.next('call.answered', (m) => m.callId === id);
    expect(general.received.some((m) => m.type === 'call.offered' && m.callId === id)).toBe(false);
    expect(await ticketRow(id)).toMatchObject({ routeId: route.id, hotline: '12315 消费者权益保护热线' });
    await hangUp(id);
    general.close();
  });

  it('a call already waiting keeps the route it started with when the route changes', async () => {
    const me = h.server.calls.agents.list().find((a) => a.login === '2001');
    await waitFor(() => me?.state === 'wrap_up' || me?.state === 'ready', 'the new agent to be off the last call');
    expect(await newcomer.command('agent.notReady', { reason: '会议' })).toMatchObject({ ok: true });
    const id = await placeCall(h.sim.httpUrl, '13800006003', '12315');
    await waitFor(() => h.server.calls.call(id)?.state === 'queued', 'the call to wait in the queue');

    expect((await admin('PATCH', `/api/v1/routes/${route.id}`, { name: '12315 改名后' })).status).toBe(200);
    expect(await newcomer.command('agent.ready')).toMatchObject({ ok: true });
    const pop = await newcomer.next('call.offered', (m) => m.callId === id);
    expect(pop).toMatchObject({ mode: 'parallel', hotline: '12315 消费者权益保护热线' });
    await hangUp(id);
  });
});
