/**
 * Writes that must happen one after another per key (a call's progress, a ticket's history lines, the
 * agents' activity) and must not be lost when the database refuses one for a while (a full disk, a
 * database gone). A refused write is tried again after 1, 5 and 15 s, then every minute, until it is
 * written (given up after about an hour); the key's later writes wait behind it, in order, so nothing
 * lands out of turn. Whoever
 * queues a write does not wait for those retries: `run` resolves once the write was tried once (or
 * queued behind a refused one), so the call flow goes on while the database is away.
 */
import { KeyedTurns } from './keyed-turns.js';

/** Waits before a refused write is tried again (the last one repeats): the database may be away a while. */
export const RETRY_MS = [1_000, 5_000, 15_000, 60_000] as const;
/** Tries after which a refused write is given up (about an hour with the waits above). */
const MAX_TRIES = 60;

/** What the owner is told of a refusal, to log it with its own names. */
export interface Refusal<K> {
  key: K;
  /** The writes waiting, the refused one first (their labels). */
  waiting: string[];
  tries: number;
  error: unknown;
  /** `first`: just refused, retries begin; `again`: refused once more; `lost`: given up (refused for an hour, or at the shutdown's last try). */
  stage: 'first' | 'again' | 'lost';
}

interface Write {
  label: string;
  task: () => Promise<void>;
}

interface Backlog {
  writes: Write[];
  tries: number;
  timer: NodeJS.Timeout | null;
}

export class RetriedTurns<K> {
  private readonly turns = new KeyedTurns<K>();
  private readonly backlogs = new Map<K, Backlog>();

  constructor(
    private readonly refused: (refusal: Refusal<K>) => void,
    /** Told once a key's refused writes are all written. */
    private readonly caughtUp: (key: K, tries: number) => void = () => undefined,
  ) {}

  /** Queues `task` after the key's earlier writes; resolves once it was tried (never rejects). */
  run(key: K, label: string, task: () => Promise<void>): Promise<void> {
    return this.turns.run(key, async () => {
      const backlog = this.backlogs.get(key);
      if (backlog) {
        backlog.writes.push({ label, task });
        return;
      }
      try {
        await task();
      } catch (error) {
        const started: Backlog = { writes: [{ label, task }], tries: 0, timer: null };
        this.backlogs.set(key, started);
        this.refused({ key, waiting: [label], tries: 0, error, stage: 'first' });
        this.retryLater(key, started);
      }
    });
  }

  /** Whether the key has writes waiting for the database to take a refused one. */
  isRetrying(key: K): boolean {
    return this.backlogs.has(key);
  }

  /** Resolves once every write queued so far for the key was tried (retries not waited for). */
  idle(key: K): Promise<void> {
    return this.turns.idle(key);
  }

  /**
   * Resolves once no key has a write pending (the shutdown, before the store closes). Refused writes
   * get one last try; what is refused again is reported `lost`.
   */
  async idleAll(): Promise<void> {
    await this.turns.idleAll();
    for (const [key, backlog] of this.backlogs) {
      if (backlog.timer) clearTimeout(backlog.timer);
      backlog.timer = null;
      void this.turns.run(key, () => this.retry(key, false));
    }
    await this.turns.idleAll();
  }

  private retryLater(key: K, backlog: Backlog): void {
    const delay = RETRY_MS[Math.min(backlog.tries, RETRY_MS.length - 1)];
    backlog.timer = setTimeout(() => {
      backlog.timer = null;
      void this.turns.run(key, () => this.retry(key, true));
    }, delay);
    // A process that stops does not wait for a database that does not answer (idleAll tries once more).
    backlog.timer.unref();
  }

  /** The key's waiting writes, in order, until one is refused again (`again`: then a later try). */
  private async retry(key: K, again: boolean): Promise<void> {
    const backlog = this.backlogs.get(key);
    if (!backlog) return;
    backlog.tries++;
    for (let next = backlog.writes[0]; next; next = backlog.writes[0]) {
      try {
        await next.task();
      } catch (error) {
        const waiting = backlog.writes.map((w) => w.label);
        if (!again) {
          this.backlogs.delete(key);
          this.refused({ key, waiting, tries: backlog.tries, error, stage: 'lost' });
          return;
        }
        if (backlog.tries < MAX_TRIES) {
          this.refused({ key, waiting, tries: backlog.tries, error, stage: 'again' });
          this.retryLater(key, backlog);
          return;
        }
        // Refused for an hour: given up, so that a write the database will never take (not only one it
        // cannot take now) does not hold the key's later writes for ever.
        this.refused({ key, waiting: [next.label], tries: backlog.tries, error, stage: 'lost' });
        backlog.writes.shift();
        backlog.tries = 0;
        continue;
      }
      backlog.writes.shift();
    }
    this.backlogs.delete(key);
    this.caughtUp(key, backlog.tries);
  }
}
