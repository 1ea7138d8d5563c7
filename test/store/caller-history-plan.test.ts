/**
 * Every arriving call reads its caller's history twice: how many calls the number made in the repeat
 * window (the repeat-call policy) and its newest tickets (the screen-pop). A frequent caller has
 * thousands of earlier calls; read by the caller's number alone, each of their new calls visited all
 * of them and sorted all their tickets (2,000 of each: about 2 ms of the event loop a call, growing
 * with every call). The database must answer both from an index: the count from the index's range for
 * the window (only the window's calls read, for their outcome), the newest tickets in the index's
 * order, no sort. Checked on the plan the database makes for the very
 * statements the server prepares (`CTI_TEST_DB=postgres` runs this file on PostgreSQL).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { countCallsFromSince, dialectOf, listTicketsOfCaller, type Db } from '../../store/index.js';
import { queryPlan, statementsOf, storeWithLocation as planStore } from '../support/query-plan.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  while (cleanup.length) await cleanup.pop()?.();
});

/** A store on a database another connection can open too (a file, not `:memory:`), and where it is. */
function storeWithLocation(): Promise<{ db: Db; location: string }> {
  return planStore(cleanup);
}

const CALLER = '13900001111';
const SINCE = '2026-03-01T07:00:00.000Z';

describe("a caller's history", () => {
  it('is counted for the repeat-call policy from the index range of the window', async () => {
    const { db, location } = await storeWithLocation();
    const [text] = (await statementsOf(db, () => countCallsFromSince(db, CALLER, SINCE))).filter((t) => /count\(\*\)/i.test(t));
    expect(text).toBeDefined();
    const plan = await queryPlan(db, location, text ?? '', [CALLER, 'inbound', SINCE, 'blocked']);
    // The window's range of the caller's index entries; each of those calls is then read for its
    // outcome (one turned away as blacklisted is not counted), and no other call of theirs.
    expect(plan).toMatch(dialectOf(db) === 'postgres' ? /Index Scan using calls_caller_direction_arrived_idx/ : /SEARCH calls USING INDEX calls_caller_direction_arrived_idx \(caller_number=\? AND direction=\? AND arrived_at>\?\)/);
    expect(plan).not.toMatch(dialectOf(db) === 'postgres' ? /Seq Scan|Bitmap Heap Scan.*\n.*Recheck/ : /SCAN calls/);
  });

  it('gives the newest tickets in the order of an index, without sorting the caller’s tickets', async () => {
    const { db, location } = await storeWithLocation();
    const [text] = (await statementsOf(db, () => listTicketsOfCaller(db, CALLER, 6))).filter((t) => /from "tickets"/.test(t));
    expect(text).toBeDefined();
    const plan = await queryPlan(db, location, text ?? '', [CALLER]);
    expect(plan).toMatch(/tickets_caller_created_idx/);
    expect(plan).not.toMatch(dialectOf(db) === 'postgres' ? /Sort/ : /TEMP B-TREE/);
  });
});
