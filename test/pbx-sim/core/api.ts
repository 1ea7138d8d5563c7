/**
 * The surface of the core PBX model that the front ends (ARI, AMI, control API) drive.
 * The model lives in `core/`; front ends never reach into its internals.
 */
import type { AstDb } from './astdb.js';
import type { BridgeSnapshot, ChannelSnapshot, EndpointSnapshot, PbxEvent, PbxEventDelivery } from './events.js';

export interface OriginateRequest {
  /** Dial string: `PJSIP/1001`, `Local/1001@agents`, `Local/s@caller-sim`. */
  endpoint: string;
  /** Where the originated channel goes once answered: a dialplan location … */
  context?: string;
  exten?: string;
  priority?: number;
  /** … or a dialplan application run directly (AMI `Application`/`Data`) … */
  application?: string;
  data?: string;
  /** … or a Stasis application (ARI `app`/`appArgs`). */
  app?: string;
  appArgs?: string[];
  callerId?: string;
  /** Seconds to wait for an answer. */
  timeout?: number;
  variables?: Record<string, string>;
  channelId?: string;
}

export interface OriginateOutcome {
  /** The dialled channel (for a Local channel, its `;1` half). */
  channel: ChannelSnapshot;
  /**
   * Resolves when the call is answered or fails. `reason` uses AMI's OriginateResponse codes:
   * 0 failed/no such app, 1 hung up, 3 ringing timeout (no answer), 4 answered, 5 busy, 8 congestion.
   */
  settled: Promise<{ answered: boolean; reason: number }>;
}

/** A registered (or static) contact of a PJSIP AOR, as AMI `PJSIPShowContacts` lists it. */
export interface ContactSnapshot {
  aor: string;
  /** e.g. `sip:1001@127.0.0.1:5071`. */
  uri: string;
  endpointName: string;
  /** `NonQualified` when the AOR's qualify_frequency is 0. */
  status: 'Reachable' | 'Unreachable' | 'NonQualified' | 'Unknown';
  userAgent?: string;
  callId?: string;
  /** Unix seconds when the registration expires. */
  expirationTime?: number;
}

export interface PbxCore {
  /** Asterisk version string reported by AMI `Command: core show version` and ARI `/asterisk/info`. */
  readonly version: string;
  readonly systemName: string;
  /** Events in Asterisk's order; `delivery` says which Stasis apps ARI delivers each one to. */
  subscribe(listener: (event: PbxEvent, delivery: PbxEventDelivery) => void, options?: { first?: boolean }): () => void;
  listChannels(): ChannelSnapshot[];
  findChannel(idOrName: string): ChannelSnapshot | undefined;
  getVariable(channelId: string, name: string): string | undefined;
  setVariable(channelId: string, name: string, value: string): void;
  listBridges(): BridgeSnapshot[];
  listEndpoints(): EndpointSnapshot[];
  /**
   * Current PJSIP contacts, including phones registered at boot (which raised no `contact.status`
   * event). Optional: without it the AMI front end lists only contacts it saw in `contact.status`
   * events.
   */
  listContacts?(): ContactSnapshot[];
  /** Throws `PbxError` with kind `not-found` when the technology/endpoint is unknown. */
  originate(request: OriginateRequest): OriginateOutcome;
  /** Move a channel (leaving Stasis or any bridge) to a dialplan location. */
  redirect(channelId: string, context: string, exten: string, priority: number): void;
  hangup(channelId: string, cause?: number): void;
  /** AstDB (AMI DBGet/DBPut/DBDel/DBDelTree, DB functions without a channel). */
  readonly astdb?: AstDb;
}

export type PbxErrorKind = 'not-found' | 'conflict' | 'unprocessable' | 'bad-request';

export class PbxError extends Error {
  constructor(
    readonly kind: PbxErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'PbxError';
  }
}
