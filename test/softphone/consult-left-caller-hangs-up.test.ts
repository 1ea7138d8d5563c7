/**
 * An agent consults a colleague (咨询转接) and hangs up while the colleague's phone still rings: the
 * caller waits for the colleague's answer (PROTOCOL.md: completed, or back in line). If the caller
 * hangs up meanwhile, the agent's desk must be told the call is over (`call.ended`), or it keeps
 * showing the consultation of a call that is gone until some other call replaces it.
 */
import { expect, it } from 'vitest';
import { consultingColleague, useConsultingWorld } from '../support/consulting.js';
import { simRequest, waitFor } from '../support/sim-client.js';

const { h, desks } = useConsultingWorld({ ringTimeoutSeconds: 60, wrapUpSeconds: 600 });

it('tells an agent who hung up during the consultation ring that the call ended when the caller hangs up', async () => {
  const { a, t, caller } = await consultingColleague(h, desks, '13900007311');
  // 挂断 while the colleague's phone rings: the agent is done with the call (wrap-up).
  expect(await a.command('call.hangup', { callId: caller })).toMatchObject({ ok: true });
  await a.next('agent.state', (m) => m.state === 'wrap_up');

  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
  await t.next('call.offer.withdrawn', (m) => m.callId === caller);
  await waitFor(() => h.server.calls.calls().length === 0, 'the call over');
  expect(await a.next('call.ended', (m) => m.callId === caller)).toMatchObject({ callId: caller });
  expect(a.received.filter((m) => m.callId === caller).map((m) => m.type)).toEqual(['call.offered', 'call.answered', 'call.consulting', 'call.ended']);
});
