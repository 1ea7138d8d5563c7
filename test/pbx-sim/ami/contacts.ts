/**
 * Registered PJSIP contacts, learned from the core's `contact.status` events (the core API has no
 * contact listing). Feeds PJSIPShowContacts and the `Contacts:` line of PJSIPShowEndpoints.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PbxEvent } from '../core/events.js';

export interface ContactRecord {
  aor: string;
  uri: string;
  endpointName: string;
  status: Extract<PbxEvent, { type: 'contact.status' }>['status'];
  /** res_pjsip names a contact `<aor>;@<md5 of the URI>`. */
  objectName: string;
  callId: string;
  /** Unix seconds. */
  expirationTime: number;
}

/** Registration lifetime the simulated phones ask for. */
const DEFAULT_EXPIRY_SECONDS = 3600;

export class ContactRegistry {
  private readonly contacts = new Map<string, ContactRecord>();

  apply(event: PbxEvent): void {
    if (event.type !== 'contact.status') return;
    const key = `${event.aor}\u0000${event.uri}`;
    if (event.status === 'Removed') {
      this.contacts.delete(key);
      return;
    }
    const existing = this.contacts.get(key);
    if (existing) {
      existing.status = event.status;
      existing.endpointName = event.endpointName;
      return;
    }
    this.contacts.set(key, {
      aor: event.aor,
      uri: event.uri,
      endpointName: event.endpointName,
      status: event.status,
      objectName: `${event.aor};@${createHash('md5').update(event.uri).digest('hex')}`,
      callId: randomBytes(8).toString('hex'),
      expirationTime: Math.floor(Date.now() / 1000) + DEFAULT_EXPIRY_SECONDS,
    });
  }

  list(): ContactRecord[] {
    return [...this.contacts.values()];
  }

  forAor(aor: string): ContactRecord[] {
    return this.list().filter((contact) => contact.aor === aor);
  }
}
