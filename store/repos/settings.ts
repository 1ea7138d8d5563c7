import { nowIso } from '../clock.js';
import { eq } from 'drizzle-orm';
import { cachedConfig, configChanged } from '../config-cache.js';
import type { Db } from '../db.js';
import { settings } from '../schema.js';

export function getSetting(db: Db, key: string): unknown {
  return cachedConfig(db, `setting:${key}`, () => db.select().from(settings).where(eq(settings.key, key)).get()?.value);
}

export function putSetting(db: Db, key: string, value: unknown): void {
  configChanged(db);
  const updatedAt = nowIso(db);
  db.insert(settings).values({ key, value, updatedAt }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt } }).run();
}
