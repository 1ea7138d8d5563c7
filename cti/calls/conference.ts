/**
 * Three-way call (三方通话): a third party (expert seat, department contact, sub-centre, emergency line)
 * joins the caller and the agent in the call's bridge. Whoever of the agent and the third party drops,
 * the caller stays with the other — so after an emergency hand-over the caller stays with 110 when
 * the agent leaves. Emergency lines also raise a supervisor alert at once.
 */
import { appendTicketEvent } from '../../store/index.js';
import type { AriEvent } from '../ari/ari-types.js';
import type { CallContext } from './call-context.js';
import { CallControlError } from './call-control-error.js';
import type { InboundCall } from './inbound-call.js';
import { ringLeg } from './ring-leg.js';
import type { ResolvedTarget } from './transfer-target.js';

export class Conference {
  private thirdLeg: string | null = null;
  private readonly unlisten: (() => void)[] = [];
  private done = false;

  constructor(
    private readonly ctx: CallContext,
    private readonly call: InboundCall,
    private readonly agentId: number,
    private readonly agentLeg: string,
    private readonly target: ResolvedTarget & { kind: 'phone' },
    private readonly actor: string,
    private readonly onDone: () => void,
  ) {}

  /** Rings the third party; resolves once they joined, rejects when they did not answer. */
  async start(): Promise<void> {
    if (this.target.emergency) {
      this.ctx.bus.publish({
        type: 'alert',
        at: this.ctx.clock.now().toISOString(),
        kind: 'emergency-transfer',
        message: `坐席转接紧急热线: ${this.target.label}`,
        callId: this.call.callId,
        agentId: this.agentId,
      });
    }
    // While the third party rings, the caller waits with music and hears nothing of the agent.
    await this.call.callerHold.hold();
    const leg = ringLeg(this.ctx, this.call.summary, this.target.dial, 'consult');
    const outcome = await leg.outcome;
    if (outcome !== 'answered' || this.call.hasEnded || !this.call.bridgeId) {
      if (outcome === 'answered') await this.ctx.ari.hangup(leg.legId).catch(() => undefined);
      if (!this.call.hasEnded) await this.call.callerHold.release().catch(() => undefined);
      this.onDone();
      throw new CallControlError(`${this.target.label} 未接听`);
    }
    if (!this.call.fire('conference')) {
      await this.ctx.ari.hangup(leg.legId).catch(() => undefined);
      await this.call.callerHold.release().catch(() => undefined);
      this.onDone();
      throw new CallControlError(`当前状态不能三方通话: ${this.call.state}`);
    }
    this.thirdLeg = leg.legId;
    this.call.detachParty();
    this.unlisten.push(this.ctx.router.listen(this.agentLeg, (e) => this.onLeg(e, 'agent')));
    this.unlisten.push(this.ctx.router.listen(leg.legId, (e) => this.onLeg(e, 'third')));
    await this.ctx.ari.addToBridge(this.call.bridgeId, [leg.legId]);
    await this.call.callerHold.release();
    if (this.target.agentId !== null) this.ctx.agents.transition(this.target.agentId, 'answer', this.call.callId);
    appendTicketEvent(this.ctx.db, { ticketId: this.call.summary.ticketId, actor: this.actor, kind: 'conference', note: `三方通话: ${this.target.label}` });
    this.call.publish({ type: 'call.conference', agentId: this.agentId, target: this.target.label });
  }

  /** Drops one of the two non-caller parties. */
  async kick(party: 'agent' | 'third'): Promise<void> {
    const leg = party === 'agent' ? this.agentLeg : this.thirdLeg;
    if (!leg || this.done) throw new CallControlError('三方通话已结束');
    await this.ctx.ari.hangup(leg);
  }

  private onLeg(event: AriEvent, who: 'agent' | 'third'): void {
    if (event.type !== 'StasisEnd' && event.type !== 'ChannelHangupRequest') return;
    if (this.done || !this.thirdLeg) return;
    this.done = true;
    for (const stop of this.unlisten.splice(0)) stop();
    this.call.fire('conference-end');
    this.call.publish({ type: 'call.conference.ended', agentId: this.agentId, left: who });
    if (who === 'agent') {
      // The caller stays with the third party.
      this.ctx.agents.transition(this.agentId, 'call-end', null);
      this.call.attachParty(this.thirdLeg, this.target.agentId);
      if (this.target.agentId === null) this.call.transferredTo = this.target.label;
      appendTicketEvent(this.ctx.db, { ticketId: this.call.summary.ticketId, actor: this.actor, kind: 'conference-end', note: `坐席退出，来电人与 ${this.target.label} 继续通话` });
    } else {
      if (this.target.agentId !== null) this.ctx.agents.transition(this.target.agentId, 'call-end', null);
      this.call.attachParty(this.agentLeg, this.agentId);
      appendTicketEvent(this.ctx.db, { ticketId: this.call.summary.ticketId, actor: this.actor, kind: 'conference-end', note: `${this.target.label} 退出三方通话` });
    }
    this.onDone();
  }
}
