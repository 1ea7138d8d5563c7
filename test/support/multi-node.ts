/**
 * Several simulated Asterisk nodes and one server linked to all of them (settings `nodes`), for the
 * tests of calls spread over nodes. Each node is its own simulator (own AMI, ARI and control API).
 */
import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../../config.js';
import { testLogger } from './test-logger.js';
import { startServer, type RunningServer } from '../../main.js';
import { linkPbxSims, startPbxSim, type PbxSim } from '../pbx-sim/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeConfigDir, nodesConfig } from './node-config.js';
import { AgentDesktop } from './agent-desktop.js';
import { registerPhones, testConfig, type SimOptions } from './harness.js';
import { simRequest, waitFor } from './sim-client.js';
import { testDatabaseLocation } from './test-database.js';
import { TestClock } from './test-clock.js';

/** A channel as a node's simulator shows it (`GET /sim/channels`). */
export interface NodeChannel {
  id: string;
  name: string;
  state: string;
  endpoint: string | null;
  bridgeId: string | null;
  stasisApp: string | null;
}

export interface NodesHarness {
  sims: Record<string, PbxSim>;
  /** The server now (a new one after `restart`). */
  readonly server: RunningServer;
  clock: TestClock;
  /** Stops the server (calls stay on the nodes) and starts another on the same database and port. */
  restart(): Promise<void>;
  /** The node's simulator (its control API at `.httpUrl`). */
  sim(node: string): PbxSim;
  /** The channels on a node now. */
  channelsOn(node: string): Promise<NodeChannel[]>;
  /** Registers the phones on their nodes (`{ a: ['1001'], b: ['1002'] }`) and waits until the server locates each. */
  placePhones(placement: Record<string, string[]>, answer?: 'auto' | 'manual'): Promise<void>;
  /** The agent of a login as the server holds it now (its id, state, call). */
  agentOf(login: string): AgentView;
  /** Desktops logged in for `logins`, closed by `stop()`; the returned lookup throws for any other login. */
  desktops(logins: string[]): Promise<(login: string) => AgentDesktop>;
  stop(): Promise<void>;
}

type AgentView = ReturnType<RunningServer['calls']['agents']['list']>[number];

export async function startNodesHarness(
  names: string[],
  overrides: Partial<Config> = {},
  simOptions: (name: string) => SimOptions = () => ({}),
  clock = new TestClock(),
): Promise<NodesHarness> {
  const sims: Record<string, PbxSim> = {};
  const configs = names.map((name) => nodeConfigDir(name, names));
  // Each node has its own systemname (unique channel ids across nodes) and trunks to the others. A
  // phone is registered on one node only: none is online until a test registers it on its node.
  for (const [i, name] of names.entries()) {
    const options = simOptions(name);
    sims[name] = await startPbxSim({
      configDir: configs[i]?.dir,
      systemName: name,
      ...options,
      core: { endpointsOnline: false, ...options.core },
      amiPort: 0,
      httpPort: 0,
    });
  }
  const unlink = linkPbxSims(Object.entries(sims).map(([name, sim]) => ({ name, sim })));
  const [firstSim] = Object.values(sims);
  if (!firstSim) throw new Error('no node to start');
  // A file (not an in-memory database), so that a restarted server finds what the first one wrote.
  const dbDir = mkdtempSync(join(tmpdir(), 'cti-nodes-db-'));
  const database = overrides.dbPath ? { location: overrides.dbPath, drop: () => Promise.resolve() } : await testDatabaseLocation(join(dbDir, 'cti.db'));
  const log = testLogger();
  const config = testConfig(firstSim, { dbPath: database.location, nodes: nodesConfig(sims), ...overrides });
  const start = async (httpPort: number) => {
    const started = await startServer({ ...config, httpPort }, log, { clock });
    await waitFor(() => started.link.status().ami && started.link.status().ari && !started.recovery.isRecovering(), 'every node linked', 10_000);
    return started;
  };
  let server = await start(0);
  const opened: AgentDesktop[] = [];
  const sim = (node: string): PbxSim => {
    const found = sims[node];
    if (!found) throw new Error(`no node ${node}`);
    return found;
  };
  return {
    sims,
    sim,
    channelsOn: async (node) => (await simRequest<NodeChannel[]>(sim(node).httpUrl, 'GET', '/sim/channels')).body,
    agentOf(login) {
      const agent = server.calls.agents.list().find((a) => a.login === login);
      if (!agent) throw new Error(`no agent ${login}`);
      return agent;
    },
    async desktops(logins) {
      const logged = new Map<string, AgentDesktop>();
      for (const login of logins) logged.set(login, await AgentDesktop.login(server.httpUrl, login));
      for (const desk of logged.values()) opened.push(desk);
      return (login) => {
        const desk = logged.get(login);
        if (!desk) throw new Error(`no desktop for ${login}`);
        return desk;
      };
    },
    async placePhones(placement, answer = 'auto') {
      for (const [node, phones] of Object.entries(placement)) await registerPhones(sim(node), phones, answer);
      const placed = Object.entries(placement).flatMap(([node, phones]) => phones.map((phone) => [phone, node] as const));
      await waitFor(() => placed.every(([phone, node]) => server.calls.agents.phoneNode(`PJSIP/${phone}`) === node), 'the phones located on their nodes');
    },
    get server() {
      return server;
    },
    clock,
    async restart() {
      await server.close();
      server = await start(Number(new URL(server.httpUrl).port));
    },
    async stop() {
      for (const desk of opened) desk.close();
      await server.close();
      unlink();
      for (const sim of Object.values(sims)) await sim.stop();
      for (const config of configs) config.remove();
      await database.drop();
      rmSync(dbDir, { recursive: true, force: true });
    },
  };
}

/** Two nodes with an agent's desk on each, as `useTwoNodeDesks` sets them up for a test file. */
export interface TwoNodeDesks {
  readonly h: NodesHarness;
  /** Agent 1001's desk; their phone is on node `a`. */
  readonly onA: AgentDesktop;
  /** Agent 1002's desk; their phone is on node `b`. */
  readonly onB: AgentDesktop;
}

/**
 * Nodes `a` and `b` (a node lost after 1 s), phone 1001 on `a` and 1002 on `b` (answering by
 * themselves), both agents' desks logged in: started before the file's tests, stopped after them.
 * Read the fields inside the tests (they are set by the file's `beforeAll`).
 */
export function useTwoNodeDesks(): TwoNodeDesks {
  let h: NodesHarness | undefined;
  let world: { h: NodesHarness; onA: AgentDesktop; onB: AgentDesktop } | undefined;
  const started = () => {
    if (!world) throw new Error('the two nodes are not started yet (read them inside a test)');
    return world;
  };
  beforeAll(async () => {
    h = await startNodesHarness(['a', 'b'], { nodeLostSeconds: 1 });
    await h.placePhones({ a: ['1001'], b: ['1002'] });
    world = { h, onA: await AgentDesktop.login(h.server.httpUrl, '1001'), onB: await AgentDesktop.login(h.server.httpUrl, '1002') };
  });
  afterAll(async () => {
    world?.onA.close();
    world?.onB.close();
    await h?.stop();
  });
  return {
    get h() {
      return started().h;
    },
    get onA() {
      return started().onA;
    },
    get onB() {
      return started().onB;
    },
  };
}
