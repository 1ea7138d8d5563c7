/**
 * 工单登记: the 12345 ticket an agent fills while talking — 来电人 (name, contact number, 是否保密),
 * 诉求 (类型, 紧急程度, 分类 from the category tree, content), 事发地址 (区/县 → 乡镇/街道 of the centre's
 * city, street address), and 处理 (处理方式, 承办单位, 办理时限). What is typed is saved on the server as
 * a draft (debounced, `PATCH /api/v1/tickets/:number` of the fields changed since the desk's copy, with
 * their values in it: ticket-changes.ts), so a reload or reconnect keeps it and nobody else's change
 * is overwritten (refused with 409: the form reads the ticket again and says which fields, and keeps
 * the agent's own text of each under it to put back: unsaved-edits.ts); 登记完成
 * (`POST …/register`) names every missing field; then 派单 or 直接答复 (`POST …/actions`).
 *
 * DOM events on `document`:
 * - dispatches `ticket-content` (debounced, as the agent types): `{ ticketNumber, content, categoryPath,
 *   category }` — categoryPath is the 诉求分类 path as text (`城乡建设 > 物业管理 > 物业服务收费`, '' if none),
 *   category the 诉求类型 code;
 * - listens for `knowledge-linked`: `{ ticketNumber, entryId, title }` — the entry is shown under 关联知识
 *   and saved with the ticket, and offers 直接答复 with it.
 *
 * Under 通话录音 the ticket's recordings as the ticket was read (every conversation of its calls,
 * callbacks included, oldest first: shared/recording-list.ts).
 */
import { api, ApiError } from '../shared/api.js';
import { dateTime, h, options, replace, toast } from '../shared/dom.js';
import { CATEGORIES, DISPOSITIONS, ticketStatus, URGENCIES } from '../shared/labels.js';
import { recordingTable, type TicketRecording } from '../shared/recording-list.js';
import { MatterPicker, type MatterNode } from './matter-picker.js';
import { formLockedReason } from '../../../../routing/tickets/form-lock.js';
import { FORM_FIELD_NAMES } from '../../../../routing/tickets/form-fields.js';
import { formChanges, rebase, type FormValues } from './ticket-changes.js';
import { TICKET_UPDATED_EVENT } from './ticket-rows.js';
import { typedValues, UnsavedEdits, type FormControl } from './unsaved-edits.js';


export const TICKET_CONTENT_EVENT = 'ticket-content';
export const KNOWLEDGE_LINKED_EVENT = 'knowledge-linked';
export interface TicketContentDetail {
  ticketNumber: string;
  content: string;
  categoryPath: string;
  category: string;
}
export interface KnowledgeLinkedDetail {
  ticketNumber: string;
  entryId: number;
  title: string;
}

interface Division {
  code: string;
  name: string;
}
interface TicketOptions {
  matters: MatterNode[];
  units: { id: number; name: string }[];
  city: { code: string; name: string; districts: (Division & { streets: Division[] })[] } | null;
}
interface Link {
  entryId: number;
  title: string;
}
interface Ticket {
  number: string;
  status: string;
  callerNumber: string;
  callerName: string | null;
  contactPhone: string | null;
  confidential: boolean;
  category: string | null;
  urgency: string | null;
  matterId: number | null;
  matterPath: string | null;
  content: string;
  districtCode: string | null;
  streetCode: string | null;
  address: string | null;
  disposition: string | null;
  handlingUnitId: number | null;
  handlingUnit: string | null;
  dueAt: string | null;
  dueOverride: string | null;
  dueReason: string | null;
  knowledgeLinks: Link[];
  registeredAt: string | null;
  updatedAt: string;
}
interface Incomplete {
  missing?: string[];
}

/** How long typing pauses before the draft is saved and the content announced. */
const SAVE_DELAY_MS = 600;

/** `2026-12-05T09:30` in the browser's local time (a datetime-local input's value) ↔ ISO. */
function localInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export class TicketForm {
  readonly element: HTMLElement;
  private ticketNumber: string | null = null;
  private ticket: Ticket | null = null;
  private ticketOptions: TicketOptions | null = null;
  private links: Link[] = [];
  /** The deadline the agent chose (ISO), or null for the rule's. */
  private dueOverride: string | null = null;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private saving: Promise<void> = Promise.resolve();
  /** The fields the server last named as missing (still shown until filled). */
  private missing: string[] = [];
  /** Bumped on every bind: answers for an earlier ticket are dropped. */
  private generation = 0;
  /** Bumped on every save refused as made from a stale copy: 登记完成 and 派单 wait for the agent to look again. */
  private conflicts = 0;
  /** The agent's own text of fields a refused save would have set (shown under them, to put back). */
  private readonly unsaved = new UnsavedEdits();

  private readonly title = h('span', { 'data-testid': 'ticket-form-number' });
  private readonly stage = h('span', { class: 'ticket-stage', 'data-testid': 'ticket-stage' });
  private readonly status = h('p', { class: 'muted', 'data-testid': 'ticket-form-status', role: 'status' });
  private readonly missingList = h('ul', { class: 'form-error ticket-missing', 'data-testid': 'ticket-missing', hidden: true });
  private readonly callerName = h('input', { name: 'callerName', maxlength: 32, placeholder: '如 王女士', 'data-testid': 'ticket-caller-name' });
  private readonly contactPhone = h('input', { name: 'contactPhone', maxlength: 21, inputmode: 'tel', placeholder: '默认同来电号码', 'data-testid': 'ticket-contact-phone' });
  private readonly confidential = h('input', { type: 'checkbox', name: 'confidential', 'data-testid': 'ticket-confidential' });
  private readonly category = h('select', { name: 'category', 'data-testid': 'ticket-category' });
  private readonly urgency = h('select', { name: 'urgency', 'data-testid': 'ticket-urgency' });
  private readonly matter = new MatterPicker();
  private readonly content = h('textarea', { name: 'content', rows: 4, maxlength: 4000, placeholder: '来电人诉求内容', 'data-testid': 'ticket-content' });
  private readonly district = h('select', { name: 'districtCode', 'data-testid': 'ticket-district' });
  private readonly street = h('select', { name: 'streetCode', 'data-testid': 'ticket-street' });
  private readonly address = h('input', { name: 'address', maxlength: 200, placeholder: '路名、门牌、小区、楼栋', 'data-testid': 'ticket-address' });
  private readonly disposition = h('select', { name: 'disposition', 'data-testid': 'ticket-disposition' });
  private readonly unit = h('select', { name: 'handlingUnitId', 'data-testid': 'ticket-unit' });
  private readonly due = h('input', { type: 'datetime-local', name: 'due', 'data-testid': 'ticket-due' });
  private readonly dueRule = h('button', { type: 'button', class: 'text-button', 'data-testid': 'ticket-due-rule', title: '恢复为按紧急程度和诉求类型计算的规定时限' }, '按规定时限');
  private readonly dueReason = h('input', { name: 'dueReason', maxlength: 200, placeholder: '晚于规定时限时必填', 'data-testid': 'ticket-due-reason' });
  private readonly dueHint = h('span', { class: 'muted', 'data-testid': 'ticket-due-hint' });
  private readonly linkList = h('ul', { class: 'ticket-links', 'data-testid': 'ticket-links' });
  private readonly recordingBox = h('div', { 'data-testid': 'ticket-recordings' });
  /** Saves the draft at once (also the desk's Ctrl+S, which presses it). */
  private readonly saveButton = h('button', { type: 'submit', 'data-testid': 'ticket-save' }, '保存');
  private readonly registerButton = h('button', { type: 'submit', class: 'primary', 'data-testid': 'ticket-register' }, '登记完成');
  private readonly dispatchButton = h('button', { type: 'button', 'data-testid': 'ticket-dispatch' }, '派单');
  private readonly answerButton = h('button', { type: 'button', 'data-testid': 'ticket-answer' }, '直接答复办结');
  private readonly form: HTMLFormElement;

  constructor(private readonly token: () => string) {
    this.category.append(...options([['', '请选择'], ...CATEGORIES]));
    this.urgency.append(...options([['', '请选择'], ...URGENCIES]));
    this.disposition.append(...options([['', '请选择'], ...DISPOSITIONS]));
    const field = (label: string, control: HTMLElement, name: string) => h('label', { 'data-field': name }, label, control);
    this.form = h(
      'form',
      { class: 'ticket-form', 'data-testid': 'ticket-form', novalidate: true },
      h(
        'fieldset',
        null,
        h('legend', null, '来电人'),
        h(
          'div',
          { class: 'row' },
          field('来电人姓名', this.callerName, '来电人姓名'),
          field('联系电话', this.contactPhone, '联系电话'),
          h('label', { class: 'inline ticket-confidential' }, this.confidential, '保密（承办单位及他人不可见来电人信息）'),
        ),
      ),
      h(
        'fieldset',
        null,
        h('legend', null, '诉求'),
        h('div', { class: 'row' }, field('诉求类型', this.category, '诉求类型'), field('紧急程度', this.urgency, '紧急程度')),
        h('div', { 'data-field': '诉求分类' }, h('span', { class: 'field-label' }, '诉求分类'), this.matter.element),
        field('诉求内容', this.content, '诉求内容'),
      ),
      h(
        'fieldset',
        null,
        h('legend', null, '事发地址'),
        h('div', { class: 'row' }, field('区/县', this.district, '事发区/县'), field('乡镇/街道', this.street, '事发乡镇/街道')),
        field('详细地址', this.address, '详细地址'),
      ),
      h(
        'fieldset',
        null,
        h('legend', null, '处理'),
        h('div', { class: 'row' }, field('处理方式', this.disposition, '处理方式'), field('承办单位', this.unit, '承办单位')),
        h('div', { class: 'row' }, h('label', null, h('span', null, '办理时限 ', this.dueRule), this.due, this.dueHint), field('延长理由', this.dueReason, '延长理由')),
      ),
      h('fieldset', null, h('legend', null, '关联知识'), this.linkList),
      h('fieldset', null, h('legend', null, '通话录音'), this.recordingBox),
      this.missingList,
      h('div', { class: 'actions' }, this.saveButton, this.registerButton, this.dispatchButton, this.answerButton),
      this.status,
    );
    this.form.addEventListener('input', (event) => this.changed(event));
    this.form.addEventListener('change', (event) => this.changed(event));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (event.submitter === this.saveButton) void this.flush(true);
      else void this.registerNow();
    });
    this.dispatchButton.addEventListener('click', () => void this.act('dispatch'));
    this.answerButton.addEventListener('click', () => void this.act('answer-directly'));
    this.dueRule.addEventListener('click', () => {
      this.dueOverride = null;
      this.dueReason.value = '';
      this.schedule();
    });
    this.district.addEventListener('change', () => this.fillStreets(null));
    document.addEventListener(KNOWLEDGE_LINKED_EVENT, (event) => this.linked((event as CustomEvent<KnowledgeLinkedDetail>).detail));
    this.element = h('section', { class: 'card', id: 'ticket' }, h('h2', null, '工单登记 ', this.title, ' ', this.stage), this.form);
    this.bind(null);
  }

  /** Shows the form for a ticket (or disables it when there is none). */
  bind(ticketNumber: string | null): void {
    if (ticketNumber === this.ticketNumber) return;
    void this.flush();
    this.generation++;
    this.ticketNumber = ticketNumber;
    this.ticket = null;
    this.unsaved.clear();
    this.title.textContent = ticketNumber ? `工单编号 ${ticketNumber}` : '';
    this.stage.textContent = '';
    this.fill(null);
    replace(this.recordingBox);
    this.showMissing([]);
    this.setEnabled(false);
    this.say(ticketNumber ? '正在读取工单…' : '来电振铃后在此登记工单。');
    if (ticketNumber) void this.load(ticketNumber, this.generation);
  }

  private setEnabled(on: boolean): void {
    for (const control of this.form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | HTMLButtonElement>('input, select, textarea, button')) {
      control.disabled = !on;
    }
    if (on) this.updateButtons();
  }

  private say(text: string, kind: 'muted' | 'ok' | 'form-error' = 'muted'): void {
    this.status.textContent = text;
    this.status.className = kind;
  }

  private async options(): Promise<TicketOptions> {
    this.ticketOptions ??= await api<TicketOptions>('GET', '/api/v1/ticket-options', { token: this.token() });
    return this.ticketOptions;
  }

  private async load(ticketNumber: string, generation: number): Promise<void> {
    try {
      const [opts, { ticket, recordings }] = await Promise.all([
        this.options(),
        api<{ ticket: Ticket; recordings: TicketRecording[] }>('GET', `/api/v1/tickets/${ticketNumber}`, { token: this.token() }),
      ]);
      if (generation !== this.generation) return;
      this.matter.setNodes(opts.matters);
      replace(this.unit, ...options([['', '请选择'], ...opts.units.map((u): [string, string] => [String(u.id), u.name])]));
      replace(this.district, ...options([['', opts.city ? `请选择（${opts.city.name}）` : '未设定本市'], ...(opts.city?.districts ?? []).map((d): [string, string] => [d.code, d.name])]));
      this.ticket = ticket;
      this.fill(ticket);
      replace(this.recordingBox, recordingTable(recordings));
      this.setEnabled(true);
      // A draft read back (after a reload or reconnect) is news to the other panels too.
      if (ticket.content || ticket.matterId) this.announce(ticketNumber);
      const locked = formLockedReason(ticket.status);
      if (locked) this.say(`${locked}。`);
      else this.say(ticket.registeredAt ? `已登记完成 ${dateTime(ticket.registeredAt)}` : '通话中登记，输入即自动保存草稿。', ticket.registeredAt ? 'ok' : 'muted');
    } catch (error) {
      if (generation !== this.generation) return;
      // Not yet the agent's ticket (still ringing): try again once the call is answered.
      this.say(error instanceof ApiError && error.status === 404 ? '接听后即可登记工单。' : `读取工单失败：${error instanceof Error ? error.message : String(error)}`);
      if (error instanceof ApiError && error.status === 404) setTimeout(() => generation === this.generation && void this.load(ticketNumber, generation), 1000);
    }
  }

  private fill(t: Ticket | null): void {
    this.callerName.value = t?.callerName ?? '';
    this.contactPhone.value = t?.contactPhone ?? t?.callerNumber ?? '';
    this.confidential.checked = t?.confidential ?? false;
    this.category.value = t?.category ?? '';
    this.urgency.value = t?.urgency ?? '';
    this.matter.select(t?.matterId ?? null, t?.matterPath ?? null);
    this.content.value = t?.content ?? '';
    this.district.value = t?.districtCode ?? '';
    this.fillStreets(t?.streetCode ?? null);
    this.address.value = t?.address ?? '';
    this.disposition.value = t?.disposition ?? '';
    this.unit.value = t?.handlingUnitId ? String(t.handlingUnitId) : '';
    this.dueOverride = t?.dueOverride ?? null;
    this.due.value = localInput(t?.dueOverride ?? t?.dueAt ?? null);
    this.dueReason.value = t?.dueReason ?? '';
    this.showDue(t);
    this.links = t?.knowledgeLinks ?? [];
    this.renderLinks();
    this.stage.textContent = t ? (t.registeredAt ? ticketStatus(t.status) : '草稿') : '';
    this.stage.dataset.stage = t ? (t.registeredAt ? t.status : 'draft') : '';
  }

  private showDue(t: Ticket | null): void {
    this.dueHint.textContent = t?.dueAt ? (t.dueOverride ? `已自定：${dateTime(t.dueAt)}` : `规定时限：${dateTime(t.dueAt)}`) : '选择诉求类型后计算';
  }

  private fillStreets(selected: string | null): void {
    const district = this.ticketOptions?.city?.districts.find((d) => d.code === this.district.value);
    replace(this.street, ...options([['', district ? '请选择' : '先选区/县'], ...(district?.streets ?? []).map((s): [string, string] => [s.code, s.name])]));
    this.street.value = selected ?? '';
  }

  private renderLinks(): void {
    if (this.links.length === 0) {
      replace(this.linkList, h('li', { class: 'muted' }, '尚未关联知识库条目'));
      return;
    }
    replace(
      this.linkList,
      this.links.map((link) =>
        h(
          'li',
          { 'data-testid': 'ticket-link', 'data-entry-id': link.entryId },
          h('span', null, link.title),
          h('button', { type: 'button', class: 'text-button', 'data-testid': 'ticket-link-answer', onclick: () => void this.answerWith(link) }, '以此直接答复'),
          h('button', { type: 'button', class: 'text-button', 'aria-label': `取消关联 ${link.title}`, onclick: () => this.unlink(link.entryId) }, '取消关联'),
        ),
      ),
    );
  }

  private linked(detail: KnowledgeLinkedDetail | undefined): void {
    if (!detail || detail.ticketNumber !== this.ticketNumber || !this.ticket) return;
    if (!this.links.some((l) => l.entryId === detail.entryId)) this.links = [...this.links, { entryId: detail.entryId, title: detail.title }];
    this.renderLinks();
    this.schedule();
  }

  private unlink(entryId: number): void {
    this.links = this.links.filter((l) => l.entryId !== entryId);
    this.renderLinks();
    this.schedule();
  }

  private changed(event: Event): void {
    if (event.target === this.due) this.dueOverride = this.due.value ? new Date(this.due.value).toISOString() : null;
    // A field the agent fills is no longer shown as missing.
    const field = event.target instanceof Element ? event.target.closest<HTMLElement>('[data-field]')?.dataset.field : undefined;
    if (field && this.missing.includes(field)) this.showMissing(this.missing.filter((f) => f !== field));
    this.updateButtons();
    this.schedule();
  }

  private updateButtons(): void {
    const status = this.ticket?.status;
    if (status && formLockedReason(status) !== null) {
      // 办结 and after: the form is the record of what was done, and the server refuses changes to it.
      for (const control of this.form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | HTMLButtonElement>('input, select, textarea, button')) {
        control.disabled = true;
      }
      return;
    }
    const registered = Boolean(this.ticket?.registeredAt);
    const open = this.ticket?.status === 'accepted' || this.ticket?.status === 'returned';
    this.saveButton.disabled = !this.ticket;
    // Once dispatched or closed, the unit and the deadline change only through the lifecycle.
    for (const control of [this.unit, this.due, this.dueRule, this.dueReason]) control.disabled = !this.ticket || !open;
    this.registerButton.disabled = !this.ticket || registered;
    this.dispatchButton.disabled = !this.ticket || !open || this.disposition.value !== 'dispatch';
    this.answerButton.disabled = !this.ticket || this.ticket.status !== 'accepted' || this.disposition.value !== 'answered';
  }

  private body(): Record<string, unknown> {
    const text = (v: string) => v.trim() || null;
    return {
      callerName: text(this.callerName.value),
      contactPhone: text(this.contactPhone.value.replace(/[\s-]/g, '')),
      confidential: this.confidential.checked,
      ...(this.category.value ? { category: this.category.value } : {}),
      ...(this.urgency.value ? { urgency: this.urgency.value } : {}),
      matterId: this.matter.leaf(),
      content: this.content.value.trim(),
      districtCode: this.district.value || null,
      streetCode: this.street.value || null,
      address: text(this.address.value),
      ...(this.disposition.value ? { disposition: this.disposition.value } : {}),
      handlingUnitId: this.unit.value ? Number(this.unit.value) : null,
      dueOverride: this.dueOverride,
      dueReason: text(this.dueReason.value),
      knowledgeLinks: this.links,
    };
  }

  /** Saves the draft and announces the content once typing pauses. */
  private schedule(): void {
    if (!this.ticket) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => void this.flush(), SAVE_DELAY_MS);
  }

  /** Tells the desk's other panels (the knowledge base's suggestions) what the ticket is about. */
  private announce(ticketNumber: string): void {
    document.dispatchEvent(
      new CustomEvent<TicketContentDetail>(TICKET_CONTENT_EVENT, {
        detail: { ticketNumber, content: this.content.value.trim(), categoryPath: this.matter.path(), category: this.category.value },
      }),
    );
  }

  /** Saves now what is pending, or at once with `force` (one save at a time, in order). */
  private flush(force = false): Promise<void> {
    if (!this.saveTimer && !force) return this.saving;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    const ticketNumber = this.ticketNumber;
    if (!ticketNumber || !this.ticket) return this.saving;
    const values = this.body();
    const generation = this.generation;
    this.announce(ticketNumber);
    this.saving = this.saving.then(async () => {
      // Against the copy as the save before this one left it.
      const base = this.ticket;
      const changes = base && formChanges(values, base as unknown as FormValues);
      if (!base || !changes) {
        if (base && force) this.saved(base, []);
        return;
      }
      try {
        const { ticket } = await api<{ ticket: Ticket }>('PATCH', `/api/v1/tickets/${ticketNumber}`, { token: this.token(), body: { ...changes.body, previous: changes.previous } });
        if (generation !== this.generation) return;
        const { theirs } = this.rebase(ticket, changes.body);
        this.showDue(ticket);
        // The rule's deadline follows category and urgency until the agent picks one.
        if (!this.dueOverride && document.activeElement !== this.due) this.due.value = localInput(ticket.dueAt);
        this.updateButtons();
        this.saved(ticket, theirs);
      } catch (error) {
        if (generation !== this.generation) return;
        // A refused choice is a 409 too; a stale copy names the fields someone else changed.
        if (error instanceof ApiError && error.status === 409 && Array.isArray((error.body as { fields?: unknown } | null)?.fields)) {
          this.conflicts++;
          return this.reread(ticketNumber, generation, error.message);
        }
        this.showMissing(error instanceof ApiError ? ((error.body as Incomplete | null)?.missing ?? []) : []);
        this.say(`保存失败：${error instanceof Error ? error.message : String(error)}`, 'form-error');
      }
    });
    return this.saving;
  }

  private saved(ticket: Ticket, theirs: string[]): void {
    const note = theirs.length > 0 ? `；${this.names(theirs)}已由他人修改，现显示最新内容` : '';
    this.say(`${ticket.registeredAt ? '已保存' : '草稿已保存'} ${new Date(ticket.updatedAt).toLocaleTimeString('zh-CN', { hour12: false })}${note}`, ticket.registeredAt ? 'ok' : 'muted');
  }

  private names(fields: string[]): string {
    return fields.map((f) => FORM_FIELD_NAMES[f as keyof typeof FORM_FIELD_NAMES] ?? f).join('、');
  }

  /**
   * Takes the server's copy as the base of the next save: the fields someone else changed are shown
   * as they now are, the agent's unsaved edits of the others stay (and are saved next).
   */
  private rebase(fresh: Ticket, sent: FormValues | null): { theirs: string[]; lost: string[] } {
    const old = this.ticket ?? fresh;
    const { theirs, keep, lost } = rebase(this.body(), old as unknown as FormValues, fresh as unknown as FormValues, sent);
    this.ticket = fresh;
    if (theirs.length > 0) {
      const matterPath = 'matterId' in keep ? this.matter.path() || null : fresh.matterPath;
      this.fill({ ...fresh, ...keep, matterPath });
      if (Object.keys(keep).length > 0 && formLockedReason(fresh.status) === null) this.schedule();
    }
    return { theirs, lost };
  }

  /** The fields whose text the agent can be given back after a refused save, by the save's names. */
  private restorable(): Record<string, FormControl> {
    return {
      callerName: this.callerName,
      contactPhone: this.contactPhone,
      category: this.category,
      urgency: this.urgency,
      content: this.content,
      address: this.address,
      disposition: this.disposition,
      handlingUnitId: this.unit,
      dueReason: this.dueReason,
    };
  }

  /** A save refused as made from a stale copy: read the ticket again and say what changed. */
  private async reread(ticketNumber: string, generation: number, message: string): Promise<void> {
    try {
      const { ticket } = await api<{ ticket: Ticket }>('GET', `/api/v1/tickets/${ticketNumber}`, { token: this.token() });
      if (generation !== this.generation) return;
      // As typed, before the server's copy replaces it: a field both changed keeps the agent's text beside it.
      const typed = typedValues(this.restorable());
      const { theirs, lost } = this.rebase(ticket, null);
      this.updateButtons();
      // A select's choice whose option is gone is not offered back: named with the others to fill in again.
      const offered = new Set(this.unsaved.show(lost.flatMap((field) => typed.get(field) ?? [])));
      const kept = lost.filter((field) => {
        const edit = typed.get(field);
        return edit !== undefined && offered.has(edit);
      });
      const others = lost.filter((field) => !kept.includes(field));
      const changed = theirs.length > 0 ? `${this.names(theirs)}已由他人修改，现显示最新内容` : '已重新读取工单';
      const shown = kept.length > 0 ? `；您对${this.names(kept)}的修改未保存，已列在该项下方，可点「使用我的修改」恢复` : '';
      const dropped = others.length > 0 ? `；您对${this.names(others)}的修改未保存，请核对后重新填写` : '';
      this.say(`${message}。${changed}${shown}${dropped}`, 'form-error');
    } catch (error) {
      if (generation !== this.generation) return;
      this.say(`${message}。重新读取工单失败：${error instanceof Error ? error.message : String(error)}`, 'form-error');
    }
  }

  private showMissing(missing: string[]): void {
    this.missing = missing;
    this.missingList.hidden = missing.length === 0;
    replace(this.missingList, missing.length ? [h('li', null, `请填写：${missing.join('、')}`)] : []);
    for (const wrapper of this.form.querySelectorAll<HTMLElement>('[data-field]')) {
      const bad = missing.includes(wrapper.dataset.field ?? '');
      wrapper.classList.toggle('invalid', bad);
      for (const control of wrapper.querySelectorAll('input, select, textarea')) control.setAttribute('aria-invalid', bad ? 'true' : 'false');
    }
  }

  /** 登记完成: the server names what is missing. */
  private async registerNow(): Promise<boolean> {
    const ticketNumber = this.ticketNumber;
    if (!ticketNumber || !this.ticket) return false;
    const conflicts = this.conflicts;
    await this.flush(true);
    if (this.conflicts !== conflicts) return false;
    if (this.ticket.registeredAt) return true;
    try {
      const { ticket } = await api<{ ticket: Ticket }>('POST', `/api/v1/tickets/${ticketNumber}/register`, { token: this.token() });
      this.ticket = ticket;
      this.fill(ticket);
      this.showMissing([]);
      this.updateButtons();
      this.say(`已登记完成 ${dateTime(ticket.registeredAt ?? ticket.updatedAt)}`, 'ok');
      toast(`工单 ${ticketNumber} 登记完成`);
      document.dispatchEvent(new CustomEvent(TICKET_UPDATED_EVENT, { detail: { ticketNumber } }));
      return true;
    } catch (error) {
      this.showMissing(error instanceof ApiError ? ((error.body as Incomplete | null)?.missing ?? []) : []);
      this.say(`不能登记完成：${error instanceof Error ? error.message : String(error)}`, 'form-error');
      return false;
    }
  }

  /** 派单 / 直接答复: registers first when still a draft. */
  private async act(action: 'dispatch' | 'answer-directly', note?: string): Promise<void> {
    const ticketNumber = this.ticketNumber;
    if (!ticketNumber || !(await this.registerNow())) return;
    try {
      const { ticket } = await api<{ ticket: Ticket }>('POST', `/api/v1/tickets/${ticketNumber}/actions`, {
        token: this.token(),
        body: { action, ...(note ? { note } : {}) },
      });
      this.ticket = ticket;
      this.fill(ticket);
      this.updateButtons();
      const done = action === 'dispatch' ? `已派单至 ${ticket.handlingUnit ?? ''}，办理时限 ${ticket.dueAt ? dateTime(ticket.dueAt) : '—'}` : '已直接答复办结';
      this.say(done, 'ok');
      toast(`工单 ${ticketNumber} ${done}`);
      document.dispatchEvent(new CustomEvent(TICKET_UPDATED_EVENT, { detail: { ticketNumber } }));
    } catch (error) {
      this.say(`${action === 'dispatch' ? '派单' : '直接答复'}失败：${error instanceof Error ? error.message : String(error)}`, 'form-error');
    }
  }

  private async answerWith(link: Link): Promise<void> {
    this.disposition.value = 'answered';
    this.schedule();
    await this.act('answer-directly', `依据知识库「${link.title}」直接答复`);
  }
}
