/**
 * A caller waits in Asterisk's fallback queue (the survival path) while the server is away; then
 * Asterisk restarts and the call is gone without its hang-up handler having run, so its AstDB record
 * has no end. When the server is back, the outage import asks Asterisk for the call's channel and,
 * told there is none, imports it at once as lost: abandoned, with its ticket, and the caller on the
 * missed-call list — not six hours later (the limit for records whose channel cannot be asked about).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../cti/logging.js';
import { startServer, type RunningServer } from '../../main.js';
import { calls, listPendingMissedCalls, ticketEvents, tickets } from '../../store/index.js';
import { startHarness, testConfig, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { testDatabaseLocation } from '../support/test-database.js';

describe('a survival-path call that Asterisk lost in a restart', () => {
  let dir: string;
  let h: Harness;
  let second: RunningServer | undefined;
  let database: Awaited<ReturnType<typeof testDatabaseLocation>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cti-outage-lost-'));
    database = await testDatabaseLocation(join(dir, 'cti.db'));
    h = await startHarness({ dbPath: database.location });
  });
  afterAll(async () => {
    await second?.close();
    await h.sim.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is imported as abandoned, and the caller put on the missed-call list, when the server is back', { timeout: 60_000 }, async () => {
    const { sim } = h;
    await h.server.close();
    await waitFor(() => !sim.core.apps.isRegistered('hotline12345'), 'the application gone with its event socket', 10_000);
    // No agent phone answers: the caller waits in Asterisk's queue.
    for (const phone of ['1001', '1002', '1003', '1004', '1005', '1006']) await simRequest(sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${phone}`, { online: false });

    const caller = '13800135757';
    const id = await placeCall(sim.httpUrl, caller, '12345');
    await waitFor(async () => {
      const res = await simRequest<{ dialplan: { app: string } }>(sim.httpUrl, 'GET', `/sim/channels/${id}`);
      return res.status === 200 && res.body.dialplan.app === 'Queue';
    }, 'the caller waiting in the fallback queue', 10_000);
    expect(sim.core.astdb.keys('cti-outage')).toEqual([id]);
    // The simulator stamps ${EPOCH} from the machine's clock; Asterisk's and the server's clocks agree
    // in a centre, so the record's start is put on the test clock.
    const record = sim.core.astdb.get('cti-outage', id) ?? '';
    sim.core.astdb.put('cti-outage', id, record.replace(/start=[0-9]+/, `start=${Math.floor(h.clock.now().getTime() / 1000)}`));

    // Asterisk restarts: the call is gone, its record (kept in AstDB) has no end.
    expect((await simRequest(sim.httpUrl, 'POST', '/sim/faults', { kind: 'restart', downtimeMs: 50 })).status).toBe(202);
    await waitFor(async () => (await simRequest(sim.httpUrl, 'GET', `/sim/channels/${id}`)).status === 404, 'the call gone with the restart', 10_000);

    // The server is back a few minutes later.
    h.clock.set(new Date(h.clock.now().getTime() + 5 * 60_000).toISOString());
    second = await startServer(testConfig(sim, { dbPath: database.location }), silentLogger(), { clock: h.clock });
    const server = second;
    await waitFor(() => server.link.status().ami && server.link.status().ari && !server.recovery.isRecovering(), 'the server linked and recovered', 10_000);
    const result = await server.outageImport.run();

    const row = (await server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];
    const onList = (await listPendingMissedCalls(server.store.db)).some((m) => m.callerNumber === caller);
    expect(
      { pending: result.pending, outcome: row?.outcome, onMissedCallList: onList },
      'a call Asterisk no longer has is over: imported now, not in six hours',
    ).toEqual({ pending: 0, outcome: 'abandoned', onMissedCallList: true });
    const ticket = (await server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1))[0];
    const lines = await server.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket?.id ?? -1));
    expect(lines.find((e) => e.kind === 'outage')?.note, 'its ticket says the call was lost').toBe('系统离线期间来电，Asterisk 未留下通话结果（可能已重启），已列入漏接回拨');
  });
});
