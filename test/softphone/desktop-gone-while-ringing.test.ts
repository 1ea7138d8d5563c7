/**
 * A desktop that disappears while its agent's phone rings, and the ring is then over without an
 * answer (the caller hangs up): PROTOCOL.md, "while no desktop of an agent is connected, no call is
 * offered to them". The agent is not put back to `ready` (the next caller would ring a seat whose
 * pop nobody sees) but set 示忙 (桌面连接断开), which the desktop is told when it comes back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ ringTimeoutSeconds: 15 });
  // The phones ring until answered: the ring is over only when the caller hangs up.
  await registerPhones(h.sim, ['1001', '1002', '1003', '1004', '1005'], 'manual');
});
afterAll(async () => {
  await h.stop();
});

const agent = (login: string) => h.server.calls.agents.list().find((a) => a.login === login);

describe('desktop gone while the phone rings', () => {
  it('the caller hangs up during the ring: the agent is set not ready (桌面连接断开), not ready again', async () => {
    const desk = await AgentDesktop.login(h.server.httpUrl, '1003');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    const callId = await placeCall(h.sim.httpUrl, '13800009101', '12345');
    await desk.next('call.offered', (m) => m.callId === callId);
    expect(agent('1003')?.state).toBe('ringing');

    // The browser tab is closed while the phone rings: the ring goes on.
    desk.close();
    await desk.closed();
    await waitFor(() => agent('1003')?.desktops === 0, 'the desktop counted gone');
    expect(agent('1003')?.state).toBe('ringing');

    // The caller gives up before anyone answers.
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    await waitFor(() => agent('1003')?.state !== 'ringing', 'the ring over');
    expect(agent('1003')).toMatchObject({ state: 'not_ready', reason: '桌面连接断开', callId: null });

    // The desktop that comes back is told why the agent is 示忙.
    desk.received.length = 0;
    await desk.connect();
    const hello = await desk.next('hello');
    expect(hello).toMatchObject({ agent: { state: 'not_ready', reason: '桌面连接断开' }, call: null, notice: '连接断开期间您已被置为示忙，请确认后示闲' });
    desk.close();
  });
});
