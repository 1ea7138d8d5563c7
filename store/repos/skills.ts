import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { StoreError, isConstraintError } from '../errors.js';
import { skills } from '../schema.js';

export type SkillRow = typeof skills.$inferSelect;

export function listSkills(db: Db): SkillRow[] {
  return db.select().from(skills).orderBy(asc(skills.id)).all();
}

export function findSkillByCode(db: Db, code: string): SkillRow | undefined {
  return db.select().from(skills).where(eq(skills.code, code)).get();
}

export function createSkill(db: Db, input: { code: string; name: string }): SkillRow {
  try {
    return db.insert(skills).values(input).returning().get();
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `技能编码已存在: ${input.code}`);
    throw error;
  }
}

/** Refused with a conflict while a route, agent or expert seat still uses the skill. */
export function deleteSkill(db: Db, id: number): void {
  try {
    const result = db.delete(skills).where(eq(skills.id, id)).run();
    if (result.changes === 0) throw new StoreError('not-found', `技能不存在: ${id}`);
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `技能仍被路由、坐席或专家座席引用: ${id}`);
    throw error;
  }
}
