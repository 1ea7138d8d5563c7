/**
 * The call flow's lines in a ticket's history (answered, transferred, three-way call, …). The steps
 * that write them do not wait for the write; each ticket's lines are written one after another in the
 * order the steps happened (a later line cannot overtake an earlier one), stamped with the moment of
 * the step. A line that cannot be written is logged, never thrown into the call.
 */
import { appendTicketEvent, type Clock, type Db } from '../../store/index.js';
import { KeyedTurns } from '../events/keyed-turns.js';
import type { Logger } from '../logging.js';

export interface TicketNote {
  ticketId: number;
  actor: string;
  kind: string;
  note?: string;
}

/** Per database, per ticket: its lines in turn. */
const writing = new WeakMap<Db, KeyedTurns<number>>();

/** Queues the line; the promise settles (never rejects) once it is written or the failure logged. */
export function noteTicket(ctx: { db: Db; log: Logger; clock: Clock }, line: TicketNote): Promise<void> {
  let turns = writing.get(ctx.db);
  if (!turns) {
    turns = new KeyedTurns();
    writing.set(ctx.db, turns);
  }
  const at = ctx.clock.now();
  return turns.run(line.ticketId, () =>
    appendTicketEvent(ctx.db, { ...line, at }).catch((error: unknown) =>
      ctx.log.error({ ticketId: line.ticketId, kind: line.kind, err: error }, 'ticket history line not written'),
    ),
  );
}
