/**
 * `npm run bench`: the built server (a child process, as in service) against the PBX simulator, at
 * rising call rates, in five phases. Figures, and whether the targets below are met; nothing here
 * fails the build.
 *
 * 1. The front half of a call, against a floor. A citizen calls 12345 on the trunk; the application
 *    answers, plays the 12345 greeting and puts the caller in the queue's holding bridge with music;
 *    no agent is logged in, so the caller waits and hangs up. The server also records the call and
 *    opens its ticket. The floor is `minimal-ari-app.ts` (answer, greeting, holding bridge, nothing
 *    else), a child process of its own against a simulator of its own with the same configuration.
 *    Per rate, a server run and a floor run, one after the other (which goes first alternates), so
 *    any drift of the machine falls on both. Per run: each child's CPU per call (/proc), answer latency
 *    (the simulator's StasisStart → the channel Up, both from the simulator's own event stream), and
 *    callers never answered (their channel never went Up before they hung up).
 * 2. Agent desktops: 40 ready agents, each call rung to one of them: call reaction, screen-pop latency
 *    (the agent leg starts ringing → the desktop has `call.offered`) against a bare relay (the ringing
 *    event forwarded straight to a WebSocket), the server's CPU per call.
 * 3. The crowd (`crowd.ts`): 2,000 desktops connected and 1,000 callers waiting, then agents made ready
 *    one at a time: screen-pop latency at that scale, and what the waiting crowd costs the server and
 *    sends the desktops. Same server child and simulator as phase 2, after it.
 * 4. Knowledge (`knowledge.ts`): the agents' knowledge search over 10,000 published entries, end to
 *    end and inside the store (target p99 under 50 ms).
 * 5. Nodes (`nodes.ts`): phase 3 over three simulated Asterisk nodes a, b and c linked by the
 *    inter-node trunk, with a server child (CTI_NODES) and a database of its own, after the others:
 *    10,000 desktops (BENCH_NODES_DESKTOPS; the server child's CTI_MAX_SOCKETS fits them), phones spread over the nodes,
 *    1,000 callers round-robin over them at 100/s; pops on the caller's node and across the trunk,
 *    ticket writes per second while the queue fills, one call row and one ticket per caller.
 *
 * BENCH_PHASES picks the phases (default all five); BENCH_DB=postgres runs every server child on a
 * fresh PostgreSQL database instead of an SQLite file.
 *
 * Simulated time: both simulators play prompts at PLAYBACK_MS_PER_SECOND wall-clock ms per second of
 * audio (20× real time); the caller's hold is HOLD_MS of wall clock, a minute of real waiting at the
 * same scale.
 */
import { cpSync, appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { watchLoopDelay } from './loop-delay.js';
import { WebSocket, WebSocketServer } from 'ws';
import { startPbxSim, type PbxSim } from '../pbx-sim/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { freePort } from '../support/free-port.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { openBenchDatabase } from './bench-database.js';
import { atCleanUp, cleanUp, cpuMs, peakRssMb, startChild, threadCpuMs, type BenchChild } from './children.js';
import { createCrowdAgents, crowdPhase, crowdPjsipConf, registerCrowdPhones } from './crowd.js';
import { localSims } from './crowd-sims.js';
import { nodesPhase } from './nodes.js';
import { OutputTally, serverLine } from './server-log.js';
import { knowledgePhase, seedKnowledgeBench } from './knowledge.js';
import { fixed, percentile, sleep } from './figures.js';
import { summariseByRate } from './front-rounds.js';
import { serverNodeOptions } from './server-launch.js';
import { createSeatAgents, extensions, pjsipPhones, registerSeatPhones } from './seats.js';

const AGENTS = 40;
/** Phase 2's seats: extensions 2001–2040. */
const SEATS = extensions(2001, AGENTS);
/** Wall-clock ms per second of prompt audio in both simulators (the simulator's default: 20× real time). */
const PLAYBACK_MS_PER_SECOND = 50;
/** greeting-12345's recorded length (the simulator's nominal length for it). */
const GREETING_MS = 8.1 * PLAYBACK_MS_PER_SECOND;
/** How long a front-half caller waits in the queue: 60 s of real waiting at the simulators' speed. */
const HOLD_MS = 3_000;
/** A front-half caller hangs up this long after dialling: greeting, then the hold. */
const CALLER_PATIENCE_MS = GREETING_MS + HOLD_MS;
/**
 * The front half's rates, in the order they run: two rounds, so that each rate's CPU ratio is judged
 * on more than one run (front-rounds.ts). BENCH_FRONT_RATES=80,80,80 (say) runs those instead: handy
 * with BENCH_CPU_PROF.
 */
const ROUND_RATES = [10, 20, 40, 60, 80];
const FRONT_RATES = frontRates(process.env.BENCH_FRONT_RATES);

/** A rate the bench can place: whole calls per second, 1 to 500. */
function isRate(rate: number | undefined): rate is number {
  return rate !== undefined && Number.isInteger(rate) && rate >= 1 && rate <= 500;
}

function frontRates(asked: string | undefined): number[] {
  if (asked === undefined || asked === '') return [...ROUND_RATES, ...ROUND_RATES];
  const rates = asked.split(',').map((rate) => Number(rate.trim()));
  if (!rates.every(isRate)) {
    throw new Error(`BENCH_FRONT_RATES must be whole calls per second from 1 to 500, separated by commas, got "${asked}"`);
  }
  return rates;
}
const FRONT_PHASE_MS = 8_000;
/**
 * Before the front half, each side takes this many calls at this rate, not counted (JIT, caches,
 * pools). BENCH_WARM_UP=2400,40 (say) warms both sides longer: V8 is still optimising the server's
 * call path well after 100 calls, and the floor's (much smaller) gets cheaper too.
 */
const WARM_UP = warmUp(process.env.BENCH_WARM_UP);

function warmUp(asked: string | undefined): { calls: number; rate: number } {
  if (asked === undefined || asked === '') return { calls: 100, rate: 10 };
  const [calls, rate] = asked.split(',').map((part) => Number(part.trim()));
  if (calls === undefined || !Number.isInteger(calls) || calls < 1 || !isRate(rate)) {
    throw new Error(`BENCH_WARM_UP must be <calls>,<calls per second> (whole numbers, at most 500/s), got "${asked}"`);
  }
  return { calls, rate };
}
const AGENT_RATES = [5, 10, 20, 40, 60, 90, 120];
const AGENT_PHASE_MS = 4_000;
/** An agent-phase caller hangs up this long after dialling: greeting, ring, a short talk. */
const TALK_MS = GREETING_MS + 600;
const REACTION_GOAL_MS = 50;
/** BENCH_PHASES=front,agents,crowd,knowledge,nodes (the default: all): which phases run; `front` alone is handy with BENCH_CPU_PROF. */
const phases = new Set((process.env.BENCH_PHASES ?? 'front,agents,crowd,knowledge,nodes').split(',').map((p) => p.trim()));
/** The phases on one node, with the first server child; `nodes` has a server child of its own. */
const ONE_NODE_PHASES = ['front', 'agents', 'crowd', 'knowledge'];

/** The targets for the front half. */
const CPU_RATIO_GOAL = 2;
const ANSWER_P99_GOAL_MS = 5;
const ANSWER_P99_UP_TO_RATE = 40;
const ALL_ANSWERED_AT_RATE = 80;

/** Waits until a process has used at most one clock tick in 200 ms (its backlog is worked off), up to 6 s. */
async function quiet(pid: number): Promise<void> {
  let last = cpuMs(pid);
  for (let i = 0; i < 30; i++) {
    await sleep(200);
    const now = cpuMs(pid);
    if (now - last <= 10) return;
    last = now;
  }
}

/** What the simulator saw of each front-half call, timed on its own event stream. */
interface CallTrace {
  stasisAt?: number;
  upAt?: number;
  /** Entered a holding bridge. */
  held: boolean;
}

class FrontHalfProbe {
  readonly calls = new Map<string, CallTrace>();
  readonly stop: () => void;

  constructor(sim: PbxSim) {
    this.stop = sim.core.subscribe((event) => {
      const now = performance.now();
      if (event.type === 'stasis.start') {
        if (event.args[0] === '12345' && event.channel.name.startsWith('PJSIP/trunk-')) this.calls.set(event.channel.id, { stasisAt: now, held: false });
      } else if (event.type === 'channel.state' && event.channel.state === 'Up') {
        const trace = this.calls.get(event.channel.id);
        if (trace?.stasisAt !== undefined && trace.upAt === undefined) trace.upAt = now;
      } else if (event.type === 'bridge.enter' && event.bridge.bridgeType === 'holding') {
        const trace = this.calls.get(event.channel.id);
        if (trace) trace.held = true;
      }
    });
  }
}

/**
 * BENCH_FLOOR_SERVER=<another build's main.js> (front half only): that build of the server runs in
 * the floor's place, on the floor's simulator with a database of its own seeded like the server's and
 * the same settings and node options, so that two builds are compared in one run. They take turns as
 * the server and the floor do, so the machine's drift between two bench runs (±10 % on these
 * machines) falls on both alike; the ratio column is then this build against the other.
 */
const OTHER_BUILD = process.env.BENCH_FLOOR_SERVER;
/**
 * BENCH_FLOOR_ROWS=1: the minimal app also writes and reads, per call, the rows the server must
 * (minimal-rows.ts), on an SQLite file migrated and seeded like the server's. The ratio then tells
 * the server's own overhead apart from the writes every 12345 application has to make.
 */
const FLOOR_ROWS = process.env.BENCH_FLOOR_ROWS === '1';
if (FLOOR_ROWS && (OTHER_BUILD || process.env.BENCH_DB === 'postgres')) {
  throw new Error('BENCH_FLOOR_ROWS is for the minimal app on SQLite: not with BENCH_FLOOR_SERVER or BENCH_DB=postgres');
}
const FLOOR_LABEL = OTHER_BUILD ? 'other build' : FLOOR_ROWS ? 'minimal app with rows' : 'minimal app';

interface Side {
  label: 'server' | typeof FLOOR_LABEL;
  sim: PbxSim;
  child: BenchChild;
  probe: FrontHalfProbe;
}

interface FrontResult {
  calls: number;
  cpuPerCall: number;
  /** The child's main thread (the event loop) and its other threads, ms per call (`threadCpuMs`). */
  loopCpuPerCall: number;
  otherThreadsCpuPerCall: number;
  latencies: number[];
  neverAnswered: number;
  /** Never reached the holding bridge before hanging up. */
  neverHeld: number;
  /** POST /sim/calls failed. */
  notPlaced: number;
  /** The channel was gone when the caller went to hang up (the application hung up on them). */
  goneEarly: number;
  /** The bench process (both simulators, the callers): its CPU share and event-loop delay during the run. */
  benchCpuPercent: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** The machine's 1-minute load average at the end of the run (other work on it shows here). */
  load: number;
}

let serial = 0;
const nextCaller = () => `139${String(++serial).padStart(8, '0')}`;
/** Which run is going on, to say when a child logged something. */
let stage = 'start-up';

async function frontHalfRun(side: Side, rate: number, total = Math.round((rate * FRONT_PHASE_MS) / 1000)): Promise<FrontResult> {
  stage = `front half, ${side.label}, ${rate}/s`;
  side.probe.calls.clear();
  const result: FrontResult = {
    calls: 0,
    cpuPerCall: NaN,
    loopCpuPerCall: NaN,
    otherThreadsCpuPerCall: NaN,
    latencies: [],
    neverAnswered: 0,
    neverHeld: 0,
    notPlaced: 0,
    goneEarly: 0,
    benchCpuPercent: NaN,
    loopDelayP99Ms: NaN,
    loopDelayMaxMs: NaN,
    load: NaN,
  };
  const interval = 1000 / rate;
  const loopDelay = watchLoopDelay();
  const benchCpuBefore = process.cpuUsage();
  const cpuBefore = cpuMs(side.child.pid);
  const threadsBefore = threadCpuMs(side.child.pid);
  const started = performance.now();
  const callers: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = started + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    const dialledAt = performance.now();
    result.calls += 1;
    // Dialled and hung up on the simulator's core directly, not over its control API: that HTTP work
    // would run on this process's event loop, the one that also times the simulator's events.
    callers.push(
      (async () => {
        let id: string;
        try {
          id = side.sim.core.placeCall({ from: nextCaller(), to: '12345' }).id;
        } catch {
          result.notPlaced += 1;
          result.neverAnswered += 1;
          return;
        }
        const patience = dialledAt + CALLER_PATIENCE_MS - performance.now();
        if (patience > 0) await sleep(patience);
        const trace = side.probe.calls.get(id);
        if (trace?.stasisAt !== undefined && trace.upAt !== undefined) result.latencies.push(trace.upAt - trace.stasisAt);
        else result.neverAnswered += 1;
        if (!trace?.held) result.neverHeld += 1;
        const channel = side.sim.core.channels.get(id);
        if (channel) side.sim.core.farEndHangup(channel);
        else result.goneEarly += 1;
      })(),
    );
  }
  await Promise.all(callers);
  await waitFor(() => side.sim.core.listChannels().length === 0, `${side.label}'s simulator without channels`, 15_000).catch(() => undefined);
  await quiet(side.child.pid);
  result.cpuPerCall = (cpuMs(side.child.pid) - cpuBefore) / total;
  const threadsAfter = threadCpuMs(side.child.pid);
  result.loopCpuPerCall = (threadsAfter.main - threadsBefore.main) / total;
  result.otherThreadsCpuPerCall = (threadsAfter.others - threadsBefore.others) / total;
  loopDelay.stop();
  const benchCpu = process.cpuUsage(benchCpuBefore);
  result.benchCpuPercent = (benchCpu.user + benchCpu.system) / 10 / (performance.now() - started);
  ({ p99Ms: result.loopDelayP99Ms, maxMs: result.loopDelayMaxMs } = loopDelay.figures());
  result.load = loadavg()[0] ?? NaN;
  if (side.child.exit !== null) throw new Error(`the ${side.label} exited (${side.child.exit}) during ${stage}`);
  stage = 'between runs';
  return result;
}

/** The settings of every server child (each adds its database, port and Asterisk nodes). */
const SERVER_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  CTI_HTTP_HOST: '127.0.0.1',
  CTI_TOKEN_KEY: 'bench-token-key-0123456789-0123456789',
  CTI_WRAP_UP: '0',
  // The bench's desktops answer without registering tickets: ready again at once after each call.
  CTI_WRAP_UP_TICKET_CHECK: 'off',
  CTI_LOG_LEVEL: 'warn',
  CTI_LOGIN_RATE: '10000',
  // No scheduled jobs: the missed-call job would call back every caller the front half leaves waiting.
  CTI_JOBS: 'off',
};

async function main(): Promise<void> {
  if (OTHER_BUILD && [...phases].some((phase) => phase !== 'front')) {
    throw new Error('BENCH_FLOOR_SERVER compares two builds in the front half only: run it with BENCH_PHASES=front');
  }
  const loadAtStart = `machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the start`;
  const work = mkdtempSync(join(tmpdir(), 'cti-bench-'));
  atCleanUp('the work directory', () => rmSync(work, { recursive: true, force: true }));
  process.stdout.write(`database: ${process.env.BENCH_DB === 'postgres' ? 'PostgreSQL' : 'SQLite'}\n`);
  if (ONE_NODE_PHASES.some((p) => phases.has(p))) await oneNode(work, loadAtStart);
  if (phases.has('nodes')) {
    process.stdout.write(
      (
        await nodesPhase({
          work,
          serverEnv: SERVER_ENV,
          httpPort: await freePort(),
          standbyPort: await freePort(),
          playbackMsPerSecond: PLAYBACK_MS_PER_SECOND,
          nextCaller,
          setStage: (now) => {
            stage = now;
          },
          stage: () => stage,
        })
      ).join('\n') + '\n',
    );
  }
}

/** Phases 1 to 4: one simulated node, the first server child (and phase 1's floor). */
async function oneNode(work: string, loadAtStart: string): Promise<void> {
  const confDir = join(work, 'asterisk-config');
  cpSync('asterisk-config', confDir, { recursive: true });
  appendFileSync(join(confDir, 'pjsip.conf'), pjsipPhones(SEATS));
  if (phases.has('crowd')) appendFileSync(join(confDir, 'pjsip.conf'), crowdPjsipConf());
  const simWarnings: string[] = [];
  const startSim = async (label: string) => {
    const sim = await startPbxSim({
      amiPort: 0,
      httpPort: 0,
      configDir: confDir,
      playbackMsPerSecond: PLAYBACK_MS_PER_SECOND,
      logger: { info: () => undefined, warn: (msg) => simWarnings.push(`${label}'s simulator: ${msg}`) },
    });
    atCleanUp(`${label}'s simulator`, () => sim.stop());
    return sim;
  };
  const sim = await startSim('server');
  // The floor is phase 1's alone.
  const floorSim = phases.has('front') ? await startSim('minimal app') : null;

  // BENCH_DB=postgres: the server runs on a fresh PostgreSQL database of the machine's server.
  const { dbPath, store, passwordHash, generalSkillId } = await openBenchDatabase(work, 'cti.db', 'the PostgreSQL database');
  await createSeatAgents(store.db, SEATS, '压测坐席', passwordHash, generalSkillId);
  // The server loads its agents once, at start: the crowd's 2,000 are there for phases 1 and 2 as well.
  if (phases.has('crowd')) await createCrowdAgents(store.db, passwordHash, generalSkillId);
  await store.close();
  // Phase 4's 10,000 knowledge entries, before the server opens the database.
  const knowledgeSeeded = phases.has('knowledge') ? await seedKnowledgeBench(dbPath) : null;
  await registerSeatPhones(sim.httpUrl, SEATS);
  if (phases.has('crowd')) await registerCrowdPhones(sim.httpUrl);

  const httpPort = await freePort();
  const serverUrl = `http://127.0.0.1:${httpPort}`;
  const serverLog = new OutputTally(() => stage);
  const server = startServerChild('server', 'dist/main.js', sim, dbPath, httpPort, serverLog);
  const floorLog = new OutputTally(() => stage);
  const floorRows = floorSim && FLOOR_ROWS ? await floorRowsDatabase(work) : undefined;
  const floor = floorSim && (OTHER_BUILD ? await startOtherBuild(work, floorSim, OTHER_BUILD, floorLog) : startMinimalApp(floorSim, floorLog, floorRows));
  await Promise.all([healthy(serverUrl, 'server'), floor?.ready]);

  if (floorSim && floor) await frontHalf(sim, server, floorSim, floor.child, loadAtStart);
  if (phases.has('agents')) await agentDesktops(sim, server, serverUrl, floor?.child ?? null);
  if (phases.has('crowd')) {
    process.stdout.write(
      (
        await crowdPhase({
          sims: localSims([{ name: 'pbx', sim }], atCleanUp),
          server,
          serverUrl,
          nextCaller,
          setStage: (now) => {
            stage = now;
          },
        })
      )
        .report()
        .join('\n') + '\n',
    );
  }
  if (knowledgeSeeded) {
    stage = 'knowledge search';
    process.stdout.write((await knowledgePhase(serverUrl, dbPath, knowledgeSeeded)).join('\n') + '\n');
  }
  stage = 'stopping';
  // Stopped here (clean-up would too) so that what they say on the way out is in the report.
  const stopped = `children: server ${await server.stop()}${floor ? `, ${FLOOR_LABEL} ${await floor.child.stop()}` : ''}`;
  process.stdout.write(
    [
      stopped,
      ...serverLog.report('server'),
      ...(floor ? floorLog.report(FLOOR_LABEL) : []),
      ...(simWarnings.length > 0 ? [`simulator warnings (${simWarnings.length}):`, ...simWarnings.slice(0, 10).map((w) => `  ${w}`)] : []),
      '',
    ].join('\n'),
  );
}

/**
 * The server's node options: those `npm start` runs it with (server-launch.ts), then the bench's.
 * BENCH_CPU_PROF=<dir>: it writes a V8 CPU profile there when it stops (for `node --cpu-prof`
 * analysis). BENCH_NODE_ARGS: more node options (`--perf-prof` for `perf`, `--trace-gc`; a later
 * option wins, so `--memory-reducer` undoes the start script's `--no-memory-reducer`).
 */
const SERVER_NODE_ARGS = [
  ...serverNodeOptions(),
  ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
  ...(process.env.BENCH_NODE_ARGS?.split(' ').filter((arg) => arg !== '') ?? []),
];

/** BENCH_OTHER_NODE_ARGS: node options for BENCH_FLOOR_SERVER's build only, to compare two settings of one build side by side. */
const OTHER_NODE_ARGS = [...SERVER_NODE_ARGS, ...(process.env.BENCH_OTHER_NODE_ARGS?.split(' ').filter((arg) => arg !== '') ?? [])];

/** BENCH_FLOOR_CPU_PROF=<dir>: the minimal app writes its V8 CPU profile there too, to set beside the server's. */
const FLOOR_NODE_ARGS = process.env.BENCH_FLOOR_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_FLOOR_CPU_PROF}`] : [];

/** A server child (`main`: its build's entry point) on `sim`, with `dbPath` and the bench's settings. */
function startServerChild(label: string, main: string, sim: PbxSim, dbPath: string, httpPort: number, log: OutputTally, nodeArgs = SERVER_NODE_ARGS): BenchChild {
  return startChild(
    label,
    main,
    {
      ...SERVER_ENV,
      CTI_DB: dbPath,
      CTI_HTTP_PORT: String(httpPort),
      CTI_AMI_PORT: String(sim.amiPort),
      CTI_AMI_SECRET: 'cti-secret',
      CTI_ARI_URL: sim.httpUrl,
      CTI_ARI_PASSWORD: 'cti-secret',
    },
    (stream, line) => serverLine(log, stream, line),
    { nodeArgs },
  );
}

const healthy = (url: string, what: string) =>
  waitFor(async () => (await simRequest(url, 'GET', '/health').catch(() => ({ status: 0 }))).status === 200, `${what} healthy`, 30_000);

/** The floor: a child and what says it is ready. */
interface Floor {
  child: BenchChild;
  ready: Promise<unknown>;
}

/** BENCH_FLOOR_ROWS: the minimal app's database, migrated and seeded as the server's is. */
async function floorRowsDatabase(work: string): Promise<string> {
  const { dbPath, store } = await openBenchDatabase(work, 'cti-floor.db', 'the minimal app\'s database');
  await store.close();
  return dbPath;
}

/** The floor; `rowsDb`: with the server's rows written there (BENCH_FLOOR_ROWS). */
function startMinimalApp(floorSim: PbxSim, log: OutputTally, rowsDb?: string): Floor {
  const child = startChild(
    'minimal app',
    'dist/test/bench/minimal-ari-app.js',
    {
      ...process.env,
      MINIMAL_ARI_URL: floorSim.httpUrl,
      MINIMAL_ARI_USER: 'cti',
      MINIMAL_ARI_PASSWORD: 'cti-secret',
      MINIMAL_ARI_APP: 'hotline12345',
      ...(rowsDb ? { MINIMAL_DB: rowsDb } : {}),
    },
    (stream, line) => {
      if (stream === 'stderr' || line !== 'ready') log.note(`${stream}: ${line}`);
    },
    { nodeArgs: FLOOR_NODE_ARGS },
  );
  return { child, ready: child.waitForLine(/^ready$/, 30_000) };
}

/** BENCH_FLOOR_SERVER: another build of the server in the floor's place (see OTHER_BUILD). */
async function startOtherBuild(work: string, floorSim: PbxSim, main: string, log: OutputTally): Promise<Floor> {
  const { dbPath, store, passwordHash, generalSkillId } = await openBenchDatabase(work, 'cti-other.db', 'the other build\'s PostgreSQL database');
  await createSeatAgents(store.db, SEATS, '压测坐席', passwordHash, generalSkillId);
  await store.close();
  const httpPort = await freePort();
  const child = startServerChild(FLOOR_LABEL, main, floorSim, dbPath, httpPort, log, OTHER_NODE_ARGS);
  return { child, ready: healthy(`http://127.0.0.1:${httpPort}`, FLOOR_LABEL) };
}

/** Phase 1: the front half, server and floor; prints its tables. */
async function frontHalf(sim: PbxSim, server: BenchChild, floorSim: PbxSim, floor: BenchChild, loadAtStart: string): Promise<void> {
  const sides: Side[] = [
    { label: 'server', sim, child: server, probe: new FrontHalfProbe(sim) },
    { label: FLOOR_LABEL, sim: floorSim, child: floor, probe: new FrontHalfProbe(floorSim) },
  ];
  for (const side of sides) await frontHalfRun(side, WARM_UP.rate, WARM_UP.calls);
  stage = 'idle';
  const idleBefore = sides.map((side) => cpuMs(side.child.pid));
  const idleStarted = performance.now();
  await sleep(2_000);
  const idle = sides.map((side, i) => `${side.label} ${fixed(((cpuMs(side.child.pid) - (idleBefore[i] ?? 0)) * 1000) / (performance.now() - idleStarted), 0)} ms/s`);
  const front: { rate: number; server: FrontResult; floor: FrontResult }[] = [];
  for (const [index, rate] of FRONT_RATES.entries()) {
    const results = new Map<Side['label'], FrontResult>();
    for (const side of index % 2 === 0 ? sides : [...sides].reverse()) results.set(side.label, await frontHalfRun(side, rate));
    const serverResult = results.get('server');
    const floorResult = results.get(FLOOR_LABEL);
    if (serverResult && floorResult) front.push({ rate, server: serverResult, floor: floorResult });
  }
  for (const side of sides) side.probe.stop();

  const frontRows = front.map(({ rate, server: s, floor: f }) => {
    const p99s = percentile(s.latencies, 99);
    const p99f = percentile(f.latencies, 99);
    return `| ${rate} | ${fixed(s.cpuPerCall, 2)} | ${fixed(f.cpuPerCall, 2)} | ${fixed(s.cpuPerCall / f.cpuPerCall, 1)}× | ${fixed(percentile(s.latencies, 50), 2)} / ${fixed(p99s, 2)} | ${fixed(percentile(f.latencies, 50), 2)} / ${fixed(p99f, 2)} | ${s.neverAnswered} / ${f.neverAnswered} of ${s.calls} | ${fixed(p99s / p99f, 1)}× |`;
  });
  const machine = (r: FrontResult) => `${fixed(r.benchCpuPercent, 0)}%, ${fixed(r.loopDelayP99Ms, 0)} / ${fixed(r.loopDelayMaxMs, 0)} ms, load ${fixed(r.load, 1)}`;
  const diagnostics = front.map(({ rate, server: s, floor: f }) => `| ${rate} | ${machine(s)} | ${machine(f)} |`);
  const split = (r: FrontResult) => `${fixed(r.loopCpuPerCall, 2)} / ${fixed(r.otherThreadsCpuPerCall, 2)}`;
  const splitRows = front.map(({ rate, server: s, floor: f }) => `| ${rate} | ${split(s)} | ${split(f)} |`);
  const byRate = summariseByRate(front.map(({ rate, server: s, floor: f }) => ({ rate, server: s.cpuPerCall, floor: f.cpuPerCall })));
  const byRateRows = byRate.map(
    (r) => `| ${r.rate} | ${r.runs} | ${fixed(r.server, 2)} | ${fixed(r.floor, 2)} | ${fixed(r.ratio, 1)}× (${fixed(r.lowestRatio, 1)}–${fixed(r.highestRatio, 1)}×) |`,
  );
  const oddities: string[] = [];
  for (const { rate, server: s, floor: f } of front) {
    for (const [who, r] of [['server', s], [FLOOR_LABEL, f]] as const) {
      if (r.neverHeld > 0) oddities.push(`${rate}/s ${who}: ${r.neverHeld} of ${r.calls} callers never reached the holding bridge`);
      if (r.notPlaced > 0) oddities.push(`${rate}/s ${who}: ${r.notPlaced} calls could not be placed`);
      if (r.goneEarly > 0) oddities.push(`${rate}/s ${who}: ${r.goneEarly} callers' channels were gone before they hung up`);
    }
  }

  // The CPU target on each rate's median ratio over its runs (front-rounds.ts).
  const worstCpu = byRate.reduce((a, b) => (b.ratio > a.ratio || !Number.isFinite(b.ratio) ? b : a), byRate[0] ?? { rate: 0, ratio: NaN });
  const cpuMet = byRate.length > 0 && byRate.every((r) => r.ratio <= CPU_RATIO_GOAL);
  const lowRates = front.filter((r) => r.rate <= ANSWER_P99_UP_TO_RATE);
  const p99Met = lowRates.length > 0 && lowRates.every((r) => percentile(r.server.latencies, 99) < ANSWER_P99_GOAL_MS);
  // Every run of the rate: a caller left unanswered once is one too many.
  const tops = front.filter((r) => r.rate === ALL_ANSWERED_AT_RATE);
  const allAnsweredMet = tops.length > 0 && tops.every((r) => r.server.calls > 0 && r.server.neverAnswered === 0);
  const unanswered = (who: 'server' | 'floor') => `${tops.reduce((n, r) => n + r[who].neverAnswered, 0)} of ${tops.reduce((n, r) => n + r[who].calls, 0)}`;
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
  process.stdout.write(
    [
      `front half: ${FRONT_PHASE_MS / 1000} s of calls per rate to 12345 on the trunk; answer, greeting-12345 (${GREETING_MS} ms: prompts at ${PLAYBACK_MS_PER_SECOND} ms per second of audio, 20× real time), holding bridge with music, no agent logged in; the caller hangs up ${CALLER_PATIENCE_MS} ms after dialling (a ${HOLD_MS / 1000} s hold, a minute at the same scale); server and ${FLOOR_LABEL} take turns per rate`,
      '',
      `| calls/s | server CPU ms/call | ${FLOOR_LABEL} CPU ms/call | ratio | answer latency p50 / p99 ms (server) | same, ${FLOOR_LABEL} | callers never answered (server / ${FLOOR_LABEL}) | p99 ratio |`,
      '|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...frontRows,
      '',
      `per rate over its runs: the median CPU per call of each side, and the median ratio (the lowest and highest run's):`,
      '',
      `| calls/s | runs | server CPU ms/call | ${FLOOR_LABEL} CPU ms/call | ratio |`,
      '|---:|---:|---:|---:|---:|',
      ...byRateRows,
      '',
      `where each run's CPU per call ran: the main thread (the event loop: JavaScript, the database's statements and commits) / the other threads (V8's compiler and garbage-collector helpers, libuv's pool with SQLite's WAL flushes, its checkpointer), ms/call:`,
      '',
      `| calls/s | server | ${FLOOR_LABEL} |`,
      '|---:|---:|---:|',
      ...splitRows,
      '',
      loadAtStart,
      `each side took ${WARM_UP.calls} calls first at ${WARM_UP.rate}/s, not counted; idle CPU after them: ${idle.join(', ')}`,
      'the bench process (both simulators and the callers) during each run: CPU share, event-loop delay p99/max (beyond the monitor\'s 5 ms tick), then the machine\'s load average:',
      '',
      `| calls/s | during the server run | during the ${FLOOR_LABEL} run |`,
      '|---:|---:|---:|',
      ...diagnostics,
      '',
      ...(oddities.length > 0 ? oddities : ['every caller of both reached the holding bridge']),
      `targets:`,
      `  server CPU per front-half call at most ${CPU_RATIO_GOAL}× that of the ${FLOOR_LABEL}, on each rate's median: ${verdict(cpuMet)} (highest ${fixed(worstCpu.ratio, 1)}× at ${worstCpu.rate} calls/s)`,
      `  server answer latency p99 under ${ANSWER_P99_GOAL_MS} ms up to ${ANSWER_P99_UP_TO_RATE} calls/s: ${
        lowRates.length === 0
          ? `not judged (no run at or under ${ANSWER_P99_UP_TO_RATE} calls/s)`
          : `${verdict(p99Met)} (${lowRates.map((r) => `${r.rate}/s ${fixed(percentile(r.server.latencies, 99), 2)} ms`).join(', ')})`
      }`,
      `  every caller answered at ${ALL_ANSWERED_AT_RATE} calls/s: ${
        tops.length === 0
          ? `not judged (no run at ${ALL_ANSWERED_AT_RATE} calls/s)`
          : `${verdict(allAnsweredMet)} (server ${unanswered('server')} never answered; ${FLOOR_LABEL} ${unanswered('floor')})`
      }`,
      '',
      '',
    ].join('\n'),
  );
}

/** Phase 2: agent desktops; prints its table. */
async function agentDesktops(sim: PbxSim, server: BenchChild, serverUrl: string, floor: BenchChild | null): Promise<void> {
  stage = 'agent logins';
  // A wrong password costs the same for a name that exists and one that does not (no enumeration by timing).
  const loginMs = async (username: string) => {
    const t = performance.now();
    await simRequest(serverUrl, 'POST', '/api/v1/auth/login', { username, password: 'wrong-password' });
    return performance.now() - t;
  };
  const knownMs: number[] = [];
  const unknownMs: number[] = [];
  for (const [i, ext] of SEATS.slice(0, 20).entries()) {
    knownMs.push(await loginMs(ext));
    unknownMs.push(await loginMs(`nobody-${i + 1}`));
  }
  const loginLine = `wrong-password login p50: known name ${percentile(knownMs, 50).toFixed(1)} ms, unknown name ${percentile(unknownMs, 50).toFixed(1)} ms`;

  // Timestamps from the simulator's own event stream (same process as the desktops: one clock).
  const stasisAt = new Map<string, number>();
  const reactions: number[] = [];
  const ringAt = new Map<string, number>();
  const pops: number[] = [];
  const relayed: number[] = [];
  const relay = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  atCleanUp('the relay', () => new Promise<void>((r) => relay.close(() => r())));
  const relayClients = new Set<WebSocket>();
  relay.on('connection', (ws) => relayClients.add(ws));
  await new Promise<void>((r) => relay.once('listening', () => r()));
  const relayAddress = relay.address();
  const relayClient = new WebSocket(`ws://127.0.0.1:${typeof relayAddress === 'object' && relayAddress ? relayAddress.port : 0}`);
  atCleanUp('the relay client', () => relayClient.close());
  relayClient.on('message', (data: Buffer) => {
    const { t } = JSON.parse(data.toString()) as { t: number };
    relayed.push(performance.now() - t);
  });
  await new Promise<void>((r) => relayClient.once('open', () => r()));

  const stopWatching = sim.core.subscribe((event) => {
    const now = performance.now();
    if (event.type === 'stasis.start' && event.args[0] === '12345') stasisAt.set(event.channel.id, now);
    else if (event.type === 'channel.state' && event.channel.state === 'Up') {
      const t = stasisAt.get(event.channel.id);
      if (t !== undefined) {
        reactions.push(now - t);
        stasisAt.delete(event.channel.id);
      }
    } else if (event.type === 'dial' && event.dialStatus === 'RINGING' && event.peer.name.startsWith('PJSIP/20')) {
      ringAt.set(event.peer.caller.number, now);
      const message = JSON.stringify({ type: 'call.offered', t: now, callerNumber: event.peer.caller.number });
      for (const ws of relayClients) ws.send(message);
    }
  });
  atCleanUp('the agent-phase probe', stopWatching);

  const desks: AgentDesktop[] = [];
  atCleanUp('the agent desktops', () => {
    for (const desk of desks) desk.close();
  });
  for (const ext of SEATS) {
    const desk = await AgentDesktop.login(serverUrl, ext, 'bench');
    desks.push(desk);
    await desk.command('agent.ready');
  }
  // Each pop is timed on arrival, against the moment the simulator rang that agent's phone.
  for (const desk of desks) {
    desk.onMessage = (m) => {
      if (m.type !== 'call.offered') return;
      const t = ringAt.get(String(m.callerNumber));
      if (t !== undefined) pops.push(performance.now() - t);
    };
  }

  const rows: string[] = [];
  let best = 0;
  for (const rate of AGENT_RATES) {
    stage = `agent desktops, ${rate}/s`;
    reactions.length = 0;
    pops.length = 0;
    relayed.length = 0;
    const cpuBefore = cpuMs(server.pid);
    const interval = 1000 / rate;
    const total = Math.round((rate * AGENT_PHASE_MS) / 1000);
    const started = performance.now();
    const placed: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = started + i * interval - performance.now();
      if (wait > 0) await sleep(wait);
      placed.push(
        placeCall(sim.httpUrl, nextCaller(), '12345').then(async (id) => {
          await sleep(TALK_MS);
          await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`).catch(() => undefined);
        }),
      );
    }
    await Promise.all(placed);
    await sleep(1500);
    const cpuPerCall = (cpuMs(server.pid) - cpuBefore) / total;
    if (server.exit !== null) throw new Error(`the server exited (${server.exit}) during ${stage}`);
    const p99 = percentile(reactions, 99);
    if (p99 < REACTION_GOAL_MS && reactions.length >= total * 0.95) best = rate;
    const ratio = percentile(pops, 50) / percentile(relayed, 50);
    rows.push(
      [
        `${rate}/s`.padStart(6),
        `${reactions.length}`.padStart(6),
        `${percentile(reactions, 50).toFixed(1)} / ${p99.toFixed(1)}`.padStart(14),
        `${pops.length}`.padStart(5),
        `${percentile(pops, 50).toFixed(1)} / ${percentile(pops, 99).toFixed(1)}`.padStart(14),
        `${percentile(relayed, 50).toFixed(2)} / ${percentile(relayed, 99).toFixed(2)}`.padStart(14),
        `${ratio.toFixed(1)}x`.padStart(7),
        `${cpuPerCall.toFixed(2)}`.padStart(8),
      ].join(' '),
    );
  }
  stage = 'after the agent desktops';
  const rss = `peak RSS: server ${peakRssMb(server.pid).toFixed(0)} MB${floor ? `, minimal app ${peakRssMb(floor.pid).toFixed(0)} MB` : ''}`;
  stopWatching();
  const closing = desks.splice(0);
  for (const desk of closing) desk.close();
  // The server counts its sockets (at most 2,000 in all): the crowd's logins come next.
  await Promise.all(closing.map((desk) => desk.closed().catch(() => undefined)));
  process.stdout.write(
    [
      `agent desktops: ${AGENTS} ready agents, ${AGENT_PHASE_MS / 1000} s per rate, callers hang up ${TALK_MS} ms after dialling; times in ms`,
      '  rate  calls  reaction p50/p99  pops    pop p50/p99  relay p50/p99  pop/relay  cpu/call',
      ...rows,
      `highest rate with p99 reaction under ${REACTION_GOAL_MS} ms: ${best || 'none of the tested rates'} calls/s`,
      rss,
      loginLine,
      '',
    ].join('\n'),
  );
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`bench: ${signal}: stopping what it started\n`);
    void cleanUp().finally(() => process.exit(130));
  });
}

void main()
  .then(
    () => 0,
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      return 1;
    },
  )
  .then(async (code) => {
    await cleanUp();
    process.exit(code);
  });
