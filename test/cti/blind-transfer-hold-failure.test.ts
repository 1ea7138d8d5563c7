/**
 * A blind transfer whose "caller on hold" step the PBX refuses (the music-on-hold request on the
 * caller's channel gets no answer, every try) gives up and puts the caller back in the queue. The
 * first agent, released at once when they transferred, is not left off-hook in silence: their leg is
 * hung up as in a transfer that went through, and the caller is served from the queue.
 */
import { describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

/** The caller whose music-on-hold requests the PBX loses (the connection closes unanswered). */
let loseMohOf: string | null = null;

const h = useHarness(
  { ringTimeoutSeconds: 10 },
  // A request lost on its way is an HTTP failure: an Asterisk that takes no requests over the events socket.
  { requestsOverSocket: false, onAriRequest: (r) => (loseMohOf !== null && r.method === 'POST' && r.path.includes(`/channels/${loseMohOf}/moh`) ? 'drop' : undefined) },
);

const agentId = (login: string) => h.server.calls.agents.list().find((a) => a.login === login)?.agentId;
interface SimChannel {
  id: string;
  name: string;
  bridgeId: string | null;
}
const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
const channel = (id: string) => simRequest<SimChannel>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`);

describe('a blind transfer whose hold step the PBX refuses', () => {
  it("hangs up the first agent's leg, and the caller is served from the queue", async () => {
    await registerPhones(h.sim);
    const a = await AgentDesktop.login(h.server.httpUrl, '1001');
    const t = await AgentDesktop.login(h.server.httpUrl, '1002');
    expect(await a.command('agent.ready')).toMatchObject({ ok: true });
    const caller = await placeCall(h.sim.httpUrl, '13800007301', '12345');
    await a.next('call.answered', (m) => m.callId === caller);
    const agentLeg = (await channels()).find((c) => c.name.startsWith('PJSIP/1001-'))?.id;
    expect(agentLeg).toBeDefined();
    expect(await t.command('agent.ready')).toMatchObject({ ok: true });
    // The colleague's phone rings until told: the transfer is still ringing when its hold step fails.
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: true, answer: 'manual', answerDelayMs: 50 });

    loseMohOf = caller;
    expect(await a.command('call.transfer', { callId: caller, target: { kind: 'agent', agentId: agentId('1002') }, mode: 'blind' })).toMatchObject({ ok: true });
    // The first agent is released at once (wrap-up); keep them from being offered the caller again.
    await a.next('agent.state', (m) => m.state === 'wrap_up');
    expect(await a.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });

    // The first agent's leg is hung up, not left up outside any bridge.
    await waitFor(async () => (await channel(agentLeg ?? '')).status === 404, "the first agent's leg hung up");
    // The transfer gave up: the caller is back in line, offered to the colleague, who answers.
    await waitFor(() => h.server.calls.call(caller)?.state === 'offered', 'the caller offered again from the queue');
    loseMohOf = null;
    await waitFor(async () => (await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer')).status === 200, 'the colleague answering');
    await t.next('call.answered', (m) => m.callId === caller);
    const served = await waitFor(async () => {
      const phone = (await channels()).find((c) => c.name.startsWith('PJSIP/1002-'));
      const bridge = (await channel(caller)).body.bridgeId;
      return bridge !== null && phone?.bridgeId === bridge ? phone : undefined;
    }, 'the caller bridged with the colleague');
    expect(served.name).toMatch(/^PJSIP\/1002-/);

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await waitFor(() => !h.server.calls.call(caller), 'the call over');
    a.close();
    t.close();
  });
});
