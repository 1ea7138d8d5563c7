import { asc, eq } from 'drizzle-orm';
import { cachedConfig, configChanged } from '../config-cache.js';
import type { Db } from '../db.js';
import { StoreError, isConstraintError } from '../errors.js';
import { agentSkills, agents, expertSeats, routes, skills } from '../schema.js';

export type SkillRow = typeof skills.$inferSelect;

export function listSkills(db: Db): readonly SkillRow[] {
  return cachedConfig(db, 'skills', () => Object.freeze(db.select().from(skills).orderBy(asc(skills.id)).all()));
}

export function findSkillByCode(db: Db, code: string): SkillRow | undefined {
  return db.select().from(skills).where(eq(skills.code, code)).get();
}

export function createSkill(db: Db, input: { code: string; name: string }): SkillRow {
  configChanged(db);
  try {
    return db.insert(skills).values(input).returning().get();
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `技能编码已存在: ${input.code}`);
    throw error;
  }
}

/** Refused with a conflict while a route, agent or expert seat still uses the skill. */
export function deleteSkill(db: Db, id: number): void {
  configChanged(db);
  try {
    const result = db.delete(skills).where(eq(skills.id, id)).run();
    if (result.changes === 0) throw new StoreError('not-found', `技能不存在: ${id}`);
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `技能仍被路由、坐席或专家座席引用: ${id}`);
    throw error;
  }
}

export function findSkill(db: Db, id: number): SkillRow | undefined {
  return db.select().from(skills).where(eq(skills.id, id)).get();
}

export function updateSkill(db: Db, id: number, input: { code?: string; name?: string }): SkillRow {
  let row: SkillRow | undefined;
  configChanged(db);
  try {
    row = db.update(skills).set(input).where(eq(skills.id, id)).returning().get();
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `技能编码已存在: ${input.code ?? ''}`);
    throw error;
  }
  if (!row) throw new StoreError('not-found', `技能不存在: ${id}`);
  return row;
}

/** Who still refers to a skill through the database: route numbers, agent logins, expert seat names. */
export interface SkillUsage {
  routes: string[];
  agents: string[];
  expertSeats: string[];
}

export function skillUsage(db: Db, id: number): SkillUsage {
  return {
    routes: db
      .select({ number: routes.number })
      .from(routes)
      .where(eq(routes.skillId, id))
      .orderBy(asc(routes.number))
      .all()
      .map((r) => r.number),
    agents: db
      .select({ login: agents.login })
      .from(agentSkills)
      .innerJoin(agents, eq(agents.id, agentSkills.agentId))
      .where(eq(agentSkills.skillId, id))
      .orderBy(asc(agents.login))
      .all()
      .map((a) => a.login),
    expertSeats: db
      .select({ name: expertSeats.name })
      .from(expertSeats)
      .where(eq(expertSeats.skillId, id))
      .orderBy(asc(expertSeats.id))
      .all()
      .map((s) => s.name),
  };
}
