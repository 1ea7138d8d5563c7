/**
 * `/ari/events` WebSockets: each registers its Stasis apps with the core and receives, as ARI JSON,
 * the events the core delivers to those apps. A second socket for the same app takes it over and the
 * first one is told with `ApplicationReplaced`.
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

  open(ws: WebSocket, apps: string[], subscribeAll: boolean): void {
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
    // Asterisk 22 accepts REST requests over this socket; the simulator ignores client messages.
    ws.on('message', () => undefined);
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
