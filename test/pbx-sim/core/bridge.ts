/** A bridge's live state: a Stasis bridge made through ARI, or the basic bridge Dial() makes. */
import type { Channel } from './channel.js';
import type { BridgeSnapshot } from './events.js';
import type { Playback } from './playback.js';
import type { LiveRecording } from './recording.js';

export interface BridgeInit {
  id: string;
  name: string;
  /** `mixing` or `holding`; ARI's other type flags (`dtmf_events`, `proxy_media`) only decorate. */
  bridgeType: 'mixing' | 'holding';
  bridgeClass: 'stasis' | 'basic';
  creator: string;
  creationTime: string;
  flags: string[];
}

export class Bridge {
  readonly id: string;
  readonly name: string;
  readonly bridgeType: 'mixing' | 'holding';
  readonly bridgeClass: 'stasis' | 'basic';
  readonly creator: string;
  readonly creationTime: string;
  readonly flags: string[];
  technology: string;
  readonly channels: Channel[] = [];
  destroyed = false;
  mohClass: string | undefined;
  readonly playbacks: Playback[] = [];
  recording: LiveRecording | undefined;
  /** ARI `addChannel?role=`: each channel's role (`announcer`, `participant`, …) in a holding bridge. */
  readonly roles = new Map<string, string>();
  /** The app that created it (ARI), subscribed to it for its whole life. */
  ownerApp: string | undefined;

  constructor(init: BridgeInit) {
    this.id = init.id;
    this.name = init.name;
    this.bridgeType = init.bridgeType;
    this.bridgeClass = init.bridgeClass;
    this.creator = init.creator;
    this.creationTime = init.creationTime;
    this.flags = init.flags;
    this.technology = init.bridgeType === 'holding' ? 'holding_bridge' : 'simple_bridge';
  }

  /**
   * The technology Asterisk's smart bridging would pick now: two RTP (PJSIP) channels go native,
   * three or more need the software mixer.
   */
  idealTechnology(): string {
    if (this.bridgeType === 'holding') return 'holding_bridge';
    // A bridge recording puts a `Recorder/ARI-…;2` channel in the bridge, which counts for smart
    // bridging: two parties and a recording mix in softmix (runs6-11-b/ari-run9-events.jsonl).
    if (this.channels.length + (this.recording ? 1 : 0) > 2) return 'softmix';
    if (this.channels.length === 2 && this.channels.every((c) => c.tech === 'PJSIP') && !this.flags.includes('proxy_media'))
      return 'native_rtp';
    return 'simple_bridge';
  }

  snapshot(): BridgeSnapshot {
    return {
      id: this.id,
      technology: this.technology,
      bridgeType: this.bridgeType,
      bridgeClass: this.bridgeClass,
      creator: this.creator,
      name: this.name,
      channelIds: this.channels.map((c) => c.id),
      creationTime: this.creationTime,
      // res_stasis makes its bridges (mixing and holding alike) talker-video; a Dial() bridge has
      // none: ARI video_mode and AMI BridgeVideoSourceMode in every recording (ami-run2-with-ari.txt).
      videoMode: this.bridgeClass === 'stasis' ? 'talker' : 'none',
    };
  }
}
