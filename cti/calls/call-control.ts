/**
 * What an agent can do to their own call from the desktop. Every command names the call and is
 * refused unless that call is the agent's own; every change goes into the ticket history.
 *
 * One transfer lock per call: a blind transfer, an attended transfer or a three-way call holds it
 * from its first step until it settles, and every other transfer, three-way or hold command on that
 * call is refused meanwhile (a double click starts one transfer, not two). The flow holding the lock
 * is also registered on the call, so the call's end stops it (`CallFlow.cancel`).
 */
import { appendTicketEvent } from '../../store/index.js';
import { AttendedTransfer } from './attended-transfer.js';
import { BlindTransfer } from './blind-transfer.js';
import { clickToCall, type AdoptOutbound } from './click-to-call.js';
import { Conference } from './conference.js';
import { resolveTarget, type TransferTarget } from './transfer-target.js';
import type { CallContext } from './call-context.js';
import { CallControlError } from './call-control-error.js';
import type { InboundCall } from './inbound-call.js';

type TransferFlow = BlindTransfer | AttendedTransfer | Conference;

export class CallControl {
  /** callId → the transfer or three-way call running on it (the call's transfer lock). */
  private readonly locks = new Map<string, TransferFlow>();

  constructor(
    private readonly ctx: CallContext,
    private readonly findCall: (callId: string) => InboundCall | undefined,
    private readonly adoptOutbound: AdoptOutbound,
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

  /** Refuses while a transfer or three-way call holds the call's lock. */
  private unlocked(call: InboundCall): void {
    const flow = this.locks.get(call.callId);
    if (!flow) return;
    throw new CallControlError(flow instanceof Conference && flow.joined ? '已在三方通话中' : '正在转接中，请稍候');
  }

  /** Takes the call's lock for `flow` (synchronously, before any step of it runs). */
  private lock<F extends TransferFlow>(call: InboundCall, create: (release: () => void) => F): F {
    this.unlocked(call);
    let released = false;
    const release = () => {
      released = true;
      if (this.locks.get(call.callId) === flow) this.locks.delete(call.callId);
    };
    const flow = create(release);
    if (!released) this.locks.set(call.callId, flow);
    return flow;
  }

  private note(call: InboundCall, agentId: number, kind: string, note: string): void {
    const login = this.ctx.agents.get(agentId)?.login ?? String(agentId);
    appendTicketEvent(this.ctx.db, { ticketId: call.summary.ticketId, actor: login, kind, note });
  }

  private actor(agentId: number): string {
    return this.ctx.agents.get(agentId)?.login ?? String(agentId);
  }

  /** 转接: blind (the agent lets go now) or attended (the agent talks to the target first). */
  transfer(callId: string, agentId: number, target: TransferTarget, mode: 'blind' | 'attended'): void {
    const call = this.own(callId, agentId);
    this.unlocked(call);
    const leg = this.leg(call);
    if (call.state !== 'connected') throw new CallControlError(`当前状态不能转接: ${call.state}`);
    const resolved = resolveTarget(this.ctx.db, this.ctx.agents, target, this.ctx.clock.now());
    if (mode === 'blind') {
      // The agent is released at once; the transfer goes on without them.
      const transfer = this.lock(call, (release) => new BlindTransfer(this.ctx, call, agentId, resolved, this.actor(agentId), release));
      void transfer.run();
      return;
    }
    if (resolved.kind !== 'phone') throw new CallControlError('咨询转接需要一个可拨打的目标');
    this.lock(call, (release) => new AttendedTransfer(this.ctx, call, agentId, leg, resolved, this.actor(agentId), release));
  }

  async completeTransfer(callId: string, agentId: number): Promise<void> {
    this.own(callId, agentId);
    const transfer = this.locks.get(callId);
    if (!(transfer instanceof AttendedTransfer)) throw new CallControlError('没有进行中的咨询转接');
    await transfer.complete();
  }

  /** Stops the consultation or the three-way call that is ringing: the agent is back with the caller. */
  async cancelTransfer(callId: string, agentId: number): Promise<void> {
    this.own(callId, agentId);
    const flow = this.locks.get(callId);
    if (flow instanceof BlindTransfer) throw new CallControlError('通话已转出，不能取消');
    if (!flow || (flow instanceof Conference && flow.joined)) throw new CallControlError('没有进行中的咨询转接');
    await flow.cancel('agent');
  }

  /** 三方通话: the target joins the caller and the agent. Resolves once they joined. */
  async conference(callId: string, agentId: number, target: TransferTarget): Promise<void> {
    const call = this.own(callId, agentId);
    this.unlocked(call);
    const leg = this.leg(call);
    if (call.state !== 'connected') throw new CallControlError(`当前状态不能三方通话: ${call.state}`);
    const resolved = resolveTarget(this.ctx.db, this.ctx.agents, target, this.ctx.clock.now());
    if (resolved.kind !== 'phone') throw new CallControlError('三方通话需要一个可拨打的目标');
    const conference = this.lock(call, (release) => new Conference(this.ctx, call, agentId, leg, resolved, this.actor(agentId), release));
    await conference.start();
  }

  async kick(callId: string, agentId: number, party: 'agent' | 'third'): Promise<void> {
    this.own(callId, agentId);
    const conference = this.locks.get(callId);
    if (!(conference instanceof Conference) || !conference.joined) throw new CallControlError('没有进行中的三方通话');
    await conference.kick(party);
  }

  /** The agent leaves: their leg goes; the caller stays for the satisfaction survey, then is released. */
  /** 回拨: rings the agent's phone, then the citizen; resolves once they are connected. */
  async callBack(agentId: number, number: string): Promise<void> {
    await clickToCall(this.ctx, this.adoptOutbound, agentId, number);
  }

  async hangup(callId: string, agentId: number): Promise<void> {
    const call = this.own(callId, agentId);
    const leg = this.leg(call);
    const flow = this.locks.get(callId);
    if (flow instanceof BlindTransfer) throw new CallControlError('通话已转出');
    if (flow) {
      // Like the agent's phone hanging up: a consultation completes, a three-way call goes on without them.
      await this.ctx.ari.hangup(leg).catch(() => undefined);
      return;
    }
    call.finish('agent').catch((error: unknown) => this.ctx.log.error({ err: error, callId }, 'ending the call failed'));
    await this.ctx.ari.hangup(leg).catch(() => undefined);
  }

  /** 保持: the caller hears music and nothing of the agent; the agent hears nothing of the caller. */
  async hold(callId: string, agentId: number): Promise<void> {
    const call = this.own(callId, agentId);
    this.unlocked(call);
    this.leg(call);
    if (!call.fire('hold')) throw new CallControlError(`当前状态不能保持: ${call.state}`);
    await call.callerHold.hold();
    this.note(call, agentId, 'held', '坐席保持通话');
    call.publish({ type: 'call.held', agentId });
  }

  async resume(callId: string, agentId: number): Promise<void> {
    const call = this.own(callId, agentId);
    this.unlocked(call);
    this.leg(call);
    if (!call.fire('resume')) throw new CallControlError(`当前状态不能恢复: ${call.state}`);
    await call.callerHold.release();
    this.note(call, agentId, 'resumed', '坐席恢复通话');
    call.publish({ type: 'call.resumed', agentId });
  }
}
