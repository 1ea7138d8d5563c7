/**
 * 回拨 or 已回拨 from a missed-call list loaded before the citizen got through: they gave up in the
 * queue, called again and a colleague answered them, so their entry was closed `got-through` (nobody
 * calls them back for it). The agent whose list still shows the entry is told so in Chinese — not that
 * a colleague called back, which nobody did — and the citizen is not rung about a matter in hand.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { missedCalls } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { getThroughTo, giveUpInQueue, missedEntryOf } from '../support/missed-callers.js';

const h = useHarness();
const GOT_THROUGH = '来电人已再次来电并由坐席接听，无需回拨';

describe('回拨 of a missed call whose citizen got through meanwhile', () => {
  it('is refused with the reason, before any phone rings, and 已回拨 says the same', async () => {
    const db = h.server.store.db;
    const citizen = '13800135262';
    await giveUpInQueue(h.sim.httpUrl, citizen);
    const entry = await missedEntryOf(db, citizen);

    // Agent 1002 opens the list: the entry is there.
    await registerPhones(h.sim);
    const late = await AgentDesktop.login(h.server.httpUrl, '1002');
    const list = await fetch(`${h.server.httpUrl}/api/v1/missed-calls`, { headers: { authorization: `Bearer ${late.token}` } });
    expect(((await list.json()) as { id: number }[]).map((m) => m.id)).toContain(entry.id);

    // The citizen calls again and agent 1001 answers them.
    await getThroughTo({ sim: h.sim.httpUrl, server: h.server.httpUrl }, '1001', citizen);
    expect((await db.select().from(missedCalls).where(eq(missedCalls.id, entry.id)).limit(1))[0]?.status).toBe('got-through');

    // Agent 1002, from the list loaded before, presses 回拨.
    const rung: string[] = [];
    h.sim.core.subscribe((event) => {
      const e = event as { type: string; channel?: { name?: string } };
      if (e.type === 'channel.created' && e.channel?.name) rung.push(e.channel.name);
    });
    expect(await late.command('agent.ready')).toMatchObject({ ok: true });
    const reply = await late.command('call.dial', { number: citizen, missedCallId: entry.id });
    // ... and 已回拨.
    const done = await fetch(`${h.server.httpUrl}/api/v1/missed-calls/${entry.id}/done`, { method: 'POST', headers: { authorization: `Bearer ${late.token}` } });
    late.close();
    expect({ reply, rung, done: { status: done.status, body: await done.json() } }).toEqual({
      reply: { type: 'result', id: expect.any(String) as string, ok: false, error: GOT_THROUGH },
      rung: [],
      done: { status: 409, body: { error: GOT_THROUGH } },
    });
  });
});
