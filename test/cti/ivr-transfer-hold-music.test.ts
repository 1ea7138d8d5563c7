/**
 * While an IVR key's outside line (a department, a sub-centre) rings, the caller hears hold music, as
 * on an agent's blind transfer ("the caller waits with music") — not dead silence for up to the whole
 * ring time, which callers take for a dropped line. The music is on the caller's own channel (as hold
 * is, README "Hold"); it stops once the caller is put through, and when nobody answers the caller
 * goes to the queue, whose holding bridge plays its own.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { client, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { putTransferMenuOn12333 } from '../support/transfer-menu.js';

const h = useHarness();

interface SimChannel {
  id: string;
  name: string;
  state: string;
  bridgeId: string | null;
  hearing: string | null;
  hears: string[];
}

const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
const channel = async (id: string) => (await channels()).find((c) => c.id === id);

beforeAll(async () => {
  await registerPhones(h.sim);
  // The department's line rings until somebody there picks it up (or declines).
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'manual' });
  const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
  await putTransferMenuOn12333(admin, 'housing-music');
});

/** Places a call to 12333, presses the transfer key, and waits for the department's line to ring. */
async function callAndPressTransfer(caller: string): Promise<{ id: string; legId: string; musicStopped: () => boolean }> {
  const played: string[] = [];
  let id = '';
  let stopped = false;
  h.sim.core.subscribe((event) => {
    if (event.type === 'playback.started' && event.playback.targetUri === `channel:${id}`) played.push(event.playback.mediaUri);
    if (event.type === 'channel.moh.stop' && event.channel.id === id) stopped = true;
  });
  id = await placeCall(h.sim.httpUrl, caller, '12333');
  await waitFor(() => played.includes('sound:menu-main'), 'the menu prompt');
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });
  const leg = await waitFor(async () => (await channels()).find((c) => c.name.startsWith('PJSIP/trunk') && c.state === 'Ringing'), "the department's line ringing");
  return { id, legId: leg.id, musicStopped: () => stopped };
}

describe('IVR transfer: what the caller hears while the outside line rings', () => {
  it('hears hold music while it rings, and the department once it answers', async () => {
    const { id, legId, musicStopped } = await callAndPressTransfer('13800007201');
    // Whatever the server starts for the caller, it starts once the leg is on its way; wait for the
    // caller's channel to hear something, and report what it hears if it never does.
    const heard = await waitFor(async () => (await channel(id))?.hearing, 'the caller hearing something', 3_000).catch(
      async () => `silence (${String((await channel(id))?.hearing)})`,
    );
    expect(heard).toMatch(/^moh:/);

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${legId}/answer`);
    const through = await waitFor(async () => {
      const caller = await channel(id);
      return caller?.bridgeId && musicStopped() && caller.hears.includes(legId) ? caller : undefined;
    }, 'the caller put through to the department, the music stopped');
    expect(through.hearing).toBeNull();
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await waitFor(async () => (await channels()).every((c) => c.id !== legId), 'the department line released with the call');
  });

  it('goes from the music to the queue when the department declines', async () => {
    const { id, legId, musicStopped } = await callAndPressTransfer('13800007202');
    await waitFor(async () => (await channel(id))?.hearing?.startsWith('moh:'), 'the hold music while it rings');

    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/trunk/hangup', { channelId: legId });
    const row = await waitFor(async () => {
      const current = (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0];
      return current?.state === 'queued' ? current : undefined;
    }, 'the caller in the queue');
    expect(row.skill).toBe('general');
    // The caller's own music stopped; what they hear now is the holding bridge's.
    await waitFor(() => musicStopped(), "the caller's hold music stopped");
    const waiting = await waitFor(async () => {
      const caller = await channel(id);
      return caller?.bridgeId && caller.hearing?.startsWith('moh:') ? caller : undefined;
    }, 'the caller hearing the queue');
    const bridges = (await simRequest<{ id: string; bridgeType: string }[]>(h.sim.httpUrl, 'GET', '/sim/bridges')).body;
    expect(bridges.find((b) => b.id === waiting.bridgeId)?.bridgeType).toBe('holding');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  });
});
