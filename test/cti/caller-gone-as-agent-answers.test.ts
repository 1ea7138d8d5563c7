/**
 * The caller hangs up in the instant between the agent picking up and the call's bridge being made.
 * The call ends (its end destroys the bridge it knows of: none yet), then the bridge request comes
 * back: the bridge is taken down, not left on the PBX as a `call-<id>` mixing bridge kept by nobody,
 * the agent's leg is hung up, and the agent goes through wrap-up to ready as after any call, their
 * desktop told of the end and never of an answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenDesks } from '../support/agent-desktop.js';
import { HangUpAtPickUp } from '../support/hang-up-at-pick-up.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const pickUp = new HangUpAtPickUp(() => h);
const h = useHarness({}, { onAriAnswer: pickUp.onAriAnswer });
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim);
});
afterAll(() => desks.closeAll());

interface SimBridge {
  id: string;
  name: string;
  channelIds: string[];
}
interface SimChannel {
  id: string;
  name: string;
}

describe('the caller hangs up as the agent picks up', () => {
  it('leaves no bridge behind on the PBX and the agent free', async () => {
    const desk = await desks.open('1001', true);
    const id = await placeCall(h.sim.httpUrl, '13800009101', '12345');
    pickUp.arm(id);
    await desk.next('call.offered', (m) => m.callId === id);
    await pickUp.done();
    await desk.next('call.ended', (m) => m.callId === id);
    // Settled: the agent out of the call (wrap-up, then ready).
    await waitFor(() => h.server.calls.agents.list().find((a) => a.login === '1001')?.state === 'ready', 'the agent ready again', 10_000);
    const bridges = (await simRequest<SimBridge[]>(h.sim.httpUrl, 'GET', '/sim/bridges')).body;
    expect(bridges.filter((b) => b.name === `call-${id}`)).toEqual([]);
    const channels = (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
    expect(channels.filter((c) => c.name.startsWith('PJSIP/1001'))).toEqual([]);
    expect(desk.received.filter((m) => m.type === 'call.answered' && m.callId === id)).toEqual([]);
  });
});
