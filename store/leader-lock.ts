/**
 * Which of two server processes on one PostgreSQL database serves: the one holding a session-level
 * advisory lock. The other (the standby) asks again every `pollMs` and takes over as soon as the lock
 * is free — PostgreSQL frees it the moment the holder's connection ends: a process that dies (even by
 * `kill -9`) closes its socket at once, and a machine that goes silent is noticed by the keepalives set
 * below within a few seconds.
 *
 * The lock lives on a connection of its own, outside the pool: a pooled connection may be closed or
 * recycled by the pool, which would hand the lock over while this process still serves. If that
 * connection is lost anyway (PostgreSQL restarted, network cut), the holder can no longer prove it is
 * the only one serving: `onLost` fires, and the server stops, to start again as a standby.
 *
 * Each connection's `application_name` says who it is and where its HTTP is, so a standby can tell
 * the desktops where the active one is (`activeHolder`).
 */
import pg from 'pg';
import { redactedUrl } from './db.js';
import { DatabaseUnreachable } from './errors.js';
import { PG_CONNECT_TIMEOUT_MS } from './pg-bounds.js';

/** The lock's two keys (pg_try_advisory_lock(int, int)): 12345, and 1 for "the active server". */
const LOCK_CLASS = 12345;
const LOCK_ID = 1;

const ACTIVE_PREFIX = 'cti-active ';
const STANDBY_PREFIX = 'cti-standby ';

export interface LeaderLockOptions {
  url: string;
  /** This server's HTTP address as desktops reach it (shown to them by the standby). */
  advertisedUrl: string;
  /** How often a standby asks for the lock (default 1000 ms). */
  pollMs?: number;
  /** How long opening the lock's connection may take (default PG_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
  /** How often the holder asks PostgreSQL whether its connection still answers (default 1000 ms). */
  probeMs?: number;
  /** How long the holder waits for that answer before it takes the lock as lost (default 2000 ms). */
  probeTimeoutMs?: number;
}

/** PostgreSQL limits `application_name` to 63 bytes. */
function applicationName(prefix: string, url: string): string {
  const name = prefix + url;
  return Buffer.byteLength(name) <= 63 ? name : prefix + url.slice(0, 63 - Buffer.byteLength(prefix));
}

export class LeaderLock {
  private client: pg.Client | null = null;
  private held = false;
  private stopped = false;
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private probeTimer: ReturnType<typeof setInterval> | null = null;
  private readonly lostListeners: ((error: Error) => void)[] = [];

  constructor(private readonly options: LeaderLockOptions) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** Called once if the lock is lost while held. */
  onLost(listener: (error: Error) => void): void {
    this.lostListeners.push(listener);
  }

  /**
   * Resolves once this process holds the lock (at once when it is free); rejects if `release` is
   * called first. `onWaiting` runs once, when the first try finds the lock taken.
   */
  async acquire(onWaiting?: () => Promise<void>): Promise<void> {
    const client = await this.connect();
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) throw new Error('stopped before the lock was taken');
      const result = await client.query<{ taken: boolean }>('select pg_try_advisory_lock($1, $2) as taken', [LOCK_CLASS, LOCK_ID]);
      if (result.rows[0]?.taken) break;
      if (attempt === 0) await onWaiting?.();
      await new Promise<void>((resolve) => {
        this.pollTimer = setTimeout(resolve, this.options.pollMs ?? 1000);
      });
    }
    this.held = true;
    await client.query("select set_config('application_name', $1, false)", [applicationName(ACTIVE_PREFIX, this.options.advertisedUrl)]);
    this.startProbing(client);
  }

  /**
   * While held, the connection is asked every `probeMs` whether it still answers. Over a cut network
   * nothing would tell this side for minutes (Node sets no keepalive interval or count: the system's
   * 75 s × 9 apply), while PostgreSQL frees the lock of its silent holder after about 4 s and the
   * standby takes over: two servers would drive the same calls. An answer missing for
   * `probeTimeoutMs` (2 s, before PostgreSQL gives up on us) ends this server's hold at once.
   */
  private startProbing(client: pg.Client): void {
    const timeoutMs = this.options.probeTimeoutMs ?? 2000;
    let asking = false;
    this.probeTimer = setInterval(() => {
      if (asking) return;
      asking = true;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const silent = new Promise<'silent'>((resolve) => {
        timer = setTimeout(() => resolve('silent'), timeoutMs);
      });
      void Promise.race([client.query('select 1').then(() => 'answered' as const), silent])
        .then((answer) => {
          if (answer === 'silent') this.lost(new Error(`the connection holding the lock did not answer for ${timeoutMs} ms`));
        })
        .catch((error: unknown) => this.lost(error instanceof Error ? error : new Error(String(error))))
        .finally(() => {
          clearTimeout(timer);
          asking = false;
        });
    }, this.options.probeMs ?? 1000);
    this.probeTimer.unref();
  }

  private stopProbing(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = null;
  }

  /** Gives the lock up (a clean shutdown): the standby takes over at its next poll. */
  async release(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.stopProbing();
    const client = this.client;
    this.client = null;
    this.held = false;
    if (client) await client.end().catch(() => undefined);
  }

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.options.url,
      application_name: applicationName(STANDBY_PREFIX, this.options.advertisedUrl),
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? PG_CONNECT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: 1000,
    });
    client.on('error', (error) => this.lost(error));
    client.on('end', () => this.lost(new Error('the connection holding the lock ended')));
    // The first connection a server on PostgreSQL opens: one that is refused is the operator's start-up error.
    await client.connect().catch((error: unknown) => {
      throw new DatabaseUnreachable(redactedUrl(this.options.url), error);
    });
    // PostgreSQL notices a holder whose machine went silent after 2 s + 2 × 1 s without an answer.
    await client.query('set tcp_keepalives_idle = 2; set tcp_keepalives_interval = 1; set tcp_keepalives_count = 2');
    this.client = client;
    return client;
  }

  private lost(error: Error): void {
    if (this.stopped || !this.held) return;
    this.held = false;
    this.stopped = true;
    this.stopProbing();
    // Not waited for: a connection gone silent may never finish closing.
    const client = this.client;
    this.client = null;
    void client?.end().catch(() => undefined);
    for (const listener of this.lostListeners.splice(0)) listener(error);
  }
}

/** The HTTP address of the server holding the lock (as it advertised it), or null when none does. */
export async function activeHolder(url: string, connectTimeoutMs = PG_CONNECT_TIMEOUT_MS): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, application_name: 'cti-lookup', connectionTimeoutMillis: connectTimeoutMs });
  await client.connect();
  try {
    const result = await client.query<{ name: string }>(
      `select a.application_name as name
         from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.classid = $1 and l.objid = $2 and l.objsubid = 2
          and l.database = (select oid from pg_database where datname = current_database())`,
      [LOCK_CLASS, LOCK_ID],
    );
    const name = result.rows[0]?.name;
    return name?.startsWith(ACTIVE_PREFIX) ? name.slice(ACTIVE_PREFIX.length) : null;
  } finally {
    await client.end();
  }
}
