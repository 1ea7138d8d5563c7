/**
 * A raw ARI client for simulator tests: REST over fetch with basic auth and the events WebSocket
 * through `ws`, keeping every message so tests can wait for and compare sequences.
 */
import WebSocket from 'ws';

export type AriMessage = Record<string, unknown> & { type: string };

export interface RestResult {
  status: number;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
  text: string;
}

export class AriRest {
  constructor(
    private readonly baseUrl: string,
    private readonly user = 'cti',
    private readonly password = 'cti-secret',
  ) {}

  async call(method: string, path: string, query: Record<string, string> = {}, body?: unknown): Promise<RestResult> {
    const url = new URL(`/ari${path}`, this.baseUrl);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const headers: Record<string, string> = {
      authorization: `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), text };
  }
}

export class EventStream {
  readonly events: AriMessage[] = [];
  private waiters: (() => void)[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      const parsed = JSON.parse(text) as AriMessage;
      this.events.push(parsed);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(baseUrl: string, apps: string, extra = ''): Promise<EventStream> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/ari/events?app=${apps}&api_key=cti:cti-secret${extra}`;
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new EventStream(ws)));
      ws.once('error', reject);
    });
  }

  /** Resolves with the first event (from index `from`) matching `pred`. */
  async waitFor(pred: (e: AriMessage) => boolean, what: string, timeoutMs = 10_000, from = 0): Promise<AriMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(pred);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.events.map((e) => e.type).join(', ')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async waitForCount(n: number, timeoutMs = 10_000): Promise<void> {
    await this.waitFor(() => this.events.length >= n, `${n} events`, timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}

/** Keys of an object, recursively, in order: `{a:string,b:{c:number}}`. Arrays show their first item. */
export function shape(value: unknown): string {
  if (Array.isArray(value)) return `[${value.length > 0 ? shape(value[0]) : ''}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}:${shape(v)}`)
      .join(',')}}`;
  }
  return value === null ? 'null' : typeof value;
}

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface RecordedRequest {
  method: string;
  /** Path with query, as recorded (`/ari/bridges?type=mixing&name=…`). */
  path: string;
  status: number;
  body: unknown;
}

/** Parse `ari-requests.txt`: `time METHOD path -> status text`, then the body line. */
export function parseRecordedRequests(text: string): RecordedRequest[] {
  const lines = text.split(/\r?\n/);
  const out: RecordedRequest[] = [];
  lines.forEach((line, i) => {
    const m = /^\S+Z (GET|POST|PUT|DELETE) (\S+) -> (\d+)/.exec(line);
    if (!m) return;
    const bodyLine = lines[i + 1] ?? '';
    out.push({
      method: m[1] ?? '',
      path: m[2] ?? '',
      status: Number(m[3]),
      body: bodyLine.trim() === '' ? undefined : (JSON.parse(bodyLine) as unknown),
    });
  });
  return out;
}

export function parseJsonl(text: string): AriMessage[] {
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as AriMessage);
}
