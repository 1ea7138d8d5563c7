/**
 * Phase 5 of `npm run bench`, "nodes": the crowd over several Asterisk nodes. Three simulated nodes
 * a, b and c (in a process of their own, sim-host.ts, linked by the inter-node trunk) and a server child of its own with
 * CTI_NODES and a database of its own (PostgreSQL too with BENCH_DB=postgres); the agents' phones
 * registered spread over the nodes, the callers placed round-robin over them; then the crowd phase
 * (`crowd.ts`) runs on them: desktops logged in, callers waiting, agents made ready one at a time.
 *
 * One agent is free at a time, so the ACD offers the head of the line to that agent wherever its
 * phone is (its preference for the caller's node needs two free agents to show; the multi-node test
 * covers it). The bench picks each agent it makes ready so that about three pops in four are on the
 * caller's node and one crosses the trunk — which each one did is counted from what happened: the
 * node whose simulator rang the phone against the node the caller arrived on.
 *
 * Then from the database: one call row and one ticket per caller placed, and the tickets' write rate
 * while the queue filled at CALL_RATE.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { simRequest, waitFor } from '../support/sim-client.js';
import { openBenchDatabase } from './bench-database.js';
import { startChild, type BenchChild } from './children.js';
import { READIED, crowdPhase, type ReadyPicker } from './crowd.js';
import { checkTickets } from './nodes-tickets.js';
import { writeNodeConfig } from './nodes-config.js';
import { createSeatAgents, extensions, registerSeatPhones } from './seats.js';
import { startSimHost } from './sim-host-client.js';
import { OutputTally, serverLine } from './server-log.js';
import { fixed } from './figures.js';
import { serverNodeOptions } from './server-launch.js';

const NODE_NAMES = ['a', 'b', 'c'];
/**
 * The desktops by default: a provincial platform's 10,000 seats. The server child holds that many
 * sockets (CTI_MAX_SOCKETS, with room for the bench's probes); BENCH_NODES_DESKTOPS sets another
 * number (at most 10,000: the extension range).
 */
const DEFAULT_DESKTOPS = 10_000;
const MAX_DESKTOPS = 10_000;
/** Extensions 30000…39999: five digits, outside the shipped `_1XXX` and the other phases' ranges. */
const FIRST_EXTENSION = 30_000;
const EXTENSION_PATTERN = '_3XXXX';
const CALLERS = 1_000;
/**
 * Callers a second while the queue fills: each is a call row and a ticket committed on arrival, so
 * whether the server keeps up shows in the tickets' write rate and how late the last one came.
 */
const CALL_RATE = 100;
/** Every CROSS_EVERY-th agent made ready is on another node than the caller at the head of the line. */
const CROSS_EVERY = 4;

export interface NodesPhaseOptions {
  /** The bench's work directory (removed at clean-up). */
  work: string;
  /** The server's settings every child has (token key, wrap-up, jobs, log level …). */
  serverEnv: NodeJS.ProcessEnv;
  httpPort: number;
  /** The standby's HTTP port (PostgreSQL: a standby waits on the same database; see `takeover`). */
  standbyPort: number;
  playbackMsPerSecond: number;
  nextCaller: () => string;
  setStage: (stage: string) => void;
  stage: () => string;
}

/** The desktops this run: BENCH_NODES_DESKTOPS, or the default. */
function desktopCount(): number {
  const asked = process.env.BENCH_NODES_DESKTOPS;
  if (asked === undefined || asked === '') return DEFAULT_DESKTOPS;
  const n = Number(asked);
  if (!Number.isInteger(n) || n < 3 || n > MAX_DESKTOPS) throw new Error(`BENCH_NODES_DESKTOPS must be a whole number from 3 to ${MAX_DESKTOPS}, got "${asked}"`);
  return n;
}

/**
 * Agent i's phone is on node i mod 3. Each agent made ready is one of the head caller's node, or
 * every CROSS_EVERY-th time one of the next node over (the head of the line as the simulators show
 * it: the order of a fast fill is the server's, not the order the callers were placed in).
 */
function readyPicker(agents: readonly string[], names: readonly string[]): ReadyPicker {
  const byNode = new Map(names.map((name, n) => [name, agents.filter((_, i) => i % names.length === n)]));
  return {
    count: READIED,
    pickNext: (i, headNode) => {
      const head = Math.max(0, names.indexOf(headNode ?? ''));
      const node = i % CROSS_EVERY === CROSS_EVERY - 1 ? (head + 1) % names.length : head;
      return byNode.get(names[node] ?? '')?.shift();
    },
  };
}

const onPostgres = (): boolean => process.env.BENCH_DB === 'postgres';

/**
 * kill -9 of the active server with the phase's calls still up (the callers waiting, the agents
 * talking): the time until the standby holds the leader lock, and until it serves every node again
 * (`/health` ok: linked, the application registered, the calls reconciled).
 */
async function takeover(active: BenchChild, standby: BenchChild, standbyHealthy: () => Promise<boolean>, setStage: (stage: string) => void): Promise<string> {
  setStage('nodes: takeover');
  const killedAt = performance.now();
  await active.kill9();
  await standby.waitForLine(/took over as the active server/, 30_000);
  const lockMs = performance.now() - killedAt;
  await waitFor(standbyHealthy, 'the standby serving every node', 60_000);
  const servingMs = performance.now() - killedAt;
  return `takeover (kill -9 of the active server with the phase's calls up: the callers waiting, the agents talking): the standby held the lock ${fixed(lockMs, 0)} ms after the kill and served every node ${fixed(servingMs, 0)} ms after it (target: lock within 5 s)`;
}

/** Runs the phase with its own simulators, database and server child; the lines to print. */
export async function nodesPhase(options: NodesPhaseOptions): Promise<string[]> {
  const { work, setStage } = options;
  setStage('nodes: set-up');
  const desktops = desktopCount();
  const agents = extensions(FIRST_EXTENSION, desktops);
  const nodeOf = (index: number) => NODE_NAMES[index % NODE_NAMES.length] ?? 'a';

  const specs = NODE_NAMES.map((name) => {
    const configDir = join(work, `node-${name}`);
    mkdirSync(configDir);
    writeNodeConfig(configDir, name, NODE_NAMES, agents, EXTENSION_PATTERN);
    return { name, configDir };
  });
  // The simulators in a process of their own: in this one, its event-loop delay made them time the
  // rings late. A phone is registered on its own node only: none is online until registered below.
  const simHost = await startSimHost(specs, { playbackMsPerSecond: options.playbackMsPerSecond, link: true, endpointsOnline: false });
  const { nodes } = simHost;

  // A database of its own: the other phases' calls and agents are not in it.
  const { dbPath, store, passwordHash, generalSkillId } = await openBenchDatabase(work, 'nodes.db', "the nodes phase's PostgreSQL database");
  const agentsStarted = performance.now();
  await createSeatAgents(store.db, agents, '节点坐席', passwordHash, generalSkillId);
  const agentsMs = performance.now() - agentsStarted;
  await store.close();
  const phonesStarted = performance.now();
  await Promise.all(nodes.map(({ name, httpUrl }) => registerSeatPhones(httpUrl, agents.filter((_, i) => nodeOf(i) === name))));
  const phonesMs = performance.now() - phonesStarted;

  const serverUrl = `http://127.0.0.1:${options.httpPort}`;
  const serverLog = new OutputTally(options.stage);
  const serverEnv = {
    ...options.serverEnv,
    CTI_DB: dbPath,
    CTI_MAX_SOCKETS: String(desktops + 100),
    CTI_NODES: JSON.stringify(
      nodes.map(({ name, amiPort, httpUrl }) => ({
        name,
        ami: { host: '127.0.0.1', port: amiPort, user: 'cti', secret: 'cti-secret' },
        ari: { url: httpUrl, user: 'cti', password: 'cti-secret' },
      })),
    ),
  };
  // Both server children run with `npm start`'s node options, as in service.
  const nodeArgs = serverNodeOptions();
  const server = startChild('nodes server', 'dist/main.js', { ...serverEnv, CTI_HTTP_PORT: String(options.httpPort) }, (stream, line) => serverLine(serverLog, stream, line), {
    nodeArgs,
  });
  // `ok` once every node's AMI and ARI are up and the application is registered on each.
  const healthy = (url: string) => async () => {
    const res = await simRequest<{ status?: string }>(url, 'GET', '/health').catch(() => null);
    return res?.body.status === 'ok';
  };
  await waitFor(healthy(serverUrl), 'the server healthy on every node', 60_000);
  // PostgreSQL: a second server child waits as the standby on the same database (its leader lock).
  const standbyLog = new OutputTally(options.stage);
  const standby = onPostgres()
    ? startChild('nodes standby', 'dist/main.js', { ...serverEnv, CTI_HTTP_PORT: String(options.standbyPort) }, (stream, line) => serverLine(standbyLog, stream, line), {
        nodeArgs,
      })
    : null;
  await standby?.waitForLine(/waits as the standby/, 60_000);
  let takeoverLine = 'takeover time: with BENCH_DB=postgres (a standby needs the PostgreSQL leader lock); also measured by the fault matrix, `npx vitest run test/cti/fault-matrix-takeover`';

  const crowd = await crowdPhase({
    sims: simHost.sims,
    server,
    serverUrl,
    nextCaller: options.nextCaller,
    setStage,
    title: 'nodes',
    agents,
    readyOrder: readyPicker(agents, NODE_NAMES),
    callers: CALLERS,
    callRate: CALL_RATE,
    // The waiting crowd is the crowd phase's measure.
    waitMs: 0,
    setUp: { agentsMs, phonesMs },
    targetContext: `with ${desktops} desktops on ${nodes.length} nodes`,
    ...(standby ? { beforeStop: async () => void (takeoverLine = await takeover(server, standby, healthy(`http://127.0.0.1:${options.standbyPort}`), setStage)) } : {}),
  });
  setStage('nodes: reading the database');
  const tickets = await checkTickets(dbPath, crowd.callers, crowd.fill);

  setStage('nodes: stopping');
  const stopped = await server.stop();
  const standbyStopped = standby ? `; the standby (active after the takeover): ${await standby.stop()}` : '';
  const simWarnings = await simHost.warnings();
  const simsStopped = await simHost.stop();
  const desktopsLine = `desktops: ${desktops}${desktops === DEFAULT_DESKTOPS ? '' : ' (BENCH_NODES_DESKTOPS)'}, the server child holding up to ${desktops + 100} sockets (CTI_MAX_SOCKETS)`;
  return [
    ...crowd.report(tickets.rows, [
      ...tickets.lines,
      desktopsLine,
      `ready order: ${READIED} agents, each from the node of the caller at the head of the line as the simulators show it, one in ${CROSS_EVERY} from another node; one agent free at a time, so the ACD's preference for the caller's node has no choice to make here (test/cti/multi-node.test.ts covers it)`,
      takeoverLine,
      `database: ${onPostgres() ? 'PostgreSQL' : 'SQLite'}, its own; the server child's own CTI_NODES with nodes ${NODE_NAMES.join(', ')} (${fixed(desktops / NODE_NAMES.length, 0)} phones on each)`,
    ]),
    `nodes server: ${stopped}${standbyStopped}; the simulators' host: ${simsStopped}`,
    ...serverLog.report('nodes server'),
    ...(standby ? standbyLog.report('nodes standby') : []),
    ...(simWarnings.count > 0 ? [`node simulator warnings (${simWarnings.count}):`, ...simWarnings.first.map((w) => `  ${w}`)] : []),
    '',
  ];
}
