/** A PJSIP endpoint (phone or trunk): registration state and how its far end answers calls. */
import { randomBytes } from 'node:crypto';
import type { EndpointSnapshot } from './events.js';

export type AnswerMode = 'auto' | 'manual' | 'busy' | 'noanswer';

export interface EndpointBehaviour {
  online: boolean;
  answer: AnswerMode;
  /** Delay between ringing and answering when `answer` is `auto`. */
  answerDelayMs: number;
}

export class Endpoint {
  readonly technology = 'PJSIP';
  /** Channel ids on this endpoint, in creation order. */
  readonly channelIds: string[] = [];
  /** Last device state published (`NOT_INUSE`, `INUSE`, `RINGING`, `UNAVAILABLE`, …). */
  deviceState = '';
  /** Contact URI while registered (a baresip-style `sip:1001-0x…@127.0.0.1:5071`). */
  contactUri: string;
  registrationCallId = '';
  registrationExpires = 0;

  constructor(
    readonly resource: string,
    readonly context: string,
    public behaviour: EndpointBehaviour,
    /** A static contact (trunk): reachable without registering. */
    readonly staticContact: string | undefined,
    readonly qualified: boolean,
    private readonly contactPort: number,
    /** pjsip.conf `language`: what its channels' `language` (and CHANNEL(language)) start as. */
    readonly language = 'en',
  ) {
    this.contactUri = staticContact ?? '';
    this.register();
  }

  /** A (re-)REGISTER: new Call-ID, contact and expiry. */
  register(): void {
    if (this.staticContact !== undefined) return;
    this.contactUri = `sip:${this.resource}-0x${randomBytes(6).toString('hex')}@127.0.0.1:${this.contactPort}`;
    this.registrationCallId = randomBytes(8).toString('hex');
    this.registrationExpires = Math.floor(Date.now() / 1000) + 3600;
  }

  get id(): string {
    return `${this.technology}/${this.resource}`;
  }

  get state(): 'online' | 'offline' {
    return this.behaviour.online ? 'online' : 'offline';
  }

  /** What `CHANNEL(pjsip,remote_addr)` reads for channels of this endpoint. */
  get remoteAddress(): string {
    return `127.0.0.1:${this.contactPort}`;
  }

  snapshot(): EndpointSnapshot {
    return { technology: this.technology, resource: this.resource, state: this.state, channelIds: [...this.channelIds] };
  }
}
