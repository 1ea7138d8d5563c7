/**
 * The prompts an admin added to the catalogue (admin console: a newly merged hotline's notice or
 * greeting), read from the CTI server's database — found from the server's settings (CTI_DB, or
 * CTI_CONFIG's dbPath) and opened as the server opens it — so that npm run prompts speaks them with
 * the built-in set.
 */
import { ConfigError, databaseLocation } from '../../config.js';
import { listCustomPrompts } from '../../store/index.js';
import type { PromptToSpeak } from './prompt-set.js';
import { SetupError, openServerDatabase, shownLocation } from './server-facts.js';

/** A sound name the admin API accepts (PromptId): a file name under sounds/zh, never a path. */
const PROMPT_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface AdminPrompts {
  prompts: PromptToSpeak[];
  /** The database read (a PostgreSQL URL without its password), or null when there was none. */
  database: string | null;
  /** What the operator should know: no database there, an id that is not a sound name. */
  notes: string[];
}

/** Throws SetupError when the settings are broken or the database is there but cannot be opened. */
export async function readAdminPrompts(env: NodeJS.ProcessEnv): Promise<AdminPrompts> {
  let location: string;
  try {
    location = databaseLocation(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new SetupError(`the CTI server's settings: ${error.message}`);
    throw error;
  }
  const store = await openServerDatabase(location);
  if (!store) {
    const note = `no database at ${location}: the prompts an admin added to the catalogue are not included. Set CTI_DB (or CTI_CONFIG) as for the CTI server to include them`;
    return { prompts: [], database: null, notes: [note] };
  }
  try {
    const rows = await listCustomPrompts(store.db);
    const notes = rows.filter((p) => !PROMPT_ID.test(p.id)).map((p) => `prompt ${JSON.stringify(p.id)} of the catalogue is not a sound name: skipped`);
    return { prompts: rows.filter((p) => PROMPT_ID.test(p.id)).map(({ id, text }) => ({ id, text })), database: shownLocation(location), notes };
  } finally {
    await store.close();
  }
}
