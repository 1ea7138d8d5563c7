/**
 * Composition root: reads the configuration, opens the store, links to Asterisk (AMI + ARI), starts
 * the call handling and the HTTP server. Nothing else wires parts together.
 */
import Fastify from 'fastify';
import { sql } from 'drizzle-orm';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startCallHandling, type CallHandling } from './cti/call-handling.js';
import { createLogger, type Logger } from './cti/logging.js';
import { PbxLink } from './cti/pbx-link.js';
import { healthRoutes } from './softphone-bridge/http/health.js';
import { openStore, seedDemo, type Store } from './store/index.js';

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8080`. */
  httpUrl: string;
  store: Store;
  link: PbxLink;
  calls: CallHandling;
  close(): Promise<void>;
}

export async function startServer(config: Config, log: Logger = createLogger(config.logLevel)): Promise<RunningServer> {
  const store = openStore(config.dbPath);
  if (config.seed === 'demo' && seedDemo(store.db)) log.info('demo data loaded into an empty database');

  const link = new PbxLink(
    {
      ami: { host: config.ami.host, port: config.ami.port, username: config.ami.user, secret: config.ami.secret },
      ari: { url: config.ari.url, username: config.ari.user, password: config.ari.password, app: config.ari.app },
    },
    log,
  );
  const calls = startCallHandling({ ari: link.ari, ami: link.ami, db: store.db, log: log.child({ part: 'calls' }) });

  const http = Fastify({ loggerInstance: log.child({ part: 'http' }), disableRequestLogging: true });
  await http.register(healthRoutes, {
    sources: {
      link: () => link.status(),
      database: () => {
        try {
          store.db.get(sql`select 1`);
          return true;
        } catch {
          return false;
        }
      },
    },
  });
  const address = await http.listen({ host: config.httpHost, port: config.httpPort });
  log.info({ address }, 'HTTP server listening');

  await link.start();

  return {
    httpUrl: address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1'),
    store,
    link,
    calls,
    async close() {
      calls.stop();
      link.stop();
      await http.close();
      store.close();
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
  const server = await startServer(config, log);
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

if (isEntryPoint()) {
  main().catch((error: unknown) => {
    process.stderr.write(`cti-12345: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
