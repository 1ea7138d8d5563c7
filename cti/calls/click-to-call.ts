/**
 * Click-to-call (外呼) from the agent desktop, a call like any other: the agent's own phone rings
 * first; once they pick up, the call has its row (direction `outbound`) and its ticket and the
 * desktop its pop, and the citizen is dialled on the trunk. When the citizen answers, the call joins
 * the call flow (bridge, recording, hold, transfer, hang-up, KPIs) through `adopt`. When the citizen
 * is not reached the row ends `failed` and the agent is told why (busy, no answer, …).
 *
 * A callback of a missed call (回拨, `missedCallId`) runs under the missed call's own ticket, which the
 * agent owns from the moment their phone is picked up (they register it during the callback); the
 * entry is marked called back once the citizen answers; an entry already called back is refused.
 * Only numbers the dial policy allows (routing/dial-policy.ts) are dialled, and a number the
 * automatic missed-call callback is ringing is not rung a second time (dialling-numbers.ts).
 */
import { randomUUID } from 'node:crypto';
import { dialRefusal } from '../../routing/dial-policy.js';
import { callbackRoute } from '../../routing/route-decision.js';
import {
  appendTicketEvent,
  completeMissedCall,
  findMissedCall,
  findTicketOfMissedCall,
  listMissedCallsOfTicket,
  listRoutes,
  markCallEnded,
  openTicketForCall,
  recordCallArrival,
  setTicketAgent,
  type CallRow,
  type Db,
  type RouteRow,
  type TicketRow,
} from '../../store/index.js';
import type { CallSummary } from '../events/domain-events.js';
import { callerHistory, type CallerHistory } from './caller-history.js';
import type { CallContext } from './call-context.js';
import { CallControlError } from './call-control-error.js';
import { directoryNumbers } from './directory-numbers.js';
import type { InboundCall } from './inbound-call.js';
import { ringFailureText, ringLeg } from './ring-leg.js';
import { outboundDial } from './outbound-dial.js';

/** What the call flow needs to take over an answered outbound call. */
export interface OutboundCall {
  callId: string;
  rowId: number;
  number: string;
  ticket: TicketRow;
  arrivedAtMs: number;
  /** The citizen's recent tickets, read while the agent's phone rang. */
  history: CallerHistory;
  /** The route the call runs on: a callback's, the one the citizen had called (`callbackRoute`); a new 外呼's, the main route. */
  route: RouteRow | undefined;
  /** The missed call a 回拨 returns (null for a new 外呼), as the pop named it. */
  missedCallId: number | null;
}

/** Builds the live call (state `offered`) for an answered outbound call and registers it. */
export type AdoptOutbound = (call: OutboundCall) => InboundCall;

/**
 * The channel name a click-to-call's row carries: the citizen's leg does not exist yet when the row is
 * written (the agent's phone was picked up; the citizen is dialled next).
 */
const CLICK_TO_CALL_CHANNEL = 'outbound';

/**
 * A click-to-call row whose citizen had not answered (yet): no caller of the centre is behind it, so
 * it is never a call to take back after a restart; the attempt ended with the process that made it.
 */
export function isDiallingRow(row: Pick<CallRow, 'direction' | 'channelName' | 'state'>): boolean {
  return row.direction === 'outbound' && row.channelName === CLICK_TO_CALL_CHANNEL && row.state === 'arriving';
}

/**
 * What a restarted server knows of a call an agent placed, from its row and the ticket it runs under
 * (the pop's `outbound` part), or null for any other call. A new 外呼 opened its own ticket; a 回拨
 * runs under the missed call's, whose entry it returned is not written with the call: the newest
 * entry of that ticket stands for it (the one marked done when the citizen answered, unless the
 * citizen had given up again under the same ticket since — then the later entry, which the pop's
 * labels read the same). A 回拨 whose ticket has no entry left at all (deleted since) reads as a
 * 外呼: nothing says which missed call it returned.
 */
export async function placedCallOf(
  db: Db,
  row: Pick<CallRow, 'linkedId' | 'direction' | 'channelName'>,
  ticket: Pick<TicketRow, 'id' | 'callId' | 'callKey'>,
): Promise<{ missedCallId: number | null } | null> {
  if (row.direction !== 'outbound' || row.channelName !== CLICK_TO_CALL_CHANNEL) return null;
  if (ticket.callKey === row.linkedId) return { missedCallId: null };
  const [returned] = await listMissedCallsOfTicket(db, ticket);
  return { missedCallId: returned?.id ?? null };
}

/** The ticket a callback of `missedCallId` belongs to (the missed call's own); an entry already called back, or closed because the citizen got through, is refused. */
async function ticketOfMissedCall(db: Db, missedCallId: number, number: string): Promise<TicketRow> {
  const missed = await findMissedCall(db, missedCallId);
  if (!missed) throw new CallControlError('漏接记录不存在');
  if (missed.callerNumber !== number) throw new CallControlError('回拨号码与漏接记录不符');
  // As the "mark done" endpoint says it (admin-api/missed-calls-resource.ts).
  if (missed.status === 'done') throw new CallControlError('该来电已由其他坐席回拨');
  // The citizen called again and was answered: nobody calls them back for the call they gave up on.
  if (missed.status === 'got-through') throw new CallControlError('来电人已再次来电并由坐席接听，无需回拨');
  const ticket = await findTicketOfMissedCall(db, missed);
  if (!ticket) throw new CallControlError('找不到该漏接来电的工单');
  return ticket;
}

/** Why `number` cannot be rung now: the automatic missed-call callback is ringing it (null when it was taken for this attempt). */
function claimRefusal(ctx: CallContext, number: string): string | null {
  return ctx.dialling.claim(number, 'agent') ? null : '系统正在自动回拨该号码，请稍后再试';
}

/** What the caller of `clickToCall` is told of the attempt; each returned function is called once that stage is over. */
export interface ClickToCallHooks {
  /**
   * From the moment the call has its id until the citizen's call is live (adopted) or the attempt
   * ended: a reconciliation meanwhile leaves the call's row and legs to this attempt.
   */
  placing(callId: string): () => void;
  /**
   * While the citizen's phone rings (the agent's desktop may hang up then, and a desktop that
   * reconnects gets the call back in `hello`): the call as its pop showed it, the missed call it
   * returns (or null), and the agent's leg.
   */
  dialling(call: CallSummary, missedCallId: number | null, agentLegId: string): () => void;
}

export async function clickToCall(
  ctx: CallContext,
  adopt: AdoptOutbound,
  agentId: number,
  number: string,
  missedCallId: number | undefined,
  hooks: ClickToCallHooks,
): Promise<string> {
  const agent = ctx.agents.get(agentId);
  if (!agent?.endpoint) throw new CallControlError('坐席未登录');
  const refusal = dialRefusal(number, await directoryNumbers(ctx.db));
  if (refusal) throw new CallControlError(refusal);
  const original = missedCallId === undefined ? null : await ticketOfMissedCall(ctx.db, missedCallId, number);
  // Taken before the agent's phone rings, until the citizen answered or the attempt is over.
  const busy = claimRefusal(ctx, number);
  if (busy) throw new CallControlError(busy);
  // The citizen's leg gets the call's id: it is the call's key, as a caller's channel is for inbound calls.
  const callId = `callback-${randomUUID()}`;
  const donePlacing = hooks.placing(callId);
  try {
    return await place(ctx, adopt, { agentId, endpoint: agent.endpoint, login: agent.login, number, missedCallId, original, callId }, hooks);
  } finally {
    donePlacing();
    ctx.dialling.release(number);
  }
}

async function place(
  ctx: CallContext,
  adopt: AdoptOutbound,
  attempt: { agentId: number; endpoint: string; login: string; number: string; missedCallId: number | undefined; original: TicketRow | null; callId: string },
  hooks: ClickToCallHooks,
): Promise<string> {
  const { agentId, endpoint, login, number, missedCallId, original, callId } = attempt;
  // Read before the agent is offered the call: nothing is awaited between that and the ring.
  const routes = await listRoutes(ctx.db);
  const main = routes.find((r) => r.mode === 'main' && r.enabled);
  // A callback runs on the route the citizen had called, as the automatic 漏接回拨 does: a 12315
  // caller pops as that parallel hotline and sees its number calling; a new 外呼, on the main route.
  const route = original ? callbackRoute(routes, original.routeId) : main;
  const dial = outboundDial(routes, number);
  if (!ctx.agents.transition(agentId, 'offer', callId)) throw new CallControlError('当前状态不能外呼，请先示闲');
  // The citizen's recent tickets, read while the agent's own phone rings, so the pop that follows
  // the pick-up waits for no query. A new call's own ticket is opened later and may be read or not:
  // the pop leaves it out by its id either way.
  const history = callerHistory(ctx.db, ctx.log, callId, number);
  history.start();
  const hotline = original?.hotline ?? main?.name ?? '12345';
  // The agent's leg is an agent leg like on any call (a reconciliation after a restart finds it so).
  const own = ringLeg(ctx, { callId, callerNumber: number, hotline: '外呼' }, endpoint, 'agent');
  if ((await own.outcome) !== 'answered') {
    ctx.agents.transition(agentId, 'offer-cancelled', null);
    throw new CallControlError(`坐席话机${ringFailureText(own.failure)}`);
  }

  const now = ctx.clock.now();
  const { call: row } = await recordCallArrival(ctx.db, {
    linkedId: callId,
    channelId: callId,
    channelName: CLICK_TO_CALL_CHANNEL,
    callerNumber: number,
    dialledNumber: number,
    routeId: original?.routeId ?? main?.id ?? null,
    arrivedAt: now.toISOString(),
    direction: 'outbound',
  });
  const ticket =
    original ??
    (await openTicketForCall(ctx.db, { callKey: callId, callId: row.id, callerNumber: number, dialledNumber: number, routeId: main?.id ?? null, hotline, at: now })).ticket;
  // The agent registers this ticket during the call: it is theirs from now on.
  await setTicketAgent(ctx.db, ticket.id, agentId);
  await appendTicketEvent(ctx.db, { ticketId: ticket.id, actor: login, kind: 'outbound', note: original ? '坐席回拨漏接来电' : '坐席外呼' });
  const summary: CallSummary = { callId, callerNumber: number, dialledNumber: number, hotline, mode: route?.mode ?? 'main', ticketId: ticket.id, ticketNumber: ticket.number, history };
  // Before the pop goes out, so the pop's `allowed` already offers 挂断 while the citizen rings.
  const doneDialling = hooks.dialling(summary, missedCallId ?? null, own.legId);
  ctx.bus.publish({ type: 'call.offered', at: now.toISOString(), call: summary, agentId, ivrSteps: [], waitedMs: 0, outbound: { missedCallId: missedCallId ?? null } });

  // On the agent's leg's node: the two legs are bridged there.
  // The citizen's leg carries the ticket's number (`callback,<number>`), as the automatic callback's
  // does: a restarted server finds a 回拨's ticket (the missed call's, not opened by this call) by it.
  const citizen = ringLeg(ctx, { callId: ticket.number, callerNumber: route?.number ?? '12345', hotline, near: own.legId }, dial, 'callback', callId);
  const stopAgentWatch = ctx.router.listen(own.legId, (e) => {
    if (e.type === 'StasisEnd' || e.type === 'ChannelHangupRequest') citizen.cancel();
  });
  const outcome = await citizen.outcome;
  stopAgentWatch();
  doneDialling();
  if (outcome !== 'answered') {
    await ctx.ari.hangup(own.legId).catch(() => undefined);
    const why = outcome === 'cancelled' ? '坐席已挂机' : ringFailureText(citizen.failure);
    await markCallEnded(ctx.db, callId, { outcome: 'failed', hangupCause: null, at: ctx.clock.now().toISOString() });
    await appendTicketEvent(ctx.db, { ticketId: ticket.id, actor: login, kind: 'outbound-failed', note: `外呼未接通：${why}` });
    ctx.bus.publish({ type: 'call.offer.withdrawn', at: ctx.clock.now().toISOString(), call: summary, agentId, reason: 'not-reached' });
    ctx.agents.transition(agentId, 'offer-cancelled', null);
    throw new CallControlError(`外呼失败：${why}`);
  }
  // Marked done meanwhile from another desktop: the citizen answered this call, which goes on.
  if (missedCallId !== undefined && !(await completeMissedCall(ctx.db, missedCallId, agentId))) {
    ctx.log.info({ callId, missedCall: missedCallId }, 'missed call already marked called back; the callback goes on');
  }
  const call = adopt({ callId, rowId: row.id, number, ticket, arrivedAtMs: now.getTime(), history, route, missedCallId: missedCallId ?? null });
  await call.connectOutbound(agentId, own.legId);
  return callId;
}
