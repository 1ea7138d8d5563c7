/**
 * A colleague consulted in an attended transfer (咨询转接) picks up: they now talk with the agent
 * while the caller waits. Their live desk must show that — the consultation answered, its talk time
 * running from their pick-up — and a desk that reconnects (`hello`) must describe the same call the
 * same way, with the same answered time; neither may leave it ringing (振铃) for them. When the agent
 * then completes the transfer, the caller is theirs and the talk time runs from that `call.answered`
 * on both paths (hello-colleague-view.test.ts), not from the consultation's pick-up any more.
 */
import { describe, expect, it } from 'vitest';
import { consultingColleague, useConsultingWorld } from '../support/consulting.js';
import { simRequest } from '../support/sim-client.js';

const { h, desks } = useConsultingWorld({ wrapUpSeconds: 600 });

/** Moves the server's clock 90 s on, so an answered time read at the wrong moment shows. */
function laterBy90s(): void {
  h.clock.set(new Date(h.clock.now().getTime() + 90_000).toISOString());
}

describe('a consulted colleague who picked up', () => {
  it('is told the consultation is answered, and hello after a reconnect says the same', async () => {
    const { a, t, caller } = await consultingColleague(h, desks, '13900007401');
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer');
    await a.next('call.consult.answered', (m) => m.callId === caller);

    const answered = await t.next('call.consult.answered', (m) => m.callId === caller);
    expect(answered).toMatchObject({ callId: caller, consulted: true });
    expect(typeof answered.at).toBe('string');
    expect(answered.target).toEqual(expect.stringContaining('1001'));

    laterBy90s();
    const hello = await t.reconnect();
    expect(hello.call).toMatchObject({ callId: caller, state: 'consulting', answeredAt: answered.at, consulted: true });
  });

  it('once the transfer is completed, counts the talk time from the call.answered, live and after a reconnect', async () => {
    const { a, t, caller } = await consultingColleague(h, desks, '13900007402');
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer');
    await a.next('call.consult.answered', (m) => m.callId === caller);
    const answered = await t.next('call.consult.answered', (m) => m.callId === caller);

    laterBy90s();
    expect(await a.command('call.transfer.complete', { callId: caller })).toMatchObject({ ok: true });
    const taken = await t.next('call.answered', (m) => m.callId === caller);
    expect(taken.at).not.toBe(answered.at);
    expect(t.received.filter((m) => m.callId === caller).map((m) => m.type)).toEqual(['call.offered', 'call.consult.answered', 'call.answered']);

    const hello = await t.reconnect();
    expect(hello.call).toMatchObject({ callId: caller, state: 'connected', answeredAt: taken.at });
    expect(hello.call).not.toHaveProperty('consulted');
  });
});
