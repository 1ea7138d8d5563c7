/**
 * A channel's live state, and the last snapshot of it that was published.
 *
 * Like Asterisk's stasis cache: some changes publish a new snapshot (state, caller id, connected
 * line, the application pbx_exec starts, the final hangup) and others do not (variables, DTMF,
 * hangup requests, pbx_exec restoring the previous application). Events and lists carry the last
 * published snapshot, which is why a hangup request can still show `Wait` while the channel's
 * ChannelDestroyed right after shows no application (ari-events.jsonl).
 */
import type { Bridge } from './bridge.js';
import type { Endpoint } from './endpoint.js';
import type { ChannelSnapshot, ChannelState, PartyId } from './events.js';
import type { Playback } from './playback.js';
import type { LiveRecording } from './recording.js';

export type ChannelTech = 'PJSIP' | 'Local' | 'Snoop';

export type LegFailure = 'BUSY' | 'CONGESTION' | 'CHANUNAVAIL' | 'NOANSWER' | 'CANCEL';

/** Callbacks of whoever dialled an outgoing channel (Dial(), an originate). Called synchronously. */
export interface LegHandlers {
  ringing(): void;
  answered(): void;
  /** The far end refused or went away before answering. */
  failed(status: LegFailure, cause: number): void;
  /**
   * The far end is about to hang up without having answered (a Local `;2` whose dialplan ended);
   * `failed` follows once the hangup reaches this channel.
   */
  farEndLeaving?(cause: number): void;
}

/**
 * The other end of a SIP call when it is a channel of another simulated node (an inter-node trunk):
 * what this channel's SIP signalling tells that end. Called by the core of this channel's node.
 */
export interface RemoteParty {
  /** This channel indicated ringing (180 Ringing). */
  ringing(): void;
  /** This channel answered (200 OK). */
  answered(): void;
  /** This channel hung up or refused the call (BYE, CANCEL, a final response) with its cause. */
  hungUp(cause: number): void;
  /** This channel's node died: nothing was sent, the other end finds out by itself. */
  vanished(): void;
  /** Asterisk sent a DTMF digit out on this channel (RFC 4733). */
  dtmf(digit: string, durationMs: number): void;
}

export interface StasisSession {
  app: string;
  args: string[];
  /** Why the channel leaves Stasis; set before `interrupt()`. */
  exit?: { kind: 'hangup' } | { kind: 'continue' } | { kind: 'move'; app: string; args: string[] };
}

export interface ChannelInit {
  id: string;
  name: string;
  tech: ChannelTech;
  linkedId: string;
  state: ChannelState;
  caller: PartyId;
  connected: PartyId;
  context: string;
  exten: string;
  priority: number;
  protocolId: string;
  creationTime: string;
  language?: string;
}

export class Channel {
  readonly id: string;
  readonly name: string;
  readonly tech: ChannelTech;
  readonly creationTime: string;
  linkedId: string;
  state: ChannelState;
  caller: PartyId;
  connected: PartyId;
  accountCode = '';
  language: string;
  context: string;
  exten: string;
  priority: number;
  appName = '';
  appData = '';
  readonly protocolId: string;
  readonly vars = new Map<string, string>();

  endpoint: Endpoint | undefined;
  /** The other half of a Local channel pair, and which half this is. */
  localPeer: Channel | undefined;
  localHalf: 1 | 2 | undefined;
  /**
   * On a Local `;1`: its `;2` has been started (local_call set the pair's caretaker flag), which
   * makes the device INUSE while both halves live.
   */
  localLaunched = false;
  /** For snoop channels: the channel being spied on. */
  snoopTarget: Channel | undefined;

  bridge: Bridge | undefined;
  stasis: StasisSession | undefined;
  /** Set while somebody waits for this outgoing channel to ring/answer. */
  leg: LegHandlers | undefined;
  /** The dialplan is running on this channel (its loop destroys it when it ends). */
  inPbx = false;
  /** A dialler (Dial(), an originate, ARI create) owns this channel and will destroy it. */
  owned = false;
  /** ARI `channels/create`: what `channels/{id}/dial` dials. */
  ariDialString: string | undefined;
  /** A dialplan location to jump to (AMI Redirect, ARI continue into a running loop). */
  asyncGoto: { context: string; exten: string; priority: number } | undefined;

  destroyed = false;
  softHangup = false;
  hangupCause = 0;
  /** `CHANNEL(hangup_handler_push)`: Gosub locations run when the channel hangs up, last pushed first. */
  hangupHandlers: string[] = [];
  /** `MixMonitor()` running on this channel: the file it writes. */
  mixMonitorFile: string | undefined;

  held = false;
  mohClass: string | undefined;
  silenced = false;
  ringIndicated = false;
  mutedIn = false;
  mutedOut = false;
  /** Media queued/playing on this channel alone (bridge playbacks live on the bridge). */
  readonly playbacks: Playback[] = [];
  recording: LiveRecording | undefined;
  /** A dialplan Playback()/Background() prompt playing now (no ARI playback object). */
  dialplanMedia: string | undefined;
  /** DTMF the far end (phone, caller) has received from Asterisk: ARI sendDTMF, Dial D(). */
  dtmfToFarEnd = '';
  /** A trunk call to or from another simulated node: the channel at the other end. */
  remote: RemoteParty | undefined;
  /** What the far end answered from, for the control API (`auto`, `manual`, …). */
  answeredBy: string | undefined;

  private wakers = new Set<() => void>();

  constructor(init: ChannelInit) {
    this.id = init.id;
    this.name = init.name;
    this.tech = init.tech;
    this.linkedId = init.linkedId;
    this.state = init.state;
    this.caller = { ...init.caller };
    this.connected = { ...init.connected };
    this.context = init.context;
    this.exten = init.exten;
    this.priority = init.priority;
    this.protocolId = init.protocolId;
    this.creationTime = init.creationTime;
    this.language = init.language ?? 'en';
    this.published = this.live();
  }

  private published: ChannelSnapshot;

  /** The last published snapshot (what events and lists show). */
  snapshot(): ChannelSnapshot {
    return this.published;
  }

  /** Publish the live state as the channel's snapshot and return it. */
  publish(): ChannelSnapshot {
    this.published = this.live();
    return this.published;
  }

  private live(): ChannelSnapshot {
    return {
      id: this.id,
      linkedId: this.linkedId,
      name: this.name,
      state: this.state,
      caller: { ...this.caller },
      connected: { ...this.connected },
      accountCode: this.accountCode,
      dialplan: {
        context: this.context,
        exten: this.exten,
        priority: this.priority,
        appName: this.appName,
        appData: this.appData,
      },
      creationTime: this.creationTime,
      language: this.language,
      protocolId: this.protocolId,
    };
  }

  /** `PJSIP/1001` for `PJSIP/1001-00000001`; `Local/1001@agents` for a Local half. */
  get device(): string {
    const dash = this.name.lastIndexOf('-');
    return dash > 0 ? this.name.slice(0, dash) : this.name;
  }

  get alive(): boolean {
    return !this.destroyed;
  }

  /** Wake whatever this channel's owner awaits (hangup request, goto, leaving Stasis). */
  interrupt(): void {
    const wakers = [...this.wakers];
    this.wakers.clear();
    for (const w of wakers) w();
  }

  addWaker(fn: () => void): void {
    this.wakers.add(fn);
  }

  removeWaker(fn: () => void): void {
    this.wakers.delete(fn);
  }
}
