/**
 * Two servers on one PostgreSQL database: the one that holds the leader lock serves, the other waits
 * as a standby and takes over when the active one dies (store/leader-lock.ts). On SQLite there is one
 * server and nothing to wait for.
 *
 * While it waits, the standby answers HTTP with where the active server is (standby-server.ts); it
 * frees the port the moment it takes over, and the full server starts in its place — connecting to
 * Asterisk and reconciling every call the other one left, as after a restart.
 */
import { hostname } from 'node:os';
import type { Config } from './config.js';
import type { Logger } from './cti/logging.js';
import { startStandbyServer } from './softphone-bridge/http/standby-server.js';
import { isPostgresUrl } from './store/dialect.js';
import { activeHolder, LeaderLock } from './store/leader-lock.js';

/** Waits until this server may serve; the lock it then holds (null on SQLite). */
export async function becomeActive(config: Config, log: Logger): Promise<LeaderLock | null> {
  if (!isPostgresUrl(config.dbPath)) return null;
  const advertisedUrl = config.advertisedUrl ?? `http://${hostname()}:${config.httpPort}`;
  const lock = new LeaderLock({ url: config.dbPath, advertisedUrl });
  // Set inside the callback, hence a holder (the compiler cannot see a callback's assignments).
  const waiting: { standby: Awaited<ReturnType<typeof startStandbyServer>> | null } = { standby: null };
  const started = performance.now();
  await lock.acquire(async () => {
    log.warn({ active: await activeHolder(config.dbPath) }, 'another server is active: this one waits as the standby');
    waiting.standby = await startStandbyServer({
      host: config.httpHost,
      port: config.httpPort,
      log,
      sources: { active: () => activeHolder(config.dbPath) },
    });
  });
  if (waiting.standby) {
    await waiting.standby.close();
    log.warn({ waitedMs: Math.round(performance.now() - started) }, 'took over as the active server');
  }
  return lock;
}
