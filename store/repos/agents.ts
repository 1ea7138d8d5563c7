import { asc, eq } from 'drizzle-orm';
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
