/**
 * The WAL's checkpoints run on a worker thread, not inside the server's commits (store/checkpointer.ts).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../store/checkpointer.js';
import { atomically, openStore, putSetting, type Store } from '../../store/index.js';
import { waitFor } from '../support/sim-client.js';

const opened: Store[] = [];
afterEach(async () => {
  while (opened.length) await opened.pop()?.close();
});

const fileSize = (path: string) => statSync(path).size;

describe('the WAL checkpoints', () => {
  it('copy what the server writes into the database file while it runs, without a commit doing it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cti-checkpoint-')), 'cti.db');
    const store = openStore(path, undefined, { checkpointIntervalMs: 20 });
    opened.push(store);
    // Let the worker copy what the migrations left in the WAL, then measure the file.
    await waitFor(() => fileSize(path) > 0, 'the migrations in the database file');
    const before = fileSize(path);
    // Some 200 pages: fewer than the 1,000 after which a commit would checkpoint by itself, so only
    // the worker can have put them into the database file.
    for (let i = 0; i < 20; i++) {
      await atomically(store.db, async (tx) => {
        for (let j = 0; j < 10; j++) await putSetting(tx, `bulk-${i}-${j}`, '工单'.repeat(1200));
      });
    }
    await waitFor(() => fileSize(path) > before + 500_000, 'the new pages in the database file');
  });

  it('go back into the commits when the worker cannot run, and say so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cti-checkpoint-'));
    const path = join(dir, 'gone.db');
    const client = new Database(path);
    client.pragma('journal_mode = WAL');
    // The file is gone before the worker opens it: it fails at once.
    rmSync(path);
    let lost: Error | null = null;
    const checkpointer = startCheckpointer(client, {
      onLost: (error) => {
        lost = error;
      },
    });
    expect(client.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const error = await waitFor(() => lost, 'the worker reported lost');
    expect(error.message).toMatch(/unable to open|no such file|SQLITE_CANTOPEN/i);
    expect(client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    await checkpointer.stop();
    client.close();
  });
});
