/**
 * P(X ≥ k) for X ~ Poisson(λ): how surprising it is to see k or more events in a window where λ are
 * expected. Summed in log space from k upward (terms shrink geometrically once past λ), so it stays
 * exact for the small counts of one window and does not underflow for the large ones.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error below 1e-13). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < c.length; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  if (k <= lambda) {
    // Most of the mass lies at or above k: 1 − P(X ≤ k − 1), each term in log space so a large λ does not underflow.
    let below = 0;
    for (let i = 0; i < k; i++) below += Math.exp(-lambda + i * Math.log(lambda) - logGamma(i + 1));
    return Math.min(1, Math.max(0, 1 - below));
  }
  const logFirst = -lambda + k * Math.log(lambda) - logGamma(k + 1);
  let ratio = 1;
  let sum = 1;
  for (let i = k + 1; ratio > 1e-16 * sum; i++) {
    ratio *= lambda / i;
    sum += ratio;
  }
  return Math.min(1, Math.exp(logFirst) * sum);
}
