/**
 * Upgrading a database made before the knowledge base: the migration that adds the `editor` role
 * rebuilds the `agents` table (a CHECK constraint changes). The rows of the tables that reference
 * agents — skills, calls, tickets — must come through it untouched (their ON DELETE actions must not
 * fire), and the keys must hold afterwards.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agents, agentSkills, openStore } from '../../store/index.js';
import { migrationIndex, olderDatabase as migratedUpTo } from '../support/older-database.js';

const before = migrationIndex('_knowledge_base');

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A database file as the migrations before the knowledge base left it. */
function olderDatabase(path: string): void {
  migratedUpTo(
    path,
    before,
    `
    INSERT INTO skills (code, name) VALUES ('general', '综合受理');
    INSERT INTO agents (login, name, endpoint) VALUES ('1001', '王芳', 'PJSIP/1001');
    INSERT INTO agent_skills (agent_id, skill_id, level) VALUES (1, 1, 8);
    INSERT INTO tickets (number, caller_number, dialled_number, hotline, agent_id) VALUES ('2606100001', '13800000000', '12345', '12345', 1);
  `,
  );
}

describe('the editor role migration on an existing database', () => {
  it('keeps the skills and tickets of every agent, and admits editors afterwards', () => {
    expect(before).toBeGreaterThan(0);
    dir = mkdtempSync(join(tmpdir(), 'cti-migration-'));
    const path = join(dir, 'cti.db');
    olderDatabase(path);
    const store = openStore(path);
    try {
      expect(store.db.select().from(agentSkills).all()).toEqual([{ agentId: 1, skillId: 1, level: 8 }]);
      const raw = new Database(path, { readonly: true });
      expect(raw.prepare('SELECT agent_id FROM tickets').all()).toEqual([{ agent_id: 1 }]);
      expect(raw.pragma('foreign_key_check')).toEqual([]);
      raw.close();
      store.db.insert(agents).values({ login: 'kb-ybj', name: '医保局知识编辑', role: 'editor', department: '市医疗保障局' }).run();
      // The references still point at the table called agents: deleting an agent reaches its skills.
      store.db.delete(agentSkills).run();
      expect(() => store.db.insert(agentSkills).values({ agentId: 99, skillId: 1, level: 1 }).run()).toThrow(/FOREIGN KEY/);
    } finally {
      void store.close();
    }
  });
});
