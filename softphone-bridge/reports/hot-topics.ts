/**
 * 热点分析, weekly: the registered tickets of a Shanghai week (Monday to Sunday) by 诉求分类 at its
 * second level and by 乡镇/街道, the top ones with the week before beside them. Counted by arrival
 * time, the keys being those of the early warning (routing/hotspots/ticket-keys.ts).
 */
import { keysOfTicket } from '../../routing/hotspots/ticket-keys.js';
import { registeredTicketsBetween, shanghaiDay, shanghaiDayBounds, type Db } from '../../store/index.js';

export interface HotTopic {
  label: string;
  thisWeek: number;
  lastWeek: number;
  /** thisWeek ÷ lastWeek − 1; null when there was none the week before. */
  change: number | null;
}

export interface HotTopicsReport {
  /** The Monday the week starts on, and the Monday before. */
  week: string;
  previousWeek: string;
  total: { thisWeek: number; lastWeek: number };
  categories: HotTopic[];
  areas: HotTopic[];
}

const DAY_MS = 86_400_000;

/** The Monday (Shanghai) of the week holding `day` (`YYYY-MM-DD`). */
export function mondayOf(day: string): string {
  const noon = Date.parse(`${day}T12:00:00Z`);
  const weekday = (new Date(noon).getUTCDay() + 6) % 7; // Monday 0
  return new Date(noon - weekday * DAY_MS).toISOString().slice(0, 10);
}

async function weekCounts(db: Db, monday: string): Promise<{ total: number; byKey: Map<string, { label: string; n: number }> }> {
  const from = shanghaiDayBounds(monday).from;
  const to = new Date(Date.parse(from) + 7 * DAY_MS).toISOString();
  const byKey = new Map<string, { label: string; n: number }>();
  const tickets = await registeredTicketsBetween(db, from, to);
  for (const ticket of tickets) {
    for (const { key, label, depth } of keysOfTicket(ticket)) {
      // The summary reads the classification at its second level only (the full path is for the warning).
      if (key.startsWith('matter:') && depth !== 2) continue;
      const entry = byKey.get(key) ?? { label, n: 0 };
      entry.n++;
      byKey.set(key, entry);
    }
  }
  return { total: tickets.length, byKey };
}

function top(kind: string, now: Map<string, { label: string; n: number }>, before: Map<string, { label: string; n: number }>, limit: number): HotTopic[] {
  return [...now.entries()]
    .filter(([key]) => key.startsWith(`${kind}:`))
    .map(([key, { label, n }]) => {
      const lastWeek = before.get(key)?.n ?? 0;
      return { label, thisWeek: n, lastWeek, change: lastWeek ? Math.round((n / lastWeek - 1) * 1000) / 1000 : null };
    })
    .sort((a, b) => b.thisWeek - a.thisWeek || a.label.localeCompare(b.label))
    .slice(0, limit);
}

export async function hotTopics(db: Db, anyDay: string, limit = 10): Promise<HotTopicsReport> {
  const week = mondayOf(anyDay);
  const previousWeek = shanghaiDay(new Date(Date.parse(shanghaiDayBounds(week).from) - 7 * DAY_MS));
  const now = await weekCounts(db, week);
  const before = await weekCounts(db, previousWeek);
  return {
    week,
    previousWeek,
    total: { thisWeek: now.total, lastWeek: before.total },
    categories: top('matter', now.byKey, before.byKey, limit),
    areas: top('area', now.byKey, before.byKey, limit),
  };
}
