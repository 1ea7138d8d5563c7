/**
 * The bench's floor for the front half of a call: the least an ARI application can do for it. On
 * StasisStart it answers and plays the 12345 greeting (the prompt and language the server plays); on
 * that playback's PlaybackFinished it puts the caller in its one holding bridge, which plays music on
 * hold. No database, no ticket, no routing, no logging. REST over an undici keep-alive Pool of 32
 * connections, events over one `ws` socket. With MINIMAL_DB (a database migrated like the server's)
 * it also writes and reads the rows the server must for each call (minimal-rows.ts), and nothing more.
 *
 * Run by `npm run bench` as a child process (`node dist/test/bench/minimal-ari-app.js`) with
 * MINIMAL_ARI_URL (the ARI HTTP base, e.g. http://127.0.0.1:8088), MINIMAL_ARI_USER,
 * MINIMAL_ARI_PASSWORD, MINIMAL_ARI_APP (hotline12345, the dialplan's Stasis app). Prints `ready`
 * on stdout once its bridge exists and its event socket is open; stops on SIGTERM/SIGINT.
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { WebSocket } from 'ws';

const GREETING = 'sound:greeting-12345';
const LANGUAGE = 'zh';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const baseUrl = env('MINIMAL_ARI_URL');
const user = env('MINIMAL_ARI_USER', 'cti');
const password = env('MINIMAL_ARI_PASSWORD');
const app = env('MINIMAL_ARI_APP', 'hotline12345');
// Loaded only when asked: the floor without rows stays without a database driver.
const rowsDb = process.env.MINIMAL_DB;
const rows = rowsDb ? new (await import('./minimal-rows.js')).MinimalRows(rowsDb) : null;

const pool = new Pool(baseUrl, { connections: 32, keepAliveTimeout: 10_000 });
const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
let failures = 0;

async function ari(method: 'POST' | 'DELETE', path: string, query: Record<string, string>): Promise<unknown> {
  const res = await pool.request({ method, path: `/ari${path}?${new URLSearchParams(query).toString()}`, headers: { authorization } });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
  return text ? (JSON.parse(text) as unknown) : null;
}

/** A caller who hung up meanwhile makes requests fail (404/409): counted, not reported one by one. */
const tolerate = (promise: Promise<unknown>): void => {
  promise.catch(() => {
    failures += 1;
  });
};

/** playback id → caller channel id, until the greeting ends. */
const greetings = new Map<string, string>();

interface AriEventShape {
  type?: string;
  channel?: { id?: string; name?: string; caller?: { number?: string }; dialplan?: { exten?: string } };
  playback?: { id?: string; state?: string };
}

async function main(): Promise<void> {
  const bridge = (await ari('POST', '/bridges', { type: 'holding', name: 'minimal-queue' })) as { id: string };
  await ari('POST', `/bridges/${encodeURIComponent(bridge.id)}/moh`, { mohClass: 'default' });

  const onEvent = (event: AriEventShape): void => {
    if (event.type === 'StasisStart' && event.channel?.id) {
      const channelId = event.channel.id;
      const playbackId = randomUUID();
      greetings.set(playbackId, channelId);
      const channel = encodeURIComponent(channelId);
      // With rows: the ticket is on disk before the greeting, as the server has it.
      const recorded = rows?.arrive(channelId, event.channel.name ?? '', event.channel.caller?.number ?? '', event.channel.dialplan?.exten ?? '');
      tolerate(
        Promise.all([ari('POST', `/channels/${channel}/answer`, {}), recorded]).then(() =>
          ari('POST', `/channels/${channel}/play/${playbackId}`, { media: GREETING, lang: LANGUAGE }),
        ).catch((error: unknown) => {
          greetings.delete(playbackId);
          throw error;
        }),
      );
    } else if (event.type === 'PlaybackFinished' && event.playback?.id) {
      const channelId = greetings.get(event.playback.id);
      if (channelId === undefined) return;
      greetings.delete(event.playback.id);
      if (event.playback.state !== 'done') return;
      tolerate(ari('POST', `/bridges/${encodeURIComponent(bridge.id)}/addChannel`, { channel: channelId }));
      rows?.queued(channelId);
    } else if (event.type === 'StasisEnd' && event.channel?.id) {
      rows?.ended(event.channel.id);
    }
  };

  const socketUrl = `${baseUrl.replace(/^http/, 'ws')}/ari/events?app=${encodeURIComponent(app)}`;
  const socket = new WebSocket(socketUrl, { headers: { authorization } });
  socket.on('message', (data: Buffer) => onEvent(JSON.parse(data.toString('utf8')) as AriEventShape));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', (error: Error) => process.stderr.write(`minimal-ari-app: event socket: ${error.message}\n`));
  socket.once('close', () => {
    process.stderr.write('minimal-ari-app: event socket closed\n');
    process.exit(1);
  });

  const stop = (): void => {
    socket.removeAllListeners('close');
    socket.close();
    if (failures > 0) process.stderr.write(`minimal-ari-app: ${failures} requests failed (callers gone)\n`);
    void Promise.allSettled([pool.close(), rows?.close()]).finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`minimal-ari-app: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
