/**
 * The KPI report's arithmetic on hand-made rows: a call answered and then lost in the queue again is
 * answered, not also abandoned; the rows of a half-hour report add up to its totals, agent time split
 * at the half hours; rates come from the sums, never from averaging the rows.
 */
import { describe, expect, it } from 'vitest';
import { buildKpiReport } from '../../softphone-bridge/reports/kpis.js';
import type { AgentStateChangeRow, CallFacts, CallOfferRow } from '../../store/index.js';

const call = (linkedId: string, arrivedAt: string, over: Partial<CallFacts>): CallFacts => ({
  linkedId,
  arrivedAt,
  callerNumber: '13800000000',
  skill: 'general',
  hotline: '12345 政务服务便民热线',
  satisfaction: null,
  ticketStatus: null,
  dueAt: null,
  transfers: 0,
  conferences: 0,
  knowledgeLinks: 0,
  earlierCalls: 0,
  missedStatus: null,
  answeredAt: null,
  endedAt: null,
  waitMs: null,
  outcome: 'in-progress',
  dialledNumber: '12345',
  agentId: null,
  direction: 'inbound',
  ...over,
});
let offerId = 0;
const ring = (callKey: string, agentId: number, offeredAt: string, endedAt: string, outcome: string, waitedMs = 0): CallOfferRow => ({
  id: ++offerId,
  callKey,
  agentId,
  offeredAt,
  waitedMs,
  endedAt,
  outcome,
  outbound: false,
});
let stateId = 0;
const state = (agentId: number, at: string, s: string, reason: string | null = null): AgentStateChangeRow => ({ id: ++stateId, agentId, at, state: s, reason });

// 10:00 Shanghai = 02:00Z.
const facts = [
  // Answered by 1 after a 5 s wait and a 3 s ring, sent back to the queue by a blind transfer, the caller gave up there.
  call('c1', '2026-06-10T02:00:00.000Z', { answeredAt: '2026-06-10T02:01:00.000Z', endedAt: '2026-06-10T02:03:00.000Z', outcome: 'abandoned', agentId: null, waitMs: 40_000 }),
  // Missed by agent 2, answered by agent 1 after 25 s in all.
  call('c2', '2026-06-10T02:40:00.000Z', { answeredAt: '2026-06-10T02:40:25.000Z', endedAt: '2026-06-10T02:42:00.000Z', outcome: 'answered', agentId: 1, waitMs: 25_000 }),
  // Gave up in the queue.
  call('c3', '2026-06-10T02:50:00.000Z', { endedAt: '2026-06-10T02:50:30.000Z', outcome: 'abandoned', waitMs: 30_000 }),
];
const offers = [
  ring('c1', 1, '2026-06-10T02:00:05.000Z', '2026-06-10T02:00:08.000Z', 'answered', 5_000),
  ring('c2', 2, '2026-06-10T02:40:02.000Z', '2026-06-10T02:40:17.000Z', 'no-answer', 2_000),
  ring('c2', 1, '2026-06-10T02:40:20.000Z', '2026-06-10T02:40:25.000Z', 'answered', 20_000),
];
const states = [
  state(1, '2026-06-10T01:50:00.000Z', 'ready'),
  state(1, '2026-06-10T02:20:00.000Z', 'not_ready', '小休'),
  state(1, '2026-06-10T03:10:00.000Z', 'offline'),
];
const window = { from: '2026-06-09T16:00:00.000Z', to: '2026-06-10T16:00:00.000Z' };
const now = new Date('2026-06-10T08:00:00.000Z');

describe('the KPI report', () => {
  it('counts a call answered and then lost in the queue as answered only, with its first answer\'s wait', () => {
    const { totals } = buildKpiReport({ facts, offers, states, window, by: 'total', now });
    expect(totals).toMatchObject({ offered: 3, answered: 2, abandoned: 1, inProgress: 0, answeredWithin15s: 1, reoffered: 1, offers: 3, offersNoAnswer: 1, answerRate: 0.667 });
    // c1 waited 5 s + 3 s of ring to its first answer; c2 25 s.
    expect(totals.averageWaitSeconds).toBe(16.5);
    expect(totals.satisfactionRate).toBeNull();
  });

  it('per agent: the call to who answered first, each ring to who was rung', () => {
    const { rows } = buildKpiReport({ facts, offers, states, window, by: 'agent', now });
    expect(rows.map((r) => [r.key, r.offered, r.answered, r.abandoned, r.offers, r.offersNoAnswer])).toEqual([
      ['-', 1, 0, 1, 0, 0],
      ['1', 2, 2, 0, 2, 0],
      ['2', 0, 0, 0, 1, 1],
    ]);
  });

  it("per agent: each agent's 平均通话时长 is their own conversation, also while the call goes on", () => {
    // c4: agent 1 answers at 11:00:10, sends the caller back in line at 11:01:10; agent 2 answers at 11:01:40.
    const c4 = call('c4', '2026-06-10T03:00:00.000Z', { answeredAt: '2026-06-10T03:00:10.000Z', outcome: 'in-progress', agentId: 2, waitMs: 10_000 });
    const rings = [ring('c4', 1, '2026-06-10T03:00:05.000Z', '2026-06-10T03:00:10.000Z', 'answered', 5_000), ring('c4', 2, '2026-06-10T03:01:35.000Z', '2026-06-10T03:01:40.000Z', 'answered', 20_000)];
    const talk = [
      state(1, '2026-06-10T03:00:10.000Z', 'on_call'),
      state(1, '2026-06-10T03:01:10.000Z', 'wrap_up'),
      state(2, '2026-06-10T03:01:35.000Z', 'ringing'),
      state(2, '2026-06-10T03:01:40.000Z', 'on_call'),
    ];
    const handle = (facts: CallFacts[]) =>
      buildKpiReport({ facts, offers: rings, states: talk, window, by: 'agent', now }).rows.map((r) => [r.key, r.answered, r.averageHandleSeconds]);
    // Agent 2 still talking: agent 1's 60 s only.
    expect(handle([c4])).toEqual([
      ['1', 1, 60],
      ['2', 0, null],
    ]);
    // The caller hangs up at 11:02:10 (agent 2's wrap-up not recorded yet): 30 s for agent 2, still 60 s for agent 1.
    expect(handle([{ ...c4, endedAt: '2026-06-10T03:02:10.000Z', outcome: 'answered' }])).toEqual([
      ['1', 1, 60],
      ['2', 0, 30],
    ]);
    // Per call (total, hotline, skill): the time its conversations cover, 60 s + 30 s, not the 120 s from the
    // first answer to the hang-up (which holds the 30 s back in line); per agent, the same two averaged per conversation.
    const ended: CallFacts[] = [{ ...c4, endedAt: '2026-06-10T03:02:10.000Z', outcome: 'answered' }];
    const handleBy = (by: 'total' | 'hotline' | 'skill' | 'agent', states?: AgentStateChangeRow[]) => buildKpiReport({ facts: ended, offers: rings, states, window, by, now }).totals.averageHandleSeconds;
    expect([handleBy('total', talk), handleBy('hotline', talk), handleBy('skill', talk), handleBy('agent', talk)]).toEqual([90, 90, 90, 45]);
    // While the call goes on it has no handle time of its own yet.
    expect(buildKpiReport({ facts: [c4], offers: rings, states: talk, window, by: 'total', now }).totals.averageHandleSeconds).toBeNull();
    // A report given no state history (no conversations known): first answer to hang-up.
    expect(handleBy('total')).toBe(120);
  });

  it("per call: a consultation's minutes with two agents on the call count once; per agent, for each", () => {
    // c6: agent 1 answers at 13:00:10 and consults agent 2, who picks up at 13:01:10; agent 1 completes
    // the transfer at 13:02:10 (wraps up) and agent 2 talks on until the caller hangs up at 13:03:10.
    const c6 = call('c6', '2026-06-10T05:00:00.000Z', { answeredAt: '2026-06-10T05:00:10.000Z', endedAt: '2026-06-10T05:03:10.000Z', outcome: 'answered', agentId: 2, waitMs: 10_000 });
    const rings = [ring('c6', 1, '2026-06-10T05:00:05.000Z', '2026-06-10T05:00:10.000Z', 'answered', 5_000), ring('c6', 2, '2026-06-10T05:01:05.000Z', '2026-06-10T05:01:10.000Z', 'answered', 0)];
    const talk = [
      state(1, '2026-06-10T05:00:10.000Z', 'on_call'),
      state(1, '2026-06-10T05:02:10.000Z', 'wrap_up'),
      state(2, '2026-06-10T05:01:05.000Z', 'ringing'),
      state(2, '2026-06-10T05:01:10.000Z', 'on_call'),
      state(2, '2026-06-10T05:03:10.000Z', 'wrap_up'),
    ];
    const handleBy = (by: 'total' | 'agent') => buildKpiReport({ facts: [c6], offers: rings, states: talk, window, by, now });
    // 13:00:10 to 13:03:10 with someone on the call: 180 s, not 120 s + 120 s.
    expect(handleBy('total').totals.averageHandleSeconds).toBe(180);
    expect(handleBy('agent').rows.map((r) => [r.key, r.averageHandleSeconds])).toEqual([
      ['1', 120],
      ['2', 120],
    ]);
  });

  it('per call: a call answered once reads as before, first answer to hang-up; one with no answered ring too', () => {
    // c5: agent 1 answers at 12:00:10 and talks until the caller hangs up at 12:03:10.
    const c5 = call('c5', '2026-06-10T04:00:00.000Z', { answeredAt: '2026-06-10T04:00:10.000Z', endedAt: '2026-06-10T04:03:10.000Z', outcome: 'answered', agentId: 1, waitMs: 10_000 });
    const answered = [ring('c5', 1, '2026-06-10T04:00:05.000Z', '2026-06-10T04:00:10.000Z', 'answered', 5_000)];
    const talk = [state(1, '2026-06-10T04:00:10.000Z', 'on_call'), state(1, '2026-06-10T04:03:10.000Z', 'wrap_up')];
    const handle = (offers: CallOfferRow[], states?: AgentStateChangeRow[]) => buildKpiReport({ facts: [c5], offers, states, window, by: 'total', now }).totals.averageHandleSeconds;
    expect([handle(answered, talk), handle(answered), handle([], talk)]).toEqual([180, 180, 180]);
  });

  it('half hours add up to the totals, agent time split at the half hours, rates from the sums', () => {
    const report = buildKpiReport({ facts, offers, states, window, by: 'total', interval: 'half-hour', now });
    expect(report.rows.map((r) => [r.period, r.offered, r.readySeconds, r.notReadySeconds])).toEqual([
      ['2026-06-10 09:30', 0, 600, 0],
      ['2026-06-10 10:00', 1, 1200, 600],
      ['2026-06-10 10:30', 2, 0, 1800],
      ['2026-06-10 11:00', 0, 0, 600],
    ]);
    for (const field of ['offered', 'answered', 'abandoned', 'offers', 'readySeconds', 'notReadySeconds'] as const) {
      expect(report.rows.reduce((s, r) => s + r[field], 0)).toBe(report.totals[field]);
    }
    expect(report.totals.notReadyByReason).toEqual({ 小休: 3000 });
    // 10:00 answered 1 of 1, 10:30 1 of 2: the total is 2 of 3, not the mean of 100 % and 50 %.
    expect(report.rows.map((r) => r.answerRate)).toEqual([null, 1, 0.5, null]);
    expect(report.totals.answerRate).toBe(0.667);
    expect(report.totals.occupancy).toBe(0);
  });
});
