/**
 * 热点预警 on a synthetic month of calls (test/routing/synthetic-calls.ts): an injected surge of calls
 * about the water supply in one street is found once, with its calls behind it; the ordinary
 * Monday-morning peak, busy as it is, is not a surge.
 */
import { describe, expect, it } from 'vitest';
import { poissonUpperTail } from '../../routing/hotspots/poisson-tail.js';
import { DEFAULT_SURGE_RULES, SurgeDetector, type SurgeChange, type Sighting } from '../../routing/hotspots/surge-detector.js';
import { DAY, FIRST_MONDAY, HOUR, WEEK, historyOf, syntheticCalls, type Injection } from './synthetic-calls.js';

const MINUTE = 60_000;
/** The fifth week is the one watched; the four before it are its past. */
const WATCHED = FIRST_MONDAY + 4 * WEEK;

/** Replays the watched week into a detector, checking every five minutes as the server would. */
async function watchWeek(calls: Sighting[]): Promise<SurgeChange[]> {
  const detector = new SurgeDetector(historyOf(calls), DEFAULT_SURGE_RULES);
  const changes: SurgeChange[] = [];
  let next = calls.findIndex((c) => c.at >= WATCHED - HOUR);
  for (let now = WATCHED; now <= WATCHED + WEEK; now += 5 * MINUTE) {
    while (next < calls.length && calls[next]!.at < now) detector.record(calls[next++]!);
    changes.push(...(await detector.check(now)));
  }
  return changes;
}

describe('Poisson tail', () => {
  it('matches the exact values', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    expect(poissonUpperTail(1, 1)).toBeCloseTo(0.6321205588, 9);
    expect(poissonUpperTail(3, 5)).toBeCloseTo(0.8753479805, 9);
    expect(poissonUpperTail(10, 2) / 4.6498075017e-5).toBeCloseTo(1, 8);
    expect(poissonUpperTail(150, 100) / 1.884210466e-6).toBeCloseTo(1, 6);
    // Far in the tail it does not round to zero: a huge surge is ranked above a large one.
    expect(poissonUpperTail(25, 1.5) / 3.854265114e-22).toBeCloseTo(1, 6);
  });
});

describe('surge detection on a synthetic month', () => {
  // Wednesday of the watched week, 14:05–14:45 Beijing time: 20 calls about the water supply in street-07.
  const surgeAt = WATCHED + 2 * DAY + 14 * HOUR + 5 * MINUTE;
  const injection: Injection = { at: surgeAt, count: 20, spreadMs: 40 * MINUTE, category: '城乡建设/供水', street: 'street-07' };

  it('raises exactly one alert for an injected surge, naming its street and category, with its calls', async () => {
    for (const seed of [1, 2, 3]) {
      const { calls, injected } = syntheticCalls(seed, 5, [injection]);
      const changes = await watchWeek(calls);
      const opened = changes.filter((c) => c.kind === 'opened');
      expect(opened, `seed ${seed}`).toHaveLength(1);
      const surge = opened[0]!.surge;
      expect(surge.startedAt).toBeGreaterThan(surgeAt);
      expect(surge.startedAt).toBeLessThanOrEqual(surgeAt + 40 * MINUTE);
      // The street and the category surge on the same calls: one alert names both.
      expect(surge.keys.map((k) => k.key).sort()).toEqual(['area:street-07', 'category:城乡建设/供水']);
      expect(surge.keys.every((k) => k.observed >= DEFAULT_SURGE_RULES.minCount && k.tailProbability <= DEFAULT_SURGE_RULES.maxTailProbability)).toBe(true);
      // Its calls are behind it: nearly all of the injected ones (the first few came before it was judged a surge, and are in the window too).
      expect(surge.ticketIds.filter((id) => injected.has(id)).length).toBeGreaterThanOrEqual(18);
      // It grew while it lasted, and ended once its calls left the window, within the same afternoon.
      expect(changes.some((c) => c.kind === 'grown' && c.surge === surge)).toBe(true);
      expect(changes.some((c) => c.kind === 'ended' && c.surge === surge)).toBe(true);
      expect(surge.endedAt).toBeLessThan(surgeAt + 4 * HOUR);
    }
  });

  it('does not take the ordinary Monday-morning peak for a surge', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { calls } = syntheticCalls(seed, 5);
      const history = historyOf(calls);
      // The peak is real: Monday 10:00 has far more calls than Sunday 10:00 or Monday at dawn …
      const mondayTen = WATCHED + 10 * HOUR;
      const level = (at: number) => history('hotline:12345', at - HOUR, at);
      expect(level(mondayTen)).toBeGreaterThan(1.8 * level(mondayTen - DAY));
      expect(level(mondayTen)).toBeGreaterThan(10 * level(WATCHED + 5 * HOUR));
      // … and yet the whole week, peak included, raises nothing: Mondays at ten are busy every week.
      expect((await watchWeek(calls)).filter((c) => c.kind === 'opened'), `seed ${seed}`).toEqual([]);
    }
  });

  it('raises a second alert for a second surge after the first has ended, and none for a surge in a past week', async () => {
    const lastWeek: Injection = { ...injection, at: surgeAt - WEEK };
    const evening: Injection = { ...injection, at: surgeAt + 5 * HOUR, category: '城乡建设/燃气', street: 'street-05' };
    const { calls } = syntheticCalls(7, 5, [lastWeek, injection, evening]);
    const opened = (await watchWeek(calls)).filter((c) => c.kind === 'opened');
    // Last week's surge is in the past the detector compares with; the median keeps it from hiding this week's.
    expect(opened.map((c) => c.surge.keys.map((k) => k.key).find((key) => key.startsWith('area:')))).toEqual(['area:street-07', 'area:street-05']);
  });
});
