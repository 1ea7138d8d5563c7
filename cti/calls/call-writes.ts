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
 * transition and its place in line, or its last transition, its end, its missed-call entry and the IVR
 * path of a caller who hung up in the menus. A write that only sets some columns of the call row is
 * left out of its batch when a later write of the same batch sets them all (the transition to
 * `queued` is written by the place in line, which sets the state too; the last one by the end): the
 * row ends the same, one statement fewer.
 */
import type { IvrStep } from '../../ivr/interpreter.js';
import { endCall, markCallAnswered, progressWrite, setCallIvrSteps, setCallQueued, setCallState, type Db, type QueuedSkill } from '../../store/index.js';
import { RetriedTurns } from '../events/retried-turns.js';
import type { Logger } from '../logging.js';

/** One write, given the transaction it runs in. */
export type CallWrite = (tx: Db) => Promise<unknown>;

/** Columns of the call row a write sets (`end`: the end time, outcome and cause). */
export type CallColumn = 'state' | 'skill' | 'queuedAt' | 'waitingSince' | 'end' | 'ivrSteps';

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

export class CallWrites {
  /** Per call, its batches in turn; a refused one tried again with the later ones behind it. */
  private readonly turns: RetriedTurns<string>;
  /** Per call, the batch a running `together` collects. */
  private readonly collecting = new Map<string, Batch>();

  constructor(
    private readonly db: Db,
    log: Logger,
  ) {
    this.turns = new RetriedTurns<string>(log, { subject: 'call progress', keyField: 'callId' });
  }

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

  /**
   * The caller's place in line: state `queued`, in `skill`'s queue since `queuedAt`, waiting again
   * since `waitingSince` (by default their place in line; later for one put back at their old place).
   * The row gets the skill's code as it is when the write lands, found by its id (`setCallQueued`):
   * a rename may commit while the write waits here.
   */
  queued(callId: string, skill: QueuedSkill, queuedAt: string, waitingSince = queuedAt): void {
    this.write(callId, 'queued', (tx) => setCallQueued(tx, callId, skill, queuedAt, waitingSince), {
      sets: ['state', 'skill', 'queuedAt', 'waitingSince'],
      only: true,
    });
  }

  /**
   * The caller's path through the IVR menus (what the screen-pop and the reports read): written as the
   * caller leaves the IVR, or with the call's end when they hang up in it (one commit with the end).
   */
  ivrSteps(callId: string, steps: readonly IvrStep[]): void {
    const path = [...steps];
    this.write(callId, 'ivr steps', (tx) => setCallIvrSteps(tx, callId, path), { sets: ['ivrSteps'] });
  }

  /**
   * The caller was served: an agent answered (`agentId`, the recording started), or the IVR put them
   * through to a line outside the centre (no agent): the answer time and wait the KPIs and the
   * wallboard count as answered.
   */
  answered(callId: string, answer: Parameters<typeof markCallAnswered>[2]): void {
    this.write(callId, 'answered', (tx) => markCallAnswered(tx, callId, answer));
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

  /** Whether the call has writes waiting for the database to take a refused one (its row lags behind). */
  isRetrying(callId: string): boolean {
    return this.turns.isRetrying(callId);
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
  drainAll(): Promise<void> {
    return this.turns.idleAll();
  }

  private enqueue(callId: string, batch: Batch): void {
    void this.turns.run(callId, batch.map(({ what }) => what).join(', '), () =>
      progressWrite(this.db, async (tx) => {
        for (const { write } of batch) await write(tx);
      }),
    );
  }
}
