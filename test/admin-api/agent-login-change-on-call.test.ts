/**
 * Changing an agent's login (工号) ends their sessions: the desktop is logged out, as after 停用 or a
 * role change. Those are refused (409) while the agent is ringing or on a call, so that a citizen is not
 * left with an agent whose desktop vanished mid-call (no ticket form, no transfer, no hang-up button);
 * a login change is refused the same way, and goes through once the call is over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenDesks } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { api, client, login, type ErrorBody } from './admin-client.js';

const h = useHarness();
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(() => registerPhones(h.sim));
afterAll(() => desks.closeAll());

describe('changing the login of an agent on a call', () => {
  it('is refused with 409 and leaves their desktop signed in; once the call is over it goes through', async () => {
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const agentId = (await admin<{ id: number; login: string }[]>('GET', '/api/v1/agents')).body.find((a) => a.login === '1004')?.id;
    const desk = await desks.open('1004', true);
    // 1004 serves 12315 (market supervision).
    const callId = await placeCall(h.sim.httpUrl, '13800009402', '12315');
    await desk.next('call.answered', (m) => m.callId === callId);

    const refused = await admin<ErrorBody>('PATCH', `/api/v1/agents/${agentId}`, { login: '1004a' });
    expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 409, error: '坐席 1004 正在通话中，不能更改登录名' });
    // The desktop's session goes on: its token still opens the API, and its socket is open.
    expect((await api(h.server.httpUrl, 'GET', '/api/v1/routes', { token: desk.token })).status).toBe(200);
    expect(desk.closeCode).toBeNull();
    expect((await admin<{ login: string }>('GET', `/api/v1/agents/${agentId}`)).body.login).toBe('1004');

    // The caller hangs up: the agent is in wrap-up, off the call, and the change goes through.
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    await waitFor(() => h.server.calls.agents.get(agentId ?? 0)?.state === 'wrap_up', '1004 in wrap-up');
    const renamed = await admin<{ login: string }>('PATCH', `/api/v1/agents/${agentId}`, { login: '1004a' });
    expect(renamed.status).toBe(200);
    expect(await desk.closed()).toBe(4401);
  });
});
