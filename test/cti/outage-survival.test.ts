/**
 * While the server is down, the dialplan's survival path serves callers (notice, recording,
 * Asterisk's queue of the agent phones) and records each call in AstDB; when the server is back on
 * the same database and PBX, it imports them as call rows and tickets flagged as taken during the
 * outage, exactly once. /health says `degraded` while the Stasis application is not registered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../cti/logging.js';
import { OUTAGE_NOTE_ABANDONED, OUTAGE_NOTE_ANSWERED } from '../../cti/recovery/outage-importer.js';
import { startServer, type RunningServer } from '../../main.js';
import { calls, findAgentByLogin, listPendingMissedCalls, ticketEvents, tickets } from '../../store/index.js';
import { startHarness, testConfig, useHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { testDatabaseLocation } from '../support/test-database.js';

interface ChannelView {
  state: string;
  hearing: string | null;
  dialplan: { context: string; app: string };
}

const channel = async (sim: Harness['sim'], id: string): Promise<ChannelView | undefined> => {
  const res = await simRequest<ChannelView>(sim.httpUrl, 'GET', `/sim/channels/${id}`);
  return res.status === 200 ? res.body : undefined;
};

const health = (server: RunningServer) => simRequest<{ status: string; stasis?: boolean; reasons?: string[]; recovering?: string[] }>(server.httpUrl, 'GET', '/health');

describe('calls while the server is down', () => {
  let dir: string;
  let h: Harness;
  let second: RunningServer | undefined;
  let database: Awaited<ReturnType<typeof testDatabaseLocation>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cti-outage-'));
    // A notice of 40 s of audio (2 s of wall time) so that the test sees it play.
    database = await testDatabaseLocation(join(dir, 'cti.db'));
    h = await startHarness({ dbPath: database.location }, { core: { soundDurations: { 'notice-outage': 40 } } });
  });
  afterAll(async () => {
    await second?.close();
    await h.sim.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are served by Asterisk, then imported once the server is back', { timeout: 60_000 }, async () => {
    const { sim } = h;
    await h.server.close();
    await waitFor(() => !sim.core.apps.isRegistered('hotline12345'), 'the application gone with its event socket', 10_000);
    await simRequest(sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1001', { online: true, answer: 'manual' });
    for (const phone of ['1002', '1003', '1004', '1005', '1006']) await simRequest(sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${phone}`, { online: false });

    // 1. Answered by agent 1001's phone through Asterisk's queue.
    const answered = await placeCall(sim.httpUrl, '13800138000', '12345');
    await waitFor(async () => (await channel(sim, answered))?.hearing === 'sound:notice-outage', 'the outage notice', 10_000);
    await waitFor(async () => {
      const res = await simRequest<{ channelIds: string[] }>(sim.httpUrl, 'GET', '/sim/endpoints/PJSIP/1001');
      return res.body.channelIds.length > 0;
    }, 'agent phone 1001 ringing', 10_000);
    expect((await channel(sim, answered))?.dialplan).toMatchObject({ context: 'hotline-outage', app: 'Queue' });
    // The phone answers once it rings (the INVITE may be out before the 180).
    await waitFor(async () => (await simRequest(sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/answer')).status === 200, 'agent 1001 answering', 10_000);
    await waitFor(async () => {
      const res = await simRequest<{ bridgeId: string | null }>(sim.httpUrl, 'GET', `/sim/channels/${answered}`);
      return res.body.bridgeId !== null;
    }, 'caller bridged with the agent', 10_000);
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${answered}/hangup`);
    await waitFor(async () => (await channel(sim, answered)) === undefined, 'first call over', 10_000);

    // 2. Abandoned while waiting in the queue.
    const abandoned = await placeCall(sim.httpUrl, '13900139000', '12315');
    await waitFor(async () => (await channel(sim, abandoned))?.dialplan.app === 'Queue', 'second caller waiting in the queue', 10_000);
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${abandoned}/hangup`);
    await waitFor(async () => (await channel(sim, abandoned)) === undefined, 'second call over', 10_000);
    await waitFor(async () => {
      const res = await simRequest<{ channelIds: string[] }>(sim.httpUrl, 'GET', '/sim/endpoints/PJSIP/1001');
      return res.body.channelIds.length === 0;
    }, 'agent phone idle', 10_000);

    expect(sim.core.astdb.keys('cti-outage').sort()).toEqual([answered, abandoned].sort());

    // The server is back on the same database and PBX.
    second = await startServer(testConfig(sim, { dbPath: database.location }), silentLogger(), { clock: h.clock });
    const server = second;
    await waitFor(() => sim.core.astdb.keys('cti-outage').length === 0 && !server.recovery.isRecovering(), 'the outage records imported', 10_000);

    const db = server.store.db;
    const agent = await findAgentByLogin(db, '1001');
    const first = (await db.select().from(calls).where(eq(calls.linkedId, answered)).limit(1))[0];
    expect(first).toMatchObject({ duringOutage: true, outcome: 'answered', agentId: agent?.id, callerNumber: '13800138000', dialledNumber: '12345', recording: `outage-${answered}` });
    const other = (await db.select().from(calls).where(eq(calls.linkedId, abandoned)).limit(1))[0];
    expect(other).toMatchObject({ duringOutage: true, outcome: 'abandoned', agentId: null, dialledNumber: '12315' });

    const firstTicket = (await db.select().from(tickets).where(eq(tickets.callKey, answered)).limit(1))[0];
    const otherTicket = (await db.select().from(tickets).where(eq(tickets.callKey, abandoned)).limit(1))[0];
    expect(firstTicket).toMatchObject({ callId: first?.id, agentId: agent?.id, status: 'accepted' });
    expect(otherTicket).toMatchObject({ callId: other?.id, hotline: '12315 市场监管投诉举报热线' });
    const notes = async (ticketId: number) => (await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId))).map((e) => e.note ?? '');
    expect((await notes(firstTicket?.id ?? 0)).some((n) => n.startsWith(OUTAGE_NOTE_ANSWERED))).toBe(true);
    expect(await notes(otherTicket?.id ?? 0)).toContain(OUTAGE_NOTE_ABANDONED);

    const missed = (await listPendingMissedCalls(db)).filter((m) => m.callerNumber === '13900139000');
    expect(missed).toHaveLength(1);
    expect(missed[0]?.callId).toBe(other?.id);
    expect((await listPendingMissedCalls(db)).some((m) => m.callerNumber === '13800138000')).toBe(false);

    // Importing again (the same record written back, as after a crash before the delete) adds nothing.
    const before = (await db.select().from(calls)).length;
    sim.core.astdb.put('cti-outage', abandoned, `v=1&caller=13900139000&dialled=12315&start=${other ? Math.floor(Date.parse(other.arrivedAt) / 1000) : 1}&done=1`);
    const again = await server.outageImport.run();
    expect(again.imported).toBe(0);
    expect(await db.select().from(calls)).toHaveLength(before);
    expect(await db.select().from(tickets).where(eq(tickets.callKey, abandoned))).toHaveLength(1);
    expect((await listPendingMissedCalls(db)).filter((m) => m.callerNumber === '13900139000')).toHaveLength(1);
    expect(sim.core.astdb.keys('cti-outage')).toEqual([]);
    expect((await health(server)).body.status).toBe('ok');
  });

  it('keeps AstDB records across a PBX restart', async () => {
    await second?.close();
    second = undefined;
    h.sim.core.astdb.put('cti-outage', '1.1', 'v=1&caller=1&dialled=12345&start=1');
    await simRequest(h.sim.httpUrl, 'POST', '/sim/faults', { kind: 'restart', downtimeMs: 50 });
    expect(h.sim.core.astdb.get('cti-outage', '1.1')).toBe('v=1&caller=1&dialled=12345&start=1');
    h.sim.core.astdb.del('cti-outage', '1.1');
  });
});

describe('/health', () => {
  const hh = useHarness();

  it('is ok while the server takes calls', async () => {
    const res = await health(hh.server);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', stasis: true, recovering: [] });
  });

  it('is degraded while the Stasis application is not registered, ok once it is again', async () => {
    hh.sim.core.apps.unregister('hotline12345');
    const down = await health(hh.server);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('degraded');
    expect(down.body.stasis).toBe(false);
    expect(down.body.reasons?.join(' ')).toMatch(/Stasis application not registered/);
    hh.sim.core.apps.register('hotline12345', false);
    const up = await health(hh.server);
    expect(up.status).toBe(200);
    expect(up.body.status).toBe('ok');
  });

  it('is degraded while a recovery step runs, with the step named', async () => {
    hh.server.recovery.begin('reconciliation');
    const busy = await health(hh.server);
    expect(busy.status).toBe(503);
    expect(busy.body.recovering).toEqual(['reconciliation']);
    expect(busy.body.reasons).toContain('recovering: reconciliation');
    hh.server.recovery.end('reconciliation');
    expect((await health(hh.server)).status).toBe(200);
  });
});
