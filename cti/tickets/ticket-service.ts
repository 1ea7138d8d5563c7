/**
 * Applies ticket moves: checks them with the lifecycle rules (routing/tickets), writes the status,
 * the history entry and any deadline atomically, and publishes `ticket.changed`. Deadlines are set
 * when the category is first registered, on the working-day calendar with the admin's corrections.
 */
import { computeDeadlines, extendDeadline } from '../../routing/tickets/deadlines.js';
import { checkExtension, checkMove, type TicketAction } from '../../routing/tickets/ticket-lifecycle.js';
import { WorkingCalendar } from '../../routing/tickets/working-calendar.js';
import {
  changeTicketStatus,
  clockOf,
  findTicketByNumber,
  grantExtension,
  listCalendarDays,
  saveTicketForm,
  setTicketDeadlines,
  type Db,
  type TicketForm,
  type TicketRow,
} from '../../store/index.js';
import type { DomainEventBus } from '../events/domain-events.js';
import type { Logger } from '../logging.js';

export class TicketError extends Error {
  constructor(
    readonly kind: 'not-found' | 'refused' | 'conflict',
    message: string,
  ) {
    super(message);
    this.name = 'TicketError';
  }
}

export class TicketService {
  constructor(
    private readonly db: Db,
    private readonly bus: DomainEventBus,
    private readonly log: Logger,
    private readonly now: () => Date = () => clockOf(db).now(),
  ) {}

  /** The calendar with today's admin corrections (read fresh: a correction applies at once). */
  calendar(): WorkingCalendar {
    return new WorkingCalendar(listCalendarDays(this.db).map((d) => ({ date: d.date, kind: d.kind, name: d.name })));
  }

  private require(number: string): TicketRow {
    const ticket = findTicketByNumber(this.db, number);
    if (!ticket) throw new TicketError('not-found', '工单不存在');
    return ticket;
  }

  /** 登记: saves the form; the first time a category is known, the deadlines are set from acceptance. */
  register(number: string, form: TicketForm, actor: string): TicketRow {
    const ticket = this.require(number);
    const saved = saveTicketForm(this.db, ticket.id, form, actor);
    if (!saved) throw new TicketError('not-found', '工单不存在');
    if (!saved.dueAt && saved.category) {
      const calendar = this.calendar();
      const deadlines = computeDeadlines(calendar, { acceptedAt: new Date(saved.createdAt), category: saved.category, urgency: saved.urgency });
      setTicketDeadlines(this.db, saved.id, deadlines);
      if (deadlines.beyondKnownCalendar) {
        this.log.warn({ ticket: saved.number, dueAt: deadlines.dueAt, knownThrough: calendar.knownThrough }, 'deadline runs past the known holiday calendar');
      }
      return this.require(number);
    }
    return saved;
  }

  act(number: string, action: TicketAction, actor: string, input: { note?: string | null; satisfaction?: TicketRow['satisfaction'] } = {}): TicketRow {
    const ticket = this.require(number);
    const now = this.now();
    const check = checkMove(this.calendar(), ticket.status, action, {
      now,
      dispatchedAt: ticket.dispatchedAt,
      note: input.note ?? null,
      satisfaction: action === 'evaluate' ? (input.satisfaction ?? null) : ticket.satisfaction,
    });
    if (!check.ok) throw new TicketError('refused', check.reason);
    if (action === 'evaluate' && !input.satisfaction) throw new TicketError('refused', '评价须给出满意度');
    const set: Parameters<typeof changeTicketStatus>[1]['set'] = {};
    if (action === 'dispatch' || action === 'refuse-return') set.dispatchedAt = now.toISOString();
    if (action === 'evaluate') set.satisfaction = input.satisfaction ?? null;
    if (action === 'supervise') set.supervisedAt = now.toISOString();
    const applied = changeTicketStatus(this.db, {
      ticketId: ticket.id,
      from: ticket.status,
      to: check.to,
      actor,
      kind: action,
      ...(input.note ? { note: input.note } : {}),
      at: now,
      set,
    });
    if (!applied) throw new TicketError('conflict', '工单状态已被他人更新，请刷新后重试');
    this.bus.publish({ type: 'ticket.changed', at: now.toISOString(), ticketId: ticket.id, number, from: ticket.status, to: check.to, action, actor });
    return this.require(number);
  }

  /** 延期 by 5 working days: before the deadline, at most twice, the second with a named approver. */
  extend(number: string, actor: string, input: { note: string; approver: string | null }): TicketRow {
    const ticket = this.require(number);
    const check = checkExtension(ticket.status, { dueAt: ticket.dueAt, granted: ticket.extensions, approver: input.approver, now: this.now() });
    if (!check.ok) throw new TicketError('refused', check.reason);
    const calendar = this.calendar();
    const next = extendDeadline(calendar, ticket.dueAt ?? '');
    const note = `延期至 ${next.dueAt}${input.approver ? `，审批人 ${input.approver}` : ''}：${input.note}`;
    if (!grantExtension(this.db, { ticketId: ticket.id, expectedCount: ticket.extensions, dueAt: next.dueAt, actor, note })) {
      throw new TicketError('conflict', '工单已被他人延期，请刷新后重试');
    }
    this.bus.publish({ type: 'ticket.changed', at: this.now().toISOString(), ticketId: ticket.id, number, from: ticket.status, to: ticket.status, action: 'extend', actor });
    return this.require(number);
  }
}
