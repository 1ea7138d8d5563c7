/**
 * A synthetic stream of hotline calls for the early-warning tests: weeks of calls with a daily
 * rhythm, quieter weekends, a Monday-morning peak every week, and day-to-day variation, each call
 * with a category, a street (乡镇/街道) and a hotline. Seeded, so every run sees the same calls.
 */
import type { Sighting } from '../../routing/hotspots/surge-detector.js';

/** Monday 2026-05-04 00:00 in Asia/Shanghai: the first day of the synthetic weeks. */
export const FIRST_MONDAY = Date.parse('2026-05-04T00:00:00+08:00');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

/** mulberry32: a small deterministic generator. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(rand: () => number, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = rand(); p > limit; p *= rand()) k++;
  return k;
}

/** Calls an hour by hour of the day on a weekday. */
const HOURLY = [3, 2, 2, 2, 2, 3, 6, 15, 40, 60, 60, 55, 35, 35, 50, 50, 48, 45, 25, 25, 20, 10, 8, 5];

function pick<T>(rand: () => number, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let r = rand() * total;
  for (const [item, weight] of items) {
    r -= weight;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

const zipf = (names: string[]) => names.map((name, i) => [name, 1 / (i + 1)] as const);
export const CATEGORIES = zipf(['城乡建设/物业管理', '交通出行/公交', '社会保障/医保', '城乡建设/供水', '市场监管/消费', '教育/入学', '公安/户籍', '环境保护/噪音', '劳动就业/工资', '卫生健康/医院', '城乡建设/燃气', '民政/养老']);
export const STREETS = zipf(Array.from({ length: 25 }, (_, i) => `street-${String(i + 1).padStart(2, '0')}`));
const HOTLINES = [['12345', 85], ['12315', 10], ['12369', 5]] as const;

export interface Injection {
  at: number;
  count: number;
  spreadMs: number;
  category: string;
  street: string;
}

/** `weeks` weeks of calls from FIRST_MONDAY, plus the injected ones (their ticket ids apart); sorted by time. */
export function syntheticCalls(seed: number, weeks: number, injections: Injection[] = []): { calls: Sighting[]; injected: Set<number> } {
  const rand = random(seed);
  const calls: Sighting[] = [];
  let ticketId = 1;
  const sighting = (at: number, category: string, street: string, hotline: string): Sighting => ({
    ticketId: ticketId++,
    at,
    keys: [`category:${category}`, `area:${street}`, `hotline:${hotline}`],
  });
  for (let day = 0; day < weeks * 7; day++) {
    const weekday = day % 7; // 0 = Monday
    const dayFactor = (weekday >= 5 ? 0.6 : 1) * (0.85 + 0.3 * rand());
    for (let minute = 0; minute < 24 * 60; minute++) {
      const hour = Math.floor(minute / 60);
      const mondayPeak = weekday === 0 && hour >= 8 && hour <= 11 ? 1.8 : 1;
      const n = poisson(rand, (HOURLY[hour]! * dayFactor * mondayPeak) / 60);
      for (let i = 0; i < n; i++) {
        const at = FIRST_MONDAY + day * DAY + minute * 60_000 + Math.floor(rand() * 60_000);
        calls.push(sighting(at, pick(rand, CATEGORIES), pick(rand, STREETS), pick(rand, HOTLINES)));
      }
    }
  }
  const injected = new Set<number>();
  for (const injection of injections) {
    for (let i = 0; i < injection.count; i++) {
      const call = sighting(injection.at + Math.floor((i * injection.spreadMs) / injection.count), injection.category, injection.street, '12345');
      injected.add(call.ticketId);
      calls.push(call);
    }
  }
  return { calls: calls.sort((a, b) => a.at - b.at), injected };
}

/** The store's count query over a list of calls: sightings with `key` in [from, to). */
export function historyOf(calls: Sighting[]): (key: string, from: number, to: number) => number {
  const times = new Map<string, number[]>();
  for (const call of calls) for (const key of call.keys) (times.get(key) ?? times.set(key, []).get(key)!).push(call.at);
  const firstAtOrAfter = (list: number[], t: number) => {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (key, from, to) => {
    const list = times.get(key);
    return list ? firstAtOrAfter(list, to) - firstAtOrAfter(list, from) : 0;
  };
}
