/**
 * Server settings: defaults, then an optional JSON config file (`CTI_CONFIG`), then environment
 * variables. Validated once at start; a bad value stops the server with a message naming it.
 * Secrets have no default: they come from the environment or the config file only.
 */
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { readFileSync } from 'node:fs';
import { jsonErrorPlace } from './config-json.js';

const Port = Type.Integer({ minimum: 1, maximum: 65535 });

/** A node's name: lower-case letters, digits and `-` (it becomes part of SIP endpoint names). */
export const NODE_NAME_PATTERN = '^[a-z0-9][a-z0-9-]{0,30}$';
/** The name of the one node of a configuration without a `nodes` list. */
export const SINGLE_NODE_NAME = 'pbx';

export const ConfigSchema = Type.Object(
  {
    httpHost: Type.String({ minLength: 1 }),
    httpPort: Type.Integer({ minimum: 0, maximum: 65535 }),
    dbPath: Type.String({ minLength: 1 }),
    seed: Type.Union([Type.Literal('none'), Type.Literal('demo')]),
    logLevel: Type.Union([
      Type.Literal('fatal'),
      Type.Literal('error'),
      Type.Literal('warn'),
      Type.Literal('info'),
      Type.Literal('debug'),
      Type.Literal('trace'),
      Type.Literal('silent'),
    ]),
    /** Key that signs agent/admin tokens (HS256), at least 32 characters. */
    tokenKey: Type.Optional(Type.String({ minLength: 32 })),
    ringTimeoutSeconds: Type.Integer({ minimum: 5, maximum: 120 }),
    wrapUpSeconds: Type.Integer({ minimum: 0, maximum: 600 }),
    /** `remind`: a wrap-up ending before the call's ticket is registered sets the agent 示忙 (工单未登记) instead of ready; `off`: ready anyway. */
    wrapUpTicketCheck: Type.Optional(Type.Union([Type.Literal('remind'), Type.Literal('off')])),
    /** How often a waiting caller hears their position in the queue. */
    queueAnnounceSeconds: Type.Integer({ minimum: 1, maximum: 600 }),
    queueOverflowSeconds: Type.Integer({ minimum: 0, maximum: 3600 }),
    /** Login attempts one client address may make a minute (agents behind one NAT share an address). */
    loginAttemptsPerMinute: Type.Integer({ minimum: 1, maximum: 100000 }),
    /**
     * WebSockets (agent desktops and wallboards) the server keeps open at most; one more is closed
     * (4429). Each desktop is one socket: size it for the seats of every node, with room for reloads.
     */
    maxSockets: Type.Optional(Type.Integer({ minimum: 10, maximum: 100000 })),
    /** `off`: this server runs no scheduled jobs (deadline watch, callbacks, KPI roll-up, retention). */
    jobs: Type.Union([Type.Literal('on'), Type.Literal('off')]),
    /** The folder of the built browser pages; default: `dist/public` beside the server. */
    pagesDir: Type.Optional(Type.String({ minLength: 1 })),
    /**
     * This server's address as desktops reach it (e.g. `http://10.1.2.3:8080`): a standby server
     * (PostgreSQL only) names the active one's to the pages. Default: `http://<host name>:<httpPort>`.
     */
    advertisedUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
    /** Asterisk's sounds/zh folder (or a share of it): where prompts an admin adds are generated. */
    promptsDir: Type.Optional(Type.String({ minLength: 1 })),
    ami: Type.Object(
      {
        host: Type.String({ minLength: 1 }),
        port: Port,
        user: Type.String({ minLength: 1 }),
        secret: Type.String({ minLength: 1 }),
      },
      { additionalProperties: false },
    ),
    ari: Type.Object(
      {
        url: Type.String({ pattern: '^https?://' }),
        user: Type.String({ minLength: 1 }),
        password: Type.String({ minLength: 1 }),
        app: Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }),
        /**
         * At most this many HTTP connections to ARI (default 32, `ARI_DEFAULT_CONNECTIONS`), plus the
         * event socket. Asterisk closes every connection beyond http.conf's `sessionlimit` (100 by
         * default) unanswered, so the pool is bounded and requests wait their turn in it instead;
         * `npm run check-config` checks that it fits under the limit.
         */
        connections: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        /**
         * true: REST requests over the events WebSocket when Asterisk takes them there (22.4, 21.9,
         * 20.14 and later). Off by default: Asterisk runs one socket's requests one after another.
         */
        requestsOverSocket: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    /**
     * Several Asterisk nodes behind this server, each with its own AMI and ARI (the application name
     * stays `ari.app` for all). Absent: one node, named `pbx`, from `ami` and `ari`. A name is what
     * rows, `/health` and the inter-node trunk (`internode-<name>` in pjsip_internode.conf) call it.
     */
    nodes: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String({ pattern: NODE_NAME_PATTERN }),
            ami: Type.Object({ host: Type.String({ minLength: 1 }), port: Port, user: Type.String({ minLength: 1 }), secret: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
            ari: Type.Object(
              { url: Type.String({ pattern: '^https?://' }), user: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }), connections: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })), requestsOverSocket: Type.Optional(Type.Boolean()) },
              { additionalProperties: false },
            ),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 16 },
      ),
    ),
    /**
     * A node whose ARI stays unreachable this long is taken as lost: its calls are closed and
     * accounted for (missed-call list, ticket note); a node that comes back sooner is reconciled.
     */
    nodeLostSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;

/** One Asterisk node as the server links to it. */
export interface NodeConfig {
  name: string;
  ami: Config['ami'];
  ari: Omit<Config['ari'], 'app'>;
}

/** The nodes of a configuration: its `nodes` list, or the one node `ami` + `ari` describe. */
export function nodesOf(config: Config): NodeConfig[] {
  return config.nodes ?? [{ name: SINGLE_NODE_NAME, ami: config.ami, ari: { url: config.ari.url, user: config.ari.user, password: config.ari.password, connections: config.ari.connections, requestsOverSocket: config.ari.requestsOverSocket } }];
}

/** Defaults match `asterisk-config/` and the PBX simulator. Secrets are absent on purpose. */
export const DEFAULTS = {
  httpHost: '0.0.0.0',
  httpPort: 8080,
  dbPath: './data/cti.db',
  seed: 'none',
  logLevel: 'info',
  ringTimeoutSeconds: 15,
  wrapUpSeconds: 15,
  wrapUpTicketCheck: 'remind',
  queueAnnounceSeconds: 30,
  queueOverflowSeconds: 60,
  loginAttemptsPerMinute: 120,
  jobs: 'on',
  ami: { host: '127.0.0.1', port: 5038, user: 'cti' },
  ari: { url: 'http://127.0.0.1:8088', user: 'cti', app: 'hotline12345' },
} as const;

/** Environment variable → path in the config object. */
const ENV_MAP: Record<string, [string, string?]> = {
  CTI_HTTP_HOST: ['httpHost'],
  CTI_HTTP_PORT: ['httpPort'],
  CTI_DB: ['dbPath'],
  CTI_SEED: ['seed'],
  CTI_LOG_LEVEL: ['logLevel'],
  CTI_TOKEN_KEY: ['tokenKey'],
  CTI_RING_TIMEOUT: ['ringTimeoutSeconds'],
  CTI_WRAP_UP: ['wrapUpSeconds'],
  CTI_WRAP_UP_TICKET_CHECK: ['wrapUpTicketCheck'],
  CTI_QUEUE_ANNOUNCE: ['queueAnnounceSeconds'],
  CTI_QUEUE_OVERFLOW: ['queueOverflowSeconds'],
  CTI_JOBS: ['jobs'],
  CTI_PAGES_DIR: ['pagesDir'],
  CTI_PROMPTS_DIR: ['promptsDir'],
  CTI_ADVERTISED_URL: ['advertisedUrl'],
  CTI_LOGIN_RATE: ['loginAttemptsPerMinute'],
  CTI_MAX_SOCKETS: ['maxSockets'],
  CTI_AMI_HOST: ['ami', 'host'],
  CTI_AMI_PORT: ['ami', 'port'],
  CTI_AMI_USER: ['ami', 'user'],
  CTI_AMI_SECRET: ['ami', 'secret'],
  CTI_ARI_URL: ['ari', 'url'],
  CTI_ARI_USER: ['ari', 'user'],
  CTI_ARI_PASSWORD: ['ari', 'password'],
  CTI_ARI_APP: ['ari', 'app'],
  CTI_ARI_CONNECTIONS: ['ari', 'connections'],
  CTI_ARI_REQUESTS_OVER_SOCKET: ['ari', 'requestsOverSocket'],
};

/** on/off variables, read as booleans. */
const SWITCHES = new Set(['CTI_ARI_REQUESTS_OVER_SOCKET']);

const NUMERIC = new Set(['CTI_HTTP_PORT', 'CTI_AMI_PORT', 'CTI_RING_TIMEOUT', 'CTI_WRAP_UP', 'CTI_QUEUE_ANNOUNCE', 'CTI_QUEUE_OVERFLOW', 'CTI_LOGIN_RATE', 'CTI_ARI_CONNECTIONS', 'CTI_MAX_SOCKETS']);

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

type Tree = Record<string, unknown>;

function merge(into: Tree, from: Tree): Tree {
  for (const [key, value] of Object.entries(from)) {
    const current = into[key];
    if (value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object') {
      into[key] = merge({ ...(current as Tree) }, value as Tree);
    } else {
      into[key] = value;
    }
  }
  return into;
}

function readFile(path: string): Tree {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Where, never what: the text at the mistake may well be a secret (config-json.ts).
    throw new ConfigError(`config file ${path} is not valid JSON: ${jsonErrorPlace(text)}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`config file ${path} must hold one JSON object ({ … })`);
  return parsed as Tree;
}

function fromEnv(env: NodeJS.ProcessEnv): Tree {
  const tree: Tree = {};
  // The node list is one JSON array (a config file is the better place for it).
  if (env.CTI_NODES) {
    try {
      tree.nodes = JSON.parse(env.CTI_NODES) as unknown;
    } catch {
      throw new ConfigError(`CTI_NODES is not valid JSON: ${jsonErrorPlace(env.CTI_NODES)}`);
    }
  }
  if (env.CTI_NODE_LOST) {
    if (!/^\d+$/.test(env.CTI_NODE_LOST)) throw new ConfigError(`CTI_NODE_LOST must be a whole number, got "${env.CTI_NODE_LOST}"`);
    tree.nodeLostSeconds = Number(env.CTI_NODE_LOST);
  }
  for (const [name, [first, second]] of Object.entries(ENV_MAP)) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (NUMERIC.has(name)) {
      if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
      value = Number(raw);
    }
    if (SWITCHES.has(name)) {
      if (raw !== 'on' && raw !== 'off') throw new ConfigError(`${name} must be on or off, got "${raw}"`);
      value = raw === 'on';
    }
    if (second) tree[first] = { ...((tree[first]) ?? {}), [second]: value };
    else tree[first] = value;
  }
  return tree;
}

const ENV_NAME_OF = Object.fromEntries(Object.entries(ENV_MAP).map(([env, path]) => [`/${path.filter(Boolean).join('/')}`, env]));

/** Defaults, then the config file, then the environment: the settings before they are checked. */
function mergedSettings(env: NodeJS.ProcessEnv): Tree {
  return merge(merge(structuredClone(DEFAULTS), env.CTI_CONFIG ? readFile(env.CTI_CONFIG) : {}), fromEnv(env));
}

/**
 * Where the server's database is (CTI_DB, else the config file's `dbPath`, else the default), read as
 * loadConfig reads it but without the other settings having to be complete: for a tool on the
 * Asterisk host that needs the database and not the secrets (npm run prompts).
 */
export function databaseLocation(env: NodeJS.ProcessEnv = process.env): string {
  const { dbPath } = mergedSettings(env);
  if (typeof dbPath !== 'string' || dbPath === '') throw new ConfigError('invalid configuration:\n  /dbPath (CTI_DB): must be a file path or a postgres:// URL');
  return dbPath;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const merged = mergedSettings(env);
  // With a node list, `ami` and `ari` (still read for the application name and by check-config) are its first node's.
  const [first] = Array.isArray(merged.nodes) ? (merged.nodes as unknown[]) : [];
  if (first && typeof first === 'object') {
    const node = first as Tree;
    if (node.ami && typeof node.ami === 'object') merged.ami = merge({ ...(merged.ami as Tree) }, node.ami as Tree);
    if (node.ari && typeof node.ari === 'object') merged.ari = merge({ ...(merged.ari as Tree) }, node.ari as Tree);
  }
  if (!Value.Check(ConfigSchema, merged)) {
    const problems = [...Value.Errors(ConfigSchema, merged)].map((e) => {
      const missing = e.keyword === 'required' ? (e.params as { requiredProperties?: string[] }).requiredProperties : undefined;
      const path = missing ? `${e.instancePath}/${missing.join(',')}` : e.instancePath;
      const env = ENV_NAME_OF[path];
      return `${path || '/'}${env ? ` (${env})` : ''}: ${missing ? 'is required' : e.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${[...new Set(problems)].join('\n  ')}`);
  }
  const names = (merged.nodes ?? []).map((n) => n.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated) throw new ConfigError(`invalid configuration:\n  /nodes (CTI_NODES): the node name "${repeated}" is given twice`);
  return merged;
}
