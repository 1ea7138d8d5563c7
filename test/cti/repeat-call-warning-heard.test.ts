/**
 * The repeat-call policy (Chongqing art. 26: malicious repeat calls): a caller over the limit hears a
 * warning before being queued. The warning is its own prompt after the greeting: a key pressed during
 * the greeting (barge-in) skips the greeting, never the warning; a key pressed during the warning does
 * not stop it and answers nothing that follows (the menu after it waits for a key pressed then).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls, putSetting } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { client, login } from '../admin-api/admin-client.js';
import type { AriRequestRecord } from '../pbx-sim/ari/server.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

/** Playbacks the server stopped (`DELETE /playbacks/{id}`: a key barged in). */
const stopped: string[] = [];
// A long greeting (the simulator plays a second of audio in 50 ms: 5 s here), so the key is surely
// pressed while it plays; a warning of 3 s, for the same reason.
const h = useHarness(
  {},
  {
    core: { soundDurations: { 'greeting-12345': 100, 'repeat-call-warning': 60 } },
    onAriRequest: (request: AriRequestRecord) => {
      if (request.method === 'DELETE' && request.path.startsWith('/playbacks/')) stopped.push(request.path.slice('/playbacks/'.length));
    },
  },
);
const heard: { channel: string; media: string; id: string }[] = [];
const finished = new Set<string>();
let unsubscribe: () => void = () => undefined;

beforeAll(async () => {
  await registerPhones(h.sim);
  // Every call counts as a repeat call.
  await putSetting(h.server.store.db, 'repeat-call-policy', { maxCalls: 0, windowMinutes: 60, action: 'warn' });
  unsubscribe = h.sim.core.subscribe((event) => {
    if (event.type === 'playback.started' && event.playback.state === 'playing' && event.playback.targetUri.startsWith('channel:')) {
      heard.push({ channel: event.playback.targetUri.slice('channel:'.length), media: event.playback.mediaUri, id: event.playback.id });
    }
    if (event.type === 'playback.finished') finished.add(event.playback.id);
  });
});
afterAll(() => unsubscribe());

const rowOf = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
const playbackOf = (channel: string, media: string) => heard.find((p) => p.channel === channel && p.media === media);

describe('a repeat caller who presses a key during the greeting', () => {
  it('(control) a repeat caller who presses nothing hears the warning after the greeting', async () => {
    const id = await placeCall(h.sim.httpUrl, '13800009000', '12345');
    await waitFor(() => playbackOf(id, 'sound:repeat-call-warning'), 'the repeat-call warning', 10_000);
    expect(heard.filter((p) => p.channel === id).map((p) => p.media)).toEqual(['sound:greeting-12345', 'sound:repeat-call-warning']);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  });

  it('still hears the repeat-call warning before being queued', async () => {
    const id = await placeCall(h.sim.httpUrl, '13800009001', '12345');
    const greeting = await waitFor(() => playbackOf(id, 'sound:greeting-12345'), 'the greeting');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });
    // The key skips the greeting …
    await waitFor(() => stopped.includes(greeting.id), 'the greeting stopped by the key');
    // … and the warning is heard in full before the caller reaches the queue.
    const warning = await waitFor(() => playbackOf(id, 'sound:repeat-call-warning'), 'the repeat-call warning', 10_000);
    await waitFor(async () => (await rowOf(id))?.state === 'queued', 'queued');
    expect(finished.has(warning.id)).toBe(true);
    expect(stopped).not.toContain(warning.id);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  });
});

describe('a repeat caller who presses a key during the warning', () => {
  it('hears it to the end, and the key does not answer the menu after it', async () => {
    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const created = await admin<{ id: number }>('POST', '/api/v1/menus', {
      code: 'after-warning',
      name: '警示后菜单',
      prompts: ['menu-main'],
      timeoutSeconds: 5,
      retries: 1,
      invalidPrompt: 'invalid-input',
      options: { '1': { type: 'queue', skill: 'dialect' }, '2': { type: 'queue', skill: 'enterprise' } },
      onFailure: { type: 'queue', skill: 'general' },
    });
    expect(created.status).toBe(201);
    const route = (await admin<{ id: number; number: string }[]>('GET', '/api/v1/routes')).body.find((r) => r.number === '12333');
    expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { menuId: created.body.id })).status).toBe(200);

    const id = await placeCall(h.sim.httpUrl, '13800009002', '12333');
    const warning = await waitFor(() => playbackOf(id, 'sound:repeat-call-warning'), 'the repeat-call warning', 10_000);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });
    // Pressed while it played (it lasts 3 s) …
    expect(finished.has(warning.id)).toBe(false);
    // … the menu's prompt is heard after it (a key kept from the warning would have skipped it) …
    await waitFor(() => playbackOf(id, 'sound:menu-main'), 'the menu prompt', 10_000);
    expect(finished.has(warning.id)).toBe(true);
    expect(stopped).not.toContain(warning.id);
    // … and the menu takes the key pressed then.
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '2' });
    const row = await waitFor(async () => {
      const r = await rowOf(id);
      return r?.state === 'queued' ? r : null;
    }, 'queued');
    expect(row.skill).toBe('enterprise');
    expect(row.ivrSteps).toEqual([expect.objectContaining({ menu: 'after-warning', digit: '2' })]);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  });
});
