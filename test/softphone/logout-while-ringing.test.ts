/**
 * 退出登录 while the agent's phone rings for a queued caller: the ring is withdrawn at once — the
 * agent's phone stops ringing (nobody could pick it up into a call with no desktop), the pop's
 * `call.offer.withdrawn` says `logged-out`, there is no missed-ring alert — and the agent is signed
 * out of the phone (offline, the phone free). The caller does not wait out the ring timeout: the
 * next ready agent is offered the call, or with nobody ready the caller stays first in line.
 * (A desktop that merely disconnects keeps the ring: desktop-gone-while-ringing.test.ts.)
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../cti/events/domain-events.js';
import { listSkills } from '../../store/index.js';
import { OpenDesks, type AgentDesktop } from '../support/agent-desktop.js';
import { hangUpEverything, registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simAudio, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

let h: Harness;
const desks = new OpenDesks(() => h.server.httpUrl);
const events: DomainEvent[] = [];
const sim = simAudio(() => h.sim.httpUrl);

beforeAll(async () => {
  // A ring the logout did not stop would go on for 15 s: far longer than any wait below.
  h = await startHarness({ ringTimeoutSeconds: 15 });
  // The phones ring until answered.
  await registerPhones(h.sim, ['1001', '1002', '1003', '1004', '1005'], 'manual');
  h.server.calls.bus.subscribe((e) => events.push(e));
});
afterEach(async () => {
  await hangUpEverything(h);
  desks.closeAll();
});
afterAll(async () => {
  await h.stop();
});

const agent = (login: string) => h.server.calls.agents.list().find((a) => a.login === login);
const ringingPhone = async (n: string) => (await sim.channels()).some((c) => c.name.startsWith(`PJSIP/${n}-`));

/** 退出登录 on the desktop: 204, and the desktop is closed. */
async function logout(desk: AgentDesktop): Promise<void> {
  const res = await fetch(`${h.server.httpUrl}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${desk.token}` } });
  expect(res.status).toBe(204);
  expect(await desk.closed()).toBe(4401);
}

describe('退出登录 while the phone rings for a queued caller', () => {
  it('the ring is withdrawn at once, the agent is signed out, and the next ready agent is offered the caller', async () => {
    const leaving = await desks.open('1002', true);
    const next = await desks.open('1003');
    const callId = await placeCall(h.sim.httpUrl, '13800009501', '12345');
    await leaving.next('call.offered', (m) => m.callId === callId);
    expect(await ringingPhone('1002')).toBe(true);
    const mark = events.length;
    // Ready only now, so the call went to 1002 first.
    expect(await next.command('agent.ready')).toMatchObject({ ok: true });

    await logout(leaving);
    // The caller rings the next agent now, not after 1002's ring timeout.
    await next.next('call.offered', (m) => m.callId === callId);
    expect(agent('1002')).toMatchObject({ state: 'offline', endpoint: null, callId: null });
    // 1002's phone stopped ringing: picking up the handset now connects to nothing.
    expect(await ringingPhone('1002')).toBe(false);

    const mine = events.slice(mark).filter((e) => 'agentId' in e && e.agentId === agent('1002')?.agentId);
    expect(mine.filter((e) => e.type === 'call.offer.withdrawn')).toMatchObject([{ call: { callId }, reason: 'logged-out' }]);
    // Leaving is not missing a call: no 未接, no alert for the supervisor.
    expect(mine.filter((e) => e.type === 'call.missed' || (e.type === 'alert' && e.kind === 'missed-ring'))).toEqual([]);
    expect(mine.filter((e) => e.type === 'agent.state').map((e) => e.type === 'agent.state' && e.state)).toEqual(['offline']);
  });

  it('with nobody else ready, the caller stays first in line and is the first offered when an agent is free', async () => {
    const leaving = await desks.open('1002', true);
    const first = await placeCall(h.sim.httpUrl, '13800009502', '12345');
    await leaving.next('call.offered', (m) => m.callId === first);

    await logout(leaving);
    await waitFor(() => agent('1002')?.state === 'offline', '1002 signed out');
    expect(h.server.calls.call(first)?.state).toBe('queued');
    expect(await ringingPhone('1002')).toBe(false);

    // A later caller joins the line behind them.
    const later = await placeCall(h.sim.httpUrl, '13800009503', '12345');
    const general = (await listSkills(h.server.store.db)).find((s) => s.code === 'general');
    const line = () => h.server.calls.queue.waitingForSkill(general?.id ?? -1).map((m) => m.callId);
    await waitFor(() => line().includes(later), 'the later caller in line');
    expect(line()).toEqual([first, later]);

    const free = await desks.open('1003', true);
    await free.next('call.offered', (m) => m.callId === first);
    expect(free.received.some((m) => m.type === 'call.offered' && m.callId === later)).toBe(false);
  });

  it('a supervisor signing out a ringing agent (强制签出) withdraws the ring the same way', async () => {
    const ringing = await desks.open('1002', true);
    const next = await desks.open('1003');
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    const callId = await placeCall(h.sim.httpUrl, '13800009504', '12345');
    await ringing.next('call.offered', (m) => m.callId === callId);
    expect(await next.command('agent.ready')).toMatchObject({ ok: true });
    const mark = events.length;

    expect(await sup.command('agent.forceLogout', { agentId: agent('1002')?.agentId })).toMatchObject({ ok: true });
    // The desktop still open is told its pop is over, and why.
    expect(await ringing.next('call.offer.withdrawn', (m) => m.callId === callId)).toMatchObject({ reason: 'logged-out' });
    await next.next('call.offered', (m) => m.callId === callId);
    expect(agent('1002')).toMatchObject({ state: 'offline', endpoint: null });
    expect(await ringingPhone('1002')).toBe(false);
    expect(events.slice(mark).filter((e) => e.type === 'call.missed' || (e.type === 'alert' && e.kind === 'missed-ring'))).toEqual([]);
    sup.close();
  });
});
