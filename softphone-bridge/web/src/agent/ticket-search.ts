/**
 * 工单查询: find tickets by number, caller (number or name), words in the content, classification or
 * address, stage and date. An agent finds only the tickets of calls they took (the server decides);
 * a confidential ticket's caller shows masked to anyone but its own agent.
 */
import { api } from '../shared/api.js';
import { h, options, replace } from '../shared/dom.js';
import { TICKET_STATUSES } from '../shared/labels.js';
import { ticketHead, ticketRow, type TicketListItem } from './ticket-rows.js';

const PAGE_SIZE = 20;

/** A Shanghai calendar day's start as an instant. */
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`).toISOString();
const dayEnd = (day: string) => new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000).toISOString();

export class TicketSearch {
  readonly element: HTMLElement;
  private readonly number = h('input', { name: 'number', inputmode: 'numeric', maxlength: 16, placeholder: '工单编号', 'data-testid': 'search-number' });
  private readonly caller = h('input', { name: 'caller', maxlength: 32, placeholder: '来电号码或姓名', 'data-testid': 'search-caller' });
  private readonly text = h('input', { name: 'text', maxlength: 100, placeholder: '内容、分类或地址中的文字', 'data-testid': 'search-text' });
  private readonly status = h('select', { name: 'status', 'data-testid': 'search-status' });
  private readonly from = h('input', { type: 'date', name: 'from', 'data-testid': 'search-from' });
  private readonly to = h('input', { type: 'date', name: 'to', 'data-testid': 'search-to' });
  private readonly body = h('tbody', { 'data-testid': 'search-rows' });
  private readonly summary = h('p', { class: 'muted', 'data-testid': 'search-summary' }, '输入条件后查询。');
  private readonly more = h('button', { type: 'button', hidden: true, 'data-testid': 'search-more' }, '下一页');
  private page = 1;

  constructor(private readonly token: () => string) {
    this.status.append(...options([['', '全部阶段'], ...Object.entries(TICKET_STATUSES)]));
    const form = h(
      'form',
      { class: 'ticket-search', 'data-testid': 'ticket-search-form' },
      h('div', { class: 'row' }, h('label', null, '工单编号', this.number), h('label', null, '来电人', this.caller), h('label', null, '关键词', this.text)),
      h('div', { class: 'row' }, h('label', null, '阶段', this.status), h('label', null, '受理日期 从', this.from), h('label', null, '至', this.to)),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'search-submit' }, '查询')),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.page = 1;
      void this.search();
    });
    this.more.addEventListener('click', () => {
      this.page++;
      void this.search();
    });
    this.element = h(
      'section',
      { class: 'card', id: 'ticket-search', 'data-testid': 'ticket-search' },
      h('h2', null, '工单查询'),
      form,
      this.summary,
      h('div', { class: 'table-wrap' }, h('table', { class: 'table tickets' }, ticketHead(), this.body)),
      this.more,
    );
  }

  private query(): URLSearchParams {
    const q = new URLSearchParams({ page: String(this.page), pageSize: String(PAGE_SIZE) });
    const caller = this.caller.value.trim();
    if (this.number.value.trim()) q.set('number', this.number.value.trim());
    // Digits are a phone number; anything else a name.
    if (caller) q.set(/^\+?\d{3,20}$/.test(caller) ? 'caller' : 'callerName', caller);
    if (this.text.value.trim()) q.set('text', this.text.value.trim());
    if (this.status.value) q.set('status', this.status.value);
    if (this.from.value) q.set('from', dayStart(this.from.value));
    if (this.to.value) q.set('to', dayEnd(this.to.value));
    return q;
  }

  private async search(): Promise<void> {
    try {
      const { total, items } = await api<{ total: number; items: TicketListItem[] }>('GET', `/api/v1/tickets?${this.query().toString()}`, { token: this.token() });
      this.summary.textContent = total ? `找到 ${total} 张工单（第 ${this.page} 页）` : '没有符合条件的工单。';
      replace(this.body, items.map(ticketRow));
      this.more.hidden = this.page * PAGE_SIZE >= total;
    } catch (error) {
      this.summary.textContent = `查询失败：${error instanceof Error ? error.message : String(error)}`;
    }
  }
}
