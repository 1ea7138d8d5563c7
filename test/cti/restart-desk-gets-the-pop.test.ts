/**
 * The server restarts while an agent talks to a repeat caller; it takes the call over (reconcile) and
 * the desk reconnects. `hello` brings the pop back as far as the new server knows it: the caller's
 * history (read again for the call taken over) and the repeat-caller mark, not an empty history that
 * reads "无历史来电".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones } from '../support/harness.js';
import { restartWorld, type World } from '../support/restart-world.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let world: World | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

describe('a desk reconnecting to the server that took its call over', () => {
  it('gets the call back with the caller’s history', async () => {
    world = await restartWorld();
    const { sim } = world;
    await registerPhones(sim, ['1001']);
    const first = await world.boot();
    const caller = '13800008601';
    const earlier = await placeCall(sim.httpUrl, caller, '12345');
    const earlierTicket = await waitFor(() => first.server.calls.call(earlier)?.summary.ticketNumber, 'the earlier ticket');
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${earlier}/hangup`);
    await waitFor(() => first.server.calls.calls().length === 0, 'the earlier call over');

    const desk = await AgentDesktop.login(first.server.httpUrl, '1001');
    try {
      expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
      const callId = await placeCall(sim.httpUrl, caller, '12345');
      const pop = await desk.next('call.offered', (m) => m.callId === callId);
      expect(pop).toMatchObject({ repeatCaller: true });
      await desk.next('call.answered', (m) => m.callId === callId);
      desk.close();
      await desk.closed();
      await first.server.close();

      const second = await world.boot();
      desk.moveTo(second.server.httpUrl);
      desk.received.length = 0;
      await waitFor(() => second.server.calls.call(callId)?.summary.history.now, 'the history read again');
      await desk.connect();
      const hello = await desk.next('hello');
      expect(hello.call).toMatchObject({ callId, state: 'connected', ticketNumber: pop.ticketNumber, repeatCaller: true });
      expect((hello.call as { history: { ticketNumber: string }[] }).history.map((t) => t.ticketNumber)).toEqual([earlierTicket]);
    } finally {
      desk.close();
    }
  });
});
