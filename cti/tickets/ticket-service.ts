/**
 * Applies ticket moves: checks them with the lifecycle rules (routing/tickets), writes the status,
 * the history entry and any deadline atomically, and publishes `ticket.changed`. A ticket is a draft
 * (saved as the agent types) until 登记完成 checks its required fields (routing/tickets/registration.ts);
 * only then can it be answered directly or dispatched. While at acceptance, its deadlines follow the
 * category and urgency on the working-day calendar with the admin's corrections, or the agent's choice;
 * the same choice, with the same checks, is made again for a returned ticket (退单) before 改派.
 * A redo (重办) starts a new round: deadlines counted afresh from that moment, no extension used.
 * Once closed, the form is not rewritten (routing/tickets/form-edits.ts); edits of a registered
 * ticket before that are named in its history.
 */
import { computeDeadlines, deadlineText, extendDeadline } from '../../routing/tickets/deadlines.js';
import { changedFormFields } from '../../routing/tickets/form-edits.js';
import { conflictingFormFields, FORM_CONFLICT_MESSAGE, type PreviousForm } from '../../routing/tickets/form-conflicts.js';
import { callerView } from '../../routing/tickets/confidentiality.js';
import { formLockedReason } from '../../routing/tickets/form-lock.js';
import { checkAnswerReady, checkDispatchReady, checkDueChoice, missingForRegistration } from '../../routing/tickets/registration.js';
import { MAX_EXTENSIONS, checkExtension, checkMove, type TicketAction } from '../../routing/tickets/ticket-lifecycle.js';
import type { WorkingCalendar } from '../../routing/tickets/working-calendar.js';
import {
  centreCityCode,
  changeTicketStatus,
  clockOf,
  findDivision,
  findHandlingUnit,
  findTicketByNumber,
  grantExtension,
  isSelectableMatter,
  markTicketRegistered,
  matterPathText,
  saveTicketForm,
  type Db,
  type StatusChange,
  type TicketForm,
  type TicketRow,
} from '../../store/index.js';
import type { DomainEventBus } from '../events/domain-events.js';
import { KeyedTurns } from '../events/keyed-turns.js';
import { readWorkingCalendar } from './read-calendar.js';
import type { Logger } from '../logging.js';

type StatusChangeSet = NonNullable<StatusChange['set']>;

export class TicketError extends Error {
  constructor(
    readonly kind: 'not-found' | 'refused' | 'conflict' | 'incomplete',
    message: string,
    /** `incomplete`: the required fields still missing, in the form's words. */
    readonly missing: string[] = [],
    /** `conflict` of a form save: the fields someone else changed meanwhile, in the form's words. */
    readonly fields: string[] = [],
  ) {
    super(message);
    this.name = 'TicketError';
  }
}

export class TicketService {
  /** Per ticket number, its changes in turn. */
  private readonly changing = new KeyedTurns<string>();

  constructor(
    private readonly db: Db,
    private readonly bus: DomainEventBus,
    private readonly log: Logger,
    private readonly now: () => Date = () => clockOf(db).now(),
  ) {}

  /** The calendar with today's admin corrections (read fresh: a correction applies at once). */
  async calendar(): Promise<WorkingCalendar> {
    return readWorkingCalendar(this.db);
  }

  /**
   * A ticket's changes run one after another, each reading what the one before wrote: a draft saved
   * while the previous save is still being written must not compute its deadlines from the older form.
   */
  private inTurn<T>(number: string, change: () => Promise<T>): Promise<T> {
    return this.changing.run(number, change);
  }

  private async require(number: string): Promise<TicketRow> {
    const ticket = await findTicketByNumber(this.db, number);
    if (!ticket) throw new TicketError('not-found', '工单不存在');
    return ticket;
  }

  /**
   * Saves the draft (what the agent has typed, as they type). Chosen classification, place, unit and
   * deadline are checked as they come; the required fields only at 登记完成. While the ticket is still
   * at acceptance, its deadlines follow the category and urgency (or the agent's chosen deadline); once
   * returned, the same when the save touches them. Once registered, a save may not leave a required
   * field empty, and the history names the fields it changed (`actor` made the change). Once closed,
   * a save that would change anything is refused; one that changes nothing writes nothing.
   * With `base` (the values the client last read, and who reads: form-conflicts.ts), a save that would
   * overwrite a field someone else changed since is refused whole; without it, the last save wins.
   */
  async register(number: string, form: TicketForm, actor: string, base?: { previous: PreviousForm; viewerAgentId: number | null }): Promise<TicketRow> {
    return this.inTurn(number, async () => {
      const ticket = await this.require(number);
      if (base) {
        const stale = conflictingFormFields(callerView(ticket, base.viewerAgentId), form, base.previous);
        if (stale.length > 0) throw new TicketError('conflict', FORM_CONFLICT_MESSAGE, [], stale);
      }
      const changed = changedFormFields(ticket, form);
      const locked = formLockedReason(ticket.status);
      if (locked) {
        if (changed.length > 0) throw new TicketError('refused', locked);
        return ticket;
      }
      if (ticket.status !== 'accepted' && ticket.status !== 'returned') {
        const changes = (k: 'handlingUnitId' | 'dueOverride' | 'dueReason') => form[k] !== undefined && form[k] !== ticket[k];
        if (changes('handlingUnitId') || changes('dueOverride') || changes('dueReason')) {
          throw new TicketError('refused', '工单已派出或办结，承办单位和办理时限须经退单、改派或延期变更');
        }
      }
      const next: TicketForm = { ...form };
      if (form.matterId !== undefined && form.matterId !== null && form.matterId !== ticket.matterId) {
        const pick = await isSelectableMatter(this.db, form.matterId);
        if (!pick.ok) throw new TicketError('refused', pick.reason);
        next.matterPath = matterPathText(pick.line);
      } else if (form.matterId === null) next.matterPath = null;
      if (form.districtCode !== undefined || form.streetCode !== undefined) {
        const districtCode = form.districtCode === undefined ? ticket.districtCode : form.districtCode;
        const streetCode = form.streetCode === undefined ? ticket.streetCode : form.streetCode;
        if (districtCode === null) {
          if (streetCode !== null) throw new TicketError('refused', '请先选择事发区/县');
          Object.assign(next, { districtName: null, streetCode: null, streetName: null });
        } else {
          if (!(await centreCityCode(this.db))) throw new TicketError('refused', '本中心所在城市未设定，请管理员在系统管理的工单分类中设定');
          const place = await findDivision(this.db, districtCode, streetCode);
          if (!place) throw new TicketError('refused', streetCode ? '事发乡镇/街道不在所选区/县内' : '事发区/县不在本市');
          Object.assign(next, { districtCode, districtName: place.district.name, streetCode, streetName: place.street?.name ?? null });
        }
      }
      if (form.handlingUnitId !== undefined && form.handlingUnitId !== null && form.handlingUnitId !== ticket.handlingUnitId) {
        if (!(await findHandlingUnit(this.db, form.handlingUnitId))?.enabled) throw new TicketError('refused', '承办单位不存在或已停用');
      }
      const merged = { ...ticket, ...next };
      if (ticket.registeredAt) {
        const missing = missingForRegistration(merged);
        if (missing.length > 0) throw new TicketError('incomplete', `缺少必填项：${missing.join('、')}`, missing);
      }
      const deadlines = await this.formDeadlines(ticket, merged, form);
      const saved = await saveTicketForm(this.db, ticket.id, { ...next, ...deadlines }, ticket.registeredAt ? { actor, fields: changed } : undefined);
      if (!saved) throw new TicketError('not-found', '工单不存在');
      return saved;
    });
  }

  /**
   * The deadlines a save implies. At acceptance: always (they follow category and urgency). Returned
   * (退单, before 改派): only when the save changes what they depend on — the agent's choice, its reason,
   * category or urgency — so that other edits keep the deadline as it stands (with any extension); the
   * same-day dispatch deadline stays the first round's.
   */
  private async formDeadlines(ticket: TicketRow, merged: TicketRow, form: TicketForm): Promise<{ dueAt?: string | null; dispatchDueAt?: string | null }> {
    if (ticket.status === 'accepted') return this.deadlinesOf(merged);
    if (ticket.status !== 'returned') return {};
    const touches = (['category', 'urgency', 'dueOverride', 'dueReason'] as const).some((k) => form[k] !== undefined && form[k] !== ticket[k]);
    if (!touches) return {};
    const { dueAt } = await this.deadlinesOf(merged);
    return dueAt === undefined ? {} : { dueAt };
  }

  /**
   * The rule's deadline (counted from the round's start: the acceptance, or the redo; moved by the
   * extensions already granted), the latest allowed (the rule's plus every extension the rules allow),
   * and the one that applies (the agent's choice, checked).
   */
  private async deadlinesOf(t: TicketRow): Promise<{ dueAt?: string | null; dispatchDueAt?: string | null }> {
    if (!t.category) {
      if (t.dueOverride) throw new TicketError('refused', '请先选择诉求类型，再设定办理时限');
      return {};
    }
    const calendar = await this.calendar();
    const rule = computeDeadlines(calendar, { acceptedAt: new Date(t.deadlineFrom ?? t.createdAt), category: t.category, urgency: t.urgency });
    if (rule.beyondKnownCalendar) {
      this.log.warn({ ticket: t.number, dueAt: rule.dueAt, knownThrough: calendar.knownThrough }, 'deadline runs past the known holiday calendar');
    }
    let ruleDueAt = rule.dueAt;
    for (let i = 0; i < t.extensions; i++) ruleDueAt = extendDeadline(calendar, ruleDueAt).dueAt;
    if (!t.dueOverride) return { dueAt: ruleDueAt, dispatchDueAt: rule.dispatchDueAt };
    let latest = rule.dueAt;
    for (let i = 0; i < MAX_EXTENSIONS; i++) latest = extendDeadline(calendar, latest).dueAt;
    const check = checkDueChoice({ ruleDueAt, latestDueAt: latest, chosen: t.dueOverride, reason: t.dueReason, now: this.now() });
    if (!check.ok) throw new TicketError('refused', check.reason);
    return { dueAt: t.dueOverride, dispatchDueAt: rule.dispatchDueAt };
  }

  /**
   * 重办 starts a new round: deadlines by the rule counted from `now` (the first round's have usually
   * passed by the 回访), no extension used yet, the first round's chosen deadline dropped, and the
   * deadline watch's flags gone with the old deadline. Null without a category (no rule to count by).
   */
  private newRound(calendar: WorkingCalendar, ticket: TicketRow, now: Date): { set: StatusChangeSet; note: string } | null {
    if (!ticket.category) return null;
    const rule = computeDeadlines(calendar, { acceptedAt: now, category: ticket.category, urgency: ticket.urgency });
    if (rule.beyondKnownCalendar) {
      this.log.warn({ ticket: ticket.number, dueAt: rule.dueAt, knownThrough: calendar.knownThrough }, 'deadline runs past the known holiday calendar');
    }
    return {
      set: {
        dueAt: rule.dueAt,
        dispatchDueAt: rule.dispatchDueAt,
        extensions: 0,
        deadlineFrom: now.toISOString(),
        dueOverride: null,
        dueReason: null,
        deadlineWatchLevel: null,
        deadlineWatchDueAt: null,
      },
      note: `办理时限重新计算至 ${deadlineText(rule.dueAt)}${ticket.dueAt ? `（原期限 ${deadlineText(ticket.dueAt)}）` : ''}，延期次数重新计算`,
    };
  }

  /** 登记完成: refused with every missing field named; then the ticket is no longer a draft. */
  async completeRegistration(number: string, actor: string): Promise<TicketRow> {
    return this.inTurn(number, async () => {
      const ticket = await this.require(number);
      if (ticket.registeredAt) return ticket;
      const missing = missingForRegistration(ticket);
      if (missing.length > 0) throw new TicketError('incomplete', `缺少必填项：${missing.join('、')}`, missing);
      const summary = [ticket.matterPath, ticket.districtName && `${ticket.districtName}${ticket.streetName ?? ''}`].filter(Boolean).join('；');
      if (!(await markTicketRegistered(this.db, ticket.id, actor, `登记完成：${summary}`))) return this.require(number);
      this.bus.publish({ type: 'ticket.changed', at: this.now().toISOString(), ticketId: ticket.id, number, from: ticket.status, to: ticket.status, action: 'register', actor });
      return this.require(number);
    });
  }

  async act(number: string, action: TicketAction, actor: string, input: { note?: string | null; satisfaction?: TicketRow['satisfaction'] } = {}): Promise<TicketRow> {
    return this.inTurn(number, async () => {
      const ticket = await this.require(number);
      const now = this.now();
      const calendar = await this.calendar();
      const check = checkMove(calendar, ticket.status, action, {
        now,
        dispatchedAt: ticket.dispatchedAt,
        note: input.note ?? null,
        satisfaction: action === 'evaluate' ? (input.satisfaction ?? null) : ticket.satisfaction,
      });
      if (!check.ok) throw new TicketError('refused', check.reason);
      if (ticket.status === 'accepted' || ticket.status === 'returned') {
        const ready = action === 'answer-directly' ? checkAnswerReady(ticket) : action === 'dispatch' ? checkDispatchReady(ticket) : { ok: true as const };
        if (!ready.ok) throw new TicketError('refused', ready.reason);
        if (action === 'dispatch' && ticket.dueAt && Date.parse(ticket.dueAt) <= now.getTime()) throw new TicketError('refused', '办理时限已过，请重新设定');
      }
      if (action === 'evaluate' && !input.satisfaction) throw new TicketError('refused', '评价须给出满意度');
      const set: StatusChangeSet = {};
      if (action === 'dispatch' || action === 'refuse-return') set.dispatchedAt = now.toISOString();
      if (action === 'evaluate') set.satisfaction = input.satisfaction ?? null;
      if (action === 'supervise') set.supervisedAt = now.toISOString();
      // The redo's round starts at the redo; one dispatched again only after its deadline has passed starts at the dispatch.
      const stale = action === 'dispatch' && ticket.status === 'redo' && (!ticket.dueAt || Date.parse(ticket.dueAt) <= now.getTime());
      const round = action === 'redo' || stale ? this.newRound(calendar, ticket, now) : null;
      if (round) Object.assign(set, round.set);
      const note = [input.note, round?.note].filter(Boolean).join('；');
      const applied = await changeTicketStatus(this.db, {
        ticketId: ticket.id,
        from: ticket.status,
        to: check.to,
        actor,
        kind: action,
        ...(note ? { note } : {}),
        at: now,
        set,
      });
      if (!applied) throw new TicketError('conflict', '工单状态已被他人更新，请刷新后重试');
      this.bus.publish({ type: 'ticket.changed', at: now.toISOString(), ticketId: ticket.id, number, from: ticket.status, to: check.to, action, actor });
      return this.require(number);
    });
  }

  /** 延期 by 5 working days: before the deadline, at most twice, the second with a named approver. */
  async extend(number: string, actor: string, input: { note: string; approver: string | null }): Promise<TicketRow> {
    return this.inTurn(number, async () => {
      const ticket = await this.require(number);
      const check = checkExtension(ticket.status, { dueAt: ticket.dueAt, granted: ticket.extensions, approver: input.approver, now: this.now() });
      if (!check.ok) throw new TicketError('refused', check.reason);
      const calendar = await this.calendar();
      const next = extendDeadline(calendar, ticket.dueAt ?? '');
      const note = `延期至 ${deadlineText(next.dueAt)}${input.approver ? `，审批人 ${input.approver}` : ''}：${input.note}`;
      if (!(await grantExtension(this.db, { ticketId: ticket.id, expectedCount: ticket.extensions, dueAt: next.dueAt, actor, note }))) {
        throw new TicketError('conflict', '工单已被他人延期，请刷新后重试');
      }
      this.bus.publish({ type: 'ticket.changed', at: this.now().toISOString(), ticketId: ticket.id, number, from: ticket.status, to: ticket.status, action: 'extend', actor });
      return this.require(number);
    });
  }
}
