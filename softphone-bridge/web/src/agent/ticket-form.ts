/**
 * 工单登记: the form an agent fills while talking (category, urgency, content, address,
 * disposition), saved with `PATCH /api/v1/tickets/:number`. Drafts are kept per ticket in the page,
 * so a reconnect or the next pop does not lose what was typed.
 */
import { api } from '../shared/api.js';
import { h, options, toast } from '../shared/dom.js';
import { CATEGORIES, DISPOSITIONS, URGENCIES } from '../shared/labels.js';

export interface TicketDraft {
  category: string;
  urgency: string;
  content: string;
  address: string;
  disposition: string;
}

const EMPTY: TicketDraft = { category: '', urgency: '', content: '', address: '', disposition: '' };

interface TicketReply {
  ticket: { category: string | null; urgency: string | null; content: string; address: string | null; disposition: string | null; updatedAt: string };
}

export class TicketForm {
  readonly element: HTMLElement;
  private readonly drafts = new Map<string, TicketDraft>();
  private ticketNumber: string | null = null;
  private readonly title = h('span', { 'data-testid': 'ticket-form-number' });
  private readonly status = h('p', { class: 'muted', 'data-testid': 'ticket-form-status' });
  private readonly category = h('select', { name: 'category', 'data-testid': 'ticket-category' });
  private readonly urgency = h('select', { name: 'urgency', 'data-testid': 'ticket-urgency' });
  private readonly content = h('textarea', { name: 'content', rows: 5, maxlength: 4000, placeholder: '来电人诉求内容', 'data-testid': 'ticket-content' });
  private readonly address = h('input', { name: 'address', maxlength: 200, placeholder: '事发地址', 'data-testid': 'ticket-address' });
  private readonly disposition = h('select', { name: 'disposition', 'data-testid': 'ticket-disposition' });
  private readonly save = h('button', { type: 'submit', class: 'primary', 'data-testid': 'ticket-save' }, '保存工单');
  private readonly form: HTMLFormElement;

  constructor(private readonly token: () => string) {
    this.category.append(...options([['', '请选择'], ...CATEGORIES]));
    this.urgency.append(...options([['', '请选择'], ...URGENCIES]));
    this.disposition.append(...options([['', '请选择'], ...DISPOSITIONS]));
    this.form = h(
      'form',
      { class: 'ticket-form', 'data-testid': 'ticket-form' },
      h('div', { class: 'row' }, h('label', null, '诉求类别', this.category), h('label', null, '紧急程度', this.urgency)),
      h('label', null, '诉求内容', this.content),
      h('label', null, '地址', this.address),
      h('div', { class: 'row' }, h('label', null, '处理方式', this.disposition)),
      h('div', { class: 'actions' }, this.save),
      this.status,
    );
    this.form.addEventListener('input', () => this.keepDraft());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
    this.element = h('section', { class: 'card', id: 'ticket' }, h('h2', null, '工单登记 ', this.title), this.form);
    this.bind(null);
  }

  /** Shows the form for a ticket (or disables it when there is none). */
  bind(ticketNumber: string | null): void {
    if (ticketNumber === this.ticketNumber) return;
    this.ticketNumber = ticketNumber;
    this.title.textContent = ticketNumber ? `工单编号 ${ticketNumber}` : '';
    this.fill(ticketNumber ? (this.drafts.get(ticketNumber) ?? EMPTY) : EMPTY);
    for (const control of [this.category, this.urgency, this.content, this.address, this.disposition, this.save]) control.disabled = !ticketNumber;
    this.status.textContent = ticketNumber ? '通话中即可登记，保存后写入工单。' : '来电振铃后在此登记工单。';
    this.status.className = 'muted';
    if (ticketNumber) void this.load(ticketNumber);
  }

  private fill(draft: TicketDraft): void {
    this.category.value = draft.category;
    this.urgency.value = draft.urgency;
    this.content.value = draft.content;
    this.address.value = draft.address;
    this.disposition.value = draft.disposition;
  }

  private read(): TicketDraft {
    return {
      category: this.category.value,
      urgency: this.urgency.value,
      content: this.content.value,
      address: this.address.value,
      disposition: this.disposition.value,
    };
  }

  private keepDraft(): void {
    if (this.ticketNumber) this.drafts.set(this.ticketNumber, this.read());
  }

  /** Fills in what the ticket already holds, unless the agent has typed something already. */
  private async load(ticketNumber: string): Promise<void> {
    if (this.drafts.has(ticketNumber)) return;
    try {
      const { ticket } = await api<TicketReply>('GET', `/api/v1/tickets/${ticketNumber}`, { token: this.token() });
      if (this.ticketNumber !== ticketNumber || this.drafts.has(ticketNumber)) return;
      this.fill({
        category: ticket.category ?? '',
        urgency: ticket.urgency ?? '',
        content: ticket.content,
        address: ticket.address ?? '',
        disposition: ticket.disposition ?? '',
      });
    } catch {
      // Not yet the agent's ticket (still ringing): the form starts empty.
    }
  }

  private async submit(): Promise<void> {
    const ticketNumber = this.ticketNumber;
    if (!ticketNumber) return;
    const draft = this.read();
    const body: Record<string, string | null> = { content: draft.content.trim(), address: draft.address.trim() || null };
    if (draft.category) body.category = draft.category;
    if (draft.urgency) body.urgency = draft.urgency;
    if (draft.disposition) body.disposition = draft.disposition;
    this.save.disabled = true;
    try {
      const { ticket } = await api<TicketReply>('PATCH', `/api/v1/tickets/${ticketNumber}`, { token: this.token(), body });
      this.status.textContent = `已保存 ${new Date(ticket.updatedAt).toLocaleTimeString('zh-CN', { hour12: false })}`;
      this.status.className = 'ok';
      toast(`工单 ${ticketNumber} 已保存`);
    } catch (error) {
      this.status.textContent = `保存失败：${error instanceof Error ? error.message : String(error)}`;
      this.status.className = 'form-error';
    } finally {
      this.save.disabled = this.ticketNumber === null;
    }
  }
}
