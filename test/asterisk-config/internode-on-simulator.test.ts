/**
 * The shipped [from-internode] run by the PBX simulator: a call from another node (here a Local
 * channel into the context, standing for the INVITE that the internode-<node> endpoint puts there)
 * rings this node's agent phone, and reaches neither the hotline application nor the carrier.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PbxEvent } from '../pbx-sim/core/events.js';
import { startPbxSim, type PbxSim } from '../pbx-sim/index.js';
import { simRequest, waitFor } from '../support/sim-client.js';

let sim: PbxSim;
const events: PbxEvent[] = [];

beforeAll(async () => {
  sim = await startPbxSim({ amiPort: 0, httpPort: 0, timeScale: 0.05 });
  sim.core.subscribe((event) => events.push(event));
  await simRequest(sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: true, answer: 'auto', answerDelayMs: 5 });
  await simRequest(sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'manual' });
});
afterAll(async () => {
  await sim.stop();
});

const fromPeer = (number: string) => sim.core.originate({ endpoint: `Local/${number}@from-internode`, application: 'Wait', data: '5', timeout: 5 });
const appsRun = () => events.flatMap((e) => (e.type === 'channel.dialplan' ? [e.app] : []));
const onTrunk = () => sim.core.listChannels().some((c) => c.name.startsWith('PJSIP/trunk-'));

async function hangUpAll(): Promise<void> {
  for (const c of sim.core.listChannels()) sim.core.hangup(c.id);
  await waitFor(() => sim.core.listChannels().length === 0, 'no channels left');
}

describe('[from-internode] on the simulator', () => {
  it('rings the agent phone of this node', async () => {
    events.length = 0;
    const call = fromPeer('1002');
    expect((await call.settled).answered).toBe(true);
    expect(sim.core.listChannels().some((c) => c.name.startsWith('PJSIP/1002-'))).toBe(true);
    expect(appsRun()).toContain('Dial');
    await hangUpAll();
  });

  it('refuses the hotline numbers, the emergency numbers and outside numbers: no Stasis, nothing on the trunk', async () => {
    for (const number of ['12345', '110', '13800138000', '0044201234567']) {
      events.length = 0;
      const call = fromPeer(number);
      expect((await call.settled).answered, number).toBe(false);
      expect(onTrunk(), number).toBe(false);
      expect(appsRun(), number).not.toContain('Stasis');
      expect(appsRun(), number).not.toContain('Dial');
      // Refused by the context's own catch-all (cause 1, a 404 to the other node), not for want of an extension.
      expect(appsRun(), number).toContain('Hangup');
      await hangUpAll();
    }
  });
});
