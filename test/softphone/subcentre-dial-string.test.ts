/**
 * A sub-centre (分中心) is reached on the dial string the admin sets on its route (`subcentreDial`):
 * transfers and three-way calls ring it there, and so does 拨打 in the desk's 部门通讯录, which sends
 * `call.dial` with the route's number (12366). That number is the merged number citizens dial, which
 * the carrier delivers to this very centre: dialling it on the trunk would call the centre itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AriRequestRecord } from '../pbx-sim/ari/server.js';
import { client, login } from '../admin-api/admin-client.js';
import { OpenDesks } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { simRequest, waitFor } from '../support/sim-client.js';

/** The endpoints the server asked the PBX to ring (`POST /channels?endpoint=…`). */
const dialled: string[] = [];
const h = useHarness(
  {},
  {
    onAriRequest: (request: AriRequestRecord) => {
      const endpoint = request.query.find(([name]) => name === 'endpoint')?.[1];
      if (request.method === 'POST' && request.path === '/channels' && endpoint) dialled.push(endpoint);
    },
  },
);
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim);
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 50 });
});
afterAll(async () => {
  desks.closeAll();
  // Whatever the test left ringing or talking is hung up at the far end.
  const channels = (await simRequest<{ id: string }[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
  for (const channel of channels) await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${channel.id}/hangup`);
  await waitFor(() => h.server.calls.calls().length === 0, 'all calls over');
});

describe('拨打 a sub-centre from the department directory', () => {
  it('rings the dial string the admin set on the sub-centre route', async () => {
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const route = (await admin<{ id: number; number: string }[]>('GET', '/api/v1/routes')).body.find((r) => r.number === '12366');
    // The tax sub-centre's own seats are reached on 96128 (12366 itself is merged into 12345).
    expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { subcentreDial: 'PJSIP/96128@trunk' })).status).toBe(200);

    const desk = await desks.open('1001', true);
    const result = desk.command('call.dial', { number: '12366' });
    const trunkLeg = await waitFor(() => dialled.find((d) => d.endsWith('@trunk')), 'the trunk leg dialled');
    expect(trunkLeg, 'the trunk leg of 拨打 12366 税务分中心').toBe('PJSIP/96128@trunk');

    expect(await result).toMatchObject({ ok: true });
    const pop = await desk.next('call.offered', (m) => m.outbound === true);
    await desk.command('call.hangup', { callId: pop.callId });
  });
});
