/**
 * A process's event-loop delay as the bench reports it: how late the loop came back to a timer (ms).
 * Node's `monitorEventLoopDelay` records the whole time between two of its ticks, its sampling
 * interval included: an idle process reads p50 5.1 ms and p99 5.6 ms at a 5 ms resolution. The
 * interval is taken off here, so an idle loop reads near 0 and a figure is the stall itself.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 5;

export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
}

export interface LoopDelayWatch {
  /** p99 and max since the start or the last `reset()`. */
  figures(): LoopDelay;
  reset(): void;
  stop(): void;
}

export function watchLoopDelay(): LoopDelayWatch {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const late = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return {
    figures: () => ({ p99Ms: late(histogram.percentile(99)), maxMs: late(histogram.max) }),
    reset: () => histogram.reset(),
    stop: () => histogram.disable(),
  };
}
