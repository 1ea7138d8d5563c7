/**
 * Phase 3 of `npm run bench`, "crowd": the screen-pop at scale. 2,000 agent desktops are connected
 * (logged in, not ready, so nobody takes a call) and 1,000 callers wait in the queue's holding bridge;
 * then agents are made ready one at a time, and each is offered the head of the line. Measured:
 *
 * - pop latency: the simulator rings the agent's phone (its channel `PJSIP/<ext>-…` goes Ringing) →
 *   that agent's desktop has `call.offered`; and `agent.ready` sent → `call.offered`;
 * - while the crowd waits (30 s: every caller is told their position once, the server sweeps its
 *   sessions once): the server's CPU (/proc), how long it takes to answer a request that touches
 *   nothing (its event loop's stalls), what the 2,000 desktops receive although nothing happens to
 *   them (a broadcast per queue change would show here), the server's RSS.
 *
 * The server child runs with no wrap-up (CTI_WRAP_UP=0, for phase 2), so an agent whose call ends is
 * ready again at once and would pull the next caller: the answered calls stay up until every pop is
 * in, and at the end the desktops close first (an agent without a desktop goes not ready after the
 * call), then the callers hang up.
 *
 * Everything runs against phase 2's server child and simulator; bench.ts creates the agents in the
 * store and the endpoints in pjsip.conf before the server starts (`crowdPjsipConf`, `createCrowdAgents`,
 * `registerCrowdPhones`), then calls `crowdPhase`. That simulator lives in the bench process (phases 1
 * and 2 time their calls on its events there); the desktops live in a process of their own.
 *
 * The nodes phase (`nodes.ts`) runs the same `crowdPhase` over several linked simulators with its own
 * agents, callers, call rate and ready order, the simulators in a process of their own: the options
 * default to the crowd's figures, and with one node the lines are the crowd's.
 *
 * Both ends of a pop are timed on the machine's clock (bench-clock.ts) in the process where they
 * happen: the ring where the simulator runs, the `call.offered` in the desktops' process.
 */
import { performance } from 'node:perf_hooks';
import { watchLoopDelay } from './loop-delay.js';
import type { Db } from '../../store/index.js';
import { simRequest, waitFor } from '../support/sim-client.js';
import { machineMs } from './bench-clock.js';
import { atCleanUp, cpuMs, peakRssMb, rssMb, type BenchChild } from './children.js';
import type { CrowdSims } from './crowd-sims.js';
import { startDeskHost, type DeskHost } from './desk-host-client.js';
import type { ClockCheck } from './host-client.js';
import { fixed, percentile, sleep } from './figures.js';
import { createSeatAgents, extensions, pjsipPhones, registerSeatPhones } from './seats.js';

export const CROWD_AGENTS = 2_000;
const CROWD_CALLERS = 1_000;
/** The crowd's extensions: 6001…8000 (phase 2's agents are 2001…2040). */
const FIRST_EXTENSION = 6001;
const CALL_RATE = 50;
/** Logins at once: each is an argon2 verification (~17 ms of CPU) on the server. */
const LOGIN_CONCURRENCY = 8;
/** Agents made ready one after the other (a p99 of 200 samples is not just the slowest one). */
export const READIED = 200;
const READY_GAP_MS = 30;
/**
 * The server tells each caller their position this often (its default, CTI_QUEUE_ANNOUNCE) and sweeps
 * its sessions this often too: the crowd is watched waiting this long, so each happens once.
 */
const ANNOUNCE_MS = 30_000;
/** The probe of the server's responsiveness asks this often. */
const PROBE_GAP_MS = 50;
const POP_P99_GOAL_MS = 10;

const CROWD_EXTENSIONS = extensions(FIRST_EXTENSION, CROWD_AGENTS);

/** The crowd's phones for pjsip.conf, the way phase 2's are written. */
export const crowdPjsipConf = (): string => pjsipPhones(CROWD_EXTENSIONS);

/** How long the set-up before the server started took (reported with the phase). */
const setUp = { agentsMs: NaN, phonesMs: NaN };

/** The crowd's agents, with the skill 12345's callers queue for (the password is phase 2's). */
export async function createCrowdAgents(db: Db, passwordHash: string, skillId: number): Promise<void> {
  const started = performance.now();
  await createSeatAgents(db, CROWD_EXTENSIONS, '人群坐席', passwordHash, skillId);
  setUp.agentsMs = performance.now() - started;
}

/** Registers the crowd's phones in the simulator, answering at once (as phase 2's). */
export async function registerCrowdPhones(simUrl: string): Promise<void> {
  const started = performance.now();
  await registerSeatPhones(simUrl, CROWD_EXTENSIONS);
  setUp.phonesMs = performance.now() - started;
}

export interface CrowdOptions {
  /**
   * The simulated nodes; the callers are placed round-robin over them and the rings are timed on every
   * one of them (on a cross-node call the agent's phone rings on the agent's node). One for the crowd.
   */
  sims: CrowdSims;
  server: BenchChild;
  serverUrl: string;
  nextCaller: () => string;
  /** Says which part is going on (for what the server logs meanwhile). */
  setStage: (stage: string) => void;
  /** What the lines call the phase. Default "crowd". */
  title?: string;
  /** The desktops' extensions, logged in in this order. Default the crowd's 2,000. */
  agents?: readonly string[];
  /**
   * The agents made ready one at a time: in this order, or each one as `pickNext` chooses it, told
   * the node of the caller at the head of the line (the longest in a holding bridge with no offer
   * yet, after one for each agent made ready and not yet offered). Default the first READIED of `agents`.
   */
  readyOrder?: readonly string[] | ReadyPicker;
  callers?: number;
  /** Callers placed per second while the queue fills. */
  callRate?: number;
  /** How long the waiting crowd is watched (0: not at all). Default one announcement period. */
  waitMs?: number;
  /** How long creating the agents and registering their phones took. Default the crowd's own set-up. */
  setUp?: { agentsMs: number; phonesMs: number };
  /** What the target line says the pops were measured with. Default "with the crowd". */
  targetContext?: string;
  /**
   * Runs once the pops are measured, with every call still up, before the desktops close and the
   * callers hang up (the nodes phase's takeover). The server child may be gone after it: another
   * server then serves the callers' hang-ups.
   */
  beforeStop?: () => Promise<void>;
}

/** The `i`-th agent to make ready (undefined: none left), given the node of the caller at the head of the line. */
export type ReadyPicker = { count: number; pickNext: (i: number, headNode: string | undefined) => string | undefined };

/** A caller the phase placed. */
export interface PlacedCaller {
  number: string;
  node: string;
}

export interface CrowdResult {
  /** The lines to print: `extraRows` end the table, `extraLines` follow the target line. */
  report(extraRows?: readonly string[], extraLines?: readonly string[]): string[];
  callers: readonly PlacedCaller[];
  /** Epoch ms (the server's row timestamps are on that clock): the first and the last caller placed. */
  fill: { firstAt: number; lastAt: number };
}

/** A table row of the phase (and of what a caller adds to it). */
export const crowdRow = (what: string, value: string): string => `| ${what} | ${value} |`;

/** What the desktops received over `ms`, by message type, as the desktop host counted it. */
async function inboxOf(host: DeskHost, ms: number): Promise<string> {
  const counted = await host.request({ type: 'inbox' });
  if (counted.type !== 'inbox') return 'not counted';
  const perSecond = (n: number) => fixed((n * 1000) / ms, 1);
  const kinds = counted.types.map(([type, n]) => `${n}× ${type}`).join(', ');
  return `${perSecond(counted.messages)} messages/s, ${perSecond(counted.bytes)} bytes/s${kinds ? ` (${kinds})` : ''}`;
}

/** A stretch of time: the server's CPU in it (and in its busiest second), what the desktops received. */
interface Window {
  ms: number;
  cpuMsPerS: number;
  busiestSecondMs: number;
  inbox: string;
}

async function measure(server: BenchChild, host: DeskHost): Promise<() => Promise<Window>> {
  await host.request({ type: 'inbox-reset' });
  const cpuBefore = cpuMs(server.pid);
  const started = performance.now();
  let busiest = 0;
  let last = cpuBefore;
  const sampler = setInterval(() => {
    const now = cpuMs(server.pid);
    busiest = Math.max(busiest, now - last);
    last = now;
  }, 1_000);
  return async () => {
    clearInterval(sampler);
    const ms = performance.now() - started;
    const cpuMsPerS = ((cpuMs(server.pid) - cpuBefore) * 1000) / ms;
    return { ms, cpuMsPerS, busiestSecondMs: busiest, inbox: await inboxOf(host, ms) };
  };
}

/**
 * How long the server takes to answer a request that touches nothing (a logout without a token:
 * refused before the body is read), asked every PROBE_GAP_MS, one at a time: a long answer is a stall
 * of its event loop, which a pop arriving then would wait out too.
 */
function probeServer(serverUrl: string): () => Promise<number[]> {
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const asked = performance.now();
      await simRequest(serverUrl, 'POST', '/api/v1/auth/logout').catch(() => undefined);
      const took = performance.now() - asked;
      times.push(took);
      await sleep(Math.max(0, PROBE_GAP_MS - took));
    }
  })();
  return async () => {
    running = false;
    await loop;
    return times;
  };
}

/** Runs the phase: what it measured, and the lines to print. */
export async function crowdPhase(options: CrowdOptions): Promise<CrowdResult> {
  const { sims, server, serverUrl, nextCaller, setStage } = options;
  const nodeNames = sims.names;
  const title = options.title ?? 'crowd';
  const agents = options.agents ?? CROWD_EXTENSIONS;
  const readyOrder = options.readyOrder ?? agents.slice(0, READIED);
  const callerCount = options.callers ?? CROWD_CALLERS;
  const callRate = options.callRate ?? CALL_RATE;
  const waitMs = options.waitMs ?? ANNOUNCE_MS;
  const setUpTimes = options.setUp ?? setUp;
  const several = nodeNames.length > 1;
  const phaseStarted = performance.now();
  let replaced = false;
  const check = () => {
    if (server.exit !== null && !replaced) throw new Error(`the server exited (${server.exit}) during the ${title} phase`);
  };

  // ---- Timestamps from the simulators' own event streams, on the machine's clock ----
  /** The callers in a holding bridge: when they entered it (as the simulators saw it) and on which node. */
  const held = new Map<string, { at: number; node: string }>();
  /** When, and on which node, each agent's phone last started ringing. */
  const ringAt = new Map<string, { at: number; node: string }>();
  const leftOver = (await sims.channels()).all;
  await sims.watch(agents, (event) => {
    if (event.type === 'held') held.set(event.channelId, { at: event.at, node: event.node });
    else if (event.type === 'unheld') held.delete(event.channelId);
    else ringAt.set(event.ext, { at: event.at, node: event.node });
  });

  // The desktops live in a process of their own (desk-host.ts): in this one they would slow the event
  // loop the bench's own timestamps are taken on.
  const host = await startDeskHost();
  const callers: { id: string; node: string }[] = [];
  const placedCallers: PlacedCaller[] = [];
  // A host that is gone has hung up its callers with it.
  const hangUp = ({ id, node }: { id: string; node: string }) => sims.hangUp(node, id).catch(() => undefined);
  // Registered before anything starts, so that a failure half-way still hangs up and closes what there is.
  atCleanUp(`the ${title} callers`, async () => {
    for (const caller of callers.splice(0)) {
      await hangUp(caller);
      await new Promise<void>((r) => setImmediate(r));
    }
  });
  atCleanUp(`the ${title} desktops`, async () => {
    await host.stop();
  });
  const clocks = { desks: await host.clockCheck(), sims: await sims.clockCheck() };

  // ---- The desktops, logged in and not ready ----
  setStage(`${title}: logins`);
  const offered = new Map<string, { at: number; callerNumber: string }>();
  host.onEvent = ({ ext, at, callerNumber }) => {
    if (!offered.has(ext)) offered.set(ext, { at, callerNumber });
  };
  const rssBeforeLogins = rssMb(server.pid);
  const loginStarted = performance.now();
  const logins = await host.request({ type: 'login', serverUrl, exts: agents, password: 'bench', concurrency: LOGIN_CONCURRENCY });
  const loginMs = performance.now() - loginStarted;
  check();
  if (logins.type !== 'logged-in') throw new Error(`the desktop host could not log in: ${logins.type === 'result' ? (logins.error ?? '') : logins.type}`);
  const loginFailure = logins.failure;
  const loggedIn = logins.loggedIn;
  const refusedSockets = logins.refused;
  const connected = loggedIn - refusedSockets;
  const notReady = logins.notReady;
  const rssAfterLogins = rssMb(server.pid);

  // ---- The callers into the queue, placed directly in the simulators (no HTTP session taken from the server's ARI pool) ----
  setStage(`${title}: filling the queue`);
  await sleep(500);
  const fill = await measure(server, host);
  const fillStarted = performance.now();
  const firstAt = Date.now();
  let notPlaced = 0;
  for (let i = 0; i < callerCount; i++) {
    const wait = fillStarted + (i * 1000) / callRate - performance.now();
    if (wait > 0) await sleep(wait);
    // Round-robin over the nodes: caller i arrives on node i mod n.
    const node = nodeNames[i % nodeNames.length];
    if (node === undefined) break;
    const number = nextCaller();
    try {
      callers.push({ id: await sims.placeCall(node, number, '12345'), node });
      placedCallers.push({ number, node });
    } catch {
      notPlaced += 1;
    }
  }
  const lastAt = Date.now();
  const placedMs = performance.now() - fillStarted;
  const placed = callers.length;
  await waitFor(() => held.size >= placed, `${placed} callers in the holding bridge`, 60_000).catch(() => undefined);
  const filled = await fill();
  const heldAfterFill = held.size;
  check();

  // ---- The crowd waits: one announcement period, so every caller hears their position once ----
  let waited: Window | null = null;
  let probeMs: number[] = [];
  let rssWaitStart = NaN;
  let rssWaitEnd = NaN;
  if (waitMs > 0) {
    setStage(`${title}: waiting`);
    rssWaitStart = rssMb(server.pid);
    const waiting = await measure(server, host);
    const probe = probeServer(serverUrl);
    await sleep(waitMs);
    probeMs = await probe();
    waited = await waiting();
    rssWaitEnd = rssMb(server.pid);
    check();
  }

  // ---- One agent after another made ready: each is offered the head of the line ----
  setStage(`${title}: agents made ready`);
  const readyAt = new Map<string, number>();
  const readied: string[] = [];
  const loopDelay = watchLoopDelay();
  // Counted afresh from here: the delays while the pops are timed.
  await Promise.all([sims.loopDelay(), host.loopDelay()]);
  const cpuBeforePops = cpuMs(server.pid);
  const popsStarted = performance.now();
  const commands: Promise<{ ok: boolean; error?: string }>[] = [];
  const numberOf = new Map(callers.map((c, i) => [c.id, placedCallers[i]?.number ?? '']));
  /** The node of the caller next in line for the agent made ready now, as far as the simulators show it. */
  const headNode = (): string | undefined => {
    const offeredNumbers = new Set([...offered.values()].map((o) => o.callerNumber));
    const line = [...held].filter(([id]) => !offeredNumbers.has(numberOf.get(id) ?? '')).sort(([, x], [, y]) => x.at - y.at);
    const pending = readied.filter((ext) => !offered.has(ext)).length;
    return line[pending]?.[1].node;
  };
  const picker: ReadyPicker = 'pickNext' in readyOrder ? readyOrder : { count: readyOrder.length, pickNext: (i) => readyOrder[i] };
  for (let i = 0; i < picker.count; i++) {
    const wait = popsStarted + i * READY_GAP_MS - performance.now();
    if (wait > 0) await sleep(wait);
    const ext = picker.pickNext(i, headNode());
    if (ext === undefined) break;
    readied.push(ext);
    readyAt.set(ext, machineMs());
    commands.push(host.request({ type: 'ready', ext }).then((r) => (r.type === 'result' ? r : { ok: false, error: r.type })));
  }
  const answers = await Promise.all(commands.map((c) => c.catch((error: unknown) => ({ ok: false, error: String(error) }))));
  const refused = answers.filter((a) => !a.ok).length;
  await waitFor(() => readied.every((ext) => offered.has(ext)), 'every readied agent offered a call', 10_000).catch(() => undefined);
  await sleep(500);
  loopDelay.stop();
  const [simsDelay, desksDelay] = await Promise.all([sims.loopDelay(), host.loopDelay()]);
  const cpuPerPop = (cpuMs(server.pid) - cpuBeforePops) / Math.max(1, offered.size);
  const callerNode = new Map(placedCallers.map((c) => [c.number, c.node]));
  const pops: number[] = [];
  const sameNodePops: number[] = [];
  const crossNodePops: number[] = [];
  const readyToOffered: number[] = [];
  /** Offers that came before their ring was timed (a ring timed late), and offers with no ring at all. */
  let offeredBeforeRing = 0;
  let offeredWithoutRing = 0;
  for (const ext of readied) {
    const offer = offered.get(ext);
    if (offer === undefined) continue;
    const ring = ringAt.get(ext);
    if (ring === undefined) offeredWithoutRing += 1;
    else if (ring.at > offer.at) offeredBeforeRing += 1;
    else {
      pops.push(offer.at - ring.at);
      // The phone rang on the agent's node: another node than the caller's means the trunk was crossed.
      (ring.node === callerNode.get(offer.callerNumber) ? sameNodePops : crossNodePops).push(offer.at - ring.at);
    }
    const ready = readyAt.get(ext);
    if (ready !== undefined) readyToOffered.push(offer.at - ready);
  }
  const popP99 = percentile(pops, 99);
  const rssPeak = peakRssMb(server.pid);
  check();
  if (options.beforeStop) {
    replaced = true;
    await options.beforeStop();
  }

  // ---- Stop: desktops first (an agent whose call then ends goes not ready, not ready again), then every caller ----
  setStage(`${title}: stopping`);
  const stopStarted = performance.now();
  await host.request({ type: 'close' });
  await sleep(200);
  for (const [i, caller] of callers.splice(0).entries()) {
    await hangUp(caller);
    // 500 a second: each call that ends is a commit on the server.
    if (i % 50 === 49) await sleep(100);
  }
  // The phase's channels: its callers, the legs to its phones and the trunk legs between the nodes
  // (an earlier phase may have left something of its own on a shared simulator).
  const phaseChannels = async () => (await sims.channels()).phase;
  const gone = await waitFor(async () => (await phaseChannels()) === 0, `the ${title} gone from the simulator`, 30_000).then(
    () => true,
    () => false,
  );
  // The desktops are closed: their host has nothing left to do (a later phase starts its own).
  await host.stop();
  const stopMs = performance.now() - stopStarted;
  const phaseMs = performance.now() - phaseStarted;
  check();

  const row = crowdRow;
  const pair = (values: number[]) => `${fixed(percentile(values, 50), 2)} / ${fixed(percentile(values, 99), 2)}`;
  const slowest = [...probeMs].sort((a, b) => b - a);
  const spread = several ? `, their phones registered spread over nodes ${nodeNames.join(', ')}` : '';
  const overNodes = several ? ` round-robin over the ${nodeNames.length} nodes` : '';
  const channelsLeft = gone ? 0 : await phaseChannels();
  const report = (extraRows: readonly string[] = [], extraLines: readonly string[] = []): string[] => [
    `${title}: ${connected} agent desktops connected (logged in, not ready)${spread}, ${placed} callers placed at ${callRate}/s to 12345${overNodes} and left waiting in the queue's holding bridge; then ${readied.length} agents made ready one at a time, ${READY_GAP_MS} ms apart, each offered the head of the line; times in ms`,
    '',
    '| measure | value |',
    '|---|---:|',
    row('pops counted', `${pops.length} of ${readied.length}`),
    row("pop latency p50 / p99 (the agent's phone rings → its desktop has call.offered)", pair(pops)),
    ...(several
      ? [
          row("pops on the caller's node / across the inter-node trunk", `${sameNodePops.length} / ${crossNodePops.length}`),
          row("pop latency p50 / p99 on the caller's node", pair(sameNodePops)),
          row("pop latency p50 / p99 across the trunk (the phone rings on the agent's node)", pair(crossNodePops)),
        ]
      : []),
    row('agent.ready sent → call.offered p50 / p99', pair(readyToOffered)),
    ...(waited
      ? [
          row(`server CPU while the crowd waits (${fixed(waited.ms / 1000, 0)} s: each caller told their position once)`, `${fixed(waited.cpuMsPerS, 0)} ms/s, busiest second ${fixed(waited.busiestSecondMs, 0)} ms`),
          row('server answer to a request touching nothing, meanwhile: p50 / max', `${fixed(percentile(probeMs, 50), 2)} / ${fixed(slowest[0] ?? NaN, 0)} (next slowest ${fixed(slowest[1] ?? NaN, 0)}, ${fixed(slowest[2] ?? NaN, 0)})`),
          row(`what the ${connected} desktops received while the crowd waited`, waited.inbox),
          row('… while the queue filled', filled.inbox),
        ]
      : [row(`what the ${connected} desktops received while the queue filled`, filled.inbox)]),
    row('server CPU filling the queue', `${fixed(filled.cpuMsPerS, 0)} ms/s, ${fixed((filled.cpuMsPerS * filled.ms) / 1000 / Math.max(1, placed), 2)} ms per call`),
    row('server CPU per pop', `${fixed(cpuPerPop, 2)} ms`),
    waited
      ? row('server RSS: before the logins / after / while the crowd waits / peak (whole run)', `${fixed(rssBeforeLogins, 0)} / ${fixed(rssAfterLogins, 0)} / ${fixed(rssWaitStart, 0)}–${fixed(rssWaitEnd, 0)} / ${fixed(rssPeak, 0)} MB`)
      : row('server RSS: before the logins / after / peak (whole run)', `${fixed(rssBeforeLogins, 0)} / ${fixed(rssAfterLogins, 0)} / ${fixed(rssPeak, 0)} MB`),
    ...extraRows,
    '',
    `target: pop latency p99 under ${POP_P99_GOAL_MS} ms ${options.targetContext ?? 'with the crowd'}: ${pops.length > 0 && popP99 < POP_P99_GOAL_MS ? 'met' : 'NOT met'} (${fixed(popP99, 2)} ms over ${pops.length} pops)`,
    ...extraLines,
    `set-up before the server started: ${agents.length} agents created in ${fixed(setUpTimes.agentsMs / 1000, 1)} s, their phones registered in ${fixed(setUpTimes.phonesMs / 1000, 1)} s`,
    `logins: ${loggedIn} in ${fixed(loginMs / 1000, 1)} s, ${LOGIN_CONCURRENCY} at a time (an argon2 verification each; passwords.ts hashes with fixed parameters); ${notReady} desktops said hello not ready${loginFailure ? `; logins stopped at the first that failed (${loginFailure})` : ''}${refusedSockets > 0 ? `; ${refusedSockets} sockets closed by the server at once (its socket limit, softphone-bridge/ws-limits.ts)` : ''}`,
    `queue: ${placed} placed in ${fixed(placedMs / 1000, 1)} s${notPlaced ? `, ${notPlaced} refused by the simulator` : ''}; ${heldAfterFill} in the holding bridge ${fixed((filled.ms - placedMs) / 1000, 1)} s after the last`,
    `agents made ready: their calls (answered at once by the phones) stay up until the phase ends, as this server child has no wrap-up and an agent whose call ended would be ready again at once; ${refused} of ${readied.length} ready commands refused`,
    ...sanityLines({
      offered: offered.size,
      beforeRing: offeredBeforeRing,
      withoutRing: offeredWithoutRing,
      where: sims.where,
      several,
      simsDelay,
      desksDelay,
      benchDelay: loopDelay.figures(),
      clocks,
    }),
    `stopping: desktops closed and callers hung up in ${fixed(stopMs / 1000, 1)} s${gone ? '' : ` (${channelsLeft} of the ${title}'s channels were still there after 30 s)`}${leftOver > 0 ? `; the simulator had ${leftOver} channels of before when the phase began` : ''}`,
    `${title} phase: ${fixed(phaseMs / 1000, 0)} s (logins ${fixed(loginMs / 1000, 0)} s, filling the queue ${fixed(filled.ms / 1000, 0)} s, ${waited ? `waiting ${fixed(waited.ms / 1000, 0)} s, ` : ''}agents made ready ${fixed((stopStarted - popsStarted) / 1000, 0)} s, stopping ${fixed(stopMs / 1000, 0)} s)`,
    '',
  ];
  return { report, callers: placedCallers, fill: { firstAt, lastAt } };
}

interface Sanity {
  offered: number;
  beforeRing: number;
  withoutRing: number;
  where: string;
  several: boolean;
  simsDelay: { p99Ms: number; maxMs: number };
  desksDelay: { p99Ms: number; maxMs: number };
  benchDelay: { p99Ms: number; maxMs: number };
  clocks: { desks: ClockCheck; sims: ClockCheck | null };
}

/**
 * Whether the pops can be trusted: a pop that arrived before its ring was timed means the ring was
 * timed late (its process was busy), which makes every pop look shorter; so should a busy event loop
 * where the rings are timed. The clocks: every process times on the machine's monotonic clock, and a
 * ping checks it.
 */
function sanityLines(s: Sanity): string[] {
  const delay = (d: { p99Ms: number; maxMs: number }) => `${fixed(d.p99Ms, 1)} / ${fixed(d.maxMs, 1)} ms`;
  const clock = (c: ClockCheck) => `${fixed(c.offsetMs, 3)} ms (ping round trip ${fixed(c.roundTripMs, 3)} ms)`;
  const simulators = s.several ? 'the simulators' : 'the simulator';
  const simulatorsOf = s.several ? "the simulators'" : "the simulator's";
  // Simulators in the bench process have no clock of their own, and their delay is the bench's.
  const apart = s.clocks.sims !== null;
  return [
    `sanity: ${s.beforeRing} of ${s.offered} pops arrived before their ring was timed${s.beforeRing > 0 ? ` (${simulators} timed those rings late: the figures flatter the server)` : ''}${s.withoutRing > 0 ? `, ${s.withoutRing} with no ring seen` : ''}; event-loop delay p99 / max of ${simulatorsOf} process (${s.where}) while the agents were made ready: ${delay(s.simsDelay)}`,
    `  meanwhile the desktop host's event-loop delay ${delay(s.desksDelay)}${apart ? `, the bench process's ${delay(s.benchDelay)}` : ''}; clocks against the bench's: the desktop host ${clock(s.clocks.desks)}${s.clocks.sims ? `, ${simulatorsOf} host ${clock(s.clocks.sims)}` : ''}`,
  ];
}
