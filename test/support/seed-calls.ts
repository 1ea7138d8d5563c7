/** Finished calls with their tickets, written through the store's repositories as call handling does (for KPI tests). */
import { eq } from 'drizzle-orm';
import {
  appendTicketEvent,
  listAgents,
  markCallAnswered,
  markCallEnded,
  openTicketForCall,
  recordCallArrival,
  setCallSkill,
  setTicketDeadlines,
  tickets,
  type Db,
} from '../../store/index.js';

/** A citizen's call to 12315 on the trunk, as its arrival is recorded (`recordCallArrival`); one row per id. */
export const trunkArrival = (id: string) => ({
  linkedId: id,
  channelId: id,
  channelName: 'PJSIP/trunk-1',
  callerNumber: '13800000001',
  dialledNumber: '12315',
  routeId: null,
  arrivedAt: '2026-11-20T01:00:00.000Z',
});

export interface SeedCall {
  id: string;
  caller: string;
  dialled: string;
  hotline: string;
  /** Shanghai wall time `HH:MM` on the seeded day. */
  at: string;
  skill?: string;
  waitS?: number;
  handleS?: number;
  agent?: string;
  outcome: 'answered' | 'abandoned' | 'blocked';
  satisfaction?: 'satisfied' | 'dissatisfied';
  transfers?: number;
  conferences?: number;
  /** A deadline (ISO); the ticket is then left in handling. */
  dueAt?: string;
}

export async function seedCall(db: Db, day: string, c: SeedCall): Promise<void> {
  const arrived = new Date(`${day}T${c.at}:00+08:00`);
  const agentId = c.agent ? ((await listAgents(db)).find((a) => a.login === c.agent)?.id ?? null) : null;
  const { call } = await recordCallArrival(db, { linkedId: c.id, channelId: c.id, channelName: 'PJSIP/trunk-1', callerNumber: c.caller, dialledNumber: c.dialled, routeId: null, arrivedAt: arrived.toISOString() });
  const { ticket } = await openTicketForCall(db, { callKey: c.id, callId: call.id, callerNumber: c.caller, dialledNumber: c.dialled, routeId: null, hotline: c.hotline, at: arrived });
  if (c.skill) await setCallSkill(db, c.id, c.skill);
  const waitMs = (c.waitS ?? 0) * 1000;
  const answeredAt = new Date(arrived.getTime() + waitMs);
  if (c.outcome === 'answered') await markCallAnswered(db, c.id, { agentId, at: answeredAt.toISOString(), waitMs, recording: null });
  const endedAt = new Date(answeredAt.getTime() + (c.handleS ?? 0) * 1000).toISOString();
  await markCallEnded(db, c.id, { outcome: c.outcome, hangupCause: 16, at: endedAt, ...(c.outcome === 'answered' ? {} : { waitMs }) });
  if (c.satisfaction) await db.update(tickets).set({ satisfaction: c.satisfaction }).where(eq(tickets.id, ticket.id));
  for (let i = 0; i < (c.transfers ?? 0); i++) await appendTicketEvent(db, { ticketId: ticket.id, actor: 'test', kind: 'transferred' });
  for (let i = 0; i < (c.conferences ?? 0); i++) await appendTicketEvent(db, { ticketId: ticket.id, actor: 'test', kind: 'conference' });
  if (c.dueAt) {
    await setTicketDeadlines(db, ticket.id, { dispatchDueAt: c.dueAt, dueAt: c.dueAt });
    await db.update(tickets).set({ status: 'handling' }).where(eq(tickets.id, ticket.id));
  }
}
