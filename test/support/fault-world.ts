/**
 * One "world" for fault tests: a PBX simulator, the built server as a real child process on a
 * temp-file SQLite database (so it can be killed with SIGKILL and started again on the same file),
 * the agents' desktops, and read access to the database and to the simulator's view of channels,
 * bridges and AstDB. The database is seeded with the demo data before the server first starts, plus
 * whatever the test's `prepare` adds (menus, routes, settings): the server then only reads it.
 *
 * With `nodes`, the world is several Asterisk nodes (one simulator each, joined by inter-node
 * trunks) behind the one server (CTI_NODES). Channels and bridges are then read over every node and
 * say which node they are on; a channel's node is also the prefix of its id (the node's system name).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { hashPasswordSync } from '../../softphone-bridge/auth/passwords.js';
import { calls, missedCalls, openDatabase, seedDemo, tickets, type Db, type Store } from '../../store/index.js';
import { createPostgresDatabase, testDatabaseLocation } from './test-database.js';
import { freePort } from './free-port.js';
import { linkPbxSims, startPbxSim, type PbxSim } from '../pbx-sim/index.js';
import { AgentDesktop, type WireMessage } from './agent-desktop.js';
import type { SimOptions } from './harness.js';
import { nodeConfigDir, nodesConfig } from './node-config.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { simRequest, waitFor } from './sim-client.js';
import { TestClock } from './test-clock.js';

export interface SimChannel {
  /** The node the channel is on (the world's first node when it has one). */
  node: string;
  id: string;
  name: string;
  state: string;
  caller: { number: string; name: string };
  bridgeId: string | null;
  stasisApp: string | null;
  dialplan: { context: string; exten: string; app: string; appData: string };
  hearing: string | null;
  hears: string[];
  onHold: boolean;
  creationTime: string;
}

export interface SimBridge {
  node: string;
  id: string;
  name: string;
  bridgeType: string;
  channelIds: string[];
  hearing: string | null;
}

export type AgentStateName = 'offline' | 'ready' | 'not_ready' | 'ringing' | 'on_call' | 'wrap_up';

/** An agent's desktop that survives server restarts: it reconnects with the same token. */
export class Seat {
  constructor(
    readonly login: string,
    readonly desk: AgentDesktop,
  ) {}

  /** The agent's state as the desktop last heard it (hello on connect, then agent.state). */
  state(): AgentStateName | undefined {
    for (let i = this.desk.received.length - 1; i >= 0; i--) {
      const m = this.desk.received[i];
      if (m?.type === 'agent.state') return m.state as AgentStateName;
      if (m?.type === 'hello') return (m.agent as { state: AgentStateName } | null)?.state;
    }
    return undefined;
  }

  private hellos(): number {
    return this.desk.received.filter((m) => m.type === 'hello').length;
  }

  /** Opens a new socket (after the server came back) and waits for its hello. */
  async reconnect(): Promise<WireMessage> {
    const before = this.hellos();
    this.desk.close();
    await waitFor(
      async () => {
        try {
          await this.desk.connect();
          return true;
        } catch {
          return false;
        }
      },
      `${this.login}'s desktop reconnecting`,
      20_000,
    );
    await waitFor(() => this.hellos() > before, `${this.login}'s hello`, 10_000);
    return this.desk.received.filter((m) => m.type === 'hello').at(-1) as WireMessage;
  }

  async command(type: string, fields: Record<string, unknown> = {}): Promise<WireMessage> {
    return this.desk.command(type, fields);
  }

  /** The call the desktop was last told it answered (call.answered), if any. */
  answered(): string[] {
    return this.desk.received.filter((m) => m.type === 'call.answered').map((m) => m.callId as string);
  }
}

export interface WorldOptions {
  /** Server settings as environment variables (CTI_RING_TIMEOUT, …). */
  env?: Record<string, string>;
  sim?: SimOptions;
  /** Configuration written into the seeded database before the server first starts. */
  prepare?: (db: Db) => void | Promise<void>;
  /** Agent logins given a desktop. */
  seats?: string[];
  /**
   * A second server process waiting as the standby (PostgreSQL only): `takeover()` kills the active
   * one and the standby serves. The database is PostgreSQL then; otherwise as CTI_TEST_DB says.
   */
  standby?: boolean;
  /**
   * Several Asterisk nodes by name, linked by inter-node trunks; the server is given all of them
   * (CTI_NODES). No phone is registered on any node until the test registers it (`phone(…, node)`).
   */
  nodes?: string[];
}

/** The name of the node of a world of one simulator. */
const SINGLE = 'pbx';

export class FaultWorld {
  server: ServerProcess;
  readonly seats = new Map<string, Seat>();
  /** Log lines of servers that were killed, for a failure report. */
  private readonly oldLogs: Record<string, unknown>[][] = [];

  /** The server process waiting as the standby, when the world has one. */
  private standby: ServerProcess | null = null;
  /** The next standby starting after a takeover (the world goes on meanwhile); settles to its error, if any. */
  private standbyStarting: Promise<Error | null> = Promise.resolve(null);

  private constructor(
    /** The simulators by node name, in the order the server was given them. */
    readonly sims: Record<string, PbxSim>,
    /** Tears down what joins the nodes (trunk links, configuration directories). */
    private readonly unlinkNodes: () => void,
    private readonly dir: string,
    readonly dbPath: string,
    readonly store: Store,
    private readonly dropDatabase: () => Promise<void>,
    private readonly env: Record<string, string>,
    server: ServerProcess,
  ) {
    this.server = server;
  }

  /** The first node's simulator (the only one in a world of one node). */
  get sim(): PbxSim {
    const [first] = Object.values(this.sims);
    if (!first) throw new Error('a world without a node');
    return first;
  }

  get nodeNames(): string[] {
    return Object.keys(this.sims);
  }

  /** A node's simulator by name. */
  simOf(node: string): PbxSim {
    const sim = this.sims[node];
    if (!sim) throw new Error(`no node ${node}`);
    return sim;
  }

  /** The node a channel is on: its id starts with the node's system name (`b-1795317697.4`). */
  nodeOfChannel(channelId: string): string {
    const prefix = /^([^-]+)-\d+\.\d+$/.exec(channelId)?.[1];
    return prefix !== undefined && prefix in this.sims ? prefix : (this.nodeNames[0] ?? SINGLE);
  }

  /** One simulator, or one per node joined by trunks; returns them with what undoes the joining. */
  private static async startSims(options: WorldOptions): Promise<{ sims: Record<string, PbxSim>; unlink: () => void }> {
    const names = options.nodes;
    if (!names) return { sims: { [SINGLE]: await startPbxSim({ ...options.sim, amiPort: 0, httpPort: 0 }) }, unlink: () => undefined };
    const sims: Record<string, PbxSim> = {};
    const configs = names.map((name) => nodeConfigDir(name, names));
    for (const [i, name] of names.entries()) {
      sims[name] = await startPbxSim({
        configDir: configs[i]?.dir,
        systemName: name,
        ...options.sim,
        core: { endpointsOnline: false, ...options.sim?.core },
        amiPort: 0,
        httpPort: 0,
      });
    }
    const unlinkTrunks = linkPbxSims(Object.entries(sims).map(([name, sim]) => ({ name, sim })));
    return {
      sims,
      unlink: () => {
        unlinkTrunks();
        for (const config of configs) config.remove();
      },
    };
  }

  static async start(options: WorldOptions = {}): Promise<FaultWorld> {
    const { sims, unlink } = await FaultWorld.startSims(options);
    const [sim] = Object.values(sims);
    if (!sim) throw new Error('no node started');
    const dir = mkdtempSync(join(tmpdir(), 'cti-faults-'));
    const database = options.standby
      ? await createPostgresDatabase().then((created) => ({ location: created.url, drop: created.drop }))
      : await testDatabaseLocation(join(dir, 'cti.db'));
    const store = await openDatabase(database.location, new TestClock());
    await seedDemo(store.db, { passwordHash: hashPasswordSync('demo') });
    await options.prepare?.(store.db);
    const port = await freePort();
    const nodes: Record<string, string> = options.nodes ? { CTI_NODES: JSON.stringify(nodesConfig(sims)) } : {};
    const env = { CTI_HTTP_PORT: String(port), CTI_ADVERTISED_URL: `http://127.0.0.1:${port}`, CTI_LOG_LEVEL: 'debug', ...nodes, ...options.env };
    const server = await startServerProcess({ sim, dbPath: database.location, env });
    const world = new FaultWorld(sims, unlink, dir, database.location, store, database.drop, env, server);
    await world.waitRecovered({ passes: 0 });
    if (options.standby) await world.startStandby();
    for (const login of options.seats ?? []) world.seats.set(login, new Seat(login, await AgentDesktop.login(server.httpUrl, login)));
    return world;
  }

  /** A second server process on the same database and its own port, waiting as the standby. */
  async startStandby(): Promise<void> {
    const port = await freePort();
    const env = { ...this.env, CTI_HTTP_PORT: String(port), CTI_ADVERTISED_URL: `http://127.0.0.1:${port}` };
    this.standby = await startServerProcess({ sim: this.sim, dbPath: this.dbPath, env, standby: true });
  }

  /**
   * kill -9 of the active server: the standby takes the lock, reconciles and serves; the desktops
   * reconnect to it, and the killed server comes back as the new standby. The times from the kill
   * until the standby held the lock and until it took calls.
   */
  async takeover(): Promise<{ lockMs: number; servingMs: number }> {
    const failed = await this.standbyStarting;
    if (failed) throw failed;
    const standby = this.standby;
    if (!standby) throw new Error('this world has no standby');
    const killedAt = performance.now();
    await this.kill9();
    await standby.waitForLog('took over as the active server', 'the standby taking the lock', 15_000);
    const lockMs = performance.now() - killedAt;
    this.server = standby;
    this.standby = null;
    await this.waitRecovered({ passes: 0 });
    const servingMs = performance.now() - killedAt;
    for (const seat of this.seats.values()) {
      seat.desk.moveTo(this.server.httpUrl);
      await seat.reconnect();
    }
    // The killed server comes back as the standby while the calls go on; the next takeover waits for it.
    this.standbyStarting = this.startStandby().then(
      () => null,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    return { lockMs, servingMs };
  }

  get db(): Db {
    return this.store.db;
  }

  get httpUrl(): string {
    return this.server.httpUrl;
  }

  seat(login: string): Seat {
    const seat = this.seats.get(login);
    if (!seat) throw new Error(`no seat ${login}`);
    return seat;
  }

  /** How many log lines of the running server have this message. */
  count(msg: string): number {
    return this.server.logs.filter((l) => l['msg'] === msg).length;
  }

  /** The server's recent log lines, for a failure message. */
  logTail(lines = 60): string {
    return [...this.oldLogs.flat(), ...this.server.logs]
      .slice(-lines)
      .map((l) => JSON.stringify(l))
      .join('\n');
  }

  /** With FAULT_MATRIX_LOGS=<dir>, keeps the server's log of a failed matrix cell there as `<name>.log`. */
  keepLogOfFailedCell(name: string): void {
    const dir = process.env['FAULT_MATRIX_LOGS'];
    if (dir) writeFileSync(join(dir, `${name}.log`), this.logTail(100_000));
  }

  async health(): Promise<{ status: number; body: { status: string; reasons?: string[] } }> {
    return simRequest(this.httpUrl, 'GET', '/health');
  }

  /** Whether this process reconciled with every node at least once (a new process does each node on its own). */
  private reconciledEveryNode(): boolean {
    if (this.nodeNames.length < 2) return true;
    const done = new Set(this.server.logs.filter((l) => l['msg'] === 'reconciled with the PBX').map((l) => l['node']));
    return this.nodeNames.every((n) => done.has(n));
  }

  /**
   * The server takes calls again: both links up (on every node), the application registered, no
   * recovery step under way, and at least `passes` reconciliations (and `amiConnects` AMI logins)
   * done by this process, counted over all nodes.
   */
  async waitRecovered(after: { passes?: number; amiConnects?: number } = {}, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      async () =>
        this.count('reconciled with the PBX') > (after.passes ?? 0) &&
        this.reconciledEveryNode() &&
        this.count('AMI connected') > (after.amiConnects ?? 0) &&
        (await this.health()).status === 200,
      'the server taking calls again',
      timeoutMs,
    );
  }

  /** A fault on one node (the first by default). */
  async fault(kind: 'drop-ami' | 'drop-ari' | 'restart', downtimeMs?: number, node = this.nodeNames[0] ?? SINGLE): Promise<void> {
    const res = await simRequest(this.simOf(node).httpUrl, 'POST', '/sim/faults', { kind, ...(downtimeMs === undefined ? {} : { downtimeMs }) });
    if (res.status !== 202) throw new Error(`fault ${kind}: ${res.status}`);
  }

  async kill9(): Promise<void> {
    await this.server.kill9();
    this.oldLogs.push(this.server.logs);
    await waitFor(() => Object.values(this.sims).every((sim) => !sim.core.apps.isRegistered('hotline12345')), 'the application gone with its event sockets', 10_000);
  }

  /** A new server process on the same database file and port; the desktops reconnect. */
  async restart(): Promise<void> {
    this.server = await startServerProcess({ sim: this.sim, dbPath: this.dbPath, env: this.env });
    await this.waitRecovered({ passes: 0 });
    for (const seat of this.seats.values()) await seat.reconnect();
  }

  /** The channels of one node, or of every node. */
  async channels(node?: string): Promise<SimChannel[]> {
    const read = async (name: string) => (await simRequest<Omit<SimChannel, 'node'>[]>(this.simOf(name).httpUrl, 'GET', '/sim/channels')).body.map((c) => ({ ...c, node: name }));
    return node !== undefined ? read(node) : (await Promise.all(this.nodeNames.map(read))).flat();
  }

  /** The bridges of one node, or of every node. */
  async bridges(node?: string): Promise<SimBridge[]> {
    const read = async (name: string) => (await simRequest<Omit<SimBridge, 'node'>[]>(this.simOf(name).httpUrl, 'GET', '/sim/bridges')).body.map((b) => ({ ...b, node: name }));
    return node !== undefined ? read(node) : (await Promise.all(this.nodeNames.map(read))).flat();
  }

  /** Registers (or unregisters) a phone on a node (the first by default) and sets how it answers. */
  async phone(login: string, answer: 'auto' | 'manual' | 'busy' | 'noanswer', online = true, node = this.nodeNames[0] ?? SINGLE): Promise<void> {
    const res = await simRequest(this.simOf(node).httpUrl, 'PUT', `/sim/endpoints/PJSIP/${login}`, { online, answer, answerDelayMs: 50 });
    if (res.status !== 200) throw new Error(`phone ${login}: ${res.status}`);
  }

  /** The far end of a channel hangs up, on the channel's node. */
  async hangup(channelId: string): Promise<void> {
    await simRequest(this.simOf(this.nodeOfChannel(channelId)).httpUrl, 'POST', `/sim/channels/${channelId}/hangup`);
  }

  async rowsOf(callerNumber: string) {
    return this.db.select().from(calls).where(eq(calls.callerNumber, callerNumber));
  }

  async row(linkedId: string) {
    return (await this.db.select().from(calls).where(eq(calls.linkedId, linkedId)).limit(1))[0];
  }

  async ticketsOf(linkedId: string) {
    return this.db.select().from(tickets).where(eq(tickets.callKey, linkedId));
  }

  async pendingMissed(callerNumber: string) {
    return (await this.db.select().from(missedCalls).where(eq(missedCalls.callerNumber, callerNumber))).filter((m) => m.status === 'pending');
  }

  /** How many of `ids` have a call row that `test` holds for. */
  async countRows(ids: readonly string[], test: (row: NonNullable<Awaited<ReturnType<FaultWorld['row']>>>) => boolean): Promise<number> {
    let n = 0;
    for (const id of ids) {
      const row = await this.row(id);
      if (row && test(row)) n++;
    }
    return n;
  }

  async stop(): Promise<void> {
    for (const seat of this.seats.values()) seat.desk.close();
    // A standby still starting would take the lock once the active server goes: it is in place first.
    await this.standbyStarting;
    // A server that no longer answers SIGTERM (a failed test may have wedged it) is killed.
    const stopped = await Promise.race([this.server.stop().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5_000))]);
    if (!stopped) await this.server.kill9();
    await this.standby?.stop();
    this.unlinkNodes();
    for (const sim of Object.values(this.sims)) await sim.stop();
    await this.store.close();
    await this.dropDatabase();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
