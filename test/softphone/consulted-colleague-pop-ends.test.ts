/**
 * A colleague consulted in an attended transfer picks up and talks to the agent, and the
 * consultation then ends without the caller being handed to them: the agent cancels it, the
 * colleague hangs up, or the caller hangs up. The colleague never took the call (no `call.answered`
 * reached their desk), so the pop they got when their phone rang must end too — `call.offer.withdrawn`
 * — or their desk keeps showing the caller as ringing for them after the consultation is over.
 */
import { describe, expect, it } from 'vitest';
import { consultingColleague, useConsultingWorld } from '../support/consulting.js';
import { simRequest, waitFor } from '../support/sim-client.js';

const { h, desks } = useConsultingWorld({ wrapUpSeconds: 600 });

const ends = [
  { who: 'the agent cancels', reason: 'cancelled' },
  { who: 'the colleague hangs up', reason: 'cancelled' },
  { who: 'the caller hangs up', reason: 'caller-hung-up' },
] as const;

describe('a consulted colleague who picked up', () => {
  let seq = 0;
  for (const { who, reason } of ends) {
    it(`has their pop withdrawn when ${who}`, async () => {
      seq += 1;
      const { a, t, caller } = await consultingColleague(h, desks, `1390000720${seq}`);
      await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/answer');
      await a.next('call.consult.answered', (m) => m.callId === caller);

      if (who === 'the agent cancels') expect(await a.command('call.transfer.cancel', { callId: caller })).toMatchObject({ ok: true });
      if (who === 'the colleague hangs up') await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1002/hangup');
      if (who === 'the caller hangs up') await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);

      expect(await t.next('call.offer.withdrawn', (m) => m.callId === caller)).toMatchObject({ reason });
      const colleague = h.server.calls.agents.list().find((x) => x.login === '1002');
      await waitFor(() => h.server.calls.agents.get(colleague?.agentId ?? -1)?.state === 'wrap_up', 'the colleague in wrap-up');
      // Besides their pick-up of the consultation, nothing else about the call reaches the colleague: it was never theirs.
      expect(t.received.filter((m) => m.callId === caller).map((m) => m.type)).toEqual(['call.offered', 'call.consult.answered', 'call.offer.withdrawn']);
    });
  }
});
