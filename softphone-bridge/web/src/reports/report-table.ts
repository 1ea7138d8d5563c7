/**
 * The report's table: one row per period and key, then the totals (合计) in the footer — additive
 * figures are the rows' sums, rates recomputed from them (the server's `totals`). The columns are one
 * group of figures at a time (来电, 振铃, 坐席时长, or all), each header with its definition as a tip.
 */
import { KPI_FIGURES, notReadyColumn, type KpiFigure, type KpiKind } from '../../../reports/kpi-columns.js';
import type { KpiReport, KpiRow } from '../../../reports/kpi-row.js';
import { h } from '../shared/dom.js';
import { KEY_HEADER, formatFigure, periodLabel } from './format.js';

export type ColumnGroup = 'calls' | 'offers' | 'agent-time' | 'all';

export const COLUMN_GROUPS: [ColumnGroup, string][] = [
  ['calls', '来电指标'],
  ['offers', '振铃指标'],
  ['agent-time', '坐席时长'],
  ['all', '全部指标'],
];

const OFFER_FIGURES = new Set<KpiFigure>(['offers', 'offersAnswered', 'offersNoAnswer', 'offersRejected', 'offersCallerHungUp', 'offersOther', 'ringNoAnswerRate']);
const TIME_FIGURES = new Set<KpiFigure>(['talkSeconds', 'holdSeconds', 'wrapUpSeconds', 'readySeconds', 'notReadySeconds', 'occupancy']);

interface Column {
  key: string;
  label: string;
  kind: KpiKind;
  help: string;
  value: (row: KpiRow) => number | null;
}

export function columnsOf(group: ColumnGroup, report: KpiReport): Column[] {
  const inGroup = (key: KpiFigure) =>
    group === 'all' || (group === 'offers' ? OFFER_FIGURES.has(key) : group === 'agent-time' ? TIME_FIGURES.has(key) : !OFFER_FIGURES.has(key) && !TIME_FIGURES.has(key));
  const figures: Column[] = KPI_FIGURES.filter((f) => inGroup(f.key)).map((f) => ({ ...f, value: (row: KpiRow) => row[f.key] }));
  const reasons: Column[] =
    group === 'agent-time' || group === 'all'
      ? report.notReadyReasons.map((reason) => ({
          ...notReadyColumn(reason),
          kind: 'duration' as const,
          help: `原因为“${reason}”的示忙时长`,
          value: (row: KpiRow) => row.notReadyByReason[reason] ?? 0,
        }))
      : [];
  return [...figures, ...reasons];
}

export function reportTable(report: KpiReport, group: ColumnGroup, keyLabel: (key: string) => string): HTMLTableElement {
  const columns = columnsOf(group, report);
  const withPeriod = report.interval !== 'none';
  // A total per period needs no key column: the period names the row.
  const withKey = !(withPeriod && report.by === 'total');
  const severalDays = report.from !== report.to;
  const cells = (row: KpiRow) => columns.map((c) => h('td', { class: 'num', 'data-column': c.key }, formatFigure(c.kind, c.value(row))));
  return h(
    'table',
    { class: 'table', 'data-testid': 'kpi-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        withPeriod ? h('th', { 'data-column': 'period' }, '时段') : null,
        withKey ? h('th', { 'data-column': 'key' }, KEY_HEADER[report.by]) : null,
        columns.map((c) => h('th', { class: 'num', title: c.help, 'data-column': c.key }, c.label)),
      ),
    ),
    h(
      'tbody',
      null,
      report.rows.map((row) =>
        h(
          'tr',
          { 'data-key': row.key, 'data-period': row.period },
          withPeriod ? h('td', { class: 'nowrap', 'data-column': 'period' }, periodLabel(row.period, severalDays)) : null,
          withKey ? h('td', { class: 'nowrap', 'data-column': 'key' }, keyLabel(row.key)) : null,
          cells(row),
        ),
      ),
    ),
    h(
      'tfoot',
      null,
      h(
        'tr',
        { 'data-testid': 'kpi-totals' },
        h('th', { class: 'nowrap', scope: 'row', colspan: withPeriod && withKey ? 2 : 1, 'data-column': 'key' }, '合计'),
        cells(report.totals),
      ),
    ),
  );
}
