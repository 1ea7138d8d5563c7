/**
 * The database fails a caller's arrival (the write refused even when tried again, as with a full disk
 * or a database gone): the caller, already answered, is handed to the dialplan's survival path —
 * the outage notice, Asterisk's queue of the agents' phones — and the call is imported as a row and
 * ticket once it is over and the database takes writes again. A caller whose routing reads fail is
 * served by the route read at arrival. Nobody is left in silence.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, findAgentByLogin, tickets } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: Harness;
let dir: string;
/** A second connection to the server's SQLite file: it makes the database refuse what a test needs refused. */
let admin: Database.Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cti-arrival-failure-'));
  const dbPath = join(dir, 'cti.db');
  h = await startHarness({ dbPath });
  admin = new Database(dbPath);
});
afterAll(async () => {
  admin.close();
  await h.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface ChannelView {
  hearing: string | null;
  bridgeId: string | null;
  stasisApp: string | null;
  dialplan: { context: string; app: string };
}
const channel = async (id: string): Promise<ChannelView | undefined> => {
  const res = await simRequest<ChannelView>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`);
  return res.status === 200 ? res.body : undefined;
};
const rowOf = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];

describe("a caller whose arrival the database fails", () => {
  it('is handed to the survival path, served by an agent through Asterisk, and imported once the database writes again', { timeout: 60_000 }, async () => {
    const { sim } = h;
    await registerPhones(sim, ['1001'], 'manual');
    // Asterisk's queue rings every agent phone: only 1001's is there.
    for (const phone of ['1002', '1003', '1004', '1005', '1006']) await simRequest(sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${phone}`, { online: false });
    // Every try to record this caller's call is refused, as a full disk would.
    admin.exec(`CREATE TRIGGER refuse_arrival BEFORE INSERT ON calls WHEN NEW.caller_number = '13800138666' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);

    const id = await placeCall(sim.httpUrl, '13800138666', '12345');
    await waitFor(async () => (await channel(id))?.hearing === 'sound:notice-outage', 'the outage notice, not silence', 15_000);
    expect(await channel(id)).toMatchObject({ stasisApp: null, dialplan: { context: 'hotline-outage' } });
    expect(sim.core.astdb.keys('cti-outage')).toEqual([id]);
    expect(await rowOf(id)).toBeUndefined();

    // The disk has room again; Asterisk's queue rings the agent's phone, who answers.
    admin.exec('DROP TRIGGER refuse_arrival');
    await waitFor(async () => (await simRequest(sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/answer')).status === 200, 'agent 1001 answering', 15_000);
    await waitFor(async () => (await channel(id))?.bridgeId, 'caller bridged with the agent', 10_000);
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);

    // Imported once the caller hung up: one row and one ticket, answered by 1001.
    await waitFor(async () => (await rowOf(id))?.outcome === 'answered' && sim.core.astdb.keys('cti-outage').length === 0, 'the call imported', 15_000);
    const agent = await findAgentByLogin(h.server.store.db, '1001');
    expect(await rowOf(id)).toMatchObject({ duringOutage: true, agentId: agent?.id, callerNumber: '13800138666', dialledNumber: '12345' });
    expect(await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id))).toHaveLength(1);
  });

  it('whose routing reads fail is still greeted and queued, and answered by an agent', async () => {
    const { sim, server } = h;
    await registerPhones(sim, ['1001']);
    const desk = await AgentDesktop.login(server.httpUrl, '1001');
    // The blacklist cannot be read while this caller arrives.
    admin.exec('ALTER TABLE blacklist RENAME TO blacklist_away');
    try {
      const id = await placeCall(sim.httpUrl, '13800138667', '12345');
      await waitFor(async () => (await rowOf(id))?.state === 'queued', 'the caller queued', 15_000);
      admin.exec('ALTER TABLE blacklist_away RENAME TO blacklist');
      await desk.command('agent.ready');
      await desk.next('call.answered', (m) => m.callId === id, 15_000);
      expect(await desk.command('call.hangup', { callId: id })).toMatchObject({ ok: true });
      await waitFor(async () => (await rowOf(id))?.outcome === 'answered', 'the call ended answered');
    } finally {
      if (admin.prepare("select 1 from sqlite_master where name = 'blacklist_away'").get()) admin.exec('ALTER TABLE blacklist_away RENAME TO blacklist');
      desk.close();
    }
  });
});
