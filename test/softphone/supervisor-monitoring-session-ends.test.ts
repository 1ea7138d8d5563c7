/**
 * Live monitoring lasts only while the session that started it does. The supervisor's phone is not
 * tied to the wallboard page, so closing the page leaves it listening; but a supervisor who logs out,
 * or whose account is disabled, stops hearing the citizen's call at once: their phone is hung up and
 * the snoop removed, while the agent and the caller talk on.
 */
import { describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simAudio, simRequest, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();

const { channels, hears, legOf } = simAudio(() => h.sim.httpUrl);
const agentId = (login: string) => h.server.calls.agents.list().find((a) => a.login === login)?.agentId ?? 0;
const supervisorListening = async () => (await channels()).some((c) => c.name.startsWith('PJSIP/1005-') || c.name.startsWith('Snoop/'));

/** Agent `login` talks to a new caller; the supervisor 'super' listens from phone 1005 (the page then closed). */
async function listenedCall(login: string, caller: string): Promise<{ desk: AgentDesktop; callId: string; token: string }> {
  await registerPhones(h.sim);
  const desk = await AgentDesktop.login(h.server.httpUrl, login);
  expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
  const callId = await placeCall(h.sim.httpUrl, caller, '12345');
  await desk.next('call.answered', (m) => m.callId === callId);
  const sup = await SupervisorDesk.login(h.server.httpUrl, 'super', 'PJSIP/1005');
  expect(await sup.command('monitor.listen', { agentId: agentId(login) })).toMatchObject({ ok: true });
  const supLeg = await legOf('PJSIP/1005-');
  await waitFor(async () => (await hears(supLeg)).length > 0, 'the supervisor hears the call');
  // The wallboard closed: the supervisor still listens on the phone.
  sup.close();
  expect(await supervisorListening()).toBe(true);
  return { desk, callId, token: sup.token };
}

/** The call goes on: the caller hears the agent's phone, and only it. */
async function stillTalking(login: string, callId: string): Promise<void> {
  const agentLeg = await legOf(`PJSIP/${login}-`);
  expect(h.server.calls.call(callId)?.state).toBe('connected');
  expect(await hears(callId)).toEqual([agentLeg]);
}

describe('monitoring ends with the session that started it', () => {
  it('a supervisor who logs out stops listening; the agent and the caller talk on', async () => {
    const { desk, callId, token } = await listenedCall('1001', '13800138401');
    const out = await fetch(`${h.server.httpUrl}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(out.status).toBe(204);
    await waitFor(async () => !(await supervisorListening()), "the supervisor's phone hung up and the snoop gone");
    await stillTalking('1001', callId);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    desk.close();
  });

  it('a supervisor whose account is disabled stops listening', async () => {
    const { desk, callId } = await listenedCall('1002', '13800138402');
    const admin = (await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username: 'admin', password: 'demo' })).body.token;
    const supervisor = (await (await fetch(`${h.server.httpUrl}/api/v1/agents`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { id: number; login: string }[];
    const superId = supervisor.find((a) => a.login === 'super')?.id;
    const disabled = await fetch(`${h.server.httpUrl}/api/v1/agents/${superId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
    expect(disabled.status).toBe(200);
    await waitFor(async () => !(await supervisorListening()), "the supervisor's phone hung up and the snoop gone");
    await stillTalking('1002', callId);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    desk.close();
  });
});
