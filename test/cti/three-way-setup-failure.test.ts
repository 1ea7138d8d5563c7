/**
 * A three-way call whose set-up the PBX refuses (the caller's music-on-hold request and the moves into
 * the call's bridge get no answer for a while) is given up: the agent is told it failed, the
 * colleague's ring is hung up and they are ready again. Putting the caller back can fail the same way;
 * that failure is logged, never left as an unhandled rejection (which ends the whole CTI process on
 * Node 20, every live call losing its controller), and the call goes on under the server's control.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { capturedLog } from '../support/test-logger.js';

const CALLER = '13800007501';
/** The caller whose music-on-hold and bridge moves the PBX loses (the connection closes unanswered). */
let failing: string | null = null;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const { log, lines } = capturedLog('warn');

const h = useHarness(
  { ringTimeoutSeconds: 10 },
  {
    onAriRequest: (r) =>
      failing !== null && r.method === 'POST' && (r.path.includes(`/channels/${failing}/moh`) || /\/bridges\/[^/]+\/addChannel/.test(r.path)) ? 'drop' : undefined,
  },
  log,
);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

const agentOf = (login: string) => h.server.calls.agents.list().find((a) => a.login === login);
interface SimChannel {
  id: string;
  name: string;
}
const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
const callRow = async (id: string) => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];

describe('a three-way call whose set-up the PBX refuses', () => {
  it('is given up, its recovery failure handled: the colleague is ready again and the agent still ends the call', async () => {
    await registerPhones(h.sim);
    const a = await AgentDesktop.login(h.server.httpUrl, '1001');
    const t = await AgentDesktop.login(h.server.httpUrl, '1002');
    expect(await a.command('agent.ready')).toMatchObject({ ok: true });
    const caller = await placeCall(h.sim.httpUrl, CALLER, '12345');
    await a.next('call.answered', (m) => m.callId === caller);
    expect(await t.command('agent.ready')).toMatchObject({ ok: true });
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: true, answer: 'manual', answerDelayMs: 50 });

    failing = caller;
    expect(await a.command('call.conference', { callId: caller, target: { kind: 'agent', agentId: agentOf('1002')?.agentId } })).toMatchObject({ ok: false });
    // Putting the caller back fails too: handled (and logged), or an unhandled rejection.
    await waitFor(() => unhandled.length > 0 || lines.some((l) => l.includes('taking the caller off hold failed')), 'putting the caller back to fail');
    failing = null;
    expect(unhandled.map((e) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e))), 'unhandled rejections').toEqual([]);
    expect(lines.join('\n'), 'the log names the caller masked only').not.toContain(CALLER);

    // The colleague's ring is gone and they are ready for the next caller.
    await waitFor(async () => !(await channels()).some((c) => c.name.startsWith('PJSIP/1002-')), "the colleague's ring hung up");
    await t.next('agent.state', (m) => m.state === 'ready' && t.received.indexOf(m) > t.received.findIndex((o) => o.type === 'agent.state' && o.state === 'ringing'));

    // The server still controls the call: the agent ends their part, and the call is recorded as over.
    expect(await a.command('call.hangup', { callId: caller })).toMatchObject({ ok: true });
    await a.next('agent.state', (m) => m.state === 'wrap_up');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await waitFor(async () => (await callRow(caller))?.endedAt, 'the call row ended');
    a.close();
    t.close();
  });
});
