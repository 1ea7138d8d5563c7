/**
 * A consultation or three-way call goes back to the caller (cancelled, refused by the colleague),
 * and Asterisk refuses the caller's move back into the call's bridge (the request gets no answer):
 * the caller is still on hold, hearing the music, and the agent hears nobody. The call is then 保持中,
 * as it is on the PBX: the desk is told (`call.held`, after the consultation's end) and offers 恢复,
 * which brings the caller back once Asterisk answers again — not 通话中 with only 保持 offered and the
 * caller kept in the music until the agent hangs up.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenDesks, type AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, hangUpEverything, useHarness } from '../support/harness.js';
import { placeCall, simChannels, simRequest, waitFor } from '../support/sim-client.js';

/** The caller whose moves into a bridge the PBX loses (the connection closes unanswered, every try). */
let lose: string | null = null;
const h = useHarness(
  { ringTimeoutSeconds: 10 },
  {
    // A request lost on its way is an HTTP failure: an Asterisk that takes no requests over the events socket.
    requestsOverSocket: false,
    onAriRequest: (r) =>
      lose !== null && r.method === 'POST' && /\/addChannel$/.test(r.path) && r.query.some(([, value]) => value.split(',').includes(lose ?? '')) ? 'drop' : undefined,
  },
);
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim);
});
afterAll(() => desks.closeAll());
afterEach(async () => {
  // A failed case leaves nothing behind for the next one.
  lose = null;
  await hangUpEverything(h);
  desks.closeAll();
});

const channels = () => simChannels(h.sim.httpUrl);
/** Whether the caller shares a bridge with agent 1001's phone (they hear each other). */
const withAgent = async (caller: string) => {
  const all = await channels();
  const bridge = all.find((c) => c.id === caller)?.bridgeId ?? null;
  return bridge !== null && all.some((c) => c.name.startsWith('PJSIP/1001-') && c.bridgeId === bridge);
};
const colleagueId = () => h.server.calls.agents.list().find((a) => a.login === '1002')?.agentId;

/** Agent 1001 talks to a new caller; colleague 1002 is ready, their phone ringing until told. */
async function talking(number: string): Promise<{ a: AgentDesktop; t: AgentDesktop; caller: string }> {
  const a = await desks.open('1001', true);
  const t = await desks.open('1002');
  const caller = await placeCall(h.sim.httpUrl, number, '12345');
  await a.next('call.answered', (m) => m.callId === caller);
  expect(await t.command('agent.ready')).toMatchObject({ ok: true });
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: true, answer: 'manual', answerDelayMs: 50 });
  return { a, t, caller };
}

/** The call is 保持中 on the desk; 恢复 brings the caller back to the agent once Asterisk answers; then the call ends. */
async function heldThenResumed(a: AgentDesktop, caller: string, after: number): Promise<void> {
  await a.next('call.held', (m) => m.callId === caller && a.received.indexOf(m) > after);
  expect(h.server.calls.call(caller)?.state).toBe('held');
  expect(await withAgent(caller), 'the caller still on hold').toBe(false);
  const allowed = await a.next('allowed', (m) => a.received.indexOf(m) > after && (m.allowed as string[]).includes('call.resume'));
  expect(allowed.allowed).not.toContain('call.hold');
  lose = null;
  expect(await a.command('call.resume', { callId: caller })).toMatchObject({ ok: true });
  await a.next('call.resumed', (m) => m.callId === caller);
  expect(await withAgent(caller), 'the caller back with the agent').toBe(true);
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
  await waitFor(() => h.server.calls.call(caller) === undefined, 'the call over');
}

describe('the caller not taken back by Asterisk after a consultation or three-way call', () => {
  it('consultation cancelled while the colleague talks: the call is 保持中 and 恢复 brings the caller back', async () => {
    const { a, t, caller } = await talking('13800007601');
    expect(await a.command('call.transfer', { callId: caller, target: { kind: 'agent', agentId: colleagueId() }, mode: 'attended' })).toMatchObject({ ok: true });
    await t.next('call.offered', (m) => m.callId === caller);
    await waitFor(async () => (await channels()).some((c) => c.name.startsWith('PJSIP/1002-') && c.state === 'Ringing'), "the colleague's phone ringing");
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer');
    await a.next('call.consult.answered', (m) => m.callId === caller);

    lose = caller;
    const from = a.received.length;
    await a.command('call.transfer.cancel', { callId: caller });
    const cancelled = await a.next('call.consult.cancelled', (m) => m.callId === caller);
    await heldThenResumed(a, caller, a.received.indexOf(cancelled));
    expect(a.received.slice(from).some((m) => m.type === 'result' && m.ok === false && typeof m.error === 'string' && !/[\u4e00-\u9fa5]/.test(m.error))).toBe(false);
  });

  it('three-way call refused by the colleague (拒接): the call is 保持中 and 恢复 brings the caller back', async () => {
    const { a, t, caller } = await talking('13800007602');
    const conference = a.command('call.conference', { callId: caller, target: { kind: 'agent', agentId: colleagueId() } });
    await t.next('call.offered', (m) => m.callId === caller);
    lose = caller;
    const from = a.received.length - 1;
    expect(await t.command('call.hangup', { callId: caller })).toMatchObject({ ok: true });
    expect(await conference).toMatchObject({ ok: false, error: '坐席 1002 李强 拒接' });
    await heldThenResumed(a, caller, from);
  });
});
