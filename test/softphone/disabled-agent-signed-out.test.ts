/**
 * An admin disables (停用), deletes or re-roles an agent who is logged in. Their sessions end and
 * their desktop closes, and the agent leaves the live agent list — signed out first, like 退出登录:
 * `agent.state` `offline` is published, so the state history the KPIs read (agent_state_changes)
 * does not keep them 示闲 or 示忙 for every hour after the change (a lower 占用率, time of a seat
 * nobody sits at), until they are enabled and log in again.
 */
import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentStateChanges, agents } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { api, login } from '../admin-api/admin-client.js';
import { AgentDesktop, OpenDesks } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { waitFor } from '../support/sim-client.js';

const h = useHarness();
const desks = new OpenDesks(() => h.server.httpUrl);
const opened: AgentDesktop[] = [];
let admin: string;

beforeAll(async () => {
  await registerPhones(h.sim);
  admin = await login(h.server.httpUrl, 'admin');
});
afterAll(() => {
  desks.closeAll();
  for (const d of opened) d.close();
});

const idOf = async (login: string) => first(await h.server.store.db.select().from(agents).where(eq(agents.login, login)).limit(1))?.id;
const lastState = async (agentId: number) =>
  first(await h.server.store.db.select().from(agentStateChanges).where(eq(agentStateChanges.agentId, agentId)).orderBy(desc(agentStateChanges.id)).limit(1));
const historyOf = async (agentId: number) => (await h.server.store.db.select().from(agentStateChanges).where(eq(agentStateChanges.agentId, agentId))).map((r) => r.state);

/**
 * A later state change of another agent (1004 示忙 with a new reason each time): the history is
 * written in the order published, so anything about an agent published before it is written once it is.
 */
let marker: AgentDesktop | undefined;
let marks = 0;
async function mark(): Promise<void> {
  const other = await idOf('1004');
  if (other === undefined) throw new Error('demo agent 1004 missing');
  marker ??= await desks.open('1004');
  const reason = `标记${++marks}`;
  expect(await marker.command('agent.notReady', { reason })).toMatchObject({ ok: true });
  await waitFor(async () => (await lastState(other))?.reason === reason || undefined, 'the marker row');
}

/** A new agent account with no phone of its own, logged in at `phone`. */
async function newAgent(loginName: string, phone: string): Promise<{ id: number; desk: AgentDesktop }> {
  const made = await api<{ id: number }>(h.server.httpUrl, 'POST', '/api/v1/agents', {
    token: admin,
    body: { login: loginName, name: '测试坐席', role: 'agent', password: 'demo-password' },
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const desk = await AgentDesktop.login(h.server.httpUrl, loginName, 'demo-password', phone);
  opened.push(desk);
  return { id: made.body.id, desk };
}

describe('an agent whose account stops being an enabled agent while logged in', () => {
  it('disabled while 示闲: is recorded offline, so the KPIs stop counting them ready', async () => {
    const id = await idOf('1005');
    if (id === undefined) throw new Error('demo agent 1005 missing');
    const desk = await desks.open('1005', true);
    await waitFor(async () => (await lastState(id))?.state === 'ready', 'the ready state recorded');

    const res = await api(h.server.httpUrl, 'PATCH', `/api/v1/agents/${id}`, { token: admin, body: { enabled: false } });
    expect(res.status).toBe(200);
    expect(await desk.closed()).toBe(4401);
    await waitFor(() => h.server.calls.agents.get(id) === undefined, 'the agent gone from the registry');

    await mark();
    const history = await historyOf(id);
    expect(history.at(-1), `the last recorded state of the disabled agent (history: ${history.join(' → ')})`).toBe('offline');
  });

  it('deleted while 示忙: is recorded offline', async () => {
    const { id, desk } = await newAgent('2101', 'PJSIP/1003');
    await waitFor(async () => (await lastState(id))?.state === 'not_ready', 'the 示忙 state recorded');

    const res = await api(h.server.httpUrl, 'DELETE', `/api/v1/agents/${id}`, { token: admin });
    expect(res.status).toBe(204);
    expect(await desk.closed()).toBe(4401);
    await waitFor(() => h.server.calls.agents.get(id) === undefined, 'the agent gone from the registry');

    await mark();
    const history = await historyOf(id);
    expect(history.at(-1), `the last recorded state of the deleted agent (history: ${history.join(' → ')})`).toBe('offline');
  });

  it('made a supervisor while 示闲: is recorded offline, and their phone is free for another agent', async () => {
    const { id, desk } = await newAgent('2102', 'PJSIP/1002');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    await waitFor(async () => (await lastState(id))?.state === 'ready', 'the ready state recorded');

    const res = await api(h.server.httpUrl, 'PATCH', `/api/v1/agents/${id}`, { token: admin, body: { role: 'supervisor' } });
    expect(res.status).toBe(200);
    expect(await desk.closed()).toBe(4401);
    await waitFor(() => h.server.calls.agents.get(id) === undefined, 'the agent gone from the registry');

    await mark();
    const history = await historyOf(id);
    expect(history.at(-1), `the last recorded state of the re-roled agent (history: ${history.join(' → ')})`).toBe('offline');
    // Nobody holds the phone any more: the agent who usually sits there logs in at it.
    const usual = await desks.open('1002', true);
    expect(usual.received.find((m) => m.type === 'hello')?.agent).toMatchObject({ endpoint: 'PJSIP/1002' });
  });
});
