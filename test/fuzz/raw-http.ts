/**
 * A small HTTP/1.1 client over kept-alive TCP connections, for throwing many requests at the server
 * cheaply: the request is written byte for byte as given (any path, header or body), the answer is
 * read with its status, headers and body. One request at a time per connection; a connection the
 * server closes is opened again for the next request.
 */
import { connect, type Socket } from 'node:net';

export interface RawRequest {
  method: string;
  /** Path and query, already percent-encoded as it should go on the wire. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface Pending {
  request: RawRequest;
  /** Sent again once already, on a fresh connection. */
  retried?: boolean;
  resolve: (response: RawResponse) => void;
  reject: (error: Error) => void;
}

/** Parses one response from the front of `buffer`; null when it is not all there yet. */
function parseResponse(buffer: Buffer, method: string): { response: RawResponse; rest: Buffer; close: boolean } | null {
  const end = buffer.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = buffer.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const close = /close/i.test(headers['connection'] ?? '');
  let at = end + 4;
  const noBody = method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
  if (noBody) return { response: { status, headers, body: Buffer.alloc(0) }, rest: buffer.subarray(at), close };
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const chunks: Buffer[] = [];
    for (;;) {
      const lineEnd = buffer.indexOf('\r\n', at);
      if (lineEnd < 0) return null;
      const size = parseInt(buffer.subarray(at, lineEnd).toString('latin1'), 16);
      if (Number.isNaN(size)) throw new Error('bad chunk size');
      const dataAt = lineEnd + 2;
      if (buffer.length < dataAt + size + 2) return null;
      if (size === 0) {
        const trailerEnd = buffer.indexOf('\r\n', dataAt);
        if (trailerEnd < 0) return null;
        return { response: { status, headers, body: Buffer.concat(chunks) }, rest: buffer.subarray(trailerEnd + 2), close };
      }
      chunks.push(buffer.subarray(dataAt, dataAt + size));
      at = dataAt + size + 2;
    }
  }
  const length = headers['content-length'];
  if (length === undefined) {
    // Body until the connection closes: only with `Connection: close`.
    return null;
  }
  const n = Number(length);
  if (buffer.length < at + n) return null;
  return { response: { status, headers, body: Buffer.from(buffer.subarray(at, at + n)) }, rest: buffer.subarray(at + n), close };
}

class Connection {
  private socket: Socket | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private current: Pending | null = null;
  private readonly queue: Pending[] = [];
  /** The request answered last on this connection (a connection that dies may have been killed by it). */
  private previous = '';
  /** Whether the current socket has carried a whole exchange already (kept alive, or so we thought). */
  private reused = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  get load(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  send(request: RawRequest): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.next();
    });
  }

  private open(): Socket {
    const socket = connect(this.port, this.host);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    const gone = (error?: Error) => {
      if (this.socket !== socket) return;
      this.socket = null;
      const pending = this.current;
      this.current = null;
      const partial = this.buffer;
      this.buffer = Buffer.alloc(0);
      if (pending) {
        if (partial.length === 0 && this.reused && !pending.retried) {
          // The server closed a kept-alive connection (e.g. after a 431, which it answers without
          // `Connection: close`) before reading this request: send it again on a new one.
          this.queue.unshift({ ...pending, retried: true });
          this.reused = false;
          this.next();
          return;
        }
        // An answer without a length ends with the connection.
        if (partial.indexOf('\r\n\r\n') > 0) {
          const end = partial.indexOf('\r\n\r\n');
          const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(partial.subarray(0, end).toString('latin1'))?.[1] ?? 0);
          pending.resolve({ status, headers: {}, body: Buffer.from(partial.subarray(end + 4)) });
        } else pending.reject(new Error(`connection ${error ? `error ${error.message}` : 'closed'} before the answer (previous request on it: ${this.previous})`));
      }
      this.next();
    };
    socket.on('error', (error) => gone(error));
    socket.on('close', () => gone());
    this.socket = socket;
    this.reused = false;
    return socket;
  }

  private next(): void {
    if (this.current) return;
    const pending = this.queue.shift();
    if (!pending) return;
    this.current = pending;
    const socket = this.socket ?? this.open();
    const { method, path, headers = {}, body } = pending.request;
    const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (payload) head += `Content-Length: ${payload.length}\r\n`;
    head += '\r\n';
    socket.write(payload ? Buffer.concat([Buffer.from(head, 'latin1'), payload]) : Buffer.from(head, 'latin1'));
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket) return;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const pending = this.current;
    if (!pending) return;
    let parsed: ReturnType<typeof parseResponse>;
    try {
      parsed = parseResponse(this.buffer, pending.request.method);
    } catch (error) {
      this.current = null;
      socket.destroy();
      pending.reject(error as Error);
      return;
    }
    if (!parsed) return;
    this.buffer = Buffer.from(parsed.rest);
    this.current = null;
    this.reused = true;
    this.previous = `${pending.request.method} ${pending.request.path.slice(0, 100)} → ${parsed.response.status}`;
    if (parsed.close) {
      this.socket = null;
      this.buffer = Buffer.alloc(0);
      socket.end();
    }
    pending.resolve(parsed.response);
    this.next();
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }
}

/** A few kept-alive connections to one server; each request goes to the least busy. */
export class RawHttpClient {
  private readonly connections: Connection[];

  constructor(baseUrl: string, size = 8) {
    const url = new URL(baseUrl);
    this.connections = Array.from({ length: size }, () => new Connection(url.hostname, Number(url.port)));
  }

  send(request: RawRequest): Promise<RawResponse> {
    let best = this.connections[0] as Connection;
    for (const c of this.connections) if (c.load < best.load) best = c;
    return best.send(request);
  }

  close(): void {
    for (const c of this.connections) c.close();
  }
}
