/**
 * Simulated time. Every delay the model takes (Wait(), ringing, a prompt's length, DTMF gaps) goes
 * through here so it can be scaled for fast tests and cancelled all at once on stop or restart.
 */
export interface TimingOptions {
  /** Wall-clock milliseconds per second of audio in prompts. Default 50 (fast). */
  msPerSecondOfAudio: number;
  /** Multiplier for dialplan and signalling delays (Wait(), `w` in DTMF, ring timeouts). Default 1. */
  timeScale: number;
}

export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private generation = 0;

  constructor(readonly timing: TimingOptions) {}

  /** Run `fn` after `ms` wall-clock milliseconds (not scaled). Returns a cancel function. */
  after(ms: number, fn: () => void): () => void {
    const gen = this.generation;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (gen === this.generation) fn();
      },
      Math.max(0, ms),
    );
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** A delay of simulated dialplan/signalling time, scaled by `timeScale`. */
  scaled(ms: number): number {
    return ms * this.timing.timeScale;
  }

  /** Wall-clock duration of `seconds` of audio. */
  audio(seconds: number): number {
    return seconds * this.timing.msPerSecondOfAudio;
  }

  /** Resolves after `ms` wall-clock milliseconds unless cancelled by `cancelAll` (then never). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.after(ms, resolve);
    });
  }

  cancelAll(): void {
    this.generation++;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
