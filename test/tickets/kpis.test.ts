/**
 * KPIs for a seeded day, computed by hand and compared with the endpoint's JSON and CSV.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calls, listDailyKpis, markCallAnswered, putSetting, type Db } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { seedCall, type SeedCall } from '../support/seed-calls.js';
import { simRequest } from '../support/sim-client.js';

const h = useHarness();

const seed = (db: Db, c: SeedCall) => seedCall(db, '2026-11-20', c);

const MAIN = '12345 政务服务便民热线';
const MARKET = '12315 市场监管投诉举报热线';

describe('KPIs of a seeded day', () => {
  it('match the hand computation, in JSON and in CSV', async () => {
    const db = h.server.store.db;
    // Looked at five days later: the ticket due on the 21st is overdue by then.
    h.clock.set('2026-11-25T02:00:00.000Z');
    await seed(db, { id: 'k-a', caller: '13800000001', dialled: '12345', hotline: MAIN, at: '09:00', skill: 'general', waitS: 10, handleS: 120, agent: '1001', outcome: 'answered', satisfaction: 'satisfied', transfers: 1 });
    await seed(db, { id: 'k-b', caller: '13800000002', dialled: '12315', hotline: MARKET, at: '09:30', skill: 'market-12315', waitS: 20, handleS: 60, agent: '1004', outcome: 'answered', satisfaction: 'dissatisfied', conferences: 1, dueAt: '2026-11-21T01:00:00.000Z' });
    await seed(db, { id: 'k-c', caller: '13800000001', dialled: '12345', hotline: MAIN, at: '10:00', skill: 'general', waitS: 30, outcome: 'abandoned' });
    await seed(db, { id: 'k-d', caller: '13999999999', dialled: '12345', hotline: MAIN, at: '10:10', outcome: 'blocked' });
    // A call the day before and one the day after must not count.
    await seed(db, { id: 'k-e', caller: '13700000000', dialled: '12345', hotline: MAIN, at: '00:00', outcome: 'abandoned' });
    await db.update(calls).set({ arrivedAt: '2026-11-19T15:59:59.000Z' }).where(eq(calls.linkedId, 'k-e'));

    const token = (await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username: 'super', password: 'demo' })).body.token;
    const get = (query: string) => fetch(`${h.server.httpUrl}/api/v1/kpis?${query}`, { headers: { authorization: `Bearer ${token}` } });

    const total = (await (await get('date=2026-11-20')).json()) as { rows: Record<string, unknown>[]; totals: Record<string, unknown> };
    expect(total.rows).toHaveLength(1);
    expect(total.rows[0]).toMatchObject({
      key: 'total',
      period: '',
      offered: 3,
      answered: 2,
      abandoned: 1,
      unansweredOther: 0,
      inProgress: 0,
      answerRate: 0.667,
      answerRateGap: -0.283,
      answeredWithin15s: 1,
      answeredWithin15sRate: 0.333,
      averageWaitSeconds: 15,
      p90WaitSeconds: 20,
      averageAbandonWaitSeconds: 30,
      averageHandleSeconds: 90,
      transfers: 1,
      conferences: 1,
      evaluated: 2,
      satisfactionRate: 0.5,
      repeatCallRate: 0.333,
      ticketsOverdue: 1,
      outbound: 0,
      outboundAnswered: 0,
      knowledgeAnswered: 0,
      knowledgeAnswerRate: 0,
      // Seeded rows have no rings: per-offer rates have nothing to divide by.
      offers: 0,
      ringNoAnswerRate: null,
    });
    expect(total.totals).toMatchObject({ offered: 3, answered: 2, abandoned: 1, answerRate: 0.667 });

    const byHotline = (await (await get('date=2026-11-20&by=hotline')).json()) as { rows: { key: string; offered: number; answered: number }[] };
    expect(byHotline.rows.map((r) => [r.key, r.offered, r.answered])).toEqual([
      [MARKET, 1, 1],
      [MAIN, 2, 1],
    ]);
    const byAgent = (await (await get('date=2026-11-20&by=agent')).json()) as { rows: { key: string; answered: number }[] };
    expect(byAgent.rows.map((r) => [r.key, r.answered])).toEqual([
      ['-', 0],
      ['1001', 1],
      ['1004', 1],
    ]);

    const bytes = new Uint8Array(await (await get('date=2026-11-20&format=csv')).arrayBuffer());
    // The BOM (EF BB BF) for spreadsheet programs.
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = new TextDecoder().decode(bytes);
    const [header, line] = csv.replace('\uFEFF', '').trim().split('\r\n');
    const columns = header?.split(',') ?? [];
    expect(columns.slice(0, 7)).toEqual(['时段', '范围', '呼入量', '接通量', '放弃量', '其他未接通', '进行中']);
    const cells = line?.split(',') ?? [];
    expect(cells[columns.indexOf('接通率')]).toBe('0.667');
    // No ring recorded: the ring-no-answer rate is an empty cell, not 0.
    expect(cells[columns.indexOf('振铃未接率')]).toBe('');
    const en = (await (await get('date=2026-11-20&format=csv&lang=en')).text()).replace('\uFEFF', '').split('\r\n')[0]?.split(',');
    expect(en?.slice(0, 4)).toEqual(['period', 'key', 'offered', 'answered']);

    const agentToken = (await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username: '1001', password: 'demo' })).body.token;
    expect((await fetch(`${h.server.httpUrl}/api/v1/kpis?date=2026-11-20`, { headers: { authorization: `Bearer ${agentToken}` } })).status).toBe(403);
    expect((await get('date=20261120')).status).toBe(400);
  });
});

describe('scheduled jobs', () => {
  it('the KPI roll-up stores each missed day once, and re-running it changes nothing', async () => {
    const db = h.server.store.db;
    // As if the server had been down for a week and comes back at 10:00 on 10 December (Shanghai).
    const now = new Date('2026-12-10T02:00:00Z');
    expect(await h.server.kpiRollup.runOnce(now)).toEqual(['2026-12-09', '2026-12-08', '2026-12-07', '2026-12-06', '2026-12-05', '2026-12-04', '2026-12-03']);
    expect(await h.server.kpiRollup.runOnce(now)).toEqual([]);
    // Re-running a day (here the seeded one) replaces its rows.
    await h.server.kpiRollup.rollUp('2026-11-20');
    await h.server.kpiRollup.rollUp('2026-11-20');
    const total = await listDailyKpis(db, '2026-11-20', 'total');
    expect(total).toHaveLength(1);
    expect(total[0]?.figures).toMatchObject({ key: 'total', offered: 3, answered: 2, abandoned: 1 });
    expect((await listDailyKpis(db, '2026-11-20', 'hotline')).map((r) => r.key).sort()).toEqual([MAIN, MARKET].sort());
  });

  it('recording retention deletes what is older than the retention and marks it, once', async () => {
    const db = h.server.store.db;
    await markCallAnswered(db, 'k-a', { agentId: null, at: '2026-11-20T01:00:10.000Z', waitMs: 10_000, recording: 'call-old-recording' });
    await putSetting(db, 'recording-retention-days', 1);
    const removed = await h.server.retention.runOnce(new Date('2026-11-22T02:00:00Z'));
    expect(removed).toEqual(['call-old-recording']);
    expect((await db.select().from(calls).where(eq(calls.linkedId, 'k-a')).limit(1))[0]?.recordingDeletedAt).toBeTruthy();
    expect(await h.server.retention.runOnce(new Date('2026-11-22T02:00:00Z'))).toEqual([]);
  });
});
