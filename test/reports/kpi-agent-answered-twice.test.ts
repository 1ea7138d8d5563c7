/**
 * The KPI report by agent for a call two agents answered in turn: the first sends the caller back to
 * a skill (a blind transfer), the second takes them from the queue. The call counts once (呼入量 1,
 * 接通 1, to the agent who answered it first), each agent has their answered ring (振铃接听) and their
 * own talk (通话时长), and each agent's 平均通话时长 is their own conversation: the first agent's is not
 * stretched to the caller's hang-up (the time back in line and the second agent's talk), and the
 * second agent's is not "—". The line to the first agent's node lost: kpi-agent-answered-twice-line-lost.test.ts.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { calls, shanghaiDay } from '../../store/index.js';
import { client, login } from '../admin-api/admin-client.js';
import { OpenDesks } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness({ ringTimeoutSeconds: 5 });
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim);
  return () => desks.closeAll();
});

/** Moves the injected clock on: the seconds a conversation or a wait lasts. */
const pass = (seconds: number) => h.clock.set(new Date(h.clock.now().getTime() + seconds * 1000).toISOString());
const callRow = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0];

interface KpiRowOnWire {
  key: string;
  offered: number;
  answered: number;
  offersAnswered: number;
  talkSeconds: number;
  averageHandleSeconds: number | null;
}

describe('the KPI report by agent, a call answered by two agents in turn', () => {
  it("gives each agent their answered ring, their talk and their own conversation's 平均通话时长; the call counts once", async () => {
    const supervisor = client(h.server.httpUrl, await login(h.server.httpUrl, 'super'));
    const first = await desks.open('1001', true);
    const second = await desks.open('1002', false);
    const caller = await placeCall(h.sim.httpUrl, '13800007901', '12345');
    await first.next('call.answered', (m) => m.callId === caller);
    // 60 s with the first agent, who then sends the caller back to the general queue.
    pass(60);
    expect(await first.command('call.transfer', { callId: caller, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
    await first.next('agent.state', (m) => m.state === 'wrap_up');
    expect(await first.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
    await waitFor(async () => (await callRow(caller))?.state === 'queued', 'the caller back in line');
    // 40 s back in line, then 30 s with the second agent, and the caller hangs up.
    pass(40);
    expect(await second.command('agent.ready')).toMatchObject({ ok: true });
    await second.next('call.answered', (m) => m.callId === caller);
    pass(30);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await second.next('agent.state', (m) => m.state === 'wrap_up');
    expect(await second.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });

    const day = shanghaiDay(h.clock.now());
    const total = await supervisor<{ totals: KpiRowOnWire }>('GET', `/api/v1/kpis?date=${day}&by=total`);
    expect(total.status).toBe(200);
    expect(total.body.totals).toMatchObject({ offered: 1, answered: 1, offersAnswered: 2 });
    const byAgent = await supervisor<{ rows: KpiRowOnWire[]; totals: KpiRowOnWire }>('GET', `/api/v1/kpis?date=${day}&by=agent`);
    expect(byAgent.status).toBe(200);
    expect(byAgent.body.totals).toMatchObject({ offered: 1, answered: 1, offersAnswered: 2 });
    const row = (key: string): KpiRowOnWire => {
      const found = byAgent.body.rows.find((r) => r.key === key);
      expect(found, `the row of agent ${key}`).toBeDefined();
      return found as KpiRowOnWire;
    };
    const [a, b] = [row('1001'), row('1002')];
    expect(a).toMatchObject({ offered: 1, answered: 1, offersAnswered: 1 });
    expect(b).toMatchObject({ offered: 0, answered: 0, offersAnswered: 1 });
    // Talk: each their own (real time the test takes adds a little).
    expect(a.talkSeconds).toBeGreaterThanOrEqual(60);
    expect(a.talkSeconds).toBeLessThan(90);
    expect(b.talkSeconds).toBeGreaterThanOrEqual(30);
    expect(b.talkSeconds).toBeLessThan(60);
    // 平均通话时长: the first agent's 60 s (not the 130 s to the caller's hang-up), the second agent's 30 s.
    expect(a.averageHandleSeconds ?? Number.NaN).toBeGreaterThanOrEqual(60);
    expect(a.averageHandleSeconds ?? Number.NaN).toBeLessThan(90);
    expect(b.averageHandleSeconds ?? Number.NaN).toBeGreaterThanOrEqual(30);
    expect(b.averageHandleSeconds ?? Number.NaN).toBeLessThan(60);

    // The call's 平均通话时长 (total, by hotline, by skill): its two conversations, 60 s + 30 s — not the
    // 130 s from the first answer to the hang-up, which holds the 40 s back in line and the second ring.
    const handle = total.body.totals.averageHandleSeconds ?? Number.NaN;
    expect(handle).toBeGreaterThanOrEqual(90);
    expect(handle).toBeLessThan(120);
    for (const by of ['hotline', 'skill'] as const) {
      const grouped = await supervisor<{ rows: KpiRowOnWire[]; totals: KpiRowOnWire }>('GET', `/api/v1/kpis?date=${day}&by=${by}`);
      expect(grouped.body.rows.map((r) => r.averageHandleSeconds), `by ${by}`).toEqual([handle]);
      expect(grouped.body.totals.averageHandleSeconds, `by ${by}`).toBe(handle);
    }
    // The agent report's total averages the same conversations per conversation (two), the total report per call (one).
    expect(byAgent.body.totals.averageHandleSeconds ?? Number.NaN).toBeCloseTo(handle / 2, 0);
  });
});
