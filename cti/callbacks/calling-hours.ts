/**
 * When the centre may call citizens back (回访, 漏接回拨): a Shanghai wall-clock window, on working days
 * only by default, a few attempts spaced apart. Admins change it through the `callback-policy` setting.
 */
import type { WorkingCalendar } from '../../routing/tickets/working-calendar.js';
import { getSetting, shanghaiClock, shanghaiDay, type Db } from '../../store/index.js';

export interface CallbackPolicy {
  /** Shanghai wall-clock window, `HH:MM`. */
  from: string;
  to: string;
  workdaysOnly: boolean;
  maxAttempts: number;
  spacingMinutes: number;
}

export const DEFAULT_CALLBACK_POLICY: CallbackPolicy = { from: '08:30', to: '20:00', workdaysOnly: true, maxAttempts: 3, spacingMinutes: 30 };

export async function callbackPolicy(db: Db): Promise<CallbackPolicy> {
  const stored = await getSetting(db, 'callback-policy');
  return stored && typeof stored === 'object' ? { ...DEFAULT_CALLBACK_POLICY, ...(stored as Partial<CallbackPolicy>) } : DEFAULT_CALLBACK_POLICY;
}

export function inCallingHours(policy: CallbackPolicy, now: Date, calendar: WorkingCalendar): boolean {
  const time = shanghaiClock(now);
  if (time < policy.from || time >= policy.to) return false;
  return !policy.workdaysOnly || calendar.isWorkday(shanghaiDay(now));
}

/** Whether the last attempt is far enough back for another one. */
export function spacedEnough(policy: CallbackPolicy, lastAt: string | null, now: Date): boolean {
  return !lastAt || now.getTime() - Date.parse(lastAt) >= policy.spacingMinutes * 60_000;
}

/** The latest last attempt that leaves a callback due at `now` (spacedEnough, for a query to filter on). */
export function lastAttemptDueBy(policy: CallbackPolicy, now: Date): string {
  return new Date(now.getTime() - policy.spacingMinutes * 60_000).toISOString();
}
