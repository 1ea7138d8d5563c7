/**
 * 回拨 from the missed-call list of an entry another agent has already called back (their list was
 * loaded before): refused as the "mark done" endpoint refuses it, before the agent's phone rings, and
 * the citizen is not rung a second time.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { missedCalls } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness();

describe('回拨 of a missed call already called back', () => {
  it('is refused (该来电已由其他坐席回拨) without ringing the agent or the citizen', async () => {
    const db = h.server.store.db;
    const caller = '13800138765';
    await registerPhones(h.sim);
    const id = await placeCall(h.sim.httpUrl, caller, '12345');
    await waitFor(async () => (await simRequest<{ bridgeId: string | null }>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.bridgeId !== null, 'queued');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    const missed = await waitFor(async () => (await db.select().from(missedCalls).where(eq(missedCalls.callerNumber, caller)).limit(1))[0], 'missed-call entry');

    // Agent 1002 called the citizen back and marked the entry done.
    const other = await AgentDesktop.login(h.server.httpUrl, '1002');
    const done = await fetch(`${h.server.httpUrl}/api/v1/missed-calls/${missed.id}/done`, { method: 'POST', headers: { authorization: `Bearer ${other.token}` } });
    expect(done.status).toBe(204);

    // Agent 1001 presses 回拨 on the same entry.
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    const rung: string[] = [];
    h.sim.core.subscribe((event) => {
      const e = event as { type: string; channel?: { name?: string } };
      if (e.type === 'channel.created' && e.channel?.name) rung.push(e.channel.name);
    });
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    await desk.command('agent.ready');
    const reply = await desk.command('call.dial', { number: caller, missedCallId: missed.id });
    desk.close();
    other.close();
    expect({ reply, rung }).toEqual({ reply: { type: 'result', id: expect.any(String) as string, ok: false, error: '该来电已由其他坐席回拨' }, rung: [] });
  });
});
