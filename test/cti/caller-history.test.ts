/**
 * The caller's history kept with a call (cti/calls/caller-history.ts): read once when started, newest
 * first, only what the pop shows; a read that fails gives no history and a warning that names the
 * call, never the caller's full number.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { callerHistory, HISTORY_SHOWN } from '../../cti/calls/caller-history.js';
import { silentLogger } from '../../cti/logging.js';
import { openTicketForCall, type Store } from '../../store/index.js';
import { openTestStore } from '../support/test-database.js';
import { capturedLog } from '../support/test-logger.js';
import { TestClock } from '../support/test-clock.js';

const CALLER = '13800138123';
let store: Store | null = null;

afterEach(async () => {
  await store?.close();
  store = null;
});

async function ticketsFor(db: Store['db'], clock: TestClock, count: number): Promise<string[]> {
  const numbers: string[] = [];
  for (let i = 0; i < count; i++) {
    clock.set(new Date(Date.parse('2026-06-10T02:00:00Z') + i * 60_000).toISOString());
    const at = clock.now();
    const { ticket } = await openTicketForCall(db, { callKey: `earlier-${i}`, callId: null, callerNumber: CALLER, dialledNumber: '12345', routeId: null, hotline: '12345', at });
    numbers.push(ticket.number);
  }
  return numbers;
}

describe("a call's caller history", () => {
  it('is read once when started, newest first, one more than the pop shows (the call’s own ticket may be among them)', async () => {
    const clock = new TestClock();
    store = await openTestStore(clock);
    const numbers = await ticketsFor(store.db, clock, HISTORY_SHOWN + 3);
    const history = callerHistory(store.db, silentLogger(), 'call-1', CALLER);
    expect(history.now).toBeUndefined();
    history.start();
    const read = await history.ready;
    expect(read.map((t) => t.number)).toEqual(numbers.reverse().slice(0, HISTORY_SHOWN + 1));
    // Only what the pop shows is kept with the call.
    expect(Object.keys(read[0] ?? {}).sort()).toEqual(['category', 'confidential', 'content', 'createdAt', 'id', 'number', 'status']);
    expect(history.now).toBe(read);

    // Read once: a ticket opened afterwards is not in it.
    await openTicketForCall(store.db, { callKey: 'later', callId: null, callerNumber: CALLER, dialledNumber: '12345', routeId: null, hotline: '12345', at: clock.now() });
    history.start();
    expect(await history.ready).toBe(read);
  });

  it('a read that fails gives no history and a warning naming the call, with the number masked', async () => {
    const clock = new TestClock();
    store = await openTestStore(clock);
    await ticketsFor(store.db, clock, 2);
    const { log, lines } = capturedLog('warn');
    const history = callerHistory(store.db, log, 'call-2', CALLER);
    // The store goes away under the call (the server stopping): the read fails.
    const closing = store;
    store = null;
    await closing.close();
    history.start();
    expect(await history.ready).toEqual([]);
    expect(history.now).toEqual([]);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ level: 40, callId: 'call-2', caller: '138****8123', msg: "could not read the caller's recent tickets; the screen-pop shows none" });
    expect(lines[0]).not.toContain(CALLER);
  });
});
