/**
 * The day's chart (shared/chart.ts): bars for the most callers waiting at once in each hour, a line
 * for the hour's answer rate (right axis, 0–100 %). Hours with no entry yet are left empty.
 */
import { chartLegend, drawBarChart } from '../shared/chart.js';

export interface HourFigures {
  hour: number;
  offered: number;
  answered: number;
  answerRate: number | null;
  peakWaiting: number;
}

const WAITING = { name: '每小时最多排队人数（左轴）', color: '#7fa7e0' };
const RATE = { name: '接通率（右轴）', color: '#c8161d' };

export const dayChartLegend = (): HTMLElement => chartLegend([WAITING, RATE]);

export function drawDayChart(series: HourFigures[]): SVGSVGElement {
  const hours = Array.from({ length: 24 }, (_, hour) => series.find((s) => s.hour === hour) ?? null);
  return drawBarChart({
    title: '今日排队与接通率',
    slots: hours.map((_, hour) => (hour % 2 === 0 ? `${hour}时` : '')),
    scale: 'count',
    bars: [{ ...WAITING, values: hours.map((s) => s?.peakWaiting ?? null) }],
    line: { ...RATE, values: hours.map((s) => (s && s.offered > 0 && typeof s.answerRate === 'number' ? s.answerRate : null)) },
    tip: (hour) => {
      const s = hours[hour];
      return s ? `${hour}时：最多 ${s.peakWaiting} 人排队，呼入 ${s.offered}，接通 ${s.answered}` : `${hour}时`;
    },
  });
}
