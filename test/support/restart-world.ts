/**
 * A simulator and a database that outlive a server, for tests of a restart: servers are booted on
 * them one after another (the first closed without hanging anything up, as after kill -9 — the PBX
 * keeps its calls), and each one's reconciliation passes are read from its log (as
 * test/cti/restart-recovery.test.ts does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startServer, type RunningServer } from '../../main.js';
import type { Config } from '../../config.js';
import type { DomainEvent } from '../../cti/events/domain-events.js';
import { startPbxSim, type PbxSim } from '../pbx-sim/index.js';
import type { AgentDesktop, WireMessage } from './agent-desktop.js';
import { testConfig, type SimOptions } from './harness.js';
import { simRequest, waitFor } from './sim-client.js';
import { TestClock } from './test-clock.js';
import { testDatabaseLocation } from './test-database.js';
import { testLogger, testLoggerInto } from './test-logger.js';

export interface SimChannel {
  id: string;
  name: string;
  state: string;
  bridgeId: string | null;
  stasisApp: string | null;
  hearing: string | null;
}
export interface SimBridge {
  id: string;
  name: string;
  channelIds: string[];
}

export interface Booted {
  server: RunningServer;
  passes: Record<string, unknown>[];
  lines: Record<string, unknown>[];
}

type Ended = Extract<DomainEvent, { type: 'call.ended' }>;

export interface World {
  sim: PbxSim;
  dbPath: string;
  clock: TestClock;
  boot(overrides?: Partial<Config>): Promise<Booted>;
  /**
   * Starts a server whose first reconciliation pass cannot list the PBX's channels until the
   * server's bus is listened to: the `call.ended` of every call that pass closes is in `ended`.
   */
  bootHearingEnds(overrides?: Partial<Config>): Promise<{ server: RunningServer; ended: Ended[] }>;
  cleanup(): Promise<void>;
}

/**
 * Starts a server on `dbPath` whose log (info and up) is kept, and waits for both links and its first
 * reconciliation pass: a test then knows what the pass did.
 */
export async function bootLogged(sim: PbxSim, dbPath: string, clock: TestClock, overrides: Partial<Config> = {}): Promise<Booted> {
  const passes: Record<string, unknown>[] = [];
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        const entry = JSON.parse(line) as Record<string, unknown>;
        lines.push(entry);
        if (entry.msg === 'reconciled with the PBX') passes.push(entry);
      }
      done();
    },
  });
  const server = await startServer(testConfig(sim, { dbPath, wrapUpSeconds: 1, ...overrides }), testLoggerInto(sink, 'info'), { clock });
  try {
    await waitFor(() => server.link.status().ami && server.link.status().ari, 'both links up', 10_000);
    await waitFor(() => passes.length >= 1, 'the first reconciliation', 10_000);
  } catch (error) {
    await server.close().catch(() => undefined);
    throw error;
  }
  return { server, passes, lines };
}

export async function restartWorld(simOptions: SimOptions = {}): Promise<World> {
  // While set, the PBX's answer to a listing of its channels waits for it (bootHearingEnds).
  let holdListing: Promise<void> | null = null;
  const onAriAnswer = simOptions.onAriAnswer;
  const sim = await startPbxSim({
    ...simOptions,
    onAriAnswer: (request, status) =>
      request.method === 'GET' && request.path === '/channels' && holdListing ? holdListing : onAriAnswer?.(request, status),
    amiPort: 0,
    httpPort: 0,
  });
  const dir = mkdtempSync(join(tmpdir(), 'cti-restart-'));
  const database = await testDatabaseLocation(join(dir, 'cti.db'));
  const clock = new TestClock();
  const servers: RunningServer[] = [];
  return {
    sim,
    dbPath: database.location,
    clock,
    async boot(overrides = {}) {
      const booted = await bootLogged(sim, database.location, clock, overrides);
      servers.push(booted.server);
      return booted;
    },
    async bootHearingEnds(overrides = {}) {
      let release: () => void = () => undefined;
      holdListing = new Promise<void>((resolve) => (release = resolve));
      try {
        const server = await startServer(testConfig(sim, { dbPath: database.location, wrapUpSeconds: 1, ...overrides }), testLogger(), { clock });
        servers.push(server);
        const ended: Ended[] = [];
        server.calls.bus.subscribe((event) => {
          if (event.type === 'call.ended') ended.push(event);
        });
        return { server, ended };
      } finally {
        holdListing = null;
        release();
      }
    },
    async cleanup() {
      for (const server of servers) await server.close().catch(() => undefined);
      await sim.stop();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const simChannels = async (sim: PbxSim) => (await simRequest<SimChannel[]>(sim.httpUrl, 'GET', '/sim/channels')).body;
export const simBridges = async (sim: PbxSim) => (await simRequest<SimBridge[]>(sim.httpUrl, 'GET', '/sim/bridges')).body;

/**
 * Restarts the server under a connected call (`before` closed as after kill -9, a new one booted on the
 * same PBX and database) and reconnects the agent's desk to the new one once it has taken the call
 * over and read its caller's history again: the desk's `hello`.
 */
export async function restartUnderDesk(w: World, before: RunningServer, desk: AgentDesktop, callId: string): Promise<WireMessage> {
  desk.close();
  await desk.closed();
  await before.close();
  const second = await w.boot({ queueOverflowSeconds: 3600 });
  await waitFor(() => second.server.calls.call(callId)?.state === 'connected', 'the call taken over');
  await waitFor(() => second.server.calls.call(callId)?.summary.history.now, 'the history read again');
  desk.moveTo(second.server.httpUrl);
  desk.received.length = 0;
  await desk.connect();
  return desk.next('hello');
}
