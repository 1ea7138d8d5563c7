/**
 * A blacklisted caller (骚扰号码) whose blocked notice cannot be played (Asterisk lost the request):
 * the call flow's "never a dead end" rescue puts a failed caller in the general queue — but a caller
 * turned away is not one to serve. They are hung up, the call stays `blocked`, and no agent is ever
 * offered them.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { client, login } from '../admin-api/admin-client.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: Harness;
/** The notice's play request is lost (the connection closes unanswered). */
beforeAll(async () => {
  h = await startHarness({}, {
    requestsOverSocket: false,
    onAriRequest: (request) =>
      request.method === 'POST' && /^\/channels\/[^/]+\/play/.test(request.path) && JSON.stringify([request.query, request.body]).includes('blocked-notice') ? 'drop' : undefined,
  });
});
afterAll(async () => {
  await h.stop();
});

describe('a blacklisted caller whose blocked notice cannot be played', () => {
  it('is hung up and recorded blocked, never offered to an agent', async () => {
    const harasser = '13800135557';
    const supervisor = client(h.server.httpUrl, await login(h.server.httpUrl, 'super'));
    expect((await supervisor('POST', '/api/v1/blacklist', { number: harasser, reason: '多次恶意骚扰坐席' })).status).toBe(201);
    await registerPhones(h.sim, ['1001']);
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    try {
      expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
      const id = await placeCall(h.sim.httpUrl, harasser, '12345');
      const row = await waitFor(async () => {
        const found = (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];
        return found?.endedAt ? found : undefined;
      }, 'the call ended');
      expect(row.outcome).toBe('blocked');
      expect(row.queuedAt, 'never put in line').toBeNull();
      await waitFor(async () => (await simRequest(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).status === 404, 'the caller hung up');
      expect(desk.received.filter((m) => m.type === 'call.offered'), 'no agent offered the harasser').toEqual([]);
    } finally {
      desk.close();
    }
  });
});
