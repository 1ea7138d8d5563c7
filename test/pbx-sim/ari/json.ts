/**
 * Core snapshots and events → ARI JSON, with Asterisk's field names and key order (compare
 * /work/shared/asterisk/recordings/ari-events.jsonl and ari-requests.txt).
 */
import type {
  BridgeSnapshot,
  ChannelSnapshot,
  EndpointSnapshot,
  LiveRecordingSnapshot,
  PbxEvent,
  PlaybackSnapshot,
} from '../core/events.js';
import { asteriskTime } from '../core/ids.js';

export type Json = Record<string, unknown>;

export function channelJson(c: ChannelSnapshot): Json {
  return {
    id: c.id,
    name: c.name,
    state: c.state,
    protocol_id: c.protocolId,
    caller: { name: c.caller.name, number: c.caller.number },
    connected: { name: c.connected.name, number: c.connected.number },
    accountcode: c.accountCode,
    dialplan: {
      context: c.dialplan.context,
      exten: c.dialplan.exten,
      priority: c.dialplan.priority,
      app_name: c.dialplan.appName,
      app_data: c.dialplan.appData,
    },
    creationtime: c.creationTime,
    language: c.language,
  };
}

export function bridgeJson(b: BridgeSnapshot): Json {
  return {
    id: b.id,
    technology: b.technology,
    bridge_type: b.bridgeType,
    bridge_class: b.bridgeClass,
    creator: b.creator,
    name: b.name,
    channels: [...b.channelIds],
    creationtime: b.creationTime,
    video_mode: b.videoMode,
  };
}

export function endpointJson(e: EndpointSnapshot): Json {
  return { technology: e.technology, resource: e.resource, state: e.state, channel_ids: [...e.channelIds] };
}

export function playbackJson(p: PlaybackSnapshot): Json {
  return {
    id: p.id,
    media_uri: p.mediaUri,
    ...(p.nextMediaUri !== undefined ? { next_media_uri: p.nextMediaUri } : {}),
    target_uri: p.targetUri,
    language: p.language,
    state: p.state,
  };
}

export function liveRecordingJson(r: LiveRecordingSnapshot): Json {
  return {
    name: r.name,
    format: r.format,
    state: r.state,
    target_uri: r.targetUri,
    // talking_duration/silence_duration come only with silence detection (maxSilenceSeconds), which
    // the simulator does not do: every recorded RecordingFinished has `duration` alone.
    ...(r.duration !== undefined ? { duration: r.duration } : {}),
    ...(r.cause !== undefined ? { cause: r.cause } : {}),
  };
}

/**
 * The ARI message for a core event, without `asterisk_id`/`application` (added per app), or
 * undefined when ARI has no such event. `endpointOf` resolves an endpoint for ContactStatusChange.
 */
export function eventJson(event: PbxEvent, endpointOf: (name: string) => EndpointSnapshot | undefined): Json | undefined {
  const timestamp = asteriskTime();
  switch (event.type) {
    case 'channel.created':
      return { type: 'ChannelCreated', timestamp, channel: channelJson(event.channel) };
    case 'channel.state':
      return { type: 'ChannelStateChange', timestamp, channel: channelJson(event.channel) };
    case 'channel.dialplan':
      return {
        type: 'ChannelDialplan',
        timestamp,
        dialplan_app: event.app,
        dialplan_app_data: event.appData,
        channel: channelJson(event.channel),
      };
    case 'channel.callerid':
      return {
        type: 'ChannelCallerId',
        timestamp,
        caller_presentation: 0,
        caller_presentation_txt: 'Presentation Allowed, Not Screened',
        channel: channelJson(event.channel),
      };
    case 'channel.connectedline':
      return { type: 'ChannelConnectedLine', timestamp, channel: channelJson(event.channel) };
    case 'channel.varset':
      return { variable: event.variable, value: event.value, type: 'ChannelVarset', timestamp, channel: channelJson(event.channel) };
    case 'channel.dtmf.end':
      if (event.direction !== 'Received') return undefined;
      return { type: 'ChannelDtmfReceived', timestamp, digit: event.digit, duration_ms: event.durationMs, channel: channelJson(event.channel) };
    case 'channel.hangup.request':
      return {
        // A BYE without a Reason header carries no cause (runs6-11-b/ari-run6-events.jsonl).
        ...(event.withoutCause ? {} : { cause: event.cause }),
        ...(event.techCause ? { tech_cause: event.techCause } : {}),
        ...(event.soft ? { soft: true } : {}),
        type: 'ChannelHangupRequest',
        timestamp,
        channel: channelJson(event.channel),
      };
    case 'channel.destroyed':
      return {
        type: 'ChannelDestroyed',
        timestamp,
        cause: event.cause,
        cause_txt: event.causeTxt,
        ...(event.techCause ? { tech_cause: event.techCause } : {}),
        channel: channelJson(event.channel),
      };
    case 'channel.hold':
      return {
        type: 'ChannelHold',
        timestamp,
        channel: channelJson(event.channel),
        ...(event.musicClass !== '' ? { musicclass: event.musicClass } : {}),
      };
    case 'channel.unhold':
      return { type: 'ChannelUnhold', timestamp, channel: channelJson(event.channel) };
    case 'dial':
      return {
        type: 'Dial',
        timestamp,
        dialstatus: event.dialStatus,
        forward: '',
        dialstring: event.dialString,
        ...(event.caller ? { caller: channelJson(event.caller) } : {}),
        peer: channelJson(event.peer),
      };
    case 'bridge.created':
      return { type: 'BridgeCreated', timestamp, bridge: bridgeJson(event.bridge) };
    case 'bridge.destroyed':
      return { type: 'BridgeDestroyed', timestamp, bridge: bridgeJson(event.bridge) };
    case 'bridge.enter':
      return { type: 'ChannelEnteredBridge', timestamp, bridge: bridgeJson(event.bridge), channel: channelJson(event.channel) };
    case 'bridge.leave':
      return { type: 'ChannelLeftBridge', timestamp, bridge: bridgeJson(event.bridge), channel: channelJson(event.channel) };
    case 'stasis.start':
      return { type: 'StasisStart', timestamp, args: [...event.args], channel: channelJson(event.channel) };
    case 'stasis.end':
      return { type: 'StasisEnd', timestamp, channel: channelJson(event.channel) };
    case 'playback.started':
      return {
        type: event.playback.state === 'continuing' ? 'PlaybackContinuing' : 'PlaybackStarted',
        timestamp,
        playback: playbackJson(event.playback),
      };
    case 'playback.finished':
      return { type: 'PlaybackFinished', timestamp, playback: playbackJson(event.playback) };
    case 'recording.started':
      return { type: 'RecordingStarted', timestamp, recording: liveRecordingJson(event.recording) };
    case 'recording.finished':
      return { type: 'RecordingFinished', timestamp, recording: liveRecordingJson(event.recording) };
    case 'recording.failed':
      return { type: 'RecordingFailed', timestamp, recording: liveRecordingJson(event.recording) };
    case 'endpoint.state':
      return { type: 'EndpointStateChange', timestamp, endpoint: endpointJson(event.endpoint) };
    case 'peer.status':
      return { type: 'PeerStatusChange', timestamp, endpoint: endpointJson(event.endpoint), peer: { peer_status: event.status } };
    case 'contact.status': {
      if (event.status === 'Created') return undefined;
      const endpoint = endpointOf(event.endpointName);
      if (!endpoint) return undefined;
      return {
        type: 'ContactStatusChange',
        timestamp,
        endpoint: endpointJson(endpoint),
        contact_info: { uri: event.uri, contact_status: event.status, aor: event.aor, roundtrip_usec: event.status === 'Reachable' ? '500' : '0' },
      };
    }
    case 'device.state':
      return { type: 'DeviceStateChanged', timestamp, device_state: { name: event.device, state: event.state } };
    case 'channel.dtmf.begin':
    case 'channel.moh.start':
    case 'channel.moh.stop':
    case 'local.bridge':
      return undefined;
  }
}
