/**
 * Is an expert seat on duty? Duty windows are local (Asia/Shanghai) weekdays and times, e.g.
 * `{ days: [1,2,3,4,5], from: "08:30", to: "17:30" }` (1 = Monday). An empty list means always.
 */
import type { DutyWindow } from '../store/index.js';

export type { DutyWindow };

const shanghai = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function isOnDuty(windows: readonly DutyWindow[], at: Date): boolean {
  if (windows.length === 0) return true;
  const parts = Object.fromEntries(shanghai.formatToParts(at).map((p) => [p.type, p.value]));
  const day = WEEKDAYS.indexOf(parts.weekday ?? '') + 1;
  const time = `${parts.hour}:${parts.minute}`;
  return windows.some((w) => w.days.includes(day) && w.from <= time && time < w.to);
}
