/**
 * The IVR over the real ARI media port, and the order that protects a citizen's record: the ticket
 * row exists before the first prompt is played.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMenus, listRoutes, tickets, updateRoute } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: Harness;
/** channel id → was its ticket on disk when its first prompt started? */
const ticketAtFirstPrompt = new Map<string, Promise<boolean>>();
/** channel id → every media it was played, in order. */
const played = new Map<string, string[]>();

beforeAll(async () => {
  h = await startHarness();
  await registerPhones(h.sim);
  h.sim.core.subscribe((event) => {
    if (event.type !== 'playback.started' || !event.playback.targetUri.startsWith('channel:')) return;
    const id = event.playback.targetUri.slice('channel:'.length);
    if (!ticketAtFirstPrompt.has(id)) {
      // Noted at once so only the first prompt counts; the lookup itself starts now and settles later.
      ticketAtFirstPrompt.set(id, h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1).then((rows) => rows[0] !== undefined));
    }
    played.set(id, [...(played.get(id) ?? []), event.playback.mediaUri]);
  });
});
afterAll(async () => {
  await h.stop();
});

const ticketOf = async (id: string) => (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1))[0];

describe('ordering', () => {
  it('the ticket is on disk before the caller hears the first prompt', async () => {
    const id = await placeCall(h.sim.httpUrl, '13800001111', '12345');
    await waitFor(() => ticketAtFirstPrompt.has(id), 'the first prompt');
    expect(await ticketAtFirstPrompt.get(id)).toBe(true);
    expect(played.get(id)?.[0]).toBe('sound:greeting-12345');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  });
});

describe('IVR switched on for 12345', () => {
  beforeAll(async () => {
    const main = (await listRoutes(h.server.store.db)).find((r) => r.number === '12345');
    const menu = (await listMenus(h.server.store.db)).find((m) => m.code === 'main');
    if (!main || !menu) throw new Error('demo data missing');
    await updateRoute(h.server.store.db, main.id, { menuId: menu.id });
  });

  it('key 2 reaches the enterprise desk, and the pop shows the choice', async () => {
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001'); // general + enterprise
    await desk.command('agent.ready');
    const id = await placeCall(h.sim.httpUrl, '13800002222', '12345');
    await waitFor(() => played.get(id)?.includes('sound:menu-main'), 'the menu prompt');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '2' });
    const pop = await desk.next('call.offered', (m) => m.callId === id);
    expect(pop.ivrChoices).toEqual([{ menu: 'main', digit: '2', action: 'queue' }]);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    desk.close();
  });

  it('progress query reads out the caller\'s own ticket, and not someone else\'s', async () => {
    const first = await placeCall(h.sim.httpUrl, '13800003333', '12345');
    const own = await waitFor(() => ticketOf(first), 'first ticket');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${first}/hangup`);
    const stranger = await placeCall(h.sim.httpUrl, '13900004444', '12345');
    const foreign = await waitFor(() => ticketOf(stranger), 'stranger ticket');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${stranger}/hangup`);

    const id = await placeCall(h.sim.httpUrl, '13800003333', '12345');
    await waitFor(() => played.get(id)?.includes('sound:menu-main'), 'the menu prompt');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '3' });
    await waitFor(() => played.get(id)?.includes('sound:enter-ticket-number'), 'ticket number prompt');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: `${own.number}#` });
    await waitFor(() => played.get(id)?.includes(`digits:${own.number}`), 'the ticket read out');
    expect(played.get(id)).toContain(`sound:ticket-status-${own.status}`);

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '3' });
    await waitFor(() => (played.get(id) ?? []).filter((m) => m === 'sound:enter-ticket-number').length === 2, 'second query');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: `${foreign.number}#` });
    await waitFor(() => played.get(id)?.includes('sound:ticket-not-found'), 'neutral not-found');
    expect(played.get(id)).not.toContain(`digits:${foreign.number}`);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  });
});
