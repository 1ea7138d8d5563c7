/** What the bench and its simulator host (sim-host.ts) say to each other over the IPC channel (host-messages.ts wraps them). */
import type { ChannelCounts, SimReport } from './crowd-sims.js';

/** One simulated node to start: its name (asterisk.conf `systemname`, CTI_NODES) and its configuration. */
export interface SimNodeSpec {
  name: string;
  configDir: string;
}

export type SimRequest =
  /**
   * Starts the nodes, linked by the inter-node trunk when `link`; with `endpointsOnline: false` no
   * phone is online until it registers.
   */
  | { type: 'start'; nodes: SimNodeSpec[]; playbackMsPerSecond: number; link: boolean; endpointsOnline: boolean }
  | { type: 'watch'; agents: readonly string[] }
  | { type: 'place'; node: string; from: string; to: string }
  | { type: 'hang-up'; node: string; channelId: string }
  | { type: 'channels' }
  | { type: 'warnings' };

export type SimReply =
  | { type: 'started'; nodes: { name: string; amiPort: number; httpUrl: string }[] }
  | { type: 'placed'; channelId: string }
  | { type: 'channels'; counts: ChannelCounts }
  /** What the simulators logged at warn level: the first few, and how many in all. */
  | { type: 'warnings'; first: string[]; count: number }
  | { type: 'ok' };

/** Holding bridges and rings, timed in the host on the machine's clock (bench-clock.ts). */
export type SimEvent = SimReport;
