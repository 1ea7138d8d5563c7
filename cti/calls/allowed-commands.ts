/**
 * Which desktop commands an agent may send now — the one rule both the desktop's buttons and the
 * command handlers follow. `refusalOf` says why a command is refused (in Chinese, naming states by
 * their Chinese names), or null when it is accepted; `allowedCommands` is every command it accepts.
 * The server sends `allowedCommands` with each event and refuses every command through `refusalOf`,
 * so a button the desktop shows enabled is a command the server takes, and the other way round.
 * A pure function of the agent's state and their call's state.
 */
import type { AgentState } from '../events/domain-events.js';
import { agentStateLabel, callStateLabel } from '../state-labels.js';
import type { CallState } from './call-state-machine.js';

export const COMMAND_TYPES = [
  'agent.ready',
  'agent.notReady',
  'agent.wrapUp.extend',
  'call.dial',
  'call.hangup',
  'call.hold',
  'call.resume',
  'call.mute',
  'call.unmute',
  'call.dtmf',
  'call.transfer',
  'call.transfer.complete',
  'call.transfer.cancel',
  'call.conference',
  'call.kick',
] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

/** The transfer or three-way call running on the call (its lock), as far as commands care. */
export type FlowStage = 'blind' | 'consult-ringing' | 'consult-talking' | 'conference-ringing' | 'conference-joined';

export interface CallSituation {
  state: CallState;
  /** The agent is the call's party (answered it), not just being rung for it. */
  own: boolean;
  /**
   * The agent's phone is ringing for this call now, theirs to refuse (拒接): a queue offer, or a
   * colleague's transfer or three-way call to them.
   */
  offeredToMe: boolean;
  flow: FlowStage | null;
  /** The agent's microphone is muted on this call. */
  muted: boolean;
  /** A call the agent placed whose citizen is still being rung (the agent is on the line, waiting). */
  dialling?: boolean;
}

export interface CommandSituation {
  agentState: AgentState;
  /** In wrap-up: whether it was extended already (it can be, once). */
  wrapUpExtended: boolean;
  /** The call the agent is ringing for or talking on, or null. */
  call: CallSituation | null;
}

/** Call states in which the agent has a live leg in the call. */
const TALKING: readonly CallState[] = ['connected', 'held', 'consulting', 'conference'];

export function refusalOf(type: CommandType, s: CommandSituation): string | null {
  const agent = agentStateLabel(s.agentState);
  switch (type) {
    case 'agent.ready':
      // Already 示闲 is accepted (nothing changes), so a second press is never an error.
      return s.agentState === 'ready' || s.agentState === 'not_ready' || s.agentState === 'wrap_up' ? null : `${agent}时不能示闲`;
    case 'agent.notReady':
      return s.agentState === 'ready' || s.agentState === 'not_ready' || s.agentState === 'wrap_up' ? null : `${agent}时不能示忙`;
    case 'agent.wrapUp.extend':
      if (s.agentState !== 'wrap_up') return '不在话后整理中';
      return s.wrapUpExtended ? '话后整理只能延长一次' : null;
    case 'call.dial':
      return s.agentState === 'ready' ? null : `${agent}时不能外呼，请先示闲`;
    default:
      return callRefusal(type, s.call);
  }
}

function callRefusal(type: Exclude<CommandType, `agent.${string}` | 'call.dial'>, c: CallSituation | null): string | null {
  if (!c) return '当前没有通话';
  if (type === 'call.hangup' && c.offeredToMe) return null; // 拒接
  if (c.dialling) return type === 'call.hangup' ? null : '对方尚未接听';
  if (!c.own) return c.offeredToMe ? '来电尚未接听，请在话机上接听' : '不能操作其他坐席的通话';
  const state = callStateLabel(c.state);
  // One transfer or three-way call at a time (the call's transfer lock), and no hold meanwhile.
  const lockCommands: CommandType[] = ['call.transfer', 'call.conference', 'call.hold', 'call.resume'];
  if (c.flow && lockCommands.includes(type)) return c.flow === 'conference-joined' ? '已在三方通话中' : '正在转接中，请稍候';
  if (c.flow === 'blind') return '通话已转出';
  const talking = TALKING.includes(c.state);
  switch (type) {
    case 'call.hangup':
      return talking ? null : `${state}时不能挂断`;
    case 'call.hold':
      return c.state === 'connected' && !c.flow ? null : `${state}时不能保持`;
    case 'call.resume':
      return c.state === 'held' && !c.flow ? null : `${state}时不能恢复`;
    case 'call.mute':
      if (!talking) return `${state}时不能静音`;
      return c.muted ? '已经静音' : null;
    case 'call.unmute':
      return talking && c.muted ? null : '没有静音';
    case 'call.dtmf':
      // Digits go to whoever the agent talks to: the caller, the consulted party, the third party.
      // (While a third party still rings, the caller waits with music: nobody to send digits to.)
      return (c.state === 'connected' && !c.flow) || c.flow === 'consult-talking' || c.flow === 'conference-joined' ? null : `${state}时不能发送按键`;
    case 'call.transfer':
      return c.state === 'connected' && !c.flow ? null : `${state}时不能转接`;
    case 'call.conference':
      return c.state === 'connected' && !c.flow ? null : `${state}时不能三方通话`;
    case 'call.transfer.complete':
      if (c.flow === 'consult-talking') return null;
      return c.flow === 'consult-ringing' ? '对方尚未接听' : '没有进行中的咨询转接';
    case 'call.transfer.cancel':
      return c.flow === 'consult-ringing' || c.flow === 'consult-talking' || c.flow === 'conference-ringing' ? null : '没有进行中的咨询转接';
    case 'call.kick':
      return c.flow === 'conference-joined' ? null : '没有进行中的三方通话';
  }
}

export function allowedCommands(s: CommandSituation): CommandType[] {
  return COMMAND_TYPES.filter((type) => refusalOf(type, s) === null);
}
