/**
 * The GB/T 33358 figures of the whole report (接通率, 15秒接通率) against their targets (setting
 * `kpi-targets`), with the gap in percentage points; "—" when there is no settled call to judge.
 */
import type { KpiReport } from '../../../reports/kpi-row.js';
import { h, percent } from '../shared/dom.js';
import { formatFigure } from './format.js';

export function targetFigures(report: KpiReport): HTMLElement {
  const t = report.totals;
  const item = (label: string, testId: string, rate: number | null, target: number, gap: number | null) =>
    h(
      'div',
      { class: `target-figure ${gap === null ? '' : gap >= 0 ? 'on-target' : 'below-target'}`, 'data-testid': testId },
      h('span', { class: 'target-label' }, label),
      h('strong', { class: 'target-value', 'data-testid': `${testId}-value` }, percent(rate)),
      h('span', { class: 'muted' }, `目标 ${percent(target)}`),
      h('span', { class: 'target-gap', 'data-testid': `${testId}-gap` }, gap === null ? '差距 —' : `差距 ${formatFigure('gap', gap)}`),
    );
  return h(
    'div',
    { class: 'target-figures' },
    item('接通率', 'target-answer-rate', t.answerRate, report.targets.answerRate, t.answerRateGap),
    item('15秒接通率', 'target-15s', t.answeredWithin15sRate, report.targets.answeredWithin15sRate, t.answeredWithin15sRateGap),
    h(
      'p',
      { class: 'muted target-note' },
      `GB/T 33358 服务指标，按整段合计计算：分母为已结束或已接通的来电（呼入 ${t.offered}，其中进行中 ${t.inProgress}）。`,
    ),
  );
}
