/**
 * A durable transaction on an SQLite file (`atomically`: a call's arrival with its ticket, an agent's
 * form, an admin's change) returns only once its commit is flushed to disk — by an fdatasync of the
 * WAL file on the thread pool, so the event loop keeps serving calls meanwhile. Commits waiting at the
 * same time share a flush, a failed flush is the caller's error, and what the progress writes commit
 * waits for no flush at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { atomically, openStore, progressWrite, skills, type Store } from '../../store/index.js';
import { TestClock } from '../support/test-clock.js';

let dir = '';
let store: Store | null = null;
afterEach(async () => {
  vi.restoreAllMocks();
  await store?.close();
  store = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The prototype every FileHandle shares, to watch `datasync` on the WAL file's. */
async function fileHandlePrototype(): Promise<{ datasync(): Promise<void> }> {
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
  await probe.close();
  return proto;
}

/** Flushes held until released, counted. */
async function heldFlushes() {
  const proto = await fileHandlePrototype();
  const original: (this: unknown) => Promise<void> = Reflect.get(proto, 'datasync');
  const waiting: (() => void)[] = [];
  let count = 0;
  vi.spyOn(proto, 'datasync').mockImplementation(function (this: unknown) {
    count++;
    return new Promise<void>((resolve, reject) => {
      waiting.push(() => {
        original.call(this).then(resolve, reject);
      });
    });
  });
  return {
    count: () => count,
    waiting: () => waiting.length,
    releaseAll: () => waiting.splice(0).forEach((release) => release()),
  };
}

const settledYet = async (promise: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return settled;
};

describe('a durable commit on an SQLite file', () => {
  it('returns once the WAL is flushed; the event loop runs and others read the row meanwhile', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cti-durable-'));
    store = openStore(join(dir, 'cti.db'), new TestClock());
    const flushes = await heldFlushes();
    const write = atomically(store.db, (tx) => tx.insert(skills).values({ code: 'durable-a', name: '甲' }));
    await vi.waitFor(() => expect(flushes.waiting()).toBe(1));
    // Committed (another connection sees it) but not yet declared durable.
    const reader = new Database(join(dir, 'cti.db'), { readonly: true });
    expect(reader.prepare("select count(*) as n from skills where code = 'durable-a'").get()).toEqual({ n: 1 });
    reader.close();
    expect(await settledYet(write)).toBe(false);
    flushes.releaseAll();
    await write;
  });

  it('commits waiting together share a flush, and a progress write waits for none', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cti-durable-'));
    store = openStore(join(dir, 'cti.db'), new TestClock());
    const db = store.db;
    const flushes = await heldFlushes();
    const first = atomically(db, (tx) => tx.insert(skills).values({ code: 'group-0', name: '组0' }));
    await vi.waitFor(() => expect(flushes.waiting()).toBe(1));
    // Five more while the first flush runs: they may have committed after it began, so they need the next one — one for all five.
    const rest = Array.from({ length: 5 }, (_, i) => atomically(db, (tx) => tx.insert(skills).values({ code: `group-${i + 1}`, name: `组${i + 1}` })));
    await progressWrite(db, (tx) => tx.insert(skills).values({ code: 'progress', name: '进度' }));
    expect(await settledYet(Promise.all(rest))).toBe(false);
    flushes.releaseAll();
    await first;
    await vi.waitFor(() => expect(flushes.waiting()).toBe(1));
    flushes.releaseAll();
    await Promise.all(rest);
    expect(flushes.count()).toBe(2);
  });

  it('a flush that fails is the caller’s error', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cti-durable-'));
    store = openStore(join(dir, 'cti.db'), new TestClock());
    const proto = await fileHandlePrototype();
    vi.spyOn(proto, 'datasync').mockRejectedValueOnce(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(atomically(store.db, (tx) => tx.insert(skills).values({ code: 'lost-flush', name: '失败' }))).rejects.toThrow('EIO');
    // The next durable commit flushes again and succeeds.
    await atomically(store.db, (tx) => tx.insert(skills).values({ code: 'next', name: '下一个' }));
  });
});
