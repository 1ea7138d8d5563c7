/**
 * A server that stops leaves nothing idle on the PBX: the queue's holding bridge goes when nobody
 * waits in it, and stays (music and all) while a caller does, for the next start to adopt.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { startHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

interface SimBridge {
  id: string;
  name: string;
  channelIds: string[];
}

describe('shutdown', () => {
  it('removes an empty holding bridge and keeps one a caller waits in', async () => {
    const h = await startHarness();
    try {
      const bridges = async () => (await simRequest<SimBridge[]>(h.sim.httpUrl, 'GET', '/sim/bridges')).body.filter((b) => b.name.startsWith('queue-'));
      const state = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0]?.state;

      const gone = await placeCall(h.sim.httpUrl, '13600000011', '12345');
      await waitFor(async () => (await bridges())[0]?.channelIds.includes(gone), 'the caller in the holding bridge', 10_000);
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${gone}/hangup`);
      await waitFor(async () => (await state(gone)) === 'ended', 'the call ended', 10_000);
      expect(await bridges()).toHaveLength(1);
      await h.server.calls.releasePbxResources();
      expect(await bridges()).toEqual([]);

      const waiting = await placeCall(h.sim.httpUrl, '13600000012', '12345');
      await waitFor(async () => (await bridges())[0]?.channelIds.includes(waiting), 'the second caller in the holding bridge', 10_000);
      await h.server.close();
      const left = await bridges();
      expect(left).toHaveLength(1);
      expect(left[0]?.channelIds).toEqual([waiting]);
    } finally {
      await h.sim.stop();
    }
  });
});
