import { and, asc, eq, isNull } from 'drizzle-orm';
import { cachedRead, configWrite } from '../config-cache.js';
import type { Db } from '../db.js';
import { StoreError, isConstraintError } from '../errors.js';
import { changedRows, first } from '../prepared.js';
import { agentSkills, agents, calls, expertSeats, routes, skills } from '../schema.js';

export type SkillRow = typeof skills.$inferSelect;

export function listSkills(db: Db): Promise<readonly SkillRow[]> {
  return cachedRead(db, 'skills', async () => Object.freeze(await db.select().from(skills).orderBy(asc(skills.id))));
}

export async function findSkillByCode(db: Db, code: string): Promise<SkillRow | undefined> {
  return first(await db.select().from(skills).where(eq(skills.code, code)).limit(1));
}

export async function createSkill(db: Db, input: { code: string; name: string }): Promise<SkillRow> {
  try {
    const rows = await configWrite(db, async (tx) => tx.insert(skills).values(input).returning());
    return rows[0]!;
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `技能编码已存在: ${input.code}`);
    throw error;
  }
}

/** Refused with a conflict while a route, agent or expert seat still uses the skill. */
export async function deleteSkill(db: Db, id: number): Promise<void> {
  let changed: number;
  try {
    changed = changedRows(await configWrite(db, async (tx) => tx.delete(skills).where(eq(skills.id, id))));
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `技能仍被路由、坐席或专家座席引用: ${id}`);
    throw error;
  }
  if (changed === 0) throw new StoreError('not-found', `技能不存在: ${id}`);
}

export async function findSkill(db: Db, id: number): Promise<SkillRow | undefined> {
  return first(await db.select().from(skills).where(eq(skills.id, id)).limit(1));
}

/**
 * A new code is also written on the calls still open that name the old one (the same commit): a
 * call row names its skill by code, and a server restarted while they wait puts them back in line by
 * it (cti/recovery/reconcile.ts) — for this skill, not for none (or for one given the old code later).
 * Ended calls keep the code they were served under.
 */
export async function updateSkill(db: Db, id: number, input: { code?: string; name?: string }): Promise<SkillRow> {
  let row: SkillRow | undefined;
  try {
    row = await configWrite(db, async (tx) => {
      const before = first(await tx.select({ code: skills.code }).from(skills).where(eq(skills.id, id)).limit(1));
      const after = first(await tx.update(skills).set(input).where(eq(skills.id, id)).returning());
      if (before && after && after.code !== before.code) {
        await tx
          .update(calls)
          .set({ skill: after.code })
          .where(and(eq(calls.skill, before.code), isNull(calls.endedAt)));
      }
      return after;
    });
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

export async function skillUsage(db: Db, id: number): Promise<SkillUsage> {
  return {
    routes: (await db.select({ number: routes.number }).from(routes).where(eq(routes.skillId, id)).orderBy(asc(routes.number))).map((r) => r.number),
    agents: (
      await db
        .select({ login: agents.login })
        .from(agentSkills)
        .innerJoin(agents, eq(agents.id, agentSkills.agentId))
        .where(eq(agentSkills.skillId, id))
        .orderBy(asc(agents.login))
    ).map((a) => a.login),
    expertSeats: (await db.select({ name: expertSeats.name }).from(expertSeats).where(eq(expertSeats.skillId, id)).orderBy(asc(expertSeats.id))).map((s) => s.name),
  };
}
