/**
 * A supervisor's 强制签出 (`agent.forceLogout`) of an agent whose desk is open: the agent is signed
 * out of the phone, and their desk is told so in Chinese — that the supervisor signed them out — and
 * closed, like a 退出登录 done for them. The desk's login ends with it: a reconnect of its socket (the
 * page's automatic retry, a network blip) is refused and does not sign the agent back in behind the
 * supervisor's back; the agent is back only by logging in again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenDesks } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();
const desks = new OpenDesks(() => h.server.httpUrl);
let sup: SupervisorDesk | undefined;

beforeAll(async () => {
  await registerPhones(h.sim);
});
afterAll(() => {
  desks.closeAll();
  sup?.close();
});

const agent = (login: string) => h.server.calls.agents.list().find((a) => a.login === login);

describe("a supervisor's 强制签出 of an agent at their desk", () => {
  it('tells the desk who signed them out, and a reconnect does not sign them back in', async () => {
    const desk = await desks.open('1002', true);
    sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    expect(await sup.command('agent.forceLogout', { agentId: agent('1002')?.agentId })).toMatchObject({ ok: true });

    const told = await desk.next('session.ended');
    expect(String(told.message), 'what the desk shows').toMatch(/班长.*签出/);
    expect(await desk.closed()).toBe(4401);
    expect(agent('1002')).toMatchObject({ state: 'offline', endpoint: null });

    // The page's automatic reconnect: refused, and the agent stays signed out.
    await expect(desk.connect()).rejects.toThrow(/401/);
    expect(agent('1002')).toMatchObject({ state: 'offline', endpoint: null });

    // Logging in again is the agent's own step: then they are at their phone (示忙 until they go ready).
    const again = await desks.open('1002');
    expect(again.received.find((m) => m.type === 'hello')?.agent).toMatchObject({ state: 'not_ready', endpoint: 'PJSIP/1002' });
  });
});
