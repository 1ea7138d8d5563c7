/**
 * 回拨 from the desk's missed-call list (`call.dial` with `missedCallId`) of a caller who gave up on the
 * parallel hotline 12315 (双号并行). The call runs under the missed call's own 12315 ticket and pops
 * as that hotline — its name and `mode` `parallel`, like the automatic 漏接回拨 of the same caller
 * (PROTOCOL.md), not as a 12345 main-number call — and the citizen's phone shows 12315 calling, the
 * number they had called. A new 外呼 still pops and calls as the main line.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, missedCalls } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { OpenDesks } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

// No overflow: the 12315 caller waits for the 12315 seat, which nobody staffs, and gives up.
const h = useHarness({ queueOverflowSeconds: 3600 });
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim);
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 20 });
});
afterAll(() => desks.closeAll());

const rowOf = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));

describe("an agent's 回拨 of a 12315 caller who gave up", () => {
  it('pops as the parallel hotline, like the automatic callback of the same caller', async () => {
    const caller = '13800137011';
    const id = await placeCall(h.sim.httpUrl, caller, '12315');
    await waitFor(async () => (await rowOf(id))?.state === 'queued', 'queued for 12315');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    const missed = await waitFor(async () => first(await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.callerNumber, caller)).limit(1)), 'the missed-call entry');

    const desk = await desks.open('1001', true);
    const dialled = desk.command('call.dial', { number: caller, missedCallId: missed.id });
    const pop = await desk.next('call.offered', (m) => m.outbound === true);
    expect(pop).toMatchObject({ callerNumber: caller, missedCallId: missed.id, hotline: '12315 市场监管投诉举报热线' });
    expect(pop.mode, 'the pop of a 12315 callback names its merge mode').toBe('parallel');
    expect(await dialled).toMatchObject({ ok: true });
    // The citizen's leg (the call's id) shows the hotline they had called.
    expect(h.sim.core.channel(String(pop.callId))?.caller.number, 'the number the citizen sees calling').toBe('12315');
    expect(await desk.command('call.hangup', { callId: pop.callId })).toMatchObject({ ok: true });
    await desk.next('call.ended', (m) => m.callId === pop.callId);
  });

  it('(control) a new 外呼 pops and calls as the main line', async () => {
    const desk = await desks.open('1002', true);
    const dialled = desk.command('call.dial', { number: '13800137012' });
    const pop = await desk.next('call.offered', (m) => m.outbound === true);
    expect(pop).toMatchObject({ callerNumber: '13800137012', missedCallId: null, mode: 'main', hotline: '12345 政务服务便民热线' });
    expect(await dialled).toMatchObject({ ok: true });
    expect(h.sim.core.channel(String(pop.callId))?.caller.number).toBe('12345');
    expect(await desk.command('call.hangup', { callId: pop.callId })).toMatchObject({ ok: true });
  });
});
