/**
 * 是否保密: who sees a confidential ticket's caller. The caller's identity (姓名, 来电号码, 联系电话) is shown
 * in full only to the agent who took the call (the ticket's own agent); everyone else — supervisors,
 * admins, other agents, the handling unit, search results, exports — sees the name as 「（保密）」 and
 * the numbers masked (138****8000). In a later call's screen-pop, a confidential ticket of the caller
 * shows its number and stage but not its content. A search by caller number matches a confidential
 * ticket only for its own agent, so a search cannot re-identify the caller.
 */
import { citizenNumber } from '../../store/index.js';

export interface CallerIdentity {
  confidential: boolean;
  agentId: number | null;
  callerNumber: string;
  callerName: string | null;
  contactPhone: string | null;
}

export const CONFIDENTIAL_NAME = '（保密）';
export const CONFIDENTIAL_CONTENT = '（保密工单，内容不显示）';

/** `13800138000` → `138****8000`; short service numbers stay as they are. */
export function maskPhone(number: string): string {
  if (number.length <= 6) return number;
  const keepHead = number.length >= 11 ? 3 : 2;
  return `${number.slice(0, keepHead)}${'*'.repeat(number.length - keepHead - 4)}${number.slice(-4)}`;
}

/** Whether this viewer (an agent id, or null for a unit or an export) sees the caller in full. */
export function seesCaller(ticket: Pick<CallerIdentity, 'confidential' | 'agentId'>, viewerAgentId: number | null): boolean {
  return !ticket.confidential || (viewerAgentId !== null && ticket.agentId === viewerAgentId);
}

/** The ticket as this viewer may see it: a confidential one's caller masked unless the viewer took the call. */
export function callerView<T extends CallerIdentity>(ticket: T, viewerAgentId: number | null): T {
  if (seesCaller(ticket, viewerAgentId)) return ticket;
  return {
    ...ticket,
    callerNumber: maskPhone(ticket.callerNumber),
    callerName: ticket.callerName === null ? null : CONFIDENTIAL_NAME,
    contactPhone: ticket.contactPhone === null ? null : maskPhone(ticket.contactPhone),
  };
}

/**
 * A form save as the audit log keeps it: the caller's identity never in it (the name as `（保密）`, the
 * phone masked), whether or not the ticket is confidential yet — the desk saves the name and number
 * before the agent ticks 是否保密, and the audit is read by admins, who see a confidential caller masked.
 */
export function formForAudit<T extends { callerName?: string | null; contactPhone?: string | null }>(form: T): T {
  return {
    ...form,
    ...(typeof form.callerName === 'string' ? { callerName: CONFIDENTIAL_NAME } : {}),
    ...(typeof form.contactPhone === 'string' ? { contactPhone: maskPhone(form.contactPhone) } : {}),
  };
}

/**
 * The ticket's history as this viewer may read it: for a confidential ticket whose caller they do not
 * see, the caller's numbers written into a line (a 回访 or 回拨 the dial policy refused names the number
 * it would have dialled) masked as on the ticket itself.
 */
export function historyView<E extends { note: string | null }>(history: readonly E[], ticket: CallerIdentity, viewerAgentId: number | null): E[] {
  if (seesCaller(ticket, viewerAgentId)) return [...history];
  // Longest first: a number that holds another (0085212345678, 12345678) is masked whole.
  // Also in the form a 回访 dials a typed 联系电话 in (+86 139-… dialled as 139…: survey-callbacks.ts).
  const written = [ticket.callerNumber, ticket.contactPhone].filter((n): n is string => typeof n === 'string');
  const numbers = [...new Set([...written, ...written.map((n) => citizenNumber(n) ?? n)])]
    .filter((n) => maskPhone(n) !== n)
    .sort((a, b) => b.length - a.length);
  if (numbers.length === 0) return [...history];
  const mask = (note: string) => numbers.reduce((text, number) => text.split(number).join(maskPhone(number)), note);
  return history.map((entry) => (entry.note === null ? entry : { ...entry, note: mask(entry.note) }));
}
