/**
 * 热点预警 end to end: registered tickets in the database, the server's early-warning watch on its
 * clock, one `hotspot` alert on the supervisor socket per surge — updated as the surge grows, never
 * raised again for it — while a hotline as busy as it is every week raises nothing.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useHarness } from '../support/harness.js';
import { registeredTicket, surgeScene, WATER_IN_JIANWAI } from '../support/registered-tickets.js';
import type { WireMessage } from '../support/agent-desktop.js';
import { waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();
const MINUTE = 60_000;
let sup: SupervisorDesk | undefined;
afterAll(() => sup?.close());

const hotspots = (desk: SupervisorDesk) => desk.received.filter((m) => m.type === 'alert' && m.kind === 'hotspot');

describe('early warning', () => {
  it('raises one alert for a surge of water-supply calls from one street, with its tickets, and none for a usual busy hour', async () => {
    // Watching before the scene is written: a check of the watch that falls while it is written (on a
    // slow machine the 30 s since the server's first check may pass meanwhile) is seen too.
    sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    const now = h.clock.now().getTime();
    await surgeScene(h.server.store.db, now);

    // The watch checks every 30 s of the server's clock.
    h.clock.set(new Date(now + 31_000).toISOString());
    const alert = await sup.next('alert', (m) => m.kind === 'hotspot' && (m.ticketNumbers as string[]).length === 12);
    expect(String(alert.message)).toContain('建外街道');
    expect(String(alert.message)).toContain('城乡建设 > 供水');
    expect(alert.ticketNumbers as string[]).toHaveLength(12);

    // Three more calls: the same alert grows; no second one is raised, and none for the busy hotline.
    for (let i = 0; i < 3; i++) await registeredTicket(h.server.store.db, h.clock.now().getTime() - MINUTE, WATER_IN_JIANWAI);
    h.clock.set(new Date(now + 62_000).toISOString());
    const grown = await sup.next('alert', (m) => m.kind === 'hotspot' && (m.ticketNumbers as string[]).length === 15);
    expect(grown.surgeId).toBe(alert.surgeId);
    expect(new Set(hotspots(sup).map((m) => m.surgeId)).size).toBe(1);
    expect(hotspots(sup).some((m) => String(m.message).includes('公交'))).toBe(false);
    const snapshot = await sup.next('snapshot', (m) => (m.alerts as WireMessage[]).some((a) => a.kind === 'hotspot'));
    expect((snapshot.alerts as WireMessage[]).filter((a) => a.kind === 'hotspot')).toHaveLength(1);

    // An hour and a half later the calls have left the window: the alert says the surge is over.
    h.clock.set(new Date(now + 95 * MINUTE).toISOString());
    await waitFor(() => hotspots(sup!).some((m) => m.surgeId === alert.surgeId && String(m.message).includes('已回落')), 'the surge over');
    expect(new Set(hotspots(sup).map((m) => m.surgeId)).size).toBe(1);
  });
});
