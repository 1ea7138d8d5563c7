/**
 * The Chinese names of agent and call states: one table for the server's messages (state-labels.ts)
 * and the pages (web/src/shared/labels.ts). No imports, so the pages' bundle can take it as it is.
 */
export const AGENT_STATE_NAMES = {
  offline: '签出',
  ready: '示闲',
  not_ready: '示忙',
  ringing: '振铃',
  on_call: '通话中',
  wrap_up: '话后整理',
} as const;

export const CALL_STATE_NAMES = {
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
} as const;
