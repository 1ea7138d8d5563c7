/**
 * Callers wait for a skill whose code an admin renames; then the server restarts (as after kill -9:
 * the PBX keeps the callers in the holding bridge named after the old code). The new server puts
 * them back in line for that same skill under its new code — at their place, in the same bridge, for
 * that skill's agents — not under `general` (no skill has the old code any more), and not under a
 * new skill that was given the old code meanwhile: its own callers, in the same bridge, stay its own.
 * So too for a caller whose place in line the database took only after the rename (refused at first,
 * written on a retry): the late write names the skill's code as it is then.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { client, login } from '../admin-api/admin-client.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones } from '../support/harness.js';
import { restartWorld, simBridges, type Booted, type World } from '../support/restart-world.js';
import { refuseUpdates } from '../support/refused-updates.js';
import { placeCall, waitFor } from '../support/sim-client.js';

let world: World | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

type Db = Booted['server']['store']['db'];
interface Row {
  id: number;
  [key: string]: unknown;
}
const rowOf = async (db: Db, id: string) => (await db.select().from(calls).where(eq(calls.linkedId, id)))[0];
// No overflow: only an agent with the skill may take its callers.
const NO_OVERFLOW = { queueOverflowSeconds: 3600 };

/** The caller in line (the row says so, and the queue holds them), the row naming `skill`. */
async function queued(booted: Booted, id: string, skill: string) {
  const row = await waitFor(async () => {
    const r = await rowOf(booted.server.store.db, id);
    return r?.state === 'queued' && r.skill !== null && booted.server.calls.queue.queuedAt(id) !== undefined ? r : undefined;
  }, 'the caller in line');
  expect(row.skill).toBe(skill);
  return row;
}

const bridgeOf = async (w: World, channelId: string) => (await simBridges(w.sim)).find((b) => b.channelIds.includes(channelId));

describe('callers waiting for a skill renamed before a restart', () => {
  it('are back in line for that skill under its new code, at their place, and its agent gets them', async () => {
    world = await restartWorld();
    await registerPhones(world.sim, ['1004']);
    const first = await world.boot(NO_OVERFLOW);
    const admin = client(first.server.httpUrl, await login(first.server.httpUrl, 'admin'));
    const market = (await admin<Row[]>('GET', '/api/v1/skills')).body.find((s) => s.code === 'market-12315');
    const caller = await placeCall(world.sim.httpUrl, '13800008701', '12315');
    const before = await queued(first, caller, 'market-12315');
    const holding = await bridgeOf(world, caller);
    expect(holding?.name).toBe('queue-market-12315');
    expect((await admin('PATCH', `/api/v1/skills/${market?.id}`, { code: 'market' })).status).toBe(200);
    await first.server.close();

    const second = await world.boot(NO_OVERFLOW);
    expect(second.passes[0]).toMatchObject({ requeued: 1 });
    const row = await queued(second, caller, 'market');
    expect(row.queuedAt).toBe(before.queuedAt);
    expect(second.server.calls.queue.waitingForSkill(market?.id as number).map((m) => m.callId)).toEqual([caller]);
    // Still in the bridge they waited in: their music goes on.
    expect((await bridgeOf(world, caller))?.id).toBe(holding?.id);

    const desk = await AgentDesktop.login(second.server.httpUrl, '1004');
    try {
      expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
      await desk.next('call.answered', (m) => m.callId === caller);
    } finally {
      desk.close();
    }
  });

  it('stay with that skill when a new skill was given the old code, whose own callers stay its own', async () => {
    world = await restartWorld();
    const first = await world.boot(NO_OVERFLOW);
    const admin = client(first.server.httpUrl, await login(first.server.httpUrl, 'admin'));
    const market = (await admin<Row[]>('GET', '/api/v1/skills')).body.find((s) => s.code === 'market-12315');
    const renamedOnes = await placeCall(world.sim.httpUrl, '13800008702', '12315');
    await queued(first, renamedOnes, 'market-12315');
    expect((await admin('PATCH', `/api/v1/skills/${market?.id}`, { code: 'market' })).status).toBe(200);
    // The old code, given to a new skill that 12333 now queues to.
    const reused = (await admin<Row>('POST', '/api/v1/skills', { code: 'market-12315', name: '12315 新技能' })).body;
    const route = (await admin<Row[]>('GET', '/api/v1/routes')).body.find((r) => r.number === '12333');
    expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { skillId: reused.id })).status).toBe(200);
    const newOnes = await placeCall(world.sim.httpUrl, '13800008703', '12333');
    await queued(first, newOnes, 'market-12315');
    await first.server.close();

    const second = await world.boot(NO_OVERFLOW);
    expect(second.passes[0]).toMatchObject({ requeued: 2 });
    await queued(second, renamedOnes, 'market');
    await queued(second, newOnes, 'market-12315');
    const { queue } = second.server.calls;
    expect(queue.waitingForSkill(market?.id as number).map((m) => m.callId)).toEqual([renamedOnes]);
    expect(queue.waitingForSkill(reused.id).map((m) => m.callId)).toEqual([newOnes]);
  });

  it('are back in line for it under its new code when the database took their place in line only after the rename', async () => {
    world = await restartWorld();
    const first = await world.boot(NO_OVERFLOW);
    const admin = client(first.server.httpUrl, await login(first.server.httpUrl, 'admin'));
    const market = (await admin<Row[]>('GET', '/api/v1/skills')).body.find((s) => s.code === 'market-12315');
    // The place in line refused (a full disk): retried after 1 s, the caller waiting in line meanwhile.
    const refusal = await refuseUpdates(first.server.store, 'calls', 'queued_at');
    const caller = await placeCall(world.sim.httpUrl, '13800008704', '12315');
    await waitFor(() => first.server.calls.queue.queuedAt(caller) !== undefined, 'the caller in line');
    expect((await rowOf(first.server.store.db, caller))?.state).not.toBe('queued');
    expect((await admin('PATCH', `/api/v1/skills/${market?.id}`, { code: 'market' })).status).toBe(200);
    await refusal.allow();
    await queued(first, caller, 'market');
    await first.server.close();

    const second = await world.boot(NO_OVERFLOW);
    expect(second.passes[0]).toMatchObject({ requeued: 1 });
    await queued(second, caller, 'market');
    expect(second.server.calls.queue.waitingForSkill(market?.id as number).map((m) => m.callId)).toEqual([caller]);
  });
});
