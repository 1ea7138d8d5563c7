/**
 * Monitoring follows one agent on one call: when the agent leaves the call (sends the caller back to
 * the queue, transfers it to a colleague), the supervisor's monitoring of it ends, their phone is hung
 * up, and their wallboard is told (`monitor.stopped`). The agent's next call can be monitored afresh.
 */
import { describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simAudio, simRequest, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();

const { channels, hears, legOf } = simAudio(() => h.sim.httpUrl);
const agentId = (login: string) => h.server.calls.agents.list().find((a) => a.login === login)?.agentId ?? 0;
const supervisorPhoneGone = async () => !(await channels()).some((c) => c.name.startsWith('PJSIP/1005-') || c.name.startsWith('Snoop/'));

describe('monitoring ends when the monitored agent leaves the call', () => {
  it("ends 监听 when the agent sends the caller back to the queue, and listens to the agent's next call", async () => {
    await registerPhones(h.sim);
    const first = await AgentDesktop.login(h.server.httpUrl, '1001');
    const second = await AgentDesktop.login(h.server.httpUrl, '1002');
    expect(await first.command('agent.ready')).toMatchObject({ ok: true });
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super', 'PJSIP/1005');

    const a = await placeCall(h.sim.httpUrl, '13800138000', '12345');
    await first.next('call.answered', (m) => m.callId === a);
    expect(await sup.command('monitor.listen', { agentId: agentId('1001') })).toMatchObject({ ok: true });
    const firstSupLeg = await legOf('PJSIP/1005-');
    await waitFor(async () => (await hears(firstSupLeg)).length > 0, 'the supervisor hears call a');

    // 1001 sends the caller back to the queue; 1002 takes them.
    expect(await second.command('agent.ready')).toMatchObject({ ok: true });
    expect(await first.command('call.transfer', { callId: a, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
    // The supervisor's wallboard is told, and their phone is no longer on a dead snoop.
    expect(await sup.next('monitor.stopped', (m) => m.callId === a)).toMatchObject({ agentId: agentId('1001'), reason: 'agent-left' });
    await waitFor(supervisorPhoneGone, "the supervisor's phone hung up");
    await second.next('call.answered', (m) => m.callId === a);
    // Nobody on call a, now with 1002, hears a supervisor.
    const secondLeg = await legOf('PJSIP/1002-');
    expect(await hears(a)).toEqual([secondLeg]);

    // 1001 answers a new caller: 监听 of 1001 rings the supervisor's phone again and hears call b.
    await first.next('agent.state', (m) => m.state === 'ready');
    const b = await placeCall(h.sim.httpUrl, '13800138002', '12345');
    await first.next('call.answered', (m) => m.callId === b);
    expect(await sup.command('monitor.listen', { agentId: agentId('1001') })).toMatchObject({ ok: true });
    const supLeg = await legOf('PJSIP/1005-');
    expect(supLeg).not.toBe(firstSupLeg);
    await waitFor(async () => (await hears(supLeg)).length > 0, 'the supervisor hears call b');
    expect(await hears(b)).not.toContain(supLeg);

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${a}/hangup`);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${b}/hangup`);
    await waitFor(supervisorPhoneGone, 'monitoring over with call b');
    first.close();
    second.close();
    sup.close();
  });

  it('takes a barging supervisor out of the call when the agent blind-transfers it to a colleague', async () => {
    await registerPhones(h.sim);
    const first = await AgentDesktop.login(h.server.httpUrl, '1003');
    const colleague = await AgentDesktop.login(h.server.httpUrl, '1004');
    expect(await first.command('agent.ready')).toMatchObject({ ok: true });
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super', 'PJSIP/1005');

    const id = await placeCall(h.sim.httpUrl, '13800138003', '12345');
    await first.next('call.answered', (m) => m.callId === id);
    expect(await sup.command('monitor.barge', { agentId: agentId('1003') })).toMatchObject({ ok: true });
    const supLeg = await legOf('PJSIP/1005-');
    await waitFor(async () => (await hears(id)).includes(supLeg), 'the caller hears the supervisor');

    // 1003 hands the caller to 1004 (the call keeps its bridge): the supervisor leaves with 1003.
    expect(await colleague.command('agent.ready')).toMatchObject({ ok: true });
    expect(await first.command('call.transfer', { callId: id, target: { kind: 'agent', agentId: agentId('1004') }, mode: 'blind' })).toMatchObject({ ok: true });
    expect(await sup.next('monitor.stopped', (m) => m.callId === id)).toMatchObject({ agentId: agentId('1003'), reason: 'agent-left' });
    await colleague.next('call.answered', (m) => m.callId === id);
    await waitFor(supervisorPhoneGone, "the supervisor's phone hung up");
    // Caller and colleague talk between themselves only.
    const colleagueLeg = await legOf('PJSIP/1004-');
    expect(await hears(id)).toEqual([colleagueLeg]);
    expect(await hears(colleagueLeg)).toEqual([id]);

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await colleague.next('call.ended', (m) => m.callId === id);
    first.close();
    colleague.close();
    sup.close();
  });
});
