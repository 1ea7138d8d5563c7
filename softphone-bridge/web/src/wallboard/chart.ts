/**
 * The day's chart, drawn as SVG: bars for the most callers waiting at once in each hour, a line for
 * the hour's answer rate (right axis, 0–100 %). Hours with no entry yet are left empty.
 */

export interface HourFigures {
  hour: number;
  offered: number;
  answered: number;
  answerRate: number | null;
  peakWaiting: number;
}

const NS = 'http://www.w3.org/2000/svg';
const W = 720;
const H = 240;
const PAD = { left: 36, right: 44, top: 12, bottom: 28 };

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A round top for the waiting axis: 1, 2, 5, 10, 20, 50 … */
function niceMax(value: number): number {
  if (value <= 4) return 4;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

export function drawDayChart(series: HourFigures[]): SVGSVGElement {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': '今日排队与接通率' });
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / 24;
  const maxWaiting = niceMax(Math.max(0, ...series.map((s) => s.peakWaiting)));
  const y = (v: number) => PAD.top + plotH - (v / maxWaiting) * plotH;
  const yRate = (r: number) => PAD.top + plotH - r * plotH;

  for (let i = 0; i <= 4; i++) {
    const v = (maxWaiting / 4) * i;
    const yy = y(v);
    svg.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: yy, y2: yy, stroke: '#e3e7ec' }));
    svg.append(el('text', { x: PAD.left - 6, y: yy + 4, 'text-anchor': 'end' }, String(Math.round(v))));
    svg.append(el('text', { x: W - PAD.right + 6, y: yy + 4 }, `${25 * i}%`));
  }
  for (let hour = 0; hour < 24; hour += 2) {
    svg.append(el('text', { x: PAD.left + slot * hour + slot / 2, y: H - 10, 'text-anchor': 'middle' }, `${hour}时`));
  }

  for (const s of series) {
    if (s.hour < 0 || s.hour > 23) continue;
    const x = PAD.left + slot * s.hour + slot * 0.18;
    const top = y(s.peakWaiting);
    const bar = el('rect', { x, y: top, width: slot * 0.64, height: PAD.top + plotH - top, fill: '#7fa7e0', rx: 2 });
    bar.append(el('title', {}, `${s.hour}时：最多 ${s.peakWaiting} 人排队，呼入 ${s.offered}，接通 ${s.answered}`));
    svg.append(bar);
  }
  const points = series
    .filter((s) => typeof s.answerRate === 'number' && s.offered > 0)
    .sort((a, b) => a.hour - b.hour)
    .map((s) => [PAD.left + slot * s.hour + slot / 2, yRate(s.answerRate ?? 0)] as const);
  if (points.length > 1) {
    svg.append(el('polyline', { points: points.map(([px, py]) => `${px},${py}`).join(' '), fill: 'none', stroke: '#c8161d', 'stroke-width': 2 }));
  }
  for (const [px, py] of points) svg.append(el('circle', { cx: px, cy: py, r: 3, fill: '#c8161d' }));
  svg.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: PAD.top + plotH, y2: PAD.top + plotH, stroke: '#9aa5b1' }));
  return svg;
}
