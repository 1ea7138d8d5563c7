/**
 * The clock every test server runs on: it starts at a chosen instant and moves with the elapsed
 * monotonic time (so waits and talk times are real durations), never with the machine's date.
 * `set` jumps to another instant, e.g. to cross a Shanghai midnight.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../../store/index.js';

/** A Wednesday, 10:00 in Shanghai: a working day, far from any holiday. */
export const TEST_EPOCH = '2026-06-10T02:00:00.000Z';

export class TestClock implements Clock {
  private base: number;
  private startedAt = performance.now();

  constructor(start: string = TEST_EPOCH) {
    this.base = Date.parse(start);
    if (Number.isNaN(this.base)) throw new Error(`TestClock: not an instant: ${start}`);
  }

  now(): Date {
    return new Date(this.base + (performance.now() - this.startedAt));
  }

  set(at: string): void {
    this.base = Date.parse(at);
    this.startedAt = performance.now();
  }
}
