/**
 * A caller answered by an agent and then put back in line (here a blind transfer to a skill; a
 * refused hand-over or the agent's line lost do the same) was served: the call counts once, as
 * answered, with the wait before its FIRST answer (README, KPIs). So the call row keeps the first
 * answer's time and wait when a second agent answers (it names the agent the caller is with now),
 * each agent keeps their own talk, and a caller who hangs up while waiting again ends `answered`,
 * not 放弃, and is not put on the missed-call list (漏接回拨 is for callers never answered).
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { agents, calls, missedCalls, shanghaiDay } from '../../store/index.js';
import { client, login } from '../admin-api/admin-client.js';
import { OpenDesks, type AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness({ ringTimeoutSeconds: 5 });
const desks = new OpenDesks(() => h.server.httpUrl);
let admin: ReturnType<typeof client>;

beforeAll(async () => {
  await registerPhones(h.sim);
  admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
  return () => desks.closeAll();
});

/** Moves the injected clock on: the seconds a conversation or a wait lasts. */
const pass = (seconds: number) => h.clock.set(new Date(h.clock.now().getTime() + seconds * 1000).toISOString());
const callRow = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0];
const agentId = async (loginName: string) => (await h.server.store.db.select().from(agents).where(eq(agents.login, loginName)))[0]?.id;

interface KpiRowOnWire {
  key: string;
  offered: number;
  answered: number;
  abandoned: number;
  answeredWithin15s: number;
  averageWaitSeconds: number | null;
  offersAnswered: number;
  talkSeconds: number;
}
const kpis = async (by: 'total' | 'agent') => (await admin<{ rows: KpiRowOnWire[]; totals: KpiRowOnWire }>('GET', `/api/v1/kpis?date=${shanghaiDay(h.clock.now())}&by=${by}`)).body;

/** The agent answers `caller`, talks `talkSeconds`, then sends them back to the general queue (blind) and goes 示忙. */
async function answerAndPutBack(desk: AgentDesktop, caller: string, talkSeconds: number): Promise<void> {
  await desk.next('call.answered', (m) => m.callId === caller);
  pass(talkSeconds);
  expect(await desk.command('call.transfer', { callId: caller, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
  await desk.next('agent.state', (m) => m.state === 'wrap_up' && m.callId === undefined);
  expect(await desk.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
  await waitFor(async () => (await callRow(caller))?.state === 'queued', 'the caller back in line');
}

describe('a call answered, put back in line and answered again', () => {
  it('keeps the first answer on the row and in the KPIs, and each agent their own talk', async () => {
    const first = await desks.open('1001', true);
    const second = await desks.open('1002', false);
    const caller = await placeCall(h.sim.httpUrl, '13800007801', '12345');
    const firstAnswer = await waitFor(async () => {
      const row = await callRow(caller);
      return row?.answeredAt ? row : undefined;
    }, 'the first answer written');
    await answerAndPutBack(first, caller, 60);
    // 40 s back in line before the second agent takes the caller.
    pass(40);
    expect(await second.command('agent.ready')).toMatchObject({ ok: true });
    await second.next('call.answered', (m) => m.callId === caller);
    pass(30);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    const row = await waitFor(async () => {
      const r = await callRow(caller);
      return r?.endedAt ? r : undefined;
    }, 'the call ended');
    await second.next('agent.state', (m) => m.state === 'wrap_up');
    expect(await second.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });

    // The row: answered once, when the first agent picked up, after the first wait; with the agent
    // the caller was with at the end (a restarted server gives the call back to them).
    expect(row).toMatchObject({ outcome: 'answered', answeredAt: firstAnswer.answeredAt, waitMs: firstAnswer.waitMs, agentId: await agentId('1002') });
    expect(firstAnswer.waitMs ?? Number.NaN).toBeLessThan(15_000);

    const { totals } = await kpis('total');
    expect(totals).toMatchObject({ offered: 1, answered: 1, abandoned: 0, answeredWithin15s: 1 });
    expect(totals.averageWaitSeconds ?? Number.NaN).toBeLessThan(15);
    const { rows } = await kpis('agent');
    const of = (key: string) => rows.find((r) => r.key === key);
    // The call to who answered it first; the second answer is the second agent's answered ring.
    expect(of('1001')).toMatchObject({ offered: 1, answered: 1, offersAnswered: 1 });
    expect(of('1002')).toMatchObject({ offered: 0, answered: 0, offersAnswered: 1 });
    // Each agent's talk is their own conversation (60 s and 30 s), not the other's.
    expect(of('1001')?.talkSeconds ?? 0).toBeGreaterThanOrEqual(60);
    expect(of('1001')?.talkSeconds ?? 0).toBeLessThan(90);
    expect(of('1002')?.talkSeconds ?? 0).toBeGreaterThanOrEqual(30);
    expect(of('1002')?.talkSeconds ?? 0).toBeLessThan(60);
  });
});

describe('a call answered, put back in line, and the caller hangs up while waiting again', () => {
  it('ends answered (not 放弃) with its first wait, off the missed-call list, on the reports and the wallboard', async () => {
    const agent = await desks.open('1003', true);
    const number = '13800007802';
    const caller = await placeCall(h.sim.httpUrl, number, '12345');
    const firstAnswer = await waitFor(async () => {
      const row = await callRow(caller);
      return row?.answeredAt ? row : undefined;
    }, 'the first answer written');
    await answerAndPutBack(agent, caller, 50);
    pass(20);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    const row = await waitFor(async () => {
      const r = await callRow(caller);
      return r?.endedAt ? r : undefined;
    }, 'the call ended');

    expect(row).toMatchObject({ outcome: 'answered', answeredAt: firstAnswer.answeredAt, waitMs: firstAnswer.waitMs });
    // Served once already: no 漏接回拨 for it (the list is for callers the centre never answered).
    expect(await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.callId, row.id))).toEqual([]);
    const list = await admin<{ callerNumber: string }[]>('GET', '/api/v1/missed-calls');
    expect(list.status).toBe(200);
    expect(list.body.map((m) => m.callerNumber)).not.toContain(number);

    const { rows } = await kpis('agent');
    expect(rows.find((r) => r.key === '1003')).toMatchObject({ offered: 1, answered: 1, abandoned: 0, answeredWithin15s: 1 });
    const wallboard = await SupervisorDesk.login(h.server.httpUrl, 'super');
    try {
      const snapshot = await wallboard.next('snapshot');
      expect(snapshot.today).toMatchObject({ offered: 2, answered: 2, abandoned: 0, answerRate: 1 });
    } finally {
      wallboard.close();
    }
  });
});
