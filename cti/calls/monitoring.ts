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

interface Session {
  supervisorLeg: string;
  snoopId: string | null;
  bridgeId: string | null;
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

  /** Resolves once the supervisor's phone answered and hears the call. */
  async start(supervisor: string, supervisorEndpoint: string, agentId: number, mode: MonitorMode): Promise<void> {
    const call = this.callOfAgent(agentId);
    if (!call?.agentLegId || !call.bridgeId || call.state === 'ended') throw new CallControlError('该坐席当前没有通话');
    const key = this.key(supervisor, agentId);
    if (this.sessions.has(key)) throw new CallControlError('已在监控该坐席');
    const leg = ringLeg(this.ctx, { ...call.summary, hotline: `监控 ${mode}` }, supervisorEndpoint, 'supervisor');
    const outcome = await leg.outcome;
    if (outcome !== 'answered') throw new CallControlError(`班长话机${ringFailureText(leg.failure)}`);
    if (call.hasEnded || !call.agentLegId || !call.bridgeId) {
      await this.ctx.ari.hangup(leg.legId).catch(() => undefined);
      throw new CallControlError('通话已结束');
    }
    let snoopId: string | null = null;
    let bridgeId: string | null = null;
    if (mode === 'barge') {
      await this.ctx.ari.addToBridge(call.bridgeId, [leg.legId]);
    } else {
      snoopId = `snoop-${randomUUID()}`;
      await this.ctx.ari.snoop(call.agentLegId, snoopId, 'both', mode === 'whisper' ? 'out' : 'none', ['snoop', call.callId]);
      const bridge = await this.ctx.ari.createBridge('mixing', `monitor-${call.callId}`);
      bridgeId = bridge.id;
      await this.ctx.ari.addToBridge(bridge.id, [snoopId, leg.legId]);
    }
    // The session ends with the supervisor's phone, or with the call.
    const end = () => void this.stop(supervisor, agentId).catch(() => undefined);
    const unlistenLeg = this.ctx.router.listen(leg.legId, (e) => {
      if (e.type === 'StasisEnd' || e.type === 'ChannelHangupRequest') end();
    });
    call.whenEnded(end);
    this.sessions.set(key, { supervisorLeg: leg.legId, snoopId, bridgeId, stop: unlistenLeg });
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
