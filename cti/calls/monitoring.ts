/**
 * Supervisor monitoring of an agent's call through ARI snoop channels: listen (监听: hears both sides,
 * heard by nobody), whisper (耳语: also heard by the agent only), barge (强插: joins the call's bridge).
 * The supervisor's own phone rings; when they answer it is bridged with the snoop (or the call).
 */
import { randomUUID } from 'node:crypto';
import type { CallContext } from './call-context.js';
import { CallControlError } from './call-control-error.js';
import type { InboundCall } from './inbound-call.js';
import { ringFailureText, ringLeg } from './ring-leg.js';

export type MonitorMode = 'listen' | 'whisper' | 'barge';

const MODE_NAMES: Record<MonitorMode, string> = { listen: '监听', whisper: '耳语', barge: '强插' };

/** Where the supervisor's phone is wired: a snoop on the agent in a bridge of its own, or the call's bridge. */
interface Wiring {
  mode: MonitorMode;
  snoopId: string | null;
  bridgeId: string | null;
}

/** Why a monitoring session ended without the supervisor's 停止 (told to their wallboard). */
export type MonitorStopReason = 'agent-left' | 'call-ended' | 'supervisor-hung-up';

export interface MonitorStopped {
  supervisor: string;
  agentId: number;
  callId: string;
  reason: MonitorStopReason;
}

/**
 * How long the supervisor may monitor beyond the call itself: given `end`, arranges for it to be
 * called (e.g. when the supervisor's login session ends) and returns what undoes that arrangement.
 */
export type MonitorLifetime = (end: () => void) => () => void;

/** A supervisor monitoring one agent's leg on one call. */
interface Session extends Wiring {
  supervisor: string;
  agentId: number;
  call: InboundCall;
  /** The agent's leg on the call when monitoring started: the session ends when it leaves the call. */
  agentLegId: string;
  supervisorLeg: string;
  /** Set while the mode is being changed: one change at a time. */
  switching: boolean;
  /** Removes the session's listeners (supervisor's phone, agent's leg, the call's events and end). */
  unlisten: () => void;
  /** Undoes the lifetime given by the latest start or switch (nothing when none was given). */
  untie: () => void;
}

export class Monitoring {
  private readonly sessions = new Map<string, Session>();
  private readonly stoppedListeners = new Set<(stopped: MonitorStopped) => void>();

  constructor(
    private readonly ctx: CallContext,
    private readonly callOfAgent: (agentId: number) => InboundCall | undefined,
  ) {}

  private key(supervisor: string, agentId: number): string {
    return `${supervisor}:${agentId}`;
  }

  /** Hears of every session that ended other than by the supervisor's 停止 (the wallboard is told). */
  onStopped(listener: (stopped: MonitorStopped) => void): () => void {
    this.stoppedListeners.add(listener);
    return () => {
      this.stoppedListeners.delete(listener);
    };
  }

  private liveCall(agentId: number): InboundCall & { agentLegId: string; bridgeId: string } {
    const call = this.callOfAgent(agentId);
    if (!call?.agentLegId || !call.bridgeId || call.state === 'ended' || call.hasEnded) throw new CallControlError('该坐席当前没有通话');
    return call as InboundCall & { agentLegId: string; bridgeId: string };
  }

  /**
   * Resolves once the supervisor's phone answered and hears the call. A supervisor already
   * monitoring the agent on this call switches mode on the phone they already hold (监听 → 耳语 →
   * 强插 and back), without stopping first. A session left from a call the agent is no longer on is
   * ended first, and monitoring starts afresh on the agent's current call. `lifetime`: what else ends
   * the session (the supervisor's login session, say); a switch takes the latest one given.
   */
  async start(supervisor: string, supervisorEndpoint: string, agentId: number, mode: MonitorMode, lifetime?: MonitorLifetime): Promise<void> {
    const call = this.liveCall(agentId);
    const key = this.key(supervisor, agentId);
    const current = this.sessions.get(key);
    if (current && current.call === call && current.agentLegId === call.agentLegId) {
      await this.switchMode(key, current, mode);
      this.tie(current, lifetime);
      return;
    }
    if (current) await this.end(current, 'agent-left');
    const agentLegId = call.agentLegId;
    const leg = ringLeg(this.ctx, { ...call.summary, hotline: `监控 ${mode}` }, supervisorEndpoint, 'supervisor');
    const outcome = await leg.outcome;
    if (outcome !== 'answered') throw new CallControlError(`班长话机${ringFailureText(leg.failure)}`);
    if (this.sessions.has(key) || call.hasEnded || call.agentLegId !== agentLegId || !call.bridgeId) {
      await this.ctx.ari.hangup(leg.legId).catch(() => undefined);
      throw new CallControlError(this.sessions.has(key) ? '已在监控该坐席' : call.hasEnded ? '通话已结束' : '坐席已离开该通话');
    }
    const session: Session = {
      mode,
      snoopId: null,
      bridgeId: null,
      supervisor,
      agentId,
      call,
      agentLegId,
      supervisorLeg: leg.legId,
      switching: true,
      unlisten: () => undefined,
      untie: () => undefined,
    };
    session.unlisten = this.watch(session);
    this.tie(session, lifetime);
    this.sessions.set(key, session);
    try {
      Object.assign(session, await this.wire({ callId: call.callId, agentLegId, bridgeId: call.bridgeId }, leg.legId, mode));
    } catch (error) {
      await this.end(session, null);
      throw error;
    } finally {
      session.switching = false;
    }
    // Ended (phone hung up, agent left, call ended) while the wiring was being made: take it down too.
    if (this.sessions.get(key) !== session) await this.unwire(session, call.bridgeId);
  }

  /**
   * The session lasts while the supervisor's phone is up and the agent's leg is on the call: it ends
   * with the supervisor's hang-up, the agent's leg leaving (hung up, transferred away, the caller
   * sent back to the queue, a lost line) or the call's end. Each listener ends this session only.
   */
  private watch(session: Session): () => void {
    const { call, agentId } = session;
    const onPhone = (reason: MonitorStopReason) => (e: { type: string }) => {
      // The agent hanging up ends the call too (the call hears of it first): told as the call's end.
      if (e.type === 'StasisEnd' || e.type === 'ChannelHangupRequest') void this.end(session, reason === 'agent-left' && call.hasEnded ? 'call-ended' : reason);
    };
    const unlistenSupervisor = this.ctx.router.listen(session.supervisorLeg, onPhone('supervisor-hung-up'));
    const unlistenAgent = this.ctx.router.listen(session.agentLegId, onPhone('agent-left'));
    const unsubscribe = this.ctx.bus.subscribe((event) => {
      if (!('call' in event) || event.call.callId !== call.callId || call.hasEnded) return;
      const transferredAway = event.type === 'call.transferred' && event.fromAgentId === agentId;
      if (transferredAway || call.agentId !== agentId || call.agentLegId !== session.agentLegId) void this.end(session, 'agent-left');
    });
    const unlistenEnd = call.whenEnded(() => void this.end(session, 'call-ended'));
    return () => {
      unlistenSupervisor();
      unlistenAgent();
      unsubscribe();
      unlistenEnd();
    };
  }

  /** The session also ends when `lifetime` says so (replacing the one given before, if any). */
  private tie(session: Session, lifetime: MonitorLifetime | undefined): void {
    if (!lifetime) return;
    session.untie();
    session.untie = lifetime(() => void this.end(session, null));
  }

  /** What a supervisor monitors now: each agent, the call and the mode (for a wallboard opened again). */
  sessionsOf(supervisor: string): { agentId: number; callId: string; mode: MonitorMode }[] {
    return [...this.sessions.values()].filter((s) => s.supervisor === supervisor).map((s) => ({ agentId: s.agentId, callId: s.call.callId, mode: s.mode }));
  }

  /** The mode a supervisor monitors an agent in, or null. */
  modeOf(supervisor: string, agentId: number): MonitorMode | null {
    return this.sessions.get(this.key(supervisor, agentId))?.mode ?? null;
  }

  private async switchMode(key: string, session: Session, mode: MonitorMode): Promise<void> {
    if (session.mode === mode) throw new CallControlError(`已在${MODE_NAMES[mode]}该坐席`);
    if (session.switching) throw new CallControlError('正在切换监控方式，请稍候');
    session.switching = true;
    try {
      const bridgeId = session.call.bridgeId;
      if (!bridgeId || session.call.hasEnded) throw new CallControlError('该坐席当前没有通话');
      await this.unwire(session, bridgeId);
      Object.assign(session, await this.wire({ callId: session.call.callId, agentLegId: session.agentLegId, bridgeId }, session.supervisorLeg, mode));
      // Stopped (phone hung up, agent left, call ended) while the new wiring was being made: take it down too.
      if (this.sessions.get(key) !== session) await this.unwire(session, bridgeId);
    } finally {
      session.switching = false;
    }
  }

  /**
   * 强插 puts the supervisor's phone in the call's bridge; 监听/耳语 give it a snoop on the agent's leg
   * (耳语: the snoop also whispers into the agent's ear) in a bridge of their own. Switching
   * replaces the snoop, as a real Asterisk was driven in the recorded monitoring run.
   */
  private async wire(call: { callId: string; agentLegId: string; bridgeId: string }, legId: string, mode: MonitorMode): Promise<Wiring> {
    if (mode === 'barge') {
      await this.ctx.ari.addToBridge(call.bridgeId, [legId]);
      return { mode, snoopId: null, bridgeId: null };
    }
    const snoopId = `snoop-${randomUUID()}`;
    await this.ctx.ari.snoop(call.agentLegId, snoopId, 'both', mode === 'whisper' ? 'out' : 'none', ['snoop', call.callId]);
    const bridge = await this.ctx.ari.createBridge('mixing', `monitor-${call.callId}`, { near: snoopId });
    await this.ctx.ari.addToBridge(bridge.id, [snoopId, legId]);
    return { mode, snoopId, bridgeId: bridge.id };
  }

  private async unwire(wiring: Wiring & { supervisorLeg: string }, callBridgeId: string): Promise<void> {
    if (wiring.mode === 'barge') await this.ctx.ari.removeFromBridge(callBridgeId, [wiring.supervisorLeg]).catch(() => undefined);
    if (wiring.snoopId) await this.ctx.ari.hangup(wiring.snoopId).catch(() => undefined);
    if (wiring.bridgeId) await this.ctx.ari.destroyBridge(wiring.bridgeId).catch(() => undefined);
  }

  /** 停止: ends the supervisor's monitoring of the agent. */
  async stop(supervisor: string, agentId: number): Promise<void> {
    const session = this.sessions.get(this.key(supervisor, agentId));
    if (!session) throw new CallControlError('没有进行中的监控');
    await this.end(session, null);
  }

  /**
   * Ends this session (never another one of the same supervisor and agent): its listeners go, the
   * supervisor's phone, the snoop and its bridge are hung up. `reason`: why, told to the wallboard;
   * null for the supervisor's own 停止.
   */
  private async end(session: Session, reason: MonitorStopReason | null): Promise<void> {
    const key = this.key(session.supervisor, session.agentId);
    if (this.sessions.get(key) !== session) return;
    this.sessions.delete(key);
    session.unlisten();
    session.untie();
    if (session.mode === 'barge' && session.call.bridgeId) await this.ctx.ari.removeFromBridge(session.call.bridgeId, [session.supervisorLeg]).catch(() => undefined);
    for (const channel of [session.supervisorLeg, session.snoopId]) {
      if (channel) await this.ctx.ari.hangup(channel).catch(() => undefined);
    }
    if (session.bridgeId) await this.ctx.ari.destroyBridge(session.bridgeId).catch(() => undefined);
    if (reason === null) return;
    const stopped: MonitorStopped = { supervisor: session.supervisor, agentId: session.agentId, callId: session.call.callId, reason };
    for (const listener of this.stoppedListeners) {
      try {
        listener(stopped);
      } catch (error) {
        this.ctx.log.error({ err: error, ...stopped }, 'telling the wallboard that monitoring ended failed');
      }
    }
  }
}
