/**
 * Two citizens wait; an agent goes ready and is offered the first, who hangs up before the agent's
 * phone has even started ringing (Asterisk has not yet answered the request to ring it). The agent is
 * free at once and is offered the next citizen in the same moment — and the server must know that
 * the agent now rings for that second citizen. It once did not: the end of the first offer, finishing
 * after the second had begun, cleared the call the agent rang for, leaving them 振铃 with no call. When
 * the second citizen then hung up, nothing took the ring back, and the agent stayed 振铃 for good,
 * offered nothing again.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AriRequestRecord } from '../pbx-sim/ari/server.js';
import { OpenDesks } from '../support/agent-desktop.js';
import { hangUpEverything, registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

/** The next originate to phone 1002 is held until the test lets it go (Asterisk slow to take it). */
let holdNextRing = false;
let heldRings = 0;
let letGo: () => void = () => undefined;

async function holdRing(request: AriRequestRecord): Promise<void> {
  if (request.method !== 'POST' || request.path !== '/channels' || !holdNextRing) return;
  if (request.query.find(([key]) => key === 'endpoint')?.[1] !== 'PJSIP/1002') return;
  holdNextRing = false;
  heldRings++;
  await new Promise<void>((resolve) => {
    letGo = resolve;
  });
}

const h = useHarness({}, { onAriRequest: holdRing });
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim, ['1002'], 'manual');
});
afterEach(async () => {
  letGo();
  await hangUpEverything(h);
  desks.closeAll();
});

const agent = () => {
  const found = h.server.calls.agents.list().find((a) => a.login === '1002');
  if (!found) throw new Error('no agent 1002');
  return found;
};

describe('an offer whose caller hangs up before the phone rings, with another caller waiting', () => {
  it('leaves the agent ringing for the next caller, and free again when that one hangs up too', async () => {
    const desk = await desks.open('1002');
    const first = await placeCall(h.sim.httpUrl, '13900007401', '12345');
    const next = await placeCall(h.sim.httpUrl, '13900007402', '12345');
    await waitFor(() => h.server.calls.call(first)?.state === 'queued' && h.server.calls.call(next)?.state === 'queued', 'both callers in line');

    holdNextRing = true;
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    await waitFor(() => heldRings === 1, 'the ring for the first caller on its way to Asterisk');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${first}/hangup`);
    await desk.next('call.offered', (m) => m.callId === next);
    letGo();

    await waitFor(() => h.server.calls.call(next)?.state === 'offered', 'the next caller offered');
    expect(agent()).toMatchObject({ state: 'ringing', callId: next });

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${next}/hangup`);
    await desk.next('call.offer.withdrawn', (m) => m.callId === next);
    await waitFor(() => agent().state === 'ready', 'the agent ready again');
    expect(agent().callId).toBeNull();
  });
});
