/**
 * Who hears whom: the simulator carries no audio, so this derives, from the state of channels and
 * bridges, which sources reach a channel (or a bridge recording) right now. A source is another
 * channel's id, `moh:<class>`, `playback:<media uri>` or `tone:ring`.
 *
 * Backed by the recordings (README of /work/shared/asterisk, 2026-12-04; audio-run6b/*.wav;
 * runs6-11-b/run8-audio-analysis.txt; runs6-11-b/ari-run7*-events.jsonl):
 *  - a channel in a mixing bridge hears every other member;
 *  - on ARI hold or channel MOH it hears only the music, nothing of the bridge, while its own audio
 *    still reaches the other members and the bridge recording;
 *  - a holding-bridge participant hears nothing unless the bridge plays music or a playback;
 *  - music never reaches the bridge mix or a bridge recording;
 *  - a snoop with `spy=out` hears what its target hears.
 * Not backed by a recording (guesses, kept simple and consistent):
 *  - mute: `direction=in|both` — the channel sends nothing; `out|both` — it hears nothing;
 *  - a playback on a bridged channel: the channel hears only the playback while it plays;
 *  - a holding bridge's `announcer` channels are heard by its participants (bridge_holding.c);
 *  - snoop `spy=in` hears what the target sends, `both` both; `whisper=out|both` lets the target
 *    hear what the snoop channel hears from its own bridge;
 *  - a channel that is not Up hears only its own playback/MOH/ringing and sends nothing.
 */
import type { Bridge } from './bridge.js';
import type { Channel } from './channel.js';

const isPlaying = (state: string): boolean => state === 'playing' || state === 'continuing';

/** Whether a channel's own audio leaves it (false while muted `in`). */
export function sends(ch: Channel): boolean {
  return ch.alive && !ch.mutedIn && (ch.state === 'Up' || ch.tech === 'Snoop');
}

/** Sources a channel contributes to a bridge it is in. */
function contribution(ch: Channel, seen: Set<Channel>): string[] {
  if (ch.tech === 'Snoop') return snooped(ch, seen);
  return sends(ch) ? [ch.id] : [];
}

/** What a snoop channel picks up from its target. */
function snooped(snoop: Channel, seen: Set<Channel>): string[] {
  const target = snoop.snoopTarget;
  if (!target || !target.alive) return [];
  const spy = snoop.vars.get('SNOOP_SPY') ?? 'none';
  const out = new Set<string>();
  if ((spy === 'in' || spy === 'both') && sends(target)) out.add(target.id);
  if (spy === 'out' || spy === 'both') for (const s of heardBy(target, seen)) out.add(s);
  return [...out];
}

/** Sources a channel's bridge gives it (or nothing when it is in none). */
function fromBridge(ch: Channel, bridge: Bridge, seen: Set<Channel>): string[] {
  const out = new Set<string>();
  const bp = bridge.playbacks[0];
  if (bp && isPlaying(bp.state)) out.add(`playback:${bp.mediaUri}`);
  if (bridge.mohClass !== undefined) out.add(`moh:${bridge.mohClass}`);
  if (bridge.bridgeType === 'holding') {
    if (bridge.roles.get(ch.id) !== 'announcer') {
      for (const other of bridge.channels) {
        if (other !== ch && bridge.roles.get(other.id) === 'announcer') for (const s of contribution(other, seen)) out.add(s);
      }
    }
    return [...out];
  }
  for (const other of bridge.channels) {
    if (other === ch) continue;
    for (const s of contribution(other, seen)) if (s !== ch.id) out.add(s);
  }
  return [...out];
}

function heardBy(ch: Channel, seen: Set<Channel>): string[] {
  if (seen.has(ch) || !ch.alive) return [];
  seen.add(ch);
  try {
    if (ch.mutedOut) return [];
    if (ch.tech === 'Snoop') return snooped(ch, seen);
    const own = ch.playbacks[0];
    if (own && isPlaying(own.state)) return [`playback:${own.mediaUri}`];
    if (ch.dialplanMedia !== undefined) {
      return [ch.dialplanMedia.startsWith('moh:') || ch.dialplanMedia.startsWith('tone:') ? ch.dialplanMedia : `playback:${ch.dialplanMedia}`];
    }
    if (ch.mohClass !== undefined) return [`moh:${ch.mohClass}`];
    const out = new Set<string>();
    if (ch.bridge && ch.state === 'Up') for (const s of fromBridge(ch, ch.bridge, seen)) out.add(s);
    else if (ch.ringIndicated && !ch.silenced) out.add('tone:ring');
    // Whispering snoops on this channel.
    for (const s of whispers(ch, seen)) out.add(s);
    return [...out];
  } finally {
    seen.delete(ch);
  }
}

/** What snoop channels with `whisper=out|both` on `target` pass to it from their own bridge. */
function whispers(target: Channel, seen: Set<Channel>): string[] {
  const out: string[] = [];
  for (const snoop of snoopsOf.get(target) ?? []) {
    const whisper = snoop.vars.get('SNOOP_WHISPER') ?? 'none';
    if (whisper !== 'out' && whisper !== 'both') continue;
    if (!snoop.bridge || seen.has(snoop)) continue;
    seen.add(snoop);
    for (const other of snoop.bridge.channels) {
      if (other === snoop || other === target) continue;
      for (const s of contribution(other, seen)) if (s !== target.id) out.push(s);
    }
    seen.delete(snoop);
  }
  return out;
}

/** Snoop channels by target, refreshed by `hears()` from the live channel list. */
const snoopsOf = new WeakMap<Channel, Channel[]>();

function indexSnoops(all: Iterable<Channel>): void {
  const by = new Map<Channel, Channel[]>();
  for (const c of all) {
    if (c.tech !== 'Snoop' || !c.snoopTarget || !c.alive) continue;
    const list = by.get(c.snoopTarget) ?? [];
    list.push(c);
    by.set(c.snoopTarget, list);
  }
  for (const c of all) snoopsOf.set(c, by.get(c) ?? []);
}

/** Sorted sources reaching `ch` now. `all`: every live channel (to find snoops on it). */
export function hears(ch: Channel, all: Iterable<Channel>): string[] {
  indexSnoops([...all]);
  return [...new Set(heardBy(ch, new Set()))].sort();
}

/** Channel ids whose audio a bridge recording captures now (the mix; music never appears in it). */
export function recordingHears(bridge: Bridge, all: Iterable<Channel>): string[] {
  indexSnoops([...all]);
  const out = new Set<string>();
  const members = bridge.bridgeType === 'holding' ? bridge.channels.filter((c) => bridge.roles.get(c.id) === 'announcer') : bridge.channels;
  for (const ch of members) for (const s of contribution(ch, new Set())) if (!s.includes(':')) out.add(s);
  return [...out].sort();
}
