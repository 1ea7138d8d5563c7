/**
 * The fault matrix across two Asterisk nodes: every call crosses the inter-node trunk. Node a and
 * node b are two simulators joined by a trunk, behind one server (a real child process, CTI_NODES).
 * Agent 1001's phone is registered on node a, agent 1002's on node b. In each cell one caller dials
 * in on node a and is answered by 1002 (on node b), and one dials in on node b and is answered by
 * 1001 (on node a): the caller's bridge is on the caller's node, with the trunk leg to the agent's
 * node, where the agent's phone talks to the trunk's incoming leg.
 *
 * Faults (rows): the AMI link to node a dropped, the ARI event socket of node b dropped, node b
 * restarted (back within a second, before the server would take it as lost: reconciled as a restarted
 * Asterisk), the server killed with kill -9 and started again on the same database (a caller dialling
 * in on node a meanwhile goes through the survival path and is imported), and the active server
 * killed while a standby waits on the same PostgreSQL database (`takeover`).
 * Phases (columns): greeting, IVR menu, queued (no agent ready: one caller on each node), an agent's
 * phone ringing, bridged, on hold, consulting a department contact, a three-way call.
 *
 * The matrix runs as several test files, `test/cti/fault-matrix-nodes-….test.ts`, each one or more
 * rows (`faultMatrixNodesCells`) on a world of its own per row, so that they run in parallel; the
 * whole matrix is printed once all have run (matrix-report.ts).
 *
 * Each cell checks, over both nodes, the same picture as the one-node matrix: one call row and one
 * ticket per caller; each caller served (talking to their agent over the trunk, the desktop on_call,
 * the row connected), waiting in the queue's holding bridge with music, handed over to the department
 * they were being put through to, or accounted for (closed answered, or abandoned and on the
 * missed-call list once); no leak on either node; no agent ringing or on_call without a reason. Then
 * the world goes on, everyone hangs up, nothing is left and the ledger holds.
 *
 * What each caller should come to (see `expected`): link drops and server faults keep everyone. A
 * restart of node b takes node b's calls with it (closed answered if an agent had them, else on the
 * missed-call list). A caller on node a whose agent's phone was on node b did nothing wrong: the
 * trunk leg ends with a line-failure cause, and the caller goes back in line at their old place and
 * is served by the agent on node a once that one is free; in a consultation the agent's line failing
 * completes the transfer (the department takes the caller), and in a three-way call the caller stays
 * with the third party.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOpenCalls } from '../../store/index.js';
import {
  AGENT_PHASES,
  DIALLED,
  DIALLED_QUEUE,
  FAULT_MATRIX_ENV,
  FAULT_MATRIX_SIM,
  FAULTS,
  PHASES,
  prepareFaultMatrix,
  type Fault,
  type Phase,
} from './fault-matrix-setup.js';
import { endAll, isQueueBridge } from './fault-matrix-end.js';
import { checkCallerBasics, checkOutageCallers, checkSeats, isAgentPhone, pbxNow, phoneOf, seatOf, undoAgentStep } from './fault-matrix-caller.js';
import { FaultWorld, type SimChannel } from './fault-world.js';
import { matrixPart, type TakeoverTimes } from './matrix-report.js';
import { placeCall, simRequest, waitFor } from './sim-client.js';
import { awaitServerBuild } from './server-process.js';

export type { Fault, Phase };
type Node = 'a' | 'b';
/**
 * What became of a caller: S served by an agent, W waiting in the queue, T talking to the department
 * they were being put through to, A gone and closed answered, M gone and on the missed-call list.
 */
type Outcome = 'S' | 'W' | 'T' | 'A' | 'M';

const NODES: Node[] = ['a', 'b'];
/** The agent who answers a caller on this node: the one whose phone is on the other node. */
const AGENT_FOR: Record<Node, string> = { a: '1002', b: '1001' };
/** Where each agent's phone is registered. */
const PHONE_NODE: Record<string, Node> = { '1001': 'a', '1002': 'b' };
const SEATS = Object.keys(PHONE_NODE);
const other = (node: Node): Node => (node === 'a' ? 'b' : 'a');
/** The node each fault strikes (kill-9 and takeover strike the server; the outage caller dials node a). */
const STRUCK: Record<Fault, Node | null> = { 'drop-ami': 'a', 'drop-ari': 'b', 'pbx-restart': 'b', 'kill-9': null, takeover: null };

/** The expected outcome of the caller on `node`: see the file's comment. */
function expected(fault: Fault, phase: Phase, node: Node): Outcome {
  const agentPhase = AGENT_PHASES.includes(phase);
  if (fault !== 'pbx-restart') return agentPhase ? 'S' : 'W';
  if (node === 'b') return agentPhase && phase !== 'ringing' ? 'A' : 'M';
  if (!agentPhase) return 'W';
  return phase === 'consulting' || phase === 'three-way' ? 'T' : 'S';
}

/**
 * Whether each caller served is still with the agent across the trunk they had before the fault:
 * through a link drop, and through a server restart once answered. Not after node b's restart (the
 * caller put back in line goes to whichever agent is free first), nor for a ring outstanding when
 * the server died: the new server takes the ring back and offers the caller again, and the agents,
 * pressing 示闲 again one after the other, may each get the caller on their own node.
 */
function sameAgentAfter(fault: Fault, phase: Phase): boolean {
  if (!AGENT_PHASES.includes(phase) || fault === 'pbx-restart') return false;
  return !(phase === 'ringing' && (fault === 'kill-9' || fault === 'takeover'));
}

/** Distinct, valid mobile numbers per fault, phase, node and caller (the outage caller is 50). */
const numberOf = (fault: Fault, phase: Phase, node: Node, i: number) => `1${3 + FAULTS.indexOf(fault)}${PHASES.indexOf(phase)}${NODES.indexOf(node)}${String(i).padStart(7, '0')}`;

/** The 12333 notice lasts 1.25 s of wall time here: the faults strike while it plays, and a cell need not wait longer. */
const SIM = { core: { soundDurations: { ...FAULT_MATRIX_SIM.core.soundDurations, 'notice-merged-12333': 25 } } };

async function startWorld(standby: boolean): Promise<FaultWorld> {
  const world = await FaultWorld.start({ env: FAULT_MATRIX_ENV, sim: SIM, prepare: prepareFaultMatrix, seats: SEATS, standby, nodes: NODES });
  await registerPhones(world, NODES);
  return world;
}

/** The agents' phones on their nodes, and each node's trunk to the outside (the department contacts), answering by themselves. */
async function registerPhones(w: FaultWorld, nodes: Node[]): Promise<void> {
  for (const node of nodes) {
    for (const login of SEATS.filter((s) => PHONE_NODE[s] === node)) await w.phone(login, 'auto', true, node);
    await w.phone('trunk', 'auto', true, node);
  }
}

// ---- the picture of both nodes, the server's rows and the desktops ----

interface Picture {
  outcomes: Map<string, Outcome>;
  /** The agent talking to each caller who is served. */
  servedBy: Map<string, string>;
  problems: string[];
}

/** The trunk leg between two nodes, on either side: `PJSIP/internode-<other node>-…`. */
const isTrunkLeg = (c: SimChannel) => c.name.startsWith('PJSIP/internode-');
const isOutsideLeg = (c: SimChannel) => c.name.startsWith('PJSIP/trunk-');

async function picture(w: FaultWorld, callers: string[], outage: string[] = []): Promise<Picture> {
  const { channels, bridges, byId, bridgeOf } = await pbxNow(w);
  const problems: string[] = [];
  const outcomes = new Map<string, Outcome>();
  const servedBy = new Map<string, string>();
  const describe = (c: SimChannel) => `${c.node}:${c.name} [${c.state}] in ${bridgeOf.get(c.id)?.name || (bridgeOf.get(c.id) ? 'a bridge' : 'no bridge')} hearing ${c.hears.join(',') || 'nothing'}`;
  const servedPhones = new Set<string>();
  const mutual = (x: SimChannel, y: SimChannel) => x.hears.includes(y.id) && y.hears.includes(x.id);

  /**
   * The agent's phone on the far node talking over the trunk: Up, in a bridge with the trunk's
   * incoming leg from the caller's node (the far node's Dial() bridged them).
   */
  const farPhone = (login: string, callerNode: string): SimChannel | undefined =>
    channels.find((c) => {
      if (phoneOf(c) !== login || c.node === callerNode || c.state !== 'Up') return false;
      const peers = bridgeOf.get(c.id)?.channelIds.map((id) => byId.get(id)) ?? [];
      return peers.some((p) => p && p.id !== c.id && p.name.startsWith(`PJSIP/internode-${callerNode}-`) && p.state === 'Up' && mutual(c, p));
    });

  for (const id of callers) {
    const left = await checkCallerBasics(w, id, { byId, bridgeOf, describe }, problems, (outcome) => outcomes.set(id, outcome));
    if (!left) continue;
    const { row, ch, bridge } = left;
    const party = bridge?.channelIds.map((c) => byId.get(c)).filter((c): c is SimChannel => c !== undefined && c.id !== id) ?? [];
    const [only] = party;
    const talking = bridge !== undefined && bridge.bridgeType !== 'holding' && party.length === 1 && only !== undefined && only.state === 'Up' && mutual(ch, only);
    if (talking && (isAgentPhone(only) || isTrunkLeg(only))) {
      // An agent on the caller's own node, or one on the far node over the trunk.
      const login = isAgentPhone(only) ? phoneOf(only) : SEATS.find((s) => PHONE_NODE[s] !== ch.node && w.seat(s).answered().includes(id) && farPhone(s, ch.node));
      const far = login !== undefined && isTrunkLeg(only) ? farPhone(login, ch.node) : undefined;
      const seat = login === undefined ? undefined : w.seats.get(login);
      if (login === undefined || (isTrunkLeg(only) && !far)) problems.push(`${row.callerNumber}: with ${describe(only)} but no agent's phone talks at the far end`);
      else if (row.state !== 'connected') problems.push(`${row.callerNumber}: talking to ${login} but the row says ${row.state}`);
      else if (seat && seat.state() !== 'on_call') problems.push(`${row.callerNumber}: talking to ${login} whose desktop says ${seat.state() ?? '?'}`);
      else {
        servedPhones.add(login);
        servedBy.set(id, login);
        outcomes.set(id, 'S');
      }
      continue;
    }
    if (talking && isOutsideLeg(only)) {
      if (row.state !== 'connected') problems.push(`${row.callerNumber}: with the department but the row says ${row.state}`);
      else outcomes.set(id, 'T');
      continue;
    }
    problems.push(`${row.callerNumber} (row ${row.state}): ${describe(ch)}${party.length ? ` with ${party.map(describe).join('; ')}` : ''}`);
  }

  // The survival-path caller (the server was down): in Asterisk's queue on node a, or talking to an agent's phone.
  checkOutageCallers(outage, { byId, bridgeOf, describe }, problems, servedPhones);

  // Leaks on either node: every channel in a bridge (but callers placed), no bridge alone or empty.
  const callerIds = new Set([...callers, ...outage]);
  for (const c of channels) if (!bridgeOf.has(c.id) && !callerIds.has(c.id)) problems.push(`leak: ${describe(c)} outside any bridge`);
  const holding = new Set<string>();
  for (const b of bridges) {
    if (isQueueBridge(b)) {
      if (holding.has(`${b.node}:${b.name}`)) problems.push(`leak: a second holding bridge ${b.name} on node ${b.node}`);
      holding.add(`${b.node}:${b.name}`);
      continue;
    }
    if (b.channelIds.length < 2) problems.push(`leak: bridge ${b.name || b.id} (${b.bridgeType}) on node ${b.node} with ${b.channelIds.length} channel(s)`);
  }

  checkSeats(w, channels, { byId, bridgeOf, describe }, servedPhones, problems);

  // No row in progress without its caller on a node.
  for (const open of await listOpenCalls(w.db)) if (!byId.has(open.channelId)) problems.push(`row ${open.linkedId} (${open.callerNumber}) ${open.state} with no caller on any node`);
  return { outcomes, servedBy, problems };
}

/**
 * Waits until the picture holds (every caller accounted for, no leak) with the outcomes expected,
 * and returns it; one that holds with other outcomes is returned when the time is up (the caller
 * of this compares). Waiting is itself an outcome on the way to being served again, so a picture
 * that holds is not yet the end of the story.
 */
async function settled(w: FaultWorld, callers: string[], outage: string[], expected: Outcome[], timeoutMs = 25_000): Promise<Picture> {
  let last: Picture | undefined;
  const holds = (p: Picture) => p.problems.length === 0 && p.outcomes.size === callers.length;
  try {
    return await waitFor(async () => {
      last = await picture(w, callers, outage);
      return holds(last) && callers.every((id, i) => last?.outcomes.get(id) === expected[i]) ? last : undefined;
    }, 'the picture to settle', timeoutMs);
  } catch {
    if (last && holds(last)) return last;
    throw new Error(`not settled:\n  ${last?.problems.join('\n  ') ?? ''}\n--- server log ---\n${w.logTail(40)}`);
  }
}

/** Agents back to 示忙 and phones answering by themselves on their nodes, for the next cell. */
async function resetSeats(w: FaultWorld): Promise<void> {
  for (const seat of w.seats.values()) {
    const state = seat.state();
    if (state === 'ready' || state === 'wrap_up') await seat.command('agent.notReady', { reason: '测试' });
    await w.phone(seat.login, 'auto', true, PHONE_NODE[seat.login]);
  }
  await waitFor(() => [...w.seats.values()].every((s) => s.state() === 'not_ready'), 'agents not ready', 10_000);
}

// ---- one cell ----

async function rowState(w: FaultWorld, id: string, states: string[], what: string): Promise<void> {
  await waitFor(async () => states.includes((await w.row(id))?.state ?? ''), `${id} ${what}`, 15_000);
}

/**
 * Brings one caller on each node into `phase`; returns their channel ids by node. With an agent, the
 * callers come one at a time and only the agent on the other node is made ready for each (the ACD
 * prefers an agent on the caller's node): every call crosses the trunk.
 */
async function setUp(w: FaultWorld, fault: Fault, phase: Phase): Promise<Record<Node, string>> {
  const ids = {} as Record<Node, string>;
  if (!AGENT_PHASES.includes(phase)) {
    for (const node of NODES) ids[node] = await placeCall(w.simOf(node).httpUrl, numberOf(fault, phase, node, 0), DIALLED[phase]);
    for (const node of NODES) {
      const id = ids[node];
      if (phase === 'greeting') {
        await waitFor(async () => (await w.channels(node)).find((c) => c.id === id)?.hearing === 'sound:notice-merged-12333', 'the notice playing', 10_000);
        expect((await w.row(id))?.state).toBe('arriving');
      } else await rowState(w, id, [phase === 'ivr' ? 'ivr' : 'queued'], phase === 'ivr' ? 'in the menu' : 'queued');
    }
    return ids;
  }
  for (const node of NODES) {
    const login = AGENT_FOR[node];
    const seat = w.seat(login);
    await w.phone(login, phase === 'ringing' ? 'manual' : 'auto', true, other(node));
    expect(await seat.command('agent.ready')).toMatchObject({ ok: true });
    const id = await placeCall(w.simOf(node).httpUrl, numberOf(fault, phase, node, 0), DIALLED[phase]);
    ids[node] = id;
    if (phase === 'ringing') {
      await waitFor(async () => seat.state() === 'ringing' && (await w.channels(other(node))).some((c) => phoneOf(c) === login && c.state === 'Ringing'), `${login} ringing on node ${other(node)}`, 10_000);
      continue;
    }
    await rowState(w, id, ['connected'], 'answered');
    await waitFor(() => seat.answered().includes(id), `${login}'s desktop told of ${id}`, 10_000);
    if (phase === 'held') {
      expect(await seat.command('call.hold', { callId: id })).toMatchObject({ ok: true });
      await rowState(w, id, ['held'], 'held');
    } else if (phase === 'consulting') {
      expect(await seat.command('call.transfer', { callId: id, target: { kind: 'contact', contactId: 1 }, mode: 'attended' })).toMatchObject({ ok: true });
      await waitFor(async () => (await w.bridges(node)).some((b) => b.name === `consult-${id}` && b.channelIds.length === 2), 'the agent talking to the contact', 10_000);
      expect((await w.row(id))?.state).toBe('consulting');
    } else if (phase === 'three-way') {
      expect(await seat.command('call.conference', { callId: id, target: { kind: 'contact', contactId: 2 } })).toMatchObject({ ok: true });
      await waitFor(async () => (await w.bridges(node)).find((b) => b.name === `call-${id}`)?.channelIds.length === 3, 'three parties in the bridge', 10_000);
    }
  }
  return ids;
}

/**
 * Strikes; for kill -9, a caller dials in on node a while the server is down. Returns that caller's
 * channel id. A takeover's times go to `takeovers`.
 */
async function strike(w: FaultWorld, fault: Fault, outageNumber: string, takeovers: TakeoverTimes[]): Promise<string[]> {
  const passes = w.count('reconciled with the PBX');
  const amiConnects = w.count('AMI connected');
  const node = STRUCK[fault];
  switch (fault) {
    case 'drop-ami':
      await w.fault('drop-ami', undefined, node ?? 'a');
      await w.waitRecovered({ amiConnects });
      return [];
    case 'drop-ari':
      await w.fault('drop-ari', undefined, node ?? 'b');
      await w.waitRecovered({ passes });
      return [];
    case 'pbx-restart':
      // Shorter than the server's node-lost time: reconciled like a restarted Asterisk.
      await w.fault('restart', 1000, node ?? 'b');
      await w.waitRecovered({ passes, amiConnects });
      // The phones and the outside trunk register again once node b is back.
      await registerPhones(w, ['b']);
      return [];
    case 'kill-9': {
      await w.kill9();
      const id = await placeCall(w.simOf('a').httpUrl, outageNumber, DIALLED_QUEUE);
      // It reaches Asterisk's queue on node a (answered by a free phone there, or waiting with music), then hangs up.
      await waitFor(async () => {
        const ch = (await w.channels('a')).find((c) => c.id === id);
        return ch?.dialplan.context === 'hotline-outage' && ch.dialplan.app === 'Queue';
      }, 'the caller in the survival queue', 10_000);
      await w.hangup(id);
      const astdb = w.simOf('a').core.astdb;
      await waitFor(() => astdb.get('cti-outage', id)?.includes('&done=1'), 'the survival path record complete', 10_000);
      await w.restart();
      await waitFor(() => astdb.keys('cti-outage').length === 0, 'the outage record imported', 15_000);
      return [id];
    }
    case 'takeover':
      takeovers.push(await w.takeover());
      return [];
  }
}

/** The world goes on after the fault: see the one-node matrix. */
async function resume(w: FaultWorld, fault: Fault, phase: Phase, ids: Record<Node, string>): Promise<void> {
  // Phones answer by themselves from now on (a caller put back in line is offered again).
  for (const login of SEATS) await w.phone(login, 'auto', true, PHONE_NODE[login]);
  if (phase === 'ringing') {
    for (const login of SEATS) {
      const node = PHONE_NODE[login] ?? 'a';
      if ((await w.channels(node)).some((c) => phoneOf(c) === login && c.state === 'Ringing')) await simRequest(w.simOf(node).httpUrl, 'POST', `/sim/endpoints/PJSIP/${login}/answer`);
    }
    // After a server restart the agents who were taking calls press 示闲 again.
    if (fault === 'kill-9' || fault === 'takeover') for (const login of SEATS) if (w.seat(login).state() === 'not_ready') expect(await w.seat(login).command('agent.ready')).toMatchObject({ ok: true });
  }
  const live = new Set((await w.channels()).map((c) => c.id));
  for (const node of NODES) {
    const id = ids[node];
    if (!live.has(id)) continue;
    const state = (await w.row(id))?.state;
    const seat = seatOf(w, id);
    if (phase === 'ivr' && state === 'ivr') await simRequest(w.simOf(node).httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });
    if (!seat) continue;
    await undoAgentStep(seat, state, id);
  }
}

// ---- the matrix ----

const key = (fault: Fault, phase: Phase) => `${fault}|${phase}`;
const ALL_KEYS = FAULTS.flatMap((fault) => PHASES.map((phase) => key(fault, phase)));

function matrixLines(cells: Record<string, string>, faults: Fault[]): string[] {
  const width = 14;
  const pad = (s: string, n = width) => s + ' '.repeat(Math.max(0, n - [...s].length));
  return [
    `fault matrix across nodes a and b (cell: caller on a, caller on b; S served over the trunk, W waiting in the queue, T with the department, A closed answered, M missed-call list, +O a survival-path caller on a imported)`,
    pad('fault \\ phase', 14) + PHASES.map((p) => pad(p)).join(''),
    ...faults.map((fault) => pad(fault, 14) + PHASES.map((phase) => pad(cells[key(fault, phase)] ?? '—')).join('')),
  ];
}

/**
 * The cells of one fault's row, on a world of their own: the test file's part of the matrix. Prints
 * its cells, and the whole matrix if it completes it.
 */
export function faultMatrixNodesCells(fault: Fault): void {
  awaitServerBuild();
  const cellKeys = PHASES.map((phase) => key(fault, phase));
  const { results, takeovers } = matrixPart('fault-matrix-nodes', fault, cellKeys, ALL_KEYS, (cells, whole) => matrixLines(cells, whole ? FAULTS : [fault]));

  describe(`fault across nodes: ${fault}`, () => {
    let w: FaultWorld;
    beforeAll(async () => {
      w = await startWorld(fault === 'takeover');
    }, 60_000);
    afterAll(async () => {
      await w.stop();
    });

    for (const phase of PHASES) {
      it(phase, { timeout: 90_000 }, async () => {
        results.set(key(fault, phase), '✗');
        try {
          const ids = await setUp(w, fault, phase);
          const outage = await strike(w, fault, numberOf(fault, phase, 'a', 50), takeovers);
          await resume(w, fault, phase, ids);
          const callers = NODES.map((n) => ids[n]);
          const want = NODES.map((n) => expected(fault, phase, n));
          const got = await settled(w, callers, outage, want);
          expect(NODES.map((n) => got.outcomes.get(ids[n]))).toEqual(want);
          if (sameAgentAfter(fault, phase)) expect(NODES.map((n) => got.servedBy.get(ids[n]))).toEqual(NODES.map((n) => AGENT_FOR[n]));
          await endAll(w, callers, outage);
          const imported = await w.countRows(outage, (r) => r.duringOutage);
          results.set(key(fault, phase), `✓${want.join('')}${imported ? `+${imported}O` : ''}`);
        } catch (error) {
          w.keepLogOfFailedCell(`nodes-${fault}-${phase}`);
          throw error;
        } finally {
          // Whatever happened, the next cell starts from empty nodes and idle agents.
          for (const c of await w.channels()) await w.hangup(c.id);
          await waitFor(async () => (await w.channels()).length === 0, 'empty nodes', 15_000).catch(() => undefined);
          await resetSeats(w).catch(() => undefined);
        }
      });
    }
  });
}
