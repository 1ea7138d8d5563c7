import { describe, expect, it } from 'vitest';
import { computeDeadlines, extendDeadline } from '../../routing/tickets/deadlines.js';
import { checkExtension, checkMove } from '../../routing/tickets/ticket-lifecycle.js';
import { WorkingCalendar } from '../../routing/tickets/working-calendar.js';

const calendar = new WorkingCalendar();

describe('working calendar', () => {
  it('knows 2026\'s National Day week and its make-up Saturday', () => {
    expect(calendar.isWorkday('2026-10-01')).toBe(false);
    expect(calendar.isWorkday('2026-10-07')).toBe(false);
    expect(calendar.isWorkday('2026-10-10')).toBe(true); // Saturday, worked in lieu
    expect(calendar.isWorkday('2026-10-11')).toBe(false);
  });

  it('takes an admin\'s correction over the package', () => {
    const corrected = new WorkingCalendar([{ date: '2026-11-23', kind: 'holiday', name: '地方假日' }]);
    expect(corrected.isWorkday('2026-11-23')).toBe(false);
    expect(calendar.isWorkday('2026-11-23')).toBe(true);
  });

  it('says when a count runs past the holiday data it has', () => {
    expect(calendar.knownThrough).toBe('2026-12-31');
    expect(calendar.addWorkingDays('2026-12-24', 15).beyondKnownData).toBe(true);
    expect(calendar.addWorkingDays('2026-11-02', 5).beyondKnownData).toBe(false);
  });
});

describe('deadlines', () => {
  it('a complaint accepted before National Day is due 15 working days later, skipping the holiday week', () => {
    // Accepted Monday 2026-09-28 10:00 Shanghai. Working days after it: 9/29, 9/30, [10/1–10/7 off],
    // 10/8, 10/9, 10/10 (make-up Saturday), 10/12 … the 15th is Friday 10/23.
    const d = computeDeadlines(calendar, { acceptedAt: new Date('2026-09-28T02:00:00Z'), category: 'complaint', urgency: null });
    expect(d.dueAt).toBe('2026-10-23T16:00:00.000Z');
    expect(d.dispatchDueAt).toBe('2026-09-28T16:00:00.000Z');
    expect(d.beyondKnownCalendar).toBe(false);
  });

  it('a consultation gets 5 working days; urgency D gets 12 hours on the clock', () => {
    const acceptedAt = new Date('2026-11-20T02:00:00Z'); // Friday
    expect(computeDeadlines(calendar, { acceptedAt, category: 'consult', urgency: null }).dueAt).toBe('2026-11-27T16:00:00.000Z');
    expect(computeDeadlines(calendar, { acceptedAt, category: 'complaint', urgency: 'D' }).dueAt).toBe('2026-11-20T14:00:00.000Z');
  });

  it('a ticket accepted on a holiday must be dispatched by the end of the next working day', () => {
    const d = computeDeadlines(calendar, { acceptedAt: new Date('2026-10-03T02:00:00Z'), category: 'help', urgency: null });
    expect(d.dispatchDueAt).toBe('2026-10-08T16:00:00.000Z');
  });

  it('an extension adds 5 working days to the current deadline', () => {
    expect(extendDeadline(calendar, '2026-11-27T16:00:00.000Z').dueAt).toBe('2026-12-04T16:00:00.000Z');
  });
});

describe('ticket lifecycle', () => {
  const now = new Date('2026-11-24T02:00:00Z');
  it('walks the eight stages', () => {
    const path = [
      ['accepted', 'dispatch'],
      ['dispatched', 'take'],
      ['handling', 'supervise'],
      ['supervised', 'reply'],
      ['replied', 'close'],
      ['closed', 'start-callback'],
      ['callback', 'evaluate'],
    ] as const;
    for (const [from, action] of path) expect(checkMove(calendar, from, action, { now }).ok).toBe(true);
  });

  it('refuses an illegal move with the reason', () => {
    expect(checkMove(calendar, 'accepted', 'close', { now })).toEqual({ ok: false, reason: '工单已受理，不能办结' });
  });

  it('a unit may return a ticket within 2 working days of dispatch, with a reason', () => {
    const dispatchedAt = '2026-11-20T02:00:00Z'; // Friday; window ends Tuesday 11-24
    expect(checkMove(calendar, 'dispatched', 'return', { now, dispatchedAt, note: '非本单位职责' }).ok).toBe(true);
    expect(checkMove(calendar, 'dispatched', 'return', { now, dispatchedAt, note: '' })).toMatchObject({ ok: false, reason: '退单须说明理由' });
    expect(checkMove(calendar, 'dispatched', 'return', { now: new Date('2026-11-25T02:00:00Z'), dispatchedAt, note: '非本单位职责' })).toEqual({
      ok: false,
      reason: '已超过2个工作日的退单期限',
    });
  });

  it('redo only after a dissatisfied evaluation', () => {
    expect(checkMove(calendar, 'evaluated', 'redo', { now, note: '问题未解决', satisfaction: 'dissatisfied' }).ok).toBe(true);
    expect(checkMove(calendar, 'evaluated', 'redo', { now, note: '问题未解决', satisfaction: 'satisfied' }).ok).toBe(false);
  });

  it('extension: before the deadline, twice at most, the second with an approver', () => {
    const dueAt = '2026-11-27T16:00:00.000Z';
    expect(checkExtension('handling', { dueAt, granted: 0, approver: null, now })).toEqual({ ok: true });
    expect(checkExtension('handling', { dueAt, granted: 1, approver: null, now })).toEqual({ ok: false, reason: '第二次延期须由审批人批准' });
    expect(checkExtension('handling', { dueAt, granted: 1, approver: '张主任', now })).toEqual({ ok: true });
    expect(checkExtension('handling', { dueAt, granted: 2, approver: '张主任', now })).toEqual({ ok: false, reason: '延期不得超过2次' });
    expect(checkExtension('handling', { dueAt, granted: 0, approver: null, now: new Date('2026-11-28T00:00:00Z') })).toMatchObject({ ok: false });
  });
});
