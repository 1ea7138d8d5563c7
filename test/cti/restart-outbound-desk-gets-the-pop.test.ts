/**
 * The server restarts while an agent talks on a call they placed — a 外呼 (`call.dial`) or a 回拨 of a
 * missed call (`call.dial` with `missedCallId`) — and the new server takes it over. The agent's desk,
 * reconnecting to it, gets in `hello` the pop it showed before: `outbound: true` and the missed call
 * it returns (the labels 外呼弹屏 / 回拨弹屏 · 原工单 and 对方号码 hang on them), the same number, the
 * same ticket, hotline and mode — not a bare call that reads as a citizen calling in.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { calls, missedCalls } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import type { RunningServer } from '../../main.js';
import { AgentDesktop, type WireMessage } from '../support/agent-desktop.js';
import { registerPhones } from '../support/harness.js';
import { restartUnderDesk, restartWorld, type World } from '../support/restart-world.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let world: World | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

const rowOf = async (server: RunningServer, id: string) => first(await server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));

/** Dials from `desk` until the citizen answered; the pop the desk showed, without its `type`. */
async function placed(desk: AgentDesktop, dial: Record<string, unknown>): Promise<{ callId: string; pop: Omit<WireMessage, 'type'> }> {
  const reply = desk.command('call.dial', dial);
  const { type: _type, allowed: _allowed, at: _at, ...pop } = await desk.next('call.offered', (m) => m.outbound === true);
  const callId = String(pop.callId);
  expect(await reply).toMatchObject({ ok: true });
  await desk.next('call.answered', (m) => m.callId === callId);
  return { callId, pop };
}


describe('a desk reconnecting to the server that took over a call its agent placed', () => {
  it('gets the 外呼 pop back as it showed it', async () => {
    world = await restartWorld();
    const { sim } = world;
    await registerPhones(sim, ['1001', 'trunk']);
    const server = (await world.boot({ queueOverflowSeconds: 3600 })).server;
    const desk = await AgentDesktop.login(server.httpUrl, '1001');
    try {
      expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
      const { callId, pop } = await placed(desk, { number: '13911118601' });
      expect(pop).toMatchObject({ outbound: true, missedCallId: null, callerNumber: '13911118601' });

      const hello = await restartUnderDesk(world, server, desk, callId);
      expect(hello.call, 'the pop of the 外呼 as the desk showed it').toMatchObject({ ...pop, callId, state: 'connected' });
    } finally {
      desk.close();
    }
  });

  it('gets the 回拨 pop back as it showed it: the missed call it returns, under its own ticket and hotline', async () => {
    world = await restartWorld();
    const { sim } = world;
    await registerPhones(sim, ['1001', 'trunk']);
    const server = (await world.boot({ queueOverflowSeconds: 3600 })).server;
    // A 12315 caller gives up in the queue nobody staffs: an entry on the missed-call list.
    const caller = '13800138602';
    const gaveUp = await placeCall(sim.httpUrl, caller, '12315');
    await waitFor(async () => (await rowOf(server, gaveUp))?.state === 'queued', 'queued for 12315');
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${gaveUp}/hangup`);
    const missed = await waitFor(async () => first(await server.store.db.select().from(missedCalls).where(eq(missedCalls.callerNumber, caller)).limit(1)), 'the missed-call entry');

    const desk = await AgentDesktop.login(server.httpUrl, '1001');
    try {
      expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
      const { callId, pop } = await placed(desk, { number: caller, missedCallId: missed.id });
      expect(pop).toMatchObject({ outbound: true, missedCallId: missed.id, callerNumber: caller, mode: 'parallel' });

      const hello = await restartUnderDesk(world, server, desk, callId);
      expect(hello.call, 'the pop of the 回拨 as the desk showed it').toMatchObject({ ...pop, callId, state: 'connected' });
    } finally {
      desk.close();
    }
  });
});
