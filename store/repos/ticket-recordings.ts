/**
 * Every recording of a ticket, for quality inspection (质检): each conversation of every call that ran
 * under the ticket — its own call (answered again after going back to the queue: one recording per
 * answer) and the callbacks that continued it (an agent's 回拨, the automatic 漏接回拨), whose calls
 * opened no ticket of their own. Read-only.
 */
import { asc, eq, inArray, or } from 'drizzle-orm';
import type { Db } from '../db.js';
import { agents, callRecordings, calls } from '../schema.js';
import type { TicketRecording } from '../ticket-recording.js';
import type { TicketRow } from './tickets.js';

export type { TicketRecording };

/** The ticket's recordings, oldest first; the ones the retention job removed are among them, marked. */
export async function listTicketRecordings(db: Db, ticket: Pick<TicketRow, 'id' | 'callKey'>): Promise<TicketRecording[]> {
  // A ticket opened without a call (e.g. entered by hand) has no own call; its callbacks are still its.
  const ownCall = ticket.callKey === null ? null : db.select({ id: calls.id }).from(calls).where(eq(calls.linkedId, ticket.callKey));
  const rows = await db
    .select({
      name: callRecordings.name,
      startedAt: callRecordings.startedAt,
      deletedAt: callRecordings.deletedAt,
      agentId: callRecordings.agentId,
      agentLogin: agents.login,
      agentName: agents.name,
      callId: calls.linkedId,
      node: calls.node,
    })
    .from(callRecordings)
    .innerJoin(calls, eq(calls.id, callRecordings.callId))
    .leftJoin(agents, eq(agents.id, callRecordings.agentId))
    // The own call's recordings by its key (an imported call's carry no ticket), a callback's by the ticket they name.
    .where(or(ownCall ? inArray(callRecordings.callId, ownCall) : undefined, eq(callRecordings.ticketId, ticket.id)))
    .orderBy(asc(callRecordings.startedAt), asc(callRecordings.id));
  return rows.map((r) => ({ ...r, origin: r.callId === ticket.callKey ? 'original' : 'callback' }));
}
