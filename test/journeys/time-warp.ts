/**
 * Time passing in a journey without waiting for it. The server's test clock (TestClock) says what
 * "now" is, but the timers that act when time runs out — the PBX's ring timeout on an originated
 * leg, the server's wrap-up end, a caller's queue overflow, a ring's safety net — are real timers
 * in this process. TimeWarp notes each of those as it is armed (by the file that arms it), with the
 * clock time it is due at, and `advanceTo` moves the clock forward and fires, one by one in due order
 * with the world let settle between, every noted timer that is due by then: what would have happened
 * had the journey waited that long. Nothing else changes: a timer that comes due in real time still
 * fires on its own.
 *
 * The simulator's delays are scaled (`timeScale`): a ring timeout of 60 s is a 15 s timer at 0.25,
 * due 60 s of clock time after it was armed.
 */
import type { TestClock } from '../support/test-clock.js';

export type TimerKind = 'ring-timeout' | 'wrap-up' | 'server';

interface Noted {
  kind: TimerKind;
  /** Clock time (epoch ms) at which it is due. */
  due: number;
  fire: () => void;
}

/** Which timers are time running out on the call centre's clock, by the file that arms them. */
const SOURCES: { file: RegExp; kind: TimerKind; scaled: boolean }[] = [
  // The originate and Dial() timeouts of the PBX (the other timers there are a few ms of signalling).
  { file: /\/test\/pbx-sim\/core\/dialing\.ts/, kind: 'ring-timeout', scaled: true },
  { file: /\/cti\/agents\/agent-registry\.ts/, kind: 'wrap-up', scaled: false },
  { file: /\/cti\/queue\/call-queue\.ts|\/cti\/calls\/ring-leg\.ts/, kind: 'server', scaled: false },
];
/** Shorter timers are signalling and polling, not time running out. */
const LONG_MS = 1000;

export class TimeWarp {
  private readonly noted = new Map<NodeJS.Timeout, Noted>();
  private uninstall: (() => void) | null = null;

  constructor(
    private readonly clock: TestClock,
    /** The simulator's time scale: its timers are that much shorter than the time they stand for. */
    private readonly timeScale: number,
  ) {}

  /** Notes the timers armed from now on (before the server and the simulator start). */
  install(): void {
    const realSet = globalThis.setTimeout;
    const realClear = globalThis.clearTimeout;
    const noted = this.noted;
    const patchedSet = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): NodeJS.Timeout => {
      const source = (ms ?? 0) >= LONG_MS ? sourceOf(new Error().stack ?? '') : undefined;
      if (!source) return realSet(fn, ms, ...args);
      const handle = realSet(() => {
        noted.delete(handle);
        fn(...args);
      }, ms);
      const delay = source.scaled ? (ms ?? 0) / this.timeScale : (ms ?? 0);
      noted.set(handle, { kind: source.kind, due: this.clock.now().getTime() + delay, fire: () => fn(...args) });
      return handle;
    };
    const patchedClear = (handle?: NodeJS.Timeout | string | number): void => {
      if (handle && typeof handle === 'object') noted.delete(handle);
      realClear(handle);
    };
    globalThis.setTimeout = Object.assign(patchedSet, { __promisify__: realSet.__promisify__ }) as unknown as typeof setTimeout;
    globalThis.clearTimeout = patchedClear;
    this.uninstall = () => {
      globalThis.setTimeout = realSet;
      globalThis.clearTimeout = realClear;
    };
  }

  restore(): void {
    this.uninstall?.();
    this.uninstall = null;
    this.noted.clear();
  }

  /** When the earliest pending timer of that kind is due (clock ms), or null when none is pending. */
  nextDue(kind: TimerKind): number | null {
    const dues = [...this.noted.values()].filter((n) => n.kind === kind).map((n) => n.due);
    return dues.length ? Math.min(...dues) : null;
  }

  /**
   * Moves the clock to `at` (never back), firing each noted timer due by then in due order, the clock
   * set to its due time and `settle` awaited after each (a timer fired may arm or clear others).
   * Returns the kinds of the timers fired.
   */
  async advanceTo(at: number, settle: () => Promise<void>): Promise<TimerKind[]> {
    const fired: TimerKind[] = [];
    for (;;) {
      const next = [...this.noted.entries()].filter(([, n]) => n.due <= at).sort(([, a], [, b]) => a.due - b.due)[0];
      if (!next) break;
      const [handle, timer] = next;
      this.noted.delete(handle);
      clearTimeout(handle);
      if (timer.due > this.clock.now().getTime()) this.clock.set(new Date(timer.due).toISOString());
      timer.fire();
      fired.push(timer.kind);
      await settle();
    }
    if (at > this.clock.now().getTime()) this.clock.set(new Date(at).toISOString());
    return fired;
  }
}

function sourceOf(stack: string): (typeof SOURCES)[number] | undefined {
  // The first frame outside this file and the simulator's scheduler is what armed the timer.
  const frames = stack.split('\n').slice(1).filter((f) => !/time-warp\.ts|\/pbx-sim\/core\/scheduler\.ts/.test(f));
  const first = frames[0] ?? '';
  return SOURCES.find((s) => s.file.test(first));
}
