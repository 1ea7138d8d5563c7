/**
 * When a ticket's 12345 form (登记信息) no longer takes edits: once the ticket is closed (办结) — and at
 * 回访 and 评价 after it — the form is the record of what the citizen asked and what was done. One
 * rule for the server, which refuses such edits, and the agent desk, which stops offering them; it
 * imports only the import-free ticket stages, so the desk's bundle takes it as it is.
 */
import { TICKET_STATUS_NAMES, type TicketStatus } from '../../store/ticket-statuses.js';

const LOCKED: ReadonlySet<string> = new Set<TicketStatus>(['closed', 'callback', 'evaluated']);

/** Why the form can no longer be changed (closed, at callback, evaluated), or null while it can. */
export function formLockedReason(status: string): string | null {
  return LOCKED.has(status) ? `工单${TICKET_STATUS_NAMES[status as TicketStatus]}，登记内容不能再修改` : null;
}
