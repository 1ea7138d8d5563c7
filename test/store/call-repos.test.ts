/**
 * The call path's repositories (calls, missed calls, rings and agent states, KPI facts and roll-ups,
 * survey callback attempts, the early warning's counts) on the database `CTI_TEST_DB` selects: the
 * same answers on SQLite and PostgreSQL.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  agents,
  callbackHistory,
  changeTicketStatus,
  closeMissedCall,
  closeMissedCallsGotThrough,
  closeStaleCallbackAttempts,
  completeImportedCall,
  completeMissedCall,
  countCallsFromSince,
  countTicketsUnderKey,
  createRoute,
  createTicketMatter,
  endCall,
  endOffer,
  endOpenOffersOfAgent,
  endOpenOffersOfCall,
  findCallById,
  findCallByLinkedId,
  findMissedCall,
  finishCallbackAttempt,
  hasCallbackInProgress,
  listAgentStatesForWindow,
  listCallFactsBetween,
  listDailyKpis,
  listDueMissedCalls,
  listOffersOfCalls,
  listOpenCalls,
  listPendingMissedCalls,
  listRecordingsOlderThan,
  listTicketsAwaitingCallback,
  markCallAnswered,
  markRecordingDeleted,
  noteMissedCallAttempt,
  putDailyKpis,
  recordAgentState,
  recordCallArrival,
  recordMissedCall,
  recordOffer,
  registeredTicketsBetween,
  rolledUpDates,
  setCallIvrSteps,
  setCallQueued,
  setCallSkill,
  setCallState,
  startCallbackAttempt,
  takeBackMissedCallAttempt,
  tickets,
  updateRoute,
  updateTicketMatter,
  type Store,
} from '../../store/index.js';
import { TestClock } from '../support/test-clock.js';
import { openTestStore } from '../support/test-database.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

const open = async () => {
  store = await openTestStore(new TestClock('2026-11-20T02:00:00.000Z'));
  return store.db;
};

const arrival = (id: string, caller: string, at: string) => ({
  linkedId: id,
  channelId: id,
  channelName: 'PJSIP/trunk-1',
  callerNumber: caller,
  dialledNumber: '12345',
  routeId: null,
  arrivedAt: at,
});

describe('calls and the missed-call list', () => {
  it('record an arrival once, follow it to its end and put an unserved caller on the list once per number', async () => {
    const db = await open();
    const first = await recordCallArrival(db, { ...arrival('c1', '13800000001', '2026-11-20T01:00:00.000Z'), duringOutage: true });
    expect(first.created).toBe(true);
    expect(first.call.duringOutage).toBe(true);
    expect((await recordCallArrival(db, arrival('c1', '13800000001', '2026-11-20T01:00:00.000Z'))).created).toBe(false);
    const [a, b] = await Promise.all([
      recordCallArrival(db, arrival('c2', '13800000001', '2026-11-20T01:10:00.000Z')),
      recordCallArrival(db, arrival('c2', '13800000001', '2026-11-20T01:10:00.000Z')),
    ]);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.call.id).toBe(b.call.id);

    await setCallState(db, 'c1', 'ivr');
    await setCallIvrSteps(db, 'c1', [{ menu: 1, key: '2' }]);
    await setCallQueued(db, 'c1', 'general', '2026-11-20T01:00:05.000Z');
    await setCallSkill(db, 'c1', 'general');
    expect(await findCallByLinkedId(db, 'c1')).toMatchObject({ state: 'queued', ivrSteps: [{ menu: 1, key: '2' }], skill: 'general', queuedAt: '2026-11-20T01:00:05.000Z', direction: 'inbound' });
    expect((await listOpenCalls(db)).map((c) => c.linkedId)).toEqual(['c1', 'c2']);
    expect(await countCallsFromSince(db, '13800000001', '2026-11-20T00:00:00.000Z')).toBe(2);
    expect(await countCallsFromSince(db, '13800000001', '2026-11-20T01:05:00.000Z')).toBe(1);

    await endCall(db, 'c1', { outcome: 'abandoned', hangupCause: null, at: '2026-11-20T01:01:00.000Z', waitMs: 55_000 }, { callRowId: first.call.id, callerNumber: '13800000001', dialledNumber: '12345', waitMs: 55_000 });
    // The same end twice changes nothing; the number's second abandoned call moves the entry.
    await endCall(db, 'c1', { outcome: 'abandoned', hangupCause: null, at: '2026-11-20T01:01:00.000Z', waitMs: 55_000 }, { callRowId: first.call.id, callerNumber: '13800000001', dialledNumber: '12345', waitMs: 55_000 });
    await endCall(db, 'c2', { outcome: 'abandoned', hangupCause: 16, at: '2026-11-20T01:11:00.000Z' }, { callRowId: a.call.id, callerNumber: '13800000001', dialledNumber: '12345', waitMs: 30_000 });
    expect(await findCallByLinkedId(db, 'c1')).toMatchObject({ state: 'ended', outcome: 'abandoned', waitMs: 55_000, endedAt: '2026-11-20T01:01:00.000Z' });
    expect(await listOpenCalls(db)).toEqual([]);
    const pending = await listPendingMissedCalls(db);
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ callId: a.call.id, abandonedTimes: 2, waitMs: 30_000, attempts: 0 });
    const id = pending[0]?.id ?? 0;
    await noteMissedCallAttempt(db, id, new Date('2026-11-20T02:00:00.000Z'));
    expect(await findMissedCall(db, id)).toMatchObject({ attempts: 1, lastAttemptAt: '2026-11-20T02:00:00.000Z' });
  });

  it('lists the entries due oldest first, gives back an unplaced attempt, starts attempts afresh on a new abandon and closes an entry whose citizen got through', async () => {
    const db = await open();
    const entryOf = async (caller: string) => (await listPendingMissedCalls(db)).find((m) => m.callerNumber === caller);
    const abandon = async (key: string, caller: string, at: string) => {
      const { call } = await recordCallArrival(db, arrival(key, caller, at));
      await recordMissedCall(db, { callId: call.id, callerNumber: caller, dialledNumber: '12345', waitMs: 1000, at });
    };
    await abandon('d1', '13900000011', '2026-11-20T01:00:00.000Z');
    await abandon('d2', '13900000012', '2026-11-20T01:10:00.000Z');
    await abandon('d3', '13900000013', '2026-11-20T01:20:00.000Z');
    // The oldest tried at 01:30: at 01:45, with 30 minutes' spacing (tried by 01:15), it is not due; at 02:00 it is.
    const oldest = (await entryOf('13900000011'))?.id ?? 0;
    await noteMissedCallAttempt(db, oldest, new Date('2026-11-20T01:30:00.000Z'));
    expect((await listDueMissedCalls(db, '2026-11-20T01:15:00.000Z')).map((m) => m.callerNumber)).toEqual(['13900000012', '13900000013']);
    expect((await listDueMissedCalls(db, '2026-11-20T01:30:00.000Z')).map((m) => m.callerNumber)).toEqual(['13900000011', '13900000012', '13900000013']);
    expect((await listDueMissedCalls(db, '2026-11-20T01:30:00.000Z', 2)).map((m) => m.callerNumber)).toEqual(['13900000011', '13900000012']);

    // A dial never placed: the attempt is given back, its time kept.
    await noteMissedCallAttempt(db, oldest, new Date('2026-11-20T02:00:00.000Z'));
    await takeBackMissedCallAttempt(db, oldest);
    expect(await findMissedCall(db, oldest)).toMatchObject({ attempts: 1, lastAttemptAt: '2026-11-20T02:00:00.000Z' });
    // A new abandon: the attempts start afresh; the last attempt's time stays (the spacing).
    await abandon('d4', '13900000011', '2026-11-20T02:10:00.000Z');
    expect(await findMissedCall(db, oldest)).toMatchObject({ attempts: 0, abandonedTimes: 2, lastAttemptAt: '2026-11-20T02:00:00.000Z', at: '2026-11-20T02:10:00.000Z' });
    await takeBackMissedCallAttempt(db, oldest);
    expect(await findMissedCall(db, oldest)).toMatchObject({ attempts: 0 });

    // The citizen called again and was answered: only their pending entry from before the answer is closed.
    const second = (await entryOf('13900000012'))?.id ?? 0;
    expect(await closeMissedCallsGotThrough(db, '13900000012', '2026-11-20T01:05:00.000Z')).toEqual([]);
    expect((await closeMissedCallsGotThrough(db, '13900000012', '2026-11-20T02:20:00.000Z')).map((m) => m.id)).toEqual([second]);
    expect(await findMissedCall(db, second)).toMatchObject({ status: 'got-through' });
    expect(await closeMissedCallsGotThrough(db, '13900000012', '2026-11-20T02:20:00.000Z')).toEqual([]);
    expect((await listDueMissedCalls(db, '2026-11-20T03:00:00.000Z')).map((m) => m.callerNumber)).toEqual(['13900000013', '13900000011']);
  });

  it('counts for the repeat-call policy the calls a number made, not the centre calling it back', async () => {
    const db = await open();
    await recordCallArrival(db, arrival('in-1', '13800000009', '2026-11-20T01:00:00.000Z'));
    await recordCallArrival(db, { ...arrival('out-1', '13800000009', '2026-11-20T01:20:00.000Z'), direction: 'outbound' });
    expect(await countCallsFromSince(db, '13800000009', '2026-11-20T00:00:00.000Z')).toBe(1);
  });

  it('marks a callback done once; closing one not pending changes nothing', async () => {
    const db = await open();
    const [agent] = await db.insert(agents).values({ login: '1001', name: '坐席一' }).returning();
    const { call } = await recordCallArrival(db, arrival('m1', '13900000001', '2026-11-20T01:00:00.000Z'));
    await recordMissedCall(db, { callId: call.id, callerNumber: '13900000001', dialledNumber: '12345', waitMs: 1000, at: '2026-11-20T01:01:00.000Z' });
    const [entry] = await listPendingMissedCalls(db);
    expect(await completeMissedCall(db, entry?.id ?? 0, agent?.id ?? 0)).toBe(true);
    expect(await completeMissedCall(db, entry?.id ?? 0, agent?.id ?? 0)).toBe(false);
    await closeMissedCall(db, entry?.id ?? 0, 'unreachable');
    expect(await findMissedCall(db, entry?.id ?? 0)).toMatchObject({ status: 'done', handledBy: agent?.id });
  });

  it('answers, imports and reads a call by id; recordings past their time are listed and marked deleted', async () => {
    const db = await open();
    const { call } = await recordCallArrival(db, arrival('a1', '13700000001', '2026-11-01T01:00:00.000Z'));
    await markCallAnswered(db, 'a1', { agentId: null, at: '2026-11-01T01:00:10.000Z', waitMs: 10_000, recording: 'rec-a1' });
    await recordCallArrival(db, arrival('o1', '13700000002', '2026-11-01T02:00:00.000Z'));
    await completeImportedCall(db, 'o1', { outcome: 'answered', agentId: null, answeredAt: '2026-11-01T02:00:05.000Z', endedAt: '2026-11-01T02:03:00.000Z', waitMs: 5000, recording: 'rec-o1' });
    expect(await findCallById(db, call.id)).toMatchObject({ linkedId: 'a1', outcome: 'answered', recording: 'rec-a1', waitMs: 10_000 });
    expect((await listRecordingsOlderThan(db, '2026-11-02T00:00:00.000Z')).map((r) => r.recording).sort()).toEqual(['rec-a1', 'rec-o1']);
    const a1 = (await listRecordingsOlderThan(db, '2026-11-02T00:00:00.000Z')).find((r) => r.recording === 'rec-a1');
    await markRecordingDeleted(db, a1?.recordingId ?? -1, new Date('2026-11-20T02:00:00.000Z'));
    expect((await listRecordingsOlderThan(db, '2026-11-02T00:00:00.000Z')).map((r) => r.recording)).toEqual(['rec-o1']);
    expect(await findCallById(db, call.id)).toMatchObject({ recordingDeletedAt: '2026-11-20T02:00:00.000Z' });
  });

  it('a call answered again after being put back in line keeps both recordings; the call counts as deleted once both are', async () => {
    const db = await open();
    const { call } = await recordCallArrival(db, arrival('r2', '13700000003', '2026-11-01T03:00:00.000Z'));
    await markCallAnswered(db, 'r2', { agentId: null, at: '2026-11-01T03:00:10.000Z', waitMs: 10_000, recording: 'rec-r2-first' });
    await markCallAnswered(db, 'r2', { agentId: null, at: '2026-11-01T03:05:00.000Z', waitMs: 20_000, recording: 'rec-r2-second' });
    // Answered once: the row keeps the first answer's time and wait; its recording is the latest.
    expect(await findCallById(db, call.id)).toMatchObject({ answeredAt: '2026-11-01T03:00:10.000Z', waitMs: 10_000, recording: 'rec-r2-second' });
    // The same answer written again (a retried progress write) lists its recording once.
    await markCallAnswered(db, 'r2', { agentId: null, at: '2026-11-01T03:05:00.000Z', waitMs: 20_000, recording: 'rec-r2-second' });
    const due = await listRecordingsOlderThan(db, '2026-11-02T00:00:00.000Z');
    expect(due.map((r) => r.recording)).toEqual(['rec-r2-first', 'rec-r2-second']);
    await markRecordingDeleted(db, due[0]?.recordingId ?? -1, new Date('2026-11-20T02:00:00.000Z'));
    expect(await findCallById(db, call.id)).toMatchObject({ recording: 'rec-r2-second', recordingDeletedAt: null });
    await markRecordingDeleted(db, due[1]?.recordingId ?? -1, new Date('2026-11-20T02:00:01.000Z'));
    expect(await findCallById(db, call.id)).toMatchObject({ recordingDeletedAt: '2026-11-20T02:00:01.000Z' });
    expect(await listRecordingsOlderThan(db, '2026-11-02T00:00:00.000Z')).toEqual([]);
  });
});

describe('rings, agent states and KPI facts', () => {
  it('end the right ring, give the window its states and each call its facts', async () => {
    const db = await open();
    const [agent] = await db.insert(agents).values({ login: '1001', name: '坐席一' }).returning();
    const agentId = agent?.id ?? 0;
    await recordCallArrival(db, arrival('k1', '13600000001', '2026-11-19T01:00:00.000Z'));
    await recordCallArrival(db, arrival('k2', '13600000001', '2026-11-20T00:30:00.000Z'));
    await recordCallArrival(db, arrival('k3', '13600000001', '2026-11-20T01:30:00.000Z'));
    await recordOffer(db, { callKey: 'k3', agentId, offeredAt: '2026-11-20T01:30:05.000Z', waitedMs: 5000, outbound: false });
    expect(await endOffer(db, 'k3', agentId, { at: '2026-11-20T01:30:20.000Z', outcome: 'missed' })).toBe(true);
    expect(await endOffer(db, 'k3', agentId, { at: '2026-11-20T01:30:20.000Z', outcome: 'missed' })).toBe(false);
    await recordOffer(db, { callKey: 'k3', agentId, offeredAt: '2026-11-20T01:30:30.000Z', waitedMs: 30_000, outbound: false });
    // A ring of another call the agent did not answer (left open): going on k3 does not close it.
    await recordOffer(db, { callKey: 'k2', agentId, offeredAt: '2026-11-20T01:30:31.000Z', waitedMs: 0, outbound: false });
    await endOpenOffersOfAgent(db, agentId, 'k3', { at: '2026-11-20T01:30:40.000Z', outcome: 'answered' });
    expect((await listOffersOfCalls(db, ['k3', 'k2'])).map((o) => [o.callKey, o.outcome, o.outbound])).toEqual([
      ['k3', 'missed', false],
      ['k3', 'answered', false],
      ['k2', null, false],
    ]);
    // A restart cut the k2 ring off: closed, except the ring of an agent kept on the call.
    expect(await endOpenOffersOfCall(db, 'k2', agentId, { at: '2026-11-20T01:31:00.000Z', outcome: 'not-reached' })).toBe(0);
    expect(await endOpenOffersOfCall(db, 'k2', null, { at: '2026-11-20T01:31:00.000Z', outcome: 'not-reached' })).toBe(1);
    expect((await listOffersOfCalls(db, ['k2'])).map((o) => o.outcome)).toEqual(['not-reached']);
    await recordAgentState(db, { agentId, at: '2026-11-19T23:00:00.000Z', state: 'ready', reason: null });
    await recordAgentState(db, { agentId, at: '2026-11-20T01:30:40.000Z', state: 'on_call', reason: null });
    await recordAgentState(db, { agentId, at: '2026-11-20T05:00:00.000Z', state: 'offline', reason: null });
    expect((await listAgentStatesForWindow(db, '2026-11-20T00:00:00.000Z', '2026-11-20T04:00:00.000Z')).map((s) => s.state)).toEqual(['ready', 'on_call']);

    const facts = await listCallFactsBetween(db, '2026-11-20T00:00:00.000Z', '2026-11-21T00:00:00.000Z');
    // k2 has k1 (23.5 h before) behind it; k3 has k2 and k1 is just over a day before it.
    expect(facts.map((f) => [f.linkedId, f.earlierCalls, f.transfers, f.missedStatus])).toEqual([
      ['k2', 1, 0, null],
      ['k3', 1, 0, null],
    ]);
    expect(typeof facts[0]?.earlierCalls).toBe('number');

    await putDailyKpis(db, '2026-11-20', 'total', [{ key: 'total', figures: { offered: 2 } }]);
    await putDailyKpis(db, '2026-11-20', 'total', [{ key: 'total', figures: { offered: 3 } }]);
    expect(await listDailyKpis(db, '2026-11-20', 'total')).toEqual([{ key: 'total', figures: { offered: 3 } }]);
    expect([...(await rolledUpDates(db, '2026-11-01'))]).toEqual(['2026-11-20']);
  });
});

describe('survey callbacks and the early warning', () => {
  it('count attempts, find tickets to call back and count registered tickets under a key', async () => {
    const db = await open();
    const ticket = (n: string, extra: Partial<typeof tickets.$inferInsert> = {}) =>
      db.insert(tickets).values({ number: n, callerNumber: '13500000001', dialledNumber: '12345', hotline: '12345', ...extra }).returning();
    const [closed] = await ticket('2611200001', { status: 'closed' });
    const building = await createTicketMatter(db, { parentId: null, name: '城乡建设' });
    const water = await createTicketMatter(db, { parentId: building.id, name: '供水' });
    const cutOff = await createTicketMatter(db, { parentId: water.id, name: '停水' });
    const route = await createRoute(db, { number: '12315', name: '12315 市场监管投诉举报热线', mode: 'main' });
    await ticket('2611200002', { registeredAt: '2026-11-20T01:00:00.000Z', createdAt: '2026-11-20T01:00:00.000Z', matterId: cutOff.id, matterPath: '城乡建设 > 供水 > 停水', streetCode: '110105001' });
    await ticket('2611200003', { registeredAt: '2026-11-20T01:10:00.000Z', createdAt: '2026-11-20T01:10:00.000Z', matterId: water.id, matterPath: '城乡建设 > 供水', streetCode: '110105002', routeId: route.id, hotline: route.name });
    await ticket('2611200004', { createdAt: '2026-11-20T01:20:00.000Z', matterId: water.id, matterPath: '城乡建设 > 供水' });
    expect((await listTicketsAwaitingCallback(db)).map((t) => t.number)).toEqual(['2611200001']);
    const ticketId = closed?.id ?? 0;
    expect(await callbackHistory(db, ticketId)).toEqual({ attempts: 0, lastAt: null });
    const attempt = await startCallbackAttempt(db, ticketId, '13500000001', new Date('2026-11-20T02:00:00.000Z'));
    expect(await hasCallbackInProgress(db, '13500000001')).toBe(true);
    await finishCallbackAttempt(db, attempt, 'no-answer');
    expect(await hasCallbackInProgress(db, '13500000001')).toBe(false);
    await startCallbackAttempt(db, ticketId, '13500000001', new Date('2026-11-20T02:10:00.000Z'));
    expect(await closeStaleCallbackAttempts(db)).toBe(1);
    expect(await callbackHistory(db, ticketId)).toEqual({ attempts: 2, lastAt: '2026-11-20T02:10:00.000Z' });
    // Closed again (after a redo): a new round, counted from the close.
    expect(await changeTicketStatus(db, { ticketId, from: 'closed', to: 'closed', actor: 'super', kind: 'close', at: new Date('2026-11-21T02:00:00.000Z') })).toBe(true);
    expect(await callbackHistory(db, ticketId)).toEqual({ attempts: 0, lastAt: null });
    await startCallbackAttempt(db, ticketId, '13500000001', new Date('2026-11-21T02:30:00.000Z'));
    expect(await callbackHistory(db, ticketId)).toEqual({ attempts: 1, lastAt: '2026-11-21T02:30:00.000Z' });

    // Due: no attempt of the current round after the spacing's start.
    expect((await listTicketsAwaitingCallback(db, { lastAttemptBy: '2026-11-21T02:29:00.000Z' })).map((t) => t.number)).toEqual([]);
    expect((await listTicketsAwaitingCallback(db, { lastAttemptBy: '2026-11-21T02:30:00.000Z' })).map((t) => t.number)).toEqual(['2611200001']);
    // A dial never placed uses no attempt; its time counts for the spacing.
    const unplaced = await startCallbackAttempt(db, ticketId, '13500000001', new Date('2026-11-21T03:00:00.000Z'));
    await finishCallbackAttempt(db, unplaced, 'not-placed', 'trunk-down');
    expect(await callbackHistory(db, ticketId)).toEqual({ attempts: 1, lastAt: '2026-11-21T03:00:00.000Z' });
    expect((await listTicketsAwaitingCallback(db, { lastAttemptBy: '2026-11-21T02:59:00.000Z' })).map((t) => t.number)).toEqual([]);
    // Closed again: the earlier round's attempts no longer hold the ticket back.
    expect(await changeTicketStatus(db, { ticketId, from: 'closed', to: 'closed', actor: 'super', kind: 'close', at: new Date('2026-11-21T03:05:00.000Z') })).toBe(true);
    expect((await listTicketsAwaitingCallback(db, { lastAttemptBy: '2026-11-21T02:59:00.000Z' })).map((t) => t.number)).toEqual(['2611200001']);

    const from = '2026-11-20T00:00:00.000Z';
    const to = '2026-11-21T00:00:00.000Z';
    expect((await registeredTicketsBetween(db, from, to)).map((t) => t.number).sort()).toEqual(['2611200002', '2611200003']);
    expect(await countTicketsUnderKey(db, `matter:${water.id}`, from, to)).toBe(2);
    expect(await countTicketsUnderKey(db, `matter:${building.id}`, from, to)).toBe(2);
    expect(await countTicketsUnderKey(db, `matter:${cutOff.id}`, from, to)).toBe(1);
    expect(await countTicketsUnderKey(db, 'area:110105001', from, to)).toBe(1);
    expect(await countTicketsUnderKey(db, `route:${route.id}`, from, to)).toBe(1);
    // A ticket whose route is gone (none here) is counted by the name it kept.
    expect(await countTicketsUnderKey(db, 'hotline:12345', from, to)).toBe(1);
    expect(await countTicketsUnderKey(db, 'hotline:12315 市场监管投诉举报热线', from, to)).toBe(0);
    expect(await countTicketsUnderKey(db, 'unknown:x', from, to)).toBe(0);
    expect(await countTicketsUnderKey(db, 'matter:城乡建设 > 供水', from, to)).toBe(0);

    // Renamed and moved, the hotline and the classification are read under their names of today.
    await updateRoute(db, route.id, { name: '12315 市场监管热线' });
    const services = await createTicketMatter(db, { parentId: null, name: '公共服务' });
    await updateTicketMatter(db, water.id, { name: '供排水', parentId: services.id });
    const window = await registeredTicketsBetween(db, from, to);
    expect(window.find((t) => t.number === '2611200003')).toMatchObject({ routeId: route.id, hotline: '12315 市场监管热线', matterLine: [{ id: services.id, name: '公共服务' }, { id: water.id, name: '供排水' }] });
    expect(window.find((t) => t.number === '2611200002')).toMatchObject({ routeId: null, hotline: '12345', matterLine: [{ name: '公共服务' }, { name: '供排水' }, { id: cutOff.id, name: '停水' }] });
    expect(await countTicketsUnderKey(db, `matter:${services.id}`, from, to)).toBe(2);
    expect(await countTicketsUnderKey(db, `matter:${building.id}`, from, to)).toBe(0);
  });
});
