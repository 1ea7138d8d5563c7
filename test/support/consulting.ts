/**
 * The start of an attended transfer (咨询转接) the consultation tests share: agent 1001 (A, ready)
 * answers a caller, colleague 1002 (T) is made ready only then (so the caller is not offered to T
 * first), A consults T, and T's desk gets the ring's pop. T's phone must be in `manual` mode.
 */
import { afterEach, beforeAll, expect } from 'vitest';
import type { Config } from '../../config.js';
import { OpenDesks, type AgentDesktop } from './agent-desktop.js';
import { hangUpEverything, registerPhones, useHarness, type Harness, type SimOptions } from './harness.js';
import { placeCall } from './sim-client.js';

/**
 * The world of the consultation tests: a harness with `settings` (and the simulator's `simOptions`),
 * desks opened on it, agent 1001's phone answering at once and colleague 1002's by hand; after each
 * test every call is hung up and every desk closed.
 */
export function useConsultingWorld(settings: Partial<Config>, simOptions: SimOptions = {}): { h: ReturnType<typeof useHarness>; desks: OpenDesks } {
  const h = useHarness(settings, simOptions);
  const desks = new OpenDesks(() => h.server.httpUrl);
  beforeAll(async () => {
    await registerPhones(h.sim, ['1001']);
    await registerPhones(h.sim, ['1002'], 'manual');
  });
  afterEach(async () => {
    await hangUpEverything(h);
    desks.closeAll();
  });
  return { h, desks };
}

export async function consultingColleague(h: Pick<Harness, 'sim' | 'server'>, desks: OpenDesks, callerNumber: string): Promise<{ a: AgentDesktop; t: AgentDesktop; caller: string }> {
  const a = await desks.open('1001', true);
  const t = await desks.open('1002');
  const caller = await placeCall(h.sim.httpUrl, callerNumber, '12345');
  await a.next('call.answered', (m) => m.callId === caller);
  expect(await t.command('agent.ready')).toMatchObject({ ok: true });
  const colleague = h.server.calls.agents.list().find((x) => x.login === '1002');
  expect(await a.command('call.transfer', { callId: caller, target: { kind: 'agent', agentId: colleague?.agentId }, mode: 'attended' })).toMatchObject({ ok: true });
  await t.next('call.offered', (m) => m.callId === caller);
  return { a, t, caller };
}
