/**
 * 工单录音 on the reports page, for quality inspection (质检): a ticket number in, the ticket's every
 * recording out — each conversation of its own call and of the callbacks that continued it (回拨,
 * 漏接回拨), oldest first, from `GET /api/v1/tickets/:number` (`recordings`; the read is audited). The
 * caller shows as the server gives it (a confidential ticket's masked).
 */
import { api, ApiError } from '../shared/api.js';
import { dateTime, h, replace } from '../shared/dom.js';
import { ticketStatus } from '../shared/labels.js';
import { recordingTable, type TicketRecording } from '../shared/recording-list.js';

interface TicketHead {
  number: string;
  status: string;
  registeredAt: string | null;
  callerNumber: string;
  callerName: string | null;
  hotline: string;
  createdAt: string;
}

export class TicketRecordingsPanel {
  readonly element: HTMLElement;
  private readonly number = h('input', { name: 'number', inputmode: 'numeric', maxlength: 16, placeholder: '工单编号', required: true, 'data-testid': 'recordings-ticket' });
  private readonly body = h('div', { 'data-testid': 'recordings-result' });
  /** Only the answer to the latest look-up is shown. */
  private seq = 0;

  constructor(private readonly token: () => string) {
    const form = h(
      'form',
      { class: 'report-controls', 'data-testid': 'recordings-form' },
      h('label', { class: 'inline' }, '工单编号', this.number),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'recordings-submit' }, '查看录音'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.load();
    });
    this.element = h(
      'section',
      { class: 'card span-12', 'data-testid': 'ticket-recordings-panel' },
      h('h2', null, '工单录音 ', h('span', { class: 'muted heading-hint' }, '（质检：工单来电及回拨的全部通话录音，按时间先后）')),
      form,
      this.body,
    );
  }

  private async load(): Promise<void> {
    const number = this.number.value.trim();
    if (!/^[0-9]{6,16}$/.test(number)) {
      replace(this.body, h('p', { class: 'form-error' }, '请输入 6–16 位数字的工单编号'));
      return;
    }
    const seq = ++this.seq;
    replace(this.body, h('p', { class: 'muted' }, '查询中…'));
    try {
      const { ticket, recordings } = await api<{ ticket: TicketHead; recordings: TicketRecording[] }>('GET', `/api/v1/tickets/${number}`, { token: this.token() });
      if (seq !== this.seq) return;
      const caller = [ticket.callerName, ticket.callerNumber].filter(Boolean).join(' ');
      const stage = ticket.registeredAt ? ticketStatus(ticket.status) : '草稿';
      replace(
        this.body,
        h('p', { 'data-testid': 'recordings-ticket-head' }, `工单 ${ticket.number} · ${stage} · ${ticket.hotline} · 来电人 ${caller} · 受理 ${dateTime(ticket.createdAt)}`),
        recordingTable(recordings),
      );
    } catch (error) {
      if (seq !== this.seq) return;
      const text = error instanceof ApiError && error.status === 401 ? '登录已失效，请重新登录' : error instanceof Error ? error.message : String(error);
      replace(this.body, h('p', { class: 'form-error', role: 'alert' }, `查询失败：${text}`));
    }
  }
}
