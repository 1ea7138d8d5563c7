/**
 * PJSIP contacts for PJSIPShowContacts and the `Contacts:` line of PJSIPShowEndpoints: from the
 * core's optional `listContacts()`, else learned from its `contact.status` events.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ContactSnapshot, PbxCore } from '../core/api.js';
import type { PbxEvent } from '../core/events.js';

export interface ContactRecord {
  aor: string;
  uri: string;
  endpointName: string;
  /** ContactList `Status`: `Reachable`, `Unreachable`, `NonQualified` (qualify_frequency 0), `Unknown`. */
  status: ContactSnapshot['status'];
  /** res_pjsip names a contact `<aor>;@<md5 of the URI>`. */
  objectName: string;
  callId: string;
  userAgent: string;
  /** Unix seconds. */
  expirationTime: number;
}

/** Registration lifetime assumed when the core does not say. */
const DEFAULT_EXPIRY_SECONDS = 3600;

function keyOf(aor: string, uri: string): string {
  return `${aor}\u0000${uri}`;
}

export class ContactRegistry {
  private readonly seen = new Map<string, ContactRecord>();
  /** Call-Id and expiry invented once per contact so repeated listings agree. */
  private readonly invented = new Map<string, { callId: string; expirationTime: number }>();

  /** Track `contact.status` events (the fallback when the core cannot list contacts). */
  apply(event: PbxEvent): void {
    if (event.type !== 'contact.status') return;
    const key = keyOf(event.aor, event.uri);
    if (event.status === 'Removed') {
      this.seen.delete(key);
      this.invented.delete(key);
      return;
    }
    const status: ContactSnapshot['status'] =
      event.status === 'Reachable' || event.status === 'Unreachable' ? event.status : 'NonQualified';
    this.seen.set(key, this.record({ aor: event.aor, uri: event.uri, endpointName: event.endpointName, status }));
  }

  /** Contacts now: the core's list when it offers one, else those seen in events. */
  list(core: PbxCore): ContactRecord[] {
    if (core.listContacts) return core.listContacts().map((contact) => this.record(contact));
    return [...this.seen.values()];
  }

  private record(contact: ContactSnapshot): ContactRecord {
    const key = keyOf(contact.aor, contact.uri);
    let invented = this.invented.get(key);
    if (!invented) {
      invented = { callId: randomBytes(8).toString('hex'), expirationTime: Math.floor(Date.now() / 1000) + DEFAULT_EXPIRY_SECONDS };
      this.invented.set(key, invented);
    }
    return {
      aor: contact.aor,
      uri: contact.uri,
      endpointName: contact.endpointName,
      status: contact.status,
      objectName: `${contact.aor};@${createHash('md5').update(contact.uri).digest('hex')}`,
      callId: contact.callId ?? invented.callId,
      userAgent: contact.userAgent ?? '',
      expirationTime: contact.expirationTime ?? invented.expirationTime,
    };
  }
}
