/**
 * A monitoring session belongs to one call: the end of a call the agent already left (sent back to
 * the queue, now with a colleague) ends no monitoring of the agent's current call — whether the
 * supervisor stopped monitoring the old call or it ended as the agent left it.
 */
import { describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simAudio, simRequest, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();

const { channels, hears, legOf } = simAudio(() => h.sim.httpUrl);
const agentId = (login: string) => h.server.calls.agents.list().find((a) => a.login === login)?.agentId ?? 0;
/** The supervisor's phone is bridged with a snoop on the agent, and hears the call through it. */
const supervisorHearsSnoop = async () => {
  const list = await channels();
  const snoop = list.find((c) => c.name.startsWith('Snoop/'));
  const supLeg = list.find((c) => c.name.startsWith('PJSIP/1005-'));
  return Boolean(snoop?.bridgeId && supLeg?.bridgeId === snoop.bridgeId && (await hears(supLeg.id)).length > 0);
};

/**
 * `agent` answers call a and the supervisor listens; `before` ends that monitoring and has the agent
 * send caller a back to the queue; `colleague` takes them, the agent answers call b and the
 * supervisor listens to it; then caller a hangs up, and the monitoring of call b must go on.
 */
async function callLeftBehindEnds(agent: string, colleague: string, before: (sup: SupervisorDesk, desk: AgentDesktop, a: string) => Promise<void>): Promise<{ sup: SupervisorDesk; b: string; close: () => void }> {
  await registerPhones(h.sim);
  const first = await AgentDesktop.login(h.server.httpUrl, agent);
  const second = await AgentDesktop.login(h.server.httpUrl, colleague);
  expect(await first.command('agent.ready')).toMatchObject({ ok: true });
  const sup = await SupervisorDesk.login(h.server.httpUrl, 'super', 'PJSIP/1005');

  const a = await placeCall(h.sim.httpUrl, '13800138010', '12345');
  await first.next('call.answered', (m) => m.callId === a);
  expect(await sup.command('monitor.listen', { agentId: agentId(agent) })).toMatchObject({ ok: true });
  await waitFor(supervisorHearsSnoop, 'the supervisor hears call a');
  expect(await second.command('agent.ready')).toMatchObject({ ok: true });
  await before(sup, first, a);
  await waitFor(async () => !(await channels()).some((c) => c.name.startsWith('PJSIP/1005-')), 'the first monitoring over');
  await second.next('call.answered', (m) => m.callId === a);

  await first.next('agent.state', (m) => m.state === 'ready');
  const b = await placeCall(h.sim.httpUrl, '13800138011', '12345');
  await first.next('call.answered', (m) => m.callId === b);
  expect(await sup.command('monitor.listen', { agentId: agentId(agent) })).toMatchObject({ ok: true });
  await waitFor(supervisorHearsSnoop, 'the supervisor hears call b');
  const received = sup.received.length;

  // Caller a, now with the colleague, hangs up; the call is over on the server once it left the live calls.
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${a}/hangup`);
  await second.next('call.ended', (m) => m.callId === a);
  await waitFor(() => h.server.calls.call(a) === undefined, 'call a gone from the live calls');

  // Call b goes on, and so does its monitoring: the supervisor still hears it, nothing told them otherwise.
  expect(await supervisorHearsSnoop()).toBe(true);
  expect(sup.received.slice(received).filter((m) => m.type === 'monitor.stopped')).toEqual([]);
  const agentLeg = await legOf(`PJSIP/${agent}-`);
  expect(await hears(b)).toEqual([agentLeg]);
  return {
    sup,
    b,
    close: () => {
      first.close();
      second.close();
      sup.close();
    },
  };
}

async function hangUpAndClose(run: { b: string; close: () => void }): Promise<void> {
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${run.b}/hangup`);
  await waitFor(async () => !(await channels()).some((c) => c.name.startsWith('PJSIP/1005-') || c.name.startsWith('Snoop/')), 'monitoring over with call b');
  run.close();
}

describe('the end of a call the agent already left', () => {
  it("does not stop monitoring of the agent's current call after the supervisor stopped monitoring the old one", async () => {
    const run = await callLeftBehindEnds('1001', '1002', async (sup, desk, a) => {
      expect(await sup.command('monitor.stop', { agentId: agentId('1001') })).toMatchObject({ ok: true });
      expect(await desk.command('call.transfer', { callId: a, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
    });
    await hangUpAndClose(run);
  });

  it("does not stop monitoring of the agent's current call after the old one's monitoring ended with the transfer", async () => {
    const run = await callLeftBehindEnds('1003', '1002', async (sup, desk, a) => {
      expect(await desk.command('call.transfer', { callId: a, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
      await sup.next('monitor.stopped', (m) => m.callId === a);
    });
    await hangUpAndClose(run);
  });
});
