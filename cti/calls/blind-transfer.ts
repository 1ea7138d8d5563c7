/**
 * Blind transfer (盲转) as an explicit state machine. The agent lets go at once. A skill target puts
 * the caller back in that queue; a phone target rings while the caller waits with music (the call is
 * `transferring`), and takes over the call when it answers. If the target does not answer, the caller
 * goes back to the queue — never left alone on hold. If the caller hangs up while the target rings,
 * the target's ring is hung up at once and a target agent goes back to ready.
 *
 *   starting ──ring──▶ ringing ──answered──────▶ answered      (the target has the caller)
 *      │                  ├──not-answered/error─▶ not-answered (caller back to the queue; a target
 *      │                  │                                     agent who missed goes not ready, one
 *      │                  │                                     who refused (拒接) ready; one who
 *      │                  │                                     answered but Asterisk would not put
 *      │                  │                                     the caller through: hung up, ready)
 *      │                  └──call ended────────▶ abandoned     (ring hung up, target agent ready)
 *      └──queue──▶ requeued                                    (a skill target: back in line)
 *
 * Every transition is logged and written to the ticket history. The flow is registered on the call
 * while it runs, so the call's end stops it (`cancel('call-ended')`).
 */
import { PROMPTS } from '../../ivr/prompts.js';
import { noteTicket } from '../tickets/ticket-notes.js';
import type { CallContext } from './call-context.js';
import { CallControlError } from './call-control-error.js';
import { FlowMachine, type CallFlow, type FlowStopReason } from './call-flow.js';
import { handCallTo } from './hand-over.js';
import type { InboundCall } from './inbound-call.js';
import { TargetRing } from './target-ring.js';
import { alertIfEmergency, type ResolvedTarget } from './transfer-target.js';
import { callStateLabel } from '../state-labels.js';

export type BlindState = 'starting' | 'ringing' | 'answered' | 'not-answered' | 'requeued' | 'abandoned';
type BlindTrigger = 'ring' | 'queue' | 'answered' | 'not-answered' | 'failed' | 'call-ended';

const TRANSITIONS: Record<BlindState, Partial<Record<BlindTrigger, BlindState>>> = {
  starting: { ring: 'ringing', queue: 'requeued', 'call-ended': 'abandoned' },
  ringing: { answered: 'answered', 'not-answered': 'not-answered', failed: 'not-answered', 'call-ended': 'abandoned' },
  answered: {},
  'not-answered': {},
  requeued: {},
  abandoned: {},
};

export class BlindTransfer implements CallFlow {
  readonly kind = 'blind';
  private readonly machine: FlowMachine<BlindState, BlindTrigger>;
  private ring: TargetRing | null = null;
  private readonly unregister: () => void;
  private settled = false;

  /** Takes the call from the agent now (throws, changing nothing, when the call cannot be transferred). */
  constructor(
    private readonly ctx: CallContext,
    private readonly call: InboundCall,
    private readonly fromAgentId: number | null,
    private readonly target: ResolvedTarget,
    actor: string,
    private readonly onDone: () => void,
  ) {
    if (target.kind === 'phone' && !call.fire('transfer')) throw new CallControlError(`${callStateLabel(call.state)}时不能转接`);
    this.machine = new FlowMachine(ctx, 'blind-transfer', call, actor, 'starting', TRANSITIONS);
    this.unregister = call.runFlow(this);
    void noteTicket(ctx, { ticketId: call.summary.ticketId, actor, kind: 'transferred', note: `盲转 ${target.label}` });
    call.publish({ type: 'call.transferred', fromAgentId, target: target.label, mode: 'blind' });
    alertIfEmergency(ctx, call.callId, fromAgentId, target);
  }

  get current(): BlindState {
    return this.machine.current;
  }

  /** The target's ring while it rings (a colleague may refuse it). */
  get ringing(): TargetRing | null {
    return this.current === 'ringing' ? this.ring : null;
  }

  /** Runs the transfer to its end (answered, not answered, requeued or abandoned). Never throws. */
  async run(): Promise<void> {
    try {
      await this.steps();
    } catch (error) {
      this.ctx.log.warn({ callId: this.call.callId, state: this.current, err: (error as Error).message }, 'blind transfer step failed');
      if (this.current === 'ringing') {
        await this.cancel('error').catch((again: unknown) =>
          this.ctx.log.error({ callId: this.call.callId, err: (again as Error).message }, 'blind transfer could not recover'),
        );
      } else this.settle();
    }
  }

  private async steps(): Promise<void> {
    const oldLeg = this.call.agentLegId;
    // The agent's leg hanging up is no longer the end of the call: the agent is released now.
    this.call.detachParty();
    if (this.fromAgentId !== null) this.ctx.agents.transition(this.fromAgentId, 'call-end', null);

    if (this.target.kind === 'queue') {
      this.machine.move('queue', `回到队列 ${this.target.label}`);
      this.settle();
      if (oldLeg) await this.ctx.ari.hangup(oldLeg).catch(() => undefined);
      await this.call.requeue(this.target.skill);
      return;
    }
    const target = this.target;
    this.machine.move('ring', `${target.label} 振铃`);
    const ring = new TargetRing(this.ctx, this.call, target);
    this.ring = ring;
    // The caller waits with music and leaves the bridge before the agent's leg goes. The agent is
    // released already: their leg goes even when that step fails (the caller is then requeued).
    try {
      await this.call.callerHold.hold();
    } finally {
      if (oldLeg) await this.ctx.ari.hangup(oldLeg).catch(() => undefined);
    }

    const outcome = await ring.outcome;
    if (this.current !== 'ringing') return; // cancelled meanwhile: cancel() did the rest
    if (outcome === 'answered') {
      // From here the target's leg is the caller's party: either hanging up ends the call.
      this.call.attachParty(ring.legId, target.agentId);
      // The two are put together before the target is said to have the call: a move Asterisk refuses
      // sends the caller back in line rather than leaving them in the music and the target on nobody.
      if (!(await this.putThrough(ring, target))) return;
      this.machine.move('answered', `${target.label} 接听`);
      if (target.agentId !== null) this.ctx.agents.transition(target.agentId, 'answer', this.call.callId);
      // A colleague has the call now: its row and ticket name them before their desktop hears of it.
      const handed = target.agentId === null ? null : handCallTo(this.ctx, this.call, target.agentId);
      this.call.fire('transfer-answered');
      if (target.agentId === null) this.call.transferredTo = target.label;
      this.settle();
      if (target.agentId !== null) {
        await handed;
        this.call.publish({ type: 'call.answered', agentId: target.agentId, recording: null });
      }
      return;
    }
    // Not answered, or refused by the colleague (拒接, 退出登录): the same for the caller.
    this.machine.move('not-answered', `${target.label} ${ring.whyText}，来电人回到队列`);
    ring.afterUnanswered();
    this.ctx.log.warn({ callId: this.call.callId, target: target.label, refused: ring.refusedBy }, 'blind transfer not answered; caller back to the queue');
    this.settle();
    await this.call.requeue(null, undefined, PROMPTS.transferFailed);
  }

  /**
   * Stops the transfer while the target rings: its ring is hung up at once and a target agent goes
   * back to ready. When the call ended that is all; otherwise (an error) the caller goes back to the queue.
   */
  async cancel(reason: FlowStopReason): Promise<void> {
    const ringing = this.current === 'ringing';
    const starting = this.current === 'starting';
    if (!ringing && !starting) return;
    // The call ended, or went back in line by itself (the line to the agent's node was lost).
    const callerGone = reason === 'call-ended' || reason === 'line-lost';
    if (callerGone) this.machine.move('call-ended', reason === 'call-ended' ? '来电人已挂机，转接取消' : '坐席所在交换节点线路中断，转接取消');
    else if (ringing) this.machine.move('failed', reason === 'agent' ? '坐席取消转接，来电人回到队列' : '转接失败，来电人回到队列');
    else return; // still starting: the steps under way finish on their own
    this.dropRing();
    this.settle();
    if (!callerGone && !this.call.hasEnded) await this.call.requeue(null, undefined, PROMPTS.transferFailed);
  }

  /**
   * Puts the target's answered leg and the caller (off hold) in the call's bridge; true when both are
   * in. When Asterisk refuses either move (every try), the target's line is hung up, a colleague is
   * told (`not-connected`) and ready again, and the caller goes back in line; false then, and also
   * when the transfer was stopped meanwhile (the call ended: cancel() hung the target up).
   */
  private async putThrough(ring: TargetRing, target: ResolvedTarget & { kind: 'phone' }): Promise<boolean> {
    try {
      if (this.call.bridgeId) await this.ctx.ari.addToBridge(this.call.bridgeId, [ring.legId]);
      await this.call.callerHold.release();
      return this.current === 'ringing';
    } catch (error) {
      if (this.current !== 'ringing' || this.call.hasEnded) return false;
      this.ctx.log.warn({ callId: this.call.callId, target: target.label, err: (error as Error).message }, 'blind transfer answered; Asterisk would not put the caller through: caller back to the queue');
      this.machine.move('failed', `${target.label} 已接听，但交换机未能将来电人转入通话，来电人回到队列`);
      // The target's hang-up is no longer the end of the call.
      this.call.detachParty();
      if (target.agentId !== null) this.call.publish({ type: 'call.offer.withdrawn', agentId: target.agentId, reason: 'not-connected' });
      ring.cancel();
      this.settle();
      await this.call.requeue(null, undefined, PROMPTS.transferFailed);
      return false;
    }
  }

  private dropRing(): void {
    this.ring?.cancel();
  }

  /** The transfer no longer holds the call: the lock goes and the call stops tracking the flow. */
  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.unregister();
    this.onDone();
  }
}
