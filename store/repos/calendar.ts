import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { calendarDays } from '../schema.js';

export type CalendarDayRow = typeof calendarDays.$inferSelect;

export function listCalendarDays(db: Db): CalendarDayRow[] {
  return db.select().from(calendarDays).orderBy(asc(calendarDays.date)).all();
}

export function putCalendarDay(db: Db, input: { date: string; kind: 'workday' | 'holiday'; name: string; createdBy: string }): CalendarDayRow {
  return db
    .insert(calendarDays)
    .values(input)
    .onConflictDoUpdate({ target: calendarDays.date, set: { kind: input.kind, name: input.name, createdBy: input.createdBy } })
    .returning()
    .get();
}

export function deleteCalendarDay(db: Db, date: string): boolean {
  return db.delete(calendarDays).where(eq(calendarDays.date, date)).run().changes === 1;
}
