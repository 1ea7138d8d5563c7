/** A PJSIP endpoint (phone or trunk): registration state and how its far end answers calls. */
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
  /** Contact URI while registered. */
  contactUri: string;

  constructor(
    readonly resource: string,
    readonly context: string,
    public behaviour: EndpointBehaviour,
    /** A static contact (trunk): reachable without registering. */
    readonly staticContact: string | undefined,
    readonly qualified: boolean,
    private readonly contactPort: number,
  ) {
    this.contactUri = staticContact ?? `sip:${resource}@127.0.0.1:${contactPort}`;
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
