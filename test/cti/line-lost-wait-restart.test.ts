/**
 * A caller put back in line because the line to their agent's node failed keeps their old place in
 * line, and the next agent's pop (排队等待) counts from the moment they were back in line
 * (line-lost-wait-on-pop.test.ts). The server restarting while they wait again changes neither: the
 * restart pass keeps their place (`calls.queued_at`) and takes the back-in-line moment from the row
 * (`calls.waiting_since`), so the pop — and the desk's `hello` — does not count the earlier
 * conversation as waiting. The KPI wait stays the one before the first answer.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { startNodesHarness, type NodesHarness } from '../support/multi-node.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: NodesHarness;
const opened: AgentDesktop[] = [];

beforeAll(async () => {
  h = await startNodesHarness(['a', 'b'], { nodeLostSeconds: 1 });
  await h.placePhones({ a: ['1001'], b: ['1002'] });
});
afterAll(async () => {
  for (const desk of opened) desk.close();
  await h.stop();
});

const open = async (login: string): Promise<AgentDesktop> => {
  const desk = await AgentDesktop.login(h.server.httpUrl, login);
  opened.push(desk);
  return desk;
};
/** Moves the test clock on by `seconds` (it goes on with real time from there). */
const later = (seconds: number): void => h.clock.set(new Date(h.clock.now().getTime() + seconds * 1000).toISOString());
const row = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
const inHoldingBridge = async (id: string): Promise<boolean> => {
  const bridges = (await simRequest<{ name: string; channelIds: string[] }[]>(h.sim('a').httpUrl, 'GET', '/sim/bridges')).body;
  return bridges.some((b) => b.name.startsWith('queue-') && b.channelIds.includes(id));
};

describe('a caller back in line after a lost node line, across a server restart', () => {
  it("the next agent's pop shows the wait since back in line, not since the first arrival", async () => {
    const onB = await open('1002');
    const caller = await placeCall(h.sim('a').httpUrl, '13800000402', '12345');
    await waitFor(() => h.server.calls.call(caller)?.state === 'queued', 'the caller in line');
    // The place in line is a progress write: on the row a moment after the caller is in line.
    const firstQueuedAt = await waitFor(async () => (await row(caller))?.queuedAt ?? undefined, 'the place in line written');
    // Twenty seconds in line, then answered over the trunk by the agent on node b.
    later(20);
    expect(await onB.command('agent.ready')).toMatchObject({ ok: true });
    await onB.next('call.answered', (m) => m.callId === caller);
    await waitFor(async () => (await row(caller))?.waitMs != null, 'the answer written');
    const firstWaitMs = (await row(caller))?.waitMs;

    // Five minutes of conversation, then node b dies: the caller goes back in line at their old place.
    later(300);
    h.sim('b').fault('restart', 600_000);
    await onB.next('call.transferred', (m) => m.callId === caller && m.reason === 'line-lost');
    await waitFor(() => inHoldingBridge(caller), "the caller in the queue's holding bridge", 15_000);
    // Node b comes back (empty) so that the restarted server links every node.
    h.sim('b').fault('restart', 50);

    // Thirty seconds in line again, during which the server restarts.
    later(30);
    await waitFor(async () => (await row(caller))?.state === 'queued', 'the row back in line');
    await h.restart();
    await waitFor(() => h.server.calls.call(caller)?.state === 'queued', 'the caller taken back in line', 10_000);
    expect(await row(caller)).toMatchObject({ queuedAt: firstQueuedAt, endedAt: null });

    const onA = await open('1001');
    expect(await onA.command('agent.ready')).toMatchObject({ ok: true });
    const pop = await onA.next('call.offered', (m) => m.callId === caller);
    // The thirty seconds (and the real time the test took since the caller was back in line), not
    // the 20 s + 300 s since the first arrival.
    expect(pop.waitedSeconds).toBeGreaterThanOrEqual(30);
    expect(pop.waitedSeconds).toBeLessThan(300);

    await onA.next('call.answered', (m) => m.callId === caller);
    const hello = await onA.reconnect();
    expect(hello.call).toMatchObject({ callId: caller, state: 'connected', waitedSeconds: pop.waitedSeconds });
    // The KPI wait is still the one before the first answer.
    expect((await row(caller))?.waitMs).toBe(firstWaitMs);

    await simRequest(h.sim('a').httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await waitFor(() => h.server.calls.call(caller) === undefined, 'the call over');
  });
});
