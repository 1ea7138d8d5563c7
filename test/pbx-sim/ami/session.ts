/**
 * One AMI connection: banner, input framing, authentication state, event mask, serial action
 * processing and event delivery.
 *
 * Like Asterisk's session thread, a session handles one action at a time, in arrival order, and
 * holds back events while an action runs: events never interleave with a response or a list, and
 * the events caused by an action (e.g. Originate's Newchannel) follow its response.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { dispatchAction } from './actions/index.js';
import { compileEventFilter, type EventFilter } from './event-filter.js';
import { eventFrame } from './event-map.js';
import type { AmiEvent } from './event-map.js';
import { FrameParser, serializeFrame } from './frame.js';
import type { AmiField, AmiMessage } from './frame.js';
import type { AmiHub, EventSink } from './hub.js';
import { ALL_CLASSES, INVALID_MASK, stringsToMask, wantsEvent } from './permissions.js';
import { sendError } from './response.js';

export const BANNER = 'Asterisk Call Manager/11.0.0';

/** manager.conf `authtimeout` default: an unauthenticated connection is dropped after 30 s. */
const AUTH_TIMEOUT_MS = 30_000;
/**
 * Asterisk drops a client that stops reading (`writetimeout`); here a client whose unread output
 * passes this size is dropped, so a stuck reader cannot grow the simulator's memory without bound.
 */
const MAX_UNSENT_BYTES = 16 * 1024 * 1024;

export class AmiSession implements EventSink {
  /** Asterisk prints the session's address, e.g. `0x7febfc0019d0` (SuccessfulAuth `SessionID`). */
  readonly sessionId = `0x7f${randomBytes(5).toString('hex')}`;
  username = '';
  /** The user's `read` classes. manager.conf users of the simulator have `read = all`, `write = all`. */
  readPerm = ALL_CLASSES;
  /** manager.c `send_events`: every class until Login `Events:` or the Events action narrows it. */
  eventMask = ALL_CLASSES;
  /** Set by the Challenge action for MD5 logins. */
  challenge = '';
  /** The user's manager.conf `eventfilter` lines, compiled; null when there are none. */
  private filter: EventFilter | null = null;
  authenticatedAt: Date | undefined;

  private authenticated = false;
  private closed = false;
  private busy = false;
  private held: string[] = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly parser = new FrameParser();
  private authTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    readonly hub: AmiHub,
  ) {}

  get isAuthenticated(): boolean {
    return this.authenticated;
  }

  /** Address in Asterisk's security-event form, e.g. `IPV4/TCP/127.0.0.1/5038`. */
  get localAddress(): string {
    return formatAddress(this.socket.localAddress, this.socket.localPort);
  }

  get remoteAddress(): string {
    return formatAddress(this.socket.remoteAddress, this.socket.remotePort);
  }

  start(): void {
    this.hub.attach(this);
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', () => {
      // ECONNRESET and friends: the 'close' handler cleans up.
    });
    this.socket.on('close', () => this.cleanup());
    this.authTimer = setTimeout(() => {
      if (!this.authenticated) this.end();
    }, AUTH_TIMEOUT_MS);
    this.authTimer.unref();
    this.socket.write(`${BANNER}\r\n`);
  }

  /** Mark the session logged in (Login succeeded); `events` is Login's `Events:` header. */
  login(username: string, events: string): void {
    this.authenticated = true;
    this.username = username;
    this.filter = compileEventFilter(this.hub.findUser(username)?.eventFilters ?? []);
    this.authenticatedAt = new Date();
    this.setEventMask(events);
    if (this.authTimer) clearTimeout(this.authTimer);
  }

  /** manager.c `set_eventmask`: an invalid (empty) mask leaves the current one. Returns the parsed mask. */
  setEventMask(text: string): number {
    const mask = stringsToMask(text);
    if (mask !== INVALID_MASK) this.eventMask = mask;
    return mask;
  }

  /** Write one frame now (responses and list items; events go through {@link deliver}). */
  send(fields: readonly AmiField[]): void {
    this.write(serializeFrame(fields));
  }

  deliver(event: AmiEvent): void {
    if (!this.authenticated || this.closed) return;
    if (!wantsEvent(this.readPerm, this.eventMask, event.category)) return;
    const text = serializeFrame(eventFrame(event, this.hub.core.systemName));
    if (this.filter && !this.filter(text)) return;
    if (this.busy) this.held.push(text);
    else this.write(text);
  }

  /** Close after what was written has been sent (Logoff, failed Login). */
  end(): void {
    if (this.closed) return;
    // Events held back during this last action are dropped, as Asterisk ends the session thread.
    this.closed = true;
    this.socket.end();
    this.cleanup();
  }

  /** Drop the connection without a goodbye (server close, fault injection). */
  destroy(): void {
    this.closed = true;
    this.socket.destroy();
    this.cleanup();
  }

  private write(text: string): void {
    if (this.closed || this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(text);
    if (this.socket.writableLength > MAX_UNSENT_BYTES) this.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    for (const message of this.parser.push(chunk)) {
      this.chain = this.chain.then(() => this.process(message));
    }
  }

  private async process(message: AmiMessage): Promise<void> {
    if (this.closed) return;
    this.busy = true;
    try {
      await dispatchAction({ message, session: this, hub: this.hub, send: (fields) => this.send(fields) });
    } catch (error) {
      // An action must never take the server down; answer like a failed action instead.
      sendError({ message, send: (fields) => this.send(fields) }, error instanceof Error ? error.message : String(error));
    } finally {
      this.busy = false;
      this.flushHeld();
    }
  }

  private flushHeld(): void {
    const held = this.held;
    this.held = [];
    for (const text of held) this.write(text);
  }

  private cleanup(): void {
    this.closed = true;
    this.held = [];
    if (this.authTimer) clearTimeout(this.authTimer);
    this.hub.detach(this);
  }
}

function formatAddress(address: string | undefined, port: number | undefined): string {
  const host = (address ?? '').replace(/^::ffff:/, '');
  const family = host.includes(':') ? 'IPV6' : 'IPV4';
  return `${family}/TCP/${host}/${port ?? 0}`;
}
