/**
 * A blacklisted caller (骚扰号码) who hangs up while hearing the blocked notice — as most do, once they
 * hear "您的号码…已被限制呼入" — is recorded `blocked` like one who hears it to the end: left out of the
 * KPIs (no 呼入量, no 放弃, the 接通率 untouched), as README says blacklisted callers are.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../cti/events/domain-events.js';
import { calls } from '../../store/index.js';
import { api, client, login } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

/** The notice lasts 40 s of audio (2 s of wall time at the simulator's scale), so the caller can hang up during it. */
const h = useHarness({}, { core: { soundDurations: { 'blocked-notice': 40 } } });

describe('a blacklisted caller who hangs up during the blocked notice', () => {
  it('is recorded as blocked and left out of the KPIs, not counted as an abandoned call', async () => {
    const harasser = '13800135555';
    const supervisorToken = await login(h.server.httpUrl, 'super');
    const supervisor = client(h.server.httpUrl, supervisorToken);
    expect((await supervisor('POST', '/api/v1/blacklist', { number: harasser, reason: '多次恶意骚扰坐席' })).status).toBe(201);

    const id = await placeCall(h.sim.httpUrl, harasser, '12345');
    await waitFor(async () => (await simRequest<{ hearing: string | null }>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.hearing === 'sound:blocked-notice', 'the blocked notice playing');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    const row = await waitFor(async () => {
      const found = (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];
      return found?.endedAt ? found : undefined;
    }, 'the call ended');

    const day = new Date(h.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const kpis = await api<{ totals: { offered: number; abandoned: number } }>(h.server.httpUrl, 'GET', `/api/v1/kpis?date=${day}`, { token: supervisorToken });
    expect(kpis.status).toBe(200);
    expect(
      { outcome: row.outcome, offered: kpis.body.totals.offered, abandoned: kpis.body.totals.abandoned },
      'the only call of the day was a blacklisted one: no 呼入量, no 放弃',
    ).toEqual({ outcome: 'blocked', offered: 0, abandoned: 0 });
  });

  it('is reported ended with the mode of the hotline dialled, as after a restart', async () => {
    const harasser = '13800135556';
    const supervisor = client(h.server.httpUrl, await login(h.server.httpUrl, 'super'));
    expect((await supervisor('POST', '/api/v1/blacklist', { number: harasser, reason: '多次恶意骚扰坐席' })).status).toBe(201);
    const ended: Extract<DomainEvent, { type: 'call.ended' }>[] = [];
    const stop = h.server.calls.bus.subscribe((event) => {
      if (event.type === 'call.ended') ended.push(event);
    });
    try {
      // 12315 is the demo seed's merged hotline served in parallel (并行).
      const id = await placeCall(h.sim.httpUrl, harasser, '12315');
      await waitFor(async () => (await simRequest<{ hearing: string | null }>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.hearing === 'sound:blocked-notice', 'the blocked notice playing');
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      const event = await waitFor(() => ended.find((e) => e.call.callId === id), 'the call reported ended');
      expect({ outcome: event.outcome, mode: event.call.mode }).toEqual({ outcome: 'blocked', mode: 'parallel' });
    } finally {
      stop();
    }
  });
});
