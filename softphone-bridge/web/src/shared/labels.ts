/** Chinese labels for the codes that travel on the wire (identifiers stay English). */
import { AGENT_STATE_NAMES, CALL_STATE_NAMES } from '../../../../cti/state-names.js';

const lookup =
  (table: Record<string, string>) =>
  (code: string | null | undefined): string =>
    code ? (table[code] ?? code) : '—';

export const AGENT_STATES: Record<string, string> = AGENT_STATE_NAMES;
export const agentState = lookup(AGENT_STATES);

export const CALL_STATES: Record<string, string> = CALL_STATE_NAMES;
export const callState = lookup(CALL_STATES);

export const MODES: Record<string, string> = {
  main: '12345 主号',
  whole: '整体并入',
  parallel: '双号并行',
  subcentre: '分中心',
};
export const mode = lookup(MODES);

export const CATEGORIES: [string, string][] = [
  ['consult', '咨询'],
  ['help', '求助'],
  ['complaint', '投诉'],
  ['report', '举报'],
  ['suggestion', '建议'],
];
export const category = lookup(Object.fromEntries(CATEGORIES));

/** A: immediate; B: 5 working days; C: important; D: urgent-critical. */
export const URGENCIES: [string, string][] = [
  ['A', 'A 类 · 即时办理'],
  ['B', 'B 类 · 5 个工作日'],
  ['C', 'C 类 · 重要'],
  ['D', 'D 类 · 紧急重大'],
];

export const DISPOSITIONS: [string, string][] = [
  ['answered', '直接答复办结'],
  ['dispatch', '派发承办单位'],
  ['transferred', '转接处理'],
  ['invalid', '无效来电'],
];

export const TICKET_STATUSES: Record<string, string> = {
  accepted: '受理',
  dispatched: '派单',
  handling: '办理',
  replied: '答复',
  supervised: '督办',
  closed: '办结',
  callback: '回访',
  evaluated: '评价',
  returned: '退回',
  redo: '重办',
};
export const ticketStatus = lookup(TICKET_STATUSES);

export const OUTCOMES: Record<string, string> = {
  'in-progress': '进行中',
  answered: '已接听',
  abandoned: '放弃',
  blocked: '已拦截',
  transferred: '已转接',
  failed: '失败',
};
export const outcome = lookup(OUTCOMES);

export const IVR_ACTIONS: Record<string, string> = {
  queue: '转人工',
  menu: '子菜单',
  transfer: '转接',
  'progress-query': '进度查询',
  play: '播放提示',
  invalid: '按键无效',
  timeout: '未按键',
};
export const ivrAction = lookup(IVR_ACTIONS);

export const ALERT_KINDS: Record<string, string> = {
  'emergency-transfer': '紧急转接',
  'long-wait': '等待超时',
  'missed-ring': '坐席未接',
  'ticket-due-soon': '工单即将超时',
  'ticket-overdue': '工单超时',
  'callback-dissatisfied': '回访不满意',
  hotspot: '热点预警',
};
export const alertKind = lookup(ALERT_KINDS);

export const NOT_READY_REASONS = ['小休', '用餐', '培训', '会议', '整理工单', '其他'];

export const EMERGENCY_LINES: [string, string][] = [
  ['110', '110 报警'],
  ['119', '119 火警'],
  ['120', '120 急救'],
  ['122', '122 交通事故'],
];
