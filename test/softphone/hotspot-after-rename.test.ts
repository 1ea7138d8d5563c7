/**
 * 热点预警 judges this hour's tickets of a hotline against the same hour of the past four weeks. A
 * ticket keeps the hotline's name as it was when the call came in; when an admin renames a merged
 * hotline's route (`PATCH /routes/:id {name}`), the past weeks' tickets are still that hotline's: a
 * hotline exactly as busy as every week raises no 热点预警 because it was renamed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { client, login } from '../admin-api/admin-client.js';
import type { WireMessage } from '../support/agent-desktop.js';
import { useHarness } from '../support/harness.js';
import { surgeScene } from '../support/registered-tickets.js';
import { tickets } from '../../store/index.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();
const MINUTE = 60_000;
const WEEK = 7 * 24 * 60 * MINUTE;
let sup: SupervisorDesk | undefined;
let serial = 0;

/** A registered ticket of a call to 12315 that arrived at `at`, named as its route was named then. */
async function ticket12315(at: number, routeId: number, hotline: string): Promise<void> {
  serial++;
  const createdAt = new Date(at).toISOString();
  await h.server.store.db.insert(tickets).values({
    number: `9915${String(serial).padStart(6, '0')}`,
    callerNumber: `1370000${String(serial).padStart(4, '0')}`,
    dialledNumber: '12315',
    routeId,
    hotline,
    content: '测试',
    createdAt,
    updatedAt: createdAt,
    registeredAt: createdAt,
  });
}
afterAll(() => sup?.close());

const hotspotsIn = (alerts: WireMessage[]) => alerts.filter((a) => a.kind === 'hotspot');

describe('renaming a merged hotline', () => {
  it('raises no 热点预警 for a hotline as busy as it is every week', async () => {
    sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const db = h.server.store.db;
    const now = h.clock.now().getTime();
    const route = (await admin<{ id: number; number: string; name: string }[]>('GET', '/api/v1/routes')).body.find((r) => r.number === '12315');
    expect(route?.name).toBe('12315 市场监管投诉举报热线');

    // Every past week, this hour: twelve registered 12315 tickets.
    const routeId = route?.id ?? 0;
    for (let w = 1; w <= 4; w++) {
      for (let i = 0; i < 12; i++) await ticket12315(now - w * WEEK - (i + 1) * 4 * MINUTE, routeId, route?.name ?? '');
    }

    // The admin renames the hotline; this hour's 12315 tickets carry the new name, twelve as usual.
    const renamed = await admin<{ name: string }>('PATCH', `/api/v1/routes/${route?.id}`, { name: '12315 市场监管热线' });
    expect(renamed.status).toBe(200);
    for (let i = 0; i < 12; i++) await ticket12315(now - (i + 1) * 4 * MINUTE, routeId, renamed.body.name);

    // A real surge elsewhere, so that the watch is known to have looked (water supply from one street).
    await surgeScene(db, now);
    h.clock.set(new Date(now + 31_000).toISOString());
    const snapshot = await sup.next('snapshot', (m) => hotspotsIn(m.alerts as WireMessage[]).some((a) => String(a.message).includes('建外街道')));

    const raised = [...hotspotsIn(snapshot.alerts as WireMessage[]), ...sup.received.filter((m) => m.type === 'alert' && m.kind === 'hotspot')];
    const about12315 = new Set(raised.map((a) => String(a.message)).filter((message) => message.includes('12315')));
    expect([...about12315], 'hotspot alerts about 12315').toEqual([]);
  });
});
