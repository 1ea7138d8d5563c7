/** Today's figures and hourly series for the wallboard, from the call rows of the Shanghai day. */
import { shanghaiHour, type AgentStateChangeRow, type CallFacts, type CallOfferRow } from '../../store/index.js';
import { buildKpiReport } from '../reports/kpis.js';

/** A rate or average with nothing to divide by is null (the page shows "—"). */
export interface DayFigures {
  offered: number;
  answered: number;
  abandoned: number;
  answerRate: number | null;
  answeredWithin15sRate: number | null;
  averageWaitSeconds: number | null;
  averageHandleSeconds: number | null;
}

export interface HourFigures {
  hour: number;
  offered: number;
  answered: number;
  answerRate: number | null;
  peakWaiting: number;
}

/**
 * The wallboard's part of the day's KPIs (same definitions: reports/kpis.ts; `offers`: the calls' rings;
 * `states`: the day's agent state history, whence each call's conversations for 平均通话时长 — without it
 * that is first answer to hang-up, as the report's is not).
 */
export function dayFigures(rows: readonly CallFacts[], now: Date, offers: readonly CallOfferRow[] = [], states?: readonly AgentStateChangeRow[]): DayFigures {
  const total = buildKpiReport({ facts: rows, offers, states, by: 'total', now }).totals;
  return {
    offered: total.offered,
    answered: total.answered,
    abandoned: total.abandoned,
    answerRate: total.answerRate,
    answeredWithin15sRate: total.answeredWithin15sRate,
    averageWaitSeconds: total.averageWaitSeconds,
    averageHandleSeconds: total.averageHandleSeconds,
  };
}

/**
 * The day's chart, per Shanghai hour of arrival, with the same definitions as the day's figures
 * (reports/kpis.ts: a call answered by its answered ring or its answer time, a caller still waiting
 * not yet unanswered), so that the hours add up to the tiles. `offers`: the calls' rings.
 */
export function hourlyFigures(rows: readonly CallFacts[], peakWaiting: ReadonlyMap<number, number>, now: Date, offers: readonly CallOfferRow[] = []): HourFigures[] {
  const byHour = new Map<number, CallFacts[]>();
  for (const row of rows) {
    if (row.outcome === 'blocked' || row.direction === 'outbound') continue;
    const hour = shanghaiHour(new Date(row.arrivedAt));
    const inHour = byHour.get(hour);
    if (inHour) inHour.push(row);
    else byHour.set(hour, [row]);
  }
  // Grouped once, appended in place: a busy day has thousands of calls and rings, every snapshot.
  const offersByCall = new Map<string, CallOfferRow[]>();
  for (const offer of offers) {
    const ofCall = offersByCall.get(offer.callKey);
    if (ofCall) ofCall.push(offer);
    else offersByCall.set(offer.callKey, [offer]);
  }
  const hours = [...new Set([...byHour.keys(), ...peakWaiting.keys()])].sort((a, b) => a - b);
  return hours.map((hour) => {
    const inHour = byHour.get(hour) ?? [];
    const ofHour = inHour.flatMap((r) => offersByCall.get(r.linkedId) ?? []);
    const total = buildKpiReport({ facts: inHour, offers: ofHour, by: 'total', now }).totals;
    return { hour, offered: total.offered, answered: total.answered, answerRate: total.answerRate, peakWaiting: peakWaiting.get(hour) ?? 0 };
  });
}
