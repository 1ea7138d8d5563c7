/**
 * A bench server child's database, before the child starts: an SQLite file in the work directory, or
 * with BENCH_DB=postgres a fresh PostgreSQL database (dropped at clean-up); the demo data in it, and
 * what the phase's agents are created with. The caller adds its agents, then closes the store.
 */
import { join } from 'node:path';
import { hashPasswordSync } from '../../softphone-bridge/auth/passwords.js';
import { findSkillByCode, openDatabase, seedDemo, type Store } from '../../store/index.js';
import { createPostgresDatabase } from '../support/test-database.js';
import { atCleanUp } from './children.js';

export interface BenchDatabase {
  /** What the child gets as CTI_DB. */
  dbPath: string;
  store: Store;
  /** The hash of the agents' password "bench". */
  passwordHash: string;
  /** The skill 12345's callers queue for. */
  generalSkillId: number;
}

export async function openBenchDatabase(work: string, file: string, label: string): Promise<BenchDatabase> {
  let dbPath = join(work, file);
  if (process.env.BENCH_DB === 'postgres') {
    const created = await createPostgresDatabase();
    dbPath = created.url;
    atCleanUp(label, created.drop);
  }
  const store = await openDatabase(dbPath);
  const passwordHash = hashPasswordSync('bench');
  await seedDemo(store.db, { passwordHash });
  const general = await findSkillByCode(store.db, 'general');
  if (!general) throw new Error('no general skill');
  return { dbPath, store, passwordHash, generalSkillId: general.id };
}
