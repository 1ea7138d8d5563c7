/**
 * A leg rings while the server's ARI event socket is away, and ends in that gap: a citizen who picks
 * up a click-to-call (Asterisk cannot hand the channel to an application with no socket, so it hangs
 * up), a transfer target who picks up. No event of it comes again; the reconciliation after the
 * reconnect settles the ring, so the agent is told what happened and nobody is blamed for a ring
 * whose end nobody heard.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { diallingCitizen } from '../support/dialling-citizen.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function harness(): Promise<Harness> {
  h = await startHarness();
  return h;
}

const channelIds = async (sim: Harness['sim']) => (await simRequest<{ id: string; name: string }[]>(sim.httpUrl, 'GET', '/sim/channels')).body;

/** Closes the server's event socket and keeps it out for a while (REST is still answered); resolves once the server knows. */
async function cutEvents(harness: Harness): Promise<void> {
  expect((await simRequest(harness.sim.httpUrl, 'POST', '/sim/faults', { kind: 'cut-ari-events', downtimeMs: 1500 })).status).toBe(202);
  await waitFor(() => !harness.server.link.status().ari, 'the server without its event socket');
}

const agentIdOf = (harness: Harness, login: string) => harness.server.calls.agents.list().find((a) => a.login === login)?.agentId ?? -1;

describe('a ring whose end went unheard while the event socket was away', () => {
  it('click-to-call: the citizen picks up in the gap; the agent is told the link failed and is ready again', async () => {
    const t = await harness();
    const { sim, server } = t;
    await registerPhones(sim, ['1001']);
    const { desk, callId, reply } = await diallingCitizen(sim, server);

    await cutEvents(t);
    expect((await simRequest(sim.httpUrl, 'POST', `/sim/channels/${callId}/answer`)).status).toBe(204);
    await waitFor(async () => !(await channelIds(sim)).some((c) => c.id === callId), 'the citizen hung up by Asterisk (no application to enter)');

    // Told once the socket is back, with the reason, not "无人接听" from a timer.
    expect(await reply).toMatchObject({ ok: false, error: '外呼失败：振铃时与交换机的连接中断' });
    await desk.next('agent.state', (m) => m.state === 'ready');
    const row = (await server.store.db.select().from(calls).where(eq(calls.linkedId, callId)))[0];
    expect(row).toMatchObject({ outcome: 'failed', state: 'ended' });
    await waitFor(async () => (await channelIds(sim)).length === 0, "the agent's leg hung up");
    desk.close();
  });

  it('blind transfer: the target agent picks up in the gap; the caller goes back to the queue and the target is not set 未接', async () => {
    const t = await harness();
    const { sim, server } = t;
    await registerPhones(sim, ['1001']);
    await registerPhones(sim, ['1002'], 'manual');
    const a = await AgentDesktop.login(server.httpUrl, '1001');
    await a.command('agent.ready');
    const id = await placeCall(sim.httpUrl, '13800000021', '12345');
    await a.next('call.answered', (m) => m.callId === id, 15_000);
    const b = await AgentDesktop.login(server.httpUrl, '1002');
    await b.command('agent.ready');
    const bId = agentIdOf(t, '1002');
    expect(await a.command('call.transfer', { callId: id, target: { kind: 'agent', agentId: bId }, mode: 'blind' })).toMatchObject({ ok: true });
    await b.next('call.offered', (m) => m.callId === id);
    // The transferring agent goes away: the call can only come back to 1002.
    a.close();

    await cutEvents(t);
    expect((await simRequest(sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer')).status).toBe(200);

    // The transfer gives up on the ring and the caller is back in line, where 1002, still ready (a
    // ring whose end nobody heard is no missed ring), is offered the call again and takes it.
    const offers = () => b.received.filter((m) => m.type === 'call.offered' && m.callId === id).length;
    await waitFor(() => offers() === 2, 'the call offered to 1002 again', 10_000);
    expect((await simRequest(sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer')).status).toBe(200);
    await b.next('call.answered', (m) => m.callId === id);
    expect(server.calls.call(id)).toMatchObject({ state: 'connected', agentId: bId });
    expect(b.received.some((m) => m.type === 'agent.state' && m.state === 'not_ready')).toBe(false);
    // Its first pop went away as a ring not reached, not as one let time out (振铃超时未接，已为您示忙).
    expect(b.received.filter((m) => m.type === 'call.offer.withdrawn' && m.callId === id).map((m) => m.reason)).toEqual(['not-reached']);
    b.close();
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  });
});
