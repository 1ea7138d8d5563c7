/** HTTP plumbing shared by the ARI and control routes: request parsing, parameters, responses. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface HttpResult {
  status: number;
  /** JSON body; `undefined` sends no body (204, or an empty 200). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw bytes instead of JSON (stored recording files). */
  raw?: { contentType: string; data: Buffer };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Control API errors are `{error}`, ARI errors `{message}` like Asterisk's. */
    readonly style: 'ari' | 'control' = 'ari',
  ) {
    super(message);
  }

  toResult(): HttpResult {
    return { status: this.status, body: this.style === 'ari' ? { message: this.message } : { error: this.message } };
  }
}

export const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

const MAX_BODY = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'Request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, result: HttpResult): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { Server: 'Asterisk/22.10.1', ...result.headers };
  if (result.raw) {
    res.writeHead(result.status, STATUS_TEXT[result.status], { ...headers, 'Content-Type': result.raw.contentType });
    res.end(result.raw.data);
    return;
  }
  if (result.body === undefined) {
    res.writeHead(result.status, STATUS_TEXT[result.status], { ...headers, 'Content-Length': '0' });
    res.end();
    return;
  }
  const text = JSON.stringify(result.body);
  res.writeHead(result.status, STATUS_TEXT[result.status], {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Asterisk's `ast_true`. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && /^(yes|true|y|t|1|on)$/i.test(value.trim());
}

/**
 * ARI parameters: query string values, overridden by fields of a JSON object body (Asterisk's
 * generated `*_parse_body`). Numbers parse like C `atoi` (leading digits, else 0).
 */
export class Params {
  private readonly values = new Map<string, string[]>();

  constructor(
    query: URLSearchParams,
    readonly body: unknown,
    readonly path: Record<string, string>,
  ) {
    for (const [k, v] of query) {
      const list = this.values.get(k) ?? [];
      list.push(v);
      this.values.set(k, list);
    }
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      for (const [k, v] of Object.entries(body)) {
        if (typeof v === 'string') this.values.set(k, [v]);
        else if (typeof v === 'number' || typeof v === 'boolean') this.values.set(k, [String(v)]);
        else if (Array.isArray(v)) this.values.set(k, v.filter((x) => typeof x === 'string' || typeof x === 'number').map(String));
      }
    }
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  str(name: string): string | undefined {
    const v = this.values.get(name);
    return v === undefined ? undefined : v[v.length - 1];
  }

  /** Non-empty string or undefined. */
  text(name: string): string | undefined {
    const v = this.str(name);
    return v === undefined || v === '' ? undefined : v;
  }

  int(name: string, fallback: number): number {
    const v = this.str(name);
    if (v === undefined) return fallback;
    const m = /^\s*([+-]?\d+)/.exec(v);
    return m?.[1] !== undefined ? Number.parseInt(m[1], 10) : 0;
  }

  bool(name: string, fallback = false): boolean {
    const v = this.str(name);
    return v === undefined ? fallback : isTrue(v);
  }

  /** `allowMultiple` parameters: repeated and/or comma separated. */
  list(name: string): string[] {
    return (this.values.get(name) ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
  }

  /** The `variables` object of a JSON body, as strings; throws on non-string values. */
  variables(): Record<string, string> | undefined {
    const body = this.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
    const vars = (body as Record<string, unknown>)['variables'];
    if (vars === undefined) return undefined;
    if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) {
      throw new HttpError(400, "Only string values in the 'variables' object allowed");
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(vars)) {
      if (typeof v !== 'string') throw new HttpError(400, "Only string values in the 'variables' object allowed");
      out[k] = v;
    }
    return out;
  }
}
