/**
 * A blacklisted caller (骚扰号码) who hangs up during the blocked notice while the server is away (a
 * restart): the pass that closes their call records it `blocked`, as the server does when it sees the
 * hang-up itself — left out of the KPIs (README), not counted as 放弃 and not put on the callback list.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { calls, createBlacklistEntry, missedCalls } from '../../store/index.js';
import { api, login } from '../admin-api/admin-client.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { restartWorld, type World } from '../support/restart-world.js';

let world: World | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

describe('a restart while a blacklisted caller hears the blocked notice', () => {
  it('closes the call blocked once the caller has hung up, outside the KPIs', async () => {
    // A notice long enough for the server to go away while it plays.
    world = await restartWorld({ core: { soundDurations: { 'blocked-notice': 3600 } } });
    const { sim } = world;
    const first = await world.boot();
    const harasser = '13800136666';
    await createBlacklistEntry(first.server.store.db, { number: harasser, reason: '多次恶意骚扰坐席', expiresAt: null, createdBy: 'super' });
    const id = await placeCall(sim.httpUrl, harasser, '12345');
    await waitFor(async () => (await simRequest<{ hearing: string | null }>(sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.hearing === 'sound:blocked-notice', 'the blocked notice playing');
    await first.server.close();
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);

    const second = await world.boot();
    const db = second.server.store.db;
    const row = await waitFor(async () => {
      const found = (await db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];
      return found && found.outcome !== 'in-progress' ? found : undefined;
    }, 'the call closed by the pass');
    const day = new Date(world.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const kpis = await api<{ totals: { offered: number; abandoned: number } }>(second.server.httpUrl, 'GET', `/api/v1/kpis?date=${day}`, {
      token: await login(second.server.httpUrl, 'super'),
    });
    expect(kpis.status).toBe(200);
    expect(
      { outcome: row.outcome, offered: kpis.body.totals.offered, abandoned: kpis.body.totals.abandoned, missed: (await db.select().from(missedCalls)).length },
      'the only call of the day was a blacklisted one: no 呼入量, no 放弃, no callback',
    ).toEqual({ outcome: 'blocked', offered: 0, abandoned: 0, missed: 0 });
  });
});
