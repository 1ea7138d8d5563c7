/**
 * The nightly roll-up (kpi_daily) is not settled by its first run. A caller who rang at 23:59 and
 * is still waiting at 00:10 was stored as 进行中 for good; calls taken by Asterisk's survival path
 * during an outage and imported afterwards were never added to their day. Each run now rolls up
 * again the days of its week whose calls changed since (a call ended, calls imported), and only those.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { calls, listDailyKpis } from '../../store/index.js';
import { client, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness();
const row = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0];
const stored = async (day: string) => (await listDailyKpis(h.server.store.db, day, 'total'))[0]?.figures;
const reported = async (day: string) => {
  const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
  return (await admin<{ totals: Record<string, number> }>('GET', `/api/v1/kpis?date=${day}`)).body.totals;
};

beforeAll(async () => {
  await registerPhones(h.sim);
});

describe('the nightly KPI roll-up', () => {
  it('of a day whose last caller was still waiting at 00:10 ends up with the figures of the report', async () => {
    const day = '2026-06-10';
    // 23:59 Shanghai; nobody is ready, the caller waits in the queue.
    h.clock.set('2026-06-10T15:59:00.000Z');
    const id = await placeCall(h.sim.httpUrl, '13800009001', '12345');
    await waitFor(async () => (await row(id))?.state === 'queued', 'the caller queued');

    // 00:10: the roll-up of the day just over runs while they still wait.
    h.clock.set('2026-06-10T16:10:00.000Z');
    expect(await h.server.kpiRollup.runOnce()).toContain(day);
    expect(await stored(day)).toMatchObject({ offered: 1, inProgress: 1 });

    // They give up a minute later.
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await waitFor(async () => (await row(id))?.endedAt, 'the call ended');

    // The next night's run.
    h.clock.set('2026-06-11T16:10:00.000Z');
    expect(await h.server.kpiRollup.runOnce()).toContain(day);
    expect(await reported(day)).toMatchObject({ offered: 1, abandoned: 1, inProgress: 0 });
    expect(await stored(day)).toMatchObject({ offered: 1, abandoned: 1, inProgress: 0 });
    // Nothing changed since: the next run leaves the day alone.
    expect(await h.server.kpiRollup.runOnce()).not.toContain(day);
  });

  it('of a day rolled up before its outage calls were imported takes them in at its next run', async () => {
    const day = '2026-06-15';
    // 12:00 Shanghai: a caller gives up in the queue.
    h.clock.set('2026-06-15T04:00:00.000Z');
    const id = await placeCall(h.sim.httpUrl, '13800009002', '12345');
    await waitFor(async () => (await row(id))?.state === 'queued', 'the caller queued');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await waitFor(async () => (await row(id))?.endedAt, 'the call ended');

    h.clock.set('2026-06-15T16:10:00.000Z');
    expect(await h.server.kpiRollup.runOnce()).toContain(day);
    expect(await stored(day)).toMatchObject({ offered: 1, abandoned: 1 });

    // Afterwards the outage import finds a call of 13:00 that Asterisk's survival path took and the caller gave up on.
    const start = Date.parse('2026-06-15T05:00:00.000Z') / 1000;
    h.sim.core.astdb.put('cti-outage', `${start}.41`, `v=1&caller=13900009003&dialled=12345&start=${start}&queued=${start + 5}&abandoned=TRUE&end=${start + 40}&done=1`);
    expect((await h.server.outageImport.run()).imported).toBe(1);
    expect(await reported(day)).toMatchObject({ offered: 2, abandoned: 2 });

    h.clock.set('2026-06-16T16:10:00.000Z');
    expect(await h.server.kpiRollup.runOnce()).toContain(day);
    expect(await stored(day)).toMatchObject({ offered: 2, abandoned: 2, inProgress: 0 });
  });
});
