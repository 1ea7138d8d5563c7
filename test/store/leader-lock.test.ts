/**
 * Active and standby: two servers on one PostgreSQL database, one lock. Runs on the machine's
 * PostgreSQL whatever database the rest of the run uses (the lock exists only there).
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { activeHolder, LeaderLock } from '../../store/leader-lock.js';
import { FreezableProxy } from '../support/freezable-proxy.js';
import { createPostgresDatabase } from '../support/test-database.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()?.();
});

async function database(): Promise<string> {
  const created = await createPostgresDatabase();
  cleanup.push(created.drop);
  return created.url;
}

function lock(url: string, advertisedUrl: string): LeaderLock {
  const l = new LeaderLock({ url, advertisedUrl, pollMs: 50, probeMs: 100, probeTimeoutMs: 500 });
  cleanup.push(() => l.release());
  return l;
}

/** Ends the PostgreSQL sessions of `applicationPrefix` from outside, as a process killed with -9 would. */
async function killSessions(url: string, applicationPrefix: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const result = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name like $1',
      [`${applicationPrefix}%`],
    );
    return result.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe('leader lock', () => {
  it('lets one server be active; the other waits, and the active one is named to it', async () => {
    const url = await database();
    const first = lock(url, 'http://10.0.0.1:8080');
    await first.acquire();
    expect(first.isHeld).toBe(true);

    const second = lock(url, 'http://10.0.0.2:8080');
    let secondActive = false;
    const waiting = second.acquire().then(() => {
      secondActive = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondActive).toBe(false);
    expect(await activeHolder(url)).toBe('http://10.0.0.1:8080');

    await first.release();
    await waiting;
    expect(second.isHeld).toBe(true);
    expect(await activeHolder(url)).toBe('http://10.0.0.2:8080');
  });

  it('hands over when the active server dies, and tells the one that lost its connection', async () => {
    const url = await database();
    const active = lock(url, 'http://10.0.0.1:8080');
    await active.acquire();
    const lost = new Promise<Error>((resolve) => active.onLost(resolve));
    const standby = lock(url, 'http://10.0.0.2:8080');
    const takeover = standby.acquire();

    expect(await killSessions(url, 'cti-active ')).toBe(1);
    await takeover;
    expect(standby.isHeld).toBe(true);
    expect((await lost).message).toBeTruthy();
    expect(active.isHeld).toBe(false);
    expect(await activeHolder(url)).toBe('http://10.0.0.2:8080');
  });

  it('tells the active server it lost the lock when its connection goes silent (a network cut), before the standby may take over', async () => {
    const url = new URL(await database());
    const proxy = await FreezableProxy.start(url.hostname, Number(url.port || 5432));
    cleanup.push(() => proxy.close());
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const active = lock(url.toString(), 'http://10.0.0.1:8080');
    await active.acquire();
    const lost = new Promise<Error>((resolve) => active.onLost(resolve));

    // Nothing passes any more, and nothing is closed: the way a cut network looks from this side.
    // PostgreSQL frees the lock of a silent holder after its keepalives (about 4 s); the holder must
    // have stopped serving by then, not minutes later when its own socket's keepalives give up.
    proxy.freeze();
    const error = await Promise.race([lost, new Promise<null>((resolve) => setTimeout(() => resolve(null), 15_000))]);
    expect(error?.message, 'the active server was told it no longer holds the lock').toMatch(/did not answer/);
    expect(active.isHeld).toBe(false);
  }, 30_000);

  it('names no active server while none holds the lock', async () => {
    const url = await database();
    expect(await activeHolder(url)).toBeNull();
  });
});
