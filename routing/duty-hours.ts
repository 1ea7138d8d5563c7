/**
 * Is an expert seat on duty? Duty windows are local (Asia/Shanghai) days and times: weekdays, e.g.
 * `{ days: [1,2,3,4,5], from: "08:30", to: "17:30" }` (1 = Monday), or the days China's working-day
 * calendar makes working days or rest days, e.g. `{ calendar: "workdays", from: "08:30", to: "17:30" }`
 * (on 调休 Saturdays too, not on 国庆节 weekdays). `to` may be `"24:00"` (midnight). An empty list means always.
 */
import { shanghaiClock, shanghaiDay, type DutyWindow } from '../store/index.js';
import type { WorkingCalendar } from './tickets/working-calendar.js';

export type { DutyWindow };

/** What a duty window needs of the calendar: whether a Shanghai day (`YYYY-MM-DD`) is a working day. */
export type WorkdayCalendar = Pick<WorkingCalendar, 'isWorkday'>;

/** Minutes since midnight of `HH:MM`; `24:00` is 1440, the end of the day. */
function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Whether the window covers the Shanghai day `day` (ISO weekday `weekday`); a malformed one covers none. */
function coversDay(w: DutyWindow, day: string, weekday: number, calendar: WorkdayCalendar): boolean {
  // Stored JSON is only as good as what wrote it (the admin API checks it; a hand edit may not).
  if (typeof w !== 'object' || w === null || typeof w.from !== 'string' || typeof w.to !== 'string') return false;
  if ('days' in w) return Array.isArray(w.days) && w.days.includes(weekday);
  if (w.calendar === 'workdays') return calendar.isWorkday(day);
  if (w.calendar === 'rest-days') return !calendar.isWorkday(day);
  return false;
}

/**
 * On duty from `from` up to, not including, `to`: 08:30–17:30 ends when 17:30 begins, and a window
 * ending `24:00` runs to the end of 23:59 (a night over midnight is two windows, …–24:00 and 00:00–…).
 * `calendar` must carry the admin's corrections (`/api/v1/calendar`), so every caller passes the one it
 * read; weekday windows never read it.
 */
export function isOnDuty(windows: readonly DutyWindow[], at: Date, calendar: WorkdayCalendar): boolean {
  if (windows.length === 0) return true;
  const day = shanghaiDay(at);
  // ISO weekday of the Shanghai day: 1 = Monday … 7 = Sunday.
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay() || 7;
  const time = minutesOf(shanghaiClock(at));
  return windows.some((w) => coversDay(w, day, weekday, calendar) && minutesOf(w.from) <= time && time < minutesOf(w.to));
}
