/**
 * Three-way call (三方通话) as an explicit state machine: a third party (an agent, expert seat,
 * department contact, sub-centre, emergency line) joins the caller and the agent in the call's bridge.
 * Whoever of the agent and the third party drops, the caller stays with the other — so after an
 * emergency hand-over the caller stays with 110 when the agent leaves. Emergency lines also raise a
 * supervisor alert at once.
 *
 *   ringing ──answered──▶ joined ──agent or third left──▶ ended
 *      ├──not answered──▶ declined   (back to the caller; a target agent who missed goes not ready,
 *      │                              one who refused (拒接) ready)
 *      ├──cancel─────────▶ cancelled  (the agent or an error: back to the caller, target agent ready)
 *      └──call ended─────▶ abandoned  (ring hung up at once, target agent ready)
 *   joined ──call ended──▶ abandoned  (the third party is hung up and released with the call)
 *
 * Every transition is logged and written to the ticket history. The flow is registered on the call
 * from the first ring until it ends, so the call's end stops it through `cancel()`.
 */
import { noteTicket } from '../tickets/ticket-notes.js';
import type { AriEvent } from '../ari/ari-types.js';
import type { CallContext } from './call-context.js';
import { callerBackToAgent, tellHeldIfSo } from './caller-back.js';
import { CallControlError } from './call-control-error.js';
import { FlowMachine, type CallFlow, type FlowStopReason } from './call-flow.js';
import { handCallTo } from './hand-over.js';
import type { InboundCall } from './inbound-call.js';
import { releaseFromCall } from './ring-leg.js';
import { TargetRing } from './target-ring.js';
import { alertIfEmergency, type ResolvedTarget } from './transfer-target.js';
import { callStateLabel } from '../state-labels.js';

export type ConferenceState = 'ringing' | 'joined' | 'declined' | 'cancelled' | 'abandoned' | 'ended';
type ConferenceTrigger = 'answered' | 'not-answered' | 'cancel' | 'call-ended' | 'left';

const TRANSITIONS: Record<ConferenceState, Partial<Record<ConferenceTrigger, ConferenceState>>> = {
  ringing: { answered: 'joined', 'not-answered': 'declined', cancel: 'cancelled', 'call-ended': 'abandoned' },
  joined: { left: 'ended', 'call-ended': 'abandoned' },
  declined: {},
  cancelled: {},
  abandoned: {},
  ended: {},
};

/** The ticket history's line for a ring stopped other than by the call's end. */
const CANCEL_NOTES: Record<Exclude<FlowStopReason, 'call-ended'>, string> = {
  agent: '坐席取消三方通话',
  error: '三方通话失败，回到来电人',
  'line-lost': '坐席所在交换节点线路中断，三方通话取消，来电人重新排队',
};

/** What the agent reads and the ticket history keeps when the call ended while the third party rang, by who ended it. */
const ENDED_TEXT: Record<'caller' | 'agent' | 'system', { error: string; note: string }> = {
  caller: { error: '来电人已挂机', note: '来电人已挂机，三方通话取消' },
  agent: { error: '坐席已挂机，三方通话已取消', note: '坐席已挂机，三方通话取消' },
  system: { error: '通话已结束，三方通话已取消', note: '通话已结束，三方通话取消' },
};

export class Conference implements CallFlow {
  readonly kind = 'conference';
  private readonly machine: FlowMachine<ConferenceState, ConferenceTrigger>;
  private ring: TargetRing | null = null;
  private thirdLeg: string | null = null;
  private readonly unlisten: (() => void)[] = [];
  private unregister: () => void = () => undefined;
  private done = false;
  /** The colleague (an agent target) was told they joined: their desktop shows the call. */
  private colleagueJoined = false;
  /** Why the ring was stopped, once it was. */
  private stoppedBy: FlowStopReason | null = null;

  constructor(
    private readonly ctx: CallContext,
    private readonly call: InboundCall,
    private readonly agentId: number,
    private readonly agentLeg: string,
    private readonly target: ResolvedTarget & { kind: 'phone' },
    private readonly actor: string,
    private readonly onDone: () => void,
  ) {
    this.machine = new FlowMachine(ctx, 'conference', call, actor, 'ringing', TRANSITIONS);
  }

  get current(): ConferenceState {
    return this.machine.current;
  }

  /** The third party's leg once they joined (DTMF to a department's menu goes there). */
  get thirdLegId(): string | null {
    return this.thirdLeg;
  }

  get joined(): boolean {
    return this.current === 'joined';
  }

  /** The third party's ring while it rings (a colleague may refuse it). */
  get ringing(): TargetRing | null {
    return this.current === 'ringing' ? this.ring : null;
  }

  /** Rings the third party; resolves once they joined, rejects when they did not (the caller is back with the agent). */
  async start(): Promise<void> {
    this.unregister = this.call.runFlow(this);
    void noteTicket(this.ctx, { ticketId: this.call.summary.ticketId, actor: this.actor, kind: 'conference', note: `三方通话呼叫 ${this.target.label}` });
    alertIfEmergency(this.ctx, this.call.callId, this.agentId, this.target);
    const ring = new TargetRing(this.ctx, this.call, this.target);
    this.ring = ring;
    // While the third party rings, the caller waits with music and hears nothing of the agent.
    await this.call.callerHold.hold().catch((error: unknown) => this.failed(error));
    const outcome = await ring.outcome;
    if (this.current !== 'ringing') {
      // Stopped meanwhile (cancel() released everyone); a leg that answered at that moment goes too.
      if (outcome === 'answered') await this.ctx.ari.hangup(ring.legId).catch(() => undefined);
      if (this.stoppedBy === 'line-lost') throw new CallControlError('坐席话机所在交换节点线路中断，三方通话已取消，来电人已重新排队');
      throw new CallControlError(this.call.hasEnded ? ENDED_TEXT[this.call.endedBy ?? 'system'].error : '三方通话已取消');
    }
    if (outcome !== 'answered' || !this.call.bridgeId || !this.call.fire('conference')) {
      if (outcome === 'answered') await this.ctx.ari.hangup(ring.legId).catch(() => undefined);
      // Not answered, or refused by the colleague (拒接, 退出登录): the agent is back with the caller and told why.
      const why = ring.whyText;
      this.machine.move('not-answered', `${this.target.label} ${why}，回到来电人`);
      if (outcome === 'answered') {
        if (this.target.agentId !== null) releaseFromCall(this.ctx.agents, this.target.agentId, this.call.callId);
      } else ring.afterUnanswered();
      this.settle();
      await callerBackToAgent(this.ctx, this.call, 'three-way call');
      tellHeldIfSo(this.call, this.agentId);
      throw new CallControlError(outcome === 'answered' ? `${callStateLabel(this.call.state)}时不能三方通话` : `${this.target.label} ${why}`);
    }
    this.machine.move('answered', `${this.target.label} 加入三方通话`);
    this.thirdLeg = ring.legId;
    if (this.target.agentId !== null) this.ctx.agents.transition(this.target.agentId, 'answer', this.call.callId);
    this.call.detachParty();
    this.unlisten.push(this.ctx.router.listen(this.agentLeg, (e) => this.onLeg(e, 'agent')));
    this.unlisten.push(this.ctx.router.listen(ring.legId, (e) => this.onLeg(e, 'third')));
    await this.ctx.ari.addToBridge(this.call.bridgeId, [ring.legId]);
    await this.call.callerHold.release();
    this.call.publish({ type: 'call.conference', agentId: this.agentId, target: this.target.label });
    if (this.joined) this.tellColleague('joined');
  }

  /**
   * A colleague taken into the call (an agent target) follows it on their own desktop, each message
   * with their `allowed`: on joining, what a desktop gets on answering (`call.answered`, then
   * `call.conference` naming the agent who called them in); while the agent is there the call is the
   * agent's, so the colleague's commands on it are refused. When the agent leaves, the colleague is
   * the caller's party: the ticket is theirs first, then `call.conference.ended` `left: third` (the
   * other one left; the call and its commands are theirs). When the colleague leaves,
   * `call.conference.ended` `left: agent`; when the call ends, `call.ended`.
   */
  private tellColleague(step: 'joined' | 'party' | 'left' | 'call-ended'): void {
    const colleague = this.target.agentId;
    if (colleague === null) return;
    switch (step) {
      case 'joined': {
        const agent = this.ctx.agents.get(this.agentId);
        this.colleagueJoined = true;
        this.call.publish({ type: 'call.answered', agentId: colleague, recording: null });
        this.call.publish({ type: 'call.conference', agentId: colleague, target: agent ? `坐席 ${agent.login} ${agent.name}` : this.actor });
        return;
      }
      case 'party':
        void handCallTo(this.ctx, this.call, colleague).then(() => {
          // A call that ended meanwhile told them so itself (they are its party).
          if (!this.call.hasEnded && this.call.agentId === colleague) this.call.publish({ type: 'call.conference.ended', agentId: colleague, left: 'third' });
        });
        return;
      case 'left':
        if (this.colleagueJoined) this.call.publish({ type: 'call.conference.ended', agentId: colleague, left: 'agent' });
        return;
      case 'call-ended':
        if (this.colleagueJoined) this.call.oweEndTo(colleague);
        return;
    }
  }

  private failed(error: unknown): void {
    this.ctx.log.warn({ callId: this.call.callId, state: this.current, err: (error as Error).message }, 'three-way set-up step failed');
    this.cancel('error').catch((again: unknown) =>
      this.ctx.log.error({ callId: this.call.callId, err: (again as Error).message }, 'three-way call could not recover'),
    );
  }

  /** Drops one of the two non-caller parties. */
  async kick(party: 'agent' | 'third'): Promise<void> {
    const leg = party === 'agent' ? this.agentLeg : this.thirdLeg;
    if (!leg || !this.joined) throw new CallControlError('三方通话已结束');
    await this.ctx.ari.hangup(leg);
  }

  /**
   * Stops the three-way call. While it rings, the third party's ring is hung up at once and a target
   * agent goes back to ready; unless the call ended (or went back in line when the agent's line was
   * lost), the caller is back with the agent. Once joined:
   * the call ended → the third party is hung up and released; the agent (or an error) → the third
   * party is dropped and the agent stays with the caller.
   */
  async cancel(reason: FlowStopReason): Promise<void> {
    if (this.current === 'joined') {
      if (reason === 'call-ended') {
        this.machine.move('call-ended', '通话结束，第三方离开');
        this.tellColleague('call-ended');
        this.stopListening();
        if (this.thirdLeg) this.ctx.ari.hangup(this.thirdLeg).catch(() => undefined);
        if (this.target.agentId !== null) releaseFromCall(this.ctx.agents, this.target.agentId, this.call.callId);
        this.settle();
      } else if (this.thirdLeg) await this.ctx.ari.hangup(this.thirdLeg).catch(() => undefined);
      return;
    }
    if (this.current !== 'ringing') return;
    if (reason === 'call-ended') this.machine.move('call-ended', ENDED_TEXT[this.call.endedBy ?? 'system'].note);
    else this.machine.move('cancel', CANCEL_NOTES[reason]);
    this.stoppedBy = reason;
    if (this.ring) this.ring.cancel();
    else if (this.target.agentId !== null) releaseFromCall(this.ctx.agents, this.target.agentId, this.call.callId);
    this.settle();
    // The caller is back with the agent, unless the call ended or went back in line without them.
    if (reason !== 'call-ended' && reason !== 'line-lost' && !this.call.hasEnded) {
      // Like a ring not answered: a caller the PBX would not take off hold is not the cancel's failure
      // (the call stays on hold, and the desk offers 恢复).
      await callerBackToAgent(this.ctx, this.call, 'three-way call');
      tellHeldIfSo(this.call, this.agentId);
    }
  }

  private onLeg(event: AriEvent, who: 'agent' | 'third'): void {
    if (event.type !== 'StasisEnd' && event.type !== 'ChannelHangupRequest') return;
    if (!this.joined || !this.thirdLeg) return;
    this.stopListening();
    this.call.fire('conference-end');
    if (who === 'agent') {
      // The caller stays with the third party.
      this.machine.move('left', `坐席退出，来电人与 ${this.target.label} 继续通话`);
      this.ctx.agents.transition(this.agentId, 'call-end', null);
      this.call.attachParty(this.thirdLeg, this.target.agentId);
      if (this.target.agentId === null) this.call.transferredTo = this.target.label;
      void noteTicket(this.ctx, { ticketId: this.call.summary.ticketId, actor: this.actor, kind: 'conference-end', note: `坐席退出，来电人与 ${this.target.label} 继续通话` });
      this.tellColleague('party');
    } else {
      this.machine.move('left', `${this.target.label} 退出三方通话`);
      if (this.target.agentId !== null) this.ctx.agents.transition(this.target.agentId, 'call-end', null);
      this.call.attachParty(this.agentLeg, this.agentId);
      void noteTicket(this.ctx, { ticketId: this.call.summary.ticketId, actor: this.actor, kind: 'conference-end', note: `${this.target.label} 退出三方通话` });
      this.tellColleague('left');
    }
    // The lock goes first: the event carries the buttons of the call as it is now, no three-way call on it.
    this.settle();
    this.call.publish({ type: 'call.conference.ended', agentId: this.agentId, left: who });
  }

  private stopListening(): void {
    for (const stop of this.unlisten.splice(0)) stop();
  }

  /** The flow is over: the call stops tracking it and its lock goes. */
  private settle(): void {
    if (this.done) return;
    this.done = true;
    this.unregister();
    this.onDone();
  }
}
