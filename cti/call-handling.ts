/**
 * The Stasis application's front door: each citizen's channel becomes an `InboundCall` (recorded and
 * ticketed first, then routed); channels the server created are left to whoever created them.
 * Keeps the live calls so agent commands and the wallboard can find them.
 */
import { PROMPTS } from '../ivr/prompts.js';
import { callbackRoute, DEFAULT_REPEAT_POLICY, decideRoute, servingRoute, type RepeatCallPolicy, type RouteDecision } from '../routing/route-decision.js';
import { isWithheldNumber } from '../routing/caller-identity.js';
import {
  citizenNumber,
  closeCallIfOpen,
  countCallsFromSince,
  findActiveBlock,
  findLatestOfferWait,
  getSetting,
  listRoutes,
  listSkills,
  recordCallArrival,
  systemClock,
  type CallRow,
  type Clock,
  type Db,
  type RouteRow,
  type TicketRow,
} from '../store/index.js';
import { AgentRegistry } from './agents/agent-registry.js';
import type { AdoptCallback } from './callbacks/missed-call-callbacks.js';
import { trackPhonePresence } from './agents/phone-presence.js';
import type { PbxAri } from './nodes/pbx-ari.js';
import type { PbxNodeLinks } from './nodes/pbx-nodes.js';
import { nodeLostNote, watchNodeLoss } from './nodes/node-loss.js';
import { noteTicket } from './tickets/ticket-notes.js';
import type { AriChannel, AriEvent } from './ari/ari-types.js';
import { CallControl } from './calls/call-control.js';
import { placedCallOf, type AdoptOutbound } from './calls/click-to-call.js';
import { DEFAULT_CALL_SETTINGS, type CallContext, type CallSettings } from './calls/call-context.js';
import { InboundCall, type RestoredCall } from './calls/inbound-call.js';
import { callerHistory } from './calls/caller-history.js';
import { CallWrites } from './calls/call-writes.js';
import { Monitoring } from './calls/monitoring.js';
import { DomainEventBus } from './events/domain-events.js';
import type { Logger } from './logging.js';
import { CallQueue } from './queue/call-queue.js';
import { reconcileWithPbx } from './recovery/reconcile.js';
import { RingingLegs } from './calls/ringing-legs.js';
import { DiallingNumbers } from './calls/dialling-numbers.js';
import { RecoveryStatus } from './recovery/recovery-status.js';
import { ChannelEventRouter } from './stasis/channel-events.js';
import { classifyStasisArgs } from './stasis/channel-role.js';
import { admitWithRetries, type ArrivedCall } from './stasis/inbound-arrival.js';
import { recordOrHandOver } from './stasis/survival-handover.js';
import { liveCallSettings } from './calls/call-timings.js';

export interface CallHandling {
  /** Takes an answered outbound callback leg into the call flow, under the citizen's original ticket. */
  adoptCallback: AdoptCallback;
  /** What call flows share (PBX, store, bus, agents): for outbound campaigns built beside them. */
  context: CallContext;
  bus: DomainEventBus;
  control: CallControl;
  monitoring: Monitoring;
  agents: AgentRegistry;
  queue: CallQueue;
  /** Recovery steps under way (reconciling with the PBX after a start or reconnect), for `/health`. */
  recovery: RecoveryStatus;
  call(callId: string): InboundCall | undefined;
  calls(): InboundCall[];
  /** Each Asterisk node: its links and the calls on it now (for the wallboard). */
  nodes(): { name: string; ami: boolean; ari: boolean; calls: number }[];
  /** Before stopping: removes what this server made on the PBX and no call needs any more (idle holding bridges). */
  releasePbxResources(): Promise<void>;
  /** Resolves once the calls' pending progress writes are done (before the store closes). */
  settle(): Promise<void>;
  stop(): void;
  /** Resolves once the agents and the call timings are loaded (nothing is answered before). */
  ready: Promise<void>;
}

async function repeatPolicy(db: Db): Promise<RepeatCallPolicy> {
  const stored = await getSetting(db, 'repeat-call-policy');
  if (stored && typeof stored === 'object' && 'maxCalls' in stored && 'windowMinutes' in stored) {
    const { maxCalls, windowMinutes } = stored;
    if (typeof maxCalls === 'number' && typeof windowMinutes === 'number') return { maxCalls, windowMinutes, action: 'warn' };
  }
  return DEFAULT_REPEAT_POLICY;
}

/** The channel name on the row of an automatic missed-call callback (漏接回拨), before its leg's id. */
const MISSED_CALLBACK_CHANNEL = 'callback ';

export function startCallHandling(deps: {
  /** ARI over every node. */
  ari: PbxAri;
  /** Each node's own links (phone presence is followed per node). */
  nodes: readonly Pick<PbxNodeLinks, 'name' | 'ami' | 'ari'>[];
  /** With several nodes: how long a node's ARI may stay down before its calls are closed. */
  nodeLostMs?: number;
  db: Db;
  log: Logger;
  settings?: Partial<CallSettings>;
  clock?: Clock;
  /** A caller handed to the node's survival path (their arrival could not be recorded): its record is to be imported once they hang up. */
  onSurvivalPath?: (node: string, channelId: string) => void;
}): CallHandling {
  const { ari, db, log } = deps;
  const clock = deps.clock ?? systemClock;
  // Ring timeout and wrap-up follow the `call-timings` setting from their next use; the overflow wait
  // applies to the callers already in line too (the queue follows the change below).
  const settings = liveCallSettings(db, { ...DEFAULT_CALL_SETTINGS, app: ari.app, ...deps.settings }, (err: unknown) =>
    log.error({ err }, 'could not read the call timings; the last known ones stay in force'),
  );
  const bus = new DomainEventBus((err, event) => log.error({ err, event: event.type }, 'a subscriber failed on a domain event; the call goes on'));
  const router = new ChannelEventRouter(ari);
  const agents = new AgentRegistry(db, bus, log.child({ part: 'agents' }), () => settings.wrapUpSeconds * 1000, () => clock.now().getTime(), settings.wrapUpTicketCheck === 'remind');
  const writes = new CallWrites(db, log.child({ part: 'call-writes' }));
  const live = new Map<string, InboundCall>();
  // Asked by the automatic callbacks once per number and run, never on a call's own path.
  const onTheLine = (number: string): boolean => {
    const citizen = citizenNumber(number);
    if (citizen === null) return false;
    for (const call of live.values()) if (citizenNumber(call.summary.callerNumber) === citizen) return true;
    return false;
  };
  const ctx: CallContext = { ari, db, bus, router, agents, log, settings, clock, writes, rings: new RingingLegs(), dialling: new DiallingNumbers(), onTheLine };
  // The agents and the call timings, read before the first call is taken (main awaits it).
  const ready = Promise.all([agents.reload(), settings.ready]).then(() => undefined);
  const general = async () => (await listSkills(db)).find((s) => s.code === 'general')?.id;
  // A caller waiting for a specialised skill may be served by a general agent after the overflow wait.
  const queue = new CallQueue(ctx, async (skillId) => {
    const g = await general();
    return g !== undefined && g !== skillId ? [g] : [];
  });
  const stopFollowingTimings = settings.onChange(() => queue.overflowWaitChanged());
  agents.setTicketLookup((callId) => live.get(callId)?.summary.ticketId ?? null);
  const stopPresence = deps.nodes.map((node) =>
    trackPhonePresence({ node: node.name, ari: node.ari, ami: node.ami, agents, log: log.child({ part: 'presence', node: node.name }) }),
  );
  // A leg to a phone registered on another node goes over the inter-node trunk (pbx-ari.ts).
  ari.locatePhonesWith((endpoint) => agents.phoneNode(endpoint));
  /** The node each live call is on (its caller's channel's), kept from when it was registered. */
  const callNodes = new WeakMap<InboundCall, string>();
  const nodeOfCall = (call: InboundCall): string => callNodes.get(call) ?? ari.nodeOf(call.channelId) ?? ari.nodeNames()[0] ?? '';

  const recovery = new RecoveryStatus();
  const register = (call: InboundCall) => {
    live.set(call.callId, call);
    const node = ari.nodeOf(call.channelId);
    if (node !== undefined) callNodes.set(call, node);
    call.whenEnded(() => live.delete(call.callId));
  };
  /** `blacklist`: whether the caller is checked against the blacklist (not for a call taken back: its row says). */
  const routeFor = async (dialledNumber: string, caller: string, now: Date, blacklist = true): Promise<RouteDecision> => {
    const policy = await repeatPolicy(db);
    // A withheld number is every withheld caller's: their calls are not counted together.
    const recentCalls = isWithheldNumber(caller) ? 1 : await countCallsFromSince(db, caller, new Date(now.getTime() - policy.windowMinutes * 60_000).toISOString());
    return decideRoute({
      dialledNumber,
      route: servingRoute(await listRoutes(db), dialledNumber),
      block: blacklist && caller ? await findActiveBlock(db, caller, now) : undefined,
      recentCalls,
      policy,
    });
  };

  // Channels answered and waiting for their arrival to be recorded (a repeated StasisStart meanwhile is ignored).
  const admitting = new Set<string>();
  /**
   * A call recorded only after its caller left the server's hands: closed at once, so that no
   * reconciliation takes it for a call of ours. Handed to the survival path: closed as transferred,
   * unless the outage import completed it already (it completes it from Asterisk's record). Gone (the
   * caller hung up in the silence): abandoned, and on the missed-call list.
   */
  const closeLate = (arrived: ArrivedCall, how: 'handed' | 'gone', channel: AriChannel, dialledNumber: string, arrivedAt: Date) => {
    const now = clock.now();
    if (how === 'handed') {
      writes.write(arrived.linkedId, 'recorded after the hand-over to the survival path', (tx) =>
        closeCallIfOpen(tx, arrived.linkedId, { outcome: 'transferred', at: now.toISOString() }),
      );
      void noteTicket(ctx, { ticketId: arrived.ticket.id, actor: 'system', kind: 'outage', note: '来电登记超时，已转入应急排队' });
      return;
    }
    const waitMs = Math.max(0, now.getTime() - arrivedAt.getTime());
    const missed = channel.caller.number ? { callRowId: arrived.callId, callerNumber: channel.caller.number, dialledNumber, waitMs } : null;
    writes.end(arrived.linkedId, 'recorded after the caller gave up', { outcome: 'abandoned', hangupCause: null, at: now.toISOString(), waitMs }, missed);
  };
  const record = async (channel: AriChannel, dialledNumber: string, now: Date, answering: Promise<void>): Promise<void> => {
    const node = ari.nodeOf(channel.id) ?? null;
    // The call row and ticket are committed before the call runs (and so before its first prompt); a
    // database that refuses or hangs sends the caller to the survival path instead of silence.
    const arrived = await recordOrHandOver(
      {
        ari,
        log,
        stopped: () => stopped,
        handedOver: () => deps.onSurvivalPath?.(node ?? ari.nodeNames()[0] ?? '', channel.id),
        recordedLate: (late, how) => closeLate(late, how, channel, dialledNumber, now),
      },
      channel,
      dialledNumber,
      (giveUp) => admitWithRetries(db, channel, dialledNumber, log, now, node, giveUp),
    );
    if (!arrived) return;
    // A caller whose call was already closed and accounted for (their node was lost, then came back
    // with the channel still there): released, as the call is on the callback list already.
    if (!stopped && !arrived.isNew && arrived.closed && !live.has(arrived.linkedId)) {
      log.warn({ channelId: channel.id, ticket: arrived.ticket.number }, 'a caller of a call already closed is still in the application; hanging up');
      ari.hangup(channel.id).catch(() => undefined);
      return;
    }
    // Stopped while the arrival was being written: the call stays up on the PBX, like the calls in hand.
    // A row already there is a repeated arrival's, unless a failed try had written it.
    if (stopped || (!arrived.isNew && !arrived.retried) || live.has(arrived.linkedId)) return;
    const caller = channel.caller.number;
    let decision;
    try {
      decision = await routeFor(dialledNumber, caller, now);
    } catch (error) {
      // Recorded but not routed (the blacklist or the caller's calls could not be read): served by
      // the route that serves the dialled number as read at arrival (the main route for a number
      // without one of its own), without the checks, rather than left in silence.
      log.error({ err: error, channelId: channel.id }, 'could not route the call; serving it by its route without the blacklist and repeat-call checks');
      decision = decideRoute({ dialledNumber, route: arrived.route, block: undefined, recentCalls: 0, policy: DEFAULT_REPEAT_POLICY });
    }
    // Stopped, or found again by a reconciliation, while the route was being decided.
    if (stopped || live.has(arrived.linkedId)) return;
    // The caller's recent tickets are read once, as the greeting starts (run()); the pop uses what was read.
    const history = callerHistory(db, log, arrived.linkedId, caller);
    const call = new InboundCall(ctx, queue, arrived, decision, caller, dialledNumber, history);
    register(call);
    void call.run({ answering });
  };
  const admit = (channel: AriChannel, dialledNumber: string) => {
    if (admitting.has(channel.id)) return;
    const now = clock.now();
    // Answered first, recorded a moment later. The arrival's commit waits for the disk (an fsync) and
    // blocks the event loop; undici writes a request on a reused connection only in the loop's check
    // phase (it first lets the idle socket show whether the peer closed it), so the commit runs in
    // that phase after it, and the caller is not kept ringing through the commit and the routing.
    // The greeting still waits for both. A channel already up (found again after a reconnect) or
    // already ours is not answered again. Its events meanwhile are held for the call, and a repeated
    // StasisStart is ignored until the arrival is recorded (the records are written asynchronously).
    const answering = channel.state === 'Up' || live.has(channel.id) ? Promise.resolve() : ari.answer(channel.id);
    // A failed answer is the call's to handle (run() awaits it); with no call to run, nobody's.
    answering.catch(() => undefined);
    admitting.add(channel.id);
    const release = router.hold(channel.id);
    // Until the arrival is recorded and its call registered, a repeated StasisStart is ignored and the
    // channel's events are held.
    setImmediate(() => {
      void (async () => {
        try {
          if (!stopped) await record(channel, dialledNumber, now, answering);
        } catch (error) {
          log.error({ err: error, channelId: channel.id }, 'could not admit the call');
        } finally {
          admitting.delete(channel.id);
          release();
        }
      })();
    });
  };

  const onStasisStart = (event: Extract<AriEvent, { type: 'StasisStart' }>) => {
    const role = classifyStasisArgs(event.args);
    if (role.kind === 'own') return;
    if (role.kind === 'invalid') {
      log.warn({ channelId: event.channel.id, reason: role.reason }, 'channel entered Stasis with bad arguments; releasing it');
      ari.hangup(event.channel.id).catch(() => undefined);
      return;
    }
    admit(event.channel, role.dialledNumber);
  };

  // While reconciling with the PBX, new arrivals wait and are handled afterwards, in order.
  const waiting: Extract<AriEvent, { type: 'StasisStart' }>[] = [];
  let passes = 0;
  let chain: Promise<void> = Promise.resolve();
  const onEvent = (event: AriEvent) => {
    if (event.type !== 'StasisStart') return;
    if (passes > 0) waiting.push(event);
    else onStasisStart(event);
  };

  /**
   * A click-to-call (外呼, 回拨 by an agent): the agent is on the line already; the call shows as its
   * route's (click-to-call.ts: a callback's, the route the citizen had called; a new 外呼's, the main
   * route), and goes back to that route's skill if it is ever queued.
   */
  const clickToCallDecision = (ticket: TicketRow, route: RouteRow | undefined): RouteDecision => ({
    kind: 'serve',
    mode: route?.mode ?? 'main',
    routeId: route?.id ?? ticket.routeId,
    hotline: ticket.hotline,
    greeting: PROMPTS.missedCallback,
    menuId: null,
    skillId: route?.skillId ?? null,
    // Someone the centre already kept waiting goes ahead of new callers.
    priority: (route?.priority ?? 0) + 1,
    repeatCaller: false,
  });

  /**
   * 漏接回拨: the citizen is served again by the route they called, as that hotline (a parallel
   * hotline's caller goes back to its own skill and seats, popping as that hotline), without its
   * menu (they already chose once). Ahead of that route's new callers: the centre already kept them
   * waiting. A route gone or disabled since: the main route's.
   */
  const missedCallbackDecision = async (ticket: TicketRow): Promise<RouteDecision> => {
    const routes = await listRoutes(db);
    const own = ticket.routeId === null ? undefined : routes.find((r) => r.id === ticket.routeId && r.enabled);
    const route = own ?? routes.find((r) => r.mode === 'main' && r.enabled);
    return {
      kind: 'serve',
      mode: route?.mode ?? 'main',
      routeId: route?.id ?? ticket.routeId,
      hotline: own?.name ?? ticket.hotline,
      greeting: PROMPTS.missedCallback,
      menuId: null,
      skillId: route?.skillId ?? null,
      priority: (route?.priority ?? 0) + 1,
      repeatCaller: false,
    };
  };

  const rebuild = async (row: CallRow, ticket: TicketRow, restored: RestoredCall): Promise<InboundCall> => {
    // Both kinds of callback run under the citizen's earlier ticket; the automatic one's row is named so.
    // A call taken back goes on as it ran: turned away if its row says so (`blocked` since the notice
    // started), served otherwise — not judged again by the blacklist as it is after the restart.
    const decision: RouteDecision = !row.linkedId.startsWith('callback-')
      ? row.outcome === 'blocked'
        ? { kind: 'blocked', reason: 'turned away before the restart' }
        : await routeFor(row.dialledNumber, row.callerNumber, clock.now(), false)
      : row.channelName.startsWith(MISSED_CALLBACK_CHANNEL)
        ? await missedCallbackDecision(ticket)
        : clickToCallDecision(ticket, callbackRoute(await listRoutes(db), ticket.routeId));
    const arrived = { linkedId: row.linkedId, channelId: row.channelId, callId: row.id, ticket, route: servingRoute(await listRoutes(db), row.dialledNumber), isNew: false };
    // A call taken back after a restart may be offered at once (it was queued): its history is read now.
    const history = callerHistory(db, log, row.linkedId, row.callerNumber);
    history.start();
    const call = new InboundCall(ctx, queue, arrived, decision, row.callerNumber, row.dialledNumber, history, restored);
    // A call an agent placed pops as one again (外呼 / 回拨) on the desk that reconnects.
    call.outbound = await placedCallOf(db, row, ticket);
    // A caller taken back talking to their agent: that agent's pop said how long they had waited.
    if (restored.state === 'connected' && row.agentId !== null) {
      const waitedMs = await findLatestOfferWait(db, row.linkedId, row.agentId);
      call.poppedWait = waitedMs === undefined ? null : { agentId: row.agentId, waitedMs };
    }
    register(call);
    return call;
  };

  let stopped = false;
  // Per node, on start and after every ARI reconnect: account for what it kept (cti/recovery/reconcile.ts) before new work.
  const reconciled = new Set<string>();
  const reconcileOnce = async (node: string) => {
    if (stopped) return;
    queue.pause();
    try {
      await recovery.during('reconcile', () =>
        reconcileWithPbx({
          ctx,
          queue,
          node,
          firstNode: ari.nodeNames()[0] === node,
          live: () => [...live.values()].filter((call) => nodeOfCall(call) === node),
          holds: (callId) => live.has(callId),
          rebuild,
          admit,
          firstPass: !reconciled.has(node),
          isPending: (channelId) => waiting.some((e) => e.channel.id === channelId),
          placing: (callId) => control.isPlacing(callId),
        }),
      );
      reconciled.add(node);
    } catch (error) {
      log.error({ err: error, node }, 'reconciliation with the PBX failed; taking calls anyway');
    } finally {
      queue.resume();
    }
  };
  const onReconnect = (node: string) => {
    passes++;
    chain = chain
      .then(() => reconcileOnce(node))
      .finally(() => {
        passes--;
        if (passes > 0) return;
        for (const event of waiting.splice(0)) if (!stopped) onStasisStart(event);
      });
  };

  // A node lost for good (several nodes only: with one, its calls wait for it to come back and be reconciled).
  const onNodeLost = (node: string) => {
    for (const call of [...live.values()].filter((c) => nodeOfCall(c) === node)) {
      void noteTicket(ctx, { ticketId: call.summary.ticketId, actor: 'system', kind: 'node-lost', note: nodeLostNote(node) });
      call.finish('system', undefined, { callBack: true }).catch((error: unknown) => log.error({ err: error, callId: call.callId, node }, 'closing a call of a lost node failed'));
    }
    // What the node held is gone with it; a node that comes back is reconciled as on a first start.
    // Its phones are not offered calls until it says again that they are registered.
    agents.forgetNode(node);
    queue.forgetBridges(node);
    reconciled.delete(node);
    ari.forgetNode(node);
  };
  const stopNodeWatch = ari.nodeNames().length > 1 ? watchNodeLoss(ari, deps.nodeLostMs ?? 30_000, onNodeLost, log.child({ part: 'nodes' })) : () => undefined;

  const adoptCallback: AdoptCallback = async (legId, callerNumber, ticket) => {
    // Decided before the row is written: the call is built (and listens to the leg) as soon as the row is there.
    const decision = await missedCallbackDecision(ticket);
    const { call: row } = await recordCallArrival(db, {
      linkedId: legId,
      channelId: legId,
      channelName: `${MISSED_CALLBACK_CHANNEL}${legId}`,
      callerNumber,
      dialledNumber: ticket.dialledNumber,
      routeId: ticket.routeId,
      arrivedAt: clock.now().toISOString(),
      direction: 'outbound',
      // The node the callback leg was placed on (a later reconciliation looks for it there).
      node: ari.nodeOf(legId) ?? null,
    });
    // Read as the callback's greeting starts (run()), like a new call's.
    const history = callerHistory(db, log, legId, callerNumber);
    const arrived = { linkedId: legId, channelId: legId, callId: row.id, ticket, route: undefined, isNew: true };
    const call = new InboundCall(ctx, queue, arrived, decision, callerNumber, ticket.dialledNumber, history);
    register(call);
    void call.run();
  };

  // Click-to-call: the answered citizen joins the call flow as a call in state `offered`, connected next.
  const adoptOutbound: AdoptOutbound = (outbound) => {
    const arrived = { linkedId: outbound.callId, channelId: outbound.callId, callId: outbound.rowId, ticket: outbound.ticket, route: undefined, isNew: true };
    const restored: RestoredCall = { state: 'offered', arrivedAtMs: outbound.arrivedAtMs, queuedAtMs: null, ivrSteps: [] };
    // The history click-to-call read while the agent's phone rang (its pop already used it): kept for a later offer (a transfer).
    const call = new InboundCall(ctx, queue, arrived, clickToCallDecision(outbound.ticket, outbound.route), outbound.number, outbound.number, outbound.history, restored);
    call.outbound = { missedCallId: outbound.missedCallId };
    register(call);
    return call;
  };

  const control = new CallControl(ctx, (callId) => live.get(callId), adoptOutbound);
  ari.on('event', onEvent);
  ari.on('connected', onReconnect);
  return {
    ready,
    adoptCallback,
    context: ctx,
    bus,
    control,
    monitoring: new Monitoring(ctx, (agentId) => [...live.values()].find((c) => c.agentId === agentId)),
    agents,
    queue,
    recovery,
    call: (callId) => live.get(callId),
    calls: () => [...live.values()],
    nodes: () => {
      const counts = new Map<string, number>();
      // Calls in progress: one over (its caller perhaps still in the post-call survey) is not counted.
      for (const call of live.values()) if (!call.hasEnded) counts.set(nodeOfCall(call), (counts.get(nodeOfCall(call)) ?? 0) + 1);
      return deps.nodes.map((n) => ({ name: n.name, ami: n.ami.isConnected, ari: n.ari.isConnected, calls: counts.get(n.name) ?? 0 }));
    },
    releasePbxResources: () => queue.releaseIdleBridges(),
    settle: () => writes.drainAll(),
    stop() {
      stopped = true;
      ari.off('event', onEvent);
      ari.off('connected', onReconnect);
      for (const stop of stopPresence) stop();
      stopNodeWatch();
      stopFollowingTimings();
      queue.close();
      agents.close();
      router.close();
      // Calls still in the Stasis application stay up on the PBX; their rows stay in progress.
      live.clear();
    },
  };
}
