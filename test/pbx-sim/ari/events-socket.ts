/**
 * `/ari/events` WebSockets: each registers its Stasis apps with the core and receives, as ARI JSON,
 * the events the core delivers to those apps. A second socket for the same app takes it over and the
 * first one is told with `ApplicationReplaced`. What a client sends on one goes to `onClientMessage`
 * (REST over the socket, socket-requests.ts).
 */
import type { WebSocket } from 'ws';
import type { PbxEvent, PbxEventDelivery } from '../core/events.js';
import { asteriskTime } from '../core/ids.js';
import type { Pbx } from '../core/pbx.js';
import { eventJson } from './json.js';
import type { Json } from './json.js';

interface Session {
  ws: WebSocket;
  apps: Set<string>;
}

/** A socket's client message, with the socket's first app and ways to answer on it or drop it. */
export type ClientMessageHandler = (message: unknown, socket: { app: string; reply: (message: Json) => void; drop: () => void }) => void;

export class EventSockets {
  private readonly sessions = new Set<Session>();
  private readonly owners = new Map<string, Session>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly pbx: Pbx,
    private readonly knownTypes: Set<string>,
  ) {
    this.unsubscribe = pbx.subscribe((event, delivery) => this.onEvent(event, delivery));
  }

  /** `onClientMessage` null: what the client sends is ignored (an Asterisk before 22.4). */
  open(ws: WebSocket, apps: string[], subscribeAll: boolean, onClientMessage: ClientMessageHandler | null): void {
    const session: Session = { ws, apps: new Set(apps) };
    this.sessions.add(session);
    for (const app of apps) {
      const previous = this.owners.get(app);
      if (previous && previous !== session) {
        previous.apps.delete(app);
        this.send(previous, { type: 'ApplicationReplaced', timestamp: asteriskTime(), asterisk_id: this.pbx.entityId, application: app });
        this.pbx.apps.unregister(app);
      }
      this.owners.set(app, session);
      this.pbx.apps.register(app, subscribeAll);
    }
    ws.on('close', () => this.closed(session));
    ws.on('error', () => this.closed(session));
    const app = apps[0] ?? '';
    const handler = onClientMessage;
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      if (!handler) return;
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch {
        return;
      }
      handler(message, {
        app,
        reply: (answer) => this.send(session, answer),
        drop: () => {
          ws.terminate();
          this.closed(session);
        },
      });
    });
  }

  private closed(session: Session): void {
    if (!this.sessions.delete(session)) return;
    for (const app of session.apps) {
      if (this.owners.get(app) === session) {
        this.owners.delete(app);
        this.pbx.apps.unregister(app);
      }
    }
    session.apps.clear();
  }

  private onEvent(event: PbxEvent, delivery: PbxEventDelivery): void {
    if (delivery.apps.length === 0) return;
    const json = eventJson(event, (name) => this.pbx.endpoints.get(name)?.snapshot());
    if (!json) return;
    const type = json['type'];
    if (typeof type !== 'string' || !this.knownTypes.has(type)) return;
    for (const app of delivery.apps) {
      const session = this.owners.get(app);
      if (session) this.send(session, { ...json, asterisk_id: this.pbx.entityId, application: app });
    }
  }

  private send(session: Session, message: Json): void {
    if (session.ws.readyState !== session.ws.OPEN) return;
    session.ws.send(JSON.stringify(message));
  }

  /** Fault injection / shutdown: drop every events socket (clients see a close and reconnect). */
  dropAll(): void {
    for (const s of [...this.sessions]) {
      s.ws.terminate();
      this.closed(s);
    }
  }

  close(): void {
    this.dropAll();
    this.unsubscribe();
  }
}
