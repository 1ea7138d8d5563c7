/**
 * The fault matrix: every fault the server must live through × the phase a call is in when it strikes
 * × how many calls are in that phase at once (1 and a burst of 4), each cell checked the same way.
 *
 * Faults (rows): the AMI link dropped, the ARI event socket dropped, Asterisk restarted (every call
 * vanishes without an event), and the server killed with kill -9 and started again on the same
 * database (a real child process; calls placed while it is down go through the dialplan's survival
 * path and are imported when it is back), and the active server killed with kill -9 while a standby
 * waits on the same PostgreSQL database (`takeover`: the standby takes the lock, reconciles and
 * serves; the desktops reconnect to it; the time from the kill is printed with the matrix).
 * Phases (columns): greeting, IVR menu, queued, an agent's phone ringing, bridged with the agent, on
 * hold, the agent consulting a department contact (attended transfer), a three-way call.
 *
 * Every cell, once things settle:
 *  - each caller placed has exactly one call row and one ticket; no row is left in progress without
 *    a caller on the PBX, and once the callers hang up no row is in progress at all;
 *  - each caller is served (bridged with an agent, whose desktop says on_call), still correctly
 *    waiting (in the queue's holding bridge with music, as the simulator sees it), or accounted for:
 *    gone and closed answered, or gone unanswered and on the missed-call list (one pending entry per
 *    number) — and which of these is the one expected for the fault and phase (table below);
 *  - agents are in a legal state: nobody ringing without a ringing phone, nobody on_call without a
 *    caller in their bridge, and nobody ringing or on_call once the calls are over;
 *  - no bridge or channel leaks: no channel alone outside a bridge, no mixing bridge with one
 *    channel, no empty bridge but the queue's own holding bridge (one per skill, kept for the next
 *    caller); nothing at all once the callers hung up.
 * After the fault the world goes on as it would: phones answer, agents who were ready press 示闲
 * again after a server restart, a caller in the menu presses 1, and the agent of a held,
 * consulting or three-way call resumes / cancels the consultation / drops the third party from the
 * desktop (which must still work).
 *
 * The matrix runs as several test files, `test/cti/fault-matrix-<fault>….test.ts`, each a row or
 * part of one (`faultMatrixCells`), so that they run in parallel; the whole matrix is printed once
 * all have run (matrix-report.ts). One simulator and one server per file; its cells run one after
 * another and are kept apart by distinct caller numbers and by ending every call before the next cell.
 *
 * `test/cti/fault-matrix-measured.test.ts` is the measured scenario: 50 calls at a steady pace,
 * 5 agents answering automatically, the server killed with kill -9 after the 25th and started again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOpenCalls, listSkills, updateAgent, findAgentByLogin, type Db } from '../../store/index.js';
import {
  AGENT_PHASES,
  DIALLED,
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
/** What became of a caller: S served, W waiting in the queue, A gone and closed answered, M gone and on the missed-call list. */
type Outcome = 'S' | 'W' | 'A' | 'M';

const BURSTS = [1, 4];
export const SEATS = ['1001', '1002', '1003', '1004', '1005'];

/**
 * The expected outcome. In the greeting, menu and queue phases no agent is ready, so the callers
 * end up waiting. A PBX restart takes every call with it: "served" cannot apply there, a caller is
 * accounted for instead — closed answered if an agent had them, else on the missed-call list.
 */
function expected(fault: Fault, phase: Phase): Outcome {
  const agentHadThem = ['bridged', 'held', 'consulting', 'three-way'].includes(phase);
  if (fault === 'pbx-restart') return agentHadThem ? 'A' : 'M';
  return AGENT_PHASES.includes(phase) ? 'S' : 'W';
}

/** Distinct, valid mobile numbers per fault, phase, burst and caller (outage callers from 50). */
const numberOf = (fault: Fault, phase: Phase, burst: number, i: number) =>
  `1${3 + FAULTS.indexOf(fault)}${PHASES.indexOf(phase)}${burst}${String(i).padStart(7, '0')}`;

/** The configuration every row starts from (written before the server's first start). */
async function prepare(db: Db): Promise<void> {
  const general = (await listSkills(db)).find((s) => s.code === 'general');
  const market = (await listSkills(db)).find((s) => s.code === 'market-12315');
  const agent1004 = await findAgentByLogin(db, '1004');
  if (!general || !market || !agent1004) throw new Error('demo data missing');
  // Five agents for the general line (1004 also takes 12345 calls).
  await updateAgent(db, agent1004.id, { skills: [{ skillId: market.id, level: 9 }, { skillId: general.id, level: 5 }] });
  await prepareFaultMatrix(db);
}

const SIM = FAULT_MATRIX_SIM;
const ENV = FAULT_MATRIX_ENV;

export async function startWorld(standby = false): Promise<FaultWorld> {
  const world = await FaultWorld.start({ env: ENV, sim: SIM, prepare, seats: SEATS, standby });
  for (const s of SEATS) await world.phone(s, 'auto');
  await world.phone('trunk', 'auto');
  return world;
}

// ---- the picture of the PBX, the server's rows and the desktops ----

interface Picture {
  outcomes: Map<string, Outcome>;
  problems: string[];
}

export { isAgentPhone, phoneOf };

async function picture(w: FaultWorld, callers: string[], outage: string[] = []): Promise<Picture> {
  const { channels, bridges, byId, bridgeOf } = await pbxNow(w);
  const problems: string[] = [];
  const outcomes = new Map<string, Outcome>();
  const describe = (c: SimChannel) => `${c.name} [${c.state}] in ${bridgeOf.get(c.id)?.name ?? 'no bridge'} hearing ${c.hears.join(',') || 'nothing'}`;
  const servedPhones = new Set<string>();

  for (const id of callers) {
    const left = await checkCallerBasics(w, id, { byId, bridgeOf, describe }, problems, (outcome) => outcomes.set(id, outcome));
    if (!left) continue;
    const { row, ch, bridge } = left;
    const party = bridge?.channelIds.map((c) => byId.get(c)).filter((c): c is SimChannel => c !== undefined && c.id !== id) ?? [];
    const agentLeg = party.find(isAgentPhone);
    if (bridge && bridge.bridgeType !== 'holding' && party.length === 1 && agentLeg && agentLeg.state === 'Up' && ch.hears.includes(agentLeg.id) && agentLeg.hears.includes(id)) {
      const login = phoneOf(agentLeg) ?? '?';
      servedPhones.add(login);
      const seat = w.seats.get(login);
      if (row.state !== 'connected') problems.push(`${row.callerNumber}: talking to ${login} but the row says ${row.state}`);
      else if (seat && seat.state() !== 'on_call') problems.push(`${row.callerNumber}: talking to ${login} whose desktop says ${seat.state() ?? '?'}`);
      else outcomes.set(id, 'S');
      continue;
    }
    problems.push(`${row.callerNumber} (row ${row.state}): ${describe(ch)}${party.length ? ` with ${party.map(describe).join('; ')}` : ''}`);
  }

  // Survival-path callers (the server was down): in Asterisk's queue, or talking to an agent's phone.
  checkOutageCallers(outage, { byId, bridgeOf, describe }, problems, servedPhones);

  // Leaks: every channel in a bridge (but callers placed, still in the dialplan), no bridge alone or empty.
  const callerIds = new Set([...callers, ...outage]);
  for (const c of channels) {
    if (!bridgeOf.has(c.id) && !callerIds.has(c.id)) problems.push(`leak: ${describe(c)} outside any bridge`);
  }
  const holdingNames = new Set<string>();
  for (const b of bridges) {
    if (isQueueBridge(b)) {
      if (holdingNames.has(b.name)) problems.push(`leak: a second holding bridge ${b.name}`);
      holdingNames.add(b.name);
      continue;
    }
    if (b.channelIds.length < 2) problems.push(`leak: bridge ${b.name || b.id} (${b.bridgeType}) with ${b.channelIds.length} channel(s)`);
  }

  checkSeats(w, channels, { byId, bridgeOf, describe }, servedPhones, problems);

  // No row in progress without its caller on the PBX.
  for (const open of await listOpenCalls(w.db)) if (!byId.has(open.channelId)) problems.push(`row ${open.linkedId} (${open.callerNumber}) ${open.state} with no caller on the PBX`);
  return { outcomes, problems };
}

/** Waits until the picture holds (every caller placed accounted for, no leak); returns it. */
async function settled(w: FaultWorld, callers: string[], outage: string[] = [], timeoutMs = 25_000): Promise<Picture> {
  let last: Picture | undefined;
  try {
    return await waitFor(async () => {
      last = await picture(w, callers, outage);
      return last.problems.length === 0 && last.outcomes.size === callers.length ? last : undefined;
    }, 'the picture to settle', timeoutMs);
  } catch {
    throw new Error(`not settled:\n  ${last?.problems.join('\n  ') ?? ''}\n--- server log ---\n${w.logTail(40)}`);
  }
}

/** Agents back to 示忙 and phones answering by themselves, for the next cell. */
async function resetSeats(w: FaultWorld): Promise<void> {
  for (const seat of w.seats.values()) {
    const state = seat.state();
    if (state === 'ready' || state === 'wrap_up') await seat.command('agent.notReady', { reason: '测试' });
    await w.phone(seat.login, 'auto');
  }
  await waitFor(() => [...w.seats.values()].every((s) => s.state() === 'not_ready'), 'agents not ready', 10_000);
}

// ---- one cell ----


async function rowState(w: FaultWorld, id: string, states: string[], what: string): Promise<void> {
  await waitFor(async () => states.includes((await w.row(id))?.state ?? ''), `${id} ${what}`, 15_000);
}

/** Brings `numbers.length` callers into `phase`; returns their channel ids. */
async function setUp(w: FaultWorld, phase: Phase, numbers: string[]): Promise<string[]> {
  const working = SEATS.slice(0, numbers.length).map((s) => w.seat(s));
  if (AGENT_PHASES.includes(phase)) {
    for (const seat of working) {
      await w.phone(seat.login, phase === 'ringing' ? 'manual' : 'auto');
      expect(await seat.command('agent.ready')).toMatchObject({ ok: true });
    }
  }
  const ids: string[] = [];
  for (const n of numbers) ids.push(await placeCall(w.sim.httpUrl, n, DIALLED[phase]));
  switch (phase) {
    case 'greeting':
      for (const id of ids) await waitFor(async () => (await w.channels()).find((c) => c.id === id)?.hearing === 'sound:notice-merged-12333', 'the notice playing', 10_000);
      for (const id of ids) expect((await w.row(id))?.state).toBe('arriving');
      break;
    case 'ivr':
      for (const id of ids) await rowState(w, id, ['ivr'], 'in the menu');
      break;
    case 'queued':
      for (const id of ids) await rowState(w, id, ['queued'], 'queued');
      break;
    case 'ringing':
      await waitFor(async () => {
        const ringing = (await w.channels()).filter((c) => isAgentPhone(c) && c.state === 'Ringing');
        return ringing.length === ids.length && working.every((s) => s.state() === 'ringing');
      }, 'every working agent ringing', 10_000);
      break;
    default: {
      for (const id of ids) await rowState(w, id, ['connected'], 'answered');
      for (const id of ids) await waitFor(() => seatOf(w, id), `the desktop told of ${id}`);
      for (const id of ids) {
        const seat = seatOf(w, id);
        if (!seat) throw new Error(`no seat has ${id}`);
        if (phase === 'held') {
          expect(await seat.command('call.hold', { callId: id })).toMatchObject({ ok: true });
          await rowState(w, id, ['held'], 'held');
        } else if (phase === 'consulting') {
          expect(await seat.command('call.transfer', { callId: id, target: { kind: 'contact', contactId: 1 }, mode: 'attended' })).toMatchObject({ ok: true });
          await waitFor(async () => (await w.bridges()).some((b) => b.name === `consult-${id}` && b.channelIds.length === 2), 'the agent talking to the contact', 10_000);
          expect((await w.row(id))?.state).toBe('consulting');
        } else if (phase === 'three-way') {
          expect(await seat.command('call.conference', { callId: id, target: { kind: 'contact', contactId: 2 } })).toMatchObject({ ok: true });
          await waitFor(async () => (await w.bridges()).find((b) => b.name === `call-${id}`)?.channelIds.length === 3, 'three parties in the bridge', 10_000);
        }
      }
    }
  }
  return ids;
}

/**
 * Strikes; for kill -9, callers dial in while the server is down. Returns those callers' channel ids.
 * A takeover's times go to `takeovers`.
 */
async function strike(w: FaultWorld, fault: Fault, outageNumbers: string[], takeovers: TakeoverTimes[]): Promise<string[]> {
  const passes = w.count('reconciled with the PBX');
  const amiConnects = w.count('AMI connected');
  switch (fault) {
    case 'drop-ami':
      await w.fault('drop-ami');
      await w.waitRecovered({ amiConnects });
      return [];
    case 'drop-ari':
      await w.fault('drop-ari');
      await w.waitRecovered({ passes });
      return [];
    case 'pbx-restart':
      await w.fault('restart', 1000);
      await w.waitRecovered({ passes, amiConnects });
      // The phones register again once Asterisk is back.
      for (const s of SEATS) await w.phone(s, 'auto');
      await w.phone('trunk', 'auto');
      return [];
    case 'kill-9': {
      await w.kill9();
      const outage: string[] = [];
      for (const n of outageNumbers) outage.push(await placeCall(w.sim.httpUrl, n, '12345'));
      // Each reaches Asterisk's queue (answered by a free phone or waiting with music), then hangs up.
      for (const id of outage) {
        await waitFor(async () => {
          const ch = (await w.channels()).find((c) => c.id === id);
          return ch?.dialplan.context === 'hotline-outage' && ch.dialplan.app === 'Queue';
        }, 'the caller in the survival queue', 10_000);
      }
      for (const id of outage) await w.hangup(id);
      await waitFor(() => outage.every((id) => w.sim.core.astdb.get('cti-outage', id)?.includes('&done=1')), 'the survival path records complete', 10_000);
      await w.restart();
      await waitFor(() => w.sim.core.astdb.keys('cti-outage').length === 0, 'the outage records imported', 15_000);
      return outage;
    }
    case 'takeover': {
      takeovers.push(await w.takeover());
      return [];
    }
  }
}

/** The world goes on after the fault: see the file's comment. */
async function resume(w: FaultWorld, fault: Fault, phase: Phase, ids: string[]): Promise<void> {
  const working = SEATS.slice(0, ids.length).map((s) => w.seat(s));
  for (const seat of working) await w.phone(seat.login, 'auto');
  if (phase === 'ringing') {
    for (const seat of working) await simRequest(w.sim.httpUrl, 'POST', `/sim/endpoints/PJSIP/${seat.login}/answer`);
    // After a server restart the agents who were taking calls press 示闲 again.
    if (fault === 'kill-9' || fault === 'takeover') for (const seat of working) if (seat.state() === 'not_ready') expect(await seat.command('agent.ready')).toMatchObject({ ok: true });
  }
  if (fault === 'pbx-restart') return;
  const live = new Set((await w.channels()).map((c) => c.id));
  for (const id of ids.filter((i) => live.has(i))) {
    const state = (await w.row(id))?.state;
    const seat = seatOf(w, id);
    if (phase === 'ivr' && state === 'ivr') await simRequest(w.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });
    if (!seat) continue;
    await undoAgentStep(seat, state, id);
  }
}

// ---- the matrix ----

const key = (fault: Fault, phase: Phase, burst: number) => `${fault}|${phase}|${burst}`;
const ALL_KEYS = FAULTS.flatMap((fault) => PHASES.flatMap((phase) => BURSTS.map((burst) => key(fault, phase, burst))));

function matrixLines(cells: Record<string, string>, faults: Fault[], phases: Phase[]): string[] {
  const width = 18;
  const pad = (s: string, n = width) => s + ' '.repeat(Math.max(0, n - [...s].length));
  return [
    `fault matrix (cell: burst 1 | burst 4; S served, W waiting in the queue, A closed answered, M missed-call list, +nO imported from the survival path)`,
    pad('fault \\ phase', 14) + phases.map((p) => pad(p)).join(''),
    ...faults.map((fault) => pad(fault, 14) + phases.map((phase) => pad(BURSTS.map((b) => cells[key(fault, phase, b)] ?? '—').join(' | '))).join('')),
  ];
}

/**
 * The cells of one fault's row for these phases (all by default), on a world of their own: the
 * test file's part of the matrix. Prints its cells, and the whole matrix if it completes it.
 */
export function faultMatrixCells(fault: Fault, phases: Phase[] = PHASES): void {
  awaitServerBuild();
  const cellKeys = phases.flatMap((phase) => BURSTS.map((b) => key(fault, phase, b)));
  const { results, takeovers } = matrixPart('fault-matrix', `${fault}-${phases.join('-')}`, cellKeys, ALL_KEYS, (cells, whole) =>
    whole ? matrixLines(cells, FAULTS, PHASES) : matrixLines(cells, [fault], phases),
  );

  describe(`fault: ${fault}`, () => {
    let w: FaultWorld;
    beforeAll(async () => {
      w = await startWorld(fault === 'takeover');
    }, 60_000);
    afterAll(async () => {
      await w.stop();
    });

    for (const phase of phases) {
      for (const burst of BURSTS) {
        it(`${phase} × ${burst}`, { timeout: 90_000 }, async () => {
          results.set(key(fault, phase, burst), '✗');
          const numbers = Array.from({ length: burst }, (_, i) => numberOf(fault, phase, burst, i));
          const outageNumbers = fault === 'kill-9' ? Array.from({ length: burst }, (_, i) => numberOf(fault, phase, burst, 50 + i)) : [];
          try {
            const ids = await setUp(w, phase, numbers);
            const outage = await strike(w, fault, outageNumbers, takeovers);
            await resume(w, fault, phase, ids);
            const settledPicture = await settled(w, ids, outage);
            const got = ids.map((id) => settledPicture.outcomes.get(id));
            expect(got).toEqual(ids.map(() => expected(fault, phase)));
            await endAll(w, ids, outage);
            const imported = await w.countRows(outage, (r) => r.duringOutage);
            results.set(key(fault, phase, burst), `✓${burst}${expected(fault, phase)}${imported ? `+${imported}O` : ''}`);
          } catch (error) {
            w.keepLogOfFailedCell(`${fault}-${phase}-${burst}`);
            throw error;
          } finally {
            // Whatever happened, the next cell starts from an empty PBX and idle agents.
            for (const c of await w.channels()) await w.hangup(c.id);
            await waitFor(async () => (await w.channels()).length === 0, 'an empty PBX', 15_000).catch(() => undefined);
            await resetSeats(w).catch(() => undefined);
          }
        });
      }
    }
  });
}
