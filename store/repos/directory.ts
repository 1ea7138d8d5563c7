/** Expert seats and the department contacts directory: who can be brought into a call. */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
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
