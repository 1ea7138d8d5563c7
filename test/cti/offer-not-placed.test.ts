/**
 * An offer whose originate never got an answer from Asterisk (the request lost on the way, the link
 * down, every try refused) rang nobody: the agent is not set 示忙 for a missed ring, no missed-ring
 * alert goes out, and the caller stays in line and is offered again.
 */
import { describe, expect, it } from 'vitest';
import type { AriRequestRecord, AriRequestVerdict } from '../pbx-sim/ari/server.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

/** How many of the next originates to agents' phones are lost on the way (the connection closes unanswered). */
let loseOriginates = 0;
const lost: string[] = [];
/** Every originate to an agent's phone, and whether the server's event socket was up as it was sent. */
const rings: { endpoint: string; eventsUp: boolean }[] = [];

function loseAgentRing(request: AriRequestRecord): AriRequestVerdict {
  if (request.method !== 'POST' || request.path !== '/channels') return;
  const args = request.query.find(([key]) => key === 'appArgs')?.[1] ?? '';
  if (!args.startsWith('agent,')) return;
  rings.push({ endpoint: request.query.find(([key]) => key === 'endpoint')?.[1] ?? '', eventsUp: h.server.link.status().ari });
  if (loseOriginates === 0) return;
  loseOriginates--;
  lost.push(request.query.find(([key]) => key === 'endpoint')?.[1] ?? '');
  return 'drop';
}

// A request lost on its way is an HTTP failure: an Asterisk that takes no requests over the events socket.
const h = useHarness({}, { requestsOverSocket: false, onAriRequest: loseAgentRing });

describe('an offer that could not be placed', () => {
  it('leaves the agent ready, raises no missed ring, and the caller is offered again', async () => {
    await registerPhones(h.sim, ['1001']);
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    loseOriginates = 1;
    const id = await placeCall(h.sim.httpUrl, '13100131021', '12345');
    // The first ring is lost on its way to Asterisk; the second reaches the phone, which answers.
    await desk.next('call.answered', (m) => m.callId === id, 15_000);
    expect(lost).toEqual(['PJSIP/1001']);
    expect(desk.received.filter((m) => m.type === 'call.offered' && m.callId === id)).toHaveLength(1);
    expect(desk.received.some((m) => m.type === 'call.missed')).toBe(false);
    expect(desk.received.some((m) => m.type === 'agent.state' && m.state === 'not_ready')).toBe(false);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await desk.next('call.ended', (m) => m.callId === id);
    await waitFor(() => h.server.calls.agents.list().find((a) => a.login === '1001')?.state === 'ready', 'the agent ready after the wrap-up');
    desk.close();
  });

  it('is not made while the event socket is down: the caller is offered once it is back', async () => {
    await registerPhones(h.sim, ['1001']);
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    const id = await placeCall(h.sim.httpUrl, '13100131022', '12345');
    await waitFor(() => h.server.calls.call(id)?.state === 'queued', 'the caller queued');
    // The events link alone is lost for a while (REST still answers): a ring made now could not be
    // followed (its answer would never be heard).
    expect((await simRequest(h.sim.httpUrl, 'POST', '/sim/faults', { kind: 'cut-ari-events', downtimeMs: 1500 })).status).toBe(202);
    await waitFor(() => !h.server.link.status().ari, 'the server sees its event socket down');
    rings.length = 0;
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    await desk.next('call.answered', (m) => m.callId === id, 15_000);
    expect(rings).toEqual([{ endpoint: 'PJSIP/1001', eventsUp: true }]);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await desk.next('call.ended', (m) => m.callId === id);
    desk.close();
  });
});
