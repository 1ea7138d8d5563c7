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

interface Session extends Wiring {
  supervisorLeg: string;
  /** Set while the mode is being changed: one change at a time. */
  switching: boolean;
  stop: () => void;
}

export class Monitoring {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly ctx: CallContext,
    private readonly callOfAgent: (agentId: number) => InboundCall | undefined,
  ) {}

  private key(supervisor: string, agentId: number): string {
    return `${supervisor}:${agentId}`;
  }

  private liveCall(agentId: number): InboundCall & { agentLegId: string; bridgeId: string } {
    const call = this.callOfAgent(agentId);
    if (!call?.agentLegId || !call.bridgeId || call.state === 'ended' || call.hasEnded) throw new CallControlError('该坐席当前没有通话');
    return call as InboundCall & { agentLegId: string; bridgeId: string };
  }

  /**
   * Resolves once the supervisor's phone answered and hears the call. A supervisor already
   * monitoring the agent switches mode on the phone they already hold (监听 → 耳语 → 强插 and back),
   * without stopping first.
   */
  async start(supervisor: string, supervisorEndpoint: string, agentId: number, mode: MonitorMode): Promise<void> {
    const call = this.liveCall(agentId);
    const key = this.key(supervisor, agentId);
    const current = this.sessions.get(key);
    if (current) return this.switchMode(key, current, agentId, mode);
    const leg = ringLeg(this.ctx, { ...call.summary, hotline: `监控 ${mode}` }, supervisorEndpoint, 'supervisor');
    const outcome = await leg.outcome;
    if (outcome !== 'answered') throw new CallControlError(`班长话机${ringFailureText(leg.failure)}`);
    if (this.sessions.has(key) || call.hasEnded || !call.agentLegId || !call.bridgeId) {
      await this.ctx.ari.hangup(leg.legId).catch(() => undefined);
      throw new CallControlError(this.sessions.has(key) ? '已在监控该坐席' : '通话已结束');
    }
    const wiring = await this.wire(call, leg.legId, mode);
    // The session ends with the supervisor's phone, or with the call.
    const end = () => void this.stop(supervisor, agentId).catch(() => undefined);
    const unlistenLeg = this.ctx.router.listen(leg.legId, (e) => {
      if (e.type === 'StasisEnd' || e.type === 'ChannelHangupRequest') end();
    });
    call.whenEnded(end);
    this.sessions.set(key, { ...wiring, supervisorLeg: leg.legId, switching: false, stop: unlistenLeg });
  }

  /** The mode a supervisor monitors an agent in, or null. */
  modeOf(supervisor: string, agentId: number): MonitorMode | null {
    return this.sessions.get(this.key(supervisor, agentId))?.mode ?? null;
  }

  private async switchMode(key: string, session: Session, agentId: number, mode: MonitorMode): Promise<void> {
    if (session.mode === mode) throw new CallControlError(`已在${MODE_NAMES[mode]}该坐席`);
    if (session.switching) throw new CallControlError('正在切换监控方式，请稍候');
    session.switching = true;
    try {
      const call = this.liveCall(agentId);
      await this.unwire(session, call.bridgeId);
      Object.assign(session, await this.wire(call, session.supervisorLeg, mode));
      // Stopped (phone hung up, call ended) while the new wiring was being made: take it down too.
      if (this.sessions.get(key) !== session) await this.unwire(session, call.bridgeId);
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

  async stop(supervisor: string, agentId: number): Promise<void> {
    const key = this.key(supervisor, agentId);
    const session = this.sessions.get(key);
    if (!session) throw new CallControlError('没有进行中的监控');
    this.sessions.delete(key);
    session.stop();
    for (const channel of [session.supervisorLeg, session.snoopId]) {
      if (channel) await this.ctx.ari.hangup(channel).catch(() => undefined);
    }
    if (session.bridgeId) await this.ctx.ari.destroyBridge(session.bridgeId).catch(() => undefined);
  }
}
