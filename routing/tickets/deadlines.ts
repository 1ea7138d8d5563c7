/**
 * Ticket deadlines (Chongqing art. 13, Tonghua art. 15–16), in Asia/Shanghai:
 * - dispatch the same day: by the end of the working day the ticket was accepted (a ticket accepted on a
 *   rest day is due by the end of the next working day);
 * - handling: consultations 5 working days, other categories 15, counted from the day after acceptance
 *   and due at the end of that working day; configurable per category and per urgency;
 * - urgency D (紧急重大) is due 12 hours after acceptance, whatever the day.
 */
import { endOfShanghaiDay, shanghaiClock, shanghaiDay, type TicketCategory, type TicketUrgency } from '../../store/index.js';
import type { WorkingCalendar } from './working-calendar.js';

export interface DeadlineRules {
  workingDaysByCategory: Record<TicketCategory, number>;
  /** Overrides by urgency: a number of working days, or hours on the clock. */
  byUrgency: Partial<Record<TicketUrgency, { workingDays: number } | { hours: number }>>;
}

export const DEFAULT_DEADLINE_RULES: DeadlineRules = {
  workingDaysByCategory: { consult: 5, help: 15, complaint: 15, report: 15, suggestion: 15 },
  byUrgency: { B: { workingDays: 5 }, D: { hours: 12 } },
};

export interface Deadlines {
  dispatchDueAt: string;
  dueAt: string;
  /** True when the count ran past the holiday data the calendar has: check it when the data is updated. */
  beyondKnownCalendar: boolean;
}

export function computeDeadlines(
  calendar: WorkingCalendar,
  ticket: { acceptedAt: Date; category: TicketCategory; urgency: TicketUrgency | null },
  rules: DeadlineRules = DEFAULT_DEADLINE_RULES,
): Deadlines {
  const acceptedDay = shanghaiDay(ticket.acceptedAt);
  const dispatchDueAt = endOfShanghaiDay(calendar.workdayOnOrAfter(acceptedDay));
  const special = ticket.urgency ? rules.byUrgency[ticket.urgency] : undefined;
  if (special && 'hours' in special) {
    return {
      dispatchDueAt,
      dueAt: new Date(ticket.acceptedAt.getTime() + special.hours * 3600_000).toISOString(),
      beyondKnownCalendar: false,
    };
  }
  const days = special?.workingDays ?? rules.workingDaysByCategory[ticket.category];
  const due = calendar.addWorkingDays(acceptedDay, days);
  return { dispatchDueAt, dueAt: endOfShanghaiDay(due.day), beyondKnownCalendar: due.beyondKnownData };
}

/** An extension (延期) moves the deadline by 5 working days from the current one. */
export function extendDeadline(calendar: WorkingCalendar, dueAt: string, workingDays = 5): { dueAt: string; beyondKnownCalendar: boolean } {
  const due = calendar.addWorkingDays(shanghaiDay(new Date(Date.parse(dueAt) - 1)), workingDays);
  return { dueAt: endOfShanghaiDay(due.day), beyondKnownCalendar: due.beyondKnownData };
}

/**
 * A deadline as the centre reads it in a history line or an alert: Beijing time, `2026-06-10 22:00`
 * (minutes cut); a deadline at a day's end (Shanghai midnight) as `24:00` of that day, the way the
 * rules count it ("by the end of the working day").
 */
export function deadlineText(iso: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const dayBefore = shanghaiDay(new Date(at - 1));
  if (endOfShanghaiDay(dayBefore) === new Date(at).toISOString()) return `${dayBefore} 24:00`;
  return `${shanghaiDay(new Date(at))} ${shanghaiClock(new Date(at))}`;
}
