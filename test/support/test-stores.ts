/** Test stores a test file opens per test and gets closed after each (kept apart from test-database.ts, which the bench imports without vitest). */
import { afterEach } from 'vitest';
import type { Clock, Store } from '../../store/index.js';
import { openTestStore } from './test-database.js';

/**
 * For a test file whose tests each open their own stores: registers an `afterEach` that closes (and
 * drops) every store opened through the returned function during the test.
 */
export function testStoresClosedAfterEach(clock: () => Clock): () => Promise<Store> {
  const opened: Store[] = [];
  afterEach(async () => {
    while (opened.length) await opened.pop()?.close();
  });
  return async () => {
    const store = await openTestStore(clock());
    opened.push(store);
    return store;
  };
}
