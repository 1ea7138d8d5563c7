/**
 * 我的工单: the tickets of the calls this agent took today (Shanghai day), newest first, each with its
 * stage (草稿 until 登记完成, then 受理 → 派单 → … → 评价). Refreshed when the desk's ticket changes or
 * the form registers or moves one, and on demand.
 */
import { api } from '../shared/api.js';
import { h, replace } from '../shared/dom.js';
import { DESK_TICKET_EVENT } from './desk-layout.js';
import { TICKET_UPDATED_EVENT, ticketHead, ticketRow, type TicketListItem } from './ticket-rows.js';

export class MyTickets {
  readonly element: HTMLElement;
  private readonly body = h('tbody', { 'data-testid': 'my-tickets-rows' });
  private readonly summary = h('p', { class: 'muted', 'data-testid': 'my-tickets-summary' });
  private loading: Promise<void> | null = null;
  /** A change heard while a read was in flight: that read may predate it, so one more read follows. */
  private stale = false;

  constructor(private readonly token: () => string) {
    const refresh = h('button', { type: 'button', 'data-testid': 'my-tickets-refresh', onclick: () => void this.refresh() }, '刷新');
    this.element = h(
      'section',
      { class: 'card', id: 'my-tickets', 'data-testid': 'my-tickets' },
      h('h2', null, '我的工单 ', h('span', { class: 'muted' }, '今天'), ' ', refresh),
      this.summary,
      h('div', { class: 'table-wrap' }, h('table', { class: 'table tickets' }, ticketHead(), this.body)),
    );
    for (const event of [DESK_TICKET_EVENT, TICKET_UPDATED_EVENT]) document.addEventListener(event, () => void this.refresh());
    void this.refresh();
  }

  refresh(): Promise<void> {
    if (this.loading) {
      this.stale = true;
      return this.loading;
    }
    this.loading = this.loadUntilCurrent().finally(() => (this.loading = null));
    return this.loading;
  }

  private async loadUntilCurrent(): Promise<void> {
    do {
      this.stale = false;
      await this.load();
    } while (this.stale);
  }

  private async load(): Promise<void> {
    try {
      const { items } = await api<{ day: string; items: TicketListItem[] }>('GET', '/api/v1/tickets/mine', { token: this.token() });
      const drafts = items.filter((t) => !t.registeredAt).length;
      this.summary.textContent = items.length ? `共 ${items.length} 张${drafts ? `，其中草稿 ${drafts} 张待登记完成` : ''}` : '今天还没有工单。';
      replace(this.body, items.map(ticketRow));
    } catch (error) {
      this.summary.textContent = `读取失败：${error instanceof Error ? error.message : String(error)}`;
    }
  }
}
