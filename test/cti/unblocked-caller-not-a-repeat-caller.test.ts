/**
 * A number blacklisted (骚扰号码) and later taken off the blacklist calls again. Its calls while
 * blacklisted were turned away with the notice — never served, never a citizen's call in the KPIs
 * (README) — so they do not make it a repeat caller: it hears no repeat-call warning, and the KPI
 * report's 重复来电率 (calls whose number called in the 24 h before ÷ 呼入量) does not count it.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, putSetting } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { api, client, login } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness({}, { core: { soundDurations: { 'blocked-notice': 2 } } });
const heard: { channel: string; media: string }[] = [];
let unsubscribe: () => void = () => undefined;

beforeAll(async () => {
  // A second call within the hour is a repeat call.
  await putSetting(h.server.store.db, 'repeat-call-policy', { maxCalls: 1, windowMinutes: 60, action: 'warn' });
  unsubscribe = h.sim.core.subscribe((event) => {
    if (event.type === 'playback.started' && event.playback.targetUri.startsWith('channel:')) {
      heard.push({ channel: event.playback.targetUri.slice('channel:'.length), media: event.playback.mediaUri });
    }
  });
});
afterAll(() => unsubscribe());

const rowOf = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));

describe('a number taken off the blacklist that calls again', () => {
  it('is not a repeat caller for its calls turned away while blacklisted', async () => {
    const number = '13800135560';
    const supervisorToken = await login(h.server.httpUrl, 'super');
    const supervisor = client(h.server.httpUrl, supervisorToken);
    const entry = await supervisor<{ id: number }>('POST', '/api/v1/blacklist', { number, reason: '多次恶意骚扰坐席' });
    expect(entry.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const blocked = await placeCall(h.sim.httpUrl, number, '12345');
      const row = await waitFor(async () => {
        const r = await rowOf(blocked);
        return r?.endedAt ? r : undefined;
      }, 'the blocked call over');
      expect(row.outcome).toBe('blocked');
    }
    expect((await supervisor('DELETE', `/api/v1/blacklist/${entry.body.id}`)).status).toBe(204);

    const id = await placeCall(h.sim.httpUrl, number, '12345');
    await waitFor(async () => (await rowOf(id))?.state === 'queued', 'the caller in line');
    expect(heard.filter((p) => p.channel === id).map((p) => p.media), 'what the caller heard before the queue').not.toContain('sound:repeat-call-warning');

    const day = new Date(h.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const kpis = await api<{ totals: { offered: number; repeatCallRate: number | null } }>(h.server.httpUrl, 'GET', `/api/v1/kpis?date=${day}`, { token: supervisorToken });
    expect(kpis.status).toBe(200);
    expect({ offered: kpis.body.totals.offered, repeatCallRate: kpis.body.totals.repeatCallRate }).toEqual({ offered: 1, repeatCallRate: 0 });
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  });
});
