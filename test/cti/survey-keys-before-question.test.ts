/**
 * The post-call survey (好差评) is answered only by a key pressed once its question starts. A key the
 * caller pressed long before — while talking ("press 3 for …" on a department's recorded message, or
 * by mistake), an impatient key in the queue, a key the menus did not read — neither skips the
 * question nor becomes the rating. Keys typed ahead within the menus still carry on from one menu to
 * the next (type-ahead is a feature of the IVR).
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calls, tickets } from '../../store/index.js';
import { client, login } from '../admin-api/admin-client.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { queueMenu } from '../support/menus.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness();

describe('post-call survey after keys pressed during the call', () => {
  it('asks the question and does not take a key pressed during the talk as the rating', async () => {
    await registerPhones(h.sim);
    const played: string[] = [];
    const keysReceived: string[] = [];
    let callerChannel = '';
    h.sim.core.subscribe((event) => {
      if (event.type === 'playback.started' && event.playback.targetUri === `channel:${callerChannel}`) played.push(event.playback.mediaUri);
      if (event.type === 'channel.dtmf.end' && event.channel.id === callerChannel) keysReceived.push(event.digit);
    });
    const desk = await AgentDesktop.login(h.server.httpUrl, '1002');
    await desk.command('agent.ready');
    callerChannel = await placeCall(h.sim.httpUrl, '13800136601', '12345');
    await desk.next('call.answered', (m) => m.callId === callerChannel);

    // During the conversation the caller presses 3 (e.g. told to by a recorded message, or by mistake).
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callerChannel}/dtmf`, { digits: '3' });
    await waitFor(() => keysReceived.includes('3'), 'the key pressed during the talk');
    const ticketOf = async () => (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, callerChannel)).limit(1))[0];

    // The agent hangs up first: the survey starts.
    expect(await desk.command('call.hangup', { callId: callerChannel })).toMatchObject({ ok: true });
    await desk.next('call.ended', (m) => m.callId === callerChannel);

    // Either the question is played, or (the defect) a rating lands on the ticket without it.
    await waitFor(async () => played.includes('sound:survey-question') || (await ticketOf())?.satisfaction, 'the survey question or a rating');
    expect(played, 'the caller hears the survey question').toContain('sound:survey-question');
    expect((await ticketOf())?.satisfaction ?? null, 'no rating before the caller answered the question').toBeNull();

    // The caller rates after the question: that is the rating on the ticket.
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callerChannel}/dtmf`, { digits: '1' });
    const rated = await waitFor(async () => (await ticketOf())?.satisfaction, 'the rating');
    expect(rated).toBe('satisfied');
    desk.close();
  });
});

describe('type-ahead in the menus', () => {
  it('two keys pressed at once in the main menu choose the sub-menu and its option', async () => {
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    expect((await admin('POST', '/api/v1/menus', queueMenu('ahead-sub', { prompts: ['greeting-12315'] }))).status).toBe(201);
    const main = await admin<{ id: number }>('POST', '/api/v1/menus', queueMenu('ahead-main', { options: { '2': { type: 'menu', menu: 'ahead-sub' } } }));
    expect(main.status).toBe(201);
    const route = (await admin<{ id: number; number: string }[]>('GET', '/api/v1/routes')).body.find((r) => r.number === '12333');
    expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { menuId: main.body.id })).status).toBe(200);

    const played: string[] = [];
    let id = '';
    h.sim.core.subscribe((event) => {
      if (event.type === 'playback.started' && event.playback.targetUri === `channel:${id}`) played.push(event.playback.mediaUri);
    });
    id = await placeCall(h.sim.httpUrl, '13800136602', '12333');
    await waitFor(() => played.includes('sound:menu-main'), 'the main menu');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '21' });

    const row = await waitFor(async () => {
      const current = (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0];
      return current?.ivrSteps ? current : undefined;
    }, 'the caller out of the menus');
    expect(row.ivrSteps).toEqual([
      { menu: 'ahead-main', digit: '2', action: 'menu' },
      { menu: 'ahead-sub', digit: '1', action: 'queue' },
    ]);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  });
});
