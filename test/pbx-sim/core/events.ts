/**
 * The simulator's internal event contract.
 *
 * The core PBX model (channels, bridges, endpoints, dialplan) emits these events, in the order a real
 * Asterisk raises them, each carrying a snapshot taken at the moment of the event. The ARI and AMI
 * front ends subscribe and translate them into their own wire formats (ARI JSON over the events
 * WebSocket, AMI `Event:` frames), so one scenario produces consistent traffic on both interfaces.
 */

/** Asterisk's channel states, with the numeric codes AMI prints as `ChannelState`. */
export const CHANNEL_STATES = {
  Down: 0,
  Rsrvd: 1,
  OffHook: 2,
  Dialing: 3,
  Ring: 4,
  Ringing: 5,
  Up: 6,
  Busy: 7,
  'Dialing Offhook': 8,
  'Pre-ring': 9,
  Unknown: 10,
} as const;
export type ChannelState = keyof typeof CHANNEL_STATES;

export interface PartyId {
  name: string;
  number: string;
}

export interface DialplanLocation {
  context: string;
  exten: string;
  priority: number;
  appName: string;
  appData: string;
}

/** What a channel looks like at one instant (ARI `Channel`, AMI channel header fields). */
export interface ChannelSnapshot {
  /** Asterisk `uniqueid`, e.g. `1795312603.7`; ARI's channel `id`. */
  id: string;
  linkedId: string;
  /** e.g. `PJSIP/1001-00000001`, `Local/1001@agents-00000004;1`. */
  name: string;
  state: ChannelState;
  caller: PartyId;
  connected: PartyId;
  accountCode: string;
  dialplan: DialplanLocation;
  /** ISO time with Asterisk's `+0000` suffix. */
  creationTime: string;
  language: string;
  protocolId: string;
}

export interface BridgeSnapshot {
  id: string;
  technology: string;
  bridgeType: 'mixing' | 'holding';
  bridgeClass: string;
  creator: string;
  name: string;
  channelIds: string[];
  creationTime: string;
  videoMode: string;
}

export interface EndpointSnapshot {
  technology: string;
  resource: string;
  state: 'unknown' | 'offline' | 'online';
  channelIds: string[];
}

export interface PlaybackSnapshot {
  id: string;
  mediaUri: string;
  /** The next item of a media list, while one follows (ARI `next_media_uri`). */
  nextMediaUri?: string;
  targetUri: string;
  language: string;
  /**
   * `continuing` is reported with a `playback.started` event when a media list moves on to its next
   * item (ARI `PlaybackContinuing`).
   */
  state: 'queued' | 'playing' | 'continuing' | 'paused' | 'done' | 'failed';
}

export interface LiveRecordingSnapshot {
  name: string;
  format: string;
  targetUri: string;
  state: 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';
  duration?: number;
  cause?: string;
}

/** Every event the core emits. `app` names the Stasis application where one is involved. */
export type PbxEvent =
  | { type: 'channel.created'; channel: ChannelSnapshot }
  | { type: 'channel.state'; channel: ChannelSnapshot }
  | { type: 'channel.dialplan'; channel: ChannelSnapshot; app: string; appData: string }
  | { type: 'channel.callerid'; channel: ChannelSnapshot }
  | { type: 'channel.connectedline'; channel: ChannelSnapshot }
  | { type: 'channel.varset'; channel: ChannelSnapshot; variable: string; value: string }
  | { type: 'channel.dtmf.begin'; channel: ChannelSnapshot; digit: string; direction: 'Received' | 'Sent' }
  | {
      type: 'channel.dtmf.end';
      channel: ChannelSnapshot;
      digit: string;
      durationMs: number;
      direction: 'Received' | 'Sent';
    }
  | { type: 'channel.hangup.request'; channel: ChannelSnapshot; cause: number; soft: boolean; withoutCause?: boolean; techCause?: number }
  /** `techCause` (both): the SIP response code behind the cause (chan_pjsip), when there is one. */
  | { type: 'channel.destroyed'; channel: ChannelSnapshot; cause: number; causeTxt: string; techCause?: number }
  | { type: 'channel.hold'; channel: ChannelSnapshot; musicClass: string }
  | { type: 'channel.unhold'; channel: ChannelSnapshot }
  | { type: 'channel.moh.start'; channel: ChannelSnapshot; musicClass: string }
  | { type: 'channel.moh.stop'; channel: ChannelSnapshot }
  | { type: 'local.bridge'; one: ChannelSnapshot; two: ChannelSnapshot; context: string; exten: string }
  | {
      type: 'dial';
      caller: ChannelSnapshot | null;
      peer: ChannelSnapshot;
      dialString: string;
      /** '' at the start of the dial, then `RINGING`, `ANSWER`, `BUSY`, `NOANSWER`, `CANCEL`, … */
      dialStatus: string;
    }
  | { type: 'bridge.created'; bridge: BridgeSnapshot }
  | { type: 'bridge.destroyed'; bridge: BridgeSnapshot }
  | { type: 'bridge.enter'; bridge: BridgeSnapshot; channel: ChannelSnapshot }
  | { type: 'bridge.leave'; bridge: BridgeSnapshot; channel: ChannelSnapshot }
  | { type: 'stasis.start'; app: string; args: string[]; channel: ChannelSnapshot }
  | { type: 'stasis.end'; app: string; channel: ChannelSnapshot }
  | { type: 'playback.started'; playback: PlaybackSnapshot }
  | { type: 'playback.finished'; playback: PlaybackSnapshot }
  | { type: 'recording.started'; recording: LiveRecordingSnapshot }
  | { type: 'recording.finished'; recording: LiveRecordingSnapshot }
  | { type: 'recording.failed'; recording: LiveRecordingSnapshot }
  | { type: 'endpoint.state'; endpoint: EndpointSnapshot }
  /**
   * res_pjsip's peer status of an endpoint (AMI PeerStatus, ARI PeerStatusChange): `Reachable` when
   * a contact registers or qualifies, `Unreachable` when the last one goes away or fails a qualify.
   */
  | { type: 'peer.status'; endpoint: EndpointSnapshot; status: 'Reachable' | 'Unreachable' }
  | {
      type: 'contact.status';
      aor: string;
      uri: string;
      status: 'Created' | 'NonQualified' | 'Reachable' | 'Unreachable' | 'Removed' | 'Updated' | 'Unknown';
      endpointName: string;
    }
  | { type: 'device.state'; device: string; state: string };

export type PbxEventType = PbxEvent['type'];

/**
 * Who should see an event on ARI: the Stasis applications subscribed, at the moment the event was
 * raised, to the channel/bridge/endpoint/device it concerns (or subscribed to everything). The core
 * computes it because subscriptions change in the middle of sequences (a dialplan channel is
 * subscribed at StasisStart and unsubscribed right after StasisEnd).
 */
export interface PbxEventDelivery {
  readonly apps: readonly string[];
}
