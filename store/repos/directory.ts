/** Expert seats and the department contacts directory: who can be brought into a call. */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { StoreError, isConstraintError } from '../errors.js';
import { departmentContacts, expertSeats } from '../schema.js';

export type ExpertSeatRow = typeof expertSeats.$inferSelect;
export type DepartmentContactRow = typeof departmentContacts.$inferSelect;

export interface DutyWindow {
  /** ISO weekdays, 1 = Monday. */
  days: number[];
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

export function createExpertSeat(db: Db, input: ExpertSeatInput): ExpertSeatRow {
  return db
    .insert(expertSeats)
    .values({ ...input, onDuty: input.onDuty ?? [] })
    .returning()
    .get();
}

export function listExpertSeats(db: Db): ExpertSeatRow[] {
  return db.select().from(expertSeats).orderBy(asc(expertSeats.id)).all();
}

export function createDepartmentContact(
  db: Db,
  input: { unit: string; person: string; phone: string; note?: string | null },
): DepartmentContactRow {
  return db.insert(departmentContacts).values(input).returning().get();
}

export function listDepartmentContacts(db: Db): DepartmentContactRow[] {
  return db.select().from(departmentContacts).orderBy(asc(departmentContacts.unit), asc(departmentContacts.id)).all();
}

export function findExpertSeat(db: Db, id: number): ExpertSeatRow | undefined {
  return db.select().from(expertSeats).where(eq(expertSeats.id, id)).get();
}

export function findDepartmentContact(db: Db, id: number): DepartmentContactRow | undefined {
  return db.select().from(departmentContacts).where(eq(departmentContacts.id, id)).get();
}

export function updateExpertSeat(db: Db, id: number, input: Partial<ExpertSeatInput>): ExpertSeatRow {
  let row: ExpertSeatRow | undefined;
  try {
    row = db.update(expertSeats).set(input).where(eq(expertSeats.id, id)).returning().get();
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `专家座席引用的坐席或技能不存在，或坐席与外部号码未且仅填一个: ${id}`);
    throw error;
  }
  if (!row) throw new StoreError('not-found', `专家座席不存在: ${id}`);
  return row;
}

export function deleteExpertSeat(db: Db, id: number): void {
  const result = db.delete(expertSeats).where(eq(expertSeats.id, id)).run();
  if (result.changes === 0) throw new StoreError('not-found', `专家座席不存在: ${id}`);
}

/** The expert seats an agent of the centre sits in. */
export function listExpertSeatsOfAgent(db: Db, agentId: number): ExpertSeatRow[] {
  return db.select().from(expertSeats).where(eq(expertSeats.agentId, agentId)).orderBy(asc(expertSeats.id)).all();
}

export function updateDepartmentContact(
  db: Db,
  id: number,
  input: Partial<{ unit: string; person: string; phone: string; note: string | null }>,
): DepartmentContactRow {
  const row = db.update(departmentContacts).set(input).where(eq(departmentContacts.id, id)).returning().get();
  if (!row) throw new StoreError('not-found', `承办单位联系人不存在: ${id}`);
  return row;
}

export function deleteDepartmentContact(db: Db, id: number): void {
  const result = db.delete(departmentContacts).where(eq(departmentContacts.id, id)).run();
  if (result.changes === 0) throw new StoreError('not-found', `承办单位联系人不存在: ${id}`);
}
