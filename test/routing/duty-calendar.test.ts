/**
 * Duty windows that follow China's working-day calendar (2026's, from `chinese-days`): 国庆节 runs
 * Thursday 1 October to Wednesday 7 October, and Saturday 10 October is an adjusted working day (调休);
 * 春节 takes Monday 16 February off and makes Saturday 14 February a working day. A weekday window
 * keeps meaning exactly its weekdays.
 */
import { describe, expect, it } from 'vitest';
import { isOnDuty, type DutyWindow } from '../../routing/duty-hours.js';
import { seatSkillsAt, SEAT_SKILL_LEVEL } from '../../routing/seat-skills.js';
import { WorkingCalendar } from '../../routing/tickets/working-calendar.js';

const calendar = new WorkingCalendar();
/** `day` at `clock` in Shanghai. */
const at = (day: string, clock = '10:00') => new Date(`${day}T${clock}:00+08:00`);

const weekdays: DutyWindow[] = [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }];
const workdays: DutyWindow[] = [{ calendar: 'workdays', from: '08:30', to: '17:30' }];
const restDays: DutyWindow[] = [{ calendar: 'rest-days', from: '09:00', to: '12:00' }];

describe('duty windows on the working-day calendar', () => {
  it('a weekday window keeps its weekdays: on duty on 国庆节 Thursday, off on the 调休 Saturday', () => {
    expect(isOnDuty(weekdays, at('2026-10-01'), calendar)).toBe(true);
    expect(isOnDuty(weekdays, at('2026-10-10'), calendar)).toBe(false);
  });

  it('a working-days window: on ordinary weekdays and 调休 weekends, not on weekends or holidays', () => {
    expect(isOnDuty(workdays, at('2026-06-10'), calendar), 'an ordinary Wednesday').toBe(true);
    expect(isOnDuty(workdays, at('2026-06-13'), calendar), 'an ordinary Saturday').toBe(false);
    expect(isOnDuty(workdays, at('2026-10-01'), calendar), '国庆节, a Thursday').toBe(false);
    expect(isOnDuty(workdays, at('2026-10-05'), calendar), '国庆节, a Monday').toBe(false);
    expect(isOnDuty(workdays, at('2026-10-10'), calendar), '调休 Saturday').toBe(true);
    expect(isOnDuty(workdays, at('2026-02-16'), calendar), '春节, a Monday').toBe(false);
    expect(isOnDuty(workdays, at('2026-02-14'), calendar), '调休 Saturday before 春节').toBe(true);
    // The window's hours still count.
    expect(isOnDuty(workdays, at('2026-10-10', '08:29'), calendar)).toBe(false);
    expect(isOnDuty(workdays, at('2026-10-10', '17:30'), calendar)).toBe(false);
  });

  it('a rest-days window is the other way round', () => {
    expect(isOnDuty(restDays, at('2026-10-01'), calendar)).toBe(true);
    expect(isOnDuty(restDays, at('2026-06-13'), calendar)).toBe(true);
    expect(isOnDuty(restDays, at('2026-10-10'), calendar)).toBe(false);
    expect(isOnDuty(restDays, at('2026-06-10'), calendar)).toBe(false);
  });

  it("follows an admin's correction of the calendar", () => {
    const corrected = new WorkingCalendar([{ date: '2026-06-10', kind: 'holiday', name: '本市停工' }]);
    expect(isOnDuty(workdays, at('2026-06-10'), corrected)).toBe(false);
    expect(isOnDuty(restDays, at('2026-06-10'), corrected)).toBe(true);
  });

  it('the Shanghai day decides across midnight into a holiday', () => {
    const allDay: DutyWindow[] = [{ calendar: 'workdays', from: '00:00', to: '24:00' }];
    expect(isOnDuty(allDay, at('2026-09-30', '23:59'), calendar)).toBe(true);
    expect(isOnDuty(allDay, at('2026-10-01', '00:00'), calendar)).toBe(false);
    // 2026-09-30T16:00Z is already 1 October in Shanghai.
    expect(isOnDuty(allDay, new Date('2026-09-30T16:00:00Z'), calendar)).toBe(false);
  });

  it('a stored window with neither weekdays nor a calendar is never on duty', () => {
    expect(isOnDuty([{ from: '00:00', to: '24:00' } as unknown as DutyWindow], at('2026-06-10'), calendar)).toBe(false);
  });

  it('a seat with a working-days window lends its skill on the 调休 Saturday, not on the holiday', () => {
    const seat = { agentId: 7, skillId: 3, onDuty: workdays, enabled: true };
    expect(seatSkillsAt([seat], at('2026-10-10'), calendar)).toEqual(new Map([[7, new Map([[3, SEAT_SKILL_LEVEL]])]]));
    expect(seatSkillsAt([seat], at('2026-10-01'), calendar).size).toBe(0);
  });
});
