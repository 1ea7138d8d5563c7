/**
 * A call to a number with no route of its own — one the carrier still sends though its route was
 * deleted, or whose route an admin disabled — is served by the main route (12345), never a dead end
 * (routing/route-decision.ts). It reads as that route everywhere: on the desk's pop, on its ticket
 * (the ticket list, search) and in the reports by hotline; the number dialled stays on the call row
 * and the ticket (`dialled_number`).
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { calls, deleteRoute, listRoutes, tickets, updateRoute } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { OpenDesks } from '../support/agent-desktop.js';
import { hangUpEverything, registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const MAIN = '12345 政务服务便民热线';
const h = useHarness();
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim, ['1001'], 'manual');
  const db = h.server.store.db;
  const routes = await listRoutes(db);
  const idOf = (number: string) => routes.find((r) => r.number === number)?.id ?? -1;
  // 12366 still reaches the server (the dialplan sends it) but has no route any more; 12333's is switched off.
  await deleteRoute(db, idOf('12366'));
  await updateRoute(db, idOf('12333'), { enabled: false });
});
afterEach(() => hangUpEverything(h));
afterAll(() => desks.closeAll());

const callRow = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
const ticketRow = async (id: string) => first(await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1));

/** A call to `dialled` offered to the ready agent 1001 (the caller then gives up): the pop, the call row and the ticket. */
async function offered(caller: string, dialled: string) {
  const desk = await desks.open('1001', true);
  try {
    const id = await placeCall(h.sim.httpUrl, caller, dialled);
    const pop = await desk.next('call.offered', (m) => m.callId === id);
    const ticket = await waitFor(() => ticketRow(id), 'the ticket');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    const call = await waitFor(async () => {
      const row = await callRow(id);
      return row?.endedAt ? row : undefined;
    }, 'the call over');
    return { id, pop, ticket, call };
  } finally {
    desk.close();
  }
}

describe('a call to a number without an enabled route', () => {
  it('(control) a 12345 call pops and is ticketed as the main route', async () => {
    const { pop, ticket } = await offered('13800139001', '12345');
    expect(pop).toMatchObject({ hotline: MAIN, mode: 'main' });
    expect(ticket).toMatchObject({ hotline: MAIN, dialledNumber: '12345' });
  });

  it.each([
    ['a number whose route was deleted', '13800139002', '12366'],
    ['a number whose route is disabled', '13800139003', '12333'],
  ])('%s pops and is ticketed as the main route that serves it, keeping the number dialled', async (_what, caller, dialled) => {
    const main = (await listRoutes(h.server.store.db)).find((r) => r.mode === 'main');
    const { pop, ticket, call } = await offered(caller, dialled);
    expect(pop, 'the desk’s pop').toMatchObject({ hotline: MAIN, mode: 'main', dialledNumber: dialled });
    expect(ticket.hotline, 'the ticket’s hotline').toBe(MAIN);
    expect(ticket).toMatchObject({ dialledNumber: dialled, routeId: main?.id });
    expect(call).toMatchObject({ dialledNumber: dialled, routeId: main?.id });
  });

  it('counts under the main route in the report by hotline, not under the number dialled', async () => {
    const token = (await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username: 'super', password: 'demo' })).body.token;
    const day = h.clock.now().toISOString().slice(0, 10);
    const res = await fetch(`${h.server.httpUrl}/api/v1/kpis?date=${day}&by=hotline`, { headers: { authorization: `Bearer ${token}` } });
    const report = (await res.json()) as { rows: { key: string; offered: number }[] };
    expect(report.rows.map((r) => [r.key, r.offered])).toEqual([[MAIN, 3]]);
  });
});
