/**
 * Media on channels and bridges: playbacks (with simulated durations), live recordings, music on
 * hold, hold, DTMF in both directions, and what a channel hears at any moment.
 */
import { PbxError } from './api.js';
import type { Bridge } from './bridge.js';
import type { Channel } from './channel.js';
import { uuid } from './ids.js';
import { mediaSeconds, Playback, UNSUPPORTED_SCHEME } from './playback.js';
import type { MediaTarget } from './playback.js';
import type { Pbx } from './pbx.js';
import { LiveRecording } from './recording.js';
import type { RecordingOptions } from './recording.js';

export type PlaybackOperation = 'pause' | 'unpause' | 'restart' | 'reverse' | 'forward';

const DTMF_DIGITS = /^[0-9*#A-Da-d]$/;

export class Media {
  /** Playbacks of an unknown scheme: `playing` for ever, out of their target's queue. */
  private readonly endless = new Set<Playback>();
  /** Channels whose music on hold was started by an ARI hold (the unhold stops it). */
  private readonly holdMusic = new WeakSet<Channel>();

  constructor(private readonly pbx: Pbx) {}

  // ---------------------------------------------------------------- playbacks

  private queueOf(target: MediaTarget): Playback[] {
    return target.kind === 'channel' ? target.channel.playbacks : target.bridge.playbacks;
  }

  play(target: MediaTarget, medias: string[], opts: { id?: string; language: string; skipMs: number; offsetMs: number }): Playback {
    const { pbx } = this;
    const id = opts.id ?? uuid();
    if (pbx.playbacks.has(id)) throw new PbxError('conflict', `Playback '${id}' already exists`);
    const pb = new Playback(id, medias, opts.language, target, opts.skipMs, opts.offsetMs);
    pb.playedMs = opts.offsetMs;
    pbx.playbacks.set(id, pb);
    this.queueOf(target).push(pb);
    // Asterisk queues the play on the channel's control thread: the HTTP answer comes first.
    setImmediate(() => this.pump(target));
    return pb;
  }

  private pump(target: MediaTarget): void {
    const queue = this.queueOf(target);
    const head = queue[0];
    if (!head || head.state !== 'queued') return;
    const alive = target.kind === 'channel' ? target.channel.alive : !target.bridge.destroyed;
    if (!alive) return;
    if (head.canceled) {
      this.finish(head, 'done');
      return;
    }
    head.state = 'playing';
    this.pbx.emit({ type: 'playback.started', playback: head.snapshot() });
    if (target.kind === 'bridge') {
      // The bridge's Announcer/ARI channel plays it (runs6-11-b/ami-run7-holding-moh.txt).
      this.pbx.emit({ type: 'device.state', device: 'Announcer/ARI', state: 'INUSE' });
      // A holding bridge with an announcer channel fails the playback at once (runs6-11-b/ari-run7-events.jsonl).
      if (hasAnnouncer(target.bridge)) {
        this.finish(head, 'failed');
        return;
      }
    }
    this.schedule(head);
  }

  /** (Re)arm the timer for the rest of the current media item. */
  private schedule(pb: Playback): void {
    const { pbx } = this;
    pb.cancelTimer?.();
    pb.cancelTimer = undefined;
    const seconds = mediaSeconds(pb.mediaUri, {
      sound: (name) => pbx.soundDurations[name],
      recording: (name) => pbx.storedRecordings.get(name)?.duration,
    });
    if (seconds === UNSUPPORTED_SCHEME) {
      // Asterisk logs the unknown scheme and its control thread moves on: the playback stays
      // `playing` and never finishes, and the next one starts (runs6-11-b/ari-run6-events.jsonl).
      pbx.log.warn(`pbx-sim: unsupported media scheme in '${pb.mediaUri}'`);
      this.endless.add(pb);
      const queue = this.queueOf(pb.target);
      const i = queue.indexOf(pb);
      if (i >= 0) queue.splice(i, 1);
      this.pump(pb.target);
      return;
    }
    if (seconds === undefined) {
      pbx.log.warn(`pbx-sim: cannot play '${pb.mediaUri}'`);
      // A missing item of a list is skipped; a missing last (or only) item fails the playback
      // (runs6-11-b/ari-run7b-events.jsonl, ari-run6-events.jsonl, ari-run7-events.jsonl).
      if (pb.index + 1 < pb.medias.length) this.next(pb);
      else this.finish(pb, 'failed');
      return;
    }
    pb.startedAtMs = Date.now();
    if (!Number.isFinite(seconds)) return;
    const remaining = Math.max(0, pbx.scheduler.audio(seconds) - pbx.scheduler.audio(pb.playedMs / 1000));
    pb.cancelTimer = pbx.scheduler.after(remaining, () => this.mediaEnded(pb));
  }

  private mediaEnded(pb: Playback): void {
    pb.cancelTimer = undefined;
    if (pb.state !== 'playing') return;
    if (pb.index + 1 < pb.medias.length) {
      this.next(pb);
      return;
    }
    this.finish(pb, 'done');
  }

  /**
   * On to the next item of a list: PlaybackContinuing for the item that ended (its media_uri, the
   * next as next_media_uri), then PlaybackStarted for the next (runs6-11-b/ari-run7b-events.jsonl).
   */
  private next(pb: Playback): void {
    pb.state = 'continuing';
    this.pbx.emit({ type: 'playback.started', playback: pb.snapshot() });
    pb.index++;
    pb.playedMs = 0;
    pb.state = 'playing';
    this.pbx.emit({ type: 'playback.started', playback: pb.snapshot() });
    this.schedule(pb);
  }

  private finish(pb: Playback, state: 'done' | 'failed'): void {
    pb.cancelTimer?.();
    pb.cancelTimer = undefined;
    pb.state = state;
    this.pbx.emit({ type: 'playback.finished', playback: pb.snapshot() });
    if (pb.target.kind === 'bridge') this.pbx.emit({ type: 'device.state', device: 'Announcer/ARI', state: 'UNKNOWN' });
    this.pbx.playbacks.delete(pb.id);
    this.endless.delete(pb);
    const queue = this.queueOf(pb.target);
    const i = queue.indexOf(pb);
    if (i >= 0) queue.splice(i, 1);
    this.pump(pb.target);
  }

  /** DELETE /playbacks/{id}: a queued playback is cancelled, a playing one stopped; both finish. */
  stop(pb: Playback): void {
    if (pb.state === 'queued') {
      pb.canceled = true;
      const queue = this.queueOf(pb.target);
      if (queue[0] !== pb) {
        this.finish(pb, 'done');
      }
      return;
    }
    this.finish(pb, 'done');
  }

  control(pb: Playback, op: PlaybackOperation): void {
    const controllable = /^(sound|recording|tone):/.test(pb.mediaUri);
    const playing = pb.state === 'playing' || pb.state === 'continuing';
    switch (op) {
      case 'pause':
        if (!playing) throw new PbxError('conflict', 'Can only pause while media is playing');
        if (!controllable) throw new PbxError('bad-request', 'Could not pause playback');
        pb.playedMs += Date.now() - pb.startedAtMs;
        pb.cancelTimer?.();
        pb.cancelTimer = undefined;
        pb.state = 'paused';
        return;
      case 'unpause':
        if (pb.state !== 'paused') throw new PbxError('conflict', 'Can only unpause while media is playing');
        pb.state = 'playing';
        this.pbx.emit({ type: 'playback.started', playback: pb.snapshot() });
        this.schedule(pb);
        return;
      case 'restart':
      case 'reverse':
      case 'forward': {
        if (!playing && pb.state !== 'paused') throw new PbxError('conflict', `Can only ${op} while media is playing`);
        if (!controllable) throw new PbxError('bad-request', `Could not ${op} playback`);
        const at = pb.state === 'paused' ? pb.playedMs : pb.playedMs + (Date.now() - pb.startedAtMs);
        pb.playedMs = op === 'restart' ? 0 : Math.max(0, at + (op === 'forward' ? pb.skipMs : -pb.skipMs));
        if (pb.state !== 'paused') this.schedule(pb);
        return;
      }
    }
  }

  /**
   * Every playback of a queue ends: `failed` when its channel hangs up (runs6-11-b/ari-run6-events.jsonl,
   * ari-run7-events.jsonl), `done` otherwise.
   */
  private stopAll(queue: Playback[], state: 'done' | 'failed' = 'done'): void {
    for (const pb of [...queue]) {
      pb.cancelTimer?.();
      pb.cancelTimer = undefined;
    }
    for (const pb of [...queue]) {
      if (pb.state === 'queued') pb.canceled = true;
      pb.state = state;
      this.pbx.emit({ type: 'playback.finished', playback: pb.snapshot() });
      this.pbx.playbacks.delete(pb.id);
    }
    queue.length = 0;
  }

  /** Endless (unknown scheme) playbacks of a channel or bridge vanish with it, without an event. */
  private forgetEndless(targetUri: string): void {
    for (const pb of [...this.endless]) {
      if (pb.targetUri !== targetUri) continue;
      this.endless.delete(pb);
      this.pbx.playbacks.delete(pb.id);
    }
  }

  /** The channel leaves Stasis (hangup, continue): its media stops first, as its control thread ends. */
  leavingStasis(ch: Channel): void {
    this.stopAll(ch.playbacks, ch.softHangup || ch.stasis?.exit?.kind === 'hangup' ? 'failed' : 'done');
    if (ch.recording) this.finishRecording(ch.recording, 'done');
    if (ch.mohClass !== undefined) this.stopMoh(ch);
    ch.silenced = false;
    ch.ringIndicated = false;
  }

  channelGone(ch: Channel): void {
    this.stopAll(ch.playbacks, 'failed');
    this.forgetEndless(`channel:${ch.id}`);
    if (ch.recording) this.finishRecording(ch.recording, 'done');
    ch.dialplanMedia = undefined;
  }

  bridgeGone(bridge: Bridge): void {
    this.stopAll(bridge.playbacks);
    this.forgetEndless(`bridge:${bridge.id}`);
    if (bridge.recording) this.finishRecording(bridge.recording, 'done');
    this.stopBridgeMoh(bridge);
  }

  // ---------------------------------------------------------------- music on hold, hold

  /** A class musiconhold.conf does not define falls back to `default` (runs6-11-b/ami-run7-holding-moh.txt). */
  private mohClassOf(cls: string): string {
    return this.pbx.mohClasses.includes(cls) ? cls : 'default';
  }

  /** Music on hold on one channel: AMI MusicOnHoldStart on it, no ARI event (ami-run6.txt, runs6-11-b/ami-run8-hold.txt). */
  startMoh(ch: Channel, cls: string): void {
    if (ch.mohClass !== undefined) this.stopMoh(ch);
    ch.mohClass = this.mohClassOf(cls);
    this.pbx.emit({ type: 'channel.moh.start', channel: ch.snapshot(), musicClass: ch.mohClass });
  }

  stopMoh(ch: Channel): void {
    if (ch.mohClass === undefined) return;
    ch.mohClass = undefined;
    this.holdMusic.delete(ch);
    this.pbx.emit({ type: 'channel.moh.stop', channel: ch.snapshot() });
  }

  /**
   * ARI hold: chan_pjsip starts music on hold on the held channel itself and its device goes
   * ONHOLD; there is no ARI ChannelHold and no AMI Hold (ami-run6.txt, ami-run6b.txt,
   * runs6-11-b/ami-run8-hold.txt). The held channel hears the music, not the bridge; its own audio
   * still reaches the bridge (audio-run6b/, runs6-11-b/run8-audio-analysis.txt).
   */
  hold(ch: Channel): void {
    if (ch.held) return;
    ch.held = true;
    if (ch.mohClass === undefined) {
      this.startMoh(ch, 'default');
      this.holdMusic.add(ch);
    }
    // chan_pjsip reports a held phone ONHOLD; a Local channel's device does not change.
    if (ch.endpoint) this.pbx.devices.endpointChanged(ch.endpoint);
  }

  unhold(ch: Channel): void {
    if (!ch.held) return;
    ch.held = false;
    if (this.holdMusic.has(ch)) this.stopMoh(ch);
    if (ch.endpoint) this.pbx.devices.endpointChanged(ch.endpoint);
  }

  /**
   * ARI bridge MOH: an `Announcer/ARI_MOH` channel plays it — no ARI event, no MusicOnHoldStart;
   * AMI sees the announcer's device INUSE then UNKNOWN when it goes. With an announcer channel in a
   * holding bridge the music stops at once (runs6-11-b/ami-run7-holding-moh.txt, ami-run7b-holding-moh2.txt).
   */
  startBridgeMoh(bridge: Bridge, cls: string): void {
    this.stopBridgeMoh(bridge);
    bridge.mohClass = this.mohClassOf(cls);
    if (hasAnnouncer(bridge)) this.stopBridgeMoh(bridge);
  }

  /** False when the bridge plays no music (ARI answers 409 `Bridge isn't playing music`). */
  stopBridgeMoh(bridge: Bridge): boolean {
    if (bridge.mohClass === undefined) return false;
    bridge.mohClass = undefined;
    this.pbx.emit({ type: 'device.state', device: 'Announcer/ARI_MOH', state: 'INUSE' });
    this.pbx.emit({ type: 'device.state', device: 'Announcer/ARI_MOH', state: 'UNKNOWN' });
    return true;
  }

  /** What a channel hears now: a playback's media, `moh:<class>`, `tone:ring`, or null. */
  hearing(ch: Channel): string | null {
    const own = ch.playbacks[0];
    if (own && (own.state === 'playing' || own.state === 'continuing')) return own.mediaUri;
    if (ch.dialplanMedia !== undefined) return ch.dialplanMedia;
    if (ch.mohClass !== undefined) return `moh:${ch.mohClass}`;
    const bridge = ch.bridge;
    if (bridge) {
      const bp = bridge.playbacks[0];
      if (bp && (bp.state === 'playing' || bp.state === 'continuing')) return bp.mediaUri;
      // A holding bridge plays nothing by itself (runs6-11-b/ari-run7b-*: no MOH until POST …/moh).
      if (bridge.mohClass !== undefined) return `moh:${bridge.mohClass}`;
    }
    if (ch.silenced) return null;
    if (ch.ringIndicated) return 'tone:ring';
    return null;
  }

  // ---------------------------------------------------------------- DTMF

  /** A digit arriving on a channel from its far end (phone, caller, the other Local half). */
  receiveDigit(ch: Channel, digit: string, durationMs: number): Promise<void> {
    const { pbx } = this;
    if (ch.destroyed) return Promise.resolve();
    pbx.emit({ type: 'channel.dtmf.begin', channel: ch.snapshot(), digit, direction: 'Received' });
    return new Promise((resolve) => {
      pbx.scheduler.after(pbx.scheduler.scaled(durationMs), () => {
        if (ch.alive) {
          pbx.emit({ type: 'channel.dtmf.end', channel: ch.snapshot(), digit, durationMs, direction: 'Received' });
          this.recordingDigit(ch, digit);
        }
        resolve();
      });
    });
  }

  /** Digits pressed on the far end of `ch` (control API): one after the other, with a gap. */
  async farEndDigits(ch: Channel, digits: string): Promise<void> {
    const duration = ch.tech === 'Local' ? 100 : 180;
    for (const d of digits) {
      if (ch.destroyed) return;
      await this.receiveDigit(ch, d.toUpperCase(), duration);
      await this.pbx.scheduler.sleep(this.pbx.scheduler.scaled(100));
    }
  }

  /**
   * Asterisk sends digits out on `to` (ARI sendDTMF, Dial D()): a phone records them, a Local half
   * passes them to its other half, which receives them. `w`/`W` pause 0.5 s / 1 s.
   */
  async sendDigits(to: Channel, digits: string, durationMs: number, betweenMs: number, watch: Channel[] = [to]): Promise<void> {
    const { pbx } = this;
    const gone = (): boolean => watch.some((c) => c.destroyed || c.softHangup);
    let first = true;
    for (const d of digits) {
      if (gone()) return;
      if (d === 'w' || d === 'W') {
        await pbx.scheduler.sleep(pbx.scheduler.scaled(d === 'w' ? 500 : 1000));
        continue;
      }
      if (!DTMF_DIGITS.test(d)) continue;
      if (!first) await pbx.scheduler.sleep(pbx.scheduler.scaled(betweenMs));
      first = false;
      if (gone()) return;
      const digit = d.toUpperCase();
      const peer = to.localPeer;
      if (to.tech === 'Local' && peer && peer.alive) await this.receiveDigit(peer, digit, durationMs);
      else {
        to.dtmfToFarEnd += digit;
        to.remote?.dtmf(digit, durationMs);
        await pbx.scheduler.sleep(pbx.scheduler.scaled(durationMs));
      }
    }
    await pbx.scheduler.sleep(pbx.scheduler.scaled(betweenMs));
  }

  // ---------------------------------------------------------------- recordings

  record(target: LiveRecording['target'], options: RecordingOptions): LiveRecording {
    const { pbx } = this;
    if (pbx.liveRecordings.has(options.name))
      throw new PbxError('conflict', `Recording '${options.name}' already exists and can not be overwritten`);
    if (pbx.storedRecordings.has(options.name) && options.ifExists === 'fail')
      throw new PbxError('conflict', `Recording '${options.name}' already exists and can not be overwritten`);
    const rec = new LiveRecording(options, target);
    pbx.liveRecordings.set(options.name, rec);
    if (target.kind === 'channel') target.channel.recording = rec;
    else target.bridge.recording = rec;
    setImmediate(() => {
      const alive = target.kind === 'channel' ? target.channel.alive : !target.bridge.destroyed;
      if (rec.state !== 'queued' || !alive) return;
      rec.state = 'recording';
      rec.startedAtMs = Date.now();
      pbx.emit({ type: 'recording.started', recording: rec.snapshot() });
      if (options.maxDurationSeconds > 0) {
        rec.cancelTimer = pbx.scheduler.after(pbx.scheduler.scaled(options.maxDurationSeconds * 1000), () =>
          this.finishRecording(rec, 'done'),
        );
      }
    });
    return rec;
  }

  finishRecording(rec: LiveRecording, how: 'done' | 'canceled'): void {
    const { pbx } = this;
    if (rec.state === 'done' || rec.state === 'canceled' || rec.state === 'failed') return;
    rec.cancelTimer?.();
    const elapsedMs = rec.startedAtMs > 0 ? Date.now() - rec.startedAtMs - rec.pausedMs : 0;
    // Simulated seconds: wall time converted back through the time scale.
    const seconds = Math.round(elapsedMs / Math.max(0.001, pbx.scheduler.timing.timeScale) / 1000);
    rec.state = how;
    rec.duration = how === 'done' ? seconds : undefined;
    if (rec.target.kind === 'channel') rec.target.channel.recording = undefined;
    else {
      rec.target.bridge.recording = undefined;
      // The recorder channel leaves: smart bridging re-evaluates (see Bridge.idealTechnology).
      const bridge = rec.target.bridge;
      if (bridge.bridgeType === 'mixing' && !bridge.destroyed) bridge.technology = bridge.idealTechnology();
    }
    pbx.liveRecordings.delete(rec.name);
    if (how === 'done') {
      const existing = rec.options.ifExists === 'append' ? (pbx.storedRecordings.get(rec.name)?.duration ?? 0) : 0;
      pbx.storedRecordings.set(rec.name, { name: rec.name, format: rec.options.format, duration: existing + seconds });
    }
    pbx.emit({ type: 'recording.finished', recording: rec.snapshot() });
  }

  pauseRecording(rec: LiveRecording, paused: boolean): void {
    if (rec.state !== 'recording' && rec.state !== 'paused') throw new PbxError('conflict', 'Recording not in session');
    if (paused && rec.state === 'recording') {
      rec.state = 'paused';
      rec.pausedAt = Date.now();
    } else if (!paused && rec.state === 'paused') {
      rec.state = 'recording';
      rec.pausedMs += Date.now() - (rec.pausedAt ?? Date.now());
      rec.pausedAt = undefined;
    }
  }

  private recordingDigit(ch: Channel, digit: string): void {
    const rec = ch.recording;
    if (!rec || rec.state !== 'recording') return;
    const on = rec.options.terminateOn;
    if (on === 'any' || on === digit) this.finishRecording(rec, 'done');
  }
}

/** An `announcer` channel is in the (holding) bridge. */
export function hasAnnouncer(bridge: Bridge): boolean {
  return bridge.bridgeType === 'holding' && bridge.channels.some((c) => bridge.roles.get(c.id) === 'announcer');
}
