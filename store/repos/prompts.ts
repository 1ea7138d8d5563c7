/** The prompts admins added to the catalogue (schema `prompts`); the built-in ones live in ivr/prompts.ts. */
import { asc, eq } from 'drizzle-orm';
import { nowIso } from '../clock.js';
import { cachedConfig, configChanged } from '../config-cache.js';
import type { Db } from '../db.js';
import { customPrompts } from '../schema.js';

export type CustomPromptRow = typeof customPrompts.$inferSelect;

export function listCustomPrompts(db: Db): CustomPromptRow[] {
  return cachedConfig(db, 'custom-prompts', () => db.select().from(customPrompts).orderBy(asc(customPrompts.id)).all());
}

export function addCustomPrompt(db: Db, prompt: { id: string; text: string; createdBy: string }): CustomPromptRow {
  configChanged(db);
  return db.insert(customPrompts).values({ ...prompt, createdAt: nowIso(db) }).returning().get();
}

export function updateCustomPrompt(db: Db, id: string, text: string): CustomPromptRow | undefined {
  configChanged(db);
  return db.update(customPrompts).set({ text, generatedAt: null }).where(eq(customPrompts.id, id)).returning().get();
}

export function markPromptGenerated(db: Db, id: string): void {
  configChanged(db);
  db.update(customPrompts).set({ generatedAt: nowIso(db) }).where(eq(customPrompts.id, id)).run();
}

export function deleteCustomPrompt(db: Db, id: string): void {
  configChanged(db);
  db.delete(customPrompts).where(eq(customPrompts.id, id)).run();
}
