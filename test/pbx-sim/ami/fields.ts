/**
 * The field blocks Asterisk repeats across AMI events (main/manager_channels.c
 * `ast_manager_build_channel_state_string_prefix`, main/manager_bridges.c
 * `ast_manager_build_bridge_state_string_prefix`), with their prefixed variants
 * (`Dest…`, `LocalOne…`, `OrigTransferer…`).
 */
import { CHANNEL_STATES } from '../core/events.js';
import type { BridgeSnapshot, ChannelSnapshot } from '../core/events.js';
import type { AmiField } from './frame.js';

/** Asterisk prints an absent caller id part as `<unknown>`. */
export function orUnknown(value: string): string {
  return value === '' ? '<unknown>' : value;
}

export function channelFields(channel: ChannelSnapshot, prefix = ''): AmiField[] {
  return [
    [`${prefix}Channel`, channel.name],
    [`${prefix}ChannelState`, String(CHANNEL_STATES[channel.state])],
    [`${prefix}ChannelStateDesc`, channel.state],
    [`${prefix}CallerIDNum`, orUnknown(channel.caller.number)],
    [`${prefix}CallerIDName`, orUnknown(channel.caller.name)],
    [`${prefix}ConnectedLineNum`, orUnknown(channel.connected.number)],
    [`${prefix}ConnectedLineName`, orUnknown(channel.connected.name)],
    [`${prefix}Language`, channel.language],
    [`${prefix}AccountCode`, channel.accountCode],
    [`${prefix}Context`, channel.dialplan.context],
    [`${prefix}Exten`, channel.dialplan.exten],
    [`${prefix}Priority`, String(channel.dialplan.priority)],
    [`${prefix}Uniqueid`, channel.id],
    [`${prefix}Linkedid`, channel.linkedId],
  ];
}

export function bridgeFields(bridge: BridgeSnapshot, prefix = ''): AmiField[] {
  return [
    [`${prefix}BridgeUniqueid`, bridge.id],
    // AMI's BridgeType is the bridge's subclass (`basic`, `stasis`), ARI's `bridge_class`.
    [`${prefix}BridgeType`, bridge.bridgeClass],
    [`${prefix}BridgeTechnology`, bridge.technology],
    [`${prefix}BridgeCreator`, orUnknown(bridge.creator)],
    [`${prefix}BridgeName`, orUnknown(bridge.name)],
    [`${prefix}BridgeNumChannels`, String(bridge.channelIds.length)],
    [`${prefix}BridgeVideoSourceMode`, bridge.videoMode === '' ? 'none' : bridge.videoMode],
  ];
}

/** `Local/1001@agents-00000004;1` → `Local`, `PJSIP/1001-00000001` → `PJSIP`. */
export function channelTechnology(name: string): string {
  const slash = name.indexOf('/');
  return slash === -1 ? name : name.slice(0, slash);
}

/** Seconds since an ISO creation time such as `2026-11-22T01:56:43.306+0000`. */
export function secondsSince(isoTime: string, now = Date.now()): number {
  const created = Date.parse(isoTime.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(created) ? 0 : Math.max(0, Math.floor((now - created) / 1000));
}

/** `HH:MM:SS`, as CoreShowChannel prints `Duration`. */
export function formatDuration(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return [hours, minutes, seconds].map((n) => String(n).padStart(2, '0')).join(':');
}

/** Asterisk's `EventTV`/`SessionTV` format: `2026-11-22T01:56:35.032+0000`. */
export function formatEventTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** Id of the bridge the channel is in, or '' (Status `BridgeID`, CoreShowChannel `BridgeId`). */
export function bridgeIdOf(channelId: string, bridges: readonly BridgeSnapshot[]): string {
  return bridges.find((bridge) => bridge.channelIds.includes(channelId))?.id ?? '';
}


/** AST_NUM_CHANNEL_BUCKETS: the size of Asterisk's channel hash containers. */
const CHANNEL_BUCKETS = 1567;

/** `ast_str_case_hash`: djb2 over the lower-cased name, restricted to a non-negative int. */
function caseHash(text: string): number {
  let hash = 5381;
  for (const byte of Buffer.from(text.toLowerCase(), 'utf8')) {
    hash = (Math.imul(hash, 33) ^ byte) >>> 0;
  }
  return hash & 0x7fffffff;
}

/**
 * Channels in the order Asterisk lists them (CoreShowChannels, Status, Hangup by regex): its
 * channel containers hash the name into 1567 buckets and iterate the buckets in order. Every
 * listing in the recordings follows this order.
 */
export function inAsteriskChannelOrder<T extends { name: string }>(channels: readonly T[]): T[] {
  return channels
    .map((channel, index) => ({ channel, index, bucket: caseHash(channel.name) % CHANNEL_BUCKETS }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map(({ channel }) => channel);
}
