/**
 * Composition root: reads the configuration, opens the store, links to Asterisk (AMI + ARI), starts
 * the call handling and the HTTP server. Nothing else wires parts together.
 */
import Fastify from 'fastify';
import { realpathSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, nodesOf, type Config } from './config.js';
import { startCallHandling, type CallHandling } from './cti/call-handling.js';
import { DEFAULT_NODE_LOST_SECONDS } from './cti/nodes/node-loss.js';
import { createLogger, type Logger } from './cti/logging.js';
import { PbxNodes } from './cti/nodes/pbx-nodes.js';
import { OutageImporter } from './cti/recovery/outage-importer.js';
import { OutageRecordStore } from './cti/recovery/outage-records.js';
import type { RecoveryStatus } from './cti/recovery/recovery-status.js';
import { MissedCallCallbacks } from './cti/callbacks/missed-call-callbacks.js';
import { SurveyCallbacks } from './cti/callbacks/survey-callbacks.js';
import { RecordingRetention } from './cti/jobs/recording-retention.js';
import { DeadlineWatch } from './cti/tickets/deadline-watch.js';
import { TicketService } from './cti/tickets/ticket-service.js';
import fastifyWebsocket from '@fastify/websocket';
import { adminApi, registerApiDocs } from './softphone-bridge/admin-api/index.js';
import { agentGateway } from './softphone-bridge/agent-ws/agent-gateway.js';
import { hashPasswordSync } from './softphone-bridge/auth/passwords.js';
import { supervisorGateway } from './softphone-bridge/supervisor-ws/supervisor-gateway.js';
import { DEFAULT_LIMITS, MAX_FRAME_BYTES, SocketLimits } from './softphone-bridge/ws-limits.js';
import { replyNotFound, replyWithError } from './softphone-bridge/http/error-replies.js';
import { replyToFrameworkError } from './softphone-bridge/http/framework-errors.js';
import { strictValidatorCompiler } from './softphone-bridge/http/strict-validator.js';
import { LoginThrottle } from './softphone-bridge/auth/login-throttle.js';
import { Sessions } from './softphone-bridge/auth/sessions.js';
import { TokenService } from './softphone-bridge/auth/tokens.js';
import { authRoutes } from './softphone-bridge/http/auth-routes.js';
import { calendarRoutes } from './softphone-bridge/http/calendar-routes.js';
import { KpiRollup } from './softphone-bridge/reports/kpi-rollup.js';
import { startActivityRecorder } from './softphone-bridge/reports/activity-recorder.js';
import { healthRoutes } from './softphone-bridge/http/health.js';
import { registerSecurityHeaders } from './softphone-bridge/http/security-headers.js';
import { staticPages } from './softphone-bridge/web/static-pages.js';
import { ticketRoutes } from './softphone-bridge/http/ticket-routes.js';
import { settleTicketNotes } from './cti/tickets/ticket-notes.js';
import { knowledgeRoutes } from './softphone-bridge/knowledge/knowledge-routes.js';
import { becomeActive } from './active-standby.js';
import type { LeaderLock } from './store/leader-lock.js';
import { DatabaseUnreachable, databaseAnswers, openDatabase, seedDemo, systemClock, type Clock, type Store } from './store/index.js';

/** The password every demo login gets (`CTI_SEED=demo` only). */
export const DEMO_PASSWORD = 'demo';

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8080`. */
  httpUrl: string;
  store: Store;
  /** The links to every Asterisk node. */
  link: PbxNodes;
  calls: CallHandling;
  tokens: TokenService;
  sessions: Sessions;
  deadlineWatch: DeadlineWatch;
  surveyCallbacks: SurveyCallbacks;
  missedCallbacks: MissedCallCallbacks;
  kpiRollup: KpiRollup;
  retention: RecordingRetention;
  recovery: RecoveryStatus;
  outageImport: OutageImporter;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** What "now" is for everything the server does (the system clock unless a test says otherwise). */
  clock?: Clock;
}

export async function startServer(config: Config, log: Logger = createLogger(config.logLevel), options: ServerOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const store = await openDatabase(config.dbPath, clock, {
    // The message only: pg's error carries its client, connection parameters and all.
    onConnectionLost: (error) => log.warn({ err: error.message }, 'a PostgreSQL connection of the pool was lost; the next query opens a new one'),
    onCheckpointerLost: (error) => log.warn({ err: error.message }, 'the WAL checkpoint worker stopped; commits checkpoint the WAL themselves again'),
  });
  log.info({ database: store.dialect, at: store.dialect === 'postgres' ? store.path : config.dbPath }, 'database open');
  if (config.seed === 'demo' && (await seedDemo(store.db, { passwordHash: () => hashPasswordSync(DEMO_PASSWORD) }))) {
    log.warn(`DEMO DATA LOADED: users admin, super and agents 1001-1005 all have the password "${DEMO_PASSWORD}". Never use this database in service.`);
  }
  const tokens = new TokenService(config.tokenKey, clock);
  const sessions = new Sessions(store.db, tokens, log.child({ part: 'sessions' }));
  sessions.start();
  if (!config.tokenKey) log.warn('CTI_TOKEN_KEY is not set: using a random key, so logins end when the server restarts');

  const link = new PbxNodes(
    nodesOf(config).map((node) => ({
      name: node.name,
      ami: { host: node.ami.host, port: node.ami.port, username: node.ami.user, secret: node.ami.secret },
      ari: { url: node.ari.url, username: node.ari.user, password: node.ari.password, app: config.ari.app, connections: node.ari.connections, requestsOverSocket: node.ari.requestsOverSocket },
    })),
    log,
  );
  let watchSurvival: (node: string, channelId: string) => void = () => undefined;
  const calls = startCallHandling({
    ari: link.ari,
    nodes: link.nodes,
    nodeLostMs: (config.nodeLostSeconds ?? DEFAULT_NODE_LOST_SECONDS) * 1000,
    db: store.db,
    log: log.child({ part: 'calls' }),
    clock,
    // Bound once the importers exist (below): a caller handed over before then is imported at the next pass.
    onSurvivalPath: (node, channelId) => watchSurvival(node, channelId),
    settings: {
      ringTimeoutSeconds: config.ringTimeoutSeconds,
      wrapUpSeconds: config.wrapUpSeconds,
      wrapUpTicketCheck: config.wrapUpTicketCheck ?? 'remind',
      positionAnnounceMs: config.queueAnnounceSeconds * 1000,
      overflowAfterMs: config.queueOverflowSeconds * 1000,
    },
  });
  await calls.ready;

  // Per-request logs (info) are not wanted; the HTTP layer reports warnings and errors only.
  const deadlineWatch = new DeadlineWatch(store.db, calls.bus, log.child({ part: 'deadline-watch' }));
  // The scheduled jobs run on the wall clock's cron; `CTI_JOBS=off` leaves them to another server.
  const jobs = config.jobs === 'on';
  if (jobs) deadlineWatch.start();
  const tickets = new TicketService(store.db, calls.bus, log.child({ part: 'tickets' }));
  const surveyCallbacks = new SurveyCallbacks(calls.context, tickets);
  if (jobs) surveyCallbacks.start();
  const missedCallbacks = new MissedCallCallbacks(calls.context, tickets, calls.adoptCallback);
  if (jobs) missedCallbacks.start();
  const kpiRollup = new KpiRollup(store.db, log.child({ part: 'kpi-rollup' }));
  if (jobs) kpiRollup.start();
  // Every ring of an agent and every agent state change, kept for the per-offer and per-agent KPIs.
  const stopActivityRecorder = startActivityRecorder(store.db, calls.bus, log.child({ part: 'activity' }));
  const retention = new RecordingRetention(store.db, link.ari, log.child({ part: 'retention' }));
  if (jobs) retention.start();
  // Calls the dialplan's survival path took while the server was down: imported whenever the links come back.
  // One set of recovery steps for /health: the call handling's (it reconciles with the PBX) and the outage import.
  const recovery = calls.recovery;
  // One importer per node: each node's survival path keeps its own records.
  const outageImports = link.nodes.map(
    (node) =>
      new OutageImporter(
        { db: store.db, clock, log: log.child({ part: 'outage-import', node: node.name }), recovery, records: new OutageRecordStore(node.ami), node: node.name },
        node.link,
      ),
  );
  const [outageImport] = outageImports;
  if (!outageImport) throw new Error('no Asterisk node');
  for (const importer of outageImports) importer.start();
  watchSurvival = (node, channelId) => outageImports[link.nodes.findIndex((n) => n.name === node)]?.watch(channelId);

  const httpLevel = log.levelVal > (log.levels.values.warn ?? 40) ? log.level : 'warn';
  // A URL the router cannot read is refused in Chinese with the security headers (softphone-bridge/http/framework-errors.ts).
  const http = Fastify({ loggerInstance: log.child({ part: 'http' }, { level: httpLevel }), frameworkErrors: replyToFrameworkError });
  await registerSecurityHeaders(http);
  // One error shape for everything, in Chinese (softphone-bridge/http/error-replies.ts).
  http.setErrorHandler(replyWithError);
  http.setNotFoundHandler(replyNotFound);
  // Every route checks exactly what its schema says: unknown fields refused, nothing coerced, numbers
  // in paths and query strings only when written as plain numbers (softphone-bridge/http/strict-validator.ts).
  http.setValidatorCompiler(strictValidatorCompiler);
  // Commands are small: a frame of megabytes is an attack, refused by ws itself (close 1009).
  await http.register(fastifyWebsocket, { options: { maxPayload: MAX_FRAME_BYTES } });
  const socketLimits = new SocketLimits(log.child({ part: 'sockets' }), { ...DEFAULT_LIMITS, total: config.maxSockets ?? DEFAULT_LIMITS.total });
  // OpenAPI document (/docs/json), Swagger UI (/docs) and the route catalogue: before the routes they describe.
  const apiCatalogue = await registerApiDocs(http);
  const throttle = new LoginThrottle(store.db, log.child({ part: 'login' }));
  await http.register(authRoutes, { db: store.db, sessions, throttle, perAddressPerMinute: config.loginAttemptsPerMinute, agents: calls.agents });
  await http.register(agentGateway, { calls, sessions, limits: socketLimits });
  await http.register(supervisorGateway, { calls, sessions, db: store.db, limits: socketLimits });
  await http.register(calendarRoutes, { db: store.db, sessions, agents: calls.agents });
  await http.register(ticketRoutes, { db: store.db, sessions, tickets });
  await http.register(knowledgeRoutes, { db: store.db, sessions });
  await http.register(adminApi, { db: store.db, sessions, agents: calls.agents, queue: calls.queue, catalogue: apiCatalogue,
    promptsDir: config.promptsDir,
    configuredTimings: { ringTimeoutSeconds: config.ringTimeoutSeconds, wrapUpSeconds: config.wrapUpSeconds, queueOverflowSeconds: config.queueOverflowSeconds },
  });
  await http.register(healthRoutes, {
    sources: {
      nodes: () => link.nodeStatus(),
      database: () => databaseAnswers(store.db),
      stasis: () => link.applicationRegistered(),
      recovering: () => recovery.steps(),
    },
  });
  // The browser pages (agent desktop /, wallboard /wallboard, admin console /admin).
  await http.register(staticPages, { root: config.pagesDir });
  const address = await http.listen({ host: config.httpHost, port: config.httpPort });
  log.info({ address }, 'HTTP server listening');

  await link.start();

  return {
    httpUrl: address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1'),
    store,
    link,
    calls,
    tokens,
    sessions,
    deadlineWatch,
    surveyCallbacks,
    missedCallbacks,
    kpiRollup,
    retention,
    recovery,
    outageImport,
    async close() {
      // Leave nothing idle on the PBX, but never let a PBX that does not answer hold up the shutdown.
      await Promise.race([calls.releasePbxResources(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      for (const importer of outageImports) importer.stop();
      sessions.stop();
      deadlineWatch.stop();
      surveyCallbacks.stop();
      missedCallbacks.stop();
      kpiRollup.stop();
      retention.stop();
      calls.stop();
      await stopActivityRecorder();
      link.stop();
      await http.close();
      // The calls' progress writes and ticket history lines still on their way are written before the store closes.
      await calls.settle();
      await settleTicketNotes({ db: store.db, log });
      await store.close();
    },
  };
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  // V8 throws away the compiled code of functions that have not run for a few garbage collections.
  // The call path runs in bursts: after a quiet spell (the night, a lull between surges) the first
  // calls would pay for compiling it again, on the event loop. It is kept (a few MB).
  setFlagsFromString('--no-flush-bytecode');
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`cti-12345: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.logLevel);
  let server: RunningServer | null = null;
  let lock: LeaderLock | null = null;
  let stopping = false;
  const shutdown = (signal: string) => {
    // A second signal, or a shutdown that hangs, ends the process anyway.
    if (stopping) process.exit(1);
    stopping = true;
    setTimeout(() => {
      log.error({ signal }, 'shutdown took more than 10 s: exiting');
      process.exit(1);
    }, 10_000).unref();
    log.info({ signal }, 'shutting down');
    // The lock goes last: the standby takes over only once this server has let go of its calls.
    (server ? server.close() : Promise.resolve())
      .then(() => lock?.release())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  try {
    lock = await becomeActive(config, log);
  } catch (error) {
    if (stopping) return; // stopped while waiting as the standby
    throw error;
  }
  lock?.onLost((error) => {
    // Another server may be taking over: two serving the same calls would be worse than a restart.
    log.fatal({ err: error }, 'lost the leader lock: stopping, to start again as the standby');
    process.exit(3);
  });
  server = await startServer(config, log);
}

if (isEntryPoint()) {
  main().catch((error: unknown) => {
    // The operator's errors are said in one line (the URL without its password); anything else is a fault, with its stack.
    const said = error instanceof DatabaseUnreachable ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`cti-12345: ${said}\n`);
    process.exit(1);
  });
}
