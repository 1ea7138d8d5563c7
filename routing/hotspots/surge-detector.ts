/**
 * 热点预警: finds a surge of calls that share something — a category, an area (乡镇/街道), a hotline —
 * while it happens, and raises one alert per surge, not one per call.
 *
 * Method (documented for the duty supervisor in the README's early-warning section):
 * - Every call (or ticket) is a sighting with its keys, e.g. `category:城乡建设/供水`, `area:110105001`,
 *   `hotline:12345`. A key's level is the number of sightings in the sliding window (default 60 min)
 *   that ends now.
 * - Its usual level is read from the same window of the same weekday in each of the past weeks
 *   (default 4), and from the three hours around it (one window before, one after) averaged per
 *   window, which is steadier for a street with a few calls an hour: the larger of the two medians
 *   across weeks, plus a spread of 1.4826 × the median absolute deviation of the same-window counts
 *   (a robust standard deviation), and never below a floor (a key with no past at all is not
 *   "infinitely surprising"). Medians, so one past week with its own surge does not raise the bar.
 *   Comparing with the same slot of past weeks is what keeps the
 *   ordinary Monday-morning peak from being a surge: Mondays at nine are busy every week.
 * - A key is surging when its level is at least `minCount`, at least `minRatio` times the usual
 *   level, and the Poisson tail P(X ≥ level | usual level) is at most `maxTailProbability`. The tail
 *   is small on purpose (1e-6 by default): a centre watches a few dozen keys, checked every few
 *   minutes, all week, and a false alarm on the wall costs a supervisor's attention.
 * - Keys that surge on the same calls are one surge: a flagged key joins an open surge (or another
 *   key flagged with it) when at least half of the smaller of their window's sightings are shared.
 *   A surge stays open while any of its keys is flagged again within one window, and ends a whole
 *   window after the last time one was; then its calls drop out of the window and a later surge is a
 *   new one.
 *
 * Pure and clock-free: callers pass the time in; the past comes through `history`.
 */
import { poissonUpperTail } from './poisson-tail.js';

export interface Sighting {
  /** The ticket (or call) behind it: what the alert links to. */
  ticketId: number;
  /** Epoch milliseconds. */
  at: number;
  keys: readonly string[];
}

export interface SurgeRules {
  windowMs: number;
  baselineWeeks: number;
  minCount: number;
  minRatio: number;
  maxTailProbability: number;
  /** The least usual level assumed for a key, sightings per window. */
  floorLevel: number;
}

export const DEFAULT_SURGE_RULES: SurgeRules = {
  windowMs: 60 * 60_000,
  baselineWeeks: 4,
  minCount: 6,
  minRatio: 2.5,
  maxTailProbability: 1e-6,
  floorLevel: 1,
};

/** How many sightings carried `key` in [from, to) — read from the store for past weeks. */
export type History = (key: string, from: number, to: number) => number | Promise<number>;

export interface KeyLevel {
  key: string;
  observed: number;
  /** The usual level the observation was judged against (median + spread, at least the floor). */
  usual: number;
  tailProbability: number;
}

export interface Surge {
  id: number;
  keys: KeyLevel[];
  startedAt: number;
  /** The last check at which one of its keys was flagged. */
  lastFlaggedAt: number;
  endedAt: number | null;
  /** Every ticket behind it since it started, oldest first. */
  ticketIds: number[];
}

export interface SurgeChange {
  kind: 'opened' | 'grown' | 'ended';
  surge: Surge;
}

const WEEK_MS = 7 * 24 * 3_600_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The usual level of a key for the window ending at `now`, from past weeks: per week, the count in the
 * same window, and the average window over the three hours around it (steadier when counts are
 * small); the larger of their medians across weeks, plus a robust spread, at least the floor.
 */
export async function usualLevel(history: History, key: string, now: number, rules: SurgeRules): Promise<number> {
  const same: number[] = [];
  const around: number[] = [];
  for (let week = 1; week <= rules.baselineWeeks; week++) {
    const end = now - week * WEEK_MS;
    same.push(await history(key, end - rules.windowMs, end));
    around.push((await history(key, end - 2 * rules.windowMs, end + rules.windowMs)) / 3);
  }
  const centre = Math.max(median(same), median(around));
  const spread = 1.4826 * median(same.map((count) => Math.abs(count - centre)));
  return Math.max(rules.floorLevel, centre + spread);
}

export class SurgeDetector {
  private readonly window: Sighting[] = [];
  private readonly open = new Map<number, Surge>();
  private nextId = 1;

  constructor(
    private readonly history: History,
    private readonly rules: SurgeRules = DEFAULT_SURGE_RULES,
  ) {}

  record(sighting: Sighting): void {
    // Sightings arrive in time order, nearly always; keep the window sorted anyway.
    let i = this.window.length;
    while (i > 0 && this.window[i - 1]!.at > sighting.at) i--;
    this.window.splice(i, 0, sighting);
  }

  /**
   * Replaces what the window holds: for a caller that reads the window's sightings afresh from the
   * store at each check (a late-registered ticket then counts at its arrival time).
   */
  replaceWindow(sightings: readonly Sighting[]): void {
    this.window.length = 0;
    this.window.push(...[...sightings].sort((a, b) => a.at - b.at));
  }

  /** The surges open now. */
  active(): Surge[] {
    return [...this.open.values()];
  }

  /**
   * Judges every key seen in the window ending at `now`; returns what changed. The past weeks' counts
   * may come from the store (asynchronously): the caller runs one check at a time.
   */
  async check(now: number): Promise<SurgeChange[]> {
    const since = now - this.rules.windowMs;
    while (this.window.length > 0 && this.window[0]!.at < since) this.window.shift();
    const byKey = new Map<string, Sighting[]>();
    for (const sighting of this.window) {
      if (sighting.at >= now) continue;
      for (const key of sighting.keys) {
        const list = byKey.get(key);
        if (list) list.push(sighting);
        else byKey.set(key, [sighting]);
      }
    }

    const flagged: { level: KeyLevel; tickets: Set<number> }[] = [];
    for (const [key, sightings] of byKey) {
      if (sightings.length < this.rules.minCount) continue;
      const usual = await usualLevel(this.history, key, now, this.rules);
      if (sightings.length < this.rules.minRatio * usual) continue;
      const tailProbability = poissonUpperTail(sightings.length, usual);
      if (tailProbability > this.rules.maxTailProbability) continue;
      flagged.push({ level: { key, observed: sightings.length, usual, tailProbability }, tickets: new Set(sightings.map((s) => s.ticketId)) });
    }

    const changes: SurgeChange[] = [];
    for (const flag of flagged) {
      const surge = this.surgeSharing(flag.tickets) ?? this.startSurge(now, changes);
      const known = surge.keys.findIndex((k) => k.key === flag.level.key);
      if (known >= 0) surge.keys[known] = flag.level;
      else surge.keys.push(flag.level);
      const before = surge.ticketIds.length;
      const ids = new Set(surge.ticketIds);
      for (const id of flag.tickets) if (!ids.has(id)) surge.ticketIds.push(id);
      surge.lastFlaggedAt = now;
      if (surge.ticketIds.length > before && !changes.some((c) => c.surge === surge)) changes.push({ kind: 'grown', surge });
    }

    for (const surge of this.open.values()) {
      if (now - surge.lastFlaggedAt < this.rules.windowMs) continue;
      surge.endedAt = now;
      this.open.delete(surge.id);
      changes.push({ kind: 'ended', surge });
    }
    return changes;
  }

  /** The open surge (including one started in this check) that shares at least half of the smaller ticket set. */
  private surgeSharing(tickets: Set<number>): Surge | undefined {
    const recent = new Set(this.window.map((s) => s.ticketId));
    for (const surge of this.open.values()) {
      const theirs = surge.ticketIds.filter((id) => recent.has(id));
      const shared = theirs.filter((id) => tickets.has(id)).length;
      if (shared > 0 && shared * 2 >= Math.min(theirs.length, tickets.size)) return surge;
    }
    return undefined;
  }

  private startSurge(now: number, changes: SurgeChange[]): Surge {
    const surge: Surge = { id: this.nextId++, keys: [], startedAt: now, lastFlaggedAt: now, endedAt: null, ticketIds: [] };
    this.open.set(surge.id, surge);
    changes.push({ kind: 'opened', surge });
    return surge;
  }
}
