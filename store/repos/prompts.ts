/** The prompts admins added to the catalogue (schema `prompts`); the built-in ones live in ivr/prompts.ts. */
import { asc, eq } from 'drizzle-orm';
import { nowIso } from '../clock.js';
import { cachedRead, configWrite } from '../config-cache.js';
import type { Db } from '../db.js';
import { first } from '../prepared.js';
import { customPrompts } from '../schema.js';

export type CustomPromptRow = typeof customPrompts.$inferSelect;

export function listCustomPrompts(db: Db): Promise<CustomPromptRow[]> {
  return cachedRead(db, 'custom-prompts', async () => db.select().from(customPrompts).orderBy(asc(customPrompts.id)));
}

export async function addCustomPrompt(db: Db, prompt: { id: string; text: string; createdBy: string }): Promise<CustomPromptRow> {
  const createdAt = nowIso(db);
  const rows = await configWrite(db, async (tx) => tx.insert(customPrompts).values({ ...prompt, createdAt }).returning());
  return rows[0]!;
}

export async function updateCustomPrompt(db: Db, id: string, text: string): Promise<CustomPromptRow | undefined> {
  return first(await configWrite(db, async (tx) => tx.update(customPrompts).set({ text, generatedAt: null }).where(eq(customPrompts.id, id)).returning()));
}

export async function markPromptGenerated(db: Db, id: string): Promise<void> {
  const generatedAt = nowIso(db);
  await configWrite(db, async (tx) => {
    await tx.update(customPrompts).set({ generatedAt }).where(eq(customPrompts.id, id));
  });
}

export async function deleteCustomPrompt(db: Db, id: string): Promise<void> {
  await configWrite(db, async (tx) => {
    await tx.delete(customPrompts).where(eq(customPrompts.id, id));
  });
}
