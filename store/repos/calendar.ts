import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { atomically } from '../durability.js';
import { changedRows, first } from '../prepared.js';
import { calendarDays } from '../schema.js';

export type CalendarDayRow = typeof calendarDays.$inferSelect;

export async function listCalendarDays(db: Db): Promise<CalendarDayRow[]> {
  return db.select().from(calendarDays).orderBy(asc(calendarDays.date));
}

/** The admin's correction for one day, if there is one. */
export async function findCalendarDay(db: Db, date: string): Promise<CalendarDayRow | undefined> {
  return first(await db.select().from(calendarDays).where(eq(calendarDays.date, date)).limit(1));
}

export async function putCalendarDay(db: Db, input: { date: string; kind: 'workday' | 'holiday'; name: string; createdBy: string }): Promise<CalendarDayRow> {
  const rows = await atomically(db, async (tx) =>
    tx
      .insert(calendarDays)
      .values(input)
      .onConflictDoUpdate({ target: calendarDays.date, set: { kind: input.kind, name: input.name, createdBy: input.createdBy } })
      .returning(),
  );
  return rows[0]!;
}

export async function deleteCalendarDay(db: Db, date: string): Promise<boolean> {
  return changedRows(await atomically(db, async (tx) => tx.delete(calendarDays).where(eq(calendarDays.date, date)))) === 1;
}
