/** Playbacks (ARI `play`, dialplan `Playback()`) and how long simulated media lasts. */
import type { Bridge } from './bridge.js';
import type { Channel } from './channel.js';
import type { PlaybackSnapshot } from './events.js';

/** Nominal lengths, in seconds, of common Asterisk core sounds. Anything else defaults. */
const SOUND_SECONDS: Record<string, number> = {
  'hello-world': 1.6,
  // runs6-11-b/ari-run6-events.jsonl, ari-run7-events.jsonl: beep 0.424 s; the project greeting 8.1 s.
  beep: 0.42,
  'greeting-12345': 8.1,
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
 * A sound file that does not exist: the recordings' `sound:no-such-prompt` / `sound:no-such-file`
 * stand for every `no-such-*` name, and a negative `soundDurations` entry marks any other name missing.
 */
export function isMissingSound(name: string, configured: number | undefined): boolean {
  return name === '' || name.startsWith('no-such-') || (configured !== undefined && configured < 0);
}

/** A media URI whose scheme Asterisk does not know: it "plays" for ever (runs6-11-b/ari-run6, `nosuchscheme:foo`). */
export const UNSUPPORTED_SCHEME = 'unsupported';

/**
 * Seconds of audio in a media URI: a number, `Infinity` for media that plays until stopped (tones),
 * `undefined` when the media cannot be played (missing sound file or recording), or
 * `UNSUPPORTED_SCHEME`.
 */
export function mediaSeconds(
  uri: string,
  lookup: { sound(name: string): number | undefined; recording(name: string): number | undefined },
): number | undefined | typeof UNSUPPORTED_SCHEME {
  const colon = uri.indexOf(':');
  if (colon < 0) return UNSUPPORTED_SCHEME;
  const scheme = uri.slice(0, colon);
  const arg = uri.slice(colon + 1);
  switch (scheme) {
    case 'sound': {
      const configured = lookup.sound(arg);
      if (isMissingSound(arg, configured)) return undefined;
      return configured ?? SOUND_SECONDS[arg] ?? DEFAULT_SOUND_SECONDS;
    }
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
      return UNSUPPORTED_SCHEME;
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
