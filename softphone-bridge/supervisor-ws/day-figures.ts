/**
 * Today's figures for the wallboard, computed from the call rows of the Shanghai day.
 * Offered: calls that arrived (blocked callers excluded); answered: reached an agent; abandoned: gave
 * up before that; 15-second answer rate: answered within 15 s of queueing, over offered.
 */
import type { CallStatRow } from '../../store/index.js';

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

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** [start, end) of the Shanghai calendar day containing `at`, as ISO strings. */
export function shanghaiDayBounds(at: Date): { from: string; to: string } {
  const local = at.getTime() + SHANGHAI_OFFSET_MS;
  const startLocal = local - (local % 86_400_000);
  const start = startLocal - SHANGHAI_OFFSET_MS;
  return { from: new Date(start).toISOString(), to: new Date(start + 86_400_000).toISOString() };
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000);
const mean = (values: number[]) => (values.length === 0 ? 0 : Math.round((values.reduce((s, v) => s + v, 0) / values.length) * 10) / 10);

export function dayFigures(rows: readonly CallStatRow[]): DayFigures {
  const offered = rows.filter((r) => r.outcome !== 'blocked');
  const answered = offered.filter((r) => r.answeredAt !== null);
  const abandoned = offered.filter((r) => r.outcome === 'abandoned');
  return {
    offered: offered.length,
    answered: answered.length,
    abandoned: abandoned.length,
    answerRate: ratio(answered.length, offered.length),
    answeredWithin15sRate: ratio(answered.filter((r) => (r.waitMs ?? 0) <= 15_000).length, offered.length),
    averageWaitSeconds: mean(answered.map((r) => (r.waitMs ?? 0) / 1000)),
    averageHandleSeconds: mean(
      answered.filter((r) => r.endedAt && r.answeredAt).map((r) => (Date.parse(r.endedAt ?? '') - Date.parse(r.answeredAt ?? '')) / 1000),
    ),
  };
}

export function hourlyFigures(rows: readonly CallStatRow[], peakWaiting: ReadonlyMap<number, number>): HourFigures[] {
  const byHour = new Map<number, CallStatRow[]>();
  for (const row of rows) {
    if (row.outcome === 'blocked') continue;
    const hour = new Date(Date.parse(row.arrivedAt) + SHANGHAI_OFFSET_MS).getUTCHours();
    byHour.set(hour, [...(byHour.get(hour) ?? []), row]);
  }
  const hours = [...new Set([...byHour.keys(), ...peakWaiting.keys()])].sort((a, b) => a - b);
  return hours.map((hour) => {
    const inHour = byHour.get(hour) ?? [];
    const answered = inHour.filter((r) => r.answeredAt !== null).length;
    return { hour, offered: inHour.length, answered, answerRate: ratio(answered, inHour.length), peakWaiting: peakWaiting.get(hour) ?? 0 };
  });
}
