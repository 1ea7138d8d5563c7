/**
 * What one channel hears and where it goes, as the simulator sees it, in order: `play <media>` for
 * each playback started on it, `enter <bridge type>` for each bridge it enters.
 */
import type { PbxSim } from '../pbx-sim/index.js';

export interface ChannelSteps {
  readonly steps: string[];
  /** The steps up to the first `enter holding` (the caller reaching the queue's line), that one included. */
  toHoldingBridge(): string[];
  stop(): void;
}

/** Follows the channel `channel()` names at each event (it may be known only after the call is placed). */
export function followChannel(sim: PbxSim, channel: () => string): ChannelSteps {
  const steps: string[] = [];
  const stop = sim.core.subscribe((event) => {
    if (event.type === 'playback.started' && event.playback.targetUri === `channel:${channel()}`) steps.push(`play ${event.playback.mediaUri}`);
    if (event.type === 'bridge.enter' && event.channel.id === channel()) steps.push(`enter ${event.bridge.bridgeType}`);
  });
  return { steps, toHoldingBridge: () => steps.slice(0, steps.indexOf('enter holding') + 1), stop };
}
