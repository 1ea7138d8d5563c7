/**
 * Attended transfer (咨询转接) as an explicit state machine. The caller waits with music in the call's
 * bridge while the agent talks to the target in a consult bridge; then the agent completes (the target
 * takes the caller), cancels (back to the caller), or hangs up (completes like a blind transfer).
 *
 *   ringing ──answered──▶ talking ──complete──▶ completed
 *      │                     │
 *      ├─declined/cancel─────┴─cancel──▶ cancelled   (agent back with the caller)
 *      ├─caller hung up───────────────▶ abandoned   (consult leg dropped, agent wraps up)
 *      └─agent hung up──▶ (wait for answer) ──▶ completed, or the caller goes back to the queue
 *
 * Every transition is logged and written to the ticket history.
 */
import { appendTicketEvent } from '../../store/index.js';
import type { AriEvent } from '../ari/ari-types.js';
import type { CallContext } from './call-context.js';
import { CallControlError } from './call-control-error.js';
import type { InboundCall } from './inbound-call.js';
import { popOnRing } from './blind-transfer.js';
import { ringLeg, type RingingLeg } from './ring-leg.js';
import type { ResolvedTarget } from './transfer-target.js';

export type AttendedState = 'ringing' | 'talking' | 'completed' | 'cancelled' | 'abandoned';
type AttendedTrigger = 'answered' | 'declined' | 'cancel' | 'complete' | 'caller-gone';

const TRANSITIONS: Record<AttendedState, Partial<Record<AttendedTrigger, AttendedState>>> = {
  ringing: { answered: 'talking', declined: 'cancelled', cancel: 'cancelled', 'caller-gone': 'abandoned' },
  talking: { complete: 'completed', cancel: 'cancelled', declined: 'cancelled', 'caller-gone': 'abandoned' },
  completed: {},
  cancelled: {},
  abandoned: {},
};

export class AttendedTransfer {
  private state: AttendedState = 'ringing';
  private readonly leg: RingingLeg;
  private consultBridge: string | null = null;
  private agentGone = false;
  private readonly unlisten: (() => void)[] = [];

  constructor(
    private readonly ctx: CallContext,
    private readonly call: InboundCall,
    private readonly agentId: number,
    private readonly agentLeg: string,
    private readonly target: ResolvedTarget & { kind: 'phone' },
    private readonly actor: string,
    private readonly onDone: () => void,
  ) {
    if (!call.fire('consult')) throw new CallControlError(`当前状态不能咨询转接: ${call.state}`);
    // While consulting, the agent leg's hang-up means "complete", not "end the call".
    call.detachParty();
    this.unlisten.push(ctx.router.listen(agentLeg, (e) => this.onAgentLeg(e)));
    this.unlisten.push(ctx.router.listen(call.channelId, (e) => this.onCaller(e)));
    this.note(`咨询 ${target.label}`);
    call.publish({ type: 'call.consulting', agentId, target: target.label });
    if (target.agentId !== null) ctx.agents.transition(target.agentId, 'offer', call.callId);
    this.leg = ringLeg(ctx, call.summary, target.dial, 'consult');
    popOnRing(call, this.leg, target.agentId);
    this.guard(this.start(), 'set-up');
  }

  /** Runs a step whose failure (a leg that vanished mid-way) must not go unnoticed: log, then recover. */
  private guard(step: Promise<void>, what: string): void {
    step.catch((error: unknown) => {
      this.ctx.log.warn({ callId: this.call.callId, state: this.state, err: (error as Error).message }, `attended transfer ${what} failed`);
      if (this.state !== 'ringing' && this.state !== 'talking') return;
      // The agent vanished while the target was being joined: hand the caller over; otherwise go back.
      const recovery = this.agentGone && this.state === 'talking' ? this.complete() : this.cancel('declined');
      recovery.catch((again: unknown) =>
        this.ctx.log.error({ callId: this.call.callId, err: (again as Error).message }, 'attended transfer could not recover'),
      );
    });
  }

  get current(): AttendedState {
    return this.state;
  }

  private async start(): Promise<void> {
    // The caller waits with music, apart from everyone; then the agent leaves the call's bridge.
    await this.call.callerHold.hold();
    if (this.call.bridgeId) await this.ctx.ari.removeFromBridge(this.call.bridgeId, [this.agentLeg]).catch(() => undefined);
    const outcome = await this.leg.outcome;
    if (outcome === 'answered' && this.state === 'ringing') {
      if (this.target.agentId !== null) this.ctx.agents.transition(this.target.agentId, 'answer', this.call.callId);
      this.move('answered');
      if (this.agentGone) {
        await this.complete();
        return;
      }
      const bridge = await this.ctx.ari.createBridge('mixing', `consult-${this.call.callId}`);
      this.consultBridge = bridge.id;
      await this.ctx.ari.addToBridge(bridge.id, [this.agentLeg, this.leg.legId]);
      this.unlisten.push(this.ctx.router.listen(this.leg.legId, (e) => this.onTargetLeg(e)));
    } else if (outcome === 'answered') {
      await this.ctx.ari.hangup(this.leg.legId).catch(() => undefined);
    } else if (this.state === 'ringing') {
      if (this.target.agentId !== null) this.ctx.agents.transition(this.target.agentId, 'missed', null, '未接');
      if (this.agentGone) {
        this.move('declined');
        await this.finishCleanup();
        this.call.fire('consult-cancel');
        this.call.fire('enqueue');
        await this.call.requeue(null);
        return;
      }
      await this.cancel('declined');
    }
  }

  private onAgentLeg(event: AriEvent): void {
    if (event.type !== 'StasisEnd' && event.type !== 'ChannelHangupRequest') return;
    if (this.agentGone) return;
    this.agentGone = true;
    this.ctx.agents.transition(this.agentId, 'call-end', null);
    // Agent left before completing: when the target is talking, complete now; while ringing, the
    // answer completes it (see start()).
    if (this.state === 'talking') this.guard(this.complete(), 'completion');
  }

  private onCaller(event: AriEvent): void {
    if (event.type !== 'StasisEnd' && event.type !== 'ChannelHangupRequest') return;
    if (this.state !== 'ringing' && this.state !== 'talking') return;
    this.move('caller-gone');
    this.leg.cancel();
    void this.ctx.ari.hangup(this.leg.legId).catch(() => undefined);
    if (this.target.agentId !== null) this.ctx.agents.release(this.target.agentId);
    // The call itself ends through its own caller listener (which also releases the agent).
    this.guard(this.finishCleanup(), 'clean-up');
  }

  private onTargetLeg(event: AriEvent): void {
    if (event.type !== 'StasisEnd' && event.type !== 'ChannelHangupRequest') return;
    if (this.state === 'talking') this.guard(this.cancel('declined'), 'return to the caller');
  }

  /** The agent hands the caller to the target. */
  async complete(): Promise<void> {
    if (this.state !== 'talking' && !(this.state === 'ringing' && this.agentGone)) {
      throw new CallControlError(this.state === 'ringing' ? '对方尚未接听' : '转接已结束');
    }
    this.move('complete');
    if (this.consultBridge) await this.ctx.ari.removeFromBridge(this.consultBridge, [this.leg.legId]).catch(() => undefined);
    if (this.call.bridgeId) await this.ctx.ari.addToBridge(this.call.bridgeId, [this.leg.legId]);
    await this.call.callerHold.release();
    await this.finishCleanup();
    if (!this.agentGone) {
      this.agentGone = true;
      this.ctx.agents.transition(this.agentId, 'call-end', null);
      await this.ctx.ari.hangup(this.agentLeg).catch(() => undefined);
    }
    this.call.fire('consult-complete');
    this.call.attachParty(this.leg.legId, this.target.agentId);
    if (this.target.agentId === null) this.call.transferredTo = this.target.label;
    else this.call.publish({ type: 'call.answered', agentId: this.target.agentId, recording: null });
    this.note(`咨询转接完成: ${this.target.label}`, 'transferred');
    this.call.publish({ type: 'call.transferred', fromAgentId: this.agentId, target: this.target.label, mode: 'attended' });
  }

  /** Back to the caller: the consult leg is dropped and the agent rejoins the call. */
  async cancel(trigger: 'cancel' | 'declined' = 'cancel'): Promise<void> {
    if (this.state !== 'ringing' && this.state !== 'talking') throw new CallControlError('转接已结束');
    this.move(trigger);
    this.leg.cancel();
    await this.ctx.ari.hangup(this.leg.legId).catch(() => undefined);
    if (this.target.agentId !== null && trigger === 'cancel') this.ctx.agents.release(this.target.agentId);
    await this.finishCleanup();
    if (this.call.bridgeId) await this.ctx.ari.addToBridge(this.call.bridgeId, [this.agentLeg]).catch(() => undefined);
    // Back to the caller (the call is connected again, even if it was on hold before the consultation).
    await this.call.callerHold.release();
    this.call.fire('consult-cancel');
    this.call.attachParty(this.agentLeg, this.agentId);
    this.call.publish({ type: 'call.consult.cancelled', agentId: this.agentId, target: this.target.label });
    this.note(trigger === 'declined' ? `${this.target.label} 未接听，回到来电人` : '坐席取消咨询转接');
  }

  private async finishCleanup(): Promise<void> {
    for (const stop of this.unlisten.splice(0)) stop();
    if (this.consultBridge) {
      const bridge = this.consultBridge;
      this.consultBridge = null;
      await this.ctx.ari.destroyBridge(bridge).catch(() => undefined);
    }
    this.onDone();
  }

  private move(trigger: AttendedTrigger): void {
    const from = this.state;
    const to = TRANSITIONS[from][trigger];
    if (!to) {
      this.ctx.log.warn({ callId: this.call.callId, from, trigger }, `attended transfer refused ${from} -> ${trigger}`);
      return;
    }
    this.state = to;
    this.ctx.log.info({ callId: this.call.callId, from, trigger, to }, `attended transfer ${from} -> ${trigger} -> ${to}`);
  }

  private note(text: string, kind = 'attended-transfer'): void {
    appendTicketEvent(this.ctx.db, { ticketId: this.call.summary.ticketId, actor: this.actor, kind, note: text });
  }
}
