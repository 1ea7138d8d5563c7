/**
 * Callers of merged old hotlines who hang up while the server is away (a restart): the pass that
 * closes their calls tells everyone listening (`call.ended`, which desktops and the wallboard follow)
 * each call as the hotline it came in on — 双号并行 12315, 整体并入 12333, 分中心 12366 — with that
 * route's mode, as the server reports the call while it runs, not every one as a 12345 call.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../main.js';
import type { DomainEvent } from '../../cti/events/domain-events.js';
import { calls, type RouteMode } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { testConfig } from '../support/harness.js';
import { restartWorld, type World } from '../support/restart-world.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { testLogger } from '../support/test-logger.js';

let world: World | null = null;
let second: RunningServer | null = null;
afterEach(async () => {
  await second?.close().catch(() => undefined);
  second = null;
  await world?.cleanup();
  world = null;
});

type Ended = Extract<DomainEvent, { type: 'call.ended' }>;

describe('a restart after callers of merged hotlines hung up', () => {
  it('reports each closed call with the mode of the route it came in on', async () => {
    // The pass's listing of the PBX's channels is held until the new server's bus is listened to:
    // the calls are closed in that pass, before the server could be handed to anyone.
    let holdListing: Promise<void> | null = null;
    world = await restartWorld({
      onAriAnswer: (request) => (request.method === 'GET' && request.path === '/channels' && holdListing ? holdListing : undefined),
    });
    const { sim, clock, dbPath } = world;
    const firstServer = await world.boot();
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

    let release: () => void = () => undefined;
    holdListing = new Promise<void>((resolve) => (release = resolve));
    second = await startServer(testConfig(sim, { dbPath, wrapUpSeconds: 1 }), testLogger(), { clock });
    const ended: Ended[] = [];
    second.calls.bus.subscribe((event) => {
      if (event.type === 'call.ended') ended.push(event);
    });
    holdListing = null;
    release();

    await waitFor(() => [...expected.keys()].every((id) => ended.some((e) => e.call.callId === id)), 'every closed call reported ended', 10_000);
    for (const id of expected.keys()) expect(await rowOf(id)).toMatchObject({ outcome: 'abandoned', state: 'ended' });
    expect(
      new Map(ended.filter((e) => expected.has(e.call.callId)).map((e) => [e.call.callId, e.call.mode])),
      'each call with its own route mode',
    ).toEqual(expected);
    // Two servers booted and four callers put through their hotlines' greetings: slower than the default on a loaded machine.
  }, 40_000);
});
