/**
 * Agent 1001 hands the caller to colleague 1002 — a blind transfer 1002 answers, an attended transfer
 * 1001 completes, or a three-way call 1001 leaves — and 1002 talks to the caller (or holds them). The
 * server restarts.
 * README promises that a bridged call goes on with its agent: the call row names 1002 from the
 * hand-over on, and the pass takes 1002's leg (a `consult-` leg, the transfer's) for 1002's, not for an
 * outside party: 1002 is on that call again, their desktop gets it back on reconnecting and can hang
 * it up; 1001's desktop has no call.
 */
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones } from '../support/harness.js';
import { restartWorld, type World } from '../support/restart-world.js';
import { placeCall, simAudio, waitFor } from '../support/sim-client.js';

let world: World | null = null;
afterEach(async () => {
  await world?.cleanup();
  world = null;
});

type HandOver = 'blind transfer' | 'blind transfer, the colleague then holding the caller' | 'attended transfer' | 'three-way call the agent leaves';

/** 1001 hands the caller to the colleague the way `how` says; resolves once the colleague has the call. */
async function handOver(how: HandOver, a: AgentDesktop, t: AgentDesktop, callId: string, colleagueId: number): Promise<void> {
  const target = { kind: 'agent', agentId: colleagueId };
  switch (how) {
    case 'blind transfer':
    case 'blind transfer, the colleague then holding the caller':
      expect(await a.command('call.transfer', { callId, target, mode: 'blind' })).toMatchObject({ ok: true });
      await t.next('call.answered', (m) => m.callId === callId, 15_000);
      if (how === 'blind transfer') return;
      // The caller out of the call's bridge with music on their channel, the colleague's leg alone in it.
      expect(await t.command('call.hold', { callId })).toMatchObject({ ok: true });
      await t.next('call.held', (m) => m.callId === callId);
      return;
    case 'attended transfer':
      expect(await a.command('call.transfer', { callId, target, mode: 'attended' })).toMatchObject({ ok: true });
      await a.next('call.consult.answered', (m) => m.callId === callId, 15_000);
      expect(await a.command('call.transfer.complete', { callId })).toMatchObject({ ok: true });
      await t.next('call.answered', (m) => m.callId === callId, 15_000);
      return;
    case 'three-way call the agent leaves':
      expect(await a.command('call.conference', { callId, target })).toMatchObject({ ok: true });
      expect(await a.command('call.kick', { callId, party: 'agent' })).toMatchObject({ ok: true });
      await t.next('call.conference.ended', (m) => m.callId === callId && m.left === 'third', 15_000);
      return;
  }
}

describe('a restart while a colleague talks to a caller handed to them', () => {
  const handOvers: HandOver[] = ['blind transfer', 'blind transfer, the colleague then holding the caller', 'attended transfer', 'three-way call the agent leaves'];
  for (const how of handOvers) {
    it(`${how}: the colleague's desktop gets the call back and can hang it up`, async () => {
      world = await restartWorld();
      const { sim } = world;
      await registerPhones(sim, ['1001', '1002']);
      const firstServer = await world.boot();
      const rowOf = async (db = firstServer.server.store.db) => first(await db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
      const a = await AgentDesktop.login(firstServer.server.httpUrl, '1001');
      const t = await AgentDesktop.login(firstServer.server.httpUrl, '1002');
      const colleagueId = ((await t.next('hello')).agent as { id: number }).id;
      await a.command('agent.ready');
      const id = await placeCall(sim.httpUrl, '13800009301', '12345');
      await a.next('call.answered', (m) => m.callId === id, 15_000);
      await t.command('agent.ready');
      await handOver(how, a, t, id, colleagueId);
      expect(firstServer.server.calls.call(id)).toMatchObject({ state: how.includes('holding') ? 'held' : 'connected', agentId: colleagueId });
      // The row names the colleague before their desktop hears of the call.
      expect((await rowOf())?.agentId).toBe(colleagueId);
      a.close();
      t.close();
      await firstServer.server.close();

      const second = await world.boot();
      expect(second.passes[0]).toMatchObject({ reconnected: 1, transferredKept: 0 });
      expect(second.server.calls.call(id)?.agentId).toBe(colleagueId);
      // Caller and colleague hear each other again (a caller who was on hold is back, without music).
      const colleagueLeg = second.server.calls.call(id)?.agentLegId ?? '';
      const audio = simAudio(() => sim.httpUrl);
      const hears = await waitFor(async () => {
        const heard = await audio.hears(id);
        return heard.includes(colleagueLeg) ? heard : null;
      }, 'the caller hearing the colleague');
      expect(hears.filter((h) => h.startsWith('moh:'))).toEqual([]);
      expect(await audio.hears(colleagueLeg)).toContain(id);
      const again = await AgentDesktop.login(second.server.httpUrl, '1002');
      const hello = await again.next('hello');
      expect(hello.agent).toMatchObject({ state: 'on_call' });
      expect(hello.call).toMatchObject({ callId: id });
      const firstAgent = await AgentDesktop.login(second.server.httpUrl, '1001');
      expect((await firstAgent.next('hello')).call).toBeNull();
      expect(await again.command('call.hangup', { callId: id })).toMatchObject({ ok: true });
      await waitFor(async () => (await rowOf(second.server.store.db))?.endedAt, 'the call ended');
      expect(await rowOf(second.server.store.db)).toMatchObject({ outcome: 'answered', agentId: colleagueId });
      again.close();
      firstAgent.close();
    }, 60_000);
  }
});
