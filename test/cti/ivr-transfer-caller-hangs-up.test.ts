/**
 * A caller who presses an IVR key that transfers to an outside line (a department, a sub-centre) and
 * hangs up while that line still rings. The outside leg goes with them: the department's phone is not
 * left ringing, and a line picked up just as the caller goes is not left connected to nobody in the
 * Stasis application (a channel the server never releases), nor with a bridge made for nobody. A
 * caller who hangs up once the line has picked up was put through: 转出, answered, not given up.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { client, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { putTransferMenuOn12333 } from '../support/transfer-menu.js';

/** Set by a test: runs when the PBX has put channels in a bridge, before the server hears that it has. */
let onBridged: ((path: string) => Promise<void>) | null = null;
const h = useHarness({}, { onAriAnswer: async (request) => {
  if (onBridged && request.method === 'POST' && /^\/bridges\/[^/]+\/addChannel$/.test(request.path)) await onBridged(request.path);
} });

interface SimChannel {
  id: string;
  name: string;
  state: string;
  stasisApp: string | null;
}

const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
const trunkLegs = async () => (await channels()).filter((c) => c.name.startsWith('PJSIP/trunk'));
const bridges = async () => (await simRequest<{ id: string; name: string }[]>(h.sim.httpUrl, 'GET', '/sim/bridges')).body;

beforeAll(async () => {
  await registerPhones(h.sim);
  // The department's line rings until somebody there picks it up.
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'manual' });
  const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
  await putTransferMenuOn12333(admin, 'housing-review');
});

/** Places a call to 12333, presses the transfer key, and waits for the department's line to ring. */
async function transferRinging(caller: string): Promise<{ id: string; legId: string }> {
  const played: string[] = [];
  let id = '';
  h.sim.core.subscribe((event) => {
    if (event.type === 'playback.started' && event.playback.targetUri === `channel:${id}`) played.push(event.playback.mediaUri);
  });
  id = await placeCall(h.sim.httpUrl, caller, '12333');
  await waitFor(() => played.includes('sound:menu-main'), 'the menu prompt');
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });
  const leg = await waitFor(async () => (await trunkLegs()).find((c) => c.state === 'Ringing'), "the department's line ringing");
  return { id, legId: leg.id };
}

const callEnded = (id: string) =>
  waitFor(async () => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0]?.endedAt, 'the call ended');

/** Waits for every outside leg to be gone; when they are not, says what is left. */
const outsideLegsLeft = () =>
  waitFor(async () => ((await trunkLegs()).length === 0 ? 'gone' : undefined), 'the outside leg released').catch(async () =>
    (await trunkLegs()).map((c) => `${c.name} ${c.state} in ${c.stasisApp ?? '-'}`).join(', '),
  );

describe('IVR transfer: the caller hangs up while the outside line rings', () => {
  it('hangs up the outside leg too, and never leaves it connected to nobody', async () => {
    const { id, legId } = await transferRinging('13800007101');

    // The caller gives up while it rings.
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await callEnded(id);

    // Somebody at the department picks up (if the phone still rings).
    if ((await trunkLegs()).some((c) => c.id === legId && c.state === 'Ringing')) {
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${legId}/answer`);
    }
    expect(await outsideLegsLeft(), 'no outside leg is left behind the caller').toBe('gone');
  });

  it('releases a line picked up just as the caller hangs up, and leaves no bridge behind', async () => {
    const { id, legId } = await transferRinging('13800007102');

    // Both at once: whichever the server hears first, the outcome is the same.
    await Promise.all([
      simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${legId}/answer`),
      simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`),
    ]);
    await callEnded(id);
    expect(await outsideLegsLeft(), 'no outside leg is left behind the caller').toBe('gone');
    await waitFor(async () => (await bridges()).every((b) => b.name !== `transfer-${id}`), 'no transfer bridge left');
  });

  it('a caller who hangs up while being put through to the line that picked up is 转出, answered, not abandoned', async () => {
    const { id, legId } = await transferRinging('13800007103');
    // The caller goes the instant the PBX joins them with the department, before the server hears it did.
    onBridged = async () => {
      onBridged = null;
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await callEnded(id);
    };
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${legId}/answer`);
    await callEnded(id);
    const row = (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0];
    expect(row).toMatchObject({ outcome: 'transferred', agentId: null });
    expect(row?.answeredAt).not.toBeNull();
    expect(await outsideLegsLeft(), 'no outside leg is left behind the caller').toBe('gone');
  });
});
