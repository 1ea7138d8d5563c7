/** Today's figures and hourly series for the wallboard, from the call rows of the Shanghai day. */
import { shanghaiHour, type CallFacts, type CallStatRow } from '../../store/index.js';
import { computeKpis } from '../reports/kpis.js';

export interface DayFigures {
  offered: number;
  answered: number;
  abandoned: number;
  answerRate: number;
  answeredWithin15sRate: number;
  averageWaitSeconds: number;
  averageHandleSeconds: number;
}

export interface HourFigures {
  hour: number;
  offered: number;
  answered: number;
  answerRate: number;
  peakWaiting: number;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000);

/** The wallboard's part of the day's KPIs (same definitions: reports/kpis.ts). */
export function dayFigures(rows: readonly CallFacts[], now: Date): DayFigures {
  const total = computeKpis(rows, 'total', now)[0];
  return {
    offered: total?.offered ?? 0,
    answered: total?.answered ?? 0,
    abandoned: total?.abandoned ?? 0,
    answerRate: total?.answerRate ?? 0,
    answeredWithin15sRate: total?.answeredWithin15sRate ?? 0,
    averageWaitSeconds: total?.averageWaitSeconds ?? 0,
    averageHandleSeconds: total?.averageHandleSeconds ?? 0,
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
    return { hour, offered: inHour.length, answered, answerRate: ratio(answered, inHour.length), peakWaiting: peakWaiting.get(hour) ?? 0 };
  });
}
