/**
 * Reconciliation with the PBX, on start and after every ARI reconnect, before new calls are taken.
 *
 * Asterisk keeps the channels that were in the Stasis application when the server's WebSocket went
 * away (they sit in silence, their events resume when the app connects again), and keeps the bridges
 * the app made. This pass lists what the PBX still has (GET /channels, GET /bridges) and compares it
 * with the call rows not yet ended and the calls this process holds:
 *
 * - caller gone: the row is closed (answered if an agent had it, blocked if it says the caller was
 *   turned away as blacklisted, else abandoned, and then on the missed-call list: cti/calls/call-end.ts);
 *   the call's leftover legs are hung up, its bridges destroyed, its recording stopped;
 * - caller in a queue's holding bridge (or the row says queued/offered): back in line at the original
 *   place (`calls.queued_at`), waiting since `calls.waiting_since` (one put back at their old place
 *   waits since their return, not since their place), any ringing or unbridged agent leg of the offer hung up;
 * - caller in greeting or IVR: the flow is taken up again (the menu starts over; an IVR transfer's
 *   ring is hung up);
 * - caller with their agent's leg (`agent-…`), or with the colleague the call was handed to (a
 *   transfer's `consult-…` leg up in the caller's bridge, on an agent's phone; the row names that
 *   colleague since the hand-over): connected again in the `call-<id>` bridge, the agent is on that
 *   call, the recording keeps running. A consultation or three-way call is undone the simple way:
 *   caller and agent together again, consult/third legs hung up; a held caller is back in the bridge;
 * - caller with only an outside party (a completed transfer, the IVR's sub-centre transfer): kept;
 * - caller alone: back to the queue if a transfer was on its way, else the agent hung up while the
 *   server was away (the caller gets the satisfaction survey, as after any agent hang-up);
 * - whichever of these: music on the caller's own channel (a hold, a consultation, a ringing transfer)
 *   is stopped, and the call's rings the old process left open (`call_offers`) are closed `not-reached`;
 * - on the first pass of a process, whatever is ours and nobody holds any more (legs, snoops,
 *   monitoring, click-to-call and empty duplicate holding bridges) is hung up or destroyed;
 * - a citizen's channel in the application with no row (the server died before recording it) is
 *   admitted like a new arrival;
 * - a click-to-call whose citizen had not answered: left to its attempt when this process is still
 *   placing it; after a restart (the attempt died with the old process) its legs are hung up and its
 *   row ends `failed`: nobody called the centre, so it is no missed call;
 * - a caller outside the application (handed to the dialplan's survival path): left to the outage import.
 *
 * Calls already held by this process (an ARI-only reconnect) are kept as they are unless their caller
 * or their agent's leg is gone.
 */
import {
  endOpenOffersOfCall,
  findAgentByEndpoint,
  findTicketByCallKey,
  findTicketByNumber,
  findTicketOfMissedCall,
  findPendingMissedCallOf,
  listOpenCalls,
  listRoutes,
  listSkills,
  type CallRow,
  type TicketRow,
} from '../../store/index.js';
import { PROMPTS } from '../../ivr/prompts.js';
import type { IvrStep } from '../../ivr/interpreter.js';
import { AriError, type AriBridge, type AriChannel } from '../ari/ari-types.js';
import { internodeEndpoint } from '../nodes/pbx-ari.js';
import type { CallContext } from '../calls/call-context.js';
import { CallerHistory } from '../calls/caller-history.js';
import { BLOCKED_TICKET_NOTE, callEnd } from '../calls/call-end.js';
import { isDiallingRow } from '../calls/click-to-call.js';
import type { CallState } from '../calls/call-state-machine.js';
import type { InboundCall, RestoredCall } from '../calls/inbound-call.js';
import { maskNumber } from '../logging.js';
import type { CallQueue } from '../queue/call-queue.js';
import { noteTicket } from '../tickets/ticket-notes.js';
import { classifyStasisArgs, OWN_CHANNEL_ROLES } from '../stasis/channel-role.js';

export interface ReconcileDeps {
  ctx: CallContext;
  queue: CallQueue;
  /** The Asterisk node reconciled: its channels, bridges, calls and open rows only. */
  node: string;
  /** The first node of the list: it also takes the open rows that name no node (recorded before nodes were told apart). */
  firstNode: boolean;
  /** The calls this process holds now. */
  live: () => InboundCall[];
  /** Whether this process holds the call now (on any node): one taken up during the pass. */
  holds: (callId: string) => boolean;
  /** Rebuilds the call of an open row under its ticket, registered with the live calls (not running yet). */
  rebuild: (row: CallRow, ticket: TicketRow, restored: RestoredCall) => Promise<InboundCall>;
  /** A citizen's channel in the application that has no row: admit it like a new arrival. */
  admit: (channel: AriChannel, dialledNumber: string) => void;
  /** The first pass of this process: nothing in memory can own a leftover leg or bridge. */
  firstPass: boolean;
  /** A StasisStart for this channel waits to be handled after the pass (it is admitted then, in order). */
  isPending: (channelId: string) => boolean;
  /** A click-to-call this process is still placing (its citizen not answered yet): its row and legs are that attempt's. */
  placing: (callId: string) => boolean;
}

export const RECONCILE_CATEGORIES = [
  'kept',
  'resumed',
  'requeued',
  'reconnected',
  'transferredKept',
  'agentGone',
  'closedAnswered',
  'closedAbandoned',
  'closedLive',
  'outboundEnded',
  'outside',
  'admitted',
  'legsHungUp',
  'snoopsHungUp',
  'bridgesDestroyed',
  'recordingsStopped',
  'ringsClosed',
  'failed',
] as const;
export type ReconcileCategory = (typeof RECONCILE_CATEGORIES)[number];
export type ReconcileCounts = Record<ReconcileCategory, number>;

/** Bridge names the server gives (call-<id>, queue-<skill>, consult-/transfer-/monitor-<id>, click-to-call callback-…). */
const OUR_BRIDGE = /^(call|queue|consult|transfer|monitor|callback)-/;
const OWN_LEG = new RegExp(`^(${OWN_CHANNEL_ROLES.join('|')})-`);
const CALL_STATES_WITH_PARTY: readonly CallState[] = ['connected', 'held', 'transferring', 'consulting', 'conference', 'ended'];

/**
 * `PJSIP/1001-0000002a` → `PJSIP/1001`. A leg over the trunk to another node (`PJSIP/internode-b-…`)
 * does not name the phone: null (the agent's desktop names it again when it logs back in).
 */
function endpointOf(channel: AriChannel): string | null {
  const match = /^(.+)-[0-9a-f]+$/i.exec(channel.name);
  const endpoint = match?.[1] ?? null;
  return endpoint?.startsWith(`PJSIP/${internodeEndpoint('')}`) ? null : endpoint;
}

function parseIvrSteps(value: unknown): IvrStep[] {
  return Array.isArray(value) ? (value as IvrStep[]) : [];
}

class Pass {
  readonly counts = Object.fromEntries(RECONCILE_CATEGORIES.map((c) => [c, 0])) as ReconcileCounts;
  private readonly channels: Map<string, AriChannel>;
  private readonly ourBridges: AriBridge[];
  private readonly bridgeOf = new Map<string, AriBridge>();
  /** Channels and bridges something goes on using. */
  private readonly claimed = new Set<string>();
  private readonly keptBridges = new Set<string>();
  private readonly rebuilt: InboundCall[] = [];

  constructor(
    private readonly deps: ReconcileDeps,
    channels: AriChannel[],
    bridges: AriBridge[],
  ) {
    this.channels = new Map(channels.map((c) => [c.id, c]));
    this.ourBridges = bridges.filter((b) => OUR_BRIDGE.test(b.name));
    for (const bridge of this.ourBridges) for (const id of bridge.channelIds) this.bridgeOf.set(id, bridge);
  }

  private get ctx(): CallContext {
    return this.deps.ctx;
  }

  private decide(callId: string, caller: string, decision: string, extra: object = {}): void {
    this.ctx.log.debug({ callId, caller: maskNumber(caller), decision, ...extra }, `reconcile: ${decision}`);
  }

  /** The arguments a channel runs our Stasis application with (`['12345']`, `['agent', callId]`), or null. */
  private stasisArgs(channel: AriChannel): string[] | null {
    if (channel.dialplan.appName.toLowerCase() !== 'stasis') return null;
    const [app, ...args] = channel.dialplan.appData.split(',');
    return app === this.ctx.settings.app ? args : null;
  }

  /** The server's own legs (agent, consult, snoop, supervisor, callback) belonging to `callId`. */
  private legsOf(callId: string, except: string): AriChannel[] {
    const names = new Set([`call-${callId}`, `consult-${callId}`, `transfer-${callId}`]);
    return [...this.channels.values()].filter((ch) => {
      if (ch.id === except || !OWN_LEG.test(ch.id)) return false;
      const args = this.stasisArgs(ch);
      if (args?.[1] === callId) return true;
      const bridge = this.bridgeOf.get(ch.id);
      return bridge !== undefined && names.has(bridge.name);
    });
  }

  private async hangup(channel: AriChannel, why: string): Promise<void> {
    if (this.claimed.has(channel.id) || !this.channels.has(channel.id)) return;
    this.channels.delete(channel.id);
    await this.ctx.ari.hangup(channel.id).catch(() => undefined);
    if (channel.id.startsWith('snoop-') || channel.name.startsWith('Snoop/')) this.counts.snoopsHungUp++;
    else this.counts.legsHungUp++;
    this.ctx.log.debug({ channelId: channel.id, name: channel.name, why }, 'reconcile: leg hung up');
  }

  private async destroyBridge(bridge: AriBridge, why: string): Promise<void> {
    if (this.keptBridges.has(bridge.id)) return;
    this.keptBridges.add(bridge.id);
    await this.ctx.ari.destroyBridge(bridge.id).catch(() => undefined);
    this.counts.bridgesDestroyed++;
    this.ctx.log.debug({ bridgeId: bridge.id, name: bridge.name, why }, 'reconcile: bridge destroyed');
  }

  private bridgesOfCall(callId: string): AriBridge[] {
    return this.ourBridges.filter((b) => b.name === `call-${callId}` || b.name === `consult-${callId}` || b.name === `transfer-${callId}`);
  }

  /**
   * One holding bridge per skill: the PBX's own if it still has one (the fullest), else a new one later.
   * A bridge is named after the code its skill had when it was made: one whose code no skill has any
   * more (renamed since) is the line of the skill its callers' rows name (the rename rewrote them), so
   * that they wait on in it — unless a call of this process waits in it (an ARI reconnect: the queue
   * knows that bridge by its old code). `rows`: the calls not ended yet, as the pass reads them.
   */
  async adoptHoldingBridges(rows: readonly CallRow[]): Promise<void> {
    const holding = this.ourBridges.filter((b) => b.name.startsWith('queue-') && b.bridgeType === 'holding');
    const codes = new Set((await listSkills(this.ctx.db)).map((s) => s.code));
    // Read before: the node's bridges are forgotten and adopted again with no wait in between.
    this.deps.queue.forgetBridges(this.deps.node);
    const liveChannels = new Set(this.deps.live().map((c) => c.channelId));
    const bySkill = new Map<string, AriBridge>();
    for (const bridge of holding) {
      let skill = bridge.name.slice('queue-'.length);
      if (!codes.has(skill) && !bridge.channelIds.some((id) => liveChannels.has(id))) {
        const inIt = new Set(bridge.channelIds);
        const named = [...new Set(rows.flatMap((r) => (inIt.has(r.channelId) && r.skill !== null && codes.has(r.skill) ? [r.skill] : [])))];
        if (named.length === 1 && named[0] !== undefined) skill = named[0];
      }
      const current = bySkill.get(skill);
      if (!current || bridge.channelIds.length > current.channelIds.length) bySkill.set(skill, bridge);
    }
    for (const [skill, bridge] of bySkill) {
      this.deps.queue.adoptHoldingBridge(this.deps.node, skill, bridge.id);
      this.keptBridges.add(bridge.id);
    }
  }

  /**
   * The skill code a caller taken back waits under. A waiting row's is exact: it names the line the
   * caller last joined, and a rename of that skill rewrote it. The holding bridge's name is the
   * fresher when the row lags (its place in line was still on its way when the process died), but
   * it keeps the code its skill had when it was made: once renamed, another skill may have that
   * code (and share the bridge). A code no skill has falls back to `general` (rejoinQueue).
   */
  private async lineOf(row: CallRow, bridgeCode: string | null, waiting: boolean): Promise<string | null> {
    const codes = new Set((await listSkills(this.ctx.db)).map((s) => s.code));
    if (waiting && row.skill !== null && codes.has(row.skill)) return row.skill;
    if (bridgeCode !== null && codes.has(bridgeCode)) return bridgeCode;
    return row.skill ?? bridgeCode;
  }

  /** A call this process holds (ARI-only reconnect): kept unless its caller or its agent's leg is gone. */
  checkLive(call: InboundCall): void {
    if (!this.channels.has(call.channelId)) {
      this.decide(call.callId, call.summary.callerNumber, 'caller gone while the socket was down: call closed');
      this.counts.closedLive++;
      this.finishLater(call, 'system', { callBack: true });
      return;
    }
    this.claimed.add(call.channelId);
    if (call.bridgeId) this.keptBridges.add(call.bridgeId);
    const talking = call.state === 'connected' || call.state === 'held';
    if (talking && call.agentId !== null && call.agentLegId && !this.channels.has(call.agentLegId)) {
      this.decide(call.callId, call.summary.callerNumber, "agent's leg gone while the socket was down: agent hung up");
      this.counts.agentGone++;
      this.finishLater(call, 'agent');
      return;
    }
    if (call.agentLegId) this.claimed.add(call.agentLegId);
    const offered = call.offeredLegId;
    if (offered) {
      const leg = this.channels.get(offered);
      // Answered or gone while the socket was down: that outcome never arrived, so the ring is taken back.
      if (!leg || leg.state === 'Up') {
        this.decide(call.callId, call.summary.callerNumber, 'ring outcome lost while the socket was down: offer withdrawn', { leg: offered });
        call.withdrawOffer();
      } else this.claimed.add(offered);
    }
    if (call.state === 'arriving' || call.state === 'ivr') {
      call.recheckMedia().catch((error: unknown) => this.ctx.log.debug({ callId: call.callId, err: (error as Error).message }, 'reconcile: prompt not rechecked'));
    }
    this.counts.kept++;
  }

  /** A click-to-call still being placed by this process: its citizen's leg and the agent's are left to it. */
  keepPlacing(row: CallRow): void {
    this.claimed.add(row.channelId);
    for (const leg of this.legsOf(row.linkedId, row.channelId)) this.claimed.add(leg.id);
    this.decide(row.linkedId, row.callerNumber, 'click-to-call still dialling: left to its attempt');
    this.counts.kept++;
  }

  /** An open row no call of this process holds (the server restarted). */
  async checkRow(row: CallRow): Promise<void> {
    if (isDiallingRow(row)) {
      await this.endOutboundAttempt(row);
      return;
    }
    const caller = this.channels.get(row.channelId);
    if (!caller) {
      await this.closeRow(row);
      return;
    }
    if (this.stasisArgs(caller) === null) {
      // Out of the application, in the dialplan: handed to the survival path (its row's close still on
      // its way). Asterisk serves the caller; the outage import completes the row when they hang up.
      this.claimed.add(caller.id);
      this.decide(row.linkedId, row.callerNumber, 'caller outside the application (survival path): left to the outage import');
      this.counts.outside++;
      return;
    }
    const ticket = await this.ticketOf(row, caller);
    if (!ticket) {
      this.decide(row.linkedId, row.callerNumber, 'no ticket for the call: caller released');
      this.channels.delete(caller.id);
      await this.ctx.ari.hangup(caller.id).catch(() => undefined);
      await this.closeRow(row);
      return;
    }
    this.claimed.add(caller.id);
    // Nobody the pass takes back stays on hold: a held caller goes back into the bridge, the others
    // wait in line, walk the menu again or talk. Music that a hold, a consultation or a ringing
    // transfer (an agent's, or the IVR's to an outside line) played on the caller's own channel is
    // stopped here: the rebuilt call cannot know of it, so nothing else would, and it would cover the
    // menu and then the agent — the caller would hear only music.
    await this.ctx.ari.stopMoh(caller.id).catch(() => undefined);
    const bridge = this.bridgeOf.get(caller.id);
    const legs = this.legsOf(row.linkedId, caller.id);
    // An originated leg is Up once its phone answered (Ringing/Down before).
    const answeredAgentLeg = legs.find((l) => l.id.startsWith('agent-') && l.state === 'Up');
    const state = row.state as CallState;
    const restored = (to: CallState): RestoredCall => {
      if (to !== state) this.ctx.writes.state(row.linkedId, to);
      return {
        state: to,
        arrivedAtMs: Date.parse(row.arrivedAt),
        queuedAtMs: row.queuedAt ? Date.parse(row.queuedAt) : null,
        ivrSteps: parseIvrSteps(row.ivrSteps),
        // The first answer (the row keeps it): a caller answered and put back in line before the
        // restart who hangs up waiting was served, not lost (inbound-call.ts, finish).
        answeredAtMs: row.answeredAt ? Date.parse(row.answeredAt) : null,
        // A caller put back in line at their old place (their agent's line lost) waits again since
        // then, not since their place: the next agent's pop counts from here (null: the place).
        waitingSinceMs: row.waitingSince ? Date.parse(row.waitingSince) : null,
      };
    };
    const inHolding = bridge?.name.startsWith('queue-') === true;
    const waiting = state === 'queued' || state === 'offered';

    if (inHolding || (waiting && !answeredAgentLeg)) {
      for (const leg of legs) await this.hangup(leg, 'offer made before the restart');
      await this.endInterruptedRings(row, null);
      const skill = await this.lineOf(row, inHolding && bridge ? bridge.name.slice('queue-'.length) : null, waiting);
      const queuedAtMs = row.queuedAt ? Date.parse(row.queuedAt) : Date.parse(row.arrivedAt);
      const call = await this.deps.rebuild(row, ticket, { ...restored('queued'), queuedAtMs });
      this.rebuilt.push(call);
      this.decide(row.linkedId, row.callerNumber, 'back in line at the original place', { skill, queuedAt: new Date(queuedAtMs).toISOString() });
      this.counts.requeued++;
      await call.rejoinQueue(skill, { queuedAtMs, bridgeId: inHolding && bridge ? bridge.id : null });
      return;
    }
    if ((state === 'arriving' || state === 'ivr') && !bridge) {
      for (const leg of legs) await this.hangup(leg, 'IVR transfer made before the restart');
      await this.endInterruptedRings(row, null);
      const call = await this.deps.rebuild(row, ticket, restored(state));
      this.rebuilt.push(call);
      this.decide(row.linkedId, row.callerNumber, state === 'ivr' ? 'menu taken up again' : 'greeting taken up again');
      this.counts.resumed++;
      void call.run({ resumed: true });
      return;
    }
    if (answeredAgentLeg && row.agentId !== null) {
      await this.reconnect(row, ticket, caller, answeredAgentLeg, legs, restored('connected'));
      return;
    }
    const colleagueLeg = row.agentId !== null && state !== 'ended' ? await this.colleagueLeg(row, legs) : undefined;
    if (colleagueLeg) {
      await this.reconnect(row, ticket, caller, colleagueLeg, legs, restored('connected'));
      return;
    }
    const outside = legs.find((l) => l.id.startsWith('consult-') && l.state === 'Up' && bridge !== undefined && this.bridgeOf.get(l.id)?.id === bridge.id);
    if (outside && bridge && CALL_STATES_WITH_PARTY.includes(state)) {
      for (const leg of legs) if (leg.id !== outside.id) await this.hangup(leg, 'not part of the transferred call');
      await this.endInterruptedRings(row, null);
      this.claimed.add(outside.id);
      this.keptBridges.add(bridge.id);
      const call = await this.deps.rebuild(row, ticket, restored(state === 'ended' ? 'ended' : 'connected'));
      this.rebuilt.push(call);
      call.bridgeId = bridge.id;
      call.attachParty(outside.id, null);
      call.transferredTo = outside.caller.number || outside.connected.number || outside.name;
      this.decide(row.linkedId, row.callerNumber, 'caller stays with the party the call was transferred to', { party: outside.name });
      this.counts.transferredKept++;
      return;
    }
    // The caller is alone: whoever they talked to is gone. A transfer was on its way when the row says
    // so (a blind transfer's ring is no leg of the application's until it is answered, so none is found).
    const transferring = state === 'transferring' || state === 'consulting' || legs.some((l) => l.id.startsWith('consult-'));
    for (const leg of legs) await this.hangup(leg, 'caller alone');
    await this.endInterruptedRings(row, null);
    const callBridge = bridge && bridge.name === `call-${row.linkedId}` ? bridge : undefined;
    if (callBridge) this.keptBridges.add(callBridge.id);
    const call = await this.deps.rebuild(row, ticket, restored(state === 'ended' ? 'ended' : 'connected'));
    this.rebuilt.push(call);
    call.bridgeId = callBridge?.id ?? null;
    if (state !== 'ended' && (transferring || row.agentId === null)) {
      this.decide(row.linkedId, row.callerNumber, 'transfer was on its way: caller back to the queue');
      this.counts.requeued++;
      // Told why: the transfer did not go through (as when its target does not answer), or, with no
      // agent yet on the row (the server went while putting the two together), the call was interrupted.
      await call.requeue(null, undefined, transferring ? PROMPTS.transferFailed : PROMPTS.callInterrupted);
      return;
    }
    this.decide(row.linkedId, row.callerNumber, 'agent hung up while the server was away: call ends as answered');
    this.counts.agentGone++;
    call.agentId = row.agentId;
    this.finishLater(call, state === 'ended' ? 'system' : 'agent');
  }

  /**
   * The leg of a colleague the caller was handed to (a transfer they answered or that was completed
   * to them, a three-way call the agent left), whom the call row names since the hand-over: the
   * transfer's leg (`consult-`), up in the call's bridge (with the caller, or alone while the
   * colleague holds the caller), on an agent's phone. Not a line outside the centre (a department,
   * a sub-centre, 110): the caller stays with that party, no agent's.
   */
  private async colleagueLeg(row: CallRow, legs: AriChannel[]): Promise<AriChannel | undefined> {
    for (const leg of legs) {
      if (!leg.id.startsWith('consult-') || leg.state !== 'Up' || this.bridgeOf.get(leg.id)?.name !== `call-${row.linkedId}`) continue;
      if (await this.onAgentPhone(leg)) return leg;
    }
    return undefined;
  }

  /**
   * The phone an agent is logged in at, or one that is an agent's own (after a restart nobody is
   * logged in yet). A leg crossing the trunk to another node reaches a phone registered there: only
   * agents' phones are dialled across (outside lines go out on the caller's node's own trunk).
   */
  private async onAgentPhone(leg: AriChannel): Promise<boolean> {
    const endpoint = endpointOf(leg);
    if (endpoint === null) return leg.name.startsWith(`PJSIP/${internodeEndpoint('')}`);
    if (this.ctx.agents.byEndpoint(endpoint)) return true;
    return (await findAgentByEndpoint(this.ctx.db, endpoint)) !== undefined;
  }

  /**
   * The call's rings (`call_offers`, the KPIs' 振铃) the process before left open: their legs are hung
   * up by this pass, or ended unseen, so none can be answered any more. Closed `not-reached` (how they
   * ended was not seen) before the call is offered again — left open, they would wait to be counted
   * answered. `talking`: the agent found on the call, whose ring (its answer not yet written) is closed
   * as answered by their being restored on the call.
   */
  private async endInterruptedRings(row: CallRow, talking: number | null): Promise<void> {
    const at = this.ctx.clock.now().toISOString();
    this.counts.ringsClosed += await endOpenOffersOfCall(this.ctx.db, row.linkedId, talking, { at, outcome: 'not-reached' });
  }

  /** Ends a call without holding up the pass (an agent hang-up plays the caller the survey first). */
  private finishLater(call: InboundCall, by: 'caller' | 'agent' | 'system', options: { callBack?: boolean } = {}): void {
    call.finish(by, undefined, options).catch((error: unknown) => this.ctx.log.error({ err: error, callId: call.callId }, 'reconcile: ending the call failed'));
  }

  /**
   * Caller and agent (the row's) together again in the call's bridge, the agent on that call.
   * `agentLeg`: the agent's own leg, or the transfer's leg of the colleague the call was handed to.
   */
  private async reconnect(row: CallRow, ticket: TicketRow, caller: AriChannel, agentLeg: AriChannel, legs: AriChannel[], restored: RestoredCall): Promise<void> {
    const agentId = row.agentId;
    if (agentId === null) return;
    this.claimed.add(agentLeg.id);
    for (const leg of legs) if (leg.id !== agentLeg.id) await this.hangup(leg, 'consultation or three-way call undone');
    await this.endInterruptedRings(row, agentId);
    let bridge = this.ourBridges.find((b) => b.name === `call-${row.linkedId}`);
    if (!bridge) bridge = await this.ctx.ari.createBridge('mixing', `call-${row.linkedId}`, { node: this.deps.node });
    this.keptBridges.add(bridge.id);
    const outside = [caller.id, agentLeg.id].filter((id) => this.bridgeOf.get(id)?.id !== bridge.id);
    if (outside.length > 0) {
      await this.ctx.ari.addToBridge(bridge.id, outside).catch((error: unknown) => {
        // A leg that left since the listing (400 "Channel not found"): the check at the end of the pass
        // (confirmRebuilt) finds it gone and ends the call as its hang-up would have.
        if (!(error instanceof AriError && error.kind === 'not-found')) throw error;
      });
    }
    // (The caller's own music, of a hold or a consultation, was stopped as the pass took them back.)
    await this.ctx.ari.stopBridgeMoh(bridge.id).catch(() => undefined);
    for (const other of this.bridgesOfCall(row.linkedId)) if (other.id !== bridge.id) await this.destroyBridge(other, 'consultation undone');
    const call = await this.deps.rebuild(row, ticket, restored);
    this.rebuilt.push(call);
    call.bridgeId = bridge.id;
    call.attachParty(agentLeg.id, agentId);
    const onCall = this.ctx.agents.restoreOnCall(agentId, endpointOf(agentLeg), call.callId);
    this.decide(row.linkedId, row.callerNumber, 'caller and agent connected again', { agentId, agentOnCall: onCall, recording: row.recording });
    this.counts.reconnected++;
  }

  /**
   * A click-to-call whose citizen had not answered when the process placing it went away: its legs
   * (the citizen's, ringing or picked up into silence, and the agent's) are hung up and the attempt
   * ends `failed`. The agent dials again; a callback of a missed call stays on the list.
   */
  private async endOutboundAttempt(row: CallRow): Promise<void> {
    const citizen = this.channels.get(row.channelId);
    if (citizen) await this.hangup(citizen, 'click-to-call attempt of a process gone');
    for (const leg of this.legsOf(row.linkedId, row.channelId)) await this.hangup(leg, 'click-to-call attempt of a process gone');
    await this.endInterruptedRings(row, null);
    const at = this.ctx.clock.now().toISOString();
    this.ctx.writes.end(row.linkedId, 'click-to-call attempt ended by reconciliation', { outcome: 'failed', hangupCause: null, at }, null);
    await this.ctx.writes.drain(row.linkedId);
    // A 回拨 opened no ticket of its own: it ran under the missed call's. Its citizen's leg names that
    // ticket (`callback,<number>`) once in the application; a leg still ringing names nothing yet, and
    // the missed call is the number's pending entry (a 回拨 marks it done only when the citizen answers).
    let ticket = citizen ? await this.ticketOf(row, citizen) : await findTicketByCallKey(this.ctx.db, row.linkedId);
    if (!ticket) {
      const returned = await findPendingMissedCallOf(this.ctx.db, row.callerNumber);
      if (returned) ticket = await findTicketOfMissedCall(this.ctx.db, returned);
    }
    if (ticket) await noteTicket(this.ctx, { ticketId: ticket.id, actor: 'system', kind: 'outbound-failed', note: '外呼未接通：系统重启，呼叫已中断' });
    this.decide(row.linkedId, row.callerNumber, 'click-to-call of a process gone: legs hung up, attempt failed', { citizenLeg: citizen?.state ?? null });
    this.counts.outboundEnded++;
  }

  /** The caller is gone: the row ends with what it reached; a caller left waiting goes on the callback list. */
  private async closeRow(row: CallRow): Promise<void> {
    const now = this.ctx.clock.now();
    // The row keeps its first answer and its agent after the caller was put back in line.
    const answered = row.agentId !== null || row.answeredAt !== null;
    // When exactly they hung up is unknown: the wait counts up to now.
    const waitMs = row.queuedAt ? Math.max(0, now.getTime() - Date.parse(row.queuedAt)) : 0;
    // The outcome and the callback list: one rule with the call flow's (call-end.ts). Nobody saw them go,
    // so they count as cut off. Blocked is what the row says (`blocked` since the notice started), not
    // the blacklist as it is now: a number taken off it or put on it while the server was away changes
    // nothing of how a call that ran before ends. `ended` with no agent: the IVR put the caller through
    // to an outside line (its answer time is that line's).
    const { outcome, callBack: unserved } = callEnd({
      blocked: row.outcome === 'blocked',
      transferred: row.state === 'ended' && row.agentId === null,
      answered,
      backInLine: answered && (row.state === 'queued' || row.state === 'offered'),
      queued: row.queuedAt !== null,
      cutOff: true,
    });
    const end = { outcome, hangupCause: null, at: now.toISOString(), ...(answered ? {} : { waitMs }) };
    const ticket = await findTicketByCallKey(this.ctx.db, row.linkedId);
    const missed = unserved ? { callRowId: row.id, callerNumber: row.callerNumber, dialledNumber: row.dialledNumber, waitMs, ticketId: ticket?.id ?? null } : null;
    this.ctx.writes.end(row.linkedId, 'closed by reconciliation', end, missed);
    // Closed (and the caller on the callback list) before anything else happens to the call.
    await this.ctx.writes.drain(row.linkedId);
    // A harasser's ticket says why nobody took it, as when the server sees the call end (inbound-call.ts).
    if (ticket && outcome === 'blocked') await noteTicket(this.ctx, { ticketId: ticket.id, actor: 'system', kind: 'blocked', note: BLOCKED_TICKET_NOTE });
    for (const leg of this.legsOf(row.linkedId, row.channelId)) await this.hangup(leg, 'caller gone');
    await this.endInterruptedRings(row, null);
    for (const bridge of this.bridgesOfCall(row.linkedId)) await this.destroyBridge(bridge, 'caller gone');
    if (row.recording && answered) {
      await this.ctx.ari.stopLiveRecording(row.recording).then(
        () => this.counts.recordingsStopped++,
        () => undefined,
      );
    }
    if (ticket) {
      // The call as it ran: the mode of the route its row names (the merged hotline it came in on, or the
      // route a callback ran on), even if that route was disabled since. A call to a number without a
      // route of its own names the main route that served it (stasis/inbound-arrival.ts), and its ticket
      // that route's name. A row that names no route (none enabled then, or its route deleted since: its
      // mode is lost with it) reads as 12345 itself (routing/route-decision.ts): `main`.
      const route = row.routeId === null ? undefined : (await listRoutes(this.ctx.db)).find((r) => r.id === row.routeId);
      this.ctx.bus.publish({
        type: 'call.ended',
        at: now.toISOString(),
        agentId: row.agentId,
        outcome,
        call: {
          callId: row.linkedId,
          callerNumber: row.callerNumber,
          dialledNumber: row.dialledNumber,
          hotline: ticket.hotline,
          mode: route?.mode ?? 'main',
          ticketId: ticket.id,
          ticketNumber: ticket.number,
          history: CallerHistory.none(),
        },
      });
    }
    this.decide(row.linkedId, row.callerNumber, `caller gone: closed ${outcome}`, { state: row.state });
    // A blacklisted caller who hung up during the notice left unanswered too.
    if (outcome === 'abandoned' || outcome === 'blocked') this.counts.closedAbandoned++;
    else this.counts.closedAnswered++;
  }

  private async ticketOf(row: CallRow, caller: AriChannel): Promise<TicketRow | undefined> {
    const own = await findTicketByCallKey(this.ctx.db, row.linkedId);
    if (own) return own;
    // A missed-call callback leg carries the original ticket's number (`callback,<number>`).
    const args = this.stasisArgs(caller);
    return args?.[0] === 'callback' && args[1] ? findTicketByNumber(this.ctx.db, args[1]) : undefined;
  }

  /** Citizens' channels in the application that no row knows: admitted like new arrivals. */
  admitUnknown(known: Set<string>): void {
    for (const channel of this.channels.values()) {
      if (known.has(channel.id) || OWN_LEG.test(channel.id) || this.deps.isPending(channel.id)) continue;
      const args = this.stasisArgs(channel);
      if (!args) continue;
      const role = classifyStasisArgs(args);
      if (role.kind !== 'inbound') continue;
      this.claimed.add(channel.id);
      this.decide(channel.id, channel.caller.number, 'in the application without a row: admitted as a new call');
      this.counts.admitted++;
      this.deps.admit(channel, role.dialledNumber);
    }
  }

  /** First pass only: our legs, snoops and bridges nothing holds any more. */
  async sweepLeftovers(): Promise<void> {
    for (const channel of [...this.channels.values()]) {
      if (this.claimed.has(channel.id)) continue;
      if (OWN_LEG.test(channel.id) || (channel.name.startsWith('Snoop/') && this.stasisArgs(channel) !== null)) await this.hangup(channel, 'nothing holds it');
    }
    for (const bridge of this.ourBridges) {
      if (this.keptBridges.has(bridge.id)) continue;
      // A duplicate holding bridge with callers in it is left alone (they were put back in line elsewhere or are being admitted).
      if (bridge.name.startsWith('queue-') && bridge.channelIds.some((id) => this.claimed.has(id))) continue;
      await this.destroyBridge(bridge, 'nothing holds it');
    }
  }

  /**
   * A caller, or the agent (or party) they were given back to, who left between the listing and the
   * rebuild is noticed now that the call listens: their hang-up event went to nobody.
   */
  async confirmRebuilt(): Promise<void> {
    for (const call of this.rebuilt) {
      if (call.hasEnded) continue;
      if (!(await this.stillThere(call.channelId, call.callId))) {
        this.finishLater(call, 'caller');
        continue;
      }
      const party = call.agentLegId;
      if (party !== null && !(await this.stillThere(party, call.callId))) {
        this.decide(call.callId, call.summary.callerNumber, 'party left during the pass: call ends as after their hang-up', { leg: party });
        this.finishLater(call, 'agent');
      }
    }
  }

  /**
   * Only Asterisk's "not found" says a channel is gone. A request that failed or got no answer says
   * nothing of it: ending the call would leave a caller who is there in silence, the worse of the two
   * mistakes (a call kept for someone who left is the rarer case: they would have had to leave within
   * this pass).
   */
  private async stillThere(channelId: string, callId: string): Promise<boolean> {
    try {
      await this.ctx.ari.getChannel(channelId);
      return true;
    } catch (error) {
      if (error instanceof AriError && error.kind === 'not-found') return false;
      this.ctx.log.warn({ callId, channelId, err: (error as Error).message }, 'reconcile: could not check that a channel is still there; the call is kept');
      return true;
    }
  }
}

/** One reconciliation pass; returns the counts per category (also logged). */
export async function reconcileWithPbx(deps: ReconcileDeps): Promise<ReconcileCounts> {
  const { ctx } = deps;
  const ringsBefore = ctx.rings.mark();
  const [channels, bridges] = await Promise.all([ctx.ari.listChannels(deps.node), ctx.ari.listBridges(deps.node)]);
  const pass = new Pass(deps, channels, bridges);
  // The calls not ended yet, read once: a holding bridge named after a renamed skill is adopted by them,
  // and those of this node the process does not hold are checked one by one below.
  const open = await listOpenCalls(ctx.db);
  await pass.adoptHoldingBridges(open);
  const live = deps.live();
  for (const call of live) pass.checkLive(call);
  // Rings whose end went unheard while the socket was away (a transfer target, a click-to-call, a
  // callback): settled now, not when their safety timer fires.
  ctx.rings.recheck(ringsBefore, (legId) => ctx.ari.nodeOf(legId) === deps.node, channels);
  const liveIds = new Set(live.map((c) => c.callId));
  const ofNode = (row: CallRow) => (row.node === null ? deps.firstNode : row.node === deps.node);
  const rows = open.filter((row) => ofNode(row) && !liveIds.has(row.linkedId));
  for (const row of rows) {
    if (deps.placing(row.linkedId)) {
      pass.keepPlacing(row);
      continue;
    }
    // Taken up by this process while the pass ran (an arrival recorded, a click-to-call answered), or
    // ended with its end still on its way to a database that refused it: not a row to repair.
    if (deps.holds(row.linkedId) || ctx.writes.isRetrying(row.linkedId)) continue;
    // One call that cannot be taken back (Asterisk refused a step) must not leave the others behind it in silence.
    try {
      await pass.checkRow(row);
    } catch (error) {
      ctx.log.error({ err: error, callId: row.linkedId, caller: maskNumber(row.callerNumber) }, 'reconcile: this call could not be taken back; the next pass tries again');
      pass.counts.failed++;
    }
  }
  pass.admitUnknown(new Set([...live.map((c) => c.channelId), ...rows.map((r) => r.channelId)]));
  if (deps.firstPass) await pass.sweepLeftovers();
  await pass.confirmRebuilt();
  ctx.log.info({ ...pass.counts, node: deps.node, firstPass: deps.firstPass, channels: channels.length, bridges: bridges.length }, 'reconciled with the PBX');
  return pass.counts;
}
