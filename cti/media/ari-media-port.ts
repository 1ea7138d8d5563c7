/**
 * The IVR's media port over ARI for one caller channel: prompts are ARI playbacks (`sound:<prompt>` in
 * Mandarin), digits are `ChannelDtmfReceived` events. Digits are buffered from the moment the port
 * exists, so a key pressed between two prompts is never lost (type-ahead through the menus); a key
 * during a prompt stops it (barge-in), except during a notice the caller must hear (`playThrough`).
 * The port lives as long as the call, so the call drops the buffer (`discardKeys`) where a walk ends
 * and a new question starts: otherwise a key pressed in the queue or while talking would skip the
 * survey's question and be taken as its answer. When the caller hangs up every pending operation
 * rejects with `CallerHungUp`.
 */
import { randomUUID } from 'node:crypto';
import { CallerHungUp, type CollectOptions, type CollectResult, type MediaPort, type PlayResult } from '../../ivr/media-port.js';
import type { PbxAri } from '../nodes/pbx-ari.js';
import type { AriEvent } from '../ari/ari-types.js';
import type { Logger } from '../logging.js';
import type { ChannelEventRouter } from '../stasis/channel-events.js';

export const PROMPT_LANGUAGE = 'zh';

/** A prompt id becomes a `sound:` URI; `digits:`, `number:`, `tone:` … pass through. */
export function mediaUri(prompt: string): string {
  return prompt.includes(':') ? prompt : `sound:${prompt}`;
}

type Waiter = () => void;

export class AriMediaPort implements MediaPort {
  private readonly digits: string[] = [];
  private hungUp = false;
  private readonly waiters = new Set<Waiter>();
  private readonly finished = new Set<string>();
  /** The prompt being played now, if any. */
  private playing: string | null = null;
  private readonly stopListening: () => void;

  constructor(
    private readonly ari: PbxAri,
    router: ChannelEventRouter,
    private readonly channelId: string,
    private readonly log: Logger,
  ) {
    this.stopListening = router.listen(channelId, (event) => this.onEvent(event));
  }

  private onEvent(event: AriEvent): void {
    if (event.type === 'ChannelDtmfReceived') this.digits.push(event.digit);
    else if (event.type === 'PlaybackFinished') this.finished.add(event.playback.id);
    else if (event.type === 'ChannelHangupRequest' || event.type === 'StasisEnd' || event.type === 'ChannelDestroyed') this.hungUp = true;
    else return;
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves when `ready()` holds or the timeout passes (false); rejects if the caller hangs up first. */
  private waitUntil(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    if (this.hungUp) return Promise.reject(new CallerHungUp());
    if (ready()) return Promise.resolve(true);
    return new Promise((resolve, reject) => {
      const done = (value: boolean | Error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (value instanceof Error) reject(value);
        else resolve(value);
      };
      const check = () => {
        if (this.hungUp) done(new CallerHungUp());
        else if (ready()) done(true);
      };
      // Unreferenced: while the server runs it fires as set; a server that has stopped (its call
      // flows left mid-prompt) is not kept alive for the prompt's two-minute upper bound.
      const timer = setTimeout(() => done(false), timeoutMs).unref();
      this.waiters.add(check);
    });
  }

  async play(prompts: string[]): Promise<PlayResult> {
    if (this.digits.length > 0) return { interrupted: true };
    await this.playUntilEnd(prompts, true);
    return { interrupted: this.digits.length > 0 };
  }

  /**
   * Plays the prompts to their end whatever the caller presses: a notice they must hear (the
   * repeat-call warning, Chongqing art. 26), which a key would otherwise skip. Keys pressed during it
   * are dropped (they answer nothing the notice asked); keys typed before it stay for the next `collect`.
   */
  async playThrough(prompts: string[]): Promise<void> {
    const typedBefore = this.digits.length;
    try {
      await this.playUntilEnd(prompts, false);
    } finally {
      this.digits.length = Math.min(this.digits.length, typedBefore);
    }
  }

  /** One playback, waited for until it ends (or, `bargeIn`, a key is pressed: then it is stopped). */
  private async playUntilEnd(prompts: string[], bargeIn: boolean): Promise<void> {
    if (this.hungUp) throw new CallerHungUp();
    const playbackId = randomUUID();
    this.playing = playbackId;
    await this.ari.play(this.channelId, prompts.map(mediaUri), playbackId, PROMPT_LANGUAGE);
    // Generous upper bound: a prompt that never reports its end must not hold the caller forever.
    const ended = await this.waitUntil(() => this.finished.has(playbackId) || (bargeIn && this.digits.length > 0), 120_000);
    if (!this.finished.has(playbackId)) {
      await this.ari.stopPlayback(playbackId).catch((error: unknown) => {
        this.log.debug({ err: (error as Error).message }, 'playback already gone');
      });
      if (!ended) this.log.warn({ channelId: this.channelId, playbackId }, 'prompt did not finish in time');
    }
    this.finished.delete(playbackId);
    this.playing = null;
  }

  async collect(options: CollectOptions): Promise<CollectResult> {
    let typed = '';
    for (;;) {
      if (options.terminator && typed.endsWith(options.terminator)) {
        return { digits: typed.slice(0, -options.terminator.length), reason: 'terminator' };
      }
      if (typed.length >= options.maxDigits) return { digits: typed, reason: 'max-digits' };
      const timeout = typed.length === 0 ? options.firstDigitTimeoutMs : options.interDigitTimeoutMs;
      const got = await this.waitUntil(() => this.digits.length > 0, timeout);
      if (!got) return { digits: typed, reason: 'timeout' };
      typed += this.digits.shift() ?? '';
    }
  }

  discardKeys(): void {
    this.digits.length = 0;
  }

  /**
   * After the event socket was away: a prompt that ended meanwhile never reported it (PlaybackFinished
   * is not replayed), so ask ARI whether it still exists and go on if not.
   */
  async recheck(): Promise<void> {
    const playbackId = this.playing;
    if (!playbackId || this.finished.has(playbackId) || (await this.ari.playbackExists(playbackId))) return;
    this.finished.add(playbackId);
    for (const wake of [...this.waiters]) wake();
  }

  close(): void {
    this.stopListening();
    this.hungUp = true;
    for (const wake of [...this.waiters]) wake();
    this.waiters.clear();
  }
}
