/**
 * A blacklisted caller (骚扰号码) is left out of the KPIs (README) — also WHILE the blocked notice
 * plays, not only once the call has ended: the wallboard's 今日呼入 and day chart, and the KPI report
 * asked meanwhile, must not count the call as a citizen's call in progress.
 */
import { describe, expect, it } from 'vitest';
import { api, client, login } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

/** A notice long enough to be still playing through the whole test (2,000 s of audio: 100 s of wall time). */
const h = useHarness({}, { core: { soundDurations: { 'blocked-notice': 2000 } } });

interface Today {
  offered: number;
}
interface Hour {
  offered: number;
}

describe('a blacklisted caller still hearing the blocked notice', () => {
  it('is counted neither by the wallboard nor by the KPI report', async () => {
    const harasser = '13800135557';
    const supervisorToken = await login(h.server.httpUrl, 'super');
    const supervisor = client(h.server.httpUrl, supervisorToken);
    expect((await supervisor('POST', '/api/v1/blacklist', { number: harasser, reason: '多次恶意骚扰坐席' })).status).toBe(201);
    const wall = await SupervisorDesk.login(h.server.httpUrl, 'super');
    try {
      const id = await placeCall(h.sim.httpUrl, harasser, '12345');
      await waitFor(async () => (await simRequest<{ hearing: string | null }>(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.hearing === 'sound:blocked-notice', 'the blocked notice playing');
      // What the call wrote so far is in the database.
      await h.server.calls.context.writes.drain(id);

      const day = new Date(h.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
      const kpis = await api<{ totals: { offered: number; inProgress: number } }>(h.server.httpUrl, 'GET', `/api/v1/kpis?date=${day}`, { token: supervisorToken });
      expect(kpis.status).toBe(200);

      // A picture taken from now on, while the call is still live.
      const mark = wall.received.length;
      const snap = await waitFor(
        () => wall.received.slice(mark).find((m) => m.type === 'snapshot' && (m.calls as { callId: string }[]).some((c) => c.callId === id)),
        'a wallboard picture during the notice',
      );
      expect(
        {
          report: { offered: kpis.body.totals.offered, inProgress: kpis.body.totals.inProgress },
          today: (snap.today as Today).offered,
          chart: (snap.series as Hour[]).reduce((n, s) => n + s.offered, 0),
        },
        'the only call of the day is a blacklisted one, still hearing the notice: no 呼入量 anywhere',
      ).toEqual({ report: { offered: 0, inProgress: 0 }, today: 0, chart: 0 });
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    } finally {
      wall.close();
    }
  });
});
