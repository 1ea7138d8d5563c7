/**
 * A test day where every call's path is known, placed in the PBX simulator: the KPIs per hotline,
 * skill and agent equal the counts derived from the paths, the call outcomes partition the offered
 * calls, and a call rung more than once (a missed ring, a blind transfer back to a skill) counts once
 * per call and once per ring.
 *
 *   A  12345  answered at once by 1001
 *   B  12345  rings 1002, who misses it (示忙 未接), then answered by 1003            — 2 rings
 *   C  12345  answered by 1003, held a minute, blind-transferred to 综合受理, answered by 1005 — 2 rings
 *   J  12345  answered by 1001, attended transfer to 1003 (consulted, picks up), completed — 2 rings
 *   D  12345  nobody ready: abandoned in the queue, then called back by 1005 (outbound under its ticket)
 *   E  the callback of D (outbound)
 *   F  12315  taken by 1004's phone during an outage, imported afterwards (ten minutes earlier, 09:50)
 *   G  12345  waits 20 s in the queue (no one ready), then answered by 1001            — over 15 s
 *   H  12345  answered by 1001, blind-transferred back to 综合受理, caller hangs up waiting there
 *   I  12345  still waiting in the queue when the report is read
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, listPendingMissedCalls } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: Harness;
const desks = new Map<string, AgentDesktop>();
const MAIN = '12345 政务服务便民热线';
const MARKET = '12315 市场监管投诉举报热线';
const DAY = '2026-06-10';

beforeAll(async () => {
  // Rings time out after 5 s of PBX time, which the simulator runs five times faster.
  h = await startHarness({ ringTimeoutSeconds: 5 }, { timeScale: 0.2 });
  await registerPhones(h.sim);
});
afterAll(async () => {
  for (const d of desks.values()) d.close();
  await h.stop();
});

const callRow = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];
const stateOf = (login: string) => h.server.calls.agents.list().find((a) => a.login === login)?.state;
const agentIdOf = (login: string) => h.server.calls.agents.list().find((a) => a.login === login)?.agentId;
const desk = (login: string): AgentDesktop => {
  const d = desks.get(login);
  if (!d) throw new Error(`no desk ${login}`);
  return d;
};
async function ready(login: string): Promise<void> {
  expect(await desk(login).command('agent.ready')).toMatchObject({ ok: true });
  // A caller waiting is offered at once: the agent may be ringing already.
  await waitFor(() => ['ready', 'ringing', 'on_call'].includes(stateOf(login) ?? ''), `${login} ready`);
}
async function pause(login: string): Promise<void> {
  expect(await desk(login).command('agent.notReady', { reason: '小休' })).toMatchObject({ ok: true });
  await waitFor(() => stateOf(login) === 'not_ready', `${login} not ready`);
}
/** After a call: the agent's wrap-up runs out (they are ready), then they pause. */
async function wrapUpThenPause(login: string): Promise<void> {
  await waitFor(() => stateOf(login) === 'ready', `${login} ready after wrap-up`, 10_000);
  await pause(login);
}
async function hangUp(id: string): Promise<void> {
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  await waitFor(async () => (await callRow(id))?.endedAt, 'the call to end');
}
const answeredBy = (login: string, id: string) => desk(login).next('call.answered', (m) => m.callId === id, 30_000);
const waitQueued = (id: string) => waitFor(async () => (await callRow(id))?.state === 'queued', `${id} queued`);
const jump = (seconds: number) => h.clock.set(new Date(h.clock.now().getTime() + seconds * 1000).toISOString());

type Row = Record<string, unknown> & { key: string; period: string; notReadyByReason: Record<string, number> };
interface Report {
  rows: Row[];
  totals: Row;
  targets: { answerRate: number; answeredWithin15sRate: number };
}

describe('a test day with known call paths', () => {
  it('gives per hotline, skill and agent the counts derived from the paths', { timeout: 120_000 }, async () => {
    for (const login of ['1001', '1002', '1003', '1005']) {
      desks.set(login, await AgentDesktop.login(h.server.httpUrl, login));
      await pause(login);
    }
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: true, answer: 'noanswer' });

    // A: answered at once.
    await ready('1001');
    const a = await placeCall(h.sim.httpUrl, '13800000301', '12345');
    await answeredBy('1001', a);
    await hangUp(a);
    await wrapUpThenPause('1001');

    // B: a missed ring, then re-offered to another agent.
    await ready('1002');
    const b = await placeCall(h.sim.httpUrl, '13800000302', '12345');
    expect(await desk('1002').next('call.offer.withdrawn', (m) => m.callId === b, 30_000)).toMatchObject({ reason: 'no-answer' });
    await waitFor(() => stateOf('1002') === 'not_ready', '1002 set not ready by the missed ring', 10_000);
    await ready('1003');
    await answeredBy('1003', b);
    await hangUp(b);
    await wrapUpThenPause('1003');

    // C: held for a minute, then blind-transferred to the general skill and answered there.
    await ready('1003');
    const c = await placeCall(h.sim.httpUrl, '13800000303', '12345');
    await answeredBy('1003', c);
    expect(await desk('1003').command('call.hold', { callId: c })).toMatchObject({ ok: true });
    jump(60);
    expect(await desk('1003').command('call.resume', { callId: c })).toMatchObject({ ok: true });
    expect(await desk('1003').command('call.transfer', { callId: c, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
    await pause('1003');
    await ready('1005');
    await answeredBy('1005', c);
    await hangUp(c);
    await wrapUpThenPause('1005');

    // J: an attended transfer to a colleague, who picks up the consultation; then completed.
    await ready('1001');
    const j = await placeCall(h.sim.httpUrl, '13800000310', '12345');
    await answeredBy('1001', j);
    await ready('1003');
    expect(await desk('1001').command('call.transfer', { callId: j, target: { kind: 'agent', agentId: agentIdOf('1003') }, mode: 'attended' })).toMatchObject({ ok: true });
    await waitFor(() => stateOf('1003') === 'on_call', 'the colleague answered');
    await desk('1001').next('call.consult.answered', (m) => m.callId === j);
    expect(await desk('1001').command('call.transfer.complete', { callId: j })).toMatchObject({ ok: true });
    await pause('1001');
    await hangUp(j);
    await wrapUpThenPause('1003');

    // D: nobody ready, the caller gives up in the queue; E: 1005 calls them back under D's ticket.
    const d = await placeCall(h.sim.httpUrl, '13800000304', '12345');
    await waitQueued(d);
    await hangUp(d);
    const missed = (await listPendingMissedCalls(h.server.store.db)).find((m) => m.callerNumber === '13800000304');
    expect(missed).toBeDefined();
    await ready('1005');
    expect(await desk('1005').command('call.dial', { number: '13800000304', missedCallId: missed?.id })).toMatchObject({ ok: true });
    const e = await waitFor(async () => {
      const outbound = (await h.server.store.db.select().from(calls).where(eq(calls.direction, 'outbound')).orderBy(calls.id).limit(1))[0];
      return outbound?.answeredAt && outbound.linkedId;
    }, 'the callback answered');
    expect(await desk('1005').command('call.hangup', { callId: e })).toMatchObject({ ok: true });
    await waitFor(async () => (await callRow(String(e)))?.endedAt, 'the callback over');
    await wrapUpThenPause('1005');

    // F: taken by 1004's phone in Asterisk's own queue during an outage ten minutes ago (09:50), imported now.
    const start = Math.floor(h.clock.now().getTime() / 1000) - 600;
    h.sim.core.astdb.put(
      'cti-outage',
      'outage-f-1',
      `v=1&caller=13800000306&dialled=12315&start=${start}&queued=${start + 2}&member=PJSIP/1004&holdtime=5&queuestatus=&abandoned=&recording=&end=${start + 65}&done=1`,
    );
    expect(await h.server.outageImport.run()).toMatchObject({ imported: 1 });

    // G: waits 20 s before anyone is ready.
    const g = await placeCall(h.sim.httpUrl, '13800000307', '12345');
    await waitQueued(g);
    jump(20);
    await ready('1001');
    await answeredBy('1001', g);
    await hangUp(g);
    await wrapUpThenPause('1001');

    // H: answered, sent back to the general queue, the caller gives up there.
    await ready('1001');
    const hh = await placeCall(h.sim.httpUrl, '13800000308', '12345');
    await answeredBy('1001', hh);
    expect(await desk('1001').command('call.transfer', { callId: hh, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
    await pause('1001');
    await waitFor(() => h.server.calls.queue.size() === 1, 'H back in the queue');
    await hangUp(hh);

    // I: still waiting when the report is read.
    const i = await placeCall(h.sim.httpUrl, '13800000309', '12345');
    await waitQueued(i);

    const token = (await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username: 'super', password: 'demo' })).body.token;
    const report = async (query: string): Promise<Report> => {
      const res = await fetch(`${h.server.httpUrl}/api/v1/kpis?${query}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      return (await res.json()) as Report;
    };
    const figures = (row: Row | undefined) =>
      row && {
        offered: row.offered,
        answered: row.answered,
        abandoned: row.abandoned,
        unansweredOther: row.unansweredOther,
        inProgress: row.inProgress,
        answeredWithin15s: row.answeredWithin15s,
        reoffered: row.reoffered,
        abandonedCalledBack: row.abandonedCalledBack,
        outbound: row.outbound,
        outboundAnswered: row.outboundAnswered,
        offers: row.offers,
        offersAnswered: row.offersAnswered,
        offersNoAnswer: row.offersNoAnswer,
      };
    const partition = (row: Row) => Number(row.answered) + Number(row.abandoned) + Number(row.unansweredOther) + Number(row.inProgress);

    // Whole day. Offered: A B C J D F G H I (9); answered: A B C J F G H (7, H not also abandoned);
    // abandoned: D; in progress: I. Within 15 s: all answered but G. Rung twice: B, C and J. Rings: A B B C C J J G H.
    const total = await report(`date=${DAY}`);
    expect(figures(total.totals)).toEqual({
      offered: 9,
      answered: 7,
      abandoned: 1,
      unansweredOther: 0,
      inProgress: 1,
      answeredWithin15s: 6,
      reoffered: 3,
      abandonedCalledBack: 1,
      outbound: 1,
      outboundAnswered: 1,
      offers: 9,
      offersAnswered: 8,
      offersNoAnswer: 1,
    });
    expect(partition(total.totals)).toBe(total.totals.offered);
    // Rates over the settled calls (I still waits): 7/8 and 6/8; the gap to the 95 % target.
    expect(total.totals).toMatchObject({ answerRate: 0.875, answeredWithin15sRate: 0.75, answerRateGap: -0.075, answeredWithin15sRateGap: -0.2, ringNoAnswerRate: 0.111 });
    expect(total.targets).toEqual({ answerRate: 0.95, answeredWithin15sRate: 0.95 });
    // No call was evaluated: no satisfaction rate, not 0 %.
    expect(total.totals.satisfactionRate).toBeNull();

    const byHotline = await report(`date=${DAY}&by=hotline`);
    expect(Object.fromEntries(byHotline.rows.map((r) => [r.key, figures(r)]))).toEqual({
      [MAIN]: { offered: 8, answered: 6, abandoned: 1, unansweredOther: 0, inProgress: 1, answeredWithin15s: 5, reoffered: 3, abandonedCalledBack: 1, outbound: 1, outboundAnswered: 1, offers: 9, offersAnswered: 8, offersNoAnswer: 1 },
      [MARKET]: { offered: 1, answered: 1, abandoned: 0, unansweredOther: 0, inProgress: 0, answeredWithin15s: 1, reoffered: 0, abandonedCalledBack: 0, outbound: 0, outboundAnswered: 0, offers: 0, offersAnswered: 0, offersNoAnswer: 0 },
    });

    // The outage call never queued in the server: no skill.
    const bySkill = await report(`date=${DAY}&by=skill`);
    expect(Object.fromEntries(bySkill.rows.map((r) => [r.key, [r.offered, r.answered, r.abandoned, r.inProgress, r.offers]]))).toEqual({
      '-': [1, 1, 0, 0, 0],
      general: [8, 6, 1, 1, 9],
    });

    // Calls to the agent who first answered them; rings to the agent rung. 1001: A J G H; 1003: B C (and J's ring); 1004: F;
    // 1002 missed B's ring; 1005 answered C's second ring and placed the callback.
    const byAgent = await report(`date=${DAY}&by=agent`);
    const agent = (key: string) => byAgent.rows.find((r) => r.key === key);
    const calls4 = (key: string) => {
      const r = agent(key);
      return r && [r.offered, r.answered, r.abandoned, r.inProgress, r.offers, r.offersAnswered, r.offersNoAnswer, r.outbound];
    };
    expect(calls4('1001')).toEqual([4, 4, 0, 0, 4, 4, 0, 0]);
    expect(calls4('1002')).toEqual([0, 0, 0, 0, 1, 0, 1, 0]);
    expect(calls4('1003')).toEqual([2, 2, 0, 0, 3, 3, 0, 0]);
    expect(calls4('1004')).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
    expect(calls4('1005')).toEqual([0, 0, 0, 0, 1, 1, 0, 1]);
    expect(calls4('-')).toEqual([2, 0, 1, 1, 0, 0, 0, 0]);
    expect(agent('1002')?.ringNoAnswerRate).toBe(1);
    // No call of their own: no answer rate for 1002 (—), rather than 0 %.
    expect(agent('1002')?.answerRate).toBeNull();
    // Every grouping adds up to the same total.
    for (const rows of [byHotline.rows, bySkill.rows, byAgent.rows]) {
      for (const field of ['offered', 'answered', 'abandoned', 'inProgress', 'offers', 'offersNoAnswer', 'outbound']) {
        expect(rows.reduce((s, r) => s + Number(r[field]), 0)).toBe(total.totals[field]);
      }
    }

    // Agent time: 1003 held C for the minute the clock jumped; 1002's missed ring set them 示忙 (未接).
    expect(Number(agent('1003')?.holdSeconds)).toBeGreaterThanOrEqual(60);
    expect(agent('1001')?.holdSeconds).toBe(0);
    expect(Number(agent('1001')?.talkSeconds)).toBeGreaterThan(0);
    expect(Number(agent('1001')?.wrapUpSeconds)).toBeGreaterThan(0);
    expect(Number(agent('1002')?.notReadyByReason['未接'])).toBeGreaterThan(0);
    expect(Number(agent('1001')?.notReadyByReason['小休'])).toBeGreaterThan(0);
    const occupancy = Number(agent('1003')?.occupancy);
    expect(occupancy).toBeGreaterThan(0);
    expect(occupancy).toBeLessThanOrEqual(1);
    // 1004 was never logged in to the server: no agent time, no occupancy.
    expect(agent('1004')?.occupancy).toBeNull();

    // Half hours: F at 09:50 in the 09:30 row, the rest from 10:00; the rows add up to the totals.
    const halfHours = await report(`date=${DAY}&interval=half-hour`);
    expect(halfHours.rows.map((r) => [r.period, r.offered, r.answered])).toEqual([
      [`${DAY} 09:30`, 1, 1],
      [`${DAY} 10:00`, 8, 6],
    ]);
    expect(figures(halfHours.totals)).toEqual(figures(total.totals));

    // A range of days with nothing on the other days: the same totals, and only this day has rows.
    const range = await report(`from=2026-06-08&to=2026-06-11&interval=day`);
    expect(range.rows.map((r) => r.period)).toEqual([DAY]);
    expect(figures(range.totals)).toEqual(figures(total.totals));

    await hangUp(i);
    expect(agentIdOf('1001')).toBeDefined();
  });
});
