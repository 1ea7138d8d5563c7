/**
 * Writes that must happen one after another per key (a call's progress, a ticket's history lines, the
 * agents' activity) and must not be lost when the database refuses one for a while (a full disk, a
 * database gone). A refused write is tried again after 1, 5 and 15 s, then every minute, until it is
 * written (given up after about an hour); the key's later writes wait behind it, in order, so nothing
 * lands out of turn. Whoever queues a write does not wait for those retries: `run` resolves once the
 * write was tried once (or queued behind a refused one), so the call flow goes on while the database
 * is away. Refusals, retries and recoveries are logged here, under the owner's names.
 */
import type { Logger } from '../logging.js';
import { KeyedTurns } from './keyed-turns.js';

/** Waits before a refused write is tried again (the last one repeats): the database may be away a while. */
export const RETRY_MS = [1_000, 5_000, 15_000, 60_000] as const;
/** Tries after which a refused write is given up (about an hour with the waits above). */
const MAX_TRIES = 60;

/** How a key's writes are named in the log: `subject` opens each line ('call progress'), `keyField` holds the key ('callId'). */
export interface RetriedTurnsNames {
  subject: string;
  keyField: string;
}

/** Labels of waiting writes a log line lists (a single key's backlog may hold many). */
const LISTED = 20;

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
    private readonly log: Logger,
    private readonly names: RetriedTurnsNames,
  ) {}

  /**
   * `first`: just refused, retries begin (error); `again`: refused once more (warn); `lost`: given up,
   * refused for an hour or at the shutdown's last try (error).
   */
  private refused(key: K, waiting: readonly string[], tries: number, error: unknown, stage: 'first' | 'again' | 'lost'): void {
    const { subject, keyField } = this.names;
    const fields = { [keyField]: key, writes: waiting.slice(0, LISTED), waiting: waiting.length, tries, err: stage === 'again' ? (error as Error).message : error };
    if (stage === 'first') this.log.error(fields, `${subject} not written; trying again until the database takes it`);
    else if (stage === 'again') this.log.warn(fields, `${subject} still not written`);
    else this.log.error(fields, `${subject} given up (refused for an hour, or at the shutdown)`);
  }

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
        this.refused(key, [label], 0, error, 'first');
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
          this.refused(key, waiting, backlog.tries, error, 'lost');
          return;
        }
        if (backlog.tries < MAX_TRIES) {
          this.refused(key, waiting, backlog.tries, error, 'again');
          this.retryLater(key, backlog);
          return;
        }
        // Refused for an hour: given up, so that a write the database will never take (not only one it
        // cannot take now) does not hold the key's later writes for ever.
        this.refused(key, [next.label], backlog.tries, error, 'lost');
        backlog.writes.shift();
        backlog.tries = 0;
        continue;
      }
      backlog.writes.shift();
    }
    this.backlogs.delete(key);
    this.log.info({ [this.names.keyField]: key, tries: backlog.tries }, `${this.names.subject} written after the database refused it`);
  }
}
