/**
 * The caller's recent tickets, read once when the call arrives and kept with the live call, so that
 * the screen-pop (softphone-bridge/agent-ws/screen-pop.ts) needs no database query when an agent is
 * offered the call. Read at the offer instead, the query waited for a connection behind the progress
 * writes of every other call in a busy centre, and the pop came late (p99 over 100 ms on PostgreSQL
 * with a thousand callers waiting).
 *
 * What the pop shows is therefore the history as it stood when the call arrived: a ticket opened for
 * the same caller on another call while this one waits (the citizen calling on a second line) is not
 * in it. The two calls are minutes apart at most, and the agent finds that ticket with the search.
 *
 * A read that fails does not lose the call: it is logged and the pop shows no history.
 */
import { isWithheldNumber } from '../../routing/caller-identity.js';
import { listTicketsOfCaller, type Db, type TicketRow } from '../../store/index.js';
import { innermostMessage, maskNumber, type Logger } from '../logging.js';

/** What the pop shows of an earlier ticket (the rest of the row is not kept in memory). */
export type PastTicket = Pick<TicketRow, 'id' | 'number' | 'status' | 'category' | 'createdAt' | 'content' | 'confidential'>;

/** How many earlier tickets the pop lists. */
export const HISTORY_SHOWN = 5;

export class CallerHistory {
  private reading: Promise<readonly PastTicket[]> | null = null;
  private settled: readonly PastTicket[] | undefined;

  constructor(private readonly read: () => Promise<readonly PastTicket[]>) {}

  /** No history, nothing to read: for the summary of a call that is over (it is offered to nobody). */
  static none(): CallerHistory {
    const history = new CallerHistory(() => Promise.resolve([]));
    history.start();
    history.settled = [];
    return history;
  }

  /** Starts the read (once; later calls do nothing). */
  start(): void {
    if (this.reading) return;
    this.reading = this.read().then((tickets) => {
      this.settled = tickets;
      return tickets;
    });
  }

  /** The tickets, once the read is done: a pop built then goes out without waiting for anything. */
  get now(): readonly PastTicket[] | undefined {
    return this.settled;
  }

  /**
   * The tickets when the read is done; never rejects. A call offered before the read finished waits
   * for it here rather than popping without its history; one whose read never started (no path
   * should leave it so) starts it now.
   */
  get ready(): Promise<readonly PastTicket[]> {
    this.start();
    return this.reading ?? Promise.resolve([]);
  }
}

/**
 * The history of `callerNumber` for the call `callId`, to be started once the call's row and ticket
 * are written. The call's own ticket may be among what is read: the pop leaves it out by its id.
 * A caller who withheld their number has none: the tickets under `anonymous` (or no number) are
 * every withheld caller's, not this one's (routing/caller-identity.ts).
 */
export function callerHistory(db: Db, log: Logger, callId: string, callerNumber: string): CallerHistory {
  if (isWithheldNumber(callerNumber)) return new CallerHistory(() => Promise.resolve([]));
  return new CallerHistory(async () => {
    try {
      // One more than shown: the call's own ticket is among the newest and is left out by the pop.
      const rows = await listTicketsOfCaller(db, callerNumber, HISTORY_SHOWN + 1);
      return rows.map(({ id, number, status, category, createdAt, content, confidential }) => ({ id, number, status, category, createdAt, content, confidential }));
    } catch (error) {
      log.warn({ callId, caller: maskNumber(callerNumber), err: innermostMessage(error) }, "could not read the caller's recent tickets; the screen-pop shows none");
      return [];
    }
  });
}
