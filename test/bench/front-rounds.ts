/**
 * The front half's runs of one rate taken together. One run's CPU ratio moves by ±20 % with the
 * machine (a same-build comparison read 0.9–1.2× here), so the bench runs every rate more than once,
 * taking turns, and judges the CPU target on each rate's median ratio; every run is still printed.
 */

/** One run of a rate: each side's CPU per call (ms). */
export interface RunCpu {
  rate: number;
  server: number;
  floor: number;
}

export interface RateSummary {
  rate: number;
  runs: number;
  /** Medians over the rate's runs. */
  server: number;
  floor: number;
  /** The median of the runs' ratios, and their lowest and highest. */
  ratio: number;
  lowestRatio: number;
  highestRatio: number;
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? NaN) + upper) / 2;
}

/** Per rate, in the order the rates first ran. */
export function summariseByRate(runs: readonly RunCpu[]): RateSummary[] {
  const rates = [...new Set(runs.map((run) => run.rate))];
  return rates.map((rate) => {
    const ofRate = runs.filter((run) => run.rate === rate);
    const ratios = ofRate.map((run) => run.server / run.floor);
    return {
      rate,
      runs: ofRate.length,
      server: median(ofRate.map((run) => run.server)),
      floor: median(ofRate.map((run) => run.floor)),
      ratio: median(ratios),
      lowestRatio: Math.min(...ratios),
      highestRatio: Math.max(...ratios),
    };
  });
}
