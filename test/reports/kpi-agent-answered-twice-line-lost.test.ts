/**
 * The KPI report by agent for a call whose first agent's line was lost (their Asterisk node died):
 * the caller goes back in line and an agent on the other node answers. The call counts once, to the
 * agent who answered it first; each agent has their answered ring, their own talk and their own
 * conversation as 平均通话时长 — the first agent's ends when their line was lost, not at the caller's
 * hang-up with the second agent. The blind transfer case: kpi-agent-answered-twice.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDay } from '../../store/index.js';
import { client, login } from '../admin-api/admin-client.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { startNodesHarness, type NodesHarness } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: NodesHarness;
let onA: AgentDesktop;
let onB: AgentDesktop;

beforeAll(async () => {
  h = await startNodesHarness(['a', 'b'], { nodeLostSeconds: 1 });
  await h.placePhones({ a: ['1001'], b: ['1002'] });
  onA = await AgentDesktop.login(h.server.httpUrl, '1001');
  onB = await AgentDesktop.login(h.server.httpUrl, '1002');
});
afterAll(async () => {
  onA.close();
  onB.close();
  await h.stop();
});

/** Moves the test clock on by `seconds` (it goes on with real time from there). */
const later = (seconds: number): void => h.clock.set(new Date(h.clock.now().getTime() + seconds * 1000).toISOString());

interface KpiRowOnWire {
  key: string;
  offered: number;
  answered: number;
  offersAnswered: number;
  talkSeconds: number;
  averageHandleSeconds: number | null;
}

describe('the KPI report by agent, a call whose first agent lost their line', () => {
  it("gives each agent their answered ring, their talk and their own conversation's 平均通话时长; the call counts once", async () => {
    const caller = await placeCall(h.sim('a').httpUrl, '13800000402', '12345');
    await waitFor(() => h.server.calls.call(caller)?.state === 'queued', 'the caller in line');
    expect(await onB.command('agent.ready')).toMatchObject({ ok: true });
    await onB.next('call.answered', (m) => m.callId === caller);
    // Five minutes with the agent on node b, then node b dies: the caller goes back in line.
    later(300);
    h.sims.b?.fault('restart', 600_000);
    await onB.next('call.transferred', (m) => m.callId === caller && m.reason === 'line-lost');
    await waitFor(async () => {
      const bridges = (await simRequest<{ name: string; channelIds: string[] }[]>(h.sim('a').httpUrl, 'GET', '/sim/bridges')).body;
      return bridges.some((b) => b.name.startsWith('queue-') && b.channelIds.includes(caller));
    }, "the caller in the queue's holding bridge", 15_000);
    // Thirty seconds in line again, then 45 s with the agent on node a, and the caller hangs up.
    later(30);
    expect(await onA.command('agent.ready')).toMatchObject({ ok: true });
    await onA.next('call.answered', (m) => m.callId === caller);
    later(45);
    await simRequest(h.sim('a').httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await waitFor(() => h.server.calls.call(caller) === undefined, 'the call over');

    const supervisor = client(h.server.httpUrl, await login(h.server.httpUrl, 'super'));
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
    const [lost, took] = [row('1002'), row('1001')];
    expect(lost).toMatchObject({ offered: 1, answered: 1, offersAnswered: 1 });
    expect(took).toMatchObject({ offered: 0, answered: 0, offersAnswered: 1 });
    expect(lost.talkSeconds).toBeGreaterThanOrEqual(300);
    expect(lost.talkSeconds).toBeLessThan(330);
    expect(took.talkSeconds).toBeGreaterThanOrEqual(45);
    expect(took.talkSeconds).toBeLessThan(75);
    // 平均通话时长: 300 s until the line was lost (not the 375 s to the hang-up), and the 45 s after.
    expect(lost.averageHandleSeconds ?? Number.NaN).toBeGreaterThanOrEqual(300);
    expect(lost.averageHandleSeconds ?? Number.NaN).toBeLessThan(330);
    expect(took.averageHandleSeconds ?? Number.NaN).toBeGreaterThanOrEqual(45);
    expect(took.averageHandleSeconds ?? Number.NaN).toBeLessThan(75);

    // The call's 平均通话时长 (total, by hotline, by skill): its two conversations, 300 s + 45 s — not the
    // 375 s from the first answer to the hang-up, which holds the 30 s back in line and the second ring.
    const handle = total.body.totals.averageHandleSeconds ?? Number.NaN;
    expect(handle).toBeGreaterThanOrEqual(345);
    expect(handle).toBeLessThan(375);
    for (const by of ['hotline', 'skill'] as const) {
      const grouped = await supervisor<{ rows: KpiRowOnWire[]; totals: KpiRowOnWire }>('GET', `/api/v1/kpis?date=${day}&by=${by}`);
      expect(grouped.body.rows.map((r) => r.averageHandleSeconds), `by ${by}`).toEqual([handle]);
      expect(grouped.body.totals.averageHandleSeconds, `by ${by}`).toBe(handle);
    }
    // The agent report's total averages the same conversations per conversation (two), the total report per call (one).
    expect(byAgent.body.totals.averageHandleSeconds ?? Number.NaN).toBeCloseTo(handle / 2, 0);
  });
});
