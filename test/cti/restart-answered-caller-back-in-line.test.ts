/**
 * A caller an agent answered and put back in line is still waiting when the server restarts; the new
 * server takes them back in line, and they hang up there. They were served before the restart, so
 * the call ends `answered` with its first answer kept, not 放弃, and is not put on the missed-call
 * list — as it would without the restart (test/reports/answered-then-back-in-line.test.ts). One who
 * is gone by the time the server is back also ends `answered`, and is called back: nobody saw them
 * hang up, and they were left waiting, as a waiting caller the PBX drops while the server watches is
 * (inbound-call.ts, finish, `cutOffWaiting`).
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { calls, missedCalls } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones } from '../support/harness.js';
import { restartWorld, type Booted, type World } from '../support/restart-world.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let world: World | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

type Db = Booted['server']['store']['db'];
const rowOf = async (db: Db, id: string) => (await db.select().from(calls).where(eq(calls.linkedId, id)))[0];

/**
 * A caller `number` answered by agent 1001, who puts them back in line (a blind transfer to the
 * skill) and goes 示忙; then the server stops as after kill -9. Returns the caller and the row as answered.
 */
async function answeredAndBackInLine(w: World, number: string): Promise<{ caller: string; answered: NonNullable<Awaited<ReturnType<typeof rowOf>>> }> {
  await registerPhones(w.sim, ['1001']);
  const first = await w.boot();
  const db = first.server.store.db;
  const desk = await AgentDesktop.login(first.server.httpUrl, '1001');
  try {
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    const caller = await placeCall(w.sim.httpUrl, number, '12345');
    await desk.next('call.answered', (m) => m.callId === caller);
    const answered = await waitFor(async () => {
      const row = await rowOf(db, caller);
      return row?.answeredAt ? row : undefined;
    }, 'the answer written');
    expect(await desk.command('call.transfer', { callId: caller, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
    await desk.next('agent.state', (m) => m.state === 'wrap_up');
    expect(await desk.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
    await waitFor(async () => (await rowOf(db, caller))?.state === 'queued', 'the caller back in line');
    return { caller, answered };
  } finally {
    desk.close();
    await first.server.close();
  }
}

describe('a caller answered, put back in line, and taken back after a restart', () => {
  it('ends answered, off the missed-call list, when they hang up waiting', async () => {
    world = await restartWorld();
    const { caller, answered } = await answeredAndBackInLine(world, '13800007901');

    const second = await world.boot();
    expect(second.passes[0]).toMatchObject({ requeued: 1 });
    await simRequest(world.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    const row = await waitFor(async () => {
      const r = await rowOf(second.server.store.db, caller);
      return r?.endedAt ? r : undefined;
    }, 'the call ended');
    expect(row).toMatchObject({ outcome: 'answered', answeredAt: answered.answeredAt, waitMs: answered.waitMs });
    expect(await second.server.store.db.select().from(missedCalls)).toEqual([]);
  });

  it('ends answered and is called back when they are gone by the time the server is back', async () => {
    world = await restartWorld();
    const { caller, answered } = await answeredAndBackInLine(world, '13800007902');
    // Nobody watched them go: as when the PBX drops a waiting caller while the server's line to it
    // is down, they were left waiting, so they are called back.
    await simRequest(world.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);

    const second = await world.boot();
    const row = await rowOf(second.server.store.db, caller);
    expect(row).toMatchObject({ outcome: 'answered', answeredAt: answered.answeredAt, waitMs: answered.waitMs });
    expect(row?.endedAt).toBeTruthy();
    const missed = await second.server.store.db.select().from(missedCalls);
    expect(missed).toHaveLength(1);
    expect(missed[0]).toMatchObject({ callerNumber: '13800007902', callId: row?.id, status: 'pending' });
  });
});
