/**
 * Upgrading a database made when recordings named neither their ticket nor their agent: the ticket
 * still lists its own call's recordings (found by the call's key), a callback's recording goes to the
 * ticket whose number its name carries, and the agent is filled in where the call row knows it — its
 * latest recording, answered by the last agent who took the call.
 */
import { describe, expect, it } from 'vitest';
import { findTicketByNumber, listTicketRecordings, openStore, type Db } from '../../store/index.js';
import { databaseBefore } from '../support/older-database.js';


async function recordingsOf(db: Db, number: string) {
  const ticket = await findTicketByNumber(db, number);
  if (!ticket) throw new Error(`no ticket ${number}`);
  return (await listTicketRecordings(db, ticket)).map((r) => [r.name, r.agentLogin, r.callId, r.origin, r.deletedAt]);
}

describe('the recording ticket and agent migration on an existing database', () => {
  it("lists each ticket's recordings, callbacks' included, with the agents the call rows knew", async () => {
    const path = databaseBefore(
      '_recording_ticket_agent',
      `
      INSERT INTO agents (login, name, endpoint) VALUES ('1001', '王芳', 'PJSIP/1001'), ('1002', '李强', 'PJSIP/1002'), ('1003', '张敏', 'PJSIP/1003');
      -- Answered by 1001, put back in line, answered by 1002: the row names the last.
      INSERT INTO calls (linked_id, channel_id, channel_name, caller_number, dialled_number, arrived_at, answered_at, agent_id, recording)
        VALUES ('requeued', 'c1', 'PJSIP/trunk-1', '13800000001', '12345', '2026-01-05T01:00:00.000Z', '2026-01-05T01:05:00.000Z', 2, 'call-2601050001-2');
      INSERT INTO tickets (number, call_key, call_id, caller_number, dialled_number, hotline, agent_id, recording)
        VALUES ('2601050001', 'requeued', 1, '13800000001', '12345', '12345', 2, 'call-2601050001-2');
      INSERT INTO call_recordings (call_id, name, started_at) VALUES (1, 'call-2601050001-1', '2026-01-05T01:00:20.000Z');
      INSERT INTO call_recordings (call_id, name, started_at, deleted_at) VALUES (1, 'call-2601050001-2', '2026-01-05T01:05:00.000Z', '2026-07-05T03:00:00.000Z');
      -- A missed call and the 回拨 that answered it, under the missed call's ticket.
      INSERT INTO calls (linked_id, channel_id, channel_name, caller_number, dialled_number, arrived_at, outcome)
        VALUES ('missed', 'c2', 'PJSIP/trunk-2', '13800000002', '12345', '2026-01-05T02:00:00.000Z', 'abandoned');
      INSERT INTO tickets (number, call_key, call_id, caller_number, dialled_number, hotline)
        VALUES ('2601050002', 'missed', 2, '13800000002', '12345', '12345');
      INSERT INTO calls (linked_id, channel_id, channel_name, caller_number, dialled_number, arrived_at, answered_at, agent_id, recording, direction)
        VALUES ('callback-1', 'callback-1', 'outbound', '13800000002', '13800000002', '2026-01-05T03:00:00.000Z', '2026-01-05T03:00:10.000Z', 3, 'call-2601050002-9', 'outbound');
      INSERT INTO call_recordings (call_id, name, started_at) VALUES (3, 'call-2601050002-9', '2026-01-05T03:00:10.000Z');
    `,
    );
    const store = openStore(path);
    try {
      expect(await recordingsOf(store.db, '2601050001')).toEqual([
        ['call-2601050001-1', null, 'requeued', 'original', null],
        ['call-2601050001-2', '1002', 'requeued', 'original', '2026-07-05T03:00:00.000Z'],
      ]);
      expect(await recordingsOf(store.db, '2601050002')).toEqual([['call-2601050002-9', '1003', 'callback-1', 'callback', null]]);
    } finally {
      await store.close();
    }
  });
});
