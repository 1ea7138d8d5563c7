/**
 * What the CTI server will use, read the way the server reads it: its settings (defaults, CTI_CONFIG,
 * CTI_* variables, via loadConfig) and its database (routes, menus, agents, the prompts an admin
 * added), opened as the server opens it: an SQLite file or PostgreSQL (`postgres://…`).
 */
import { existsSync } from 'node:fs';
import { ConfigError, loadConfig, type Config, type NodeConfig } from '../../config.js';
import {
  isPostgresUrl,
  listAgents,
  listCustomPrompts,
  listMenus,
  listRoutes,
  openDatabase,
  openStore,
  redactedUrl,
  seedDemo,
  type AgentWithSkills,
  type MenuRow,
  type RouteRow,
  type Store,
} from '../../store/index.js';

export interface ServerFacts {
  config: Config;
  /**
   * With a node list in the settings: the node whose AMI and ARI `config.ami` and `config.ari` are
   * (the first, or --self's: `forNode`). Absent: the one node of CTI_AMI_* and CTI_ARI_*.
   */
  node?: string;
  /** The database read: its file, its URL without the password, or `demo data` for --demo. */
  database: string;
  routes: RouteRow[];
  menus: MenuRow[];
  agents: AgentWithSkills[];
  /** The ids of the prompts an admin added to the catalogue (their sounds: npm run prompts). */
  customPrompts: string[];
}

/** The check cannot run at all (no settings, no database): not a finding about Asterisk. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

/** Where a database location may be shown: an SQLite path as it is, a PostgreSQL URL without its password. */
export function shownLocation(location: string): string {
  return isPostgresUrl(location) ? redactedUrl(location) : location;
}

/**
 * The server's database (CTI_DB), opened as the server opens it; null when it is an SQLite file that
 * does not exist (a tool must not create an empty one). A PostgreSQL database that cannot be opened
 * is a SetupError naming it without its password.
 */
export async function openServerDatabase(location: string): Promise<Store | null> {
  if (!isPostgresUrl(location)) return location === ':memory:' || existsSync(location) ? openStore(location) : null;
  try {
    return await openDatabase(location);
  } catch (error) {
    // openPostgresStore names the server itself when it does not answer; a failure after that does not.
    const where = redactedUrl(location);
    const message = (error as Error).message.split(location).join(where);
    throw new SetupError(message.includes(where) ? message : `PostgreSQL at ${where}: ${message}`);
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
  const location = options.demo ? ':memory:' : config.dbPath;
  const store = await openServerDatabase(location);
  if (!store) throw new SetupError(`no database at ${location}: set CTI_DB to the CTI server's database, or use --demo to check against the demo data`);
  try {
    if (options.demo) await seedDemo(store.db);
    const facts: ServerFacts = {
      config,
      database: options.demo ? 'demo data' : shownLocation(location),
      routes: [...(await listRoutes(store.db))],
      menus: await listMenus(store.db),
      agents: await listAgents(store.db),
      customPrompts: (await listCustomPrompts(store.db)).map((p) => p.id),
    };
    // With a node list, the first node's own entry, as the server links to it (loadConfig's `ari` also
    // carries a CTI_ARI_CONNECTIONS the server does not use for any node of the list).
    const [first] = config.nodes ?? [];
    return first ? forNode(facts, first) : facts;
  } finally {
    await store.close();
  }
}

/** The facts as node `node` of the settings' list sees them: its own AMI and ARI (host, port, URL, credentials). */
export function forNode(facts: ServerFacts, node: NodeConfig): ServerFacts {
  return { ...facts, node: node.name, config: { ...facts.config, ami: node.ami, ari: { ...node.ari, app: facts.config.ari.app } } };
}

const NODE_SETTINGS = {
  CTI_AMI_HOST: 'ami.host',
  CTI_AMI_PORT: 'ami.port',
  CTI_AMI_USER: 'ami.user',
  CTI_AMI_SECRET: 'ami.secret',
  CTI_ARI_URL: 'ari.url',
  CTI_ARI_USER: 'ari.user',
  CTI_ARI_PASSWORD: 'ari.password',
  CTI_ARI_CONNECTIONS: 'ari.connections',
} as const;

/** What the operator calls a node's setting: `CTI_AMI_SECRET`, or with a node list `node b's ami.secret (CTI_NODES)`. */
export function settingName(facts: Pick<ServerFacts, 'node'>, name: keyof typeof NODE_SETTINGS): string {
  return facts.node === undefined ? name : `node ${facts.node}'s ${NODE_SETTINGS[name]} (CTI_NODES)`;
}
