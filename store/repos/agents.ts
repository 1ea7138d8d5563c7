import { and, asc, count, eq, inArray, ne, sql } from 'drizzle-orm';
import { byChunks } from '../chunks.js';
import { prepared } from '../prepared.js';
import type { Db } from '../db.js';
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

export function createAgent(db: Db, input: AgentInput): AgentRow {
  try {
    return db.transaction((tx) => {
      const { skills: wanted = [], ...fields } = input;
      const agent = tx.insert(agents).values(fields).returning().get();
      for (const s of wanted) tx.insert(agentSkills).values({ agentId: agent.id, ...s }).run();
      return agent;
    });
  } catch (error) {
    if (isConstraintError(error, 'SQLITE_CONSTRAINT_UNIQUE'))
      throw new StoreError('conflict', `坐席工号或分机已存在: ${input.login}`);
    if (isConstraintError(error)) throw new StoreError('conflict', `坐席技能引用了不存在的技能: ${input.login}`);
    throw error;
  }
}

/** Agents with their skills, without password hashes. */
export function listAgents(db: Db): AgentWithSkills[] {
  const rows = db.select().from(agents).orderBy(asc(agents.id)).all();
  const links = db
    .select({ agentId: agentSkills.agentId, skillId: agentSkills.skillId, level: agentSkills.level, code: skills.code })
    .from(agentSkills)
    .innerJoin(skills, eq(skills.id, agentSkills.skillId))
    .all();
  return rows.map(({ passwordHash: _hidden, ...agent }) => ({
    ...agent,
    skills: links
      .filter((l) => l.agentId === agent.id)
      .map(({ skillId, code, level }) => ({ skillId, code, level })),
  }));
}

export function findAgentByEndpoint(db: Db, endpoint: string): AgentRow | undefined {
  return db.select().from(agents).where(eq(agents.endpoint, endpoint)).get();
}

export function findAgentByLogin(db: Db, login: string): AgentRow | undefined {
  return db.select().from(agents).where(eq(agents.login, login)).get();
}

export function findAgent(db: Db, id: number): AgentRow | undefined {
  return prepared(db, 'agent-by-id', (d) => d.select().from(agents).where(eq(agents.id, sql.placeholder('id'))).prepare()).get({ id });
}

/** Many accounts by id. */
export function findAgents(db: Db, ids: readonly number[]): AgentRow[] {
  return byChunks(ids, (chunk) => db.select().from(agents).where(inArray(agents.id, chunk)).all());
}

/** One agent with their skills, without the password hash. */
export function findAgentWithSkills(db: Db, id: number): AgentWithSkills | undefined {
  const row = findAgent(db, id);
  if (!row) return undefined;
  const { passwordHash: _hidden, ...agent } = row;
  const links = db
    .select({ skillId: agentSkills.skillId, code: skills.code, level: agentSkills.level })
    .from(agentSkills)
    .innerJoin(skills, eq(skills.id, agentSkills.skillId))
    .where(eq(agentSkills.agentId, id))
    .orderBy(asc(agentSkills.skillId))
    .all();
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

export function updateAgent(db: Db, id: number, input: AgentUpdate): void {
  try {
    db.transaction((tx) => {
      const { skills: wanted, ...fields } = input;
      const exists = tx.select({ id: agents.id }).from(agents).where(eq(agents.id, id)).get();
      if (!exists) throw new StoreError('not-found', `坐席不存在: ${id}`);
      if (Object.keys(fields).length > 0) tx.update(agents).set(fields).where(eq(agents.id, id)).run();
      if (wanted) {
        tx.delete(agentSkills).where(eq(agentSkills.agentId, id)).run();
        for (const s of wanted) tx.insert(agentSkills).values({ agentId: id, ...s }).run();
      }
    });
  } catch (error) {
    if (isConstraintError(error, 'SQLITE_CONSTRAINT_UNIQUE'))
      throw new StoreError('conflict', `坐席工号或分机已存在: ${input.login ?? input.endpoint ?? id}`);
    if (isConstraintError(error)) throw new StoreError('conflict', `坐席技能引用了不存在的技能: ${id}`);
    throw error;
  }
}

export function setAgentPassword(db: Db, id: number, passwordHash: string): void {
  const result = db.update(agents).set({ passwordHash }).where(eq(agents.id, id)).run();
  if (result.changes === 0) throw new StoreError('not-found', `坐席不存在: ${id}`);
}

/** Refused with a conflict while an expert seat still is this agent. Their skills go with them. */
export function deleteAgent(db: Db, id: number): void {
  try {
    const result = db.delete(agents).where(eq(agents.id, id)).run();
    if (result.changes === 0) throw new StoreError('not-found', `坐席不存在: ${id}`);
  } catch (error) {
    if (isConstraintError(error)) throw new StoreError('conflict', `坐席仍被专家座席引用: ${id}`);
    throw error;
  }
}

/** Enabled admins other than `exceptId` (so a change never leaves the centre without one). */
export function countEnabledAdmins(db: Db, exceptId?: number): number {
  const conditions = [eq(agents.role, 'admin'), eq(agents.enabled, true), ...(exceptId === undefined ? [] : [ne(agents.id, exceptId)])];
  return db
    .select({ n: count() })
    .from(agents)
    .where(and(...conditions))
    .get()?.n ?? 0;
}
