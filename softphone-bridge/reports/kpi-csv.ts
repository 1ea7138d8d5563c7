/**
 * A KPI report as CSV, with a BOM so spreadsheet programs read the Chinese right. One header row:
 * Chinese column names (`lang=zh`, the default) or the English keys of the JSON rows (`lang=en`, for
 * machines). Rates are fractions (0.95), times seconds; a figure with no data (null) is an empty cell.
 * The last row is the totals (时段 合计 / period `total`). Text cells that a spreadsheet would run as a
 * formula are neutralised (csv-cell.ts).
 */
import { csvCell as cell } from './csv-cell.js';
import { KPI_FIGURES, notReadyColumn } from './kpi-columns.js';
import type { KpiGrouping, KpiReport, KpiRow } from './kpi-row.js';

export type CsvLanguage = 'zh' | 'en';

const KEY_HEADER: Record<KpiGrouping, string> = { total: '范围', hotline: '热线', skill: '技能组', agent: '坐席' };

export function kpiReportToCsv(report: KpiReport, lang: CsvLanguage = 'zh'): string {
  const reasons = report.notReadyReasons.map(notReadyColumn);
  const header =
    lang === 'en'
      ? ['period', 'key', ...KPI_FIGURES.map((f) => f.key), ...reasons.map((r) => r.key)]
      : ['时段', KEY_HEADER[report.by], ...KPI_FIGURES.map((f) => f.label), ...reasons.map((r) => r.label)];
  const line = (row: KpiRow, period: string, key: string) =>
    [period, key, ...KPI_FIGURES.map((f) => row[f.key]), ...report.notReadyReasons.map((r) => row.notReadyByReason[r] ?? 0)].map(cell).join(',');
  const periodOf = (row: KpiRow) => row.period || `${report.from}~${report.to}`;
  const lines = [
    header.map(cell).join(','),
    ...report.rows.map((row) => line(row, periodOf(row), row.key)),
    line(report.totals, lang === 'en' ? 'total' : '合计', 'total'),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
