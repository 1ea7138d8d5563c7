/** Expert seats and the department contacts directory: who can be brought into a call. */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { atomically } from '../durability.js';
import { changedRows, first } from '../prepared.js';
import { StoreError, isConstraintError } from '../errors.js';
import { departmentContacts, expertSeats } from '../schema.js';

export type ExpertSeatRow = typeof expertSeats.$inferSelect;
export type DepartmentContactRow = typeof departmentContacts.$inferSelect;

/**
 * When an expert seat is on duty, in Shanghai wall-clock time: on the given weekdays, or on the days
 * China's working-day calendar makes working days (`workdays`: weekdays that are not statutory holidays,
 * and the adjusted working days, 调休) or rest days (`rest-days`: the others). Exactly one of the two.
 */
export type DutyWindow = WeekdayDutyWindow | CalendarDutyWindow;

export interface WeekdayDutyWindow {
  /** ISO weekdays, 1 = Monday. */
  days: number[];
  from: string;
  to: string;
}

export interface CalendarDutyWindow {
  calendar: 'workdays' | 'rest-days';
  from: string;
  to: string;
}

export interface ExpertSeatInput {
  name: string;
  department: string;
  agentId?: number | null;
  externalNumber?: string | null;
  skillId: number;
  onDuty?: DutyWindow[];
  /** Default true. */
  enabled?: boolean;
}

export async function createExpertSeat(db: Db, input: ExpertSeatInput): Promise<ExpertSeatRow> {
  const rows = await atomically(db, async (tx) =>
    tx
      .insert(expertSeats)
      .values({ ...input, onDuty: input.onDuty ?? [] })
      .returning(),
  );
  return rows[0]!;
}

export async function listExpertSeats(db: Db): Promise<ExpertSeatRow[]> {
  return db.select().from(expertSeats).orderBy(asc(expertSeats.id));
}

export async function createDepartmentContact(
  db: Db,
  input: { unit: string; person: string; phone: string; note?: string | null },
): Promise<DepartmentContactRow> {
  const rows = await atomically(db, async (tx) => tx.insert(departmentContacts).values(input).returning());
  return rows[0]!;
}

export async function listDepartmentContacts(db: Db): Promise<DepartmentContactRow[]> {
  return db.select().from(departmentContacts).orderBy(asc(departmentContacts.unit), asc(departmentContacts.id));
}

export async function findExpertSeat(db: Db, id: number): Promise<ExpertSeatRow | undefined> {
  return first(await db.select().from(expertSeats).where(eq(expertSeats.id, id)).limit(1));
}

export async function findDepartmentContact(db: Db, id: number): Promise<DepartmentContactRow | undefined> {
  return first(await db.select().from(departmentContacts).where(eq(departmentContacts.id, id)).limit(1));
}

export async function updateExpertSeat(db: Db, id: number, input: Partial<ExpertSeatInput>): Promise<ExpertSeatRow> {
  let row: ExpertSeatRow | undefined;
  try {
    row = first(await atomically(db, async (tx) => tx.update(expertSeats).set(input).where(eq(expertSeats.id, id)).returning()));
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `专家座席引用的坐席或技能不存在，或坐席与外部号码未且仅填一个: ${id}`);
    throw error;
  }
  if (!row) throw new StoreError('not-found', `专家座席不存在: ${id}`);
  return row;
}

export async function deleteExpertSeat(db: Db, id: number): Promise<void> {
  const result = await atomically(db, async (tx) => tx.delete(expertSeats).where(eq(expertSeats.id, id)));
  if (changedRows(result) === 0) throw new StoreError('not-found', `专家座席不存在: ${id}`);
}

/** The expert seats an agent of the centre sits in. */
export async function listExpertSeatsOfAgent(db: Db, agentId: number): Promise<ExpertSeatRow[]> {
  return db.select().from(expertSeats).where(eq(expertSeats.agentId, agentId)).orderBy(asc(expertSeats.id));
}

export async function updateDepartmentContact(
  db: Db,
  id: number,
  input: Partial<{ unit: string; person: string; phone: string; note: string | null }>,
): Promise<DepartmentContactRow> {
  const row = first(await atomically(db, async (tx) => tx.update(departmentContacts).set(input).where(eq(departmentContacts.id, id)).returning()));
  if (!row) throw new StoreError('not-found', `承办单位联系人不存在: ${id}`);
  return row;
}

export async function deleteDepartmentContact(db: Db, id: number): Promise<void> {
  const result = await atomically(db, async (tx) => tx.delete(departmentContacts).where(eq(departmentContacts.id, id)));
  if (changedRows(result) === 0) throw new StoreError('not-found', `承办单位联系人不存在: ${id}`);
}
