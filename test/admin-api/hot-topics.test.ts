/**
 * 每周热点 through the admin API: registered tickets of this week and the week before, by
 * classification and by street, the top ones first, with the change week on week.
 */
import { describe, expect, it } from 'vitest';
import { useHarness } from '../support/harness.js';
import { BUS_ROUTES, registeredTicket, WATER_IN_JIANWAI } from '../support/registered-tickets.js';
import { client, login } from './admin-client.js';

const h = useHarness();
const DAY = 86_400_000;

describe('weekly hot topics', () => {
  it('ranks this week\'s classifications and streets, with last week beside them', async () => {
    const db = h.server.store.db;
    const now = h.clock.now().getTime(); // a Wednesday
    for (let i = 0; i < 5; i++) await registeredTicket(db, now - i * 3_600_000, WATER_IN_JIANWAI);
    for (let i = 0; i < 3; i++) await registeredTicket(db, now - DAY - i * 3_600_000, { ...BUS_ROUTES, streetCode: '110105002', streetName: '朝外街道' });
    await registeredTicket(db, now - 7 * DAY, WATER_IN_JIANWAI);
    for (let i = 0; i < 4; i++) await registeredTicket(db, now - 8 * DAY, BUS_ROUTES);
    // Two weeks ago: in neither column.
    await registeredTicket(db, now - 14 * DAY, WATER_IN_JIANWAI);

    const supervisor = client(h.server.httpUrl, await login(h.server.httpUrl, 'super'));
    const report = await supervisor<Record<string, unknown>>('GET', '/api/v1/hot-topics');
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      week: '2026-06-08',
      previousWeek: '2026-06-01',
      total: { thisWeek: 8, lastWeek: 5 },
      categories: [
        { label: '城乡建设 > 供水', thisWeek: 5, lastWeek: 1, change: 4 },
        { label: '交通出行 > 公交线路', thisWeek: 3, lastWeek: 4, change: -0.25 },
      ],
      areas: [
        { label: '建外街道', thisWeek: 5, lastWeek: 1, change: 4 },
        { label: '朝外街道', thisWeek: 3, lastWeek: 0, change: null },
      ],
    });
    const earlier = await supervisor<{ week: string; total: unknown }>('GET', '/api/v1/hot-topics?week=2026-06-03');
    expect(earlier.body).toMatchObject({ week: '2026-06-01', total: { thisWeek: 5, lastWeek: 1 } });
    expect((await supervisor('GET', '/api/v1/hot-topics?week=2026-6-3')).status).toBe(400);
  });
});
