/**
 * `hello` of a desktop reconnecting during a blind transfer to a colleague, while the colleague's
 * phone rings. The call still names the first agent (`agentId`) until the colleague answers, so
 * `hello` follows the agent's own state, as `allowed` does: the colleague whose phone rings gets the
 * call (the pop comes back), the first agent, already in wrap-up, gets none (the call is no longer
 * theirs; before, their desktop showed the call they had handed away).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenDesks, type AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, hangUpEverything, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest } from '../support/sim-client.js';

let h: Harness;
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  h = await startHarness({ ringTimeoutSeconds: 15, wrapUpSeconds: 30 });
  await registerPhones(h.sim);
});
afterEach(async () => {
  await hangUpEverything(h);
  desks.closeAll();
});
afterAll(async () => {
  await h.stop();
});

const desk = (login: string) => desks.open(login);
const agentId = (login: string) => h.server.calls.agents.list().find((a) => a.login === login)?.agentId;
const agent = (login: string) => h.server.calls.agents.list().find((a) => a.login === login);


/** `from` answers a caller and blind-transfers them to `to`, whose phone rings until answered. */
async function blindTransfer(from: string, to: string, caller: string): Promise<{ a: AgentDesktop; t: AgentDesktop; callId: string }> {
  await simRequest(h.sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${to}`, { online: true, answer: 'manual' });
  const a = await desk(from);
  const t = await desk(to);
  expect(await a.command('agent.ready')).toMatchObject({ ok: true });
  const callId = await placeCall(h.sim.httpUrl, caller, '12345');
  await a.next('call.answered', (m) => m.callId === callId);
  expect(await t.command('agent.ready')).toMatchObject({ ok: true });
  expect(await a.command('call.transfer', { callId, target: { kind: 'agent', agentId: agentId(to) }, mode: 'blind' })).toMatchObject({ ok: true });
  await t.next('call.offered', (m) => m.callId === callId);
  await a.next('agent.state', (m) => m.state === 'wrap_up');
  expect(agent(to)).toMatchObject({ state: 'ringing', callId });
  return { a, t, callId };
}

describe('hello during a blind transfer to a colleague', () => {
  it('the colleague whose phone rings gets the call back in hello', async () => {
    const { t, callId } = await blindTransfer('1001', '1002', '13800009202');
    const hello = await t.reconnect();
    expect(hello.agent).toMatchObject({ state: 'ringing' });
    expect(hello.call).toMatchObject({ callId });
  });

  it('the agent who transferred the call, in wrap-up, does not get it back', async () => {
    const { a } = await blindTransfer('1003', '1004', '13800009301');
    const hello = await a.reconnect();
    expect(hello.agent).toMatchObject({ state: 'wrap_up' });
    // The call is ringing the colleague: it is no longer this agent's.
    expect(hello.call).toBeNull();
    expect(hello.allowed).not.toContain('call.hangup');
  });
});
