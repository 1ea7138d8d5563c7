/**
 * Validation at the ARI edge: a WebSocket message becomes a typed `AriEvent`, or null when it is not
 * one the server acts on or is malformed. Nothing downstream sees the raw JSON.
 */
import { withoutForbiddenChars } from '../forbidden-chars.js';
import type { AriBridge, AriChannel, AriEndpoint, AriEvent, AriParty, AriPlayback } from './ari-types.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Json, key: string): string | null => (typeof o[key] === 'string' ? o[key] : null);
const num = (o: Json, key: string): number | null => (typeof o[key] === 'number' ? o[key] : null);

/**
 * A caller id comes from the trunk, and its number shows on screen-pops, tickets and the wallboard: a
 * citizen's call is never refused for it, but control and direction characters are dropped.
 */
function party(v: unknown): AriParty {
  if (!isObject(v)) return { name: '', number: '' };
  return { name: withoutForbiddenChars(str(v, 'name') ?? ''), number: withoutForbiddenChars(str(v, 'number') ?? '') };
}

export function parseChannel(v: unknown): AriChannel | null {
  if (!isObject(v)) return null;
  const id = str(v, 'id');
  const name = str(v, 'name');
  const state = str(v, 'state');
  if (!id || !name || !state) return null;
  const dialplan = isObject(v.dialplan) ? v.dialplan : {};
  return {
    id,
    name,
    state,
    caller: party(v.caller),
    connected: party(v.connected),
    dialplan: {
      context: str(dialplan, 'context') ?? '',
      exten: str(dialplan, 'exten') ?? '',
      priority: num(dialplan, 'priority') ?? 0,
      appName: str(dialplan, 'app_name') ?? '',
      appData: str(dialplan, 'app_data') ?? '',
    },
    creationTime: str(v, 'creationtime') ?? '',
    language: str(v, 'language') ?? '',
  };
}

export function parseBridge(v: unknown): AriBridge | null {
  if (!isObject(v)) return null;
  const id = str(v, 'id');
  if (!id) return null;
  const channels = Array.isArray(v.channels) ? v.channels.filter((c): c is string => typeof c === 'string') : [];
  return { id, bridgeType: str(v, 'bridge_type') ?? '', name: str(v, 'name') ?? '', channelIds: channels };
}

export function parsePlayback(v: unknown): AriPlayback | null {
  if (!isObject(v)) return null;
  const id = str(v, 'id');
  if (!id) return null;
  return {
    id,
    mediaUri: str(v, 'media_uri') ?? '',
    targetUri: str(v, 'target_uri') ?? '',
    state: str(v, 'state') ?? '',
  };
}

export function parseEndpoint(v: unknown): AriEndpoint | null {
  if (!isObject(v)) return null;
  const technology = str(v, 'technology');
  const resource = str(v, 'resource');
  if (!technology || !resource) return null;
  const ids = Array.isArray(v.channel_ids) ? v.channel_ids.filter((c): c is string => typeof c === 'string') : [];
  return { technology, resource, state: str(v, 'state') ?? 'unknown', channelIds: ids };
}

export function parseAriEvent(message: unknown): AriEvent | null {
  if (!isObject(message)) return null;
  const type = str(message, 'type');
  const timestamp = str(message, 'timestamp') ?? '';
  const channel = parseChannel(message.channel);
  switch (type) {
    case 'StasisStart': {
      if (!channel) return null;
      const args = Array.isArray(message.args) ? message.args.filter((a): a is string => typeof a === 'string') : [];
      const replaceChannel = parseChannel(message.replace_channel) ?? undefined;
      return replaceChannel
        ? { type, timestamp, args, channel, replaceChannel }
        : { type, timestamp, args, channel };
    }
    case 'StasisEnd':
    case 'ChannelStateChange':
      return channel ? { type, timestamp, channel } : null;
    case 'ChannelDtmfReceived': {
      const digit = str(message, 'digit');
      if (!channel || !digit || !/^[0-9*#A-D]$/.test(digit)) return null;
      return { type, timestamp, channel, digit, durationMs: num(message, 'duration_ms') ?? 0 };
    }
    case 'ChannelHangupRequest':
      return channel
        ? { type, timestamp, channel, cause: num(message, 'cause') ?? 0, soft: message.soft === true }
        : null;
    case 'ChannelDestroyed':
      return channel
        ? { type, timestamp, channel, cause: num(message, 'cause') ?? 0, causeTxt: str(message, 'cause_txt') ?? '' }
        : null;
    case 'ChannelEnteredBridge':
    case 'ChannelLeftBridge': {
      const bridge = parseBridge(message.bridge);
      return channel && bridge ? { type, timestamp, channel, bridge } : null;
    }
    case 'BridgeDestroyed': {
      const bridge = parseBridge(message.bridge);
      return bridge ? { type, timestamp, bridge } : null;
    }
    case 'PlaybackStarted':
    case 'PlaybackFinished': {
      const playback = parsePlayback(message.playback);
      return playback ? { type, timestamp, playback } : null;
    }
    case 'Dial': {
      const peer = parseChannel(message.peer);
      if (!peer) return null;
      const caller = parseChannel(message.caller) ?? undefined;
      const dialstatus = str(message, 'dialstatus') ?? '';
      return caller ? { type, timestamp, peer, dialstatus, caller } : { type, timestamp, peer, dialstatus };
    }
    case 'EndpointStateChange': {
      const endpoint = parseEndpoint(message.endpoint);
      return endpoint ? { type, timestamp, endpoint } : null;
    }
    default:
      return null;
  }
}
