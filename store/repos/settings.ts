import { nowIso } from '../clock.js';
import { eq } from 'drizzle-orm';
import { cachedRead, configWrite } from '../config-cache.js';
import type { Db } from '../db.js';
import { first } from '../prepared.js';
import { settings } from '../schema.js';

export function getSetting(db: Db, key: string): Promise<unknown> {
  return cachedRead(db, `setting:${key}`, async () => first(await db.select().from(settings).where(eq(settings.key, key)).limit(1))?.value);
}

export async function putSetting(db: Db, key: string, value: unknown): Promise<void> {
  const updatedAt = nowIso(db);
  await configWrite(db, async (tx) => {
    await tx.insert(settings).values({ key, value, updatedAt }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt } });
  });
}
