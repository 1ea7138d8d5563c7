/**
 * Is an expert seat on duty? Duty windows are local (Asia/Shanghai) weekdays and times, e.g.
 * `{ days: [1,2,3,4,5], from: "08:30", to: "17:30" }` (1 = Monday). An empty list means always.
 */
import { shanghaiClock, shanghaiDay, type DutyWindow } from '../store/index.js';

export type { DutyWindow };

export function isOnDuty(windows: readonly DutyWindow[], at: Date): boolean {
  if (windows.length === 0) return true;
  // ISO weekday of the Shanghai day: 1 = Monday … 7 = Sunday.
  const day = new Date(`${shanghaiDay(at)}T00:00:00Z`).getUTCDay() || 7;
  const time = shanghaiClock(at);
  return windows.some((w) => w.days.includes(day) && w.from <= time && time < w.to);
}
