/**
 * A query that fails, as the server's log shows it. On PostgreSQL drizzle words a failed query's
 * error with its parameters ("Failed query: … params: 13500000001,in-progress") and keeps them in its
 * `params`; a caller's number must still reach the log masked, whether the error or only its message
 * is logged. On SQLite the driver's error names no parameter: the same test holds there too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hasCallbackInProgress, type Store } from '../../store/index.js';
import { TestClock } from '../support/test-clock.js';
import { alterSchema, openTestStore } from '../support/test-database.js';
import { capturedLog } from '../support/test-logger.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

describe('a failed query in the log', () => {
  it("shows what failed, with the caller's number masked", async () => {
    const opened = (store = await openTestStore(new TestClock('2026-11-20T02:00:00.000Z')));
    const { log, lines } = capturedLog('info');
    // The callback attempts cannot be read: the query with the citizen's number among its parameters fails.
    await alterSchema(opened, 'alter table callback_attempts rename to callback_attempts_away');
    const failure = await hasCallbackInProgress(opened.db, '13500000001').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    log.error({ err: failure }, 'could not read the callback attempts');
    log.warn({ err: (failure as Error).message }, 'could not read the callback attempts (message)');

    const text = lines.join('');
    expect(text).toContain('callback_attempts');
    expect(text).not.toContain('13500000001');
    if (opened.dialect === 'postgres') expect(text).toContain('params: 135****0001');
  });
});
