/**
 * The server restarts while a caller's IVR transfer to an outside line rings (the caller hears hold
 * music on their own channel meanwhile). The pass hangs the ring up and walks the caller through the
 * menu again; the transfer's music must stop with it: left on the caller's channel it would cover the
 * menu's silences and, once an agent answers, the caller would hear only music, never the agent.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { calls, findActiveRoute, putMenu, updateRoute } from '../../store/index.js';
import { registerPhones } from '../support/harness.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { placeCall, simAudio, simRequest, waitFor } from '../support/sim-client.js';
import { restartWorld, simChannels, type World } from '../support/restart-world.js';

let world: World | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

describe('a restart while an IVR transfer rings', () => {
  it('the outside line stops ringing, and once an agent answers the caller hears the agent, not hold music', async () => {
    world = await restartWorld();
    const { sim } = world;
    await registerPhones(sim, ['1001']);
    await simRequest(sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'manual' });
    const first = await world.boot();
    const db = first.server.store.db;
    const menu = await putMenu(db, {
      code: 'housing',
      name: '住建部门转接',
      definition: {
        code: 'housing',
        name: '住建部门转接',
        prompts: ['menu-main'],
        timeoutSeconds: 30,
        retries: 1,
        invalidPrompt: 'invalid-input',
        options: { '1': { type: 'transfer', target: '02361230001' }, '0': { type: 'queue', skill: 'general' } },
        onFailure: { type: 'queue', skill: 'general' },
      },
    });
    const route = await findActiveRoute(db, '12345');
    await updateRoute(db, route?.id ?? -1, { menuId: menu.id });

    const played: string[] = [];
    let id = '';
    sim.core.subscribe((event) => {
      if (event.type === 'playback.started' && event.playback.targetUri === `channel:${id}`) played.push(event.playback.mediaUri);
    });
    id = await placeCall(sim.httpUrl, '13800008101', '12345');
    await waitFor(() => played.includes('sound:menu-main'), 'the menu prompt');
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });
    const line = await waitFor(async () => (await simChannels(sim)).find((c) => c.name.startsWith('PJSIP/trunk') && c.state === 'Ringing'), 'the outside line ringing');
    await waitFor(async () => (await simChannels(sim)).find((c) => c.id === id)?.hearing?.startsWith('moh:'), 'the caller on hold music');
    await first.server.close();

    played.length = 0;
    const second = await world.boot();
    expect(second.passes[0]).toMatchObject({ resumed: 1 });
    await waitFor(async () => !(await simChannels(sim)).some((c) => c.id === line.id), 'the outside line hung up');
    // The menu starts over for the caller …
    await waitFor(() => played.includes('sound:menu-main'), 'the menu again', 10_000);
    expect((await second.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0]?.state).toBe('ivr');
    // The caller chooses the queue, and an agent answers: the caller must hear the agent, not music.
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '0' });
    await waitFor(async () => (await second.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0]?.state === 'queued', 'queued');
    const desk = await AgentDesktop.login(second.server.httpUrl, '1001');
    await desk.command('agent.ready');
    await desk.next('call.answered', (m) => m.callId === id, 15_000);
    const agentLeg = second.server.calls.call(id)?.agentLegId ?? '';
    const audio = simAudio(() => sim.httpUrl);
    const hears = await waitFor(async () => {
      const heard = await audio.hears(id);
      return heard.length > 0 ? heard : null;
    }, 'the caller hearing something');
    expect(hears).toContain(agentLeg);
    expect(hears.filter((h) => h.startsWith('moh:'))).toEqual([]);
    desk.close();
  }, 60_000);
});
