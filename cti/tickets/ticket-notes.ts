/**
 * The call flow's lines in a ticket's history (answered, transferred, three-way call, …). The steps
 * that write them do not wait for the write; each ticket's lines are written one after another in the
 * order the steps happened (a later line cannot overtake an earlier one), stamped with the moment of
 * the step. A line the database refuses is never thrown into the call: it is logged and tried again
 * until it is written, the ticket's later lines behind it (cti/events/retried-turns.ts).
 */
import { appendTicketEvent, type Clock, type Db } from '../../store/index.js';
import { RetriedTurns } from '../events/retried-turns.js';
import type { Logger } from '../logging.js';

export interface TicketNote {
  ticketId: number;
  actor: string;
  kind: string;
  note?: string;
}

/** Per database, per ticket: its lines in turn. */
const writing = new WeakMap<Db, RetriedTurns<number>>();

function linesOf(ctx: { db: Db; log: Logger }): RetriedTurns<number> {
  let turns = writing.get(ctx.db);
  if (!turns) {
    turns = new RetriedTurns<number>(ctx.log, { subject: 'ticket history', keyField: 'ticketId' });
    writing.set(ctx.db, turns);
  }
  return turns;
}

/** Queues the line; the promise settles (never rejects) once it is written, or refused and left to its retries. */
export function noteTicket(ctx: { db: Db; log: Logger; clock: Clock }, line: TicketNote): Promise<void> {
  const at = ctx.clock.now();
  return linesOf(ctx).run(line.ticketId, line.kind, () => appendTicketEvent(ctx.db, { ...line, at }));
}

/**
 * A write of the ticket's own besides a line (the survey's result): in turn with the ticket's lines and
 * kept the same way. Never rejects.
 */
export function writeTicket(ctx: { db: Db; log: Logger }, ticketId: number, label: string, task: () => Promise<void>): Promise<void> {
  return linesOf(ctx).run(ticketId, label, task);
}

/** Resolves once every line queued so far was tried; lines still refused get one last try (the shutdown). */
export function settleTicketNotes(ctx: { db: Db; log: Logger }): Promise<void> {
  return writing.get(ctx.db)?.idleAll() ?? Promise.resolve();
}
