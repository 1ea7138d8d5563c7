/**
 * 保持 whose steps Asterisk refuses (the music-on-hold request on the caller's channel gets no
 * answer, every try): the caller was never put on hold — they still hear the agent — so the call
 * stays 通话中: the desk is told in Chinese that the hold failed, offers 保持 again and not 恢复, and
 * no `call.held` goes out (the KPIs count no hold time). Once Asterisk answers again, 保持 works.
 * The same for 恢复 whose step (back into the call's bridge) is refused: the caller is still on hold,
 * and the desk keeps offering 恢复.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenDesks, type AgentDesktop, type WireMessage } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest } from '../support/sim-client.js';

/** Requests the PBX loses (the connection closes unanswered, every try): a path and the channel they name. */
let lose: { path: RegExp; channel: string } | null = null;
const h = useHarness(
  {},
  {
    // A request lost on its way is an HTTP failure: an Asterisk that takes no requests over the events socket.
    requestsOverSocket: false,
    onAriRequest: (r) => {
      if (!lose || r.method !== 'POST' || !lose.path.test(r.path)) return undefined;
      const named = r.path.includes(lose.channel) || r.query.some(([, value]) => value.split(',').includes(lose?.channel ?? ''));
      return named ? 'drop' : undefined;
    },
  },
);
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim);
});
afterAll(() => desks.closeAll());

interface SimChannel {
  id: string;
  name: string;
  bridgeId: string | null;
}
const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
/** Whether the caller shares a bridge with the agent's phone (they hear each other). */
const withAgent = async (caller: string, phone: string) => {
  const all = await channels();
  const bridge = all.find((c) => c.id === caller)?.bridgeId ?? null;
  return bridge !== null && all.some((c) => c.name.startsWith(`${phone}-`) && c.bridgeId === bridge);
};
/** The commands the desk was offered once the command answered by `result` had settled (the `allowed` sent after it). */
const allowedAfter = async (desk: AgentDesktop, result: WireMessage) => {
  const at = desk.received.indexOf(result);
  return (await desk.next('allowed', (m) => desk.received.indexOf(m) > at)).allowed as string[];
};

describe('保持 and 恢复 that Asterisk refuses', () => {
  it('leave the call as it was, say so in Chinese, and work once Asterisk answers again', async () => {
    const desk = await desks.open('1001', true);
    const caller = await placeCall(h.sim.httpUrl, '13800007401', '12345');
    await desk.next('call.answered', (m) => m.callId === caller);

    lose = { path: /\/moh$/, channel: caller };
    const refused = await desk.command('call.hold', { callId: caller });
    lose = null;
    expect(refused.ok).toBe(false);
    expect(String(refused.error)).toMatch(/保持失败/);
    expect(h.server.calls.call(caller)?.state, 'the call').toBe('connected');
    expect(await withAgent(caller, 'PJSIP/1001'), 'the caller still hears the agent').toBe(true);
    // The buttons the desk offers after the refusal: 保持 again, no 恢复.
    const offered = await allowedAfter(desk, refused);
    expect(offered).toContain('call.hold');
    expect(offered).not.toContain('call.resume');
    expect(desk.received.some((m) => m.type === 'call.held')).toBe(false);

    expect(await desk.command('call.hold', { callId: caller })).toMatchObject({ ok: true });
    await desk.next('call.held', (m) => m.callId === caller);
    expect(await withAgent(caller, 'PJSIP/1001'), 'the caller on hold, out of the call').toBe(false);

    lose = { path: /\/addChannel$/, channel: caller };
    const notResumed = await desk.command('call.resume', { callId: caller });
    lose = null;
    expect(notResumed.ok).toBe(false);
    expect(String(notResumed.error)).toMatch(/恢复失败/);
    expect(h.server.calls.call(caller)?.state).toBe('held');
    expect(await allowedAfter(desk, notResumed)).toContain('call.resume');
    expect(desk.received.some((m) => m.type === 'call.resumed')).toBe(false);

    expect(await desk.command('call.resume', { callId: caller })).toMatchObject({ ok: true });
    await desk.next('call.resumed', (m) => m.callId === caller);
    expect(await withAgent(caller, 'PJSIP/1001')).toBe(true);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
  });
});
