/** How a ticket reads in the desk's lists (我的工单, 工单查询): one table row per ticket. */
import { dateTime, h } from '../shared/dom.js';
import { category, ticketStatus } from '../shared/labels.js';

export interface TicketListItem {
  number: string;
  status: string;
  registeredAt: string | null;
  callerNumber: string;
  callerName: string | null;
  confidential: boolean;
  category: string | null;
  matterPath: string | null;
  content: string;
  handlingUnit: string | null;
  dueAt: string | null;
  createdAt: string;
}

/** Dispatched on `document` when the form registers or moves a ticket: `{ ticketNumber }`. */
export const TICKET_UPDATED_EVENT = 'ticket-updated';

export const stageOf = (t: TicketListItem): string => (t.registeredAt ? ticketStatus(t.status) : '草稿');

export function ticketHead(): HTMLTableSectionElement {
  return h('thead', null, h('tr', null, ...['工单', '来电人', '诉求', '承办单位 · 时限', '阶段'].map((c) => h('th', null, c))));
}

/** Five columns, the second line of each cell in small grey: the side column is narrow. */
export function ticketRow(t: TicketListItem): HTMLTableRowElement {
  const caller = [t.callerName, t.callerNumber].filter(Boolean).join(' ');
  const matter = [t.category ? category(t.category) : null, t.matterPath].filter(Boolean).join(' · ');
  const sub = (text: string, title?: string) => h('div', { class: 'sub', ...(title ? { title } : {}) }, text);
  return h(
    'tr',
    { 'data-testid': 'ticket-row', 'data-number': t.number },
    h('td', null, h('span', { class: 'mono' }, t.number), sub(dateTime(t.createdAt))),
    h('td', { 'data-testid': 'ticket-row-caller' }, caller, t.confidential ? h('span', { class: 'badge-secret', title: '保密工单' }, '保密') : null),
    h('td', { class: 'wide' }, matter || '—', sub(t.content || '—', t.content)),
    h('td', null, t.handlingUnit ?? '—', sub(t.dueAt ? dateTime(t.dueAt) : '—')),
    h('td', { 'data-testid': 'ticket-row-stage', 'data-stage': t.registeredAt ? t.status : 'draft' }, stageOf(t)),
  );
}
