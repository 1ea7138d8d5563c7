/**
 * The Chinese names of agent and call states, for every message an agent or supervisor reads (a
 * refusal never shows `not_ready` or `consulting`). The pages have their own copy for display.
 */
import type { AgentState } from './events/domain-events.js';
import type { CallState } from './calls/call-state-machine.js';

const AGENT_STATE_LABELS: Record<AgentState, string> = {
  offline: '签出',
  ready: '示闲',
  not_ready: '示忙',
  ringing: '振铃',
  on_call: '通话中',
  wrap_up: '话后整理',
};

const CALL_STATE_LABELS: Record<CallState, string> = {
  arriving: '进线',
  ivr: '语音导航',
  queued: '排队中',
  offered: '振铃中',
  connected: '通话中',
  held: '保持中',
  transferring: '转接中',
  consulting: '咨询中',
  conference: '三方通话中',
  ended: '已结束',
};

export const agentStateLabel = (state: AgentState): string => AGENT_STATE_LABELS[state];
export const callStateLabel = (state: CallState): string => CALL_STATE_LABELS[state];
