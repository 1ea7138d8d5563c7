/**
 * 回访 campaign: which citizens it calls and on which number — one call per number even for a citizen
 * with two closed tickets, the ticket's 联系电话 rather than the calling number, and a number the dial
 * policy refuses recorded as not surveyed without touching the trunk, and a citizen an agent is calling
 * by hand left for a later run. Jobs run once on the test clock;
 * the trunk answers busy. (A redone ticket closed again: survey-callback-after-redo.test.ts.)
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { listCallbackAttempts, putSetting, ticketHistory, tickets, type TicketRow } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { simRequest, waitFor } from '../support/sim-client.js';
import { trunkDials } from '../support/missed-callers.js';

const h = useHarness();

/** A ticket closed yesterday, waiting for its 回访. */
async function closedTicket(number: string, callerNumber: string, contactPhone: string | null = null): Promise<TicketRow> {
  const db = h.server.store.db;
  const at = new Date(h.clock.now().getTime() - 86_400_000).toISOString();
  const [row] = await db
    .insert(tickets)
    .values({ number, callerNumber, contactPhone, dialledNumber: '12345', hotline: '12345 政务服务便民热线', content: '测试', status: 'closed', createdAt: at, updatedAt: at, registeredAt: at })
    .returning();
  if (!row) throw new Error('ticket not written');
  return row;
}

async function ticketRow(id: number): Promise<TicketRow | undefined> {
  return (await h.server.store.db.select().from(tickets).where(eq(tickets.id, id)).limit(1))[0];
}

describe('survey callback campaign', () => {
  it('calls a citizen with two closed tickets for one of them per run, and for the other the next run', async () => {
    const db = h.server.store.db;
    const citizen = '13800136666';
    const first = await closedTicket('2606090001', citizen);
    const second = await closedTicket('2606090002', citizen);
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0 });
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    const dialled = trunkDials(h.sim, citizen);

    await h.server.surveyCallbacks.runOnce();
    const afterFirstRun = [(await listCallbackAttempts(db, first.id)).length, (await listCallbackAttempts(db, second.id)).length];
    expect({ dialled: [...dialled], attempts: afterFirstRun.reduce((a, b) => a + b, 0) }).toEqual({ dialled: [`${citizen}@trunk`], attempts: 1 });

    await h.server.surveyCallbacks.runOnce();
    expect({ first: (await listCallbackAttempts(db, first.id)).length, second: (await listCallbackAttempts(db, second.id)).length, dials: dialled.length }).toEqual({
      first: 1,
      second: 1,
      dials: 2,
    });
  });

  it('dials the 联系电话 the citizen gave, not the number they called from', async () => {
    const db = h.server.store.db;
    const ticket = await closedTicket('2606090077', '02363861234', '13900001111');
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0 });
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    const dialled = trunkDials(h.sim, '13900001111', '02363861234');
    await h.server.surveyCallbacks.runOnce();
    expect(dialled).toEqual(['13900001111@trunk']);
    expect((await listCallbackAttempts(db, ticket.id)).map((a) => a.number)).toEqual(['13900001111']);
  });

  it('records a 联系电话 the dial policy refuses as not surveyed, without an attempt, and still calls the others', async () => {
    const db = h.server.store.db;
    const abroad = await closedTicket('2606090055', '13800131111', '0085212345678');
    const other = await closedTicket('2606090056', '13800132222');
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0 });
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    const dialled = trunkDials(h.sim, '0085212345678', '13800131111', '13800132222');

    await h.server.surveyCallbacks.runOnce();
    expect(dialled).toEqual(['13800132222@trunk']);
    expect((await listCallbackAttempts(db, abroad.id)).length).toBe(0);
    expect((await listCallbackAttempts(db, other.id)).length).toBe(1);
    expect(await ticketRow(abroad.id)).toMatchObject({ status: 'evaluated', satisfaction: 'no-answer' });
    const evaluation = (await ticketHistory(db, abroad.id)).find((e) => e.kind === 'evaluate');
    expect(evaluation?.note).toBe(
      '无法回访：不能外呼 0085212345678：只能拨打部门通讯录、分中心、紧急热线（110/119/120/122）、本地固话、带区号的固话或手机号码',
    );

    // The next run no longer looks at it.
    await h.server.surveyCallbacks.runOnce();
    expect(dialled.filter((d) => d !== '13800132222@trunk')).toEqual([]);
  });

  it('leaves a citizen an agent is calling by hand for a later run: no second ring, no attempt used', async () => {
    const db = h.server.store.db;
    const citizen = '13800138877';
    const ticket = await closedTicket('2606090088', citizen);
    // The earlier tests' tickets, tried a moment ago on the test clock, are not due again for an hour.
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 60 });
    await registerPhones(h.sim);
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'manual' });
    const trunkLegs = async () => (await simRequest<{ id: string; name: string }[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body.filter((c) => c.name.startsWith('PJSIP/trunk'));
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    const byHand = desk.command('call.dial', { number: citizen });
    const [agentsRing] = await waitFor(async () => {
      const legs = await trunkLegs();
      return legs.length > 0 && legs;
    }, "the agent's call rings the citizen");

    await h.server.surveyCallbacks.runOnce();
    expect({ legs: (await trunkLegs()).length, attempts: (await listCallbackAttempts(db, ticket.id)).length }).toEqual({ legs: 1, attempts: 0 });

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${agentsRing?.id ?? ''}/hangup`);
    expect(await byHand).toMatchObject({ ok: false });
    desk.close();
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    await h.server.surveyCallbacks.runOnce();
    expect((await listCallbackAttempts(db, ticket.id)).map((a) => a.number)).toEqual([citizen]);
  });
});
