/**
 * The IVR choices a caller made are kept on the call (the call row's `ivr_steps`, what the screen-pop
 * and the reports read) — also when the caller hangs up in the menus. A centre wants to know where in
 * the menus callers give up: the path so far is written with the call's end, and a caller who hangs
 * up in the first menu without a key has an empty path (a call never in a menu has none).
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { client, login } from '../admin-api/admin-client.js';
import { queueMenu } from '../support/menus.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness();

beforeAll(async () => {
  await registerPhones(h.sim);
  const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
  // A sub-menu first (it must exist before the menu that opens it), then the main menu.
  expect((await admin('POST', '/api/v1/menus', queueMenu('path-sub', { prompts: ['greeting-12315'] }))).status).toBe(201);
  const main = await admin<{ id: number }>(
    'POST',
    '/api/v1/menus',
    queueMenu('path-main', { options: { '1': { type: 'queue', skill: 'general' }, '2': { type: 'menu', menu: 'path-sub' } } }),
  );
  expect(main.status).toBe(201);
  const route = (await admin<{ id: number; number: string }[]>('GET', '/api/v1/routes')).body.find((r) => r.number === '12333');
  expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { menuId: main.body.id })).status).toBe(200);
});

/** Places a call to 12333 and follows the prompts its caller hears. */
async function callIn(caller: string): Promise<{ id: string; heard: (prompt: string) => Promise<void> }> {
  const played: string[] = [];
  let id = '';
  h.sim.core.subscribe((event) => {
    if (event.type === 'playback.started' && event.playback.targetUri === `channel:${id}`) played.push(event.playback.mediaUri);
  });
  id = await placeCall(h.sim.httpUrl, caller, '12333');
  return { id, heard: async (prompt) => void (await waitFor(() => played.includes(prompt), prompt)) };
}

const endedRow = (id: string) =>
  waitFor(async () => {
    const current = (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0];
    return current?.endedAt ? current : undefined;
  }, 'the call ended');

describe('IVR path of a caller who hangs up in the menus', () => {
  it('a caller who hangs up in a sub-menu has the path to it on the call row', async () => {
    const { id, heard } = await callIn('13800007301');
    await heard('sound:menu-main');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '2' });
    await heard('sound:greeting-12315');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);

    const row = await endedRow(id);
    expect(row.outcome).toBe('abandoned');
    expect(row.ivrSteps).toEqual([{ menu: 'path-main', digit: '2', action: 'menu' }]);
  });

  it('a caller who hangs up in the first menu without a key has an empty path', async () => {
    const { id, heard } = await callIn('13800007302');
    await heard('sound:menu-main');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);

    const row = await endedRow(id);
    expect(row.outcome).toBe('abandoned');
    expect(row.ivrSteps).toEqual([]);
  });
});
