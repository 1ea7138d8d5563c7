import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
import { inChunks } from '../chunks.js';
import { changedRows, first, statement } from '../prepared.js';
import type { Db } from '../db.js';
import { atomically } from '../durability.js';
import { StoreError, isConstraintError } from '../errors.js';
import { agentSkills, agents, skills, type AgentRole } from '../schema.js';

export type AgentRow = typeof agents.$inferSelect;

export interface AgentSkill {
  skillId: number;
  code: string;
  level: number;
}

export interface AgentWithSkills extends Omit<AgentRow, 'passwordHash'> {
  skills: AgentSkill[];
}

export interface AgentInput {
  login: string;
  name: string;
  endpoint?: string | null;
  role?: AgentRole;
  passwordHash?: string | null;
  skills?: { skillId: number; level: number }[];
  /** Default true. */
  enabled?: boolean;
  /** An editor's department (知识库). */
  department?: string | null;
}

export async function createAgent(db: Db, input: AgentInput): Promise<AgentRow> {
  try {
    return await atomically(db, async (tx) => {
      const { skills: wanted = [], ...fields } = input;
      const [agent] = await tx.insert(agents).values(fields).returning();
      for (const s of wanted) await tx.insert(agentSkills).values({ agentId: agent!.id, ...s });
      return agent!;
    });
  } catch (error) {
    if (isConstraintError(error, 'SQLITE_CONSTRAINT_UNIQUE'))
      throw new StoreError('conflict', `坐席工号或分机已存在: ${input.login}`);
    if (isConstraintError(error)) throw new StoreError('conflict', `坐席技能引用了不存在的技能: ${input.login}`);
    throw error;
  }
}

/** Agents with their skills, without password hashes. */
export async function listAgents(db: Db): Promise<AgentWithSkills[]> {
  const rows = await db.select().from(agents).orderBy(asc(agents.id));
  const links = await db
    .select({ agentId: agentSkills.agentId, skillId: agentSkills.skillId, level: agentSkills.level, code: skills.code })
    .from(agentSkills)
    .innerJoin(skills, eq(skills.id, agentSkills.skillId));
  return rows.map(({ passwordHash: _hidden, ...agent }) => ({
    ...agent,
    skills: links
      .filter((l) => l.agentId === agent.id)
      .map(({ skillId, code, level }) => ({ skillId, code, level })),
  }));
}

export async function findAgentByEndpoint(db: Db, endpoint: string): Promise<AgentRow | undefined> {
  return first(await db.select().from(agents).where(eq(agents.endpoint, endpoint)).limit(1));
}

export async function findAgentByLogin(db: Db, login: string): Promise<AgentRow | undefined> {
  return first(await db.select().from(agents).where(eq(agents.login, login)).limit(1));
}

export async function findAgent(db: Db, id: number): Promise<AgentRow | undefined> {
  return first(await statement(db, 'agent-by-id', (d) => d.select().from(agents).where(eq(agents.id, sql.placeholder('id')))).execute({ id }));
}

/** Many accounts by id. */
export function findAgents(db: Db, ids: readonly number[]): Promise<AgentRow[]> {
  return inChunks(ids, async (chunk) => db.select().from(agents).where(inArray(agents.id, chunk)));
}

/** One agent with their skills, without the password hash. */
export async function findAgentWithSkills(db: Db, id: number): Promise<AgentWithSkills | undefined> {
  const row = await findAgent(db, id);
  if (!row) return undefined;
  const { passwordHash: _hidden, ...agent } = row;
  const links = await db
    .select({ skillId: agentSkills.skillId, code: skills.code, level: agentSkills.level })
    .from(agentSkills)
    .innerJoin(skills, eq(skills.id, agentSkills.skillId))
    .where(eq(agentSkills.agentId, id))
    .orderBy(asc(agentSkills.skillId));
  return { ...agent, skills: links };
}

export interface AgentUpdate {
  login?: string;
  name?: string;
  endpoint?: string | null;
  role?: AgentRole;
  enabled?: boolean;
  department?: string | null;
  /** When given, replaces the agent's skills. */
  skills?: { skillId: number; level: number }[];
}

export async function updateAgent(db: Db, id: number, input: AgentUpdate): Promise<void> {
  try {
    await atomically(db, async (tx) => {
      const { skills: wanted, ...fields } = input;
      const exists = first(await tx.select({ id: agents.id }).from(agents).where(eq(agents.id, id)).limit(1));
      if (!exists) throw new StoreError('not-found', `坐席不存在: ${id}`);
      if (Object.keys(fields).length > 0) await tx.update(agents).set(fields).where(eq(agents.id, id));
      if (wanted) {
        await tx.delete(agentSkills).where(eq(agentSkills.agentId, id));
        for (const s of wanted) await tx.insert(agentSkills).values({ agentId: id, ...s });
      }
    });
  } catch (error) {
    if (isConstraintError(error, 'SQLITE_CONSTRAINT_UNIQUE'))
      throw new StoreError('conflict', `坐席工号或分机已存在: ${input.login ?? input.endpoint ?? id}`);
    if (isConstraintError(error)) throw new StoreError('conflict', `坐席技能引用了不存在的技能: ${id}`);
    throw error;
  }
}

export async function setAgentPassword(db: Db, id: number, passwordHash: string): Promise<void> {
  const result = await atomically(db, async (tx) => tx.update(agents).set({ passwordHash }).where(eq(agents.id, id)));
  if (changedRows(result) === 0) throw new StoreError('not-found', `坐席不存在: ${id}`);
}

/** Refused with a conflict while an expert seat still is this agent. Their skills go with them. */
export async function deleteAgent(db: Db, id: number): Promise<void> {
  let changed: number;
  try {
    changed = changedRows(await atomically(db, async (tx) => tx.delete(agents).where(eq(agents.id, id))));
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `坐席仍被专家座席引用: ${id}`);
    throw error;
  }
  if (changed === 0) throw new StoreError('not-found', `坐席不存在: ${id}`);
}

/** Enabled admins other than `exceptId` (so a change never leaves the centre without one). */
export async function countEnabledAdmins(db: Db, exceptId?: number): Promise<number> {
  const conditions = [eq(agents.role, 'admin'), eq(agents.enabled, true), ...(exceptId === undefined ? [] : [ne(agents.id, exceptId)])];
  return (
    first(
      await db
        .select({ n: count() })
        .from(agents)
        .where(and(...conditions)),
    )?.n ?? 0
  );
}
