/** Small pieces every bench phase uses: waiting, percentiles, and numbers printed with "–" for none. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The value below which `p` % of `values` fall (NaN for none). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** `n` with `digits` decimals, or "–" when it is not a number (no data). */
export const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
