/**
 * 话后整理 and the ticket: when the wrap-up ends, an agent whose call's ticket is registered
 * (登记完成) is ready for the next call; one whose ticket is still a draft is set 示忙 with the reason
 * `工单未登记` — reminded, not silently made ready — and goes ready again only by 示闲.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { simRequest } from '../support/sim-client.js';
import { answeredCall, fullForm } from '../support/ticket-calls.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ wrapUpSeconds: 1, wrapUpTicketCheck: 'remind' });
  await registerPhones(h.sim);
});
afterAll(async () => {
  await h.stop();
});

async function tokenOf(login: string): Promise<string> {
  const res = await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username: login, password: 'demo' });
  return res.body.token;
}

async function api(token: string, method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${h.server.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res.status;
}

describe('the end of the wrap-up', () => {
  it('makes the agent ready when the ticket is registered, and 示忙 (工单未登记) when it is still a draft', async () => {
    const desk = await AgentDesktop.login(h.server.httpUrl, '1002');
    const token = await tokenOf('1002');
    const urls = { httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl };

    const registered = await answeredCall(urls, desk, '13600001111');
    expect(await api(token, 'PATCH', `/api/v1/tickets/${registered.number}`, await fullForm(h.server.store.db))).toBe(200);
    expect(await api(token, 'POST', `/api/v1/tickets/${registered.number}/register`)).toBe(200);
    let mark = desk.received.length;
    await registered.hangUp();
    const wrapUp = await desk.next('agent.state', (m) => desk.received.indexOf(m) >= mark && m.state === 'wrap_up');
    expect(Date.parse(String(wrapUp.wrapUpUntil)) - Date.parse(String(wrapUp.at))).toBe(1000);
    await desk.next('agent.state', (m) => desk.received.indexOf(m) >= mark && m.state === 'ready');

    const draft = await answeredCall(urls, desk, '13600002222');
    expect(await api(token, 'PATCH', `/api/v1/tickets/${draft.number}`, { content: '只记了一半' })).toBe(200);
    mark = desk.received.length;
    await draft.hangUp();
    const reminded = await desk.next('agent.state', (m) => desk.received.indexOf(m) >= mark && m.state !== 'wrap_up');
    expect(reminded).toMatchObject({ state: 'not_ready', reason: '工单未登记' });
    expect(reminded.allowed).toEqual(['agent.ready', 'agent.notReady']);
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    desk.close();
  });
});
