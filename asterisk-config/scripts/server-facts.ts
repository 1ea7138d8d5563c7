/**
 * What the CTI server will use, read the way the server reads it: its settings (defaults, CTI_CONFIG,
 * CTI_* variables, via loadConfig) and its database (routes, menus, agents, via the store).
 */
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config } from '../../config.js';
import { listAgents, listMenus, listRoutes, openStore, seedDemo, type AgentWithSkills, type MenuRow, type RouteRow } from '../../store/index.js';

export interface ServerFacts {
  config: Config;
  /** The database file read, or `demo data` for --demo. */
  database: string;
  routes: RouteRow[];
  menus: MenuRow[];
  agents: AgentWithSkills[];
}

/** The check cannot run at all (no settings, no database): not a finding about Asterisk. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

/** `demo`: check against the demo data (CTI_SEED=demo) in a throw-away database instead of CTI_DB. */
export async function readServerFacts(env: NodeJS.ProcessEnv, options: { demo: boolean }): Promise<ServerFacts> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new SetupError(`the CTI server's settings: ${error.message}`);
    throw error;
  }
  const path = options.demo ? ':memory:' : config.dbPath;
  if (path !== ':memory:' && !existsSync(path)) {
    throw new SetupError(`no database at ${path}: set CTI_DB to the CTI server's database, or use --demo to check against the demo data`);
  }
  const store = openStore(path);
  try {
    if (options.demo) await seedDemo(store.db);
    return {
      config,
      database: options.demo ? 'demo data' : path,
      routes: [...(await listRoutes(store.db))],
      menus: await listMenus(store.db),
      agents: await listAgents(store.db),
    };
  } finally {
    await store.close();
  }
}
