/**
 * Demo data: a small city centre with 12345 and three merged old hotlines, five agents on the
 * reference phones 1001–1005, an expert seat and a department directory. Loaded only into an empty
 * database (`CTI_SEED=demo`), so it never overwrites a centre's real configuration.
 */
import { count } from 'drizzle-orm';
import type { Db } from './db.js';
import { atomically } from './durability.js';
import { createAgent } from './repos/agents.js';
import { createDepartmentContact, createExpertSeat } from './repos/directory.js';
import { createRoute } from './repos/routes.js';
import { putMenu } from './repos/menus.js';
import { first } from './prepared.js';
import { writeAudit } from './repos/audit.js';
import { putSetting } from './repos/settings.js';
import { createSkill } from './repos/skills.js';
import { seedKnowledge } from './knowledge/seed-knowledge.js';
import { seedTicketReferenceData } from './seed-tickets.js';
import { routes } from './schema.js';

export async function isEmpty(db: Db): Promise<boolean> {
  return (first(await db.select({ n: count() }).from(routes))?.n ?? 0) === 0;
}

/**
 * Returns false (and writes nothing) when the database already holds a configuration.
 * `passwordHash` is given to every demo login (agents 1001–1005, `admin`, `super`): demo only. Given
 * as a function, it is called only when the demo data is written: a password hash takes tens of
 * milliseconds of CPU on purpose, and a server restarted on its demo database needs none.
 */
export async function seedDemo(db: Db, options: { passwordHash: string | null | (() => string) } = { passwordHash: null }): Promise<boolean> {
  if (!(await isEmpty(db))) return false;
  const passwordHash = typeof options.passwordHash === 'function' ? options.passwordHash() : options.passwordHash;
  await atomically(db, async (tx) => {
    const general = await createSkill(tx, { code: 'general', name: '综合受理' });
    const enterprise = await createSkill(tx, { code: 'enterprise', name: '涉企专席' });
    const dialect = await createSkill(tx, { code: 'dialect', name: '方言专席' });
    const market = await createSkill(tx, { code: 'market-12315', name: '12315 市场监管' });

    await createRoute(tx, { number: '12345', name: '12345 政务服务便民热线', mode: 'main', prompt: 'greeting-12345', skillId: general.id });
    await createRoute(tx, {
      number: '12315',
      name: '12315 市场监管投诉举报热线',
      mode: 'parallel',
      prompt: 'greeting-12315',
      skillId: market.id,
      priority: 1,
    });
    await createRoute(tx, {
      number: '12333',
      name: '12333 人力资源和社会保障热线',
      mode: 'whole',
      prompt: 'notice-merged-12333',
      skillId: general.id,
    });
    await createRoute(tx, {
      number: '12366',
      name: '12366 税务分中心',
      mode: 'subcentre',
      prompt: 'greeting-12345',
      skillId: general.id,
      subcentreDial: 'PJSIP/12366@trunk',
      transferMode: 'three-way',
    });

    await createAgent(tx, {
      login: '1001',
      passwordHash,
      name: '王芳',
      endpoint: 'PJSIP/1001',
      skills: [
        { skillId: general.id, level: 8 },
        { skillId: enterprise.id, level: 6 },
      ],
    });
    await createAgent(tx, { login: '1002', passwordHash, name: '李强', endpoint: 'PJSIP/1002', skills: [{ skillId: general.id, level: 6 }] });
    await createAgent(tx, {
      login: '1003',
      passwordHash,
      name: '张敏',
      endpoint: 'PJSIP/1003',
      skills: [
        { skillId: general.id, level: 5 },
        { skillId: dialect.id, level: 9 },
      ],
    });
    const marketAgent = await createAgent(tx, {
      login: '1004',
      passwordHash,
      name: '陈静',
      endpoint: 'PJSIP/1004',
      skills: [{ skillId: market.id, level: 9 }],
    });
    await createAgent(tx, { login: '1005', passwordHash, name: '刘洋', endpoint: 'PJSIP/1005', skills: [{ skillId: general.id, level: 4 }] });
    await createAgent(tx, { login: 'admin', passwordHash, name: '系统管理员', role: 'admin' });
    await createAgent(tx, { login: 'super', passwordHash, name: '值班班长', role: 'supervisor' });

    await createExpertSeat(tx, {
      name: '市场监管局专家座席',
      department: '市市场监督管理局',
      agentId: marketAgent.id,
      skillId: market.id,
      onDuty: [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }],
    });
    await createExpertSeat(tx, {
      name: '税务咨询专家',
      department: '市税务局',
      externalNumber: '02388880000',
      skillId: enterprise.id,
      onDuty: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }],
    });
    await createDepartmentContact(tx, { unit: '市住房和城乡建设委员会', person: '刘科长', phone: '02361230001' });
    await createDepartmentContact(tx, { unit: '市交通运输局', person: '赵主任', phone: '02361230002' });
    await createDepartmentContact(tx, { unit: '市人力资源和社会保障局', person: '孙科长', phone: '02361230003' });

    // A one-level menu, ready but switched off (no route uses it): GB/T 33358 discourages deep IVR
    // on the phone, so 12345 goes straight to an agent unless an admin attaches it.
    await putMenu(tx, {
      code: 'main',
      name: '12345 一级菜单',
      definition: {
        code: 'main',
        name: '12345 一级菜单',
        prompts: ['menu-main'],
        timeoutSeconds: 5,
        retries: 2,
        invalidPrompt: 'invalid-input',
        options: {
          '1': { type: 'queue', skill: 'general' },
          '2': { type: 'queue', skill: 'enterprise' },
          '3': { type: 'progress-query' },
          '4': { type: 'transfer', target: 'PJSIP/12366@trunk' },
          '0': { type: 'queue', skill: 'general' },
        },
        onFailure: { type: 'queue', skill: 'general' },
      },
    });
    await putSetting(tx, 'repeat-call-policy', { maxCalls: 5, windowMinutes: 60, action: 'warn' });
    await seedKnowledge(tx, passwordHash);
    await seedTicketReferenceData(tx);
    await writeAudit(tx, { actor: 'system', action: 'seed', entity: 'database', after: { seed: 'demo' } });
  });
  return true;
}
