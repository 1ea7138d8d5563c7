/**
 * `hello` of a desktop that reconnects while its agent is the colleague on someone else's call — the
 * phone ringing for an attended transfer or a three-way call, joined to a three-way call, or given the
 * caller — and of one given a caller who went back in line. The call's `state`, `answeredAt` and
 * `muted` are this agent's, as the events had shown them: ringing is `offered` with no talk time, the
 * talk time starts at this agent's own `call.answered`, and the first agent's 静音 is not theirs.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenDesks, type AgentDesktop } from '../support/agent-desktop.js';
import { hangUpEverything, registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest } from '../support/sim-client.js';

const h = useHarness({ wrapUpSeconds: 600 });
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim, ['1001', '1002', '1003'], 'manual');
});
afterEach(async () => {
  await hangUpEverything(h);
  desks.closeAll();
});

const agentId = (login: string) => h.server.calls.agents.list().find((x) => x.login === login)?.agentId;
const pickUp = (phone: string) => simRequest(h.sim.httpUrl, 'POST', `/sim/endpoints/PJSIP/${phone}/answer`);
/** A minute later on the server's clock: each answer below happens at its own instant. */
const aMinuteLater = () => h.clock.set(new Date(h.clock.now().getTime() + 60_000).toISOString());


let seq = 0;
/** 1001 answers a caller (and mutes): the call to bring a colleague into. */
async function answered(): Promise<{ a: AgentDesktop; callId: string }> {
  const a = await desks.open('1001', true);
  const callId = await placeCall(h.sim.httpUrl, `1390000830${++seq}`, '12345');
  await a.next('call.offered', (m) => m.callId === callId);
  await pickUp('1001');
  await a.next('call.answered', (m) => m.callId === callId);
  expect(await a.command('call.mute', { callId })).toMatchObject({ ok: true });
  aMinuteLater();
  return { a, callId };
}

describe('hello of a colleague brought into a call', () => {
  it('while an attended transfer rings them: offered, no talk time, not muted', async () => {
    const { a, callId } = await answered();
    const t = await desks.open('1002', true);
    expect(await a.command('call.transfer', { callId, target: { kind: 'agent', agentId: agentId('1002') }, mode: 'attended' })).toMatchObject({ ok: true });
    await t.next('call.offered', (m) => m.callId === callId);
    const hello = await t.reconnect();
    expect(hello.allowed).toEqual(['call.hangup']);
    expect(hello.call).toMatchObject({ callId, state: 'offered', answeredAt: null, muted: false });
  });

  it('while a three-way call rings them, and once they joined: their own answer, not muted', async () => {
    const { a, callId } = await answered();
    const t = await desks.open('1002', true);
    const joining = a.command('call.conference', { callId, target: { kind: 'agent', agentId: agentId('1002') } });
    await t.next('call.offered', (m) => m.callId === callId);
    expect((await t.reconnect()).call).toMatchObject({ callId, state: 'offered', answeredAt: null, muted: false });
    await pickUp('1002');
    expect(await joining).toMatchObject({ ok: true });
    const joined = await t.next('call.answered', (m) => m.callId === callId);
    await t.next('call.conference', (m) => m.callId === callId);
    aMinuteLater();
    expect((await t.reconnect()).call).toMatchObject({ callId, state: 'conference', answeredAt: joined.at, muted: false });
  });

  it('given the caller by a completed attended transfer: talk time from their own answer', async () => {
    const { a, callId } = await answered();
    const t = await desks.open('1002', true);
    expect(await a.command('call.transfer', { callId, target: { kind: 'agent', agentId: agentId('1002') }, mode: 'attended' })).toMatchObject({ ok: true });
    await t.next('call.offered', (m) => m.callId === callId);
    await pickUp('1002');
    await a.next('call.consult.answered', (m) => m.callId === callId);
    expect(await a.command('call.transfer.complete', { callId })).toMatchObject({ ok: true });
    const taken = await t.next('call.answered', (m) => m.callId === callId);
    aMinuteLater();
    const hello = await t.reconnect();
    expect(hello.call).toMatchObject({ callId, state: 'connected', answeredAt: taken.at, muted: false });
  });
});

describe('hello of an agent given a caller who went back in line', () => {
  it('talk time from this agent’s answer, not the first agent’s', async () => {
    const { a, callId } = await answered();
    expect(await a.command('call.unmute', { callId })).toMatchObject({ ok: true });
    const b = await desks.open('1002', true);
    expect(await a.command('call.transfer', { callId, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
    await b.next('call.offered', (m) => m.callId === callId);
    await pickUp('1002');
    const taken = await b.next('call.answered', (m) => m.callId === callId);
    aMinuteLater();
    const hello = await b.reconnect();
    expect(hello.call).toMatchObject({ callId, state: 'connected', answeredAt: taken.at, muted: false });
  });
});
