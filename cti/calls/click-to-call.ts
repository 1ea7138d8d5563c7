/**
 * Click-to-call (回拨) from the agent desktop: the agent's own phone rings first; when they pick up,
 * the citizen is dialled on the trunk and both are bridged. Used for missed-call callbacks (漏接回拨).
 * Either side hanging up ends it; the agent goes to wrap-up as after any call.
 */
import type { AriEvent } from '../ari/ari-types.js';
import type { CallContext } from './call-context.js';
import { CallControlError } from './call-control-error.js';
import { ringFailureText, ringLeg } from './ring-leg.js';
import { trunkDial } from './transfer-target.js';

export async function clickToCall(ctx: CallContext, agentId: number, number: string): Promise<void> {
  const agent = ctx.agents.get(agentId);
  if (!agent?.endpoint) throw new CallControlError('坐席未登录');
  const callId = `callback-${agentId}-${ctx.clock.now().getTime()}`;
  if (!ctx.agents.transition(agentId, 'offer', callId)) throw new CallControlError(`当前状态不能外呼: ${agent.state}（请先示闲）`);
  const own = ringLeg(ctx, { callId, callerNumber: number, hotline: '回拨' }, agent.endpoint, 'callback');
  if ((await own.outcome) !== 'answered') {
    ctx.agents.transition(agentId, 'offer-cancelled', null);
    throw new CallControlError(`坐席话机${ringFailureText(own.failure)}`);
  }
  ctx.agents.transition(agentId, 'answer', callId);
  const citizen = ringLeg(ctx, { callId, callerNumber: '12345', hotline: '12345' }, trunkDial(number), 'callback');
  const stopAgentWatch = ctx.router.listen(own.legId, (e) => {
    if (e.type === 'StasisEnd' || e.type === 'ChannelHangupRequest') citizen.cancel();
  });
  const outcome = await citizen.outcome;
  stopAgentWatch();
  if (outcome !== 'answered') {
    await ctx.ari.hangup(own.legId).catch(() => undefined);
    ctx.agents.transition(agentId, 'call-end', null);
    throw new CallControlError(`外呼失败：${ringFailureText(citizen.failure)}`);
  }
  const bridge = await ctx.ari.createBridge('mixing', callId);
  await ctx.ari.addToBridge(bridge.id, [own.legId, citizen.legId]);
  let ended = false;
  const stops: (() => void)[] = [];
  const end = (event: AriEvent) => {
    if (ended || (event.type !== 'StasisEnd' && event.type !== 'ChannelHangupRequest')) return;
    ended = true;
    for (const stop of stops) stop();
    void Promise.all([own.legId, citizen.legId].map((leg) => ctx.ari.hangup(leg).catch(() => undefined)))
      .then(() => ctx.ari.destroyBridge(bridge.id).catch(() => undefined))
      .finally(() => ctx.agents.transition(agentId, 'call-end', null));
  };
  stops.push(ctx.router.listen(own.legId, end), ctx.router.listen(citizen.legId, end));
}
