/**
 * 退出登录 signs the agent out of their phone, not only out of the desktop: with no other desktop of
 * theirs open they go `offline` (the wallboard says so, not 示忙) and the phone is free — the next
 * shift's agent can sit at it, and the agent can sit at another phone. An agent on a call when they
 * log out keeps the call (the phone is not taken from a citizen mid-sentence) and is signed out when
 * it ends; a desktop of theirs still open in another session keeps them signed in. (A phone ringing
 * when they log out stops at once: logout-while-ringing.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { AgentDesktop, type WireMessage } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();

const agent = (login: string) => h.server.calls.agents.list().find((a) => a.login === login);

/** Logs in over HTTP at `endpoint` and opens the agent socket: its first message (hello, or the refusal before 4409). */
async function openDesk(username: string, endpoint: string): Promise<{ first: WireMessage; socket: WebSocket }> {
  const res = await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username, password: 'demo', endpoint });
  expect(res.status).toBe(200);
  const socket = new WebSocket(`${h.server.httpUrl.replace('http', 'ws')}/ws/agent?token=${encodeURIComponent(res.body.token)}`);
  let first: WireMessage | undefined;
  socket.on('message', (data: Buffer) => {
    first ??= JSON.parse(data.toString()) as WireMessage;
  });
  return { first: await waitFor(() => first, 'the first message'), socket };
}

/** 退出登录 on the desktop: 204, and the desktop is closed. */
async function logout(desk: AgentDesktop): Promise<void> {
  const res = await fetch(`${h.server.httpUrl}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${desk.token}` } });
  expect(res.status).toBe(204);
  expect(await desk.closed()).toBe(4401);
}

describe('退出登录 frees the phone', () => {
  it('the agent goes offline on the wallboard, and the next agent can sit at the phone they left', async () => {
    await registerPhones(h.sim);
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    const first = await AgentDesktop.login(h.server.httpUrl, '1001');
    expect(await first.command('agent.ready')).toMatchObject({ ok: true });
    await logout(first);
    await waitFor(() => agent('1001')?.desktops === 0, "1001's desktop gone");
    expect(agent('1001')).toMatchObject({ state: 'offline', endpoint: null });
    await sup.next('snapshot', (m) => (m.agents as { login: string; state: string }[]).some((a) => a.login === '1001' && a.state === 'offline'));
    sup.close();

    // The next shift: 1002 sits down at the phone 1001 left.
    const next = await openDesk('1002', 'PJSIP/1001');
    expect(next.first).toMatchObject({ type: 'hello', agent: { login: '1002', endpoint: 'PJSIP/1001' } });
    next.socket.close();
    await waitFor(() => agent('1002')?.desktops === 0, "1002's desktop gone");
  });

  it('the agent can log in again at another phone', async () => {
    const first = await AgentDesktop.login(h.server.httpUrl, '1003');
    await logout(first);
    await waitFor(() => agent('1003')?.desktops === 0, "1003's desktop gone");

    const again = await openDesk('1003', 'PJSIP/1002');
    expect(again.first).toMatchObject({ type: 'hello', agent: { login: '1003', endpoint: 'PJSIP/1002', state: 'not_ready' } });
    again.socket.close();
    await waitFor(() => agent('1003')?.desktops === 0, "1003's desktop gone again");
  });

  it('an agent on a call keeps it, and is signed out when it ends', async () => {
    await registerPhones(h.sim);
    const desk = await AgentDesktop.login(h.server.httpUrl, '1004');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    // 1004 serves 12315 (market supervision).
    const callId = await placeCall(h.sim.httpUrl, '13800009401', '12315');
    await desk.next('call.answered', (m) => m.callId === callId);

    await logout(desk);
    await waitFor(() => agent('1004')?.desktops === 0, "1004's desktop gone");
    // Still talking: the call and the phone stay theirs.
    expect(agent('1004')).toMatchObject({ state: 'on_call', callId, endpoint: 'PJSIP/1004' });
    expect(h.server.calls.call(callId)?.hasEnded).toBe(false);

    // The caller hangs up: the agent is signed out, not left in wrap-up or 示忙 at the phone.
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    await waitFor(() => agent('1004')?.state === 'offline', '1004 signed out');
    expect(agent('1004')?.endpoint).toBeNull();
  });

  it('another desktop of the agent still open keeps them signed in at the phone', async () => {
    const kept = await AgentDesktop.login(h.server.httpUrl, '1005');
    const left = await AgentDesktop.login(h.server.httpUrl, '1005');
    expect(await kept.command('agent.ready')).toMatchObject({ ok: true });
    await logout(left);
    await waitFor(() => agent('1005')?.desktops === 1, 'one desktop left');
    expect(agent('1005')).toMatchObject({ state: 'ready', endpoint: 'PJSIP/1005' });
    kept.close();
  });
});
