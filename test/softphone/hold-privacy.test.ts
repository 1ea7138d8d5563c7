/**
 * Hold is private: while an agent holds a call, consults a colleague or rings a third party, the
 * caller hears music and nothing of the agent, and the agent hears nothing of the caller. Checked
 * on what each channel hears in the simulator, whose audio model follows the recorded real
 * Asterisk (music reaches only the channel it plays on; that channel's own audio still reaches its
 * bridge — runs 6b and 8 of 2026-12-04).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: Harness;
const desks: AgentDesktop[] = [];

beforeAll(async () => {
  h = await startHarness({ ringTimeoutSeconds: 5 });
  await registerPhones(h.sim);
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 50 });
});
afterAll(async () => {
  await waitFor(() => h.server.calls.calls().length === 0, 'all calls over');
  await h.stop();
});
afterEach(async () => {
  while (desks.length) desks.pop()?.close();
  await registerPhones(h.sim);
  await new Promise((r) => setTimeout(r, 50));
});

interface Heard {
  id: string;
  name: string;
  hears: string[];
}

async function desk(login: string): Promise<AgentDesktop> {
  const d = await AgentDesktop.login(h.server.httpUrl, login);
  desks.push(d);
  expect(await d.command('agent.ready')).toMatchObject({ ok: true });
  return d;
}

const channel = async (id: string) => (await simRequest<Heard>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).body;
const channels = async () => (await simRequest<Heard[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
/** The live channel of a phone (`PJSIP/1001-…`). */
async function phoneLeg(phone: string): Promise<string> {
  return waitFor(async () => (await channels()).find((c) => c.name.startsWith(`PJSIP/${phone}-`))?.id, `the leg of ${phone}`);
}
/** Waits until `id` hears exactly `sources` (channel ids and music), in any order. */
async function hearsExactly(id: string, sources: string[], what: string): Promise<void> {
  const want = [...sources].sort();
  await waitFor(async () => JSON.stringify([...(await channel(id)).hears].sort()) === JSON.stringify(want), what);
}
async function hangUp(id: string): Promise<void> {
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  await waitFor(() => !h.server.calls.call(id), 'the call to end');
}
const agentId = (login: string) => h.server.calls.agents.list().find((a) => a.login === login)?.agentId;

describe('hold', () => {
  it('the caller hears music and nothing of the agent; the agent hears nothing; resume restores both ways', async () => {
    const a = await desk('1001');
    const caller = await placeCall(h.sim.httpUrl, '13800000101', '12345');
    await a.next('call.answered', (m) => m.callId === caller);
    const agent = await phoneLeg('1001');
    await hearsExactly(caller, [agent], 'caller and agent hear each other');
    await hearsExactly(agent, [caller], 'the agent hears the caller');

    expect(await a.command('call.hold', { callId: caller })).toMatchObject({ ok: true });
    await a.next('call.held', (m) => m.callId === caller);
    await hearsExactly(caller, ['moh:default'], 'the caller hears only music');
    await hearsExactly(agent, [], 'the agent hears nothing of the caller');

    expect(await a.command('call.resume', { callId: caller })).toMatchObject({ ok: true });
    await hearsExactly(caller, [agent], 'the caller hears the agent again');
    await hearsExactly(agent, [caller], 'the agent hears the caller again');
    await hangUp(caller);
  });

  it('the agent hangs up while the caller is on hold: the music stops for the survey', async () => {
    const a = await desk('1001');
    const caller = await placeCall(h.sim.httpUrl, '13800000102', '12345');
    await a.next('call.answered', (m) => m.callId === caller);
    await a.command('call.hold', { callId: caller });
    await hearsExactly(caller, ['moh:default'], 'on hold');
    expect(await a.command('call.hangup', { callId: caller })).toMatchObject({ ok: true });
    await waitFor(async () => (await channel(caller)).hears.some((s) => s.startsWith('playback:')), 'the caller hears the survey prompt');
    expect((await channel(caller)).hears).not.toContain('moh:default');
    await hangUp(caller);
  });
});

describe('consultation', () => {
  it('attended transfer: while the agent talks to the colleague, the caller hears only music and neither hears the caller', async () => {
    const a = await desk('1001');
    const caller = await placeCall(h.sim.httpUrl, '13800000103', '12345');
    await a.next('call.answered', (m) => m.callId === caller);
    const agent = await phoneLeg('1001');
    await desk('1002');
    expect(await a.command('call.transfer', { callId: caller, target: { kind: 'agent', agentId: agentId('1002') }, mode: 'attended' })).toMatchObject({ ok: true });
    await waitFor(() => h.server.calls.agents.get(agentId('1002') ?? 0)?.state === 'on_call', 'the colleague answered');
    const colleague = await phoneLeg('1002');
    await hearsExactly(caller, ['moh:default'], 'the caller hears only music');
    await hearsExactly(agent, [colleague], 'the agent hears only the colleague');
    await hearsExactly(colleague, [agent], 'the colleague hears only the agent');

    expect(await a.command('call.transfer.cancel', { callId: caller })).toMatchObject({ ok: true });
    await hearsExactly(caller, [agent], 'back with the caller');
    await hearsExactly(agent, [caller], 'the agent hears the caller again');
    await hangUp(caller);
  });

  it('three-way set-up: while the third party rings the caller hears only music; then all three hear each other', async () => {
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1003', { online: true, answer: 'manual' });
    const a = await desk('1001');
    const caller = await placeCall(h.sim.httpUrl, '13800000104', '12345');
    await a.next('call.answered', (m) => m.callId === caller);
    const agent = await phoneLeg('1001');
    await desk('1003');
    const joined = a.command('call.conference', { callId: caller, target: { kind: 'agent', agentId: agentId('1003') } });
    const third = await phoneLeg('1003');
    await hearsExactly(caller, ['moh:default'], 'the caller waits with music');
    await hearsExactly(agent, [], 'the agent hears nothing of the caller');

    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1003/answer');
    expect(await joined).toMatchObject({ ok: true });
    await hearsExactly(caller, [agent, third], 'the caller hears both');
    await hearsExactly(agent, [caller, third], 'the agent hears both');
    await hangUp(caller);
  });
});
