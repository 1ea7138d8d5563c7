import { describe, expect, it } from 'vitest';
import { dayFigures, hourlyFigures } from '../../softphone-bridge/supervisor-ws/day-figures.js';
import { shanghaiDay, shanghaiDayBounds } from '../../store/index.js';
import type { CallFacts } from '../../store/index.js';

const row = (arrivedAt: string, over: Partial<CallFacts>): CallFacts => ({
  linkedId: arrivedAt,
  missedStatus: null,
  arrivedAt,
  callerNumber: '13800000000',
  skill: 'general',
  hotline: '12345',
  satisfaction: null,
  ticketStatus: null,
  dueAt: null,
  transfers: 0,
  conferences: 0,
  knowledgeLinks: 0,
  earlierCalls: 0,
  answeredAt: null,
  endedAt: null,
  waitMs: null,
  outcome: 'abandoned',
  dialledNumber: '12345',
  agentId: null,
  direction: 'inbound',
  ...over,
});

describe("today's figures, computed by hand", () => {
  // 09:00 Shanghai = 01:00Z; 10:xx Shanghai = 02:xxZ.
  const rows = [
    row('2026-11-23T01:00:00.000Z', { answeredAt: '2026-11-23T01:00:10.000Z', endedAt: '2026-11-23T01:02:10.000Z', waitMs: 10_000, outcome: 'answered' }),
    row('2026-11-23T01:10:00.000Z', { answeredAt: '2026-11-23T01:10:30.000Z', endedAt: '2026-11-23T01:11:30.000Z', waitMs: 30_000, outcome: 'answered' }),
    row('2026-11-23T02:00:00.000Z', { waitMs: 40_000, outcome: 'abandoned', endedAt: '2026-11-23T02:00:40.000Z' }),
    row('2026-11-23T02:05:00.000Z', { outcome: 'blocked', endedAt: '2026-11-23T02:05:01.000Z' }),
    // Still waiting: offered, but not yet a failure to answer.
    row('2026-11-23T02:10:00.000Z', { outcome: 'in-progress' }),
  ];

  it('offered excludes blocked callers; a caller still waiting is not counted as unanswered', () => {
    expect(dayFigures(rows, new Date("2026-11-23T04:00:00.000Z"))).toEqual({
      offered: 4,
      answered: 2,
      abandoned: 1,
      answerRate: 0.667,
      answeredWithin15sRate: 0.333,
      averageWaitSeconds: 20,
      averageHandleSeconds: 90,
    });
  });

  it('a day with no calls has no rates: null, not 0', () => {
    expect(dayFigures([], new Date('2026-11-23T04:00:00.000Z'))).toMatchObject({ offered: 0, answerRate: null, answeredWithin15sRate: null, averageWaitSeconds: null });
  });

  it('per Shanghai hour, with the sampled peak of waiting callers', () => {
    expect(hourlyFigures(rows, new Map([[10, 4]]), new Date('2026-11-23T04:00:00.000Z'))).toEqual([
      { hour: 9, offered: 2, answered: 2, answerRate: 1, peakWaiting: 0 },
      { hour: 10, offered: 2, answered: 0, answerRate: 0, peakWaiting: 4 },
    ]);
  });

  it('per hour counts a call answered as the day does: by its answered ring, also with no answer time on the row', () => {
    // The caller hung up as the agent picked up: the ring was answered, the row has no answer time.
    const hungUp = row('2026-11-23T03:00:00.000Z', { linkedId: 'hung-up', outcome: 'abandoned', endedAt: '2026-11-23T03:00:05.000Z', waitMs: 5_000 });
    const ring = { id: 1, callKey: 'hung-up', agentId: 1, offeredAt: '2026-11-23T03:00:03.000Z', waitedMs: 3_000, endedAt: '2026-11-23T03:00:05.000Z', outcome: 'answered', outbound: false };
    const now = new Date('2026-11-23T04:00:00.000Z');
    expect(dayFigures([hungUp], now, [ring])).toMatchObject({ offered: 1, answered: 1, abandoned: 0 });
    expect(hourlyFigures([hungUp], new Map(), now, [ring])).toEqual([{ hour: 11, offered: 1, answered: 1, answerRate: 1, peakWaiting: 0 }]);
  });

  it("平均通话 sums a call's conversations given the day's state history, as the KPI report does", () => {
    // Agent 1 talks 60 s and sends the caller back in line; 30 s later agent 2 answers, 30 s until the hang-up.
    const twice = row('2026-11-23T03:00:00.000Z', { linkedId: 'twice', answeredAt: '2026-11-23T03:00:10.000Z', endedAt: '2026-11-23T03:02:10.000Z', waitMs: 10_000, outcome: 'answered', agentId: 2 });
    const rings = [
      { id: 1, callKey: 'twice', agentId: 1, offeredAt: '2026-11-23T03:00:05.000Z', waitedMs: 5_000, endedAt: '2026-11-23T03:00:10.000Z', outcome: 'answered', outbound: false },
      { id: 2, callKey: 'twice', agentId: 2, offeredAt: '2026-11-23T03:01:35.000Z', waitedMs: 20_000, endedAt: '2026-11-23T03:01:40.000Z', outcome: 'answered', outbound: false },
    ];
    const states = [
      { id: 1, agentId: 1, at: '2026-11-23T03:00:10.000Z', state: 'on_call', reason: null },
      { id: 2, agentId: 1, at: '2026-11-23T03:01:10.000Z', state: 'wrap_up', reason: null },
      { id: 3, agentId: 2, at: '2026-11-23T03:01:40.000Z', state: 'on_call', reason: null },
      { id: 4, agentId: 2, at: '2026-11-23T03:02:10.000Z', state: 'wrap_up', reason: null },
    ];
    const now = new Date('2026-11-23T04:00:00.000Z');
    expect(dayFigures([twice], now, rings, states).averageHandleSeconds).toBe(90);
  });

  it('the Shanghai day starts at 16:00 UTC the day before', () => {
    expect(shanghaiDayBounds(shanghaiDay(new Date('2026-11-23T01:00:00Z')))).toEqual({ from: '2026-11-22T16:00:00.000Z', to: '2026-11-23T16:00:00.000Z' });
  });
});
