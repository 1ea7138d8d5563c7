/**
 * How the reports page writes a figure: counts as numbers, rates as percentages, gaps in percentage
 * points, averages in seconds, agent time as h:mm:ss — and "—" for a figure with no data (null).
 */
import type { KpiKind } from '../../../reports/kpi-columns.js';
import type { KpiGrouping, KpiInterval } from '../../../reports/kpi-row.js';
import { duration, percent } from '../shared/dom.js';

export const NO_DATA = '—';

export function formatFigure(kind: KpiKind, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_DATA;
  switch (kind) {
    case 'rate':
      return percent(value);
    case 'gap': {
      const points = Math.round(value * 1000) / 10;
      return `${points > 0 ? '+' : points < 0 ? '−' : ''}${Math.abs(points).toFixed(1)} 个百分点`;
    }
    case 'seconds':
      return `${value.toFixed(1)} 秒`;
    case 'duration':
      return duration(value);
    default:
      return String(value);
  }
}

export const KEY_HEADER: Record<KpiGrouping, string> = { total: '范围', hotline: '热线', skill: '技能组', agent: '坐席' };

export const GROUPINGS: [KpiGrouping, string][] = [
  ['total', '总计'],
  ['hotline', '按热线'],
  ['skill', '按技能组'],
  ['agent', '按坐席'],
];

export const INTERVALS: [KpiInterval, string][] = [
  ['none', '整段'],
  ['day', '按日'],
  ['half-hour', '按半小时'],
];

/** A period as the table shows it: a day, or a half hour `10:00–10:30` (with its date over several days). */
export function periodLabel(period: string, severalDays: boolean): string {
  if (period === '') return '整段';
  if (period.length === 10) return period;
  const [day = '', time = ''] = period.split(' ');
  const [hh = 0, mm = 0] = time.split(':').map(Number);
  const endMinutes = hh * 60 + mm + 30;
  const end = `${String(Math.floor(endMinutes / 60)).padStart(2, '0')}:${String(endMinutes % 60).padStart(2, '0')}`;
  return `${severalDays ? `${day.slice(5)} ` : ''}${time}–${end}`;
}
