/**
 * The server restarts (kill -9: the PBX keeps its calls) while an agent talks to a citizen; the new
 * server takes the call over and the agent's desk reconnects. `hello` gives back the pop's 排队等待
 * (`waitedSeconds`) as the desk showed it before the restart — the wait up to the ring the agent took,
 * not the KPI wait up to the answer (which counts the ring too), and for a caller put back in line and
 * answered again, the last wait — never null as if the caller's wait were unknown.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import type { RunningServer } from '../../main.js';
import { AgentDesktop, type WireMessage } from '../support/agent-desktop.js';
import { registerPhones } from '../support/harness.js';
import { restartUnderDesk, restartWorld, type World } from '../support/restart-world.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let world: World | null = null;
const opened: AgentDesktop[] = [];
afterEach(async () => {
  for (const desk of opened.splice(0)) desk.close();
  await world?.cleanup();
  world = null;
});

const open = async (server: RunningServer, login: string): Promise<AgentDesktop> => {
  const desk = await AgentDesktop.login(server.httpUrl, login);
  opened.push(desk);
  return desk;
};
/** Moves the test clock on by `seconds` (it goes on with real time from there). */
const later = (w: World, seconds: number): void => w.clock.set(new Date(w.clock.now().getTime() + seconds * 1000).toISOString());

/** The agent's phone (manual answer) rings for `callId`; it rings `ringSeconds` on the clock, then is picked up. */
async function ringAndAnswer(w: World, desk: AgentDesktop, phone: string, callId: string, ringSeconds: number): Promise<WireMessage> {
  const pop = await desk.next('call.offered', (m) => m.callId === callId);
  later(w, ringSeconds);
  expect((await simRequest(w.sim.httpUrl, 'POST', `/sim/endpoints/PJSIP/${phone}/answer`)).status).toBe(200);
  await desk.next('call.answered', (m) => m.callId === callId);
  return pop;
}


describe('a desk reconnecting to the server that took its call over', () => {
  it('shows the wait its pop showed (排队等待), not the ring on top of it, nor nothing', async () => {
    world = await restartWorld();
    const { sim } = world;
    await registerPhones(sim, ['1001'], 'manual');
    const server = (await world.boot({ queueOverflowSeconds: 3600 })).server;
    const desk = await open(server, '1001');
    const callId = await placeCall(sim.httpUrl, '13800008611', '12345');
    await waitFor(() => server.calls.call(callId)?.state === 'queued', 'the caller in line');
    // Forty seconds in line, then the agent is free: the phone rings eight seconds before they pick up.
    later(world, 40);
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    const pop = await ringAndAnswer(world, desk, '1001', callId, 8);
    const waited = pop.waitedSeconds as number;
    expect(waited).toBeGreaterThanOrEqual(40);
    expect(waited).toBeLessThan(48);
    // The KPI wait runs to the answer: the ring is in it, so it is not what the pop showed.
    const waitMs = await waitFor(async () => first(await server.store.db.select().from(calls).where(eq(calls.linkedId, callId)).limit(1))?.waitMs ?? undefined, 'the answer written');
    expect(Math.round(waitMs / 1000)).toBeGreaterThanOrEqual(48);

    const hello = await restartUnderDesk(world, server, desk, callId);
    expect(hello.call, 'the pop after the restart').toMatchObject({ callId, state: 'connected', waitedSeconds: waited });
  });

  it('for a caller put back in line and answered again, shows the last wait', async () => {
    world = await restartWorld();
    const { sim } = world;
    await registerPhones(sim, ['1001', '1002'], 'manual');
    const server = (await world.boot({ queueOverflowSeconds: 3600 })).server;
    const first = await open(server, '1001');
    const second = await open(server, '1002');
    const callId = await placeCall(sim.httpUrl, '13800008612', '12345');
    await waitFor(() => server.calls.call(callId)?.state === 'queued', 'the caller in line');
    later(world, 100);
    expect(await first.command('agent.ready')).toMatchObject({ ok: true });
    const firstPop = await ringAndAnswer(world, first, '1001', callId, 3);
    expect(firstPop.waitedSeconds).toBeGreaterThanOrEqual(100);

    // Two minutes of talk, then the caller goes back to the queue (a blind transfer to a skill).
    later(world, 120);
    expect(await first.command('call.transfer', { callId, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
    await first.next('agent.state', (m) => m.state === 'wrap_up');
    expect(await first.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
    await waitFor(() => server.calls.call(callId)?.state === 'queued', 'the caller back in line');
    // Twenty-five seconds in line again; the second agent's phone rings six seconds.
    later(world, 25);
    expect(await second.command('agent.ready')).toMatchObject({ ok: true });
    const pop = await ringAndAnswer(world, second, '1002', callId, 6);
    const waited = pop.waitedSeconds as number;
    expect(waited).toBeGreaterThanOrEqual(25);
    expect(waited).toBeLessThan(31);

    const hello = await restartUnderDesk(world, server, second, callId);
    expect(hello.call, 'the second pop after the restart').toMatchObject({ callId, state: 'connected', waitedSeconds: waited });
  });
});
