/**
 * A blacklisted caller (骚扰号码) who hangs up during the blocked notice while the server is away (a
 * restart): the pass that closes their call records it `blocked`, as the server does when it sees the
 * hang-up itself — left out of the KPIs (README), not counted as 放弃 and not put on the callback list.
 * The pass goes by what the call row says (`blocked` since the notice started), not by the blacklist
 * as it is at the restart: a number taken off it, or put on it, while the server was away changes
 * nothing of how a call that ran before ends.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { BLOCKED_TICKET_NOTE } from '../../cti/calls/call-end.js';
import { calls, createBlacklistEntry, deleteBlacklistEntry, missedCalls, openDatabase, ticketEvents, tickets, type Db } from '../../store/index.js';
import { api, login } from '../admin-api/admin-client.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { restartWorld, type World } from '../support/restart-world.js';

let world: World | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

/** An administrator's change to the database while no server runs (the blacklist, here). */
async function whileAway(w: World, change: (db: Db) => Promise<unknown>): Promise<void> {
  const store = await openDatabase(w.dbPath, w.clock);
  try {
    await change(store.db);
  } finally {
    await store.close();
  }
}

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
    // What the pass goes by: the row, `blocked` since the notice started.
    await waitFor(async () => (await first.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0]?.outcome === 'blocked', 'the call recorded blocked');
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
    // Its ticket says why nobody took it, as when the server sees the call end itself.
    const ticket = (await db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1))[0];
    const lines = await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket?.id ?? -1));
    expect(lines.map((e) => ({ kind: e.kind, note: e.note }))).toEqual([
      { kind: 'created', note: '来电受理' },
      { kind: 'blocked', note: BLOCKED_TICKET_NOTE },
    ]);
  });
});

describe('a restart while the blacklist changed under a call', () => {
  const rowOf = async (db: Db, id: string) => (await db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];

  it('closes a caller who heard the blocked notice blocked, off the callback list, though the number was taken off the blacklist meanwhile', async () => {
    world = await restartWorld({ core: { soundDurations: { 'blocked-notice': 3600 } } });
    const { sim } = world;
    const first = await world.boot();
    const harasser = '13800136667';
    const { entry } = await createBlacklistEntry(first.server.store.db, { number: harasser, reason: '多次恶意骚扰坐席', expiresAt: null, createdBy: 'super' });
    const id = await placeCall(sim.httpUrl, harasser, '12345');
    await waitFor(async () => (await simRequest<{ hearing: string | null }>(sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.hearing === 'sound:blocked-notice', 'the blocked notice playing');
    await waitFor(async () => (await rowOf(first.server.store.db, id))?.outcome === 'blocked', 'the call recorded blocked');
    await first.server.close();
    // While the server is away an administrator takes the number off the blacklist, and the caller hangs up.
    await whileAway(world, (db) => deleteBlacklistEntry(db, entry.id));
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);

    const { server, ended } = await world.bootHearingEnds();
    const end = await waitFor(() => ended.find((e) => e.call.callId === id), 'the call reported ended');
    const db = server.store.db;
    expect(
      { event: end.outcome, row: (await rowOf(db, id))?.outcome, missed: (await db.select().from(missedCalls)).length },
      'turned away as the call ran: blocked, and nobody calls the harasser back',
    ).toEqual({ event: 'blocked', row: 'blocked', missed: 0 });
  });

  it('closes a citizen who was hearing the greeting abandoned, not blocked, and calls them back, though their number was blacklisted meanwhile', async () => {
    world = await restartWorld({ core: { soundDurations: { 'greeting-12345': 3600 } } });
    const { sim } = world;
    const first = await world.boot();
    const citizen = '13800136669';
    const id = await placeCall(sim.httpUrl, citizen, '12345');
    await waitFor(async () => (await simRequest<{ hearing: string | null }>(sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.hearing === 'sound:greeting-12345', 'the greeting playing');
    await first.server.close();
    await whileAway(world, (db) => createBlacklistEntry(db, { number: citizen, reason: '多次恶意骚扰坐席', expiresAt: null, createdBy: 'super' }));
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);

    const { server, ended } = await world.bootHearingEnds();
    const end = await waitFor(() => ended.find((e) => e.call.callId === id), 'the call reported ended');
    const db = server.store.db;
    const row = await rowOf(db, id);
    // Nobody saw them go: cut off by the centre, they are called back as any unserved citizen (reconcile.ts).
    expect({ event: end.outcome, row: row?.outcome }, 'a citizen served as such when they called').toEqual({ event: 'abandoned', row: 'abandoned' });
    expect(await db.select().from(missedCalls)).toMatchObject([{ callerNumber: citizen, callId: row?.id, status: 'pending' }]);
  });

  it('closes a citizen who waited in line abandoned and calls them back, though their number was blacklisted meanwhile', async () => {
    world = await restartWorld();
    const { sim } = world;
    const first = await world.boot();
    const citizen = '13800136668';
    // Nobody is ready: the citizen waits in line.
    const id = await placeCall(sim.httpUrl, citizen, '12345');
    await waitFor(async () => (await rowOf(first.server.store.db, id))?.state === 'queued', 'the citizen in line');
    await first.server.close();
    await whileAway(world, (db) => createBlacklistEntry(db, { number: citizen, reason: '多次恶意骚扰坐席', expiresAt: null, createdBy: 'super' }));
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);

    const { server, ended } = await world.bootHearingEnds();
    const end = await waitFor(() => ended.find((e) => e.call.callId === id), 'the call reported ended');
    const db = server.store.db;
    const row = await rowOf(db, id);
    expect({ event: end.outcome, row: row?.outcome }, 'a citizen in line when they called: 放弃').toEqual({ event: 'abandoned', row: 'abandoned' });
    const missed = await db.select().from(missedCalls);
    expect(missed, 'on the callback list as any citizen who was left waiting').toHaveLength(1);
    expect(missed[0]).toMatchObject({ callerNumber: citizen, callId: row?.id, status: 'pending' });
  });
});

describe('a restart while the blacklist changed under a caller still on the line', () => {
  const rowOf = async (db: Db, id: string) => (await db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];

  it('takes a citizen who waited in line back as a citizen, though their number was blacklisted meanwhile', async () => {
    world = await restartWorld();
    const { sim } = world;
    const first = await world.boot();
    const citizen = '13800136670';
    const id = await placeCall(sim.httpUrl, citizen, '12345');
    await waitFor(async () => (await rowOf(first.server.store.db, id))?.state === 'queued', 'the citizen in line');
    await first.server.close();
    await whileAway(world, (db) => createBlacklistEntry(db, { number: citizen, reason: '多次恶意骚扰坐席', expiresAt: null, createdBy: 'super' }));

    const second = await world.boot();
    const db = second.server.store.db;
    await waitFor(() => second.server.calls.call(id)?.state === 'queued', 'the citizen back in line');
    // They give up waiting, seen by the new server: 放弃 and called back, as the citizen they were when they called.
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    const row = await waitFor(async () => {
      const found = await rowOf(db, id);
      return found?.endedAt ? found : undefined;
    }, 'the call ended');
    expect(row.outcome, 'a citizen in line when they called: 放弃, not turned away').toBe('abandoned');
    expect(await db.select().from(missedCalls)).toMatchObject([{ callerNumber: citizen, callId: row.id, status: 'pending' }]);
  });

  it('goes on turning away a caller who was hearing the blocked notice, though the number was taken off the blacklist meanwhile', async () => {
    world = await restartWorld({ core: { soundDurations: { 'blocked-notice': 3600 } } });
    const { sim } = world;
    const first = await world.boot();
    const harasser = '13800136671';
    const { entry } = await createBlacklistEntry(first.server.store.db, { number: harasser, reason: '多次恶意骚扰坐席', expiresAt: null, createdBy: 'super' });
    const id = await placeCall(sim.httpUrl, harasser, '12345');
    const hearing = async () => (await simRequest<{ hearing: string | null }>(sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.hearing;
    await waitFor(async () => (await hearing()) === 'sound:blocked-notice', 'the blocked notice playing');
    await waitFor(async () => (await rowOf(first.server.store.db, id))?.outcome === 'blocked', 'the call recorded blocked');
    await first.server.close();
    await whileAway(world, (db) => deleteBlacklistEntry(db, entry.id));

    const second = await world.boot();
    const db = second.server.store.db;
    // Taken back, the call goes on as it ran: the notice again, not the greeting and a place in line.
    await waitFor(async () => (await hearing()) === 'sound:blocked-notice' && second.server.calls.call(id) !== undefined, 'the notice heard again');
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    const row = await waitFor(async () => {
      const found = await rowOf(db, id);
      return found?.endedAt ? found : undefined;
    }, 'the call ended');
    expect({ outcome: row.outcome, queuedAt: row.queuedAt, missed: (await db.select().from(missedCalls)).length }).toEqual({ outcome: 'blocked', queuedAt: null, missed: 0 });
  });
});
