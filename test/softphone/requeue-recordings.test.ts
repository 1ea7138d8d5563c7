/**
 * A caller put back in line (here a blind transfer to a skill) and answered by a second agent has two
 * conversations, each recorded. Both recordings stay listed for the call, for quality inspection,
 * and the retention job removes both from the PBX when their time is up: the first one was lost
 * before, overwritten on the call row and the ticket by the second and never deleted.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRecordings, calls } from '../../store/index.js';
import { OpenDesks } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: Harness;
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  h = await startHarness({ ringTimeoutSeconds: 5 });
  await registerPhones(h.sim);
});
afterAll(async () => {
  desks.closeAll();
  await h.stop();
});

const desk = (login: string, ready: boolean) => desks.open(login, ready);
const callRow = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];
const recordingsOf = async (id: string) => {
  const row = await callRow(id);
  const rows = await h.server.store.db.select().from(callRecordings).where(eq(callRecordings.callId, row?.id ?? -1)).orderBy(asc(callRecordings.id));
  return rows.map((r) => r.name);
};

describe('a caller answered again after a transfer back to the queue', () => {
  it('keeps both conversations recorded, and the retention job removes both', async () => {
    const first = await desk('1001', true);
    const second = await desk('1002', false);
    const caller = await placeCall(h.sim.httpUrl, '13800007601', '12345');
    await first.next('call.answered', (m) => m.callId === caller);
    const [firstRecording] = await waitFor(async () => {
      const names = await recordingsOf(caller);
      return names.length === 1 ? names : undefined;
    }, 'the first recording listed');

    expect(await first.command('call.transfer', { callId: caller, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
    await first.next('agent.state', (m) => m.state === 'wrap_up');
    expect(await first.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
    expect(await second.command('agent.ready')).toMatchObject({ ok: true });
    await second.next('call.answered', (m) => m.callId === caller);
    const both = await waitFor(async () => {
      const names = await recordingsOf(caller);
      return names.length === 2 ? names : undefined;
    }, 'the second recording listed');
    expect(both[0]).toBe(firstRecording);
    expect(both[1]).not.toBe(firstRecording);
    // The call row names the latest.
    expect((await callRow(caller))?.recording).toBe(both[1]);

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await waitFor(async () => (await callRow(caller))?.endedAt, 'the call ended');

    const later = new Date(h.clock.now().getTime() + 200 * 86_400_000);
    expect((await h.server.retention.runOnce(later)).sort()).toEqual([...both].sort());
    expect((await callRow(caller))?.recordingDeletedAt).toBeTruthy();
    expect(await h.server.retention.runOnce(later)).toEqual([]);
  });
});
