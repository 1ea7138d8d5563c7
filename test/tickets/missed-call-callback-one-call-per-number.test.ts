/**
 * 漏接回拨 rings a citizen once at a time, whoever calls: while an agent's 回拨 rings the citizen the
 * campaign leaves the number for its next run (no attempt used), and while the campaign rings them an
 * agent's 回拨 is refused before the agent's phone rings.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { missedCalls, putSetting } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness();

interface SimChannel {
  id: string;
  name: string;
}

describe('missed-call callback by hand and by the campaign', () => {
  it('never rings the citizen twice at once', async () => {
    const db = h.server.store.db;
    const caller = '13800139999';
    await registerPhones(h.sim);
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 3 });
    const id = await placeCall(h.sim.httpUrl, caller, '12345');
    await waitFor(async () => (await simRequest<{ bridgeId: string | null }>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.bridgeId !== null, 'queued');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    const missed = await waitFor(async () => (await db.select().from(missedCalls).where(eq(missedCalls.callerNumber, caller)).limit(1))[0], 'missed-call entry');
    const entry = async () => (await db.select().from(missedCalls).where(eq(missedCalls.id, missed.id)).limit(1))[0];
    const trunkLegs = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body.filter((c) => c.name.startsWith('PJSIP/trunk'));
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    await desk.command('agent.ready');

    // The agent's 回拨 rings the citizen (until answered): the campaign's run leaves the number alone.
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'manual' });
    const byHand = desk.command('call.dial', { number: caller, missedCallId: missed.id });
    const [agentsRing] = await waitFor(async () => {
      const legs = await trunkLegs();
      return legs.length > 0 && legs;
    }, "the agent's 回拨 rings the citizen");
    let ran = false;
    const run = h.server.missedCallbacks.runOnce().then(() => {
      ran = true;
    });
    await waitFor(async () => ran || (await entry())?.attempts !== 0, 'the run over, or an attempt counted');
    expect({ legs: (await trunkLegs()).length, attempts: (await entry())?.attempts }).toEqual({ legs: 1, attempts: 0 });
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${agentsRing?.id ?? ''}/hangup`);
    expect(await byHand).toMatchObject({ ok: false });
    await run;
    await waitFor(async () => (await trunkLegs()).length === 0, 'the citizen no longer rung');

    // The campaign rings the citizen: the agent's 回拨 is refused before their phone rings.
    const campaign = h.server.missedCallbacks.runOnce();
    const [campaignRing] = await waitFor(async () => {
      const legs = await trunkLegs();
      return legs.length > 0 && legs;
    }, 'the campaign rings the citizen');
    const refused = await desk.command('call.dial', { number: caller, missedCallId: missed.id });
    const legsMeanwhile = await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${campaignRing?.id ?? ''}/hangup`);
    await campaign;
    desk.close();
    expect(refused).toMatchObject({ ok: false, error: '系统正在自动回拨该号码，请稍后再试' });
    expect(legsMeanwhile.body.map((c) => c.name)).toEqual([campaignRing?.name]);
    expect(await entry()).toMatchObject({ status: 'pending', attempts: 1 });
  });
});
