/**
 * The automatic callbacks (漏接回拨, 回访) never ring a citizen who is on a call with the centre at that
 * moment — one who called again and waits in line, or talks to an agent: the number is left for the
 * next run without using an attempt, and the server says so in its log (number masked). Once that call
 * is over, the next run calls them as usual. Jobs run once on the test clock; the trunk answers busy.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { listCallbackAttempts, missedCalls, putSetting, tickets, type TicketRow } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { giveUpInQueue, missedEntryOf, trunkDials } from '../support/missed-callers.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { capturedLog } from '../support/test-logger.js';

const captured = capturedLog('info');
const h = useHarness({}, {}, captured.log);

interface LogLine {
  level: number;
  msg: string;
  number?: string;
}

/** The server's log lines since line `from` that say a callback was left because the citizen is on the line. */
function leftOnTheLine(from: number): LogLine[] {
  return captured.lines
    .slice(from)
    .map((line) => JSON.parse(line) as LogLine)
    .filter((l) => l.msg.includes('on a call with the centre'));
}

async function alwaysCallingHours(): Promise<void> {
  await putSetting(h.server.store.db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0, maxAttempts: 3 });
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
}

async function hangUp(id: string): Promise<void> {
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  await waitFor(() => !h.server.calls.call(id), 'the call over');
}

describe('automatic callbacks and a citizen on the line', () => {
  it('漏接回拨 leaves a citizen waiting in line again for the next run, attempt unused', async () => {
    const db = h.server.store.db;
    const citizen = '13800137711';
    await alwaysCallingHours();
    await giveUpInQueue(h.sim.httpUrl, citizen);
    const missed = await missedEntryOf(db, citizen);
    const entry = async () => (await db.select().from(missedCalls).where(eq(missedCalls.id, missed.id)).limit(1))[0];

    // They call again and wait in line (nobody is logged in to take them).
    const again = await placeCall(h.sim.httpUrl, citizen, '12345');
    await waitFor(() => h.server.calls.call(again)?.state === 'queued', 'the citizen waiting in line again');
    const dialled = trunkDials(h.sim, citizen);
    const from = captured.lines.length;
    await h.server.missedCallbacks.runOnce();
    expect({ dialled: [...dialled], entry: await entry() }).toMatchObject({ dialled: [], entry: { status: 'pending', attempts: 0 } });
    const said = leftOnTheLine(from);
    expect(said.map((l) => ({ level: l.level, number: l.number }))).toEqual([{ level: 30, number: '138****7711' }]);
    expect(captured.lines.slice(from).join('')).not.toContain(citizen);

    // That call over (they gave up again), the next run calls them back.
    await hangUp(again);
    await h.server.missedCallbacks.runOnce();
    expect(dialled).toEqual([`${citizen}@trunk`]);
  });

  it('回访 leaves a citizen talking to an agent for the next run, attempt unused, ticket as it was', async () => {
    const db = h.server.store.db;
    const citizen = '13900137722';
    await alwaysCallingHours();
    await registerPhones(h.sim);
    const at = new Date(h.clock.now().getTime() - 86_400_000).toISOString();
    const [ticket] = await db
      .insert(tickets)
      .values({ number: '2606097722', callerNumber: '02363867722', contactPhone: citizen, dialledNumber: '12345', hotline: '12345 政务服务便民热线', content: '测试', status: 'closed', createdAt: at, updatedAt: at, registeredAt: at })
      .returning();
    const row = async (): Promise<TicketRow | undefined> => (await db.select().from(tickets).where(eq(tickets.id, ticket?.id ?? 0)).limit(1))[0];

    // The citizen calls from the number the survey would dial, and an agent answers.
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    try {
      expect((await desk.command('agent.ready')).ok).toBe(true);
      const call = await placeCall(h.sim.httpUrl, citizen, '12345');
      await desk.next('call.answered', (m) => m.callId === call, 15_000);
      const dialled = trunkDials(h.sim, citizen);
      const from = captured.lines.length;
      await h.server.surveyCallbacks.runOnce();
      expect({ dialled: [...dialled], attempts: (await listCallbackAttempts(db, ticket?.id ?? 0)).length, status: (await row())?.status }).toEqual({ dialled: [], attempts: 0, status: 'closed' });
      expect(leftOnTheLine(from).map((l) => ({ level: l.level, number: l.number }))).toEqual([{ level: 30, number: '139****7722' }]);
      expect(captured.lines.slice(from).join('')).not.toContain(citizen);

      await hangUp(call);
      await h.server.surveyCallbacks.runOnce();
      expect({ dialled, attempts: (await listCallbackAttempts(db, ticket?.id ?? 0)).length }).toEqual({ dialled: [`${citizen}@trunk`], attempts: 1 });
    } finally {
      desk.close();
    }
  });

  // The 联系电话 is typed by hand and the carrier presents the caller's number in its own form: one
  // citizen however either is written.
  it.each([
    { contactPhone: '+86 139-0013-7733', presented: '13900137733', ticketNo: '2606097733' },
    { contactPhone: '13900137744', presented: '+8613900137744', ticketNo: '2606097744' },
  ])('回访 knows the citizen on the line: 联系电话 $contactPhone, calling from $presented', async ({ contactPhone, presented, ticketNo }) => {
    const db = h.server.store.db;
    const citizen = `1390013${ticketNo.slice(-4)}`;
    await alwaysCallingHours();
    await registerPhones(h.sim);
    const at = new Date(h.clock.now().getTime() - 86_400_000).toISOString();
    const [ticket] = await db
      .insert(tickets)
      .values({ number: ticketNo, callerNumber: '02363860000', contactPhone, dialledNumber: '12345', hotline: '12345 政务服务便民热线', content: '测试', status: 'closed', createdAt: at, updatedAt: at, registeredAt: at })
      .returning();
    const row = async (): Promise<TicketRow | undefined> => (await db.select().from(tickets).where(eq(tickets.id, ticket?.id ?? 0)).limit(1))[0];

    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    try {
      expect((await desk.command('agent.ready')).ok).toBe(true);
      const call = await placeCall(h.sim.httpUrl, presented, '12345');
      await desk.next('call.answered', (m) => m.callId === call, 15_000);
      // Dials of this citizen to the trunk, however written (earlier tests' tickets may be called too).
      const dialled: string[] = [];
      h.sim.core.subscribe((event) => {
        if (event.type === 'dial' && event.dialStatus === '' && event.dialString.endsWith('@trunk') && event.dialString.replace(/\D/g, '').endsWith(citizen)) dialled.push(event.dialString);
      });
      const from = captured.lines.length;
      await h.server.surveyCallbacks.runOnce();
      expect({ dialled, attempts: (await listCallbackAttempts(db, ticket?.id ?? 0)).length, status: (await row())?.status }).toEqual({ dialled: [], attempts: 0, status: 'closed' });
      expect(leftOnTheLine(from).map((l) => l.number)).toEqual([`139****${ticketNo.slice(-4)}`]);
      await hangUp(call);
    } finally {
      desk.close();
    }
  });
});
