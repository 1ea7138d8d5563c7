/**
 * 知识库 on the agent desk: the first tool of the call (能直接解答的即时解答). Without typing, it suggests
 * entries from what is known at the pop — the hotline dialled, the caller's IVR choices, the
 * categories of their earlier tickets — and, as the agent fills the ticket, from its content (the
 * ticket form's `ticket-content` event). The agent may also search. One click on 以此答复 links the
 * entry to the call's ticket on the server (知识库解答, counted in the KPIs) and tells the desk with a
 * `knowledge-linked` event: `{ ticketNumber, entryId, title }` (the ticket form offers 直接答复).
 *
 * Mounted by agent/main.ts: `addPanel('knowledge', '知识库', panel.element)` and `panel.showPop(call)`
 * at every new pop (`showPop(null)` when the desk has no call).
 */
import { api, ApiError } from '../shared/api.js';
import { h, replace, toast } from '../shared/dom.js';
import { category, ivrAction } from '../shared/labels.js';
import { markedText } from '../shared/marked-text.js';
import { DESK_TICKET_EVENT, type DeskTicketDetail } from './desk-layout.js';

/** What the panel needs of a screen-pop (agent/desk-state.ts `CallView` has it). */
export interface KnowledgePopFacts {
  ticketNumber: string;
  dialledNumber: string;
  hotline: string;
  ivrChoices: { menu: string; digit: string | null; action: string }[];
  history: { category: string | null; matterPath?: string | null }[] | null;
}

export const KNOWLEDGE_LINKED_EVENT = 'knowledge-linked';
export interface KnowledgeLinkedDetail {
  ticketNumber: string;
  entryId: number;
  title: string;
}
const TICKET_CONTENT_EVENT = 'ticket-content';

interface Hit {
  entryId: number;
  version: number;
  title: string;
  answer: string;
  department: string;
  categories: string[];
  hotline: string | null;
  validUntil: string | null;
  titleHtml: string;
  snippetHtml: string;
}

/** How long after the ticket content last changed the suggestions are asked for again. */
const TYPING_PAUSE_MS = 300;

export class KnowledgePanel {
  readonly element: HTMLElement;
  private readonly input = h('input', { type: 'search', placeholder: '输入问题，如“医保卡丢了怎么办”', maxlength: 200, 'data-testid': 'kb-search-input', 'aria-label': '检索知识库' });
  private readonly suggestionsBox = h('div', { 'data-testid': 'kb-suggestions' });
  private readonly resultsBox = h('div', { 'data-testid': 'kb-results' });
  private readonly basis = h('p', { class: 'muted kb-basis', 'data-testid': 'kb-basis' });
  private facts: KnowledgePopFacts | null = null;
  private ticketNumber: string | null = null;
  private typed = { content: '', categoryPath: '' };
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  /** Entries linked to the current ticket. */
  private readonly linked = new Set<number>();
  /** Only the answer to the latest request is shown. */
  private suggestSeq = 0;
  private searchSeq = 0;

  constructor(private readonly token: () => string) {
    const form = h(
      'form',
      { class: 'kb-search', role: 'search' },
      this.input,
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'kb-search-submit' }, '检索'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.search();
    });
    this.element = h(
      'section',
      { class: 'card kb-panel', 'data-testid': 'knowledge-panel' },
      h('h2', null, '知识库'),
      form,
      this.resultsBox,
      h('h3', null, '推荐知识'),
      this.basis,
      this.suggestionsBox,
    );
    document.addEventListener(TICKET_CONTENT_EVENT, (event) => this.onTicketContent(event));
    document.addEventListener(DESK_TICKET_EVENT, (event) => {
      const detail = (event as CustomEvent<DeskTicketDetail>).detail;
      this.bindTicket(detail.ticketNumber);
    });
    this.renderSuggestions([]);
  }

  /** A new screen-pop (or none): suggestions from what is known of the call, without typing. */
  showPop(facts: KnowledgePopFacts | null): void {
    this.facts = facts;
    this.typed = { content: '', categoryPath: '' };
    this.bindTicket(facts?.ticketNumber ?? null);
    void this.suggest();
  }

  private bindTicket(ticketNumber: string | null): void {
    if (ticketNumber === this.ticketNumber) return;
    this.ticketNumber = ticketNumber;
    this.linked.clear();
    this.refreshButtons();
  }

  private onTicketContent(event: Event): void {
    const detail = (event as CustomEvent<{ ticketNumber?: string; content?: string; categoryPath?: string }>).detail;
    if (!detail || (this.ticketNumber && detail.ticketNumber !== this.ticketNumber)) return;
    const typed = { content: String(detail.content ?? ''), categoryPath: String(detail.categoryPath ?? '') };
    if (typed.content === this.typed.content && typed.categoryPath === this.typed.categoryPath) return;
    this.typed = typed;
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => void this.suggest(), TYPING_PAUSE_MS);
  }

  /** The pop's facts as words for the server: IVR choices and the earlier tickets' categories. */
  private context(): { hotline: string; ivr: string; history: string; text: string; basis: string[] } {
    const f = this.facts;
    const ivr = (f?.ivrChoices ?? []).map((c) => `${c.menu} ${ivrAction(c.action)}`).join(' ');
    const history = [...new Set((f?.history ?? []).flatMap((t) => [t.matterPath ?? '', t.category ? category(t.category) : '']).filter(Boolean))].join(' ');
    const text = [this.typed.categoryPath.replaceAll('>', ' '), this.typed.content].join(' ').trim();
    const basis = [
      f ? `热线 ${f.dialledNumber}` : '',
      ivr ? '语音导航选择' : '',
      history ? '历史工单分类' : '',
      text ? '诉求内容' : '',
    ].filter(Boolean);
    return { hotline: /^[0-9]{3,20}$/.test(f?.dialledNumber ?? '') ? (f?.dialledNumber ?? '') : '', ivr, history, text, basis };
  }

  private async suggest(): Promise<void> {
    const seq = ++this.suggestSeq;
    const c = this.context();
    if (!this.facts && !c.text) {
      this.basis.textContent = '来电弹屏后，这里会按热线、语音导航和历史工单推荐知识。';
      this.renderSuggestions([]);
      return;
    }
    const query = new URLSearchParams();
    if (c.hotline) query.set('hotline', c.hotline);
    if (c.ivr) query.set('ivr', c.ivr.slice(0, 500));
    if (c.history) query.set('history', c.history.slice(0, 500));
    if (c.text) query.set('text', c.text.slice(0, 4000));
    try {
      const { items } = await api<{ items: Hit[] }>('GET', `/api/v1/knowledge/suggestions?${query.toString()}`, { token: this.token() });
      if (seq !== this.suggestSeq) return;
      this.basis.textContent = `依据：${c.basis.join('、') || '无'}`;
      this.renderSuggestions(items);
    } catch (error) {
      if (seq !== this.suggestSeq) return;
      this.basis.textContent = `推荐暂不可用：${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private async search(): Promise<void> {
    const q = this.input.value.trim();
    const seq = ++this.searchSeq;
    if (!q) {
      replace(this.resultsBox);
      return;
    }
    replace(this.resultsBox, h('p', { class: 'muted' }, '检索中…'));
    try {
      const { items } = await api<{ items: Hit[] }>('GET', `/api/v1/knowledge/search?q=${encodeURIComponent(q)}&limit=10`, { token: this.token() });
      if (seq !== this.searchSeq) return;
      replace(
        this.resultsBox,
        h('h3', null, `检索结果（${items.length}）`),
        items.length === 0 ? h('p', { class: 'muted', 'data-testid': 'kb-no-results' }, '没有找到相关知识，可换个说法再试') : this.list(items),
      );
    } catch (error) {
      if (seq !== this.searchSeq) return;
      replace(this.resultsBox, h('p', { class: 'form-error' }, error instanceof Error ? error.message : String(error)));
    }
  }

  private renderSuggestions(items: Hit[]): void {
    replace(this.suggestionsBox, items.length === 0 ? h('p', { class: 'muted' }, '暂无推荐') : this.list(items));
  }

  private list(items: Hit[]): HTMLElement {
    return h('ol', { class: 'kb-hits' }, items.map((hit) => this.item(hit)));
  }

  private item(hit: Hit): HTMLElement {
    const full = h('div', { class: 'kb-answer', 'data-testid': 'kb-answer' }, hit.answer);
    full.hidden = true;
    const toggle = h('button', { type: 'button', class: 'ghost small' }, '展开全文');
    toggle.addEventListener('click', () => {
      full.hidden = !full.hidden;
      toggle.textContent = full.hidden ? '展开全文' : '收起';
    });
    const link = h('button', { type: 'button', class: 'small primary', 'data-testid': 'kb-link', 'data-entry-id': hit.entryId }, '以此答复');
    link.addEventListener('click', () => void this.link(hit, link));
    return h(
      'li',
      { class: 'kb-hit', 'data-testid': 'kb-hit', 'data-entry-id': hit.entryId },
      h('div', { class: 'kb-title', 'data-testid': 'kb-hit-title' }, markedText(hit.titleHtml)),
      h(
        'div',
        { class: 'kb-meta muted' },
        hit.department,
        hit.categories.length ? ` · ${hit.categories.join('、')}` : '',
        hit.validUntil ? ` · 有效期至 ${hit.validUntil}` : '',
        ` · 第 ${hit.version} 版`,
      ),
      h('p', { class: 'kb-snippet' }, markedText(hit.snippetHtml)),
      full,
      h('div', { class: 'actions' }, toggle, link),
    );
  }

  private refreshButtons(): void {
    for (const button of this.element.querySelectorAll<HTMLButtonElement>('[data-testid=kb-link]')) {
      const done = this.linked.has(Number(button.dataset.entryId));
      button.disabled = !this.ticketNumber || done;
      button.textContent = done ? '已关联工单' : '以此答复';
      button.title = this.ticketNumber ? '' : '当前没有工单';
    }
  }

  private async link(hit: Hit, button: HTMLButtonElement): Promise<void> {
    const ticketNumber = this.ticketNumber;
    if (!ticketNumber) {
      toast('当前没有来电工单，不能关联', 'error');
      return;
    }
    button.disabled = true;
    try {
      await api('POST', `/api/v1/tickets/${ticketNumber}/knowledge`, { token: this.token(), body: { entryId: hit.entryId } });
      this.linked.add(hit.entryId);
      toast(`已将“${hit.title}”关联到工单 ${ticketNumber}`);
      document.dispatchEvent(new CustomEvent<KnowledgeLinkedDetail>(KNOWLEDGE_LINKED_EVENT, { detail: { ticketNumber, entryId: hit.entryId, title: hit.title } }));
    } catch (error) {
      // The ticket becomes the agent's when they answer: while it rings, the server does not know it as theirs.
      const ringing = error instanceof ApiError && error.status === 404 && error.message === '工单不存在';
      toast(ringing ? '接听来电后才能将知识关联到工单' : error instanceof Error ? error.message : String(error), 'error');
    }
    this.refreshButtons();
  }
}
