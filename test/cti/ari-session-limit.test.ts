/**
 * ARI under Asterisk's HTTP session limit, over real sockets. Asterisk closes every HTTP connection
 * beyond `sessionlimit` unanswered; a client with a socket per concurrent request lost callers that
 * way at 40-60 calls/s. Requests over HTTP (an Asterisk before 22.4, or `requestsOverSocket: false`):
 * the server's pool stays under the limit, and a request refused anyway is tried again (logged,
 * without the caller's number) so the caller is still answered. Over the events socket they take no
 * HTTP session at all.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { AriConnection } from '../../cti/ari/ari-connection.js';
import type { AriEvent } from '../../cti/ari/ari-types.js';
import { createLogger, silentLogger } from '../../cti/logging.js';
import { startServer } from '../../main.js';
import { calls, tickets } from '../../store/index.js';
import { defaultConfigDir } from '../pbx-sim/config/load.js';
import { startPbxSim, type PbxSim } from '../pbx-sim/index.js';
import { testConfig } from '../support/harness.js';
import { testDatabaseLocation } from '../support/test-database.js';
import { waitFor } from '../support/sim-client.js';
import { TestClock } from '../support/test-clock.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The product's Asterisk configuration with `sessionlimit = <limit>` in http.conf. */
function configWithSessionLimit(limit: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'cti-sessions-'));
  cpSync(defaultConfigDir(), dir, { recursive: true });
  const path = join(dir, 'http.conf');
  writeFileSync(path, readFileSync(path, 'utf8').replace(/^sessionlimit = .*$/m, `sessionlimit = ${limit}`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function sim(options: Parameters<typeof startPbxSim>[0] = {}): Promise<PbxSim & { warnings: string[] }> {
  const warnings: string[] = [];
  const started = await startPbxSim({ amiPort: 0, httpPort: 0, logger: { info: () => undefined, warn: (m) => warnings.push(m) }, ...options });
  cleanups.push(() => started.stop());
  return Object.assign(started, { warnings });
}

/** The ARI facade with a logger whose lines (JSON, as in service) the test reads. */
async function facade(target: PbxSim, overHttp = true): Promise<{ ari: AriConnection; logs: Record<string, unknown>[]; text: () => string }> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const ari = new AriConnection({ url: target.httpUrl, username: 'cti', password: 'cti-secret', app: 'hotline12345', requestsOverSocket: !overHttp }, createLogger('debug', sink));
  await ari.connect();
  cleanups.push(() => ari.close());
  return { ari, logs: lines.map((l) => JSON.parse(l) as Record<string, unknown>), text: () => lines.join('\n') } as const;
}

/** Log entries with this message, read now. */
const entries = (f: { text: () => string }, msg: string) =>
  f
    .text()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((e) => e.msg === msg);

/** A caller who dialled 12345 and is now in the application. */
async function callerInApp(target: PbxSim, ari: AriConnection, from: string): Promise<string> {
  const events: AriEvent[] = [];
  ari.on('event', (e) => events.push(e));
  const id = target.core.placeCall({ from, to: '12345' }).id;
  await waitFor(() => events.some((e) => e.type === 'StasisStart' && e.channel.id === id), 'StasisStart');
  return id;
}

describe('Asterisk\'s HTTP session limit', () => {
  async function fortyCallersAtOnce(sessionLimit: number, ari: { connections?: number; requestsOverSocket?: boolean }): Promise<PbxSim & { warnings: string[] }> {
    const seen: ('http' | 'socket')[] = [];
    const pbx = await sim({ configDir: configWithSessionLimit(sessionLimit), onAriRequest: (r) => void seen.push(r.via) });
    const base = testConfig(pbx);
    const database = await testDatabaseLocation();
    cleanups.push(() => database.drop());
    const server = await startServer(testConfig(pbx, { dbPath: database.location, ari: { ...base.ari, ...ari } }), silentLogger(), { clock: new TestClock() });
    cleanups.push(() => server.close());
    await waitFor(() => server.link.status().ami && server.link.status().ari && !server.recovery.isRecovering(), 'both links up', 10_000);

    // All at once, placed in the process: the control API would take sessions of its own.
    const ids = Array.from({ length: 40 }, (_, i) => pbx.core.placeCall({ from: `1391000${String(i).padStart(4, '0')}`, to: '12345' }).id);
    await waitFor(() => ids.every((id) => pbx.core.channel(id)?.state === 'Up'), 'every caller answered', 15_000);
    for (const id of ids) {
      expect((await server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0]).toBeDefined();
      expect((await server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1))[0]).toBeDefined();
    }
    const sessions = pbx.httpSessions();
    expect(sessions.refused).toBe(0);
    expect(pbx.warnings.filter((w) => w.includes('HTTP session count exceeded'))).toEqual([]);
    expect(sessions.peak).toBeLessThanOrEqual(sessionLimit);
    expect(new Set(seen)).toEqual(new Set([ari.requestsOverSocket === false ? 'http' : 'socket']));
    for (const id of ids) {
      const channel = pbx.core.channel(id);
      if (channel) pbx.core.farEndHangup(channel);
    }
    return pbx;
  }

  it('over HTTP, 40 callers at once through sessionlimit = 8 and a pool of 4: every caller answered, with a call row and a ticket, no connection refused', async () => {
    await fortyCallersAtOnce(8, { connections: 4, requestsOverSocket: false });
  });

  it('over the events socket, 40 callers at once through sessionlimit = 2: the requests take no HTTP session, every caller answered', async () => {
    const pbx = await fortyCallersAtOnce(2, { requestsOverSocket: true });
    // The events socket, and the connection that checked access before it.
    expect(pbx.httpSessions().peak).toBeLessThanOrEqual(2);
  });

  it('a request refused at the door is tried again, each retry logged with method and path, and the caller is answered', async () => {
    const pbx = await sim();
    const f = await facade(pbx);
    const id = await callerInApp(pbx, f.ari, '13912345678');
    // The pool has no connection yet (connect() checks access on a connection of its own): the
    // answer opens one, which is refused, and so is the next.
    pbx.refuseHttpConnections(2);
    await f.ari.answer(id);
    expect(pbx.core.channel(id)?.state).toBe('Up');
    expect(pbx.httpSessions().refused).toBe(2);
    const retries = entries(f, 'ARI request refused, trying again');
    expect(retries.map((e) => [e.level, e.method, e.path, e.attempt, e.retryInMs])).toEqual([
      [40, 'POST', `/channels/${id}/answer`, 1, 50],
      [40, 'POST', `/channels/${id}/answer`, 2, 200],
    ]);
  });

  it('an originate that may have reached Asterisk is not sent twice: it fails as a connection error, logged without the number', async () => {
    const pbx = await sim();
    const f = await facade(pbx);
    pbx.refuseHttpConnections(1);
    await expect(
      f.ari.originate({ endpoint: 'PJSIP/13912345678@trunk', app: 'hotline12345', appArgs: ['callback', 'x'], callerId: '"12345" <12345>', channelId: 'callback-leg-1' }),
    ).rejects.toMatchObject({ kind: 'connection' });
    expect(pbx.core.channel('callback-leg-1')).toBeUndefined();
    expect(entries(f, 'ARI request got no answer').map((e) => [e.level, e.method, e.path])).toEqual([[50, 'POST', '/channels']]);
    expect(entries(f, 'ARI request refused, trying again')).toEqual([]);
    expect(f.text()).not.toContain('13912345678');
    expect(f.text()).not.toContain('3912345678');
  });

  it('a new bridge is asked for again while Asterisk refuses connections outright (it never got the request), until it is back', async () => {
    const first = await sim();
    const f = await facade(first);
    const port = first.httpPort;
    await first.stop();
    const bridge = f.ari.createBridge('holding', 'queue-general');
    // Asterisk is back on the same port while the client is still trying.
    const second = await sim({ httpPort: port });
    const created = await bridge;
    expect(second.core.bridges.get(created.id)?.name).toBe('queue-general');
    const retries = entries(f, 'ARI request refused, trying again');
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]).toMatchObject({ level: 40, method: 'POST', path: '/bridges', attempt: 1 });
    expect(String(retries[0]?.err)).toMatch(/ECONNREFUSED/);
  });

  it('503 from an Asterisk still starting is tried again until it answers; when every try fails the request is logged at error', async () => {
    const pbx = await sim();
    const f = await facade(pbx);
    pbx.fault('restart', 150);
    expect(await f.ari.listChannels()).toEqual([]);
    expect(entries(f, 'ARI request refused, trying again')[0]).toMatchObject({ method: 'GET', path: '/channels', err: 'Asterisk answered 503: Asterisk not booted' });

    pbx.fault('restart', 5_000);
    await expect(f.ari.getChannel('gone')).rejects.toMatchObject({ kind: 'request', status: 503, message: 'Asterisk not booted' });
    expect(entries(f, 'ARI request failed: Asterisk refused every try')).toEqual([
      expect.objectContaining({ level: 50, method: 'GET', path: '/channels/gone', tries: 4 }),
    ]);
  });
});
