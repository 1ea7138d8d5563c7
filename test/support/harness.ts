/**
 * Starts the PBX simulator and the whole server (main.ts's startServer) against it, on ephemeral
 * ports with an in-memory database and the demo data, the way the tests and the smoke check need it.
 */
import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../../config.js';
import { testDatabaseLocation } from './test-database.js';
import { testLogger } from './test-logger.js';
import type { Logger } from '../../cti/logging.js';
import { startServer, type RunningServer } from '../../main.js';
import { startPbxSim, type PbxSim } from '../pbx-sim/index.js';
import { simRequest, waitFor } from './sim-client.js';
import { TestClock } from './test-clock.js';

/** The phones of the demo agents, registered and answering after a short ring. */
export async function registerPhones(sim: PbxSim, phones = ['1001', '1002', '1003', '1004', '1005'], answer = 'auto'): Promise<void> {
  for (const phone of phones) {
    const res = await simRequest(sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${phone}`, { online: true, answer, answerDelayMs: 50 });
    if (res.status >= 300) throw new Error(`registering ${phone}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export interface Harness {
  sim: PbxSim;
  server: RunningServer;
  clock: TestClock;
  stop(): Promise<void>;
}

export function testConfig(sim: PbxSim, overrides: Partial<Config> = {}): Config {
  return {
    httpHost: '127.0.0.1',
    httpPort: 0,
    dbPath: ':memory:',
    seed: 'demo',
    logLevel: 'silent',
    tokenKey: 'test-token-key-that-is-long-enough-0123456789',
    ringTimeoutSeconds: 15,
    wrapUpSeconds: 1,
    // Suites that answer calls without registering tickets expect the agent ready again after wrap-up.
    wrapUpTicketCheck: 'off',
    queueAnnounceSeconds: 30,
    queueOverflowSeconds: 60,
    loginAttemptsPerMinute: 120,
    // The jobs' cron runs on the machine's clock: tests run each job's runOnce on the test clock instead.
    jobs: 'off',
    ami: { host: '127.0.0.1', port: sim.amiPort, user: 'cti', secret: 'cti-secret' },
    ari: { url: sim.httpUrl, user: 'cti', password: 'cti-secret', app: 'hotline12345' },
    ...overrides,
  };
}

export type SimOptions = NonNullable<Parameters<typeof startPbxSim>[0]>;

export async function startHarness(overrides: Partial<Config> = {}, simOptions: SimOptions = {}, clock = new TestClock(), log: Logger = testLogger()): Promise<Harness> {
  const sim = await startPbxSim({ ...simOptions, amiPort: 0, httpPort: 0 });
  // SQLite in memory, or a fresh PostgreSQL database when the run says so (CTI_TEST_DB=postgres).
  const database = overrides.dbPath ? { location: overrides.dbPath, drop: () => Promise.resolve() } : await testDatabaseLocation();
  const server = await startServer(testConfig(sim, { dbPath: database.location, ...overrides }), log, { clock });
  // Both links up and the start-up recovery (outage import) done: the server takes calls.
  await waitFor(() => server.link.status().ami && server.link.status().ari && !server.recovery.isRecovering(), 'both links up', 10_000);
  return {
    sim,
    server,
    clock,
    async stop() {
      await server.close();
      await sim.stop();
      await database.drop();
    },
  };
}

/**
 * One harness for a whole test file: started before its tests, stopped after them. The returned
 * object's `sim` and `server` are usable inside tests and hooks.
 */
export function useHarness(
  overrides: Partial<Config> = {},
  simOptions: SimOptions = {},
  /** The server's logger, for a test that reads the log (capturedLog). */
  log?: Logger,
): { readonly sim: PbxSim; readonly server: RunningServer; readonly clock: TestClock } {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness(overrides, simOptions, undefined, log);
  });
  afterAll(async () => {
    await harness?.stop();
  });
  const current = (): Harness => {
    if (!harness) throw new Error('harness not started yet (use it inside tests or hooks)');
    return harness;
  };
  return {
    get sim() {
      return current().sim;
    },
    get server() {
      return current().server;
    },
    get clock() {
      return current().clock;
    },
  };
}

/**
 * Hangs up every channel on the simulator, then waits until the server holds no call: a case that
 * failed half way leaves nothing on the PBX for the next one (an `afterEach`).
 */
export async function hangUpEverything(h: { readonly sim: PbxSim; readonly server: RunningServer }): Promise<void> {
  for (const c of (await simRequest<{ id: string }[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body) {
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${c.id}/hangup`);
  }
  await waitFor(() => h.server.calls.calls().length === 0, 'no call left');
}
