/**
 * The database fails the call path. A caller's arrival refused (even when tried again, as with a full
 * disk or a database gone) or not written in time (a database that hangs): the caller, already
 * answered, is handed to the dialplan's survival path — the outage notice, Asterisk's queue of the
 * agents' phones — and the call is imported as a row and ticket once it is over and the database
 * writes again. A caller whose routing reads fail is served by the route read at arrival. An agent's
 * answer whose ticket cannot be written still reaches the desktop. Nobody is left in silence.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { HANDED_OVER_NOTE } from '../../cti/recovery/outage-importer.js';
import { ARRIVAL_DEADLINE_MS } from '../../cti/stasis/survival-handover.js';
import { startServer } from '../../main.js';
import { agentStateChanges, calls, findAgentByLogin, missedCalls, ticketEvents, tickets } from '../../store/index.js';
import { startPbxSim } from '../pbx-sim/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { FreezableProxy } from '../support/freezable-proxy.js';
import { registerPhones, startHarness, testConfig, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { testLogger } from '../support/test-logger.js';
import { createPostgresDatabase } from '../support/test-database.js';

/** A notice of 40 s of audio (2 s of wall time), so that a test sees it play. */
const SIM = { core: { soundDurations: { 'notice-outage': 40 } } };
let h: Harness;
let dir: string;
/** A second connection to the server's SQLite file: it makes the database refuse what a test needs refused. */
let admin: Database.Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cti-arrival-failure-'));
  const dbPath = join(dir, 'cti.db');
  h = await startHarness({ dbPath }, SIM);
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
const channel = async (id: string, simUrl = h.sim.httpUrl): Promise<ChannelView | undefined> => {
  const res = await simRequest<ChannelView>(simUrl, 'GET', `/sim/channels/${id}`);
  return res.status === 200 ? res.body : undefined;
};
/** Asterisk's queue rings every agent phone: only 1001's is there, answering when told. */
async function onlyPhone1001(simUrl: string): Promise<void> {
  await simRequest(simUrl, 'PUT', '/sim/endpoints/PJSIP/1001', { online: true, answer: 'manual' });
  for (const phone of ['1002', '1003', '1004', '1005', '1006']) await simRequest(simUrl, 'PUT', `/sim/endpoints/PJSIP/${phone}`, { online: false });
}
const rowOf = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];
/**
 * Agent 1001 answers a call from `number`, the database refuses survey results from then on (trigger
 * `trigger`, dropped by the test), and the agent hangs up: the caller hears the survey question.
 */
async function toSurveyWithResultRefused(desk: AgentDesktop, number: string, trigger: string): Promise<string> {
  await desk.command('agent.ready');
  const id = await placeCall(h.sim.httpUrl, number, '12345');
  await desk.next('call.answered', (m) => m.callId === id, 15_000);
  // The survey's result goes on the ticket: refused from here on.
  admin.exec(`CREATE TRIGGER ${trigger} BEFORE UPDATE OF satisfaction ON tickets BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
  expect(await desk.command('call.hangup', { callId: id })).toMatchObject({ ok: true });
  await waitFor(async () => (await channel(id))?.hearing === 'sound:survey-question', 'the survey playing', 10_000);
  return id;
}

describe("a caller whose arrival the database fails", () => {
  it('is handed to the survival path, served by an agent through Asterisk, and imported once the database writes again', { timeout: 60_000 }, async () => {
    const { sim } = h;
    await onlyPhone1001(sim.httpUrl);
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

  it('a database that hangs: the caller goes to the survival path after a few seconds; the write that gets through later is completed by the import', { timeout: 60_000 }, async () => {
    const { sim, server, proxy, direct, rowOfCall, stop } = await stallingServer();
    try {
      proxy.freeze();
      const id = await placeCall(sim.httpUrl, '13800138668', '12345');
      await waitFor(async () => (await channel(id, sim.httpUrl))?.hearing === 'sound:notice-outage', 'the outage notice, after a few seconds of silence', 15_000);
      expect(await rowOfCall(id)).toBeUndefined();

      // The database answers again: the held write commits, and its row is closed at once.
      proxy.thaw();
      await waitFor(async () => (await rowOfCall(id))?.state === 'ended', 'the late row closed', 15_000);
      expect(await rowOfCall(id)).toMatchObject({ outcome: 'transferred', during_outage: false });

      await waitFor(async () => (await simRequest(sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/answer')).status === 200, 'agent 1001 answering', 15_000);
      await waitFor(async () => (await channel(id, sim.httpUrl))?.bridgeId, 'caller bridged with the agent', 10_000);
      await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);

      // Completed from Asterisk's record: answered by 1001, one row, one ticket with both lines.
      await waitFor(async () => (await rowOfCall(id))?.during_outage === true && sim.core.astdb.keys('cti-outage').length === 0, 'the call completed by the import', 15_000);
      const agent = await findAgentByLogin(server.store.db, '1001');
      expect(await rowOfCall(id)).toMatchObject({ outcome: 'answered', agent_id: agent?.id });
      const ticketRows = await direct.query<{ id: number }>('select id from tickets where call_key = $1', [id]);
      expect(ticketRows.rows).toHaveLength(1);
      const notes = (await direct.query<{ note: string }>('select note from ticket_events where ticket_id = $1', [ticketRows.rows[0]?.id])).rows.map((r) => r.note);
      expect(notes).toContain('来电登记超时，已转入应急排队');
      expect(notes).toContain(`${HANDED_OVER_NOTE}，由 Asterisk 排队接听（话务员 1001）`);
      expect((await direct.query('select 1 from calls where linked_id = $1', [id])).rows).toHaveLength(1);
    } finally {
      await stop();
    }
  });

  it('a database that hangs while the caller gives up in the silence: the write that gets through later ends the call abandoned, on the missed-call list', { timeout: 60_000 }, async () => {
    const { sim, proxy, direct, rowOfCall, stop } = await stallingServer();
    try {
      proxy.freeze();
      const number = '13800138674';
      const id = await placeCall(sim.httpUrl, number, '12345');
      await waitFor(async () => (await channel(id, sim.httpUrl))?.stasisApp === 'hotline12345', 'the caller answered, in the application');
      // Hung up before the server gives up on the write: there is nobody to hand over.
      await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await new Promise((resolve) => setTimeout(resolve, ARRIVAL_DEADLINE_MS + 500));
      expect(sim.core.astdb.keys('cti-outage')).toEqual([]);

      proxy.thaw();
      await waitFor(async () => (await rowOfCall(id))?.state === 'ended', 'the late row closed', 15_000);
      expect(await rowOfCall(id)).toMatchObject({ outcome: 'abandoned', during_outage: false });
      const missed = await direct.query<{ status: string }>('select status from missed_calls where caller_number = $1', [number]);
      expect(missed.rows).toEqual([{ status: 'pending' }]);
    } finally {
      await stop();
    }
  });
});

/**
 * A server on a PostgreSQL database of its own reached through a relay that can stall, as over a
 * partitioned network; `direct` reads past the relay. Only phone 1001 is there for Asterisk's queue.
 */
async function stallingServer() {
  const database = await createPostgresDatabase();
  const target = new URL(database.url);
  const proxy = await FreezableProxy.start(target.hostname, Number(target.port || 5432));
  const proxied = new URL(database.url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  const sim = await startPbxSim({ ...SIM, amiPort: 0, httpPort: 0 });
  const server = await startServer(testConfig(sim, { dbPath: proxied.toString() }), testLogger(), { clock: h.clock });
  const direct = new pg.Client({ connectionString: database.url });
  await direct.connect();
  const stop = async () => {
    proxy.thaw();
    await direct.end();
    await server.close();
    await sim.stop();
    await proxy.close();
    await database.drop();
  };
  try {
    await waitFor(() => server.link.status().ami && server.link.status().ari && !server.recovery.isRecovering(), 'the server taking calls', 15_000);
    await onlyPhone1001(sim.httpUrl);
  } catch (error) {
    await stop();
    throw error;
  }
  const rowOfCall = async (id: string) =>
    (await direct.query<{ state: string; outcome: string; during_outage: boolean; agent_id: number | null }>('select state, outcome, during_outage, agent_id from calls where linked_id = $1', [id])).rows[0];
  return { sim, server, proxy, direct, rowOfCall, stop };
}

describe('an answer whose ticket the database refuses', () => {
  it('still reaches the desktop with its controls; the ticket is given to the agent once the database writes again', async () => {
    const { sim, server } = h;
    await registerPhones(sim, ['1001']);
    const desk = await AgentDesktop.login(server.httpUrl, '1001');
    admin.exec(`CREATE TRIGGER refuse_ticket_update BEFORE UPDATE ON tickets BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    try {
      await desk.command('agent.ready');
      const id = await placeCall(sim.httpUrl, '13800138669', '12345');
      await desk.next('call.answered', (m) => m.callId === id, 15_000);
      expect(await desk.command('call.hold', { callId: id })).toMatchObject({ ok: true });
      expect(await desk.command('call.resume', { callId: id })).toMatchObject({ ok: true });
      admin.exec('DROP TRIGGER refuse_ticket_update');
      const agent = await findAgentByLogin(server.store.db, '1001');
      await waitFor(async () => (await server.store.db.select().from(tickets).where(eq(tickets.callKey, id)))[0]?.agentId === agent?.id, 'the ticket given to the agent', 10_000);
      expect(await desk.command('call.hangup', { callId: id })).toMatchObject({ ok: true });
      await waitFor(async () => (await rowOf(id))?.outcome === 'answered', 'the call ended answered');
    } finally {
      admin.exec('DROP TRIGGER IF EXISTS refuse_ticket_update');
      desk.close();
    }
  });
});

describe('the end of a call whose survey result the database refuses', () => {
  it('releases the call: it leaves the live calls and a desktop that reconnects is not shown it', async () => {
    const { sim, server } = h;
    await registerPhones(sim, ['1001']);
    const desk = await AgentDesktop.login(server.httpUrl, '1001');
    try {
      const id = await toSurveyWithResultRefused(desk, '13800138670', 'refuse_survey');
      // The caller hangs up without rating: "no answer" cannot be written.
      await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await waitFor(() => server.calls.call(id) === undefined, 'the call out of the live calls', 10_000);
      desk.close();
      const again = await AgentDesktop.login(server.httpUrl, '1001');
      expect((await again.next('hello')).call ?? null).toBeNull();
      again.close();
    } finally {
      admin.exec('DROP TRIGGER IF EXISTS refuse_survey');
      desk.close();
    }
  });
});

describe("a survey result the database refuses", () => {
  it('is on the ticket once the database takes writes again', async () => {
    const { sim, server } = h;
    await registerPhones(sim, ['1001']);
    const desk = await AgentDesktop.login(server.httpUrl, '1001');
    try {
      const id = await toSurveyWithResultRefused(desk, '13800138673', 'refuse_rating');
      await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });
      // Thanked and released as usual.
      await waitFor(async () => (await channel(id)) === undefined, 'the caller released', 15_000);
      const rating = async () => (await server.store.db.select().from(tickets).where(eq(tickets.callKey, id)))[0]?.satisfaction;
      expect(await rating()).toBeNull();
      admin.exec('DROP TRIGGER refuse_rating');
      await waitFor(async () => (await rating()) === 'satisfied', 'the rating on the ticket', 10_000);
    } finally {
      admin.exec('DROP TRIGGER IF EXISTS refuse_rating');
      desk.close();
    }
  });
});

describe('the end of a call the database refuses', () => {
  it('is written when the database takes writes again, with its own time and the missed-call entry it brings', async () => {
    const { sim, server, clock } = h;
    const number = '13800138671';
    admin.exec(`CREATE TRIGGER refuse_end BEFORE UPDATE OF ended_at ON calls WHEN NEW.caller_number = '${number}' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    try {
      const id = await placeCall(sim.httpUrl, number, '12345');
      await waitFor(async () => (await rowOf(id))?.state === 'queued', 'the caller waiting', 15_000);
      const hungUpAt = clock.now().getTime();
      await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await waitFor(() => server.calls.call(id) === undefined, 'the call released', 10_000);
      const releasedAt = clock.now().getTime();
      expect(await rowOf(id)).toMatchObject({ endedAt: null });
      expect(await server.store.db.select().from(missedCalls).where(eq(missedCalls.callerNumber, number))).toEqual([]);

      admin.exec('DROP TRIGGER refuse_end');
      await waitFor(async () => (await rowOf(id))?.outcome === 'abandoned', 'the end written after all', 15_000);
      const row = await rowOf(id);
      // The moment of the hang-up, not of the retry (a second later at the earliest).
      expect(Date.parse(row?.endedAt ?? '')).toBeGreaterThanOrEqual(hungUpAt);
      expect(Date.parse(row?.endedAt ?? '')).toBeLessThanOrEqual(releasedAt);
      const missed = await server.store.db.select().from(missedCalls).where(eq(missedCalls.callerNumber, number));
      expect(missed).toMatchObject([{ callId: row?.id, status: 'pending' }]);
    } finally {
      admin.exec('DROP TRIGGER IF EXISTS refuse_end');
    }
  });
});

describe('history the database refuses while a call goes on', () => {
  it("the ticket's lines and the agent's states are written, in order, once it takes writes again", async () => {
    const { sim, server } = h;
    await registerPhones(sim, ['1001']);
    const agent = await findAgentByLogin(server.store.db, '1001');
    const desk = await AgentDesktop.login(server.httpUrl, '1001');
    // The call's own lines, not its arrival's (that one is the arrival, refused as a whole).
    admin.exec(`CREATE TRIGGER refuse_lines BEFORE INSERT ON ticket_events WHEN NEW.kind <> 'created' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    admin.exec(`CREATE TRIGGER refuse_states BEFORE INSERT ON agent_state_changes BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    try {
      const statesBefore = (await server.store.db.select().from(agentStateChanges).where(eq(agentStateChanges.agentId, agent?.id ?? -1))).length;
      await desk.command('agent.ready');
      const id = await placeCall(sim.httpUrl, '13800138672', '12345');
      await desk.next('call.answered', (m) => m.callId === id, 15_000);
      expect(await desk.command('call.hangup', { callId: id })).toMatchObject({ ok: true });
      await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });
      await waitFor(() => server.calls.call(id) === undefined, 'the call over', 15_000);
      const ticket = (await server.store.db.select().from(tickets).where(eq(tickets.callKey, id)))[0];
      const lines = async () => (await server.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket?.id ?? -1))).map((e) => e.kind);
      const refusedLines = await lines();
      expect(refusedLines).not.toContain('answered');

      admin.exec('DROP TRIGGER refuse_lines');
      admin.exec('DROP TRIGGER refuse_states');
      await waitFor(async () => (await lines()).includes('answered'), "the ticket's lines written", 15_000);
      await waitFor(
        async () => (await server.store.db.select().from(agentStateChanges).where(eq(agentStateChanges.agentId, agent?.id ?? -1))).length >= statesBefore + 3,
        "the agent's states written (ready, ringing, on call, …)",
        15_000,
      );
    } finally {
      admin.exec('DROP TRIGGER IF EXISTS refuse_lines');
      admin.exec('DROP TRIGGER IF EXISTS refuse_states');
      desk.close();
    }
  });
});
