/**
 * `npm run backup`'s engine: a consistent, checked copy of a database the server is writing to.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../store/backup.js';
import { atomically, listAgents, listAudit, openStore, seedDemo, writeAudit } from '../../store/index.js';
import { TestClock } from '../support/test-clock.js';

const dir = mkdtempSync(join(tmpdir(), 'cti-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backup', () => {
  it('copies a database while it is being written, and the copy is whole and opens as a store', async () => {
    const live = openStore(join(dir, 'live.db'), new TestClock());
    await seedDemo(live.db);
    // Large enough to be copied in several steps, between which the writer below gets its turn.
    await atomically(live.db, async (tx) => {
      for (let i = 0; i < 20000; i++) await writeAudit(tx, { actor: 'admin', action: 'update', entity: 'setting', entityId: `before-${i}`, before: null, after: { i, text: '某街道某小区停水，居民反映情况' } });
    });
    // The server goes on writing while the copy is taken.
    let writes = 0;
    const written: Promise<void>[] = [];
    const writer = setInterval(() => {
      for (let i = 0; i < 20; i++) written.push(writeAudit(live.db, { actor: 'admin', action: 'update', entity: 'setting', entityId: `during-${writes++}`, before: null, after: null }));
    }, 1);
    const result = await backupDatabase(join(dir, 'live.db'), join(dir, 'copies', 'first.db'));
    clearInterval(writer);
    await Promise.all(written);
    expect(writes).toBeGreaterThan(0);

    expect(result.pages).toBeGreaterThan(0);
    const auditInCopy = result.rows.audit_log ?? 0;
    expect(auditInCopy).toBeGreaterThanOrEqual(20000);
    expect(auditInCopy).toBeLessThanOrEqual((await listAudit(live.db, 100000)).length);
    await live.close();

    // The copy is a database the server can start on: migrations already applied, the agents there.
    const restored = openStore(join(dir, 'copies', 'first.db'), new TestClock());
    expect((await listAgents(restored.db)).map((a) => a.login)).toContain('1001');
    await restored.close();
  });

  it('never overwrites a file, and says when there is no database', async () => {
    await expect(backupDatabase(join(dir, 'live.db'), join(dir, 'copies', 'first.db'))).rejects.toThrow('exists already');
    await expect(backupDatabase(join(dir, 'missing.db'), join(dir, 'copies', 'second.db'))).rejects.toThrow('no database at');
    expect(existsSync(join(dir, 'copies', 'second.db'))).toBe(false);
  });
});
