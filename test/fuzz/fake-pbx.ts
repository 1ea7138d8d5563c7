/**
 * A fake PBX for fuzzing the server's PBX side: it answers just enough AMI (banner, Login, Events,
 * the AstDB actions of the outage import) and ARI (the api-docs ari-client loads, the Stasis event
 * socket, empty channel/bridge/endpoint lists, the application) for the server to link up and report
 * healthy, and then sends whatever the test gives it — raw AMI bytes, raw ARI event frames — as a
 * buggy or hostile Asterisk might. The simulator (test/pbx-sim) cannot do this on purpose: it only
 * says what a real Asterisk says.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiDocs, resolveApiDocsDir } from '../pbx-sim/ari/api-docs.js';

/** AstDB as the fake AMI serves it: `cti-outage/<key>` → value. */
export type AstDb = Map<string, string>;

export interface FakePbx {
  /** 127.0.0.1 port of the AMI (TCP) server. */
  amiPort: number;
  /** `http://127.0.0.1:<port>`: the ARI base URL. */
  httpUrl: string;
  /** The outage records the AMI answers `DB_KEYS`/`DBGet` with (the test fills it). */
  astdb: AstDb;
  /** Connected AMI sessions (logged in). */
  amiSessions(): number;
  /** Open ARI event sockets. */
  ariSockets(): number;
  /** Writes raw bytes to every logged-in AMI session. */
  sendAmi(raw: string | Buffer): void;
  /** Sends one frame on every ARI event socket. */
  sendAri(frame: string | Buffer, binary?: boolean): void;
  /** Every AMI action the server sent (`Action` lowercased), for checks. */
  actions: string[];
  stop(): Promise<void>;
}

const APP = 'hotline12345';

/** AMI: `Key: value` lines into a map (keys lowercased). */
function parseAction(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(': ');
    if (colon > 0) fields.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 2));
  }
  return fields;
}

function amiAnswer(action: Map<string, string>, astdb: AstDb): string {
  const id = action.get('actionid') ?? '';
  const name = (action.get('action') ?? '').toLowerCase();
  const ok = (extra = '') => `Response: Success\r\nActionID: ${id}\r\n${extra}\r\n`;
  switch (name) {
    case 'login':
      return ok('Message: Authentication accepted\r\n');
    case 'events':
      return ok('Events: On\r\n');
    case 'getvar': {
      const variable = action.get('variable') ?? '';
      const value = /^DB_KEYS\(cti-outage\)$/.test(variable) ? [...astdb.keys()].join(',') : '';
      return ok(`Variable: ${variable}\r\nValue: ${value}\r\n`);
    }
    case 'dbget': {
      const key = action.get('key') ?? '';
      const value = astdb.get(key);
      if (value === undefined) return `Response: Error\r\nActionID: ${id}\r\nMessage: Database entry not found\r\n\r\n`;
      return (
        ok('EventList: start\r\nMessage: Result will follow\r\n') +
        `Event: DBGetResponse\r\nFamily: cti-outage\r\nKey: ${key}\r\nVal: ${value}\r\nActionID: ${id}\r\n\r\n` +
        `Event: DBGetComplete\r\nActionID: ${id}\r\nEventList: Complete\r\nListItems: 1\r\n\r\n`
      );
    }
    case 'setvar': {
      const m = /^DB_DELETE\(cti-outage\/(.*)\)$/.exec(action.get('variable') ?? '');
      if (m?.[1] !== undefined) astdb.delete(m[1]);
      return ok();
    }
    default:
      return ok();
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startFakePbx(): Promise<FakePbx> {
  const astdb: AstDb = new Map();
  const actions: string[] = [];
  const amiClients = new Set<Socket>();
  const ami: TcpServer = createTcpServer((socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.write('Asterisk Call Manager/9.0.0\r\n');
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let end: number;
      while ((end = pending.indexOf('\r\n\r\n')) >= 0) {
        const action = parseAction(pending.slice(0, end));
        pending = pending.slice(end + 4);
        const name = (action.get('action') ?? '').toLowerCase();
        actions.push(name);
        if (name === 'login') amiClients.add(socket);
        socket.write(amiAnswer(action, astdb));
      }
    });
    socket.on('close', () => amiClients.delete(socket));
  });
  await new Promise<void>((resolve) => ami.listen(0, '127.0.0.1', resolve));
  const amiAddress = ami.address();
  if (!amiAddress || typeof amiAddress === 'string') throw new Error('fake AMI: no port');

  // It answers REST over HTTP only: its events.json must not offer requests over the socket.
  const docs = new ApiDocs(resolveApiDocsDir(), { requestsOverSocket: false });
  const http: HttpServer = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/\/+$/, '');
    req.resume();
    if (path.startsWith('/ari/api-docs/')) {
      const doc = docs.serve(path.slice('/ari/api-docs/'.length), req.headers.host);
      json(res, doc.status, doc.body);
    } else if (req.method === 'GET' && (path === '/ari/channels' || path === '/ari/bridges' || path === '/ari/endpoints')) json(res, 200, []);
    else if (req.method === 'GET' && path === `/ari/applications/${APP}`) {
      json(res, 200, { name: APP, channel_ids: [], bridge_ids: [], endpoint_ids: [], device_names: [], events_allowed: [], events_disallowed: [] });
    } else json(res, 404, { message: 'Resource not found' });
  });
  const wss = new WebSocketServer({ noServer: true });
  const ariSockets = new Set<WebSocket>();
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/ari/events') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ariSockets.add(ws);
      ws.on('close', () => ariSockets.delete(ws));
      ws.on('error', () => undefined);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const httpAddress = http.address();
  if (!httpAddress || typeof httpAddress === 'string') throw new Error('fake ARI: no port');

  return {
    amiPort: amiAddress.port,
    httpUrl: `http://127.0.0.1:${httpAddress.port}`,
    astdb,
    actions,
    amiSessions: () => amiClients.size,
    ariSockets: () => ariSockets.size,
    sendAmi(raw) {
      for (const socket of amiClients) socket.write(raw);
    },
    sendAri(frame, binary = false) {
      for (const ws of ariSockets) ws.send(frame, { binary });
    },
    async stop() {
      for (const socket of amiClients) socket.destroy();
      for (const ws of ariSockets) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await Promise.all([new Promise((r) => ami.close(r)), new Promise((r) => http.close(r))]);
    },
  };
}
