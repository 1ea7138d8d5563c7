/**
 * The screen-pop's caller history is read once, when the call arrives, and kept with the call: the
 * offer queries nothing. A ticket opened for the caller after the arrival is therefore not in the pop
 * (a pop that queried at the offer would list it first), and a history read that fails still pops
 * the call, with no history.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { calls, openTicketForCall, tickets } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import type { AriRequestRecord } from '../pbx-sim/ari/server.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { simRequest, waitFor } from '../support/sim-client.js';
import { alterSchema } from '../support/test-database.js';

let h: Harness;
/** Callers whose answer the PBX holds until the test lets it go. */
const heldAnswers = new Map<string, Promise<void>>();

beforeAll(async () => {
  h = await startHarness({}, {
    onAriRequest: (request: AriRequestRecord) => {
      const answer = /^\/channels\/([^/]+)\/answer$/.exec(request.path);
      return request.method === 'POST' && answer?.[1] ? heldAnswers.get(answer[1]) : undefined;
    },
  });
  // The agent's phone rings until the caller hangs up: the pop is what is looked at.
  await registerPhones(h.sim, ['1001'], 'manual');
  // For click-to-call: the agent's phone picks up, the citizen's rings until the agent hangs up.
  await registerPhones(h.sim, ['1002'], 'auto');
  await registerPhones(h.sim, ['trunk'], 'manual');
});
afterAll(async () => {
  await h.stop();
});

const CALLER = '13700137111';
const callRow = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
const ticketRow = async (id: string) => first(await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1));

/** The calls placed by a test, hung up after it. */
const placed: string[] = [];

async function call(channelId: string): Promise<string> {
  const res = await simRequest<{ channelId: string }>(h.sim.httpUrl, 'POST', '/sim/calls', { from: CALLER, to: '12345', channelId });
  expect(res.status).toBe(201);
  placed.push(res.body.channelId);
  return res.body.channelId;
}

const alter = (statement: string) => alterSchema(h.server.store, statement);

type PopHistory = { ticketNumber: string }[];

describe("the screen-pop's caller history", () => {
  let desk: AgentDesktop;
  let earlier: string;

  beforeAll(async () => {
    // An earlier call from the same number makes the next ones repeat calls.
    const first = await call('pop-history-earlier');
    earlier = (await waitFor(() => ticketRow(first), 'the earlier ticket')).number;
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${first}/hangup`);
    await waitFor(async () => (await callRow(first))?.endedAt, 'the earlier call ended');
    placed.length = 0;
    // Logged in, not ready: the calls wait until the test makes the agent ready.
    desk = await AgentDesktop.login(h.server.httpUrl, '1001');
  });
  afterEach(async () => {
    // Every call over, and the agent not ready again: the next call waits until its test makes the agent ready.
    for (const id of placed.splice(0)) {
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await waitFor(async () => (await callRow(id))?.endedAt, 'the call ended');
    }
    await desk.command('agent.notReady', { reason: '休息' });
  });
  afterAll(() => {
    desk.close();
  });

  it('is what was read at arrival: a ticket opened for the caller while the call waits is not in the pop', async () => {
    const id = await call('pop-history-kept');
    const own = await waitFor(() => ticketRow(id), 'the call’s ticket');
    await waitFor(() => h.server.calls.call(id)?.summary.history.now, 'the history read');

    // Another ticket for the same citizen, newer than everything read at arrival.
    const { ticket: later } = await openTicketForCall(h.server.store.db, {
      callKey: 'pop-history-second-line',
      callId: null,
      callerNumber: CALLER,
      dialledNumber: '12345',
      routeId: null,
      hotline: '12345',
      at: h.clock.now(),
    });

    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    const pop = await desk.next('call.offered', (m) => m.callId === id);
    expect(pop).toMatchObject({ ticketNumber: own.number, repeatCaller: true });
    const listed = (pop.history as PopHistory).map((t) => t.ticketNumber);
    expect(listed).toEqual([earlier]);
    expect(listed).not.toContain(later.number);

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await desk.next('call.offer.withdrawn', (m) => m.callId === id);
  });

  it('a history that cannot be read still pops the call, with none', async () => {
    const channelId = 'pop-history-unreadable';
    let answer: () => void = () => undefined;
    heldAnswers.set(channelId, new Promise<void>((resolve) => (answer = resolve)));
    const id = await call(channelId);
    // Recorded and ticketed; the call waits for its answer before its greeting and its history read.
    await waitFor(() => ticketRow(id), 'the call’s ticket');
    await waitFor(() => h.server.calls.call(id), 'the live call');
    await alter('alter table tickets rename to tickets_away');
    try {
      answer();
      await waitFor(() => h.server.calls.call(id)?.summary.history.now, 'the history read (failed)');
    } finally {
      await alter('alter table tickets_away rename to tickets');
    }

    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    const pop = await desk.next('call.offered', (m) => m.callId === id);
    // The caller has earlier tickets, but none could be read.
    expect(pop).toMatchObject({ callerNumber: CALLER, repeatCaller: false, history: [] });
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await desk.next('call.offer.withdrawn', (m) => m.callId === id);
    // The call went on as any other after the failed read: it ends like one.
    const ended = await waitFor(async () => {
      const row = await callRow(id);
      return row?.endedAt ? row : undefined;
    }, 'the call ended');
    expect(ended).toMatchObject({ outcome: 'abandoned', state: 'ended' });
  });

  it('a call the agent places (外呼) pops with the history read while their phone rang', async () => {
    const dialler = await AgentDesktop.login(h.server.httpUrl, '1002');
    try {
      expect(await dialler.command('agent.ready')).toMatchObject({ ok: true });
      const dialling = dialler.command('call.dial', { number: CALLER });
      const pop = await dialler.next('call.offered', (m) => m.outbound === true);
      expect(pop).toMatchObject({ callerNumber: CALLER, repeatCaller: true });
      expect((pop.history as PopHistory).map((t) => t.ticketNumber)).toContain(earlier);
      expect(await dialler.command('call.hangup', { callId: pop.callId })).toMatchObject({ ok: true });
      expect(await dialling).toMatchObject({ ok: false });
      await dialler.next('call.offer.withdrawn', (m) => m.callId === pop.callId);
    } finally {
      dialler.close();
    }
  });
});
