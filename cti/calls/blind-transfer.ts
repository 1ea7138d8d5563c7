/**
 * Blind transfer: the agent lets go at once. A skill target puts the caller back in that queue; a
 * phone target rings while the caller hears music, and takes over the call when it answers. If the
 * target does not answer, the caller goes back to the queue — never left alone on hold.
 */
import { appendTicketEvent } from '../../store/index.js';
import type { CallContext } from './call-context.js';
import type { InboundCall } from './inbound-call.js';
import { ringLeg, type RingingLeg } from './ring-leg.js';
import type { ResolvedTarget } from './transfer-target.js';

export async function blindTransfer(ctx: CallContext, call: InboundCall, fromAgentId: number | null, target: ResolvedTarget, actor: string): Promise<void> {
  const oldLeg = call.agentLegId;
  call.detachParty();
  if (fromAgentId !== null) ctx.agents.transition(fromAgentId, 'call-end', null);
  if (oldLeg) await ctx.ari.hangup(oldLeg).catch(() => undefined);
  appendTicketEvent(ctx.db, { ticketId: call.summary.ticketId, actor, kind: 'transferred', note: `盲转 ${target.label}` });
  call.publish({ type: 'call.transferred', fromAgentId, target: target.label, mode: 'blind' });

  if (target.kind === 'queue') {
    call.fire('enqueue');
    await call.requeue(target.skill);
    return;
  }
  await call.callerHold.hold().catch(() => undefined);
  if (target.agentId !== null) ctx.agents.transition(target.agentId, 'offer', call.callId);
  const leg = ringLeg(ctx, call.summary, target.dial, 'consult');
  popOnRing(call, leg, target.agentId);
  const outcome = await leg.outcome;
  if (target.agentId !== null && outcome === 'missed') ctx.agents.transition(target.agentId, 'missed', null, '未接');
  else if (target.agentId !== null && outcome === 'cancelled') ctx.agents.release(target.agentId);
  if (call.hasEnded) {
    if (outcome === 'answered') await ctx.ari.hangup(leg.legId).catch(() => undefined);
    return;
  }
  if (outcome !== 'answered') {
    ctx.log.warn({ callId: call.callId, target: target.label }, 'blind transfer not answered; caller back to the queue');
    call.fire('enqueue');
    await call.requeue(null);
    return;
  }
  if (call.bridgeId) await ctx.ari.addToBridge(call.bridgeId, [leg.legId]);
  await call.callerHold.release();
  call.attachParty(leg.legId, target.agentId);
  if (target.agentId !== null) {
    ctx.agents.transition(target.agentId, 'answer', call.callId);
    call.publish({ type: 'call.answered', agentId: target.agentId, recording: null });
  } else {
    call.transferredTo = target.label;
  }
}

/** A colleague receiving a transferred call gets the same screen-pop as for a call from the queue. */
export function popOnRing(call: InboundCall, leg: RingingLeg, agentId: number | null): void {
  if (agentId === null) return;
  void leg.ringing.then(() => call.publish({ type: 'call.offered', agentId, ivrSteps: [...call.ivrChoices], waitedMs: 0 }));
}
