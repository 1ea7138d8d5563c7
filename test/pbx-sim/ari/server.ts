/**
 * The HTTP server Asterisk's `http.conf` describes: ARI (REST under `/ari/`, the events WebSocket at
 * `/ari/events`, the api-docs) and, for tests, the simulator's control API under `/sim/` — one port.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { AriUser } from '../config/readers.js';
import type { Pbx, PbxLogger } from '../core/pbx.js';
import type { ApiDocs } from './api-docs.js';
import { EventSockets } from './events-socket.js';
import type { ClientMessageHandler } from './events-socket.js';
import { HttpError, isTrue, Params, readBody, send, STATUS_TEXT } from './http.js';
import type { HttpResult } from './http.js';
import { bridgeRoutes } from './routes/bridges.js';
import { channelRoutes } from './routes/channels.js';
import {
  applicationRoutes,
  asteriskRoutes,
  deviceStateRoutes,
  endpointRoutes,
  playbackRoutes,
  recordingRoutes,
  soundRoutes,
} from './routes/others.js';
import { Router } from './router.js';
import { BadSocketRequest, readSocketRequest, socketResponse } from './socket-requests.js';
import { asteriskTime } from '../core/ids.js';

export interface HttpServerOptions {
  pbx: Pbx;
  host: string;
  port: number;
  ariUsers: AriUser[];
  apiDocs: ApiDocs;
  /** Routes under `/sim/` (no authentication). */
  control: Router;
  /** http.conf `sessionlimit`: connections open at once beyond it are closed on arrival. */
  sessionLimit: number;
  /**
   * `RESTRequest` messages on the events sockets are answered, as Asterisk 22.4 and later do (true), or
   * ignored as by older ones (false), whose `events.json` then lists no such model.
   */
  requestsOverSocket: boolean;
  /**
   * Told of every authenticated ARI REST request (path under `/ari`, over HTTP or the events socket),
   * before it is handled. A returned promise holds the request until it settles, as a slow PBX would (a
   * test's window between two steps). `'drop'` (returned or resolved) closes the connection instead,
   * unanswered and unhandled: the request was lost on the way, as on a network failure (over the events
   * socket, that socket goes down with it).
   */
  onAriRequest?: (request: AriRequestRecord) => AriRequestVerdict | Promise<AriRequestVerdict>;
  /**
   * Told of every ARI REST request once it has been handled, before its answer is sent. A returned
   * promise holds the answer until it settles, as a slow network on the way back would: the client
   * gets the PBX's state as it was when the request was handled, after whatever happened since.
   */
  onAriAnswer?: (request: AriRequestRecord, status: number) => void | Promise<void>;
  logger?: PbxLogger;
}

export interface AriRequestRecord {
  method: string;
  /** Under `/ari`, e.g. `/channels/1795317697.0/answer`. */
  path: string;
  query: [string, string][];
  /** The parsed body (JSON or form), undefined when empty. */
  body: unknown;
  /** How it came: an HTTP request, or a `RESTRequest` message on an events socket. */
  via: 'http' | 'socket';
}

/** What `onAriRequest` makes of a request: nothing (handled as usual) or `'drop'`. */
export type AriRequestVerdict = void | 'drop';

/** Thrown inside the request's handling when it is to be dropped unanswered. */
class DroppedRequest extends Error {}

/** The HTTP sessions (connections, WebSockets included) as the session limit counts them. */
export interface HttpSessionStats {
  limit: number;
  /** Open now. */
  open: number;
  /** The most open at once since the start. */
  peak: number;
  /** Connections closed on arrival (over the limit, or by `refuseConnections`). */
  refused: number;
}

export interface HttpServerHandle {
  readonly port: number;
  /** Close every ARI events WebSocket (clients see the connection drop). */
  dropWebSockets(): void;
  /** Close every ARI events WebSocket and answer new ones 503 for `ms`, while REST goes on being answered. */
  cutWebSockets(ms: number): void;
  sessions(): HttpSessionStats;
  /** Close the next `count` new connections on arrival, as the session limit does. */
  refuseConnections(count: number): void;
  close(): Promise<void>;
}

const REALM = 'Asterisk REST Interface';

function authenticate(users: AriUser[], authorization: string | undefined, apiKey: string | null): AriUser | undefined {
  const check = (user: string, pass: string): AriUser | undefined => users.find((u) => u.username === user && u.password === pass);
  if (authorization !== undefined) {
    // HTTP Basic wins when present, right or wrong (res_ari.c authenticate_user).
    const m = /^Basic\s+(.+)$/i.exec(authorization.trim());
    if (!m?.[1]) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : check(decoded.slice(0, colon), decoded.slice(colon + 1));
  }
  if (apiKey !== null) {
    const colon = apiKey.indexOf(':');
    return colon < 0 ? undefined : check(apiKey.slice(0, colon), apiKey.slice(colon + 1));
  }
  return undefined;
}

function parseBody(req: IncomingMessage, raw: Buffer, style: 'ari' | 'control'): unknown {
  if (raw.length === 0) return undefined;
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const text = raw.toString('utf8');
  // ARI takes form posts like Asterisk; the control API is JSON whatever the header says (curl -d).
  if (style === 'ari' && type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (style === 'ari' && !type.includes('json') && text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, style === 'ari' ? 'Error parsing request body' : 'Malformed JSON body', style);
  }
}

export async function startHttpServer(opts: HttpServerOptions): Promise<HttpServerHandle> {
  const { pbx } = opts;
  const ari = new Router();
  channelRoutes(ari, pbx);
  bridgeRoutes(ari, pbx);
  endpointRoutes(ari, pbx);
  applicationRoutes(ari, pbx);
  playbackRoutes(ari, pbx);
  recordingRoutes(ari, pbx);
  asteriskRoutes(ari, pbx);
  soundRoutes(ari, pbx);
  deviceStateRoutes(ari, pbx);

  const events = new EventSockets(pbx, opts.apiDocs.eventTypes());
  const wss = new WebSocketServer({ noServer: true });

  /** Runs a request already read (over HTTP or the events socket) through `router`. */
  const route = async (router: Router, style: 'ari' | 'control', record: AriRequestRecord, query: URLSearchParams): Promise<HttpResult> => {
    const { method, path, body } = record;
    if (style === 'ari' && (await opts.onAriRequest?.(record)) === 'drop') throw new DroppedRequest();
    const match = router.match(method, path);
    if (match.kind === 'no-route') throw new HttpError(404, 'Resource not found', style);
    if (match.kind === 'no-method') {
      if (method === 'OPTIONS') return { status: 204, headers: { Allow: match.allow.join(',') } };
      const result = new HttpError(405, style === 'ari' ? 'Invalid method' : `Method ${method} not allowed`, style).toResult();
      return { ...result, headers: { Allow: match.allow.join(',') } };
    }
    const result = await match.handler(new Params(query, body, match.path));
    if (style === 'ari') await opts.onAriAnswer?.(record, result.status);
    return result;
  };

  const dispatch = async (router: Router, style: 'ari' | 'control', req: IncomingMessage, path: string, url: URL): Promise<HttpResult> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    const body = parseBody(req, raw, style);
    return route(router, style, { method, path, query: [...url.searchParams], body, via: 'http' }, url.searchParams);
  };

  /**
   * REST over one events socket of `user`: its requests handled one after another, each answered on
   * that socket before the next is read, as Asterisk's read loop does (res/ari/ari_websockets.c).
   */
  const socketRequests = (user: AriUser): ClientMessageHandler => {
    let turn: Promise<void> = Promise.resolve();
    return (message, socket) => {
      const envelope = (): { asteriskId: string; application: string; timestamp: string } => ({ asteriskId: pbx.entityId, application: socket.app, timestamp: asteriskTime() });
      let request;
      try {
        request = readSocketRequest(message);
      } catch (err) {
        if (!(err instanceof BadSocketRequest)) throw err;
        const ids = err as BadSocketRequest & { transactionId: string; requestId: string; uri: string };
        socket.reply(socketResponse(ids, new HttpError(400, err.message).toResult(), envelope()));
        return;
      }
      if (!request) return;
      const answered = request;
      const handle = async (): Promise<HttpResult> => {
        if (!pbx.booted) return { status: 503, body: { message: 'Asterisk not booted' } };
        if (user.readOnly && answered.method !== 'GET' && answered.method !== 'OPTIONS') return { status: 403, body: { message: 'Write access denied' } };
        if (answered.path.startsWith('/api-docs/')) return opts.apiDocs.serve(answered.path.slice('/api-docs/'.length), undefined);
        return route(ari, 'ari', { method: answered.method, path: answered.path, query: [...answered.query], body: answered.body, via: 'socket' }, answered.query);
      };
      turn = turn.then(() =>
        handle().then(
          (result) => socket.reply(socketResponse(answered, result, envelope())),
          (err: unknown) => {
            if (err instanceof DroppedRequest) return socket.drop();
            if (err instanceof HttpError) return socket.reply(socketResponse(answered, err.toResult(), envelope()));
            opts.logger?.warn(`pbx-sim: socket ${answered.method} ${answered.path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
            socket.reply(socketResponse(answered, new HttpError(500, 'Internal Server Error').toResult(), envelope()));
          },
        ),
      );
    };
  };

  const handleAri = async (req: IncomingMessage, url: URL): Promise<HttpResult> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const user = authenticate(opts.ariUsers, req.headers.authorization, url.searchParams.get('api_key'));
    if (!user) {
      await readBody(req).catch(() => Buffer.alloc(0));
      return { status: 401, body: { message: 'Authentication required' }, headers: { 'WWW-Authenticate': `Basic realm="${REALM}"` } };
    }
    if (!pbx.booted) return { status: 503, body: { message: 'Asterisk not booted' }, headers: { Connection: 'close' } };
    if (user.readOnly && method !== 'GET' && method !== 'OPTIONS') return { status: 403, body: { message: 'Write access denied' } };
    const path = url.pathname.slice('/ari'.length);
    if (path.endsWith('/') && path.length > 1) {
      return { status: 404, body: { message: `ARI URLs do not end with a slash. Try /ari${path.slice(0, -1)}` } };
    }
    if (path.startsWith('/api-docs/')) {
      if (method !== 'GET') return { status: 405, body: { message: 'Unsupported method' } };
      return opts.apiDocs.serve(path.slice('/api-docs/'.length), req.headers.host);
    }
    return dispatch(ari, 'ari', req, path, url);
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const style = path === '/sim' || path.startsWith('/sim/') ? 'control' : 'ari';
    try {
      let result: HttpResult;
      if (style === 'control') result = await dispatch(opts.control, 'control', req, path.slice('/sim'.length) || '/', url);
      else if (path === '/ari' || path.startsWith('/ari/')) result = await handleAri(req, url);
      else result = { status: 404, body: { message: 'Not Found' } };
      send(res, result);
    } catch (err) {
      if (err instanceof DroppedRequest) {
        req.socket.destroy();
        return;
      }
      if (err instanceof HttpError) {
        send(res, err.toResult());
        return;
      }
      opts.logger?.warn(`pbx-sim: ${req.method ?? ''} ${path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      send(res, new HttpError(500, 'Internal Server Error', style).toResult());
    }
  };

  const reject = (socket: Duplex, status: number, message: string, extra = ''): void => {
    const body = JSON.stringify({ message });
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? ''}\r\nServer: Asterisk/22.10.1\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${extra}\r\n${body}`,
    );
    socket.destroy();
  };

  const server = createServer((req, res) => {
    void onRequest(req, res);
  });
  // Asterisk's main/http.c counts every HTTP session (a WebSocket stays one) and closes a new
  // connection at once, before reading anything, when `sessionlimit` are open: the client gets no
  // answer at all, and Asterisk logs "HTTP session count exceeded N sessions".
  const sockets = new Set<Duplex>();
  const stats: HttpSessionStats = { limit: opts.sessionLimit, open: 0, peak: 0, refused: 0 };
  let refuseNext = 0;
  /** Until when new event sockets are refused (the `cut-ari-events` fault). */
  let eventsCutUntil = 0;
  server.on('connection', (s) => {
    if (refuseNext > 0 || sockets.size >= opts.sessionLimit) {
      const forced = refuseNext > 0;
      if (forced) refuseNext--;
      stats.refused++;
      opts.logger?.warn(forced ? 'pbx-sim: HTTP connection refused (control API)' : `pbx-sim: HTTP session count exceeded ${opts.sessionLimit} sessions.`);
      s.on('error', () => undefined);
      s.destroy();
      return;
    }
    sockets.add(s);
    stats.peak = Math.max(stats.peak, sockets.size);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ari/events') return reject(socket, 404, 'Resource not found');
    if (performance.now() < eventsCutUntil) return reject(socket, 503, 'Service Unavailable');
    const user = authenticate(opts.ariUsers, req.headers.authorization, url.searchParams.get('api_key'));
    if (!user) {
      return reject(socket, 401, 'Authentication required', `WWW-Authenticate: Basic realm="${REALM}"\r\n`);
    }
    if (!pbx.booted) return reject(socket, 503, 'Asterisk not booted');
    const apps = url.searchParams
      .getAll('app')
      .flatMap((a) => a.split(','))
      .map((a) => a.trim())
      .filter((a) => a !== '');
    if (apps.length === 0) return reject(socket, 400, "Missing param 'app'");
    wss.handleUpgrade(req, socket, head, (ws) => {
      events.open(ws, apps, isTrue(url.searchParams.get('subscribeAll') ?? undefined), opts.requestsOverSocket ? socketRequests(user) : null);
    });
  });

  await new Promise<void>((resolve, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(opts.port, opts.host, () => {
      server.off('error', rejectListen);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;

  return {
    port,
    dropWebSockets: () => events.dropAll(),
    cutWebSockets: (ms) => {
      eventsCutUntil = performance.now() + ms;
      events.dropAll();
    },
    sessions: () => ({ ...stats, open: sockets.size }),
    refuseConnections: (count) => {
      refuseNext += count;
    },
    close: async () => {
      events.close();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
