/**
 * The ring of the phone a call is handed to by a transfer or a three-way call (blind-transfer.ts,
 * attended-transfer.ts, conference.ts): an outside number, or a colleague's phone (an agent, or the
 * expert seat an agent staffs). A colleague is rung as for a queue offer — `ringing` for the call, the
 * call's screen-pop while it rings, the pop withdrawn when the ring stops unanswered — and may stop
 * the ring themselves: 拒接 from the desktop (`call.hangup`), or 退出登录. Either stops it at once, and
 * the flow that rang them goes on as if they had not answered. They did not miss anything (nobody
 * offered them a queued call), so they go back to ready: no 未接, no missed-ring alert.
 */
import type { InboundCall } from './inbound-call.js';
import type { CallContext } from './call-context.js';
import { afterUnansweredRing, releaseFromCall, ringFailureText, ringLeg, withdrawalReason, type RingingLeg, type RingOutcome } from './ring-leg.js';
import type { ResolvedTarget } from './transfer-target.js';

/** Why a colleague stopped the ring: refused it from the desktop, or logged out. */
export type RingRefusal = 'rejected' | 'logged-out';

export class TargetRing {
  readonly leg: RingingLeg;
  private refusal: RingRefusal | null = null;
  private over = false;

  /** Rings `target` now (a colleague is set ringing for the call first). */
  constructor(
    private readonly ctx: CallContext,
    private readonly call: InboundCall,
    private readonly target: ResolvedTarget & { kind: 'phone' },
  ) {
    if (target.agentId !== null) ctx.agents.transition(target.agentId, 'offer', call.callId);
    this.leg = ringLeg(ctx, call.summary, target.dial, 'consult');
    void this.leg.outcome.then(() => {
      this.over = true;
    });
    this.popOnRing();
  }

  get outcome(): Promise<RingOutcome> {
    return this.leg.outcome;
  }

  get legId(): string {
    return this.leg.legId;
  }

  /** Why the colleague stopped the ring, if they did. */
  get refusedBy(): RingRefusal | null {
    return this.refusal;
  }

  /** The ring is for `agentId`'s phone and still rings (theirs to refuse). */
  ringsFor(agentId: number): boolean {
    return this.target.agentId === agentId && !this.over && this.refusal === null;
  }

  /**
   * The colleague stops the ring (拒接, 退出登录): true once it is stopped — the flow then sees it end
   * unanswered. False when it is not theirs, or was over (or picked up) already.
   */
  refuse(agentId: number, why: RingRefusal): boolean {
    if (!this.ringsFor(agentId)) return false;
    this.refusal = why;
    if (this.leg.cancel()) return true;
    this.refusal = null;
    return false;
  }

  /** The flow stops the ring (cancelled, the call ended): hung up now, a colleague back to ready. */
  cancel(): void {
    this.leg.cancel();
    this.ctx.ari.hangup(this.leg.legId).catch(() => undefined);
    if (this.target.agentId !== null) releaseFromCall(this.ctx.agents, this.target.agentId, this.call.callId);
  }

  /**
   * After the ring ended unanswered: a colleague who refused is ready again (one who logged out is
   * signed out already); one who did not answer is set 示忙 as for a missed ring (ring-leg.ts).
   */
  afterUnanswered(): void {
    const agentId = this.target.agentId;
    if (agentId === null) return;
    if (this.refusal !== null) releaseFromCall(this.ctx.agents, agentId, this.call.callId);
    else afterUnansweredRing(this.ctx.agents, agentId, this.leg.failure);
  }

  /** Why the ring ended unanswered, in Chinese for the ticket history and the first agent (e.g. 拒接, 对方忙). */
  get whyText(): string {
    if (this.refusal === 'rejected') return '拒接';
    if (this.refusal === 'logged-out') return '已退出登录';
    return ringFailureText(this.leg.failure);
  }

  /** A colleague gets the same screen-pop as for a call from the queue; a ring that stops unanswered takes it away. */
  private popOnRing(): void {
    const agentId = this.target.agentId;
    if (agentId === null) return;
    let popped = false;
    void this.leg.ringing.then(() => {
      if (this.call.hasEnded) return;
      popped = true;
      this.call.publish({ type: 'call.offered', agentId, ivrSteps: [...this.call.ivrChoices], waitedMs: 0 });
    });
    void this.leg.outcome.then((outcome) => {
      if (outcome === 'answered' || !popped) return;
      this.call.publish({ type: 'call.offer.withdrawn', agentId, reason: this.refusal ?? withdrawalReason(outcome, this.call.hasEnded, this.leg.failure) });
    });
  }
}
