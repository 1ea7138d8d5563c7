/**
 * Is an expert seat on duty? Duty windows are local (Asia/Shanghai) weekdays and times, e.g.
 * `{ days: [1,2,3,4,5], from: "08:30", to: "17:30" }` (1 = Monday); `to` may be `"24:00"` (midnight).
 * An empty list means always.
 */
import { shanghaiClock, shanghaiDay, type DutyWindow } from '../store/index.js';

export type { DutyWindow };

/** Minutes since midnight of `HH:MM`; `24:00` is 1440, the end of the day. */
function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/**
 * On duty from `from` up to, not including, `to`: 08:30–17:30 ends when 17:30 begins, and a window
 * ending `24:00` runs to the end of 23:59 (a night over midnight is two windows, …–24:00 and 00:00–…).
 */
export function isOnDuty(windows: readonly DutyWindow[], at: Date): boolean {
  if (windows.length === 0) return true;
  // ISO weekday of the Shanghai day: 1 = Monday … 7 = Sunday.
  const day = new Date(`${shanghaiDay(at)}T00:00:00Z`).getUTCDay() || 7;
  const time = minutesOf(shanghaiClock(at));
  return windows.some((w) => w.days.includes(day) && minutesOf(w.from) <= time && time < minutesOf(w.to));
}
