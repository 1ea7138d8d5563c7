/** Live recordings (ARI `record` on a channel or bridge) and the stored recordings they leave. */
import type { Bridge } from './bridge.js';
import type { Channel } from './channel.js';
import type { LiveRecordingSnapshot } from './events.js';

export interface StoredRecording {
  name: string;
  format: string;
  /** Seconds of (simulated) audio. */
  duration: number;
}

export interface RecordingOptions {
  name: string;
  format: string;
  maxDurationSeconds: number;
  maxSilenceSeconds: number;
  ifExists: 'fail' | 'overwrite' | 'append';
  beep: boolean;
  terminateOn: 'none' | 'any' | '*' | '#';
}

export class LiveRecording {
  state: LiveRecordingSnapshot['state'] = 'queued';
  startedAtMs = 0;
  pausedMs = 0;
  pausedAt: number | undefined;
  muted = false;
  duration: number | undefined;
  cause: string | undefined;
  cancelTimer: (() => void) | undefined;

  constructor(
    readonly options: RecordingOptions,
    readonly target: { kind: 'channel'; channel: Channel } | { kind: 'bridge'; bridge: Bridge },
  ) {}

  get name(): string {
    return this.options.name;
  }

  get targetUri(): string {
    return this.target.kind === 'channel' ? `channel:${this.target.channel.id}` : `bridge:${this.target.bridge.id}`;
  }

  snapshot(): LiveRecordingSnapshot {
    const snap: LiveRecordingSnapshot = {
      name: this.options.name,
      format: this.options.format,
      targetUri: this.targetUri,
      state: this.state,
    };
    if (this.duration !== undefined) snap.duration = this.duration;
    if (this.cause !== undefined) snap.cause = this.cause;
    return snap;
  }
}
