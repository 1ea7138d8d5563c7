/**
 * WCAG 2.x contrast of every visible text on a page: each element with text of its own (and each
 * form control showing a value), its computed colour against its effective background — the
 * backgrounds of it and its ancestors composed from the top, semi-transparent ones blended — as
 * `(L1 + 0.05) / (L2 + 0.05)` of relative luminances. Disabled controls are left out (WCAG 1.4.3
 * exempts inactive components), so are elements hidden, transparent or off-screen, and background
 * images (none on the pages measured here).
 */
import type { Page } from 'playwright-core';

export interface ContrastSample {
  text: string;
  /** A short CSS path of the element, to find it. */
  where: string;
  color: string;
  background: string;
  ratio: number;
}

// Plain JavaScript evaluated in the page (a function would be serialised with the test runner's helpers).
const MEASURE = String.raw`(() => {
  const parse = (css) => {
    const m = css.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  // Colour a over b (b opaque).
  const over = (a, b) => [0, 1, 2].map((i) => a[i] * a[3] + b[i] * (1 - a[3])).concat(1);
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let result = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
    return result;
  };
  const visible = (el) => {
    if (!el.getClientRects().length) return false;
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.visibility === 'hidden' || s.display === 'none' || Number(s.opacity) === 0) return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const disabled = (el) => !!el.closest('button:disabled, select:disabled, input:disabled, textarea:disabled, fieldset:disabled, [aria-disabled="true"]');
  const path = (el) => {
    const parts = [];
    for (let e = el; e && parts.length < 4 && e !== document.body; e = e.parentElement) {
      const id = e.getAttribute('data-testid');
      parts.unshift(e.tagName.toLowerCase() + (id ? '[data-testid=' + id + ']' : e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''));
    }
    return parts.join(' > ');
  };
  const rgb = (c) => 'rgb(' + c.slice(0, 3).map(Math.round).join(', ') + ')';
  const samples = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.tagName === 'SCRIPT' || el.tagName === 'STYLE' || el.tagName === 'OPTION') continue;
    const control = el.tagName === 'SELECT' || (el.tagName === 'INPUT' && el.value) || (el.tagName === 'TEXTAREA' && el.value);
    const ownText = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join(' ').trim();
    const text = control ? (el.tagName === 'SELECT' ? (el.selectedOptions[0]?.textContent ?? '') : el.value) : ownText;
    if (!text || !visible(el) || disabled(el)) continue;
    const bg = background(el);
    const fg = over(parse(getComputedStyle(el).color), bg);
    const a = luminance(fg);
    const b = luminance(bg);
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    samples.push({ text: text.slice(0, 40), where: path(el), color: rgb(fg), background: rgb(bg), ratio: Math.round(ratio * 100) / 100 });
  }
  return samples;
})()`;

/** Every visible text sample of the page with its contrast ratio. */
export async function measureContrast(page: Page): Promise<ContrastSample[]> {
  return page.evaluate<ContrastSample[]>(MEASURE);
}

/** The samples below `minimum` (4.5:1, WCAG AA for normal text, unless told otherwise). */
export async function lowContrast(page: Page, minimum = 4.5): Promise<ContrastSample[]> {
  return (await measureContrast(page)).filter((s) => s.ratio < minimum);
}
