/**
 * A caller who presents no number at all (no caller ID on the trunk) and gives up waiting in line is
 * put on the missed-call list as any unserved caller is — as one who withholds it (`anonymous`) is:
 * the entry counts the call the centre lost, even if nobody can dial it. The same whether the server
 * saw them hang up or a restart's pass found them gone (one rule, cti/calls/call-end.ts).
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { calls, missedCalls, type Db } from '../../store/index.js';
import { restartWorld, type World } from '../support/restart-world.js';
import { simRequest, waitFor } from '../support/sim-client.js';

let world: World | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

const rowOf = async (db: Db, id: string) => (await db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];

describe('a caller without a number who gives up in line', () => {
  it('is on the missed-call list when the server saw them hang up', async () => {
    world = await restartWorld();
    const { server } = await world.boot();
    const db = server.store.db;
    // The simulator's control API wants a number: the core places the call as the trunk would.
    const id = world.sim.core.placeCall({ from: '', to: '12345' }).id;
    await waitFor(async () => (await rowOf(db, id))?.state === 'queued', 'the caller in line');
    await simRequest(world.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    const row = await waitFor(async () => {
      const found = await rowOf(db, id);
      return found?.endedAt ? found : undefined;
    }, 'the call ended');
    expect(row.outcome).toBe('abandoned');
    expect(await db.select().from(missedCalls)).toMatchObject([{ callerNumber: '', callId: row.id, status: 'pending' }]);
  });

  it('is on the missed-call list when they hung up while the server was away', async () => {
    world = await restartWorld();
    const first = await world.boot();
    const id = world.sim.core.placeCall({ from: '', to: '12345' }).id;
    await waitFor(async () => (await rowOf(first.server.store.db, id))?.state === 'queued', 'the caller in line');
    await first.server.close();
    await simRequest(world.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);

    const { server, ended } = await world.bootHearingEnds();
    await waitFor(() => ended.some((e) => e.call.callId === id), 'the call reported ended');
    const db = server.store.db;
    const row = await rowOf(db, id);
    expect(row?.outcome).toBe('abandoned');
    expect(await db.select().from(missedCalls)).toMatchObject([{ callerNumber: '', callId: row?.id, status: 'pending' }]);
  });
});
