/**
 * Attended transfer (咨询转接) as an explicit state machine. The caller waits with music in the call's
 * bridge while the agent talks to the target in a consult bridge; then the agent completes (the target
 * takes the caller), cancels (back to the caller), or hangs up (completes like a blind transfer).
 *
 *   ringing ──answered──▶ talking ──complete──▶ completed
 *      │                     │
 *      ├─declined/cancel─────┴─cancel──▶ cancelled   (agent back with the caller; declined: the
 *      │                                               target did not answer, refused (拒接) or logged out)
 *      ├─call ended────────────────────▶ abandoned   (consult leg hung up at once, target released)
 *      └─agent hung up──▶ (wait for answer) ──▶ completed, or requeued (the caller goes back to the queue)
 *
 * Every transition is logged and written to the ticket history. The flow is registered on the call
 * while it runs, so the call's end (the caller hanging up, a restart) stops it through `cancel()`.
 */
import { PROMPTS } from '../../ivr/prompts.js';
import { noteTicket } from '../tickets/ticket-notes.js';
import type { AriEvent } from '../ari/ari-types.js';
import type { CallContext } from './call-context.js';
import { callerBackToAgent, tellHeldIfSo } from './caller-back.js';
import { CallControlError } from './call-control-error.js';
import { FlowMachine, type CallFlow, type FlowStopReason } from './call-flow.js';
import { handCallTo } from './hand-over.js';
import type { InboundCall } from './inbound-call.js';
import { TargetRing } from './target-ring.js';
import { alertIfEmergency, type ResolvedTarget } from './transfer-target.js';
import { callStateLabel } from '../state-labels.js';

export type AttendedState = 'ringing' | 'talking' | 'completed' | 'cancelled' | 'requeued' | 'abandoned';
type AttendedTrigger = 'answered' | 'declined' | 'cancel' | 'complete' | 'requeue' | 'call-ended';

const TRANSITIONS: Record<AttendedState, Partial<Record<AttendedTrigger, AttendedState>>> = {
  ringing: { answered: 'talking', declined: 'cancelled', cancel: 'cancelled', requeue: 'requeued', 'call-ended': 'abandoned', complete: 'completed' },
  talking: { complete: 'completed', cancel: 'cancelled', declined: 'cancelled', 'call-ended': 'abandoned' },
  completed: {},
  cancelled: {},
  requeued: {},
  abandoned: {},
};

export class AttendedTransfer implements CallFlow {
  readonly kind = 'attended';
  private readonly machine: FlowMachine<AttendedState, AttendedTrigger>;
  private readonly ring: TargetRing;
  private consultBridge: string | null = null;
  private agentGone = false;
  private readonly unlisten: (() => void)[] = [];
  private readonly unregister: () => void;
  private done = false;

  constructor(
    private readonly ctx: CallContext,
    private readonly call: InboundCall,
    private readonly agentId: number,
    private readonly agentLeg: string,
    private readonly target: ResolvedTarget & { kind: 'phone' },
    private readonly actor: string,
    private readonly onDone: () => void,
  ) {
    if (!call.fire('consult')) throw new CallControlError(`${callStateLabel(call.state)}时不能咨询转接`);
    this.machine = new FlowMachine(ctx, 'attended-transfer', call, actor, 'ringing', TRANSITIONS);
    // While consulting, the agent leg's hang-up means "complete", not "end the call".
    call.detachParty();
    this.unlisten.push(ctx.router.listen(agentLeg, (e) => this.onAgentLeg(e)));
    this.unregister = call.runFlow(this);
    this.note(`咨询 ${target.label}`);
    call.publish({ type: 'call.consulting', agentId, target: target.label });
    alertIfEmergency(ctx, call.callId, agentId, target);
    this.ring = new TargetRing(ctx, call, target);
    this.guard(this.start(), 'set-up');
  }

  /** Runs a step whose failure (a leg that vanished mid-way) must not go unnoticed: log, then recover. */
  private guard(step: Promise<void>, what: string): void {
    step.catch((error: unknown) => {
      this.ctx.log.warn({ callId: this.call.callId, state: this.current, err: (error as Error).message }, `attended transfer ${what} failed`);
      this.cancel('error').catch((again: unknown) =>
        this.ctx.log.error({ callId: this.call.callId, err: (again as Error).message }, 'attended transfer could not recover'),
      );
    });
  }

  /** The consulted party's leg (DTMF to a department's menu goes there). */
  get partyLegId(): string {
    return this.ring.legId;
  }

  /** The consulted party's ring while it rings (a colleague may refuse it). */
  get ringing(): TargetRing | null {
    return this.current === 'ringing' ? this.ring : null;
  }

  get current(): AttendedState {
    return this.machine.current;
  }

  private get live(): boolean {
    return this.current === 'ringing' || this.current === 'talking';
  }

  private async start(): Promise<void> {
    // The caller waits with music, apart from everyone; then the agent leaves the call's bridge.
    await this.call.callerHold.hold();
    if (this.call.bridgeId) await this.ctx.ari.removeFromBridge(this.call.bridgeId, [this.agentLeg]).catch(() => undefined);
    const outcome = await this.ring.outcome;
    if (this.current !== 'ringing') {
      // Stopped meanwhile; a leg that answered at that very moment is not wanted any more.
      if (outcome === 'answered') await this.ctx.ari.hangup(this.ring.legId).catch(() => undefined);
      return;
    }
    if (outcome === 'answered') {
      if (this.target.agentId !== null) this.ctx.agents.transition(this.target.agentId, 'answer', this.call.callId);
      if (this.agentGone) {
        await this.complete();
        return;
      }
      this.machine.move('answered', `${this.target.label} 接听`);
      // A colleague who picked up talks with the agent from now (their talk time too): their desk stops
      // showing the ring. Told before any wait, so a hang-up meanwhile (call.offer.withdrawn) comes after.
      if (this.target.agentId !== null) {
        const agent = this.ctx.agents.get(this.agentId);
        this.call.publish({ type: 'call.consult.answered', agentId: this.target.agentId, target: agent ? `坐席 ${agent.login} ${agent.name}` : this.actor, consulted: true });
      }
      this.unlisten.push(this.ctx.router.listen(this.ring.legId, (e) => this.onTargetLeg(e)));
      const bridge = await this.ctx.ari.createBridge('mixing', `consult-${this.call.callId}`, { near: this.agentLeg });
      this.consultBridge = bridge.id;
      await this.ctx.ari.addToBridge(bridge.id, [this.agentLeg, this.ring.legId]);
      this.call.publish({ type: 'call.consult.answered', agentId: this.agentId, target: this.target.label });
      return;
    }
    // Not answered, or refused by the colleague (拒接, 退出登录): the same for the caller.
    this.ring.afterUnanswered();
    if (this.agentGone) await this.requeue(`${this.target.label} ${this.ring.whyText}，坐席已离开，来电人回到队列`);
    else await this.backToCaller('declined');
  }

  private onAgentLeg(event: AriEvent): void {
    if (event.type !== 'StasisEnd' && event.type !== 'ChannelHangupRequest') return;
    if (this.agentGone || !this.live) return;
    this.agentGone = true;
    this.ctx.agents.transition(this.agentId, 'call-end', null);
    // Agent left before completing: when the target is talking, complete now; while ringing, the
    // answer completes it (see start()).
    if (this.current === 'talking') this.guard(this.complete(), 'completion');
  }

  private onTargetLeg(event: AriEvent): void {
    if (event.type !== 'StasisEnd' && event.type !== 'ChannelHangupRequest') return;
    if (this.current === 'talking') this.guard(this.backToCaller('declined'), 'return to the caller');
  }

  /** The agent hands the caller to the target. */
  async complete(): Promise<void> {
    if (this.current !== 'talking' && !(this.current === 'ringing' && this.agentGone)) {
      throw new CallControlError(this.current === 'ringing' ? '对方尚未接听' : '转接已结束');
    }
    // The agent hanging up during the consultation is what completes it: their desktop is told so.
    const agentHungUp = this.agentGone;
    this.machine.move('complete', agentHungUp ? `坐席在咨询中挂机，来电转给 ${this.target.label}` : `咨询转接完成: ${this.target.label}`);
    // From here the target's leg is the caller's party: either hanging up ends the call.
    this.call.fire('consult-complete');
    this.call.attachParty(this.ring.legId, this.target.agentId);
    // A colleague has the call now: its row and ticket name them before their desktop hears of it.
    const handed = this.target.agentId === null ? null : handCallTo(this.ctx, this.call, this.target.agentId);
    if (this.target.agentId === null) this.call.transferredTo = this.target.label;
    if (!this.agentGone) {
      this.agentGone = true;
      this.ctx.agents.transition(this.agentId, 'call-end', null);
    }
    this.settle();
    if (this.consultBridge) await this.ctx.ari.removeFromBridge(this.consultBridge, [this.ring.legId]).catch(() => undefined);
    await this.cleanup();
    await this.ctx.ari.hangup(this.agentLeg).catch(() => undefined);
    if (this.call.bridgeId) await this.ctx.ari.addToBridge(this.call.bridgeId, [this.ring.legId]);
    await this.call.callerHold.release();
    if (this.target.agentId !== null) {
      await handed;
      this.call.publish({ type: 'call.answered', agentId: this.target.agentId, recording: null });
    }
    void noteTicket(this.ctx, { ticketId: this.call.summary.ticketId, actor: this.actor, kind: 'transferred', note: `咨询转接 ${this.target.label}` });
    this.call.publish({ type: 'call.transferred', fromAgentId: this.agentId, target: this.target.label, mode: 'attended', ...(agentHungUp ? { agentHungUp } : {}) });
  }

  /**
   * Stops the consultation. `call-ended`: the consult leg is hung up at once and the target released
   * (the call's own end releases the agent). `agent`: back to the caller. `error`: the caller is
   * recovered — handed over if the agent already left and the target talks, else back to the agent
   * or, with the agent gone, to the queue.
   */
  async cancel(reason: FlowStopReason): Promise<void> {
    if (reason === 'call-ended') return this.abandon('来电人已挂机，咨询取消', reason);
    // The caller went back in line by itself (the line to the agent's node was lost).
    if (reason === 'line-lost') return this.abandon('坐席所在交换节点线路中断，咨询取消', reason);
    if (reason === 'agent') return this.backToCaller('cancel');
    if (!this.live) return;
    if (this.agentGone && this.current === 'talking') return this.complete();
    if (this.agentGone) return this.requeue('咨询转接失败，来电人回到队列');
    return this.backToCaller('declined');
  }

  private async abandon(note: string, reason: 'call-ended' | 'line-lost'): Promise<void> {
    if (!this.live) return;
    const talked = this.current === 'talking';
    this.machine.move('call-ended', note);
    this.dropTarget(talked);
    this.settle();
    // An agent who hung up while the target rang left the call, so its own end would skip them.
    if (this.agentGone && reason === 'call-ended') this.call.oweEndTo(this.agentId);
    await this.cleanup();
  }

  /** Back to the caller: the consult leg is dropped and the agent rejoins the call. */
  private async backToCaller(trigger: 'cancel' | 'declined'): Promise<void> {
    if (!this.live) throw new CallControlError('转接已结束');
    // Declined: the target's ring failed or was refused (say why), or they hung up after talking.
    const refused = this.current === 'ringing' ? this.ring.refusedBy : null;
    const talked = this.current === 'talking';
    const why = talked ? '已挂机' : this.ring.whyText;
    this.machine.move(trigger, trigger === 'declined' ? `${this.target.label} ${why}，回到来电人` : '坐席取消咨询转接');
    this.dropTarget(talked);
    this.call.fire('consult-cancel');
    this.call.attachParty(this.agentLeg, this.agentId);
    this.settle();
    await this.cleanup();
    if (this.call.bridgeId) await this.ctx.ari.addToBridge(this.call.bridgeId, [this.agentLeg]).catch(() => undefined);
    // Back to the caller (the call is connected again, even if it was on hold before the consultation);
    // still on hold when Asterisk would not take them back, and the desk offers 恢复.
    await callerBackToAgent(this.ctx, this.call, 'attended transfer');
    // A ring that failed (拒接, 无人接听, 对方忙…): the desk says why, as the ticket history does. Not
    // when the agent cancelled, nor when the colleague hung up after talking: the agent knows then.
    const ringFailed = trigger === 'declined' && !talked;
    this.call.publish({ type: 'call.consult.cancelled', agentId: this.agentId, target: this.target.label, ...(refused ? { reason: refused } : {}), ...(ringFailed ? { why } : {}) });
    tellHeldIfSo(this.call, this.agentId);
  }

  /** The agent left and the target cannot take the caller: back in line, never alone on hold. */
  private async requeue(note: string): Promise<void> {
    const refused = this.ring.refusedBy;
    this.machine.move('requeue', note);
    this.dropTarget(false);
    this.call.fire('consult-cancel');
    this.settle();
    await this.cleanup();
    // The agent is gone and cannot ask: the desk says why the target did not take the caller (拒接, its node's line lost…).
    this.call.publish({ type: 'call.consult.cancelled', agentId: this.agentId, target: this.target.label, requeued: true, why: this.ring.whyText, ...(refused ? { reason: refused } : {}) });
    await this.call.requeue(null, undefined, PROMPTS.transferFailed);
  }

  /**
   * Hangs up the consult leg now; a target agent still ringing goes back to ready, one talking wraps up.
   * `talked`: a colleague had picked up. The caller never became theirs (no `call.answered`), so the
   * pop of their ring is over now — the ring itself withdraws it only when it stops unanswered.
   */
  private dropTarget(talked: boolean): void {
    this.ring.cancel();
    if (talked && this.target.agentId !== null) {
      this.call.publish({ type: 'call.offer.withdrawn', agentId: this.target.agentId, reason: this.call.hasEnded ? 'caller-hung-up' : 'cancelled' });
    }
  }

  /** The transfer no longer holds the call: the lock goes and the call stops tracking the flow. */
  private settle(): void {
    if (this.done) return;
    this.done = true;
    this.unregister();
    this.onDone();
  }

  private async cleanup(): Promise<void> {
    for (const stop of this.unlisten.splice(0)) stop();
    if (this.consultBridge) {
      const bridge = this.consultBridge;
      this.consultBridge = null;
      await this.ctx.ari.destroyBridge(bridge).catch(() => undefined);
    }
  }

  private note(text: string): void {
    void noteTicket(this.ctx, { ticketId: this.call.summary.ticketId, actor: this.actor, kind: 'attended-transfer', note: text });
  }
}
