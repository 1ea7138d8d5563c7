/**
 * A consultation (咨询转接) whose ring to the colleague fails while the agent is still on the call goes
 * back to the caller, and the agent's desk is told why in the server's words (`why`: 无人接听, 对方忙…),
 * as it is when the agent had hung up and the caller went back in line — not the bare "back to the
 * caller" it also gets when the agent cancels the consultation themselves (no `why` then), or when
 * the colleague picked up and hung up later.
 *
 * Agent 1001 (A) answers the caller and consults colleague 1002 (T). Rings time out after 5 s of the
 * simulator's time, which runs five times faster here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { consultingColleague, useConsultingWorld } from '../support/consulting.js';
import { placeCall, simRequest } from '../support/sim-client.js';

const { h, desks } = useConsultingWorld({ ringTimeoutSeconds: 5, wrapUpSeconds: 600 }, { timeScale: 0.2 });

const setPhone = (answer: 'manual' | 'busy') => simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: true, answer });
const colleagueId = () => h.server.calls.agents.list().find((x) => x.login === '1002')?.agentId;

afterEach(async () => {
  await setPhone('manual');
});

describe('a consultation back with the caller tells the agent why', () => {
  it('the colleague does not answer before the ring times out: 无人接听', async () => {
    const { a, caller } = await consultingColleague(h, desks, '13900007301');
    const told = await a.next('call.consult.cancelled', (m) => m.callId === caller);
    expect(told).toMatchObject({ target: '坐席 1002 李强', why: '无人接听' });
    expect(told).not.toHaveProperty('requeued');
    expect(told).not.toHaveProperty('reason');
  });

  it("the colleague's phone is busy: 对方忙", async () => {
    await setPhone('busy');
    const a = await desks.open('1001', true);
    const t = await desks.open('1002');
    const caller = await placeCall(h.sim.httpUrl, '13900007302', '12345');
    await a.next('call.answered', (m) => m.callId === caller);
    expect(await t.command('agent.ready')).toMatchObject({ ok: true });
    expect(await a.command('call.transfer', { callId: caller, target: { kind: 'agent', agentId: colleagueId() }, mode: 'attended' })).toMatchObject({ ok: true });
    const told = await a.next('call.consult.cancelled', (m) => m.callId === caller);
    expect(told).toMatchObject({ target: '坐席 1002 李强', why: '对方忙' });
    expect(told).not.toHaveProperty('requeued');
  });

  it('the agent cancels the consultation while it rings: no why', async () => {
    const { a, caller } = await consultingColleague(h, desks, '13900007303');
    expect(await a.command('call.transfer.cancel', { callId: caller })).toMatchObject({ ok: true });
    const told = await a.next('call.consult.cancelled', (m) => m.callId === caller);
    expect(told).toMatchObject({ target: '坐席 1002 李强' });
    expect(told).not.toHaveProperty('why');
    expect(told).not.toHaveProperty('reason');
  });

  it('the colleague picked up and hangs up: no why (the ring did not fail)', async () => {
    const { a, caller } = await consultingColleague(h, desks, '13900007304');
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer');
    await a.next('call.consult.answered', (m) => m.callId === caller);
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/hangup');
    const told = await a.next('call.consult.cancelled', (m) => m.callId === caller);
    expect(told).not.toHaveProperty('why');
  });
});
