/**
 * A caller the IVR puts through to a department's line (a menu's `transfer` key) was served: the KPIs
 * count the call as answered ("the IVR handing it to an outside party", reports/kpis.ts), not as
 * 其他未接通 that drags the 接通率 down; the department's talk is no handle time of the centre's; and
 * the wallboard's hourly series, read from the call rows' answer time, counts it answered too.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, shanghaiDay, shanghaiHour } from '../../store/index.js';
import { client, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { putTransferMenuOn12333 } from '../support/transfer-menu.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();
let admin: ReturnType<typeof client>;
let wallboard: SupervisorDesk | null = null;

interface SimChannel {
  id: string;
  name: string;
  bridgeId: string | null;
}

beforeAll(async () => {
  await registerPhones(h.sim);
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 50 });
  admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
});
afterAll(() => wallboard?.close());

describe('KPIs of a call the IVR put through to a department', () => {
  it('count it as answered, not as 其他未接通, on the reports and the wallboard', async () => {
    await putTransferMenuOn12333(admin, 'housing');

    const played: string[] = [];
    let id = '';
    const unsubscribe = h.sim.core.subscribe((event) => {
      if (event.type === 'playback.started' && event.playback.targetUri === `channel:${id}`) played.push(event.playback.mediaUri);
    });
    id = await placeCall(h.sim.httpUrl, '13800007001', '12333');
    await waitFor(() => played.includes('sound:menu-main'), 'the menu prompt');
    unsubscribe();
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });
    await waitFor(async () => {
      const channels = (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
      const caller = channels.find((c) => c.id === id);
      return channels.some((c) => c.id !== id && c.name.startsWith('PJSIP/trunk') && c.bridgeId !== null && c.bridgeId === caller?.bridgeId);
    }, 'the caller bridged with the department', 10_000);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    const row = await waitFor(async () => {
      const r = (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0];
      return r?.endedAt ? r : undefined;
    }, 'the call ended');
    // Answered by the department's line, no agent; the call's outcome stays 转出.
    expect(row).toMatchObject({ outcome: 'transferred', agentId: null });
    expect(row.answeredAt).not.toBeNull();

    const report = await admin<{ totals: Record<string, unknown> }>('GET', `/api/v1/kpis?date=${shanghaiDay(h.clock.now())}`);
    expect(report.status).toBe(200);
    expect(report.body.totals).toMatchObject({ offered: 1, answered: 1, unansweredOther: 0, answerRate: 1, averageHandleSeconds: null });
    const byAgent = await admin<{ rows: { key: string; answered: number }[] }>('GET', `/api/v1/kpis?date=${shanghaiDay(h.clock.now())}&by=agent`);
    expect(byAgent.body.rows.filter((r) => r.answered > 0).map((r) => r.key)).toEqual(['-']);

    wallboard = await SupervisorDesk.login(h.server.httpUrl, 'super');
    const snapshot = await wallboard.next('snapshot');
    expect(snapshot.today).toMatchObject({ offered: 1, answered: 1, answerRate: 1 });
    expect(snapshot.series).toEqual([expect.objectContaining({ hour: shanghaiHour(new Date(row.arrivedAt)), offered: 1, answered: 1, answerRate: 1 })]);
  });
});
