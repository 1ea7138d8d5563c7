/**
 * A colleague whose phone rings because an agent hands them a caller — a consultation (咨询转接), a
 * blind transfer or a three-way call, to them or to the expert seat they staff — may refuse the ring
 * from the desktop (拒接: `call.hangup` with the callId of the pop), as for a queue offer. The ring
 * stops at once and the flow goes on as if they had not answered: after a consultation or three-way
 * call the first agent is back with the caller and told the colleague refused; after a blind transfer
 * the caller goes back in line. The colleague is ready again — not 示忙: no queue offered them the
 * call — with no missed-ring alert. Logging out while such a ring rings withdraws it the same way.
 *
 * Agent 1001 (A) answers the caller; agent 1002 (T), or 1004 behind the market-supervision expert
 * seat, is rung. The colleagues' phones ring until answered.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../cti/events/domain-events.js';
import { expertSeats } from '../../store/index.js';
import { OpenDesks, type AgentDesktop, type WireMessage } from '../support/agent-desktop.js';
import { hangUpEverything, registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simAudio, simRequest, waitFor } from '../support/sim-client.js';

let h: Harness;
const desks = new OpenDesks(() => h.server.httpUrl);
const events: DomainEvent[] = [];
const sim = simAudio(() => h.sim.httpUrl);
let callerSeq = 0;

beforeAll(async () => {
  // A ring nobody stopped would go on for 15 s: far longer than any wait below.
  h = await startHarness({ ringTimeoutSeconds: 15 });
  await registerPhones(h.sim, ['1001'], 'auto');
  await registerPhones(h.sim, ['1002', '1003', '1004', '1005'], 'manual');
  h.server.calls.bus.subscribe((e) => events.push(e));
});
afterEach(async () => {
  await hangUpEverything(h);
  desks.closeAll();
  await waitFor(() => h.server.calls.agents.list().every((a) => a.desktops === 0), 'desktops gone');
});
afterAll(async () => {
  await h.stop();
});

const agentOf = (login: string) => {
  const agent = h.server.calls.agents.list().find((a) => a.login === login);
  if (!agent) throw new Error(`no agent ${login}`);
  return agent;
};
const ringingPhone = async (n: string) => (await sim.channels()).some((c) => c.name.startsWith(`PJSIP/${n}-`));
const expertSeatId = async () => (await h.server.store.db.select().from(expertSeats).where(eq(expertSeats.name, '市场监管局专家座席')))[0]?.id;
const since = (d: AgentDesktop, mark: number) => (m: WireMessage) => d.received.indexOf(m) >= mark;

/** A (1001) answers a fresh caller; the colleague's desktop is open and made ready once A has the call. */
async function answeredByA(colleague: string): Promise<{ a: AgentDesktop; t: AgentDesktop; callId: string }> {
  const a = await desks.open('1001', true);
  const t = await desks.open(colleague);
  callerSeq += 1;
  const callId = await placeCall(h.sim.httpUrl, `1380000${String(callerSeq).padStart(4, '0')}`, '12345');
  await a.next('call.answered', (m) => m.callId === callId);
  expect(await t.command('agent.ready')).toMatchObject({ ok: true });
  return { a, t, callId };
}

/**
 * The colleague's desktop shows the ringing call's pop, whose only button is 拒接; they press it.
 * Returns where their desktop's messages and the domain events stood as they did.
 */
async function refuse(t: AgentDesktop, callId: string): Promise<{ tMark: number; mark: number }> {
  const pop = await t.next('call.offered', (m) => m.callId === callId);
  expect(pop.allowed).toEqual(['call.hangup']);
  const marks = { tMark: t.received.length, mark: events.length };
  expect(await t.command('call.hangup', { callId })).toMatchObject({ ok: true });
  return marks;
}

/** The caller and A hear each other again, and nothing else is on the PBX. */
async function callerBackWithA(callId: string): Promise<void> {
  await waitFor(async () => {
    const all = await sim.channels();
    const legA = all.find((c) => c.name.startsWith('PJSIP/1001-'));
    if (!legA || all.length !== 2) return false;
    return JSON.stringify(await sim.hears(callId)) === JSON.stringify([legA.id]) && JSON.stringify(await sim.hears(legA.id)) === JSON.stringify([callId]);
  }, 'the caller back with A');
}

/** The colleague is ready again (never 示忙 on the way), their phone quiet, and nobody was told of a missed ring. */
async function colleagueFreeAgain(login: string, t: AgentDesktop, tMark: number, mark: number): Promise<void> {
  await t.next('agent.state', (m) => since(t, tMark)(m) && m.state === 'ready');
  expect(t.received.slice(tMark).filter((m) => m.type === 'agent.state').map((m) => m.state)).toEqual(['ready']);
  expect(agentOf(login)).toMatchObject({ state: 'ready', reason: null, callId: null });
  expect(await ringingPhone(login)).toBe(false);
  const agentId = agentOf(login).agentId;
  expect(events.slice(mark).filter((e) => (e.type === 'call.missed' || (e.type === 'alert' && e.kind === 'missed-ring')) && e.agentId === agentId)).toEqual([]);
}

describe('a colleague refuses the ring of a call handed to them (拒接)', () => {
  it('consultation: the ring stops, the colleague is ready again, the first agent is back with the caller and told', async () => {
    const { a, t, callId } = await answeredByA('1002');
    const target = { kind: 'agent', agentId: agentOf('1002').agentId };
    expect(await a.command('call.transfer', { callId, target, mode: 'attended' })).toMatchObject({ ok: true });
    const { tMark, mark } = await refuse(t, callId);
    expect(await t.next('call.offer.withdrawn', (m) => m.callId === callId)).toMatchObject({ reason: 'rejected' });
    const told = await a.next('call.consult.cancelled', (m) => m.callId === callId);
    expect(told).toMatchObject({ target: '坐席 1002 李强', reason: 'rejected', why: '拒接' });
    expect(told.allowed).toContain('call.transfer');
    await callerBackWithA(callId);
    await colleagueFreeAgain('1002', t, tMark, mark);
  });

  it('three-way call: the ring stops, the 三方通话 command says the colleague refused, the first agent goes on with the caller', async () => {
    const { a, t, callId } = await answeredByA('1002');
    const target = { kind: 'agent', agentId: agentOf('1002').agentId };
    const pending = a.command('call.conference', { callId, target });
    const { tMark, mark } = await refuse(t, callId);
    expect(await pending).toMatchObject({ ok: false, error: '坐席 1002 李强 拒接' });
    expect(await t.next('call.offer.withdrawn', (m) => m.callId === callId)).toMatchObject({ reason: 'rejected' });
    await callerBackWithA(callId);
    await colleagueFreeAgain('1002', t, tMark, mark);
    expect(await a.command('call.hold', { callId })).toMatchObject({ ok: true });
  });

  it('three-way call to the expert seat an agent staffs: the expert refuses the same way', async () => {
    const { a, t, callId } = await answeredByA('1004');
    const pending = a.command('call.conference', { callId, target: { kind: 'expert', expertSeatId: await expertSeatId() } });
    const { tMark, mark } = await refuse(t, callId);
    expect(await pending).toMatchObject({ ok: false, error: '专家座席 市场监管局专家座席 拒接' });
    expect(await t.next('call.offer.withdrawn', (m) => m.callId === callId)).toMatchObject({ reason: 'rejected' });
    await callerBackWithA(callId);
    await colleagueFreeAgain('1004', t, tMark, mark);
  });

  it('blind transfer: the ring stops, the colleague is ready again, the caller goes back in line', async () => {
    const { a, t, callId } = await answeredByA('1002');
    const target = { kind: 'agent', agentId: agentOf('1002').agentId };
    expect(await a.command('call.transfer', { callId, target, mode: 'blind' })).toMatchObject({ ok: true });
    const { tMark, mark } = await refuse(t, callId);
    expect(await t.next('call.offer.withdrawn', (m) => m.callId === callId)).toMatchObject({ reason: 'rejected' });
    // As when the colleague does not answer: the caller waits in line again, for whoever is free next.
    await waitFor(() => events.slice(mark).some((e) => e.type === 'call.queued' && e.call.callId === callId), 'the caller back in line');
    await t.next('agent.state', (m) => since(t, tMark)(m) && m.state === 'ready');
    const states = t.received.slice(tMark).filter((m) => m.type === 'agent.state').map((m) => m.state);
    expect(states[0]).toBe('ready');
    expect(states).not.toContain('not_ready');
    const tId = agentOf('1002').agentId;
    expect(events.slice(mark).filter((e) => (e.type === 'call.missed' || (e.type === 'alert' && e.kind === 'missed-ring')) && e.agentId === tId)).toEqual([]);
  });

  it('consultation the first agent hung up on: the colleague refusing sends the caller back in line, and the first agent is told', async () => {
    const { a, t, callId } = await answeredByA('1002');
    expect(await a.command('call.transfer', { callId, target: { kind: 'agent', agentId: agentOf('1002').agentId }, mode: 'attended' })).toMatchObject({ ok: true });
    await t.next('call.offered', (m) => m.callId === callId);
    // A's phone hangs up while T's still rings: T's answer would have completed the transfer.
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/hangup');
    await waitFor(() => agentOf('1001').state !== 'on_call', 'A off the call');

    const { tMark, mark } = await refuse(t, callId);
    expect(await a.next('call.consult.cancelled', (m) => m.callId === callId)).toMatchObject({ requeued: true, reason: 'rejected', why: '拒接' });
    await waitFor(() => events.slice(mark).some((e) => e.type === 'call.queued' && e.call.callId === callId), 'the caller back in line');
    await t.next('agent.state', (m) => since(t, tMark)(m) && m.state === 'ready');
    expect(t.received.slice(tMark).filter((m) => m.type === 'agent.state').map((m) => m.state)[0]).toBe('ready');
  });

  it('a colleague may refuse only a ring that is theirs: another agent cannot hang up the ringing transfer', async () => {
    const { a, t, callId } = await answeredByA('1002');
    const other = await desks.open('1003');
    expect(await a.command('call.transfer', { callId, target: { kind: 'agent', agentId: agentOf('1002').agentId }, mode: 'attended' })).toMatchObject({ ok: true });
    await t.next('call.offered', (m) => m.callId === callId);
    expect(await other.command('call.hangup', { callId })).toMatchObject({ ok: false, error: '不能操作其他坐席的通话' });
    // While it rings, the colleague may do nothing else with the call.
    expect(await t.command('call.hold', { callId })).toMatchObject({ ok: false, error: '来电尚未接听，请在话机上接听' });
    expect(await ringingPhone('1002')).toBe(true);
  });
});

describe('a colleague logs out while a call handed to them rings', () => {
  it('consultation: the ring is withdrawn (logged-out), the colleague signed out, the first agent back with the caller and told', async () => {
    const { a, t, callId } = await answeredByA('1002');
    expect(await a.command('call.transfer', { callId, target: { kind: 'agent', agentId: agentOf('1002').agentId }, mode: 'attended' })).toMatchObject({ ok: true });
    await t.next('call.offered', (m) => m.callId === callId);
    const mark = events.length;

    const res = await fetch(`${h.server.httpUrl}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${t.token}` } });
    expect(res.status).toBe(204);
    expect(await a.next('call.consult.cancelled', (m) => m.callId === callId)).toMatchObject({ reason: 'logged-out', why: '已退出登录' });
    await callerBackWithA(callId);
    expect(agentOf('1002')).toMatchObject({ state: 'offline', endpoint: null });
    const tId = agentOf('1002').agentId;
    const theirs = events.slice(mark).filter((e) => 'agentId' in e && e.agentId === tId);
    expect(theirs.filter((e) => e.type === 'call.offer.withdrawn')).toMatchObject([{ reason: 'logged-out' }]);
    expect(theirs.filter((e) => e.type === 'call.missed' || e.type === 'alert')).toEqual([]);
  });
});
