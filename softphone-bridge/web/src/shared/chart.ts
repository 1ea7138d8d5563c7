/**
 * The pages' one way of drawing a chart, as SVG: slots along the x axis, one group of bars per slot
 * (one bar per series) on a left axis of counts (0 to a round top) or of rates (0–100 %), and
 * optionally a line on a right axis of 0–100 %. The wallboard's day chart and the reports page's
 * charts are both drawn with it. Each slot with a value is a `<g data-testid="bar-group">` whose
 * `<title>` is the slot's hover text.
 */
import { h } from './dom.js';

export interface ChartSeries {
  name: string;
  color: string;
  /** One value per slot; null leaves the slot empty for this series. Rates are fractions (0.5 = 50 %). */
  values: readonly (number | null)[];
}

export interface BarChartSpec {
  /** What the chart shows, for screen readers. */
  title: string;
  /** The x axis label of each slot ('' for none). */
  slots: readonly string[];
  bars: readonly ChartSeries[];
  /** The bars' axis: counts, or rates drawn on 0–100 %. */
  scale: 'count' | 'rate';
  /** A line over the bars, on a right axis of 0–100 %. */
  line?: ChartSeries;
  /** Print each bar's value above it (for charts with few slots). */
  valueLabels?: boolean;
  /** Hover text of a slot. */
  tip?: (slot: number) => string;
}

const NS = 'http://www.w3.org/2000/svg';
const W = 720;
const H = 240;
const PAD = { left: 36, right: 44, top: 16, bottom: 28 };
/** The widest a bar gets when there are only a few slots. */
const MAX_BAR = 48;

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The top of a count axis with four gridlines: four times a whole step of 1, 2 or 5 × 10ⁿ, so every
 * tick is a whole number (a top of 5 would label 0, 1.25, 2.5 … and round them to 0, 1, 3, 4, 5).
 */
export function countAxisTop(value: number): number {
  const perTick = Math.max(1, value / 4);
  const power = 10 ** Math.floor(Math.log10(perTick));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= perTick) ?? 10 * power;
  return 4 * step;
}

const pct = (rate: number) => `${Math.round(rate * 1000) / 10}%`;

/** Roughly how wide a label is at the chart's font size: CJK glyphs ≈ 11 px, Latin and digits ≈ 6.5 px. */
const textWidth = (text: string) => [...text].reduce((w, ch) => w + (ch.charCodeAt(0) < 0x2e80 ? 6.5 : 11), 0);

/** A slot label cut to what fits in `width`. */
function fit(label: string, width: number): string {
  if (textWidth(label) <= width) return label;
  let cut = [...label];
  while (cut.length > 1 && textWidth(`${cut.join('')}…`) > width) cut = cut.slice(0, -1);
  return `${cut.join('')}…`;
}

export function drawBarChart(spec: BarChartSpec): SVGSVGElement {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': spec.title });
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, spec.slots.length);
  const top = spec.scale === 'rate' ? 1 : countAxisTop(Math.max(0, ...spec.bars.flatMap((s) => s.values.map((v) => v ?? 0))));
  const y = (v: number) => PAD.top + plotH - (Math.min(v, top) / top) * plotH;
  const yRate = (r: number) => PAD.top + plotH - r * plotH;
  const label = (v: number) => (spec.scale === 'rate' ? pct(v) : String(Math.round(v * 10) / 10));

  for (let i = 0; i <= 4; i++) {
    const v = (top / 4) * i;
    const yy = y(v);
    svg.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: yy, y2: yy, stroke: '#e3e7ec' }));
    svg.append(el('text', { x: PAD.left - 6, y: yy + 4, 'text-anchor': 'end' }, spec.scale === 'rate' ? `${25 * i}%` : String(Math.round(v))));
    if (spec.line) svg.append(el('text', { x: W - PAD.right + 6, y: yy + 4 }, `${25 * i}%`));
  }
  spec.slots.forEach((name, i) => {
    if (!name) return;
    // A label may use the unlabelled slots beside it (the wallboard labels every other hour).
    let span = 1;
    while (i + span < spec.slots.length && !spec.slots[i + span]) span++;
    const text = el('text', { x: PAD.left + slot * i + slot / 2, y: H - 10, 'text-anchor': 'middle' }, fit(name, slot * span - 4));
    if (text.textContent !== name) text.append(el('title', {}, name));
    svg.append(text);
  });

  const groupWidth = Math.min(slot * 0.64, MAX_BAR * spec.bars.length);
  const barWidth = groupWidth / Math.max(1, spec.bars.length);
  spec.slots.forEach((name, i) => {
    if (spec.bars.every((s) => s.values[i] === null || s.values[i] === undefined)) return;
    const group = el('g', { 'data-testid': 'bar-group', 'data-slot': name || String(i) });
    const left = PAD.left + slot * i + (slot - groupWidth) / 2;
    spec.bars.forEach((series, j) => {
      const value = series.values[i];
      if (value === null || value === undefined) return;
      const x = left + barWidth * j;
      const yy = y(value);
      // A hair of space between a group's bars when there is more than one.
      const gap = spec.bars.length > 1 ? Math.min(2, barWidth * 0.1) : 0;
      group.append(el('rect', { x: x + gap / 2, y: yy, width: barWidth - gap, height: PAD.top + plotH - yy, fill: series.color, rx: 2, 'data-series': series.name }));
      if (spec.valueLabels) group.append(el('text', { x: x + barWidth / 2, y: yy - 4, 'text-anchor': 'middle', class: 'value' }, label(value)));
    });
    if (spec.tip) group.append(el('title', {}, spec.tip(i)));
    svg.append(group);
  });

  if (spec.line) {
    const points = spec.line.values
      .map((v, i) => (typeof v === 'number' ? ([PAD.left + slot * i + slot / 2, yRate(v)] as const) : null))
      .filter((p) => p !== null);
    const color = spec.line.color;
    if (points.length > 1) {
      svg.append(el('polyline', { points: points.map(([px, py]) => `${px},${py}`).join(' '), fill: 'none', stroke: color, 'stroke-width': 2 }));
    }
    for (const [px, py] of points) svg.append(el('circle', { cx: px, cy: py, r: 3, fill: color }));
  }
  svg.append(el('line', { x1: PAD.left, x2: W - PAD.right, y1: PAD.top + plotH, y2: PAD.top + plotH, stroke: '#9aa5b1' }));
  return svg;
}

/** The chart's key: a coloured square and a name per series. */
export function chartLegend(items: readonly { name: string; color: string }[]): HTMLElement {
  return h('div', { class: 'legend' }, items.map((item) => h('span', null, h('i', { style: `background:${item.color}` }), item.name)));
}
