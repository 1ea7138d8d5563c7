/**
 * Callers of merged old hotlines who hang up while the server is away (a restart): the pass that
 * closes their calls tells everyone listening (`call.ended`, which desktops and the wallboard follow)
 * each call as the hotline it came in on — 双号并行 12315, 整体并入 12333, 分中心 12366 — with that
 * route's mode, as the server reports the call while it runs, not every one as a 12345 call.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../main.js';
import { calls, type RouteMode } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { restartWorld, type World } from '../support/restart-world.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let world: World | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

describe('a restart after callers of merged hotlines hung up', () => {
  it('reports each closed call with the mode of the route it came in on', async () => {
    world = await restartWorld();
    const { sim } = world;
    const firstServer = await world.boot();
    let second: RunningServer | null = null;
    const db = () => (second ?? firstServer.server).store.db;
    const rowOf = async (id: string) => first(await db().select().from(calls).where(eq(calls.linkedId, id)).limit(1));
    // Nobody is ready: every caller waits in line on their hotline's route (the demo seed's routes).
    const dialled: Record<string, RouteMode> = { '12345': 'main', '12315': 'parallel', '12333': 'whole', '12366': 'subcentre' };
    const expected = new Map<string, RouteMode>();
    let caller = 13800138101;
    for (const [number, mode] of Object.entries(dialled)) expected.set(await placeCall(sim.httpUrl, String(caller++), number), mode);
    for (const id of expected.keys()) await waitFor(async () => (await rowOf(id))?.state === 'queued', `the caller of ${id} queued`, 10_000);
    await firstServer.server.close();
    for (const id of expected.keys()) await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);

    // The calls are closed in the new server's first pass, before it could be handed to anyone: its
    // ends are heard from the start.
    const { server, ended } = await world.bootHearingEnds();
    second = server;

    await waitFor(() => [...expected.keys()].every((id) => ended.some((e) => e.call.callId === id)), 'every closed call reported ended', 10_000);
    for (const id of expected.keys()) expect(await rowOf(id)).toMatchObject({ outcome: 'abandoned', state: 'ended' });
    expect(
      new Map(ended.filter((e) => expected.has(e.call.callId)).map((e) => [e.call.callId, e.call.mode])),
      'each call with its own route mode',
    ).toEqual(expected);
    // Two servers booted and four callers put through their hotlines' greetings: slower than the default on a loaded machine.
  }, 40_000);
});
