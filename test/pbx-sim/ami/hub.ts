/**
 * Server-wide AMI state shared by all sessions: the core subscription, the connected sessions that
 * receive broadcast events, AMI users, global variables (the core only knows channel variables) and
 * what must be remembered from the event stream (contacts, device states).
 */
import type { PbxCore } from '../core/api.js';
import type { PbxEvent } from '../core/events.js';
import { ContactRegistry } from './contacts.js';
import { EventMapper } from './event-map.js';
import type { AmiEvent } from './event-map.js';

export interface AmiUser {
  username: string;
  secret: string;
  /** manager.conf `eventfilter` lines (event-filter.ts); none: every event the session may read. */
  eventFilters?: readonly string[];
}

/** Anything that receives broadcast AMI events (a session). */
export interface EventSink {
  deliver(event: AmiEvent): void;
}

export class AmiHub {
  /** Boot time: FullyBooted `Uptime`/`LastReload`, CoreStatus. */
  readonly startedAt = new Date();
  readonly globals = new Map<string, string>();
  readonly contacts = new ContactRegistry();
  /** Last `DeviceStateChange` state per device, e.g. `PJSIP/1001` → `INUSE`. */
  readonly deviceStates = new Map<string, string>();
  /** Channels created since boot (CoreStatus `CoreProcessedCalls`). */
  processedCalls = 0;
  private readonly sinks = new Set<EventSink>();
  private readonly mapper = new EventMapper();
  private readonly unsubscribe: () => void;

  constructor(
    readonly core: PbxCore,
    readonly users: readonly AmiUser[],
  ) {
    this.unsubscribe = core.subscribe((event) => this.onCoreEvent(event));
  }

  /** manager.conf user names are matched case-insensitively. */
  findUser(username: string): AmiUser | undefined {
    const wanted = username.toLowerCase();
    return this.users.find((user) => user.username.toLowerCase() === wanted);
  }

  attach(sink: EventSink): void {
    this.sinks.add(sink);
  }

  detach(sink: EventSink): void {
    this.sinks.delete(sink);
  }

  /** Send an event to every session; each applies its own permissions and event mask. */
  broadcast(event: AmiEvent): void {
    for (const sink of [...this.sinks]) {
      try {
        sink.deliver(event);
      } catch {
        // A broken session must never break the core's event loop or the other sessions.
      }
    }
  }

  stop(): void {
    this.unsubscribe();
    this.sinks.clear();
  }

  private onCoreEvent(event: PbxEvent): void {
    this.contacts.apply(event);
    if (event.type === 'device.state') this.deviceStates.set(event.device, event.state);
    if (event.type === 'channel.created') this.processedCalls += 1;
    for (const amiEvent of this.mapper.map(event)) this.broadcast(amiEvent);
  }
}
