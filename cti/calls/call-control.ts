/**
 * What an agent can do to their own call from the desktop. Every command names the call and is
 * refused unless that call is the agent's own; every change goes into the ticket history.
 */
import { appendTicketEvent } from '../../store/index.js';
import type { CallContext } from './call-context.js';
import type { InboundCall } from './inbound-call.js';

export class CallControlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CallControlError';
  }
}

export class CallControl {
  constructor(
    private readonly ctx: CallContext,
    private readonly findCall: (callId: string) => InboundCall | undefined,
  ) {}

  /** The call, if it is this agent's; otherwise a refusal that says why. */
  private own(callId: string, agentId: number): InboundCall {
    const call = this.findCall(callId);
    if (!call) throw new CallControlError('通话不存在或已结束');
    if (call.agentId !== agentId) throw new CallControlError('不能操作其他坐席的通话');
    return call;
  }

  private leg(call: InboundCall): string {
    if (!call.agentLegId) throw new CallControlError('通话尚未接通');
    return call.agentLegId;
  }

  private note(call: InboundCall, agentId: number, kind: string, note: string): void {
    const login = this.ctx.agents.get(agentId)?.login ?? String(agentId);
    appendTicketEvent(this.ctx.db, { ticketId: call.summary.ticketId, actor: login, kind, note });
  }

  async hangup(callId: string, agentId: number): Promise<void> {
    const call = this.own(callId, agentId);
    await call.finish('agent');
    await this.ctx.ari.hangup(this.leg(call)).catch(() => undefined);
  }

  /** 保持: the caller hears music while the agent is away. */
  async hold(callId: string, agentId: number): Promise<void> {
    const call = this.own(callId, agentId);
    if (!call.fire('hold')) throw new CallControlError(`当前状态不能保持: ${call.state}`);
    await this.ctx.ari.hold(this.leg(call));
    this.note(call, agentId, 'held', '坐席保持通话');
    call.publish({ type: 'call.held', agentId });
  }

  async resume(callId: string, agentId: number): Promise<void> {
    const call = this.own(callId, agentId);
    if (!call.fire('resume')) throw new CallControlError(`当前状态不能恢复: ${call.state}`);
    await this.ctx.ari.unhold(this.leg(call));
    this.note(call, agentId, 'resumed', '坐席恢复通话');
    call.publish({ type: 'call.resumed', agentId });
  }
}
