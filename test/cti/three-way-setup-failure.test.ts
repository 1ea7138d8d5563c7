/**
 * A three-way call whose set-up the PBX refuses (the caller's music-on-hold request gets no answer for
 * a while) is given up: the agent is told it failed, the colleague's ring is hung up and they are
 * ready again, and the caller — never taken out of the call (the hold's step was undone) — is still
 * with the agent. A three-way call the agent cancels while it rings, whose putting the caller back the
 * PBX refuses (the move into the call's bridge gets no answer): that failure is logged, never left as
 * an unhandled rejection (which ends the whole CTI process on Node 20, every live call losing its
 * controller), and the call goes on under the server's control.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { capturedLog } from '../support/test-logger.js';

const CALLER = '13800007501';
/** What the PBX loses for the caller (the connection closes unanswered): their music on hold, or the moves into the call's bridge. */
let failing: { caller: string; step: 'moh' | 'addChannel' } | null = null;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const { log, lines } = capturedLog('warn');

const h = useHarness(
  { ringTimeoutSeconds: 10 },
  {
    // A request lost on its way is an HTTP failure: an Asterisk that takes no requests over the events socket.
    requestsOverSocket: false,
    onAriRequest: (r) =>
      failing !== null && r.method === 'POST' && (failing.step === 'moh' ? r.path.includes(`/channels/${failing.caller}/moh`) : /\/bridges\/[^/]+\/addChannel/.test(r.path)) ? 'drop' : undefined,
  },
  log,
);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

const agentOf = (login: string) => h.server.calls.agents.list().find((a) => a.login === login);
interface SimChannel {
  id: string;
  name: string;
  bridgeId: string | null;
}
const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
const callRow = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];

/** The caller (agent 1001's) and the colleague (1002, whose phone rings until told) of a three-way call about to be made. */
async function callWithColleagueReady(number: string): Promise<{ a: AgentDesktop; t: AgentDesktop; caller: string }> {
  await registerPhones(h.sim);
  const a = await AgentDesktop.login(h.server.httpUrl, '1001');
  const t = await AgentDesktop.login(h.server.httpUrl, '1002');
  expect(await a.command('agent.ready')).toMatchObject({ ok: true });
  const caller = await placeCall(h.sim.httpUrl, number, '12345');
  await a.next('call.answered', (m) => m.callId === caller);
  expect(await t.command('agent.ready')).toMatchObject({ ok: true });
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: true, answer: 'manual', answerDelayMs: 50 });
  return { a, t, caller };
}

/** The colleague's ring is gone and they are ready for the next caller. */
async function colleagueReadyAgain(t: AgentDesktop): Promise<void> {
  await waitFor(async () => !(await channels()).some((c) => c.name.startsWith('PJSIP/1002-')), "the colleague's ring hung up");
  await t.next('agent.state', (m) => m.state === 'ready' && t.received.indexOf(m) > t.received.findIndex((o) => o.type === 'agent.state' && o.state === 'ringing'));
}

/** The server still controls the call: the agent ends their part, and the call is recorded as over. */
async function agentEndsTheCall(a: AgentDesktop, t: AgentDesktop, caller: string): Promise<void> {
  expect(await a.command('call.hangup', { callId: caller })).toMatchObject({ ok: true });
  await a.next('agent.state', (m) => m.state === 'wrap_up');
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
  await waitFor(async () => (await callRow(caller))?.endedAt, 'the call row ended');
  a.close();
  t.close();
}

const unhandledNow = () => unhandled.map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)));

describe('a three-way call whose set-up the PBX refuses', () => {
  it('is given up: the colleague is ready again, the caller still with the agent, who still ends the call', async () => {
    const { a, t, caller } = await callWithColleagueReady(CALLER);
    failing = { caller, step: 'moh' };
    expect(await a.command('call.conference', { callId: caller, target: { kind: 'agent', agentId: agentOf('1002')?.agentId } })).toMatchObject({ ok: false });
    await waitFor(() => unhandled.length > 0 || lines.some((l) => l.includes('three-way set-up step failed')), 'the set-up failure handled');
    failing = null;
    expect(unhandledNow(), 'unhandled rejections').toEqual([]);
    expect(lines.join('\n'), 'the log names the caller masked only').not.toContain(CALLER);
    // Never taken out of the call: still in the bridge with the agent's phone.
    const all = await channels();
    const bridge = all.find((c) => c.id === caller)?.bridgeId ?? null;
    expect(bridge !== null && all.some((c) => c.name.startsWith('PJSIP/1001-') && c.bridgeId === bridge), 'the caller with the agent').toBe(true);

    await colleagueReadyAgain(t);
    await agentEndsTheCall(a, t, caller);
  });

  it('cancelled while it rings, with the caller not taken back by the PBX: logged, and the call goes on', async () => {
    const { a, t, caller } = await callWithColleagueReady('13800007502');
    const conference = a.command('call.conference', { callId: caller, target: { kind: 'agent', agentId: agentOf('1002')?.agentId } });
    await t.next('call.offered', (m) => m.callId === caller);
    failing = { caller, step: 'addChannel' };
    expect(await a.command('call.transfer.cancel', { callId: caller })).toMatchObject({ ok: true });
    expect(await conference).toMatchObject({ ok: false });
    // Putting the caller back fails: handled (and logged), or an unhandled rejection.
    await waitFor(() => unhandled.length > 0 || lines.some((l) => l.includes('taking the caller off hold failed')), 'putting the caller back to fail');
    failing = null;
    expect(unhandledNow(), 'unhandled rejections').toEqual([]);
    expect(lines.join('\n'), 'the log names the caller masked only').not.toContain('13800007502');

    await colleagueReadyAgain(t);
    await agentEndsTheCall(a, t, caller);
  });
});

