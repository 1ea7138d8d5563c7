/**
 * Upgrading a database made when a call kept one recording: the migration that lists every recording
 * of a call takes each call's recording with it, deleted or not, so the retention job still removes
 * the ones it had not removed yet and never asks the PBX for one already gone.
 */
import { describe, expect, it } from 'vitest';
import { callRecordings, listRecordingsOlderThan, openStore } from '../../store/index.js';
import { databaseBefore } from '../support/older-database.js';


describe('the call recordings migration on an existing database', () => {
  it("lists each call's recording, keeps the deleted ones deleted, and the retention job finds the rest", async () => {
    const path = databaseBefore(
      '_call_recordings',
      `
      INSERT INTO calls (linked_id, channel_id, channel_name, caller_number, dialled_number, arrived_at, answered_at, recording, recording_deleted_at)
        VALUES ('kept', 'c1', 'PJSIP/trunk-1', '13800000001', '12345', '2026-01-05T01:00:00.000Z', '2026-01-05T01:00:20.000Z', 'call-2601050001-1', NULL);
      INSERT INTO calls (linked_id, channel_id, channel_name, caller_number, dialled_number, arrived_at, answered_at, recording, recording_deleted_at)
        VALUES ('gone', 'c2', 'PJSIP/trunk-2', '13800000002', '12345', '2026-01-05T02:00:00.000Z', '2026-01-05T02:00:20.000Z', 'call-2601050002-1', '2026-07-05T03:00:00.000Z');
      INSERT INTO calls (linked_id, channel_id, channel_name, caller_number, dialled_number, arrived_at)
        VALUES ('unanswered', 'c3', 'PJSIP/trunk-3', '13800000003', '12345', '2026-01-05T03:00:00.000Z');
    `,
    );
    const store = openStore(path);
    try {
      const rows = store.db.select().from(callRecordings).all();
      expect(rows.map((r) => [r.name, r.startedAt, r.deletedAt])).toEqual([
        ['call-2601050001-1', '2026-01-05T01:00:20.000Z', null],
        ['call-2601050002-1', '2026-01-05T02:00:20.000Z', '2026-07-05T03:00:00.000Z'],
      ]);
      expect((await listRecordingsOlderThan(store.db, '2026-12-01T00:00:00.000Z')).map((r) => [r.linkedId, r.recording])).toEqual([['kept', 'call-2601050001-1']]);
    } finally {
      void store.close();
    }
  });
});
