/** Playbacks (ARI `play`, dialplan `Playback()`) and how long simulated media lasts. */
import type { Bridge } from './bridge.js';
import type { Channel } from './channel.js';
import type { PlaybackSnapshot } from './events.js';

/** Nominal lengths, in seconds, of common Asterisk core sounds. Anything else defaults. */
const SOUND_SECONDS: Record<string, number> = {
  'hello-world': 1.6,
  beep: 0.3,
  'demo-congrats': 20,
  'tt-monkeys': 12,
  'tt-weasels': 4,
  'vm-goodbye': 0.8,
  goodbye: 0.8,
  'queue-thankyou': 1.5,
  'pls-hold-while-try': 2.5,
  'silence/1': 1,
  'silence/5': 5,
  'silence/10': 10,
};
export const DEFAULT_SOUND_SECONDS = 2;

export type MediaTarget = { kind: 'channel'; channel: Channel } | { kind: 'bridge'; bridge: Bridge };

/**
 * Seconds of audio in a media URI: a number, `Infinity` for media that plays until stopped (tones),
 * or `undefined` when the media cannot be played (unknown scheme, missing recording).
 */
export function mediaSeconds(
  uri: string,
  lookup: { sound(name: string): number | undefined; recording(name: string): number | undefined },
): number | undefined {
  const colon = uri.indexOf(':');
  if (colon < 0) return undefined;
  const scheme = uri.slice(0, colon);
  const arg = uri.slice(colon + 1);
  switch (scheme) {
    case 'sound':
      if (arg === '') return undefined;
      return lookup.sound(arg) ?? SOUND_SECONDS[arg] ?? DEFAULT_SOUND_SECONDS;
    case 'recording':
      return lookup.recording(arg);
    case 'digits':
    case 'characters':
      return arg === '' ? undefined : 0.5 * arg.length;
    case 'number': {
      if (!/^-?\d+$/.test(arg)) return undefined;
      // Said as words ("one thousand two hundred"): about two words per digit, 0.35 s each.
      return Math.max(0.5, 0.7 * arg.replace('-', '').length);
    }
    case 'tone': {
      const duration = /;duration=(\d+)/.exec(arg);
      return duration ? Number(duration[1]) / 1000 : Infinity;
    }
    default:
      return undefined;
  }
}

export class Playback {
  state: PlaybackSnapshot['state'] = 'queued';
  index = 0;
  /** Wall-clock bookkeeping for pause/forward/reverse. */
  startedAtMs = 0;
  playedMs = 0;
  cancelTimer: (() => void) | undefined;
  /** Set when stopped while queued: it ends as soon as its turn comes. */
  canceled = false;

  constructor(
    readonly id: string,
    readonly medias: string[],
    readonly language: string,
    readonly target: MediaTarget,
    readonly skipMs: number,
    readonly offsetMs: number,
  ) {}

  get targetUri(): string {
    return this.target.kind === 'channel' ? `channel:${this.target.channel.id}` : `bridge:${this.target.bridge.id}`;
  }

  get mediaUri(): string {
    return this.medias[this.index] ?? '';
  }

  snapshot(): PlaybackSnapshot {
    const next = this.medias[this.index + 1];
    const snap: PlaybackSnapshot = {
      id: this.id,
      mediaUri: this.mediaUri,
      targetUri: this.targetUri,
      language: this.language,
      state: this.state,
    };
    if (next !== undefined && this.state !== 'done' && this.state !== 'failed') snap.nextMediaUri = next;
    return snap;
  }
}
