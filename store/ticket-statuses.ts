/**
 * A ticket's stages and how each reads to agents and callers. No imports: the server's schema and
 * refusals and the agent desk's pages take it as it is.
 */

/** The eight stages (受理、派单、办理、答复、督办、办结、回访、评价), plus return and redo. */
export const TICKET_STATUSES = [
  'accepted',
  'dispatched',
  'handling',
  'replied',
  'supervised',
  'closed',
  'callback',
  'evaluated',
  'returned',
  'redo',
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** How each status reads to agents and callers (prompts, refusals). */
export const TICKET_STATUS_NAMES: Record<TicketStatus, string> = {
  accepted: '已受理',
  dispatched: '已派单',
  handling: '办理中',
  replied: '已答复',
  supervised: '督办中',
  closed: '已办结',
  callback: '回访中',
  evaluated: '已评价',
  returned: '已退单',
  redo: '重新办理中',
};
