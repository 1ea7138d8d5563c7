/**
 * 重复来电率 counts calls whose number called in during the 24 h before (README, KPIs). A citizen the
 * centre itself called (click-to-call, 外呼) who then rings 12345 for the first time is not a repeat
 * caller: the centre's call to them is not theirs to the centre.
 */
import { describe, expect, it } from 'vitest';
import { shanghaiDay } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness();

describe('repeat-call rate after a click-to-call', () => {
  it('does not count the centre calling the citizen as the citizen calling before', async () => {
    await registerPhones(h.sim);
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 10 });
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });

    // The centre calls the citizen (外呼) and hangs up.
    const dialled = await desk.command('call.dial', { number: '13911112222' });
    expect(dialled).toMatchObject({ ok: true });
    const out = await desk.next('call.answered', () => true);
    expect(await desk.command('call.hangup', { callId: out.callId })).toMatchObject({ ok: true });
    await desk.next('call.ended', (m) => m.callId === out.callId);
    await desk.next('agent.state', (m) => m.state === 'ready');

    // Later the citizen calls 12345 for the first time.
    const inbound = await placeCall(h.sim.httpUrl, '13911112222', '12345');
    await desk.next('call.answered', (m) => m.callId === inbound);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${inbound}/hangup`);
    await desk.next('call.ended', (m) => m.callId === inbound);

    const token = (await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username: 'super', password: 'demo' })).body.token;
    const day = shanghaiDay(h.clock.now());
    const report = await waitFor(async () => {
      const res = await fetch(`${h.server.httpUrl}/api/v1/kpis?date=${day}`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { totals: { offered: number; outbound: number; repeatCallRate: number | null } };
      return body.totals.offered === 1 && body.totals.outbound === 1 ? body : undefined;
    }, 'both calls in the report');
    // One inbound call, from a number that had never called in: no repeat call.
    expect(report.totals.repeatCallRate).toBe(0);
    desk.close();
  });
});
