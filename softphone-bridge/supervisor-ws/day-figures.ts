/** Today's figures and hourly series for the wallboard, from the call rows of the Shanghai day. */
import { shanghaiHour, type CallFacts, type CallOfferRow, type CallStatRow } from '../../store/index.js';
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

const ratio = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);

/** The wallboard's part of the day's KPIs (same definitions: reports/kpis.ts; `offers`: the calls' rings). */
export function dayFigures(rows: readonly CallFacts[], now: Date, offers: readonly CallOfferRow[] = []): DayFigures {
  const total = buildKpiReport({ facts: rows, offers, by: 'total', now }).totals;
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

export function hourlyFigures(rows: readonly CallStatRow[], peakWaiting: ReadonlyMap<number, number>): HourFigures[] {
  const byHour = new Map<number, CallStatRow[]>();
  for (const row of rows) {
    if (row.outcome === 'blocked' || row.direction === 'outbound') continue;
    const hour = shanghaiHour(new Date(row.arrivedAt));
    byHour.set(hour, [...(byHour.get(hour) ?? []), row]);
  }
  const hours = [...new Set([...byHour.keys(), ...peakWaiting.keys()])].sort((a, b) => a - b);
  return hours.map((hour) => {
    const inHour = byHour.get(hour) ?? [];
    const answered = inHour.filter((r) => r.answeredAt !== null).length;
    // A caller still waiting is not yet unanswered (reports/kpis.ts).
    const waiting = inHour.filter((r) => r.answeredAt === null && r.endedAt === null).length;
    return { hour, offered: inHour.length, answered, answerRate: ratio(answered, inHour.length - waiting), peakWaiting: peakWaiting.get(hour) ?? 0 };
  });
}
