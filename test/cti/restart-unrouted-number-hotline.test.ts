/**
 * Callers of a number with no route of its own (served by the main route, routing/route-decision.ts)
 * who were waiting when the server restarted: the pass that takes their calls back reports them as
 * the server did while they ran — as the main route, not as the bare number dialled. One who hung up
 * meanwhile is closed with `call.ended` under the main route's name and mode; one still waiting pops
 * on a desk as the main route, and both tickets read so.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../main.js';
import { calls, deleteRoute, listRoutes, tickets } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones } from '../support/harness.js';
import { restartWorld, type World } from '../support/restart-world.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const MAIN = '12345 政务服务便民热线';

let world: World | null = null;
let desk: AgentDesktop | null = null;
afterEach(async () => {
  desk?.close();
  desk = null;
  await world?.cleanup();
  world = null;
});

describe('a restart with callers of a number that has no route', () => {
  it('takes their calls back as the main route’s', async () => {
    world = await restartWorld();
    const { sim } = world;
    const firstServer = await world.boot();
    let second: RunningServer | null = null;
    const db = () => (second ?? firstServer.server).store.db;
    const rowOf = async (id: string) => first(await db().select().from(calls).where(eq(calls.linkedId, id)).limit(1));
    const ticketOf = async (id: string) => first(await db().select().from(tickets).where(eq(tickets.callKey, id)).limit(1));
    // 12366 still reaches the server (the dialplan sends it) but its route is gone.
    const routes = await listRoutes(db());
    await deleteRoute(db(), routes.find((r) => r.number === '12366')?.id ?? -1);
    // Nobody is ready: both callers wait in line.
    const gone = await placeCall(sim.httpUrl, '13800138201', '12366');
    const waiting = await placeCall(sim.httpUrl, '13800138202', '12366');
    for (const id of [gone, waiting]) await waitFor(async () => (await rowOf(id))?.state === 'queued', `the caller of ${id} queued`, 10_000);
    await firstServer.server.close();
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${gone}/hangup`);

    const { server, ended } = await world.bootHearingEnds();
    second = server;

    const closed = await waitFor(() => ended.find((e) => e.call.callId === gone), 'the gone caller’s call reported ended', 10_000);
    expect(closed.call, 'the call closed by the restart pass').toMatchObject({ hotline: MAIN, mode: 'main', dialledNumber: '12366' });

    await waitFor(() => server.calls.call(waiting), 'the waiting caller taken back', 10_000);
    await registerPhones(sim, ['1001'], 'manual');
    desk = await AgentDesktop.login(server.httpUrl, '1001');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    const pop = await desk.next('call.offered', (m) => m.callId === waiting);
    expect(pop, 'the taken-back call’s pop').toMatchObject({ hotline: MAIN, mode: 'main', dialledNumber: '12366' });
    for (const id of [gone, waiting]) expect(await ticketOf(id), `the ticket of ${id}`).toMatchObject({ hotline: MAIN, dialledNumber: '12366' });
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${waiting}/hangup`);
    await waitFor(async () => (await rowOf(waiting))?.endedAt, 'the waiting caller’s call over', 10_000);
    // Two servers booted and callers put through the greeting: slower than the default on a loaded machine.
  }, 40_000);
});
