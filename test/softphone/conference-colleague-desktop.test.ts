/**
 * A three-way call with a colleague, as the colleague's desktop sees it: told it is in the call when
 * it joins (with the buttons the server accepts from it then: none, the call is the first agent's),
 * told the caller is its own when the first agent leaves (and its commands then work), told when it
 * leaves or the call ends — never left showing a ringing pop or a call that is over.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenDesks, type AgentDesktop, type WireMessage } from '../support/agent-desktop.js';
import { registerPhones, hangUpEverything, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest } from '../support/sim-client.js';

let h: Harness;
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  h = await startHarness({ ringTimeoutSeconds: 5 });
  await registerPhones(h.sim);
});
afterEach(async () => {
  // A caller left for the survey after the agent hung up goes too.
  await hangUpEverything(h);
  desks.closeAll();
});
afterAll(async () => {
  await h.stop();
});

const desk = (login: string, ready: boolean) => desks.open(login, ready);
const agentId = (login: string) => h.server.calls.agents.list().find((a) => a.login === login)?.agentId;
const since = (d: AgentDesktop, mark: number) => (m: WireMessage) => d.received.indexOf(m) >= mark;

/** A (1001) answers a call and brings T (1002) into a three-way call; T's desktop is told it joined. */
async function threeWay(caller: string): Promise<{ a: AgentDesktop; t: AgentDesktop; callId: string }> {
  const a = await desk('1001', true);
  const t = await desk('1002', false);
  const callId = await placeCall(h.sim.httpUrl, caller, '12345');
  await a.next('call.answered', (m) => m.callId === callId);
  expect(await t.command('agent.ready')).toMatchObject({ ok: true });
  expect(await a.command('call.conference', { callId, target: { kind: 'agent', agentId: agentId('1002') } })).toMatchObject({ ok: true });
  await t.next('call.offered', (m) => m.callId === callId);
  // What a desktop gets on answering, then that it is a three-way call with A.
  const answered = await t.next('call.answered', (m) => m.callId === callId);
  const joined = await t.next('call.conference', (m) => m.callId === callId);
  expect(joined.target).toBe('坐席 1001 王芳');
  // The call is A's while A is in it: T's desktop offers nothing, and the server takes nothing from T.
  expect(answered.allowed).toEqual([]);
  expect(joined.allowed).toEqual([]);
  expect(await t.command('call.hangup', { callId })).toMatchObject({ ok: false, error: '不能操作其他坐席的通话' });
  return { a, t, callId };
}

describe("three-way call with a colleague, on the colleague's desktop", () => {
  it('the first agent leaves: the colleague is told the caller is theirs, and their call buttons work', async () => {
    const { a, t, callId } = await threeWay('13800007201');
    const mark = t.received.length;
    expect(await a.command('call.kick', { callId, party: 'agent' })).toMatchObject({ ok: true });
    await a.next('call.conference.ended', (m) => m.callId === callId && m.left === 'agent');

    const theirs = await t.next('call.conference.ended', (m) => since(t, mark)(m) && m.callId === callId);
    expect(theirs.left).toBe('third');
    expect(theirs.allowed).toEqual(['call.hangup', 'call.hold', 'call.mute', 'call.dtmf', 'call.transfer', 'call.conference']);
    expect(await t.command('call.hold', { callId })).toMatchObject({ ok: true });
    expect(await t.command('call.resume', { callId })).toMatchObject({ ok: true });
    expect(await t.command('call.hangup', { callId })).toMatchObject({ ok: true });
    const ended = await t.next('call.ended', (m) => since(t, mark)(m) && m.callId === callId);
    expect(ended.allowed).not.toContain('call.hangup');
  });

  it("the colleague's desktop reconnecting during the three-way call gets the call back in hello, with nothing it may do yet", async () => {
    const { t, callId } = await threeWay('13800007204');
    t.close();
    const again = await desk('1002', false);
    const hello = await again.next('hello');
    expect(hello.agent).toMatchObject({ login: '1002', state: 'on_call' });
    expect(hello.call).toMatchObject({ callId, callerNumber: '13800007204' });
    expect(hello.allowed).toEqual([]);
  });

  it('the colleague is dropped: their desktop is told they left, the first agent goes on with the caller', async () => {
    const { a, t, callId } = await threeWay('13800007202');
    const mark = t.received.length;
    expect(await a.command('call.kick', { callId, party: 'third' })).toMatchObject({ ok: true });
    const left = await t.next('call.conference.ended', (m) => since(t, mark)(m) && m.callId === callId);
    expect(left.left).toBe('agent');
    expect(left.allowed).not.toContain('call.hangup');
    const aSide = await a.next('call.conference.ended', (m) => m.callId === callId);
    expect(aSide.left).toBe('third');
    // The first agent's buttons are those of a call of their own again (no three-way call holds it).
    expect(aSide.allowed).toEqual(['call.hangup', 'call.hold', 'call.mute', 'call.dtmf', 'call.transfer', 'call.conference']);
    expect(await a.command('call.hangup', { callId })).toMatchObject({ ok: true });
    await a.next('call.ended', (m) => m.callId === callId);
    // The call's end concerns T no more: T was told once that the call is over for them.
    expect(t.received.filter((m) => m.callId === callId && (m.type === 'call.ended' || m.type === 'call.conference.ended'))).toHaveLength(1);
  });

  it('the caller hangs up during the three-way call: both desktops are told the call ended', async () => {
    const { a, t, callId } = await threeWay('13800007203');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    await a.next('call.ended', (m) => m.callId === callId);
    const ended = await t.next('call.ended', (m) => m.callId === callId);
    expect(ended.allowed).not.toContain('call.hangup');
  });
});
