/**
 * A caller who hangs up at the very moment they are put in the holding bridge is no reason to give up
 * the bridge: the others keep waiting in it, no second bridge is made, and the call is simply over.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, missedCalls } from '../../store/index.js';
import type { AriRequestRecord } from '../pbx-sim/ari/server.js';
import { startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

interface SimBridge {
  id: string;
  name: string;
  channelIds: string[];
}

let h: Harness;
/** Callers to hang up the moment the server asks to add them to a bridge. */
const hangUpOnJoin = new Set<string>();

beforeAll(async () => {
  h = await startHarness({}, {
    onAriRequest: (request: AriRequestRecord) => {
      if (request.method !== 'POST' || !request.path.endsWith('/addChannel')) return;
      const channel = request.query.find(([key]) => key === 'channel')?.[1];
      if (!channel || !hangUpOnJoin.delete(channel)) return;
      // As on a real PBX when the caller hangs up between two requests: the channel is already gone when
      // the request is handled (400 "Channel not found"), and its hang-up events follow.
      const gone = h.sim.core.channels.get(channel);
      if (!gone) return;
      h.sim.core.channels.delete(channel);
      setImmediate(() => {
        h.sim.core.channels.set(channel, gone);
        h.sim.core.hangup(channel);
      });
    },
  });
});
afterAll(async () => {
  await h.stop();
});

const state = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0]?.state;
const queueBridges = async () => (await simRequest<SimBridge[]>(h.sim.httpUrl, 'GET', '/sim/bridges')).body.filter((b) => b.name.startsWith('queue-'));

describe('joining the queue', () => {
  it('a caller gone while being added leaves the holding bridge and the callers in it alone', async () => {
    const waiting = await placeCall(h.sim.httpUrl, '13700000001', '12345');
    await waitFor(async () => (await state(waiting)) === 'queued', 'the first caller queued', 10_000);
    await waitFor(async () => (await queueBridges())[0]?.channelIds.includes(waiting), 'the first caller in the holding bridge');
    const [bridge] = await queueBridges();

    const gone = 'race-caller-2';
    hangUpOnJoin.add(gone);
    expect((await simRequest(h.sim.httpUrl, 'POST', '/sim/calls', { from: '13700000002', to: '12345', channelId: gone })).status).toBe(201);
    await waitFor(async () => (await state(gone)) === 'ended', 'the second call ended', 10_000);
    expect(hangUpOnJoin.has(gone)).toBe(false);

    expect(await queueBridges()).toEqual([{ ...bridge, channelIds: [waiting] }]);
    const missed = (await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.callerNumber, '13700000002')).limit(1))[0];
    expect(missed?.status).toBe('pending');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${waiting}/hangup`);
  });
});
