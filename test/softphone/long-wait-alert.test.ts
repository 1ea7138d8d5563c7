/**
 * The wallboard's long-wait alert (来电人已等待超过 60 秒): one alert per wait. A caller who waits across
 * Shanghai midnight is alerted once, not once more when the day turns (the wallboard used to forget
 * at midnight whom it had alerted about); a caller answered, sent back to a queue and waiting long
 * again is alerted afresh for the new wait.
 */
import { describe, expect, it } from 'vitest';
import { OpenDesks, type WireMessage } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const h = useHarness();
const desks = new OpenDesks(() => h.server.httpUrl);

/** 23:58 in Shanghai (UTC+8) on the test's working day. */
const BEFORE_MIDNIGHT = '2026-06-10T15:58:00.000Z';
/** Half a minute into the next Shanghai day. */
const AFTER_MIDNIGHT = '2026-06-10T16:00:30.000Z';

const longWaitsOf = (sup: SupervisorDesk, id: string) => sup.received.filter((m: WireMessage) => m.type === 'alert' && m.kind === 'long-wait' && m.callId === id);
const later = (ms: number) => new Date(h.clock.now().getTime() + ms).toISOString();

describe('long-wait alert', () => {
  it('alerts a caller still waiting at midnight once, not again when the day turns', async () => {
    h.clock.set(BEFORE_MIDNIGHT);
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    try {
      // Nobody is ready: the caller waits in line.
      const id = await placeCall(h.sim.httpUrl, '13800006101', '12345');
      await waitFor(() => h.server.calls.queue.queuedAt(id) !== undefined, 'the caller in line', 10_000);

      // A minute and a bit later (still before midnight): one long-wait alert.
      h.clock.set(new Date(Date.parse(BEFORE_MIDNIGHT) + 90_000).toISOString());
      await sup.next('alert', (m) => m.kind === 'long-wait' && m.callId === id);

      // The day turns while the same caller waits on. Once the wallboard has drawn the new day's
      // picture (a snapshot of the new day: the tick that takes the new day has run), the caller is
      // still alerted about once.
      h.clock.set(AFTER_MIDNIGHT);
      await sup.next('snapshot', (m) => String(m.at) >= AFTER_MIDNIGHT);
      await sup.next('snapshot', (m) => String(m.at) > AFTER_MIDNIGHT && (m.calls as { callId: string }[]).some((c) => c.callId === id));
      expect(h.server.calls.queue.queuedAt(id)).toBeDefined();
      expect(longWaitsOf(sup, id).map((m) => m.at), 'long-wait alerts for the one caller in one wait').toHaveLength(1);

      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await waitFor(() => !h.server.calls.call(id), 'the call over');
    } finally {
      sup.close();
    }
  });

  it('alerts a caller sent back to the queue again when their new wait grows long', async () => {
    await registerPhones(h.sim, ['1001']);
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    try {
      const agent = await desks.open('1001');
      const id = await placeCall(h.sim.httpUrl, '13800006102', '12345');
      await waitFor(() => h.server.calls.queue.queuedAt(id) !== undefined, 'the caller in line', 10_000);
      h.clock.set(later(90_000));
      await sup.next('alert', (m) => m.kind === 'long-wait' && m.callId === id);

      // Answered at last, then sent back to the general queue, where nobody is free.
      expect(await agent.command('agent.ready')).toMatchObject({ ok: true });
      await agent.next('call.answered', (m) => m.callId === id);
      await waitFor(() => h.server.calls.queue.queuedAt(id) === undefined, 'the caller out of line');
      // A picture drawn while the caller talks: the wallboard has seen them leave the line.
      const talking = sup.received.length;
      await sup.next('snapshot', (m) => sup.received.indexOf(m) >= talking && (m.calls as { callId: string; state: string }[]).some((c) => c.callId === id && c.state === 'connected'));
      expect(await agent.command('call.transfer', { callId: id, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
      await agent.next('agent.state', (m) => m.state === 'wrap_up');
      expect(await agent.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
      await waitFor(() => h.server.calls.queue.queuedAt(id) !== undefined, 'the caller in line again', 10_000);

      // The new wait passes the minute too: a second alert, for the new wait.
      h.clock.set(later(90_000));
      await waitFor(() => (longWaitsOf(sup, id).length === 2 ? true : undefined), 'a long-wait alert for the new wait', 10_000);
      const [first, second] = longWaitsOf(sup, id).map((m) => String(m.at));
      expect(second! > first!).toBe(true);

      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await waitFor(() => !h.server.calls.call(id), 'the call over');
    } finally {
      desks.closeAll();
      sup.close();
    }
  });
});
