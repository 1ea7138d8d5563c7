/**
 * The server restarts while an agent's blind transfer rings a colleague (the caller waits with music
 * on their own channel, the agent already let go). The new server hangs the colleague's ring up and
 * puts the caller back in line: the transfer did not go through, so they hear 转接未成功
 * (`transfer-failed`) before the queue's holding bridge, as they would had the colleague not answered.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { PROMPTS } from '../../ivr/prompts.js';
import { calls } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { followChannel } from '../support/channel-steps.js';
import { registerPhones } from '../support/harness.js';
import { restartWorld, simChannels, type World } from '../support/restart-world.js';
import { placeCall, waitFor } from '../support/sim-client.js';

let world: World | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

describe('a restart while a blind transfer rings the colleague', () => {
  it('puts the caller back in line with the transfer-failed notice first', async () => {
    world = await restartWorld();
    const { sim } = world;
    await registerPhones(sim, ['1001'], 'auto');
    await registerPhones(sim, ['1002'], 'manual');
    const first = await world.boot();

    let id = '';
    const heard = followChannel(sim, () => id);

    const a = await AgentDesktop.login(first.server.httpUrl, '1001');
    const t = await AgentDesktop.login(first.server.httpUrl, '1002');
    try {
      expect(await a.command('agent.ready')).toMatchObject({ ok: true });
      id = await placeCall(sim.httpUrl, '13800008301', '12345');
      await a.next('call.answered', (m) => m.callId === id);
      expect(await t.command('agent.ready')).toMatchObject({ ok: true });
      const colleague = first.server.calls.agents.list().find((x) => x.login === '1002')?.agentId;
      expect(await a.command('call.transfer', { callId: id, target: { kind: 'agent', agentId: colleague }, mode: 'blind' })).toMatchObject({ ok: true });
      const ring = await waitFor(async () => (await simChannels(sim)).find((c) => c.name.startsWith('PJSIP/1002-') && c.state === 'Ringing'), 'the colleague ringing');
      expect(await a.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });
      a.close();
      t.close();
      await first.server.close();

      heard.steps.length = 0;
      const second = await world.boot();
      expect(second.passes[0]).toMatchObject({ requeued: 1, agentGone: 0 });
      await waitFor(async () => !(await simChannels(sim)).some((c) => c.id === ring.id), "the colleague's ring hung up");
      await waitFor(() => heard.steps.includes('enter holding'), 'the caller in the holding bridge', 10_000);
      expect(heard.toHoldingBridge()).toEqual([`play sound:${PROMPTS.transferFailed}`, 'enter holding']);
      expect((await second.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0]).toMatchObject({ state: 'queued', endedAt: null });
    } finally {
      heard.stop();
      a.close();
      t.close();
    }
  });
});
