/**
 * 热点预警 judges this hour's tickets of a 诉求分类 against the same hour of the past four weeks. A
 * ticket keeps the path of its classification as it read when the agent chose it; when an admin
 * renames or moves a classification (`PATCH /ticket-matters/:id`), its past tickets are still that
 * classification, counted where it sits in the tree now: a classification as busy as every week
 * raises no 热点预警 because it was renamed or moved.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { client, login } from '../admin-api/admin-client.js';
import type { WireMessage } from '../support/agent-desktop.js';
import { useHarness } from '../support/harness.js';
import { matterAt, registeredTicket, surgeScene } from '../support/registered-tickets.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();
const MINUTE = 60_000;
const WEEK = 7 * 24 * 60 * MINUTE;
let sup: SupervisorDesk | undefined;
afterAll(() => sup?.close());

const hotspotsIn = (alerts: WireMessage[]) => alerts.filter((a) => a.kind === 'hotspot');

describe('renaming and moving a 诉求分类', () => {
  it('raises no 热点预警 for a classification as busy as it is every week', async () => {
    sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const db = h.server.store.db;
    const now = h.clock.now().getTime();

    // Every past week, this hour: twelve tickets about building-site noise.
    const noise = await matterAt(db, '环境保护 > 噪声污染 > 施工噪声');
    const building = await matterAt(db, '城乡建设');
    for (let w = 1; w <= 4; w++) {
      for (let i = 0; i < 12; i++) await registeredTicket(db, now - w * WEEK - (i + 1) * 4 * MINUTE, { matterPath: '环境保护 > 噪声污染 > 施工噪声' });
    }

    // The admin moves it under a new 城乡建设 > 施工管理 and renames it; this hour's twelve tickets read the new path.
    const site = await admin<{ id: number }>('POST', '/api/v1/ticket-matters', { parentId: building, name: '施工管理' });
    expect(site.status).toBe(201);
    expect((await admin('PATCH', `/api/v1/ticket-matters/${noise}`, { parentId: site.body.id, name: '夜间施工噪声' })).status).toBe(200);
    expect(await matterAt(db, '城乡建设 > 施工管理 > 夜间施工噪声'), 'the same node, moved and renamed').toBe(noise);
    for (let i = 0; i < 12; i++) await registeredTicket(db, now - (i + 1) * 4 * MINUTE, { matterPath: '城乡建设 > 施工管理 > 夜间施工噪声' });

    // A real surge elsewhere, so that the watch is known to have looked (water supply from one street).
    await surgeScene(db, now);
    h.clock.set(new Date(now + 31_000).toISOString());
    const snapshot = await sup.next('snapshot', (m) => hotspotsIn(m.alerts as WireMessage[]).some((a) => String(a.message).includes('建外街道')));

    const raised = [...hotspotsIn(snapshot.alerts as WireMessage[]), ...sup.received.filter((m) => m.type === 'alert' && m.kind === 'hotspot')];
    const aboutNoise = new Set(raised.map((a) => String(a.message)).filter((message) => /施工|噪声/.test(message)));
    expect([...aboutNoise], 'hotspot alerts about the moved classification').toEqual([]);
  });
});
