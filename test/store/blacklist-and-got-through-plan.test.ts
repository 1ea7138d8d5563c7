/**
 * Two reads on every call: its arrival asks the blacklist whether the caller is blocked (in each
 * written form of the number: 138…, 0138…, +86138…), and its answer closes the caller's pending
 * 漏接回拨 entry (got through). The blacklist holds thousands of numbers and the missed-call list
 * thousands of pending entries after a busy spell: each must be answered from an index, not by reading
 * the table (`CTI_TEST_DB=postgres` runs this file on PostgreSQL).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { closeMissedCallsGotThrough, dialectOf, findActiveBlock } from '../../store/index.js';
import { queryPlan, statementsOf, storeWithLocation } from '../support/query-plan.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanup.length) await cleanup.pop()?.();
});

/** How many parameters a statement takes (`?` on SQLite, `$n` on PostgreSQL). */
const parameterCount = (text: string): number => (text.match(/\?|\$\d+/g) ?? []).length;

describe("a call's arrival and answer", () => {
  it('look the caller up on the blacklist along its index, every written form of the number', async () => {
    const { db, location } = await storeWithLocation(cleanup);
    const [text] = (await statementsOf(db, () => findActiveBlock(db, '13800138000', new Date('2026-03-01T07:00:00.000Z')))).filter((t) => /from "blacklist"/.test(t));
    expect(text).toBeDefined();
    const forms = ['13800138000', '013800138000', '8613800138000', '+8613800138000', '008613800138000'];
    const values = [...forms, '2026-03-01T07:00:00.000Z', 1].slice(0, parameterCount(text ?? ''));
    const plan = await queryPlan(db, location, text ?? '', values);
    expect(plan).toMatch(/blacklist_number_idx/);
    expect(plan).not.toMatch(dialectOf(db) === 'postgres' ? /Seq Scan/ : /SCAN blacklist(?! USING)/);
  });

  it("close the caller's pending missed call along an index of the caller's number", async () => {
    const { db, location } = await storeWithLocation(cleanup);
    const [text] = (await statementsOf(db, () => closeMissedCallsGotThrough(db, '13800138000', '2026-03-01T07:00:00.000Z'))).filter((t) => /update "missed_calls"/.test(t));
    expect(text).toBeDefined();
    const values = ['got-through', '13800138000', 'pending', '2026-03-01T07:00:00.000Z'].slice(0, parameterCount(text ?? ''));
    const plan = await queryPlan(db, location, text ?? '', values);
    expect(plan).toMatch(/missed_calls_pending_number_idx/);
  });
});
