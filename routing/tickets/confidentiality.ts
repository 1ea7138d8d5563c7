/**
 * 是否保密: who sees a confidential ticket's caller. The caller's identity (姓名, 来电号码, 联系电话) is shown
 * in full only to the agent who took the call (the ticket's own agent); everyone else — supervisors,
 * admins, other agents, the handling unit, search results, exports — sees the name as 「（保密）」 and
 * the numbers masked (138****8000). In a later call's screen-pop, a confidential ticket of the caller
 * shows its number and stage but not its content. A search by caller number matches a confidential
 * ticket only for its own agent, so a search cannot re-identify the caller.
 */

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
