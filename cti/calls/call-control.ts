/**
 * What an agent can do to their own call from the desktop. Every command names the call and is
 * refused unless that call is the agent's own; every change goes into the ticket history.
 *
 * One transfer lock per call: a blind transfer, an attended transfer or a three-way call holds it
 * from its first step until it settles, and every other transfer, three-way or hold command on that
 * call is refused meanwhile (a double click starts one transfer, not two). The flow holding the lock
 * is also registered on the call, so the call's end stops it (`CallFlow.cancel`).
 *
 * What an agent may do now is `allowed-commands.ts`'s rule applied to `situation()`: the desktop
 * gateway sends `allowed()` with every event and refuses each command through `check()` first.
 */
import { noteTicket } from '../tickets/ticket-notes.js';
import { callStateLabel } from '../state-labels.js';
import { allowedCommands, refusalOf, type CommandSituation, type CommandType, type FlowStage } from './allowed-commands.js';
import { AttendedTransfer } from './attended-transfer.js';
import { BlindTransfer } from './blind-transfer.js';
import { clickToCall, type AdoptOutbound } from './click-to-call.js';
import { Conference } from './conference.js';
import { resolveTarget, type TransferTarget } from './transfer-target.js';
import type { TargetRing } from './target-ring.js';
import type { CallSummary } from '../events/domain-events.js';
import type { CallContext } from './call-context.js';
import { CallControlError } from './call-control-error.js';
import type { InboundCall } from './inbound-call.js';

type TransferFlow = BlindTransfer | AttendedTransfer | Conference;

/** A 外呼 ringing the citizen: the call as its pop showed it, and the missed call it returns (or null). */
export interface DiallingCall {
  call: CallSummary;
  missedCallId: number | null;
}

export class CallControl {
  /** callId → the transfer or three-way call running on it (the call's transfer lock). */
  private readonly locks = new Map<string, TransferFlow>();
  /** callId → the agent leg muted on it (a new leg, e.g. after a transfer, is not muted). */
  private readonly muted = new Map<string, string>();
  /** 外呼 still ringing the citizen: callId → the agent and their leg (hanging it up cancels the call), and the call as it popped. */
  private readonly dialling = new Map<string, DiallingCall & { agentId: number; legId: string }>();
  /** 外呼 not yet live as a call (agent's phone ringing, row written, citizen ringing): their call ids. */
  private readonly placing = new Set<string>();

  constructor(
    private readonly ctx: CallContext,
    private readonly findCall: (callId: string) => InboundCall | undefined,
    private readonly adoptOutbound: AdoptOutbound,
  ) {
    // 退出登录 while the phone rings: the registry (below the calls) asks through this seam for the ring to go.
    ctx.agents.setRingWithdrawal((agentId, callId) => this.withdrawRing(agentId, callId));
  }

  /**
   * Stops the ring of `callId` on the phone of an agent who logged out — a queue offer, or a
   * colleague's transfer or three-way call to them; true once it is withdrawn (the registry then signs
   * them out), false when it rings no more or was picked up at that moment.
   */
  private withdrawRing(agentId: number, callId: string): boolean {
    const call = this.findCall(callId);
    if (!call || call.hasEnded) return false;
    if (call.offeredTo === agentId) return call.withdrawOfferFrom(agentId, 'logged-out');
    return this.colleagueRing(callId, agentId)?.refuse(agentId, 'logged-out') ?? false;
  }

  /** The ring of a transfer or three-way call on the call that rings `agentId`'s phone now, if any. */
  private colleagueRing(callId: string, agentId: number): TargetRing | undefined {
    const ring = this.locks.get(callId)?.ringing;
    return ring?.ringsFor(agentId) ? ring : undefined;
  }

  /** Where the agent and their call stand, as the command rule sees it. */
  situation(agentId: number, named?: InboundCall): CommandSituation {
    const agent = this.ctx.agents.get(agentId);
    const call = named ?? (agent?.callId ? this.findCall(agent.callId) : undefined);
    const dialling = !named && agent?.callId ? this.dialling.get(agent.callId) : undefined;
    if (!call && dialling?.agentId === agentId) {
      return {
        agentState: agent?.state ?? 'offline',
        wrapUpExtended: false,
        call: { state: 'offered', own: true, offeredToMe: false, flow: null, muted: false, dialling: true },
      };
    }
    return {
      agentState: agent?.state ?? 'offline',
      wrapUpExtended: agent?.wrapUpExtended ?? false,
      call:
        call && !call.hasEnded
          ? {
              state: call.state,
              own: call.agentId === agentId,
              offeredToMe: call.offeredTo === agentId || this.colleagueRing(call.callId, agentId) !== undefined,
              flow: this.flowStage(call.callId),
              muted: call.agentLegId !== null && this.muted.get(call.callId) === call.agentLegId,
            }
          : null,
    };
  }

  /** The commands the agent may send now. */
  allowed(agentId: number): CommandType[] {
    return allowedCommands(this.situation(agentId));
  }

  /**
   * Refuses a command the rule does not allow now (the same rule as `allowed`), judged on the call it
   * names, which must be the agent's own (or ringing for them).
   */
  check(agentId: number, type: CommandType, callId?: string): void {
    let named: InboundCall | undefined;
    if (callId !== undefined && this.dialling.get(callId)?.agentId === agentId && !this.findCall(callId)) {
      const refusal = refusalOf(type, this.situation(agentId));
      if (refusal) throw new CallControlError(refusal);
      return;
    }
    if (callId !== undefined) {
      named = this.findCall(callId);
      if (!named || named.hasEnded) throw new CallControlError('通话不存在或已结束');
      if (named.agentId !== agentId && named.offeredTo !== agentId && !this.colleagueRing(named.callId, agentId)) throw new CallControlError('不能操作其他坐席的通话');
    }
    const refusal = refusalOf(type, this.situation(agentId, named));
    if (refusal) throw new CallControlError(refusal);
  }

  private flowStage(callId: string): FlowStage | null {
    const flow = this.locks.get(callId);
    if (!flow) return null;
    if (flow instanceof BlindTransfer) return 'blind';
    if (flow instanceof AttendedTransfer) return flow.current === 'talking' ? 'consult-talking' : 'consult-ringing';
    return flow.joined ? 'conference-joined' : 'conference-ringing';
  }

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
    void noteTicket(this.ctx, { ticketId: call.summary.ticketId, actor: login, kind, note });
  }

  private actor(agentId: number): string {
    return this.ctx.agents.get(agentId)?.login ?? String(agentId);
  }

  /** 转接: blind (the agent lets go now) or attended (the agent talks to the target first). */
  async transfer(callId: string, agentId: number, target: TransferTarget, mode: 'blind' | 'attended'): Promise<void> {
    let call = this.own(callId, agentId);
    this.unlocked(call);
    this.leg(call);
    if (call.state !== 'connected') throw new CallControlError(`${callStateLabel(call.state)}时不能转接`);
    const resolved = await resolveTarget(this.ctx.db, this.ctx.agents, target, this.ctx.clock.now(), 'transfer');
    // The same checks again: the call may have moved on (another command, a hang-up) while the target was looked up.
    call = this.own(callId, agentId);
    this.unlocked(call);
    const leg = this.leg(call);
    if (call.state !== 'connected') throw new CallControlError(`${callStateLabel(call.state)}时不能转接`);
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
    if (call.state !== 'connected') throw new CallControlError(`${callStateLabel(call.state)}时不能三方通话`);
    const resolved = await resolveTarget(this.ctx.db, this.ctx.agents, target, this.ctx.clock.now(), 'conference');
    // The same checks again: the call may have moved on while the target was looked up.
    this.unlocked(this.own(callId, agentId));
    if (call.state !== 'connected') throw new CallControlError(`${callStateLabel(call.state)}时不能三方通话`);
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

  /** 外呼 / 回拨: rings the agent's phone, then the citizen; resolves once they are connected. */
  async callBack(agentId: number, number: string, missedCallId?: number): Promise<void> {
    await clickToCall(this.ctx, this.adoptOutbound, agentId, number, missedCallId, {
      placing: (callId) => {
        this.placing.add(callId);
        return () => this.placing.delete(callId);
      },
      dialling: (call, missedCallId, legId) => {
        this.dialling.set(call.callId, { agentId, legId, call, missedCallId });
        return () => this.dialling.delete(call.callId);
      },
    });
  }

  /**
   * The 外呼 of `agentId` whose citizen still rings, when their state names it (it has no live call
   * yet): what a desktop reconnecting meanwhile gets back in `hello`, with the 挂断 `allowed` offers.
   */
  diallingCall(agentId: number): DiallingCall | undefined {
    const callId = this.ctx.agents.get(agentId)?.callId;
    const dialling = callId ? this.dialling.get(callId) : undefined;
    return dialling?.agentId === agentId && !this.findCall(dialling.call.callId) ? { call: dialling.call, missedCallId: dialling.missedCallId } : undefined;
  }

  /** A click-to-call this process is still placing: its row and legs belong to that attempt. */
  isPlacing(callId: string): boolean {
    return this.placing.has(callId);
  }

  /**
   * The agent leaves: their leg goes; the caller stays for the satisfaction survey, then is released.
   * While the agent's phone still rings for the call, 拒接: a queued call goes to the next agent; a
   * colleague's transfer or three-way call goes on as if they had not answered.
   */
  async hangup(callId: string, agentId: number): Promise<void> {
    const dialling = this.dialling.get(callId);
    if (dialling?.agentId === agentId) {
      // The citizen still rings: the agent's leg going ends the attempt (clickToCall tells the desktop).
      await this.ctx.ari.hangup(dialling.legId).catch(() => undefined);
      return;
    }
    const offered = this.findCall(callId);
    if (offered && offered.state === 'offered' && offered.offeredTo === agentId) {
      offered.withdrawOfferFrom(agentId, 'rejected');
      return;
    }
    // A colleague's phone rings for a transfer or three-way call to them: 拒接 stops it, and the flow
    // goes on as if they had not answered (target-ring.ts).
    const ring = this.colleagueRing(callId, agentId);
    if (ring) {
      if (!ring.refuse(agentId, 'rejected')) throw new CallControlError('振铃已结束');
      return;
    }
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

  /** 静音: the agent's microphone stops reaching anyone on the call (they still hear). */
  async mute(callId: string, agentId: number, on: boolean): Promise<void> {
    const call = this.own(callId, agentId);
    const leg = this.leg(call);
    if (on) {
      await this.ctx.ari.mute(leg, 'in');
      this.muted.set(callId, leg);
    } else {
      await this.ctx.ari.unmute(leg, 'in');
      this.muted.delete(callId);
    }
    call.whenEnded(() => this.muted.delete(callId));
  }

  /**
   * 拨号盘: digits to whoever the agent talks to now — a department's voice menu during a consultation
   * or three-way call, else the caller (e.g. a switchboard reached by 外呼).
   */
  async dtmf(callId: string, agentId: number, digits: string): Promise<void> {
    const call = this.own(callId, agentId);
    const flow = this.locks.get(callId);
    const party = flow instanceof AttendedTransfer ? flow.partyLegId : flow instanceof Conference ? flow.thirdLegId : call.channelId;
    if (!party) throw new CallControlError('没有可以接收按键的通话方');
    await this.ctx.ari.sendDtmf(party, digits);
  }

  /** 保持: the caller hears music and nothing of the agent; the agent hears nothing of the caller. */
  async hold(callId: string, agentId: number): Promise<void> {
    const call = this.own(callId, agentId);
    this.unlocked(call);
    this.leg(call);
    // Held from the first step, so that no other command (a transfer, a second 保持) runs meanwhile.
    if (!call.fire('hold')) throw new CallControlError(`${callStateLabel(call.state)}时不能保持`);
    try {
      await call.callerHold.hold();
    } catch (error) {
      // Asterisk did not put the caller on hold (caller-hold.ts undid what it had done): they still
      // talk with the agent, and the desk keeps offering 保持, not 恢复.
      if (call.state === 'held') call.fire('resume');
      this.ctx.log.error({ err: error, callId }, 'hold refused by the PBX; the call stays connected');
      throw new CallControlError('保持失败：电话系统未能将来电人置于保持，通话仍在继续，请稍后重试');
    }
    this.note(call, agentId, 'held', '坐席保持通话');
    call.publish({ type: 'call.held', agentId });
  }

  async resume(callId: string, agentId: number): Promise<void> {
    const call = this.own(callId, agentId);
    this.unlocked(call);
    this.leg(call);
    if (!call.fire('resume')) throw new CallControlError(`${callStateLabel(call.state)}时不能恢复`);
    try {
      await call.callerHold.release();
    } catch (error) {
      // Not back in the call's bridge: the caller is still on hold, and the desk keeps offering 恢复.
      if (call.state === 'connected' && call.callerHold.isHeld) call.fire('hold');
      this.ctx.log.error({ err: error, callId }, 'resume refused by the PBX; the caller stays on hold');
      throw new CallControlError('恢复失败：电话系统未能将来电人接回通话，来电人仍在保持中，请稍后重试');
    }
    this.note(call, agentId, 'resumed', '坐席恢复通话');
    call.publish({ type: 'call.resumed', agentId });
  }
}
