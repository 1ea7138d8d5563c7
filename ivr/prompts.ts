/**
 * Every prompt the server plays, in one place, with the Mandarin text a centre records (or that
 * `asterisk-config/` generates with espeak-ng as day-one prompts). Ids are Asterisk sound names,
 * played as `sound:<id>` from `sounds/zh/`. Routes and menus may name further prompts (a merged
 * hotline's own notice or greeting): those are listed here for the demo hotlines too.
 */
import { TICKET_STATUSES, TICKET_STATUS_NAMES } from '../store/index.js';

export const PROMPTS = {
  greeting: 'greeting-12345',
  blockedNotice: 'blocked-notice',
  repeatCallWarning: 'repeat-call-warning',
  serviceUnavailable: 'service-unavailable',
  queuePositionAhead: 'queue-position-ahead',
  queuePositionCallers: 'queue-position-callers',
  menuMain: 'menu-main',
  invalidInput: 'invalid-input',
  enterTicketNumber: 'enter-ticket-number',
  ticketStatusIs: 'ticket-status-is',
  ticketNotFound: 'ticket-not-found',
  survey: 'survey-question',
  callbackIntro: 'callback-intro',
  missedCallback: 'missed-call-callback',
  surveyThanks: 'survey-thanks',
  /** A transfer that did not go through: the caller is told before going back in line. */
  transferFailed: 'transfer-failed',
  /** The line to the agent failed (their Asterisk node went down): the caller is told before going back in line. */
  callInterrupted: 'call-interrupted',
  /** Played by the dialplan itself (extensions.conf, [hotline-outage]) while the server is down. */
  outageNotice: 'notice-outage',
} as const;

export const ticketStatusPrompt = (status: string) => `ticket-status-${status}`;


/** Prompt id → what it says. The prompt generator and the config check read this list. */
export const PROMPT_TEXTS: Readonly<Record<string, string>> = {
  [PROMPTS.greeting]: '您好，欢迎致电12345政务服务便民热线。',
  [PROMPTS.blockedNotice]: '您的号码因多次恶意来电已被限制呼入，如有疑问请通过其他渠道反映。再见。',
  [PROMPTS.repeatCallWarning]: '您近期来电较为频繁，请勿重复拨打，以免占用热线资源。',
  [PROMPTS.serviceUnavailable]: '系统暂时无法为您服务，请稍后再拨。',
  [PROMPTS.queuePositionAhead]: '您前面还有',
  [PROMPTS.queuePositionCallers]: '位来电人，请耐心等候。',
  [PROMPTS.menuMain]: '咨询、求助、投诉、举报、建议请按1，企业服务请按2，查询工单办理进度请按3，税务业务请按4，人工服务请按0。',
  [PROMPTS.invalidInput]: '您的输入有误，请重新输入。',
  [PROMPTS.enterTicketNumber]: '请输入工单编号，以井号键结束。',
  [PROMPTS.ticketStatusIs]: '您查询的工单状态为',
  [PROMPTS.ticketNotFound]: '未查询到您名下的该工单，请核对后再试。',
  [PROMPTS.survey]: '请对本次服务进行评价：满意请按1，基本满意请按2，不满意请按3。',
  [PROMPTS.surveyThanks]: '感谢您的评价，再见。',
  [PROMPTS.transferFailed]: '抱歉，转接未成功。请您稍候，我们将继续为您服务。',
  [PROMPTS.callInterrupted]: '抱歉，通话意外中断。请您稍候，我们将继续为您服务。',
  [PROMPTS.outageNotice]: '您好，这里是12345政务服务便民热线。系统正在维护，现在为您直接转接话务员，通话将被录音，请稍候。',
  [PROMPTS.missedCallback]: '您好，这里是12345政务服务便民热线，您刚才的来电未能接通，现在为您转接人工服务，请稍候。',
  [PROMPTS.callbackIntro]: '您好，这里是12345政务服务便民热线回访，您反映的问题已办结，工单编号为',
  ...Object.fromEntries(TICKET_STATUSES.map((s) => [ticketStatusPrompt(s), TICKET_STATUS_NAMES[s]])),
  // The demo hotlines' own prompts.
  'greeting-12315': '您好，这里是12315市场监管投诉举报热线，已并入12345热线为您服务。',
  'notice-merged-12333': '原12333人力资源和社会保障热线已并入12345政务服务便民热线，正在为您转接。',
};
