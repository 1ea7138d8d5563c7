/**
 * Recording retention on a busy centre: every recording past the retention is removed from the PBX
 * by one night's run, however many calls the centre answered. Before, a run took the first 500
 * only, so a centre answering more than 500 calls a day kept recordings beyond the retention for
 * ever.
 */
import { eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callRecordings, calls, markCallAnswered, putSetting, recordCallArrival, type Db } from '../../store/index.js';
import { useHarness } from '../support/harness.js';

const h = useHarness();

const ARRIVED = '2026-05-01T01:00:00.000Z';
const NIGHT = new Date('2026-11-22T19:00:00.000Z');

/** `count` answered calls of long ago, each with its recording held on the PBX. */
async function oldRecordedCalls(db: Db, prefix: string, count: number): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const linkedId = `${prefix}-${i}`;
    const name = `call-${prefix}-${i}`;
    await recordCallArrival(db, { linkedId, channelId: linkedId, channelName: 'PJSIP/trunk-1', callerNumber: '13800000001', dialledNumber: '12345', routeId: null, arrivedAt: ARRIVED });
    await markCallAnswered(db, linkedId, { agentId: null, at: ARRIVED, waitMs: 0, recording: name });
    h.sim.core.storedRecordings.set(name, { name, format: 'wav', duration: 60 });
    names.push(name);
  }
  return names;
}

async function stillListedAsKept(db: Db, prefix: string): Promise<number> {
  const rows = await db
    .select({ name: callRecordings.name })
    .from(callRecordings)
    .innerJoin(calls, eq(calls.id, callRecordings.callId))
    .where(isNull(callRecordings.deletedAt));
  return rows.filter((r) => r.name.startsWith(`call-${prefix}-`)).length;
}

describe('recording retention on a busy centre', () => {
  it("removes every recording past the retention in one night's run, not the first 500 only", async () => {
    const db = h.server.store.db;
    await putSetting(db, 'recording-retention-days', 180);
    const names = await oldRecordedCalls(db, 'busy', 620);

    const removed = await h.server.retention.runOnce(NIGHT);

    expect(removed.length).toBe(620);
    expect(names.filter((n) => h.sim.core.storedRecordings.has(n))).toEqual([]);
    expect(await stillListedAsKept(db, 'busy')).toBe(0);
  });

});
