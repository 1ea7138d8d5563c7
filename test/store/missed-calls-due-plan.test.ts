/**
 * Each run of 漏接回拨 reads the pending entries due for a callback (never tried, or tried a spacing
 * ago), oldest first. After a busy spell thousands are pending, most of them waiting out their
 * spacing: the database must walk the pending entries in the order of an index and stop at the limit,
 * not read and sort them all. Checked on the plan the database makes for the statement the store sends
 * (`CTI_TEST_DB=postgres` runs this file on PostgreSQL).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dialectOf, listDueMissedCalls } from '../../store/index.js';
import { queryPlan, statementsOf, storeWithLocation } from '../support/query-plan.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanup.length) await cleanup.pop()?.();
});

describe('the missed calls due for a callback', () => {
  it('are read oldest first along an index, without sorting the pending entries', async () => {
    const { db, location } = await storeWithLocation(cleanup);
    const [text] = (await statementsOf(db, () => listDueMissedCalls(db, '2026-03-01T07:00:00.000Z', 100))).filter((t) => /from "missed_calls"/.test(t));
    expect(text).toBeDefined();
    const plan = await queryPlan(db, location, text ?? '', ['pending', '2026-03-01T07:00:00.000Z', 100]);
    expect(plan).toMatch(/missed_calls_status_at_idx/);
    expect(plan).not.toMatch(dialectOf(db) === 'postgres' ? /Sort/ : /TEMP B-TREE/);
  });
});
