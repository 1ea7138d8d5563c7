/**
 * ARI's events half: the Stasis application's WebSocket (`/ari/events?app=<app>&subscribeAll=false`,
 * HTTP Basic authentication). While the application is wanted it is kept open: when it drops it is
 * opened again after 1 s, then 2, 4, 8 and 10 s between tries, for as long as it takes. A ping every
 * 15 s that gets no pong by the next one counts as a drop (a PBX that vanished without closing).
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { Logger } from '../logging.js';
import { AriError } from './ari-types.js';

export const RECONNECT_FIRST_MS = 1_000;
export const RECONNECT_MAX_MS = 10_000;
const HANDSHAKE_TIMEOUT_MS = 5_000;
const PING_EVERY_MS = 15_000;

interface EventSocketEvents {
  /** Each message, parsed from JSON (validation is the listener's). */
  message: [unknown];
  open: [];
  close: [];
}

export interface EventSocketSettings {
  url: string;
  username: string;
  password: string;
  app: string;
}

/** `http://host:port` → `ws://host:port/ari/events?app=…&subscribeAll=false`. */
export function eventsUrl(baseUrl: string, app: string): string {
  const url = new URL('/ari/events', baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = new URLSearchParams({ app, subscribeAll: 'false' }).toString();
  return url.toString();
}

export class AriEventSocket extends EventEmitter<EventSocketEvents> {
  private ws: WebSocket | null = null;
  private wanted = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private nextDelay = RECONNECT_FIRST_MS;

  constructor(
    private readonly settings: EventSocketSettings,
    private readonly log: Logger,
  ) {
    super();
  }

  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Sends one text message on the open socket; throws when it is not open. */
  send(text: string): void {
    const ws = this.ws;
    if (ws?.readyState !== WebSocket.OPEN) throw new AriError('connection', 'ARI events socket is not open');
    ws.send(text);
  }

  /**
   * Opens the socket; rejects (`auth` for a refused user, else `connection`) when this first try
   * fails, and then does not try again by itself. Once open, it is reopened whenever it drops.
   */
  async open(): Promise<void> {
    this.stop();
    this.wanted = true;
    try {
      await this.attempt();
    } catch (error) {
      this.wanted = false;
      throw error;
    }
  }

  /** Closes the socket for good (until the next `open`). */
  stop(): void {
    this.wanted = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const ws = this.ws;
    this.ws = null;
    this.stopPings();
    if (ws) {
      ws.removeAllListeners('close');
      ws.removeAllListeners('message');
      ws.terminate();
    }
  }

  private attempt(): Promise<void> {
    const ws = new WebSocket(eventsUrl(this.settings.url, this.settings.app), {
      headers: { authorization: `Basic ${Buffer.from(`${this.settings.username}:${this.settings.password}`).toString('base64')}` },
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      perMessageDeflate: false,
    });
    this.ws = ws;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: AriError): void => {
        if (settled) return;
        settled = true;
        if (this.ws === ws) this.ws = null;
        ws.removeAllListeners('close');
        ws.terminate();
        reject(error);
      };
      // After a failed handshake `ws` still reports an error: nothing more to do with it.
      ws.on('error', (error) => fail(new AriError('connection', `ARI events socket: ${error.message}`)));
      ws.once('unexpected-response', (_request, response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        fail(
          status === 401 || status === 403
            ? new AriError('auth', `ARI refused user ${this.settings.username} (${status})`, status)
            : new AriError('connection', `ARI events socket answered ${status}`, status),
        );
      });
      ws.once('close', () => fail(new AriError('connection', 'ARI events socket closed while opening')));
      ws.once('open', () => {
        if (settled) return;
        settled = true;
        ws.removeAllListeners('close');
        this.opened(ws);
        resolve();
      });
    });
  }

  private opened(ws: WebSocket): void {
    this.nextDelay = RECONNECT_FIRST_MS;
    ws.on('message', (data: WebSocket.RawData) => {
      // Usually one Buffer (ws's default binaryType), decoded in place: Buffer.from() of a Buffer copies
      // it first, and a bridge's events list every channel in it.
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        this.log.warn({ bytes: text.length }, 'ARI events socket: a message that is not JSON was ignored');
        return;
      }
      try {
        this.emit('message', message);
      } catch (error) {
        // A listener's bug must not take the socket (and every later event) down with it.
        this.log.error({ err: error instanceof Error ? (error.stack ?? error.message) : String(error) }, 'ARI event handling failed');
      }
    });
    ws.once('close', () => this.dropped(ws));
    this.startPings(ws);
    this.emit('open');
  }

  private dropped(ws: WebSocket): void {
    if (this.ws !== ws) return;
    this.ws = null;
    this.stopPings();
    this.emit('close');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.wanted || this.retryTimer) return;
    const delay = this.nextDelay;
    this.nextDelay = Math.min(this.nextDelay * 2, RECONNECT_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.wanted) return;
      this.attempt().catch((error: unknown) => {
        if (!this.wanted) return;
        this.log.warn({ err: (error as Error).message, retryInMs: this.nextDelay }, 'ARI events socket: reconnect failed');
        this.scheduleReconnect();
      });
    }, delay);
  }

  private startPings(ws: WebSocket): void {
    let answered = true;
    ws.on('pong', () => (answered = true));
    this.pingTimer = setInterval(() => {
      if (!answered) {
        this.log.warn('ARI events socket: no answer to a ping, reconnecting');
        ws.terminate();
        return;
      }
      answered = false;
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, PING_EVERY_MS);
    this.pingTimer.unref();
  }

  private stopPings(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}
