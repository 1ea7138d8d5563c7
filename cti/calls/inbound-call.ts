/**
 * One citizen's call from arrival to hang-up: greeting, IVR, queue, ringing an agent, talking.
 * Transitions go through the call's state machine (logged, persisted, published as domain events);
 * call control beyond connecting (hold, transfer, three-way) lives in its own files and drives this
 * call through the same machine.
 */
import { isWithheldNumber } from '../../routing/caller-identity.js';
import type { IvrOutcome, IvrStep } from '../../ivr/interpreter.js';
import { CallerHungUp } from '../../ivr/media-port.js';
import { TRANSFER_NUMBER } from '../../ivr/menu-schema.js';
import { PROMPTS } from '../../ivr/prompts.js';
import type { RouteDecision } from '../../routing/route-decision.js';
import {
  appendTicketEvent,
  closeMissedCallsGotThrough,
  listSkills,
  markCallBlocked,
  setTicketAgent,
  setTicketRecording,
  type CallOutcome,
} from '../../store/index.js';
import { noteTicket, writeTicket } from '../tickets/ticket-notes.js';
import type { AriEvent } from '../ari/ari-types.js';
import type { CallSummary, DomainEvent } from '../events/domain-events.js';
import { AriMediaPort } from '../media/ari-media-port.js';
import type { CallQueue, QueueMember, QueuePlace } from '../queue/call-queue.js';
import type { ArrivedCall } from '../stasis/inbound-arrival.js';
import type { CallContext } from './call-context.js';
import type { CallerHistory } from './caller-history.js';
import { BLOCKED_TICKET_NOTE, callEnd } from './call-end.js';
import { crossingLineFailed } from './line-failure.js';
import { loadMenus } from './call-menu.js';
import { CallerHold } from './caller-hold.js';
import { runPostCallSurvey } from './post-call-survey.js';
import { alertIfIvrEmergency, trunkDial } from './transfer-target.js';
import { CallStateMachine, type CallState, type CallTrigger } from './call-state-machine.js';
import { afterUnansweredRing, releaseFromCall, ringLeg, ringSaysNothing, withdrawalReason, type RingingLeg } from './ring-leg.js';
import type { CallFlow, FlowStopReason } from './call-flow.js';

/** Where a call rebuilt after a server restart stands (from its row and what the PBX still has). */
export interface RestoredCall {
  state: CallState;
  arrivedAtMs: number;
  queuedAtMs: number | null;
  ivrSteps: IvrStep[];
  /** When an agent first answered (the row's answer time), if one did: a caller put back in line after it stays answered. */
  answeredAtMs?: number | null;
  /**
   * When the caller's present wait in line began (the row's `waiting_since`), if it is not their
   * place in line: a caller put back at their old place keeps counting from their return.
   */
  waitingSinceMs?: number | null;
}

type Publishable = DomainEvent extends infer E ? (E extends { call: CallSummary; at: string } ? Omit<E, 'call' | 'at'> : never) : never;

/** The desktop's word for where the caller went when the line to the agent's node failed. */
export const AGENT_LINE_LOST_TARGET = '重新排队';
export const AGENT_LINE_LOST_NOTE = '坐席所在交换节点线路中断，来电人按原排队位置重新排队';

/** Waits before trying again to put a caller in the line after the PBX refused a step. */
const JOIN_RETRY_MS = [1000, 3000] as const;
/**
 * What a caller put back in line hears first, when they were taken out of a conversation or a
 * transfer: 转接未成功 (a transfer did not go through) or 通话意外中断 (the line to the agent failed).
 */
type BackInLineNotice = typeof PROMPTS.transferFailed | typeof PROMPTS.callInterrupted;

export class InboundCall implements QueueMember {
  readonly callId: string;
  /** The call row's id. */
  private readonly rowId: number;
  readonly channelId: string;
  readonly summary: CallSummary;
  private readonly machine: CallStateMachine;
  private readonly port: AriMediaPort;
  private readonly arrivedAt: number;
  /** When the call arrived (epoch ms), for the wallboard. */
  get arrivedAtMs(): number {
    return this.arrivedAt;
  }
  private ivrSteps: IvrStep[] = [];
  /** Choices made in the menus that the call row does not have yet (written as the IVR ends, or with the call's end). */
  private ivrStepsUnsaved = false;
  private queuedAt: number | null = null;
  /**
   * When the caller's present wait in line began (epoch ms): their place in line (`queuedAt`), or, for
   * one put back in line at their old place (the line to their agent lost), the moment they were back
   * — the notice they hear first included. The pop's 排队等待 counts from here: a conversation with an
   * earlier agent is no waiting. Written with the place in line (`calls.waiting_since`), so that a
   * restarted server that takes the caller back in line counts from the same moment.
   */
  private waitingSince: number | null = null;
  private ringing: RingingLeg | null = null;
  /**
   * The agent whose phone rings for the call now, and why the ring was taken back from them, if it
   * was: they refused it from the desktop (拒接), or logged out (退出登录).
   */
  offeredTo: number | null = null;
  private withdrawnBy: 'rejected' | 'logged-out' | null = null;
  /** When an agent first answered (epoch ms): the talk time runs from here through holds and consultations. */
  answeredAtMs: number | null = null;
  /** The agent on the call (after answer) and the agent's leg and the call's mixing bridge. */
  agentId: number | null = null;
  agentLegId: string | null = null;
  bridgeId: string | null = null;
  private ended = false;
  private endedByParty: 'caller' | 'agent' | 'system' | null = null;
  /** Set once the caller was handed to someone outside the agent team (KPIs count it as transferred). */
  transferredTo: string | null = null;
  /**
   * A call an agent placed (click-to-call: 外呼, or 回拨 of `missedCallId`), as its pop said; null for
   * a citizen's call and the automatic callbacks. A restarted server that takes the call over sets it
   * from what it finds, so the desk's pop comes back as it was (agent-ws/agent-gateway.ts, `hello`).
   */
  outbound: { missedCallId: number | null } | null = null;
  /**
   * After a restart that took the call over: the 排队等待 (ms) of the pop that the call's agent got as
   * their phone rang for it (the ring they took, `call_offers`), so that their desk shows it again
   * (`hello`). The row cannot tell it: `wait_ms` runs to the first answer (the ring included), and a
   * caller answered again waited last from `waiting_since` to a ring it does not keep. Null when that
   * ring is not on record.
   */
  poppedWait: { agentId: number; waitedMs: number } | null = null;
  private detachLeg: (() => void) | null = null;
  private readonly stopListening: () => void;
  private readonly onEnd = new Set<() => void>();
  /** Flows running on the call's behalf (transfers, three-way calls): the call's end stops them. */
  private readonly flows = new Set<CallFlow>();
  /** Agents told of the end though not on the call (oweEndTo). */
  private readonly endOwedTo = new Set<number>();
  /** Hold, consultation and three-way set-up keep the caller apart with music through this. */
  readonly callerHold: CallerHold;

  constructor(
    private readonly ctx: CallContext,
    private readonly queue: CallQueue,
    arrived: ArrivedCall,
    private readonly decision: RouteDecision,
    callerNumber: string,
    dialledNumber: string,
    /** The caller's recent tickets for the screen-pop; a new call starts the read as its greeting starts. */
    history: CallerHistory,
    restored?: RestoredCall,
  ) {
    this.arrivedAt = restored?.arrivedAtMs ?? ctx.clock.now().getTime();
    this.queuedAt = restored?.queuedAtMs ?? null;
    this.waitingSince = restored?.waitingSinceMs ?? null;
    this.answeredAtMs = restored?.answeredAtMs ?? null;
    this.ivrSteps = restored?.ivrSteps ?? [];
    this.callId = arrived.linkedId;
    this.rowId = arrived.callId;
    this.channelId = arrived.channelId;
    this.summary = {
      callId: arrived.linkedId,
      callerNumber,
      dialledNumber,
      hotline: decision.kind === 'serve' ? decision.hotline : (arrived.route?.name ?? dialledNumber),
      // A caller turned away (blacklisted) is still reported under the hotline that serves the number
      // dialled (its ticket's: the main route for a number without one), as the restart pass does.
      mode: decision.kind === 'serve' ? decision.mode : (arrived.route?.mode ?? 'main'),
      ticketId: arrived.ticket.id,
      ticketNumber: arrived.ticket.number,
      history,
    };
    // Every transition is written in the call's order (call-writes.ts); the flow goes on with the state in memory.
    this.machine = new CallStateMachine(
      this.callId,
      ctx.log,
      (state) => ctx.writes.state(this.callId, state),
      restored?.state,
    );
    this.port = new AriMediaPort(ctx.ari, ctx.router, this.channelId, ctx.log);
    this.callerHold = new CallerHold(ctx, this.channelId, () => this.bridgeId);
    this.stopListening = ctx.router.listen(this.channelId, (event) => this.onCallerEvent(event));
  }

  private nowMs(): number {
    return this.ctx.clock.now().getTime();
  }

  get state(): CallState {
    return this.machine.state;
  }

  get ivrChoices(): readonly IvrStep[] {
    return this.ivrSteps;
  }

  /**
   * Registers a flow running on the call's behalf until the returned function is called; if the call
   * ends first, the flow is cancelled at once (`call-ended`).
   */
  runFlow(flow: CallFlow): () => void {
    if (this.ended) {
      this.stopFlow(flow, 'call-ended');
      return () => undefined;
    }
    this.flows.add(flow);
    return () => this.flows.delete(flow);
  }

  /**
   * `agentId` hears of the call's end (`call.ended`, once the row is ended, with its outcome) though
   * not on it: a colleague who joined a three-way call, an agent who hung up during a consultation.
   */
  oweEndTo(agentId: number): void {
    this.endOwedTo.add(agentId);
  }

  /** Stops every flow running on the call (the call ended, the PBX restarted, an error). */
  cancelFlows(reason: FlowStopReason): void {
    for (const flow of [...this.flows]) {
      this.flows.delete(flow);
      this.stopFlow(flow, reason);
    }
  }

  /** Cancels synchronously (a ringing leg is hung up now); a failure is logged, never thrown. */
  private stopFlow(flow: CallFlow, reason: FlowStopReason): void {
    const failed = (error: unknown) => this.ctx.log.error({ err: error, callId: this.callId, reason }, 'stopping a call flow failed');
    try {
      Promise.resolve(flow.cancel(reason)).catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  /**
   * Registers a clean-up to run once when the call ends (e.g. removal from the live-call registry);
   * the returned function takes it back.
   */
  whenEnded(callback: () => void): () => void {
    this.onEnd.add(callback);
    return () => {
      this.onEnd.delete(callback);
    };
  }

  publish(event: Publishable): void {
    this.ctx.bus.publish({ ...event, at: this.ctx.clock.now().toISOString(), call: this.summary });
  }

  fire(trigger: CallTrigger): boolean {
    return this.machine.fire(trigger) !== undefined;
  }

  /**
   * Runs the call from answer to the queue. Never throws: a failure ends in the agent queue or a logged hang-up.
   * `resumed`: a call taken back after a server restart (already announced; one in the menu starts the menu again).
   * `answering`: the answer request, when it was sent before the call was recorded.
   */
  async run(options: { resumed?: boolean; answering?: Promise<void> } = {}): Promise<void> {
    if (!options.resumed) this.publish({ type: 'call.arrived' });
    // Turned away from the start: outside the KPIs and the wallboard's figures while the notice plays too.
    if (this.decision.kind === 'blocked') this.ctx.writes.write(this.callId, 'blocked', (tx) => markCallBlocked(tx, this.callId));
    try {
      await (options.answering ?? this.ctx.ari.answer(this.channelId));
      if (this.decision.kind === 'blocked') {
        await this.port.play([PROMPTS.blockedNotice]);
        await this.hangupCaller('blocked');
        return;
      }
      // A key pressed during the greeting stops it and stays buffered for the menu.
      const greeting = this.machine.state !== 'ivr' ? this.port.play([this.decision.greeting ?? PROMPTS.greeting]) : undefined;
      // The caller's recent tickets are read while the greeting plays: after the answer and the
      // greeting's request, so neither waits for them, and seconds before any agent is offered the call.
      this.summary.history.start();
      if (greeting) await greeting;
      // Over the repeat-call limit (Chongqing art. 26): the warning is its own prompt, heard to the end
      // whatever the caller presses (a key that skipped the greeting must not skip it too).
      if (greeting && this.decision.repeatCaller) await this.port.playThrough([PROMPTS.repeatCallWarning]);
      let outcome: IvrOutcome | null = null;
      if (this.decision.menuId !== null) outcome = await this.runMenu(this.decision.menuId);
      // The IVR is over: a key typed ahead that it did not read (or one in a greeting with no menu
      // after it) answers nothing that follows, least of all the post-call survey's question.
      this.port.discardKeys();
      if (outcome?.kind === 'transfer') {
        await this.transferOut(outcome.target);
        return;
      }
      await this.enqueue(outcome?.skill ?? null);
    } catch (error) {
      if (error instanceof CallerHungUp || this.ended) return;
      this.ctx.log.error({ err: error, callId: this.callId }, 'call flow failed');
      // A caller turned away is not one to serve, notice or no notice: hung up, still `blocked`.
      if (this.decision.kind === 'blocked') {
        await this.hangupCaller('blocked').catch(() => undefined);
        return;
      }
      // Never a dead end: try the general queue once more.
      if (this.machine.state === 'arriving' || this.machine.state === 'ivr') await this.enqueue(null).catch(() => undefined);
    }
  }

  private async runMenu(menuId: number): Promise<IvrOutcome | null> {
    const menu = await loadMenus(this.ctx.db, menuId, this.ctx.log, this.callId);
    if (!menu) return null;
    if (this.machine.state !== 'ivr') this.fire('start-ivr');
    this.publish({ type: 'call.ivr' });
    const defaultSkill = await this.defaultSkillCode();
    // The path is kept as the caller walks it (a call taken back after a restart walks the menu
    // afresh): one who hangs up in a menu has it written with the call's end (finish), an empty path
    // too (in the menus, no choice made; a row never in a menu keeps none).
    this.ivrSteps = [];
    this.ivrStepsUnsaved = true;
    const result = await menu.run(this.port, this.summary.callerNumber, defaultSkill, {
      onStep: (step) => {
        this.ivrSteps.push(step);
        this.ivrStepsUnsaved = true;
      },
    });
    this.ivrSteps = result.steps;
    this.ivrStepsUnsaved = false;
    this.ctx.writes.ivrSteps(this.callId, result.steps);
    return result.outcome;
  }

  private async defaultSkillCode(): Promise<string> {
    const skills = await listSkills(this.ctx.db);
    const decision = this.decision;
    const routeSkill = decision.kind === 'serve' ? skills.find((s) => s.id === decision.skillId) : undefined;
    return routeSkill?.code ?? skills.find((s) => s.code === 'general')?.code ?? skills[0]?.code ?? 'general';
  }

  /** After a server restart: back in line at the caller's original place (already queued, maybe still in the holding bridge). */
  async rejoinQueue(skillCode: string | null, place: QueuePlace): Promise<void> {
    await this.enqueue(skillCode, place);
  }

  /**
   * Into the line under `skillCode` (null: the route's). `notice`: the caller comes back from a
   * transfer that did not go through, or from a line to their agent that failed, and is told so first
   * — after the call is recorded as queued, so that a hang-up during the notice is one in line (a
   * caller never answered goes on the missed-call list) and a server restarted meanwhile puts the
   * caller back in line, not off the line.
   */
  private async enqueue(skillCode: string | null, place?: QueuePlace, since?: number, notice: BackInLineNotice | null = null): Promise<void> {
    if (this.ended) return;
    // At the latest as the caller joins the line (one whose greeting never started: the answer failed).
    this.summary.history.start();
    const skills = await listSkills(this.ctx.db);
    const code = skillCode ?? (await this.defaultSkillCode());
    if (this.ended) return;
    const skill = skills.find((s) => s.code === code) ?? skills.find((s) => s.code === 'general') ?? skills[0];
    if (!skill) {
      this.ctx.log.error({ callId: this.callId }, 'no skill configured: cannot queue the caller');
      await this.port.play([PROMPTS.serviceUnavailable]).catch(() => undefined);
      await this.hangupCaller('failed');
      return;
    }
    // The state and the place in line in one commit (progress: see store/durability.ts).
    const joined = this.ctx.writes.together(this.callId, () => {
      if (place ? this.machine.state !== 'queued' : !this.fire('enqueue')) return false;
      const queuedAt = place?.queuedAtMs ?? since ?? this.nowMs();
      this.queuedAt = queuedAt;
      // Back at an old place after a restart: waiting since what the row says (the restored value).
      this.waitingSince = place ? Math.max(this.waitingSince ?? queuedAt, queuedAt) : since === undefined ? queuedAt : this.nowMs();
      this.ctx.writes.queued(this.callId, { id: skill.id, code: skill.code }, new Date(queuedAt).toISOString(), new Date(this.waitingSince).toISOString());
      return true;
    });
    if (!joined) return;
    if (!place) this.publish({ type: 'call.queued', skill: skill.code, ivrSteps: this.ivrSteps });
    if (notice) {
      // Counted as on the way into the skill's line meanwhile: an admin cannot delete it from under them.
      const arrived = this.queue.expect(skill.id);
      try {
        await this.tellBackInLine(notice);
      } finally {
        arrived();
      }
      if (this.ended) return;
    }
    // A caller back in line after losing their agent keeps their place (not their bridge: they left it).
    const keep = place ?? (since === undefined ? undefined : { queuedAtMs: since, bridgeId: null });
    await this.joinQueue({ id: skill.id, code: skill.code }, this.decision.kind === 'serve' ? this.decision.priority : 0, keep);
  }

  /**
   * Into the line. A step the PBX refused (making the holding bridge, its music, moving the caller in)
   * is tried again after 1 and then 3 s; after that the caller is told the service is unavailable and
   * put on the missed-call list, never left outside the line in silence.
   */
  private async joinQueue(skill: { id: number; code: string }, priority: number, place?: QueuePlace): Promise<void> {
    for (const retryInMs of [...JOIN_RETRY_MS, null]) {
      try {
        await this.queue.join(this, skill, priority, place);
        return;
      } catch (error) {
        if (this.ended) return;
        if (retryInMs === null) {
          this.ctx.log.error({ err: error, callId: this.callId, skill: skill.code }, 'caller could not be put in the queue: told so, and to be called back');
          await this.port.play([PROMPTS.serviceUnavailable]).catch(() => undefined);
          await this.finish('system', undefined, { callBack: true });
          return;
        }
        this.ctx.log.warn({ callId: this.callId, skill: skill.code, retryInMs, err: (error as Error).message }, 'caller not put in the queue; trying again');
        await new Promise((resolve) => setTimeout(resolve, retryInMs));
      }
    }
  }

  /** QueueMember: ring the chosen agent; true when the call is connected to them. */
  async offerTo(agentId: number): Promise<boolean> {
    const agent = this.ctx.agents.get(agentId);
    if (this.ended || !agent?.endpoint || !this.fire('offer')) return false;
    if (!this.ctx.agents.transition(agentId, 'offer', this.callId)) {
      this.fire('no-answer');
      return false;
    }
    const leg = ringLeg(this.ctx, this.summary, agent.endpoint);
    this.ringing = leg;
    this.offeredTo = agentId;
    this.withdrawnBy = null;
    const waitedMs = this.nowMs() - (this.waitingSince ?? this.queuedAt ?? this.arrivedAt);
    void leg.ringing.then(() => {
      if (this.ringing === leg) this.publish({ type: 'call.offered', agentId, ivrSteps: this.ivrSteps, waitedMs });
    });
    const outcome = await leg.outcome;
    this.ringing = null;
    this.offeredTo = null;
    if (outcome === 'answered' && !this.ended) return this.connect(agentId, leg.legId, { calledIn: true });
    if (outcome === 'answered') {
      // The caller left while the agent picked up.
      this.ctx.ari.hangup(leg.legId).catch(() => undefined);
      this.ctx.agents.transition(agentId, 'answer', this.callId);
      this.ctx.agents.transition(agentId, 'call-end', null);
      this.publish({ type: 'call.offer.withdrawn', agentId, reason: 'caller-hung-up' });
      return false;
    }
    if (this.withdrawnBy !== null && !this.ended) {
      // Taken back from the agent, without the missed-ring alert; the caller keeps their place in line
      // and goes on to the next agent. 拒接 from the desktop: like a missed ring for the agent (示忙,
      // so the call is not offered straight back). 退出登录: the registry signed them out as it went.
      this.publish({ type: 'call.offer.withdrawn', agentId, reason: this.withdrawnBy });
      if (this.withdrawnBy === 'rejected') this.ctx.agents.transition(agentId, 'missed', null, '拒接');
      this.fire('no-answer');
      return false;
    }
    if (outcome === 'missed' && (ringSaysNothing(leg.failure) || leg.failure === 'line-lost')) {
      // Nobody missed anything, so no missed-ring alert: Asterisk never answered the request (no phone
      // rang, no pop was shown), the ring's end was lost with the event socket, or the agent's node died
      // while the phone rang. The pop of a ring goes away. afterUnansweredRing leaves the agent ready,
      // or, when their node is lost, not ready with the reason (the phone cannot be reached, so the
      // call must not come straight back). The caller stays in line.
      if (leg.failure !== 'not-placed') this.publish({ type: 'call.offer.withdrawn', agentId, reason: 'not-reached' });
      afterUnansweredRing(this.ctx.agents, agentId, leg.failure);
      if (!this.ended) this.fire('no-answer');
      return false;
    }
    this.publish({ type: 'call.offer.withdrawn', agentId, reason: withdrawalReason(outcome, this.ended) });
    if (outcome === 'missed') {
      afterUnansweredRing(this.ctx.agents, agentId, leg.failure);
      this.publish({ type: 'call.missed', agentId });
      this.ctx.bus.publish({ type: 'alert', at: this.ctx.clock.now().toISOString(), kind: 'missed-ring', message: `坐席 ${agent.login} 未接来电`, callId: this.callId, agentId });
    } else {
      // Unless the agent left the call meanwhile (signed out as their ring was withdrawn).
      releaseFromCall(this.ctx.agents, agentId, this.callId);
    }
    if (!this.ended) this.fire('no-answer');
    return false;
  }

  /**
   * Takes the ring back from `agentId` at once (拒接, 退出登录): their phone stops ringing and the call
   * goes on to the next agent. False when the call is not ringing them, or their phone was picked up
   * already (the answer is on its way: the call is theirs).
   */
  withdrawOfferFrom(agentId: number, why: 'rejected' | 'logged-out'): boolean {
    if (this.offeredTo !== agentId || !this.ringing) return false;
    const previous = this.withdrawnBy;
    this.withdrawnBy = why;
    if (this.ringing.cancel()) return true;
    this.withdrawnBy = previous;
    return false;
  }

  /** A call the centre placed (click-to-call): the citizen answered; connect them with the agent already on the line. */
  async connectOutbound(agentId: number, agentLegId: string): Promise<void> {
    await this.connect(agentId, agentLegId, { calledIn: false });
  }

  /**
   * `calledIn`: a caller the centre's queue offered (their own call, or a 漏接回拨 callback whose entry is
   * closed already), not a citizen an agent's 外呼/回拨 reached (its entry is the agent's to close).
   */
  private async connect(agentId: number, legId: string, how: { calledIn: boolean }): Promise<boolean> {
    const agent = this.ctx.agents.get(agentId);
    this.fire('answer');
    this.answeredAtMs ??= this.nowMs();
    this.ctx.agents.transition(agentId, 'answer', this.callId);
    this.attachParty(legId, agentId);
    // The caller may hang up at any of the waits below: their call's end takes down only what it
    // knows of by then, so each wait is followed by a check (connectAbandoned).
    await this.queue.release(this.callId);
    if (this.ended) return this.connectAbandoned(agentId, legId, null);
    const bridge = await this.ctx.ari.createBridge('mixing', `call-${this.callId}`, { near: this.channelId });
    if (this.ended) return this.connectAbandoned(agentId, legId, bridge.id);
    this.bridgeId = bridge.id;
    try {
      await this.ctx.ari.addToBridge(bridge.id, [this.channelId, legId]);
    } catch (error) {
      if (this.ended) return this.connectAbandoned(agentId, legId, bridge.id);
      throw error;
    }
    if (this.ended) return this.connectAbandoned(agentId, legId, bridge.id);
    const recording = await this.ctx.ari
      .recordBridge(bridge.id, `call-${this.summary.ticketNumber}-${this.nowMs()}`)
      .catch((error: unknown) => {
        this.ctx.log.warn({ callId: this.callId, err: (error as Error).message }, 'recording did not start');
        return null;
      });
    if (this.ended) return this.connectAbandoned(agentId, legId, bridge.id);
    const waitMs = this.nowMs() - (this.queuedAt ?? this.arrivedAt);
    // The ticket goes with the recording: a callback's call is under the missed call's ticket, not its own.
    const answeredAt = this.ctx.clock.now();
    this.ctx.writes.together(this.callId, () => {
      this.ctx.writes.answered(this.callId, { agentId, at: answeredAt.toISOString(), waitMs, recording, ticketId: this.summary.ticketId });
      // A withheld number (`anonymous`) is every withheld caller's: one getting through says nothing of another.
      if (how.calledIn && !isWithheldNumber(this.summary.callerNumber)) this.closeMissedCallOfCaller(answeredAt);
    });
    // On the ticket before the desktop hears of the answer: the agent's form saves to a ticket that is theirs.
    await this.claimTicket(agentId, recording);
    await noteTicket(this.ctx, { ticketId: this.summary.ticketId, actor: agent?.login ?? String(agentId), kind: 'answered', note: '坐席接听' });
    // The row names its agent before anyone hears of the answer: a server that takes the calls over
    // after a crash keeps this caller with this agent (a row `connected` without its agent would be
    // taken for a caller left alone, and put back in line).
    await this.ctx.writes.drain(this.callId);
    // Ended meanwhile: the desktop has heard of the end already and must not hear of an answer after it.
    if (this.ended) return this.connectAbandoned(agentId, legId, bridge.id);
    this.publish({ type: 'call.answered', agentId, recording });
    return true;
  }

  /**
   * The citizen got through to an agent: the callback of a call they gave up on earlier (漏接回拨) is
   * no longer needed, so their number's pending entry is closed (`got-through`), with a line in that
   * call's ticket, in one commit with the answer.
   */
  private closeMissedCallOfCaller(answeredAt: Date): void {
    this.ctx.writes.write(this.callId, 'missed call got through', async (tx) => {
      for (const entry of await closeMissedCallsGotThrough(tx, this.summary.callerNumber, answeredAt.toISOString())) {
        if (entry.ticketId === null) continue;
        await appendTicketEvent(tx, { ticketId: entry.ticketId, actor: 'system', kind: 'callback-cancelled', note: `来电人再次来电已由坐席接听（工单 ${this.summary.ticketNumber}），无需漏接回拨`, at: answeredAt });
      }
    });
  }

  /**
   * The caller hung up while the agent's pick-up was being connected. The call's end may have run
   * before the bridge existed (or before it was known), so what connecting made is taken down here —
   * the bridge (else a `call-<id>` bridge is left on the PBX), the agent's leg — and the agent is
   * freed from the call as on any end (to wrap-up), unless the end did it already. Never throws.
   */
  private async connectAbandoned(agentId: number, legId: string, bridgeId: string | null): Promise<false> {
    this.ctx.log.info({ callId: this.callId, agentId }, 'caller gone as the agent picked up: the connection is taken down');
    if (bridgeId !== null) await this.ctx.ari.destroyBridge(bridgeId).catch(() => undefined);
    await this.ctx.ari.hangup(legId).catch(() => undefined);
    releaseFromCall(this.ctx.agents, agentId, this.callId);
    return false;
  }

  /**
   * The ticket names the answering agent (and the recording), in turn with the ticket's other writes.
   * A database that refuses it must not keep the answer from the desktop (caller and agent are talking
   * already): the write is kept and tried again until it is taken (ticket-notes.ts).
   */
  private claimTicket(agentId: number, recording: string | null): Promise<void> {
    const ticketId = this.summary.ticketId;
    return writeTicket(this.ctx, ticketId, 'answered-by', async () => {
      if (recording) await setTicketRecording(this.ctx.db, ticketId, recording);
      await setTicketAgent(this.ctx.db, ticketId, agentId);
    });
  }

  /**
   * A colleague became the caller's party (a transfer to them, or the first agent left a three-way
   * call with them): the ticket is theirs from now on, to read, fill and register, and its history
   * says so. Through the same write path as the answer's claim, so it is kept the same way; the flow
   * waits for it before the colleague's desktop is told. Never rejects.
   */
  async handTicketTo(agentId: number): Promise<void> {
    const ticketId = this.summary.ticketId;
    const login = this.ctx.agents.get(agentId)?.login ?? String(agentId);
    const handed = writeTicket(this.ctx, ticketId, 'handed-over', () => setTicketAgent(this.ctx.db, ticketId, agentId));
    const noted = noteTicket(this.ctx, { ticketId, actor: login, kind: 'handed-over', note: `工单转交坐席 ${login}` });
    await Promise.all([handed, noted]);
  }

  /**
   * Makes `legId` the caller's other party (an agent's leg, or an outside leg when `agentId` is null):
   * its hang-up ends the call. Call-control flows detach it while they move legs around.
   */
  attachParty(legId: string, agentId: number | null): void {
    this.detachParty();
    this.agentLegId = legId;
    this.agentId = agentId;
    this.detachLeg = this.ctx.router.listen(legId, (event) => {
      if (event.type !== 'StasisEnd' && event.type !== 'ChannelHangupRequest') return;
      // Talking or on hold alike: the caller did nothing, so they wait again rather than lose the call.
      if (agentId !== null && (this.machine.state === 'connected' || this.machine.state === 'held') && crossingLineFailed(event)) {
        this.agentLineLost(agentId).catch((error: unknown) => this.ctx.log.error({ err: error, callId: this.callId }, 'putting the caller back in line failed'));
        return;
      }
      this.endSafely('agent');
    });
  }

  /** Stops treating the current party leg's hang-up as the end of the call. */
  detachParty(): void {
    this.detachLeg?.();
    this.detachLeg = null;
  }

  /**
   * The agent was on another node and the trunk to it failed (that node died): nobody hung up. The
   * agent is freed, and the caller waits again at their old place in line.
   */
  private async agentLineLost(agentId: number): Promise<void> {
    const since = this.queuedAt ?? this.nowMs();
    this.detachParty();
    // A three-way call ringing its third party for the agent is over with the agent's line: the ring
    // stops now (a colleague rung is ready again), rather than being answered into a call that moved on.
    this.cancelFlows('line-lost');
    this.ctx.log.warn({ callId: this.callId, agentId }, "the line to the agent's node failed: the caller goes back in line");
    if (this.ctx.agents.get(agentId)?.callId === this.callId) this.ctx.agents.release(agentId);
    this.publish({ type: 'call.transferred', fromAgentId: agentId, target: AGENT_LINE_LOST_TARGET, mode: 'blind', lineLost: true });
    void noteTicket(this.ctx, { ticketId: this.summary.ticketId, actor: 'system', kind: 'agent-line-lost', note: AGENT_LINE_LOST_NOTE });
    await this.requeue(null, since, PROMPTS.callInterrupted);
  }

  /**
   * Puts the caller back in line (after a blind transfer to a skill, or a transfer nobody answered); `since` keeps an old place.
   * `notice`: what the caller is told before the queue's music.
   */
  async requeue(skillCode: string | null, since?: number, notice: BackInLineNotice | null = null): Promise<void> {
    this.detachParty();
    this.agentId = null;
    this.agentLegId = null;
    // The queue's holding bridge plays its own music.
    await this.callerHold.stopMusic();
    if (this.bridgeId) {
      const bridge = this.bridgeId;
      this.bridgeId = null;
      await this.ctx.ari.destroyBridge(bridge).catch(() => undefined);
    }
    await this.enqueue(skillCode, undefined, since, notice);
  }

  /**
   * 转接未成功 / 通话意外中断: without a word the caller would go from the ring music (or their
   * conversation) straight into the queue's music and think themselves forgotten. Heard to the end (a
   * key pressed while talking must not skip it). Never throws: a notice that cannot be played only
   * logs, and the caller goes on into the line; one who hangs up during it is ended by their hang-up
   * (enqueue then stops).
   */
  private async tellBackInLine(notice: BackInLineNotice): Promise<void> {
    if (this.ended) return;
    try {
      await this.port.playThrough([notice]);
    } catch (error) {
      if (error instanceof CallerHungUp || this.ended) return;
      this.ctx.log.warn({ callId: this.callId, notice, err: (error as Error).message }, 'back-in-line notice not played; the caller goes back in line all the same');
    }
  }

  /** The agent leg ringing for this call now, if any. */
  get offeredLegId(): string | null {
    return this.ringing?.legId ?? null;
  }

  /** Takes back the ring (its outcome was lost while the ARI socket was away): the caller waits on in line. */
  withdrawOffer(): void {
    this.ringing?.cancel();
  }

  /** After the ARI socket came back: catches up with a prompt that ended while nobody listened. */
  async recheckMedia(): Promise<void> {
    await this.port.recheck();
  }

  get hasEnded(): boolean {
    return this.ended;
  }

  /** Who ended the call, once it ended: flows stopped by the end say so (the agent hanging up is not the caller). */
  get endedBy(): 'caller' | 'agent' | 'system' | null {
    return this.endedByParty;
  }

  /**
   * IVR transfer to an outside number (a sub-centre, a department line): the caller is bridged with it
   * and leaves our hands. A plain number is dialled on the carrier trunk, a dial string as it is.
   * While it rings the caller hears music, as on an agent's blind transfer (silence is taken for a
   * dropped line); the music stops once they are bridged, or they go to the queue and its music. The
   * ring is the call's like an agent's: the caller hanging up (or the call lost) hangs it up, and a
   * line picked up as the caller went is hung up, never left in the application with nobody. An
   * emergency line alerts the supervisors at once, as an agent's transfer to it does.
   */
  private async transferOut(target: string): Promise<void> {
    if (this.ended) return;
    alertIfIvrEmergency(this.ctx, this.summary, target);
    const ringingSince = this.nowMs();
    const leg = ringLeg(this.ctx, this.summary, TRANSFER_NUMBER.test(target) ? trunkDial(target) : target, 'consult');
    const stopTracking = this.runFlow({
      cancel: () => {
        leg.cancel();
      },
    });
    // The call's end cancels the ring while it rings; after that the outcome decides.
    const settled = leg.outcome.finally(stopTracking);
    // Music or not, the line rings on: a refused music request is no reason to drop the transfer.
    await this.callerHold.hold().catch((error: unknown) => {
      if (!this.ended) this.ctx.log.warn({ callId: this.callId, err: (error as Error).message }, 'no music for the caller while the transfer rings');
    });
    const outcome = await settled;
    if (this.ended) {
      if (outcome === 'answered') await this.ctx.ari.hangup(leg.legId).catch(() => undefined);
      return;
    }
    if (outcome !== 'answered') {
      this.ctx.log.warn({ callId: this.callId, target, failure: leg.failure }, 'transfer target did not answer; caller goes to the queue');
      await this.callerHold.stopMusic();
      await this.enqueue(null, undefined, undefined, PROMPTS.transferFailed);
      return;
    }
    // From here the line is the caller's other party: either hanging up ends the call, and the call's
    // end hangs up the other.
    this.attachParty(leg.legId, null);
    // Served once the line picked up: a caller who hangs up while the two are being bridged was put
    // through (转出), not lost. The row gets its answer time like an agent's answer (no agent), so the
    // KPIs and the wallboard count the call answered, not 其他未接通; its wait is the ring the caller
    // waited through on hold (as a queued caller's is the queue and the ring), not the menus they
    // walked. One commit with the transition.
    this.ctx.writes.together(this.callId, () => {
      this.fire('transfer-out');
      this.ctx.writes.answered(this.callId, { agentId: null, at: this.ctx.clock.now().toISOString(), waitMs: this.nowMs() - ringingSince, recording: null });
    });
    this.transferredTo = target;
    void noteTicket(this.ctx, { ticketId: this.summary.ticketId, actor: 'ivr', kind: 'transferred', note: `转接 ${target}` });
    this.publish({ type: 'call.transferred', fromAgentId: null, target, mode: 'blind' });
    const bridge = await this.ctx.ari.createBridge('mixing', `transfer-${this.callId}`, { near: this.channelId });
    if (this.ended) {
      // The call ended while the bridge was made: its end could not take the bridge down.
      await this.ctx.ari.destroyBridge(bridge.id).catch(() => undefined);
      return;
    }
    this.bridgeId = bridge.id;
    await this.ctx.ari.addToBridge(bridge.id, [this.channelId, leg.legId]);
    // In the bridge first: the music covers the instant before the line is heard.
    await this.callerHold.stopMusic();
  }

  private onCallerEvent(event: AriEvent): void {
    if (event.type === 'StasisEnd' || event.type === 'ChannelHangupRequest') this.endSafely('caller');
  }

  private endSafely(by: 'caller' | 'agent'): void {
    this.finish(by).catch((error: unknown) => this.ctx.log.error({ err: error, callId: this.callId }, 'ending the call failed'));
  }

  private async hangupCaller(outcome: CallOutcome): Promise<void> {
    await this.finish('system', outcome);
  }

  /**
   * Ends the call once, whoever hung up: legs, bridge, agent, rows, event. `callBack`: the PBX lost
   * the caller (gone while the event socket was away, e.g. Asterisk restarted), so an unanswered
   * caller goes on the missed-call list even if they never reached the queue (the centre cut them off).
   */
  async finish(by: 'caller' | 'agent' | 'system', forcedOutcome?: CallOutcome, options: { callBack?: boolean } = {}): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.endedByParty = by;
    const stateAtEnd = this.machine.state;
    // Only an agent still on the call hears of its end: one who let it go (a blind transfer whose
    // colleague still rings) was told by call.transferred, and may be on another call by now.
    const agentOnCall = this.agentId !== null && this.ctx.agents.get(this.agentId)?.callId === this.callId ? this.agentId : null;
    this.queue.leave(this.callId);
    this.ringing?.cancel();
    this.cancelFlows('call-ended');
    this.stopListening();
    // 好差评: when the agent hangs up first on a call they answered, the caller stays for the survey.
    const survey = by === 'agent' && this.agentId !== null && this.transferredTo === null && (stateAtEnd === 'connected' || stateAtEnd === 'held');
    this.detachParty();
    // Answered at any time: a caller an agent answered and then put back in line (a transfer to a
    // skill, a refused hand-over, the agent's line lost) who hangs up while waiting again was served,
    // so the call ends `answered` with its first answer's wait, not `abandoned`, and is not put on
    // the missed-call list — 漏接回拨 is for callers the centre never answered, and the KPIs count
    // such a call answered and never also abandoned (README, KPIs; reconcile.ts closes it so too).
    const answered = this.agentId !== null || this.transferredTo !== null || this.answeredAtMs !== null;
    const waitMs = this.queuedAt === null ? 0 : this.nowMs() - this.queuedAt;
    // The outcome and the callback list: one rule with the restart pass's (call-end.ts). A blacklisted
    // caller is turned away (`blocked`), also when they hang up during the notice; one answered and put
    // back in line has no agent and no outside line any more.
    const { outcome, callBack: unserved } = callEnd(
      {
        blocked: this.decision.kind === 'blocked',
        transferred: this.transferredTo !== null,
        answered,
        backInLine: answered && this.agentId === null && this.transferredTo === null,
        queued: this.queuedAt !== null,
        cutOff: options.callBack === true,
      },
      forcedOutcome,
    );
    // The last transition, the call's end, a missed-call entry and the IVR path of a caller who hung
    // up in the menus (where callers give up) in one commit.
    const end = { outcome, hangupCause: null, at: this.ctx.clock.now().toISOString(), ...(answered ? {} : { waitMs }) };
    // The ticket opened as the harasser arrived stays as it was (nobody takes or registers it; not 已办结,
    // which would put it in the survey callbacks): its history says why.
    if (outcome === 'blocked') void noteTicket(this.ctx, { ticketId: this.summary.ticketId, actor: 'system', kind: 'blocked', note: BLOCKED_TICKET_NOTE });
    const missed = unserved ? { callRowId: this.rowId, callerNumber: this.summary.callerNumber, dialledNumber: this.summary.dialledNumber, waitMs, ticketId: this.summary.ticketId } : null;
    this.ctx.writes.together(this.callId, () => {
      if (this.ivrStepsUnsaved) this.ctx.writes.ivrSteps(this.callId, this.ivrSteps);
      this.ivrStepsUnsaved = false;
      this.fire('hangup');
      this.ctx.writes.end(this.callId, 'ended', end, missed);
    });
    try {
      // The row is ended (and the caller on the callback list) before anyone hears of the end.
      await this.ctx.writes.drain(this.callId);
      // Only while the agent is still on this call (one who left it in a transfer may be on another by now).
      if (this.agentId !== null && stateAtEnd !== 'ended' && this.ctx.agents.get(this.agentId)?.callId === this.callId) {
        this.ctx.agents.transition(this.agentId, 'call-end', null);
      }
      if (this.bridgeId) await this.ctx.ari.destroyBridge(this.bridgeId).catch(() => undefined);
      if (by !== 'caller') await this.callerHold.stopMusic();
      this.publish({ type: 'call.ended', agentId: agentOnCall, outcome });
      for (const agentId of this.endOwedTo) if (agentId !== agentOnCall) this.publish({ type: 'call.ended', agentId, outcome });
      if (survey) await runPostCallSurvey({ port: this.port, db: this.ctx.db, log: this.ctx.log }, { callId: this.callId, ticketId: this.summary.ticketId });
    } finally {
      // Whatever failed above, the caller is released and the call leaves the live calls: never a
      // caller kept in silence, nor a dead call shown to a desktop that reconnects.
      this.port.close();
      const legs = [by !== 'caller' ? this.channelId : null, by !== 'agent' ? this.agentLegId : null].filter((l): l is string => l !== null);
      for (const leg of legs) await this.ctx.ari.hangup(leg).catch(() => undefined);
      for (const callback of this.onEnd) callback();
      this.onEnd.clear();
    }
  }
}
