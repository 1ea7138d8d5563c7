/** Small helpers for tests: drive the PBX simulator's control API and wait for things to happen. */
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface SimResponse<T = unknown> {
  status: number;
  body: T;
}

/** A JSON request with node:http (no client library between the test and the wire). */
export function simRequest<T = unknown>(baseUrl: string, method: string, path: string, body?: unknown): Promise<SimResponse<T>> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, baseUrl),
      { method, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : null;
          } catch {
            // keep text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

export async function placeCall(baseUrl: string, from: string, to: string): Promise<string> {
  const res = await simRequest<{ channelId: string }>(baseUrl, 'POST', '/sim/calls', { from, to });
  if (res.status !== 201) throw new Error(`POST /sim/calls answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.channelId;
}

/**
 * Polls `check` until it returns a value (not undefined, null or false) or the time runs out. Null
 * counts as "not yet": a column such as `ended_at` is null until the thing happened.
 */
export async function waitFor<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A channel as the simulator's control API lists it (the fields tests follow). */
export interface SimChannelView {
  id: string;
  name: string;
  state: string;
  bridgeId: string | null;
}

/** The simulator's channels, as its control API lists them now. */
export async function simChannels(baseUrl: string): Promise<SimChannelView[]> {
  return (await simRequest<SimChannelView[]>(baseUrl, 'GET', '/sim/channels')).body;
}

/**
 * The simulator's channels and what each hears, for tests that follow audio (monitoring, transfers):
 * `channels()` lists them, `hears(id)` names the channels one hears, `legOf(prefix)` waits for the
 * first channel whose name starts so (`PJSIP/1005-`) and gives its id. `simUrl` is read at each use.
 */
export function simAudio(simUrl: () => string) {
  const channels = () => simChannels(simUrl());
  return {
    channels,
    hears: async (channelId: string) => (await simRequest<{ hears: string[] }>(simUrl(), 'GET', `/sim/channels/${channelId}`)).body.hears,
    legOf: (prefix: string) => waitFor(async () => (await channels()).find((c) => c.name.startsWith(prefix))?.id, prefix),
  };
}
