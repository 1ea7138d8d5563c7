/**
 * The progress writes of each call (state, IVR steps, place in line, answer, end), in the order the
 * call made them.
 *
 * The call model lives in memory and moves synchronously (`CallStateMachine.fire`: the flow reads the
 * new state at once); its row follows it. The store is asynchronous, so two writes of one call issued
 * one after the other could otherwise finish in the other order (PostgreSQL runs transactions side by
 * side), e.g. a late `queued` landing on a call already ended. Hence one promise chain per call: each
 * write starts once the call's previous one has finished. Whoever needs the writes done before going
 * on — the end of the call before `call.ended` goes out, a test, the shutdown before the store
 * closes — awaits `drain`/`drainAll`.
 *
 * A write the database refuses (a full disk, a database gone) is not dropped: it is logged at error
 * and tried again after 1, 5 and 15 s, then every minute, until it is written; the call's later
 * writes wait behind it, in order, so the row never goes backwards and an abandoned caller's
 * missed-call entry comes with the end it belongs to (its time is the moment of the end, not of the
 * retry). `drain` does not wait for those retries: the call goes on meanwhile.
 *
 * Writes queued within one `together` call go in one transaction (one commit), as the call's
 * transition and its place in line, or its last transition, its end and its missed-call entry. A write
 * that only sets some columns of the call row is left out of its batch when a later write of the same
 * batch sets them all (the transition to `queued` is written by the place in line, which sets the
 * state too; the last one by the end): the row ends the same, one statement fewer.
 */
import { endCall, progressWrite, setCallQueued, setCallState, type Db } from '../../store/index.js';
import { KeyedTurns } from '../events/keyed-turns.js';
import type { Logger } from '../logging.js';

/** One write, given the transaction it runs in. */
export type CallWrite = (tx: Db) => Promise<unknown>;

/** Columns of the call row a write sets (`end`: the end time, outcome and cause). */
export type CallColumn = 'state' | 'skill' | 'queuedAt' | 'end';

export interface WriteColumns {
  /** The call row's columns the write sets. */
  sets: readonly CallColumn[];
  /** Setting them is all it does: a later write of the same batch that sets them all makes it unneeded. */
  only?: boolean;
}

interface Pending {
  what: string;
  write: CallWrite;
  columns: WriteColumns;
}

type Batch = Pending[];

/** The batch without the writes that only set columns a later write of it sets again. */
function withoutOverwritten(batch: Batch): Batch {
  return batch.filter(
    ({ columns }, i) =>
      columns.only !== true || !batch.slice(i + 1).some((later) => columns.sets.every((column) => later.columns.sets.includes(column))),
  );
}

/** Waits before a refused write is tried again (then every minute): the database may be away a while. */
const RETRY_MS = [1_000, 5_000, 15_000, 60_000] as const;

interface Backlog {
  /** The refused batch first, then the call's later ones, in order. */
  batches: Batch[];
  tries: number;
  timer: NodeJS.Timeout | null;
}

export class CallWrites {
  /** Per call, its batches in turn. */
  private readonly turns = new KeyedTurns<string>();
  /** Per call whose write was refused: what waits to be written. */
  private readonly backlogs = new Map<string, Backlog>();
  /** Per call, the batch a running `together` collects. */
  private readonly collecting = new Map<string, Batch>();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /**
   * Queues `write` after the call's earlier writes (`what` names it in the log if it fails; `columns`
   * says which columns of the call row it sets, see above).
   */
  write(callId: string, what: string, write: CallWrite, columns: WriteColumns = { sets: [] }): void {
    const pending = { what, write, columns };
    const batch = this.collecting.get(callId);
    if (batch) batch.push(pending);
    else this.enqueue(callId, [pending]);
  }

  /** The call's state (all this write does: the place in line or the end in the same batch writes it instead). */
  state(callId: string, state: string): void {
    this.write(callId, `state ${state}`, (tx) => setCallState(tx, callId, state), { sets: ['state'], only: true });
  }

  /** The caller's place in line: state `queued`, in `skill`'s queue since `queuedAt`. */
  queued(callId: string, skill: string, queuedAt: string): void {
    this.write(callId, 'queued', (tx) => setCallQueued(tx, callId, skill, queuedAt), { sets: ['state', 'skill', 'queuedAt'], only: true });
  }

  /** The call's end (state `ended`) and, for a caller not served, the missed-call entry (`endCall`). */
  end(callId: string, what: string, end: Parameters<typeof endCall>[2], missed: Parameters<typeof endCall>[3]): void {
    this.write(callId, what, (tx) => endCall(tx, callId, end, missed), { sets: ['state', 'end'] });
  }

  /** Runs `step` now; the writes it queues for the call are committed together, after the call's earlier ones. */
  together<T>(callId: string, step: () => T): T {
    if (this.collecting.has(callId)) return step();
    const batch: Batch = [];
    this.collecting.set(callId, batch);
    try {
      return step();
    } finally {
      this.collecting.delete(callId);
      // Whatever `step` changed in memory is written, even if it threw afterwards.
      if (batch.length > 0) this.enqueue(callId, withoutOverwritten(batch));
    }
  }

  /** Resolves once every write queued so far for the call is done: written, or refused and left to its retries. */
  drain(callId: string): Promise<void> {
    return this.turns.idle(callId);
  }

  /**
   * Resolves once no call has a write pending (for the shutdown, before the store closes). Writes
   * still refused get one last try; what is still refused then is logged as lost (the next start's
   * reconciliation closes open rows).
   */
  async drainAll(): Promise<void> {
    await this.turns.idleAll();
    for (const [callId, backlog] of this.backlogs) {
      if (backlog.timer) clearTimeout(backlog.timer);
      backlog.timer = null;
      void this.turns.run(callId, () => this.retry(callId, false));
    }
    await this.turns.idleAll();
  }

  private async commit(batch: Batch): Promise<void> {
    await progressWrite(this.db, async (tx) => {
      for (const { write } of batch) await write(tx);
    });
  }

  private enqueue(callId: string, batch: Batch): void {
    void this.turns.run(callId, async () => {
      const backlog = this.backlogs.get(callId);
      // Behind a write that was refused: kept in order, written after it.
      if (backlog) {
        backlog.batches.push(batch);
        return;
      }
      try {
        await this.commit(batch);
      } catch (error) {
        this.log.error({ err: error, callId, writes: batch.map(({ what }) => what) }, 'call progress not written; trying again until the database takes it');
        this.backlogs.set(callId, { batches: [batch], tries: 0, timer: null });
        this.retryLater(callId);
      }
    });
  }

  private retryLater(callId: string): void {
    const backlog = this.backlogs.get(callId);
    if (!backlog) return;
    const delay = RETRY_MS[Math.min(backlog.tries, RETRY_MS.length - 1)];
    backlog.timer = setTimeout(() => {
      backlog.timer = null;
      void this.turns.run(callId, () => this.retry(callId, true));
    }, delay);
    // A server that stops does not wait for a database that does not answer (drainAll tries once more).
    backlog.timer.unref();
  }

  /** The call's refused writes, in order, until one is refused again (`again`: then a later try). */
  private async retry(callId: string, again: boolean): Promise<void> {
    const backlog = this.backlogs.get(callId);
    if (!backlog) return;
    backlog.tries++;
    for (let next = backlog.batches[0]; next; next = backlog.batches[0]) {
      try {
        await this.commit(next);
      } catch (error) {
        const writes = backlog.batches.flatMap((b) => b.map(({ what }) => what));
        if (again) {
          this.log.warn({ callId, tries: backlog.tries, writes, err: (error as Error).message }, 'call progress still not written');
          this.retryLater(callId);
        } else {
          this.backlogs.delete(callId);
          this.log.error({ callId, tries: backlog.tries, writes, err: (error as Error).message }, 'call progress lost at shutdown: the next start reconciles the open row');
        }
        return;
      }
      backlog.batches.shift();
    }
    this.backlogs.delete(callId);
    this.log.info({ callId, tries: backlog.tries }, 'call progress written after the database refused it');
  }
}
