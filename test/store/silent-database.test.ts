/**
 * A PostgreSQL host that has gone silent: it takes the connection but never answers (a server hung
 * before its greeting; behind a partition, the operating system's own timeout is about two minutes).
 * Opening the store, the standby's lock and the lookup of the active server each give up after their
 * bound with a reason, instead of waiting with every query behind them.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../store/index.js';
import { activeHolder, LeaderLock } from '../../store/leader-lock.js';
import { waitFor } from '../support/sim-client.js';
import { TestClock } from '../support/test-clock.js';

const BOUND_MS = 200;
let silent: { server: Server; sockets: Socket[] } | undefined;
afterEach(async () => {
  if (!silent) return;
  for (const socket of silent.sockets) socket.destroy();
  await new Promise((resolve) => silent?.server.close(resolve));
  silent = undefined;
});

/** A listener that accepts connections and says nothing on them; its `postgres://` URL. */
async function silentDatabase(): Promise<string> {
  const sockets: Socket[] = [];
  // What the client sends is read and dropped (so that its closing is seen); nothing is sent back.
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  silent = { server, sockets };
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `postgres://postgres@127.0.0.1:${address.port}/test`;
}

describe('a PostgreSQL host that says nothing', () => {
  it('fails the store’s opening with a reason, and leaves no connection behind', async () => {
    const url = await silentDatabase();
    await expect(openPostgresStore(url, new TestClock('2026-11-20T02:00:00.000Z'), { connectTimeoutMs: BOUND_MS })).rejects.toThrow(
      /^PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:\d+\/test did not answer: .*timeout/i,
    );
    expect(silent?.sockets.length).toBeGreaterThan(0);
    // The client let go of every connection it had begun.
    await waitFor(() => silent?.sockets.every((socket) => socket.readableEnded || socket.destroyed), 'the connections closed by the client');
  });

  it('fails the standby’s wait for the lock, and the lookup of the active server, with a reason', async () => {
    const url = await silentDatabase();
    const lock = new LeaderLock({ url, advertisedUrl: 'http://10.0.0.9:8080', connectTimeoutMs: BOUND_MS });
    await expect(lock.acquire()).rejects.toThrow(/timeout/i);
    expect(lock.isHeld).toBe(false);
    await expect(activeHolder(url, BOUND_MS)).rejects.toThrow(/timeout/i);
  });
});
