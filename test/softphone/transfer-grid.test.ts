/**
 * The transfer grid: every transfer / three-way / hold state × who hangs up × which leg fails to
 * answer, each cell driven through the simulator with real agent desktops and checked the same way:
 *  - what the PBX has afterwards: the caller bridged with exactly who they should be talking to (and
 *    that party hearing them), or in the survey alone, or nothing at all — no channel left ringing,
 *    alone or in an empty bridge;
 *  - the agents: nobody stuck ringing or on a call that is over; a target whose ring was cancelled is
 *    ready (not not_ready, no missed-ring alert), one who did not answer is not ready (未接);
 *  - the call row: ended, with the right outcome.
 *
 * Agent 1001 (A) answers the caller; agent 1002 (T) is the target of every transfer and three-way
 * call. "who hangs up": the caller, the agent's phone, the target's phone, or `third` — the agent
 * drops the third party from the desktop (call.transfer.cancel while a consultation or three-way
 * rings, call.kick third in a three-way call). Phones ring for 2 s (ringTimeoutSeconds) and are in
 * `manual` (rings until told), `noanswer` or `busy` mode.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../cti/events/domain-events.js';
import { calls } from '../../store/index.js';
import { AgentDesktop, type WireMessage } from '../support/agent-desktop.js';
import { hangUpEverything, registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

type FlowState = 'blind ringing' | 'blind answered' | 'attended ringing' | 'attended talking' | 'conference ringing' | 'conference joined' | 'on hold';
type Who = 'caller' | 'agent' | 'target' | 'third';
type Failure = 'none' | 'no-answer' | 'busy';
/** What the caller is left with after the hang-up (before the test ends the call). */
type After = 'nothing' | 'survey' | 'with A' | 'with T';
/** How the target agent ends: ring cancelled, ring missed, talked to the caller, never rung. */
type TargetEnd = 'ready' | 'missed' | 'talked' | 'idle';

interface Cell {
  state: FlowState;
  who: Who;
  failure: Failure;
  after: After;
  target: TargetEnd;
}

const RINGING: FlowState[] = ['blind ringing', 'attended ringing', 'conference ringing'];

/**
 * The cells that make sense. Skipped, and why:
 *  - a failing target in an answered state (blind answered, attended talking, conference joined):
 *    the target has answered; in `on hold` nobody else rings;
 *  - the agent in a blind transfer: they let go at once (after a failed ring they are the one
 *    talking to the caller again, which is the `agent` cell);
 *  - `third` in a blind transfer (the agent is gone) and on hold (there is no third party);
 *  - `target` / `third` after the target failed to answer (there is no target leg any more).
 */
function expectation(state: FlowState, who: Who, failure: Failure): Pick<Cell, 'after' | 'target'> | null {
  const ringing = RINGING.includes(state);
  if (failure !== 'none') {
    if (!ringing || who === 'target' || who === 'third') return null;
    // The flow gave up: the caller is back with A (a blind transfer through the queue, once A's wrap-up ends).
    return { after: who === 'caller' ? 'nothing' : 'survey', target: 'missed' };
  }
  switch (state) {
    case 'on hold':
      if (who === 'caller') return { after: 'nothing', target: 'idle' };
      if (who === 'agent') return { after: 'survey', target: 'idle' };
      return null;
    case 'blind ringing':
      if (who === 'caller') return { after: 'nothing', target: 'ready' };
      // The target declines: the caller goes back to the queue, and to A after A's wrap-up.
      if (who === 'target') return { after: 'with A', target: 'missed' };
      return null;
    case 'blind answered':
      if (who === 'caller') return { after: 'nothing', target: 'talked' };
      if (who === 'target') return { after: 'survey', target: 'talked' };
      return null;
    case 'attended ringing':
      if (who === 'caller') return { after: 'nothing', target: 'ready' };
      // A leaves while the target rings: the target rings out, the caller goes back to the queue (and A).
      if (who === 'agent') return { after: 'with A', target: 'missed' };
      if (who === 'target') return { after: 'with A', target: 'missed' };
      return { after: 'with A', target: 'ready' };
    case 'attended talking':
      if (who === 'caller') return { after: 'nothing', target: 'talked' };
      if (who === 'agent') return { after: 'with T', target: 'talked' };
      return { after: 'with A', target: 'talked' };
    case 'conference ringing':
      if (who === 'caller') return { after: 'nothing', target: 'ready' };
      if (who === 'agent') return { after: 'survey', target: 'ready' };
      if (who === 'target') return { after: 'with A', target: 'missed' };
      return { after: 'with A', target: 'ready' };
    case 'conference joined':
      if (who === 'caller') return { after: 'nothing', target: 'talked' };
      if (who === 'agent') return { after: 'with T', target: 'talked' };
      return { after: 'with A', target: 'talked' };
  }
}

const STATES: FlowState[] = ['blind ringing', 'blind answered', 'attended ringing', 'attended talking', 'conference ringing', 'conference joined', 'on hold'];
const WHO: Who[] = ['caller', 'agent', 'target', 'third'];
const FAILURES: Failure[] = ['none', 'no-answer', 'busy'];
const CELLS: Cell[] = STATES.flatMap((state) =>
  FAILURES.flatMap((failure) =>
    WHO.flatMap((who) => {
      const e = expectation(state, who, failure);
      return e ? [{ state, who, failure, ...e }] : [];
    }),
  ),
);

let h: Harness;
const desks: AgentDesktop[] = [];
const events: DomainEvent[] = [];
const results = new Map<string, string>();
let callerSeq = 0;

beforeAll(async () => {
  h = await startHarness({ ringTimeoutSeconds: 2, wrapUpSeconds: 1 }, { timeScale: 0.25 });
  await registerPhones(h.sim);
  h.server.calls.bus.subscribe((e) => events.push(e));
});
afterAll(async () => {
  await h.stop();
  // The grid at a glance: one line per state × failure, one column per who hangs up.
  const rows = STATES.flatMap((state) =>
    FAILURES.map((failure) => ({
      'state / failure': `${state} / ${failure}`,
      ...Object.fromEntries(WHO.map((who) => [who, results.get(key({ state, who, failure })) ?? '—'])),
    })),
  ).filter((row) => WHO.some((who) => row[who as keyof typeof row] !== '—'));
  console.log(`transfer grid: ${CELLS.length} cells`);
  console.table(rows);
});
afterEach(async () => {
  // A failed cell must not spill into the next one: whatever it left on the PBX goes.
  await hangUpEverything(h);
  while (desks.length) desks.pop()?.close();
  await registerPhones(h.sim);
  // Agents settle (wrap-up over, desktops gone) before the next cell.
  await waitFor(() => h.server.calls.agents.list().every((a) => a.state === 'not_ready' || a.state === 'offline' || a.state === 'ready'), 'agents settled');
  await new Promise((r) => setTimeout(r, 50));
});

function key(c: Pick<Cell, 'state' | 'who' | 'failure'>): string {
  return `${c.state}|${c.failure}|${c.who}`;
}

interface SimChannel {
  id: string;
  name: string;
  state: string;
  bridgeId: string | null;
  hears: string[];
}
const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
const agentOf = (login: string) => {
  const agent = h.server.calls.agents.list().find((a) => a.login === login);
  if (!agent) throw new Error(`no agent ${login}`);
  return agent;
};
const callRow = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];
const phone = (n: string) => (c: SimChannel) => c.name.startsWith(`PJSIP/${n}-`);
const setPhone = (n: string, answer: 'auto' | 'manual' | 'busy' | 'noanswer') =>
  simRequest(h.sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${n}`, { online: true, answer, answerDelayMs: 50 });
const phoneHangup = (n: string) => simRequest(h.sim.httpUrl, 'POST', `/sim/endpoints/PJSIP/${n}/hangup`);

async function desk(login: string, ready: boolean): Promise<AgentDesktop> {
  const d = await AgentDesktop.login(h.server.httpUrl, login);
  desks.push(d);
  if (ready) expect(await d.command('agent.ready')).toMatchObject({ ok: true });
  return d;
}

/** The caller's picture once the hang-up settled: exactly the expected channels, hearing each other. */
async function pictureIs(caller: string, after: After): Promise<string | undefined> {
  const all = await channels();
  const me = all.find((c) => c.id === caller);
  const others = all.filter((c) => c.id !== caller);
  const describe = () => JSON.stringify(all.map((c) => ({ name: c.name, state: c.state, bridge: c.bridgeId, hears: c.hears })));
  switch (after) {
    case 'nothing':
      return all.length === 0 ? undefined : describe();
    case 'survey':
      return me && others.length === 0 ? undefined : describe();
    case 'with A':
    case 'with T': {
      const party = others.filter(phone(after === 'with A' ? '1001' : '1002'));
      const [leg] = party;
      if (!me || !leg || others.length !== 1) return describe();
      const ok = JSON.stringify(me.hears) === JSON.stringify([leg.id]) && JSON.stringify(leg.hears) === JSON.stringify([caller]);
      return ok ? undefined : describe();
    }
  }
}

/** Brings a fresh call into `state` with the target's phone failing as `failure`; returns the caller's channel. */
async function setUp(cell: Cell, a: AgentDesktop, tDesk: AgentDesktop): Promise<{ caller: string; pending: Promise<WireMessage> | null }> {
  const t = agentOf('1002');
  await setPhone('1002', cell.failure === 'busy' ? 'busy' : cell.failure === 'no-answer' ? 'noanswer' : 'manual');
  callerSeq += 1;
  const caller = await placeCall(h.sim.httpUrl, `1390000${String(callerSeq).padStart(4, '0')}`, '12345');
  await a.next('call.answered', (m) => m.callId === caller);
  await waitFor(() => h.server.calls.call(caller)?.agentLegId, 'the agent leg');
  // The target is made ready only once A has the call, so the call is not offered to them first.
  if (cell.state !== 'on hold') expect(await tDesk.command('agent.ready')).toMatchObject({ ok: true });
  const ringsOrFails = async () => {
    if (cell.failure === 'none') await waitFor(async () => (await channels()).some((c) => phone('1002')(c) && c.state === 'Ringing'), 'the target ringing');
  };
  const answerTarget = async () => {
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer');
  };
  const target = { kind: 'agent', agentId: t.agentId };
  let pending: Promise<WireMessage> | null = null;
  switch (cell.state) {
    case 'on hold':
      expect(await a.command('call.hold', { callId: caller })).toMatchObject({ ok: true });
      await waitFor(() => h.server.calls.call(caller)?.state === 'held', 'held');
      break;
    case 'blind ringing':
    case 'blind answered':
      expect(await a.command('call.transfer', { callId: caller, target, mode: 'blind' })).toMatchObject({ ok: true });
      await ringsOrFails();
      if (cell.state === 'blind answered') {
        await answerTarget();
        await waitFor(() => h.server.calls.call(caller)?.agentId === t.agentId && h.server.calls.call(caller)?.state === 'connected', 'the target has the call');
      }
      break;
    case 'attended ringing':
    case 'attended talking':
      expect(await a.command('call.transfer', { callId: caller, target, mode: 'attended' })).toMatchObject({ ok: true });
      await ringsOrFails();
      if (cell.state === 'attended talking') {
        await answerTarget();
        await waitFor(async () => {
          const all = await channels();
          const legA = all.find(phone('1001'));
          const legT = all.find(phone('1002'));
          return legA && legT && legA.hears.includes(legT.id) && legT.hears.includes(legA.id);
        }, 'agent and target talking');
      }
      break;
    case 'conference ringing':
    case 'conference joined':
      pending = a.command('call.conference', { callId: caller, target });
      await ringsOrFails();
      if (cell.state === 'conference joined') {
        await answerTarget();
        expect(await pending).toMatchObject({ ok: true });
        pending = null;
      }
      break;
  }
  if (cell.failure !== 'none') {
    // The target failed: the flow gives up and the caller is back with A (through the queue for a blind transfer).
    if (pending) expect(await pending).toMatchObject({ ok: false });
    pending = null;
    await waitFor(async () => (await pictureIs(caller, 'with A')) === undefined, 'the caller back with the agent', 10_000);
  }
  return { caller, pending };
}

async function hangUp(cell: Cell, caller: string, a: AgentDesktop): Promise<void> {
  switch (cell.who) {
    case 'caller':
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
      return;
    case 'agent':
      await phoneHangup('1001');
      return;
    case 'target':
      await phoneHangup('1002');
      return;
    case 'third':
      if (cell.state === 'conference joined') expect(await a.command('call.kick', { callId: caller, party: 'third' })).toMatchObject({ ok: true });
      else expect(await a.command('call.transfer.cancel', { callId: caller })).toMatchObject({ ok: true });
      return;
  }
}

describe('transfer grid', () => {
  for (const cell of CELLS) {
    it(`${cell.state} × ${cell.who} hangs up × ${cell.failure} → ${cell.after}, target ${cell.target}`, async () => {
      results.set(key(cell), '✗');
      const a = await desk('1001', true);
      const tDesk = await desk('1002', false);
      const t = agentOf('1002');
      await setPhone('1001', 'auto');
      const { caller, pending } = await setUp(cell, a, tDesk);
      const from = events.length;
      const tFrom = tDesk.received.length;
      await hangUp(cell, caller, a);
      if (pending) await pending;

      let last: string | undefined;
      await waitFor(async () => (last = await pictureIs(caller, cell.after)) === undefined, `the picture "${cell.after}"`, 10_000).catch(() => {
        throw new Error(`expected "${cell.after}", got ${last}`);
      });

      // End what is left of the call, then everything must be gone.
      if ((await channels()).some((c) => c.id === caller)) await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
      await waitFor(() => !h.server.calls.call(caller), 'the call over');
      await waitFor(async () => (await channels()).length === 0, 'no channel left');

      const row = await callRow(caller);
      expect(row?.state).toBe('ended');
      expect(row?.outcome).toBe('answered');
      expect(row?.endedAt).toBeTruthy();

      await waitFor(() => h.server.calls.agents.list().every((x) => x.state !== 'ringing' && x.state !== 'on_call'), 'nobody ringing or on a call');
      const tState = agentOf('1002');
      const missedAlert = events.slice(from).some((e) => (e.type === 'call.missed' || (e.type === 'alert' && e.kind === 'missed-ring')) && e.agentId === t.agentId);
      const wentNotReady = tDesk.received.slice(tFrom).some((m) => m.type === 'agent.state' && m.state === 'not_ready');
      switch (cell.target) {
        case 'ready':
          expect(tState.state).toBe('ready');
          expect(wentNotReady).toBe(false);
          expect(missedAlert).toBe(false);
          break;
        case 'missed':
          expect(tState.state).toBe('not_ready');
          expect(tState.reason).toBe('未接');
          break;
        case 'talked':
          expect(['wrap_up', 'ready']).toContain(tState.state);
          break;
        case 'idle':
          expect(tState.state).toBe('not_ready');
          expect(tDesk.received.slice(tFrom).some((m) => m.type === 'call.offered')).toBe(false);
          break;
      }
      // A target whose phone rang and who did not take the call loses the pop again.
      const popped = tDesk.received.slice(tFrom).some((m) => m.type === 'call.offered' && m.callId === caller);
      if (popped && (cell.target === 'ready' || cell.target === 'missed')) {
        await tDesk.next('call.offer.withdrawn', (m) => m.callId === caller);
      }
      expect(['wrap_up', 'ready', 'not_ready']).toContain(agentOf('1001').state);
      // A hears of the call's end once: after letting it go (call.transferred) only if it came back to
      // them (offered again: a pick-up the call ended during gets call.ended with no call.answered).
      const aOnCaller = a.received.filter((m) => m.callId === caller);
      const letGo = aOnCaller.map((m) => m.type).lastIndexOf('call.transferred');
      const aEnds = aOnCaller.filter((m) => m.type === 'call.ended');
      expect(aEnds.length).toBeLessThanOrEqual(1);
      if (letGo >= 0 && aEnds.length > 0) expect(aOnCaller.slice(letGo).some((m) => m.type === 'call.offered')).toBe(true);
      results.set(key(cell), `✓ ${cell.after}`);
    });
  }
});

describe('one transfer at a time', () => {
  it('two call.transfer commands back to back: exactly one transfer, one ringing target, the second refused', async () => {
    const a = await desk('1001', true);
    await desk('1002', false);
    await setPhone('1002', 'manual');
    const caller = await placeCall(h.sim.httpUrl, '13900009001', '12345');
    await a.next('call.answered', (m) => m.callId === caller);
    const t = agentOf('1002');
    const tDesk = desks[1];
    expect(await tDesk?.command('agent.ready')).toMatchObject({ ok: true });
    const target = { kind: 'agent', agentId: t.agentId };
    const [first, second] = await Promise.all([
      a.command('call.transfer', { callId: caller, target, mode: 'blind' }),
      a.command('call.transfer', { callId: caller, target, mode: 'blind' }),
    ]);
    expect([first, second].filter((r) => r.ok)).toHaveLength(1);
    expect([first, second].find((r) => !r.ok)).toMatchObject({ ok: false, error: '正在转接中，请稍候' });
    await waitFor(async () => (await channels()).some((c) => phone('1002')(c) && c.state === 'Ringing'), 'the target ringing');
    expect((await channels()).filter(phone('1002'))).toHaveLength(1);
    expect(h.server.calls.call(caller)?.state).toBe('transferring');
    // The row follows the call's state through its ordered writes: read it once they are done.
    await h.server.calls.settle();
    expect((await callRow(caller))?.state).toBe('transferring');
    // Nor a three-way call or hold while it rings.
    expect(await a.command('call.conference', { callId: caller, target })).toMatchObject({ ok: false, error: '正在转接中，请稍候' });
    expect(await a.command('call.hold', { callId: caller })).toMatchObject({ ok: false, error: '正在转接中，请稍候' });

    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer');
    await waitFor(() => h.server.calls.call(caller)?.agentId === t.agentId && h.server.calls.call(caller)?.state === 'connected', 'the target has the call');
    await h.server.calls.settle();
    expect((await callRow(caller))?.state).toBe('connected');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await waitFor(async () => (await channels()).length === 0, 'no channel left');
  });

  it('an attended transfer and then a second one: the second is refused, so is hold; cancel frees the lock', async () => {
    const a = await desk('1001', true);
    await desk('1002', false);
    await desk('1003', true);
    await setPhone('1002', 'manual');
    const caller = await placeCall(h.sim.httpUrl, '13900009002', '12345');
    await a.next('call.answered', (m) => m.callId === caller);
    expect(await desks[1]?.command('agent.ready')).toMatchObject({ ok: true });
    const t = { kind: 'agent', agentId: agentOf('1002').agentId };
    const other = { kind: 'agent', agentId: agentOf('1003').agentId };
    const [first, second] = await Promise.all([
      a.command('call.transfer', { callId: caller, target: t, mode: 'attended' }),
      a.command('call.transfer', { callId: caller, target: other, mode: 'blind' }),
    ]);
    expect(first).toMatchObject({ ok: true });
    expect(second).toMatchObject({ ok: false, error: '正在转接中，请稍候' });
    expect(await a.command('call.hold', { callId: caller })).toMatchObject({ ok: false, error: '正在转接中，请稍候' });
    expect(agentOf('1003').state).toBe('ready');
    expect(await a.command('call.transfer.cancel', { callId: caller })).toMatchObject({ ok: true });
    await waitFor(() => agentOf('1002').state === 'ready', 'the cancelled target ready');
    expect(await a.command('call.hold', { callId: caller })).toMatchObject({ ok: true });
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await waitFor(async () => (await channels()).length === 0, 'no channel left');
  });
});
