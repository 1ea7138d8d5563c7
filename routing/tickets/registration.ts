/**
 * 登记完成 and 派单 checks on a ticket's 12345 fields. Pure: given what the ticket holds, they name every
 * missing field (in the form's own words) or the reason a chosen deadline is refused.
 *
 * Required to register: 来电人姓名, 联系电话, 诉求类型, 诉求分类, 紧急程度, 诉求内容, 处理方式, and — except for
 * a consultation or a suggestion, which need not happen anywhere — the 事发地址 (区/县, 乡镇/街道, 详细地址).
 * Required to dispatch: a registered ticket, its 承办单位 and a valid 办理时限.
 * 办理时限: the rule's deadline (deadlines.ts) unless the agent chooses another; an earlier one is always
 * allowed (not in the past), a later one only with a reason (说明理由), and never beyond the two
 * extensions the rules allow (MAX_EXTENSIONS × 5 working days past the rule's).
 */
import type { TicketCategory, TicketDisposition, TicketUrgency } from '../../store/index.js';

export interface RegistrationFacts {
  callerName: string | null;
  contactPhone: string | null;
  category: TicketCategory | null;
  matterId: number | null;
  urgency: TicketUrgency | null;
  content: string;
  districtCode: string | null;
  streetCode: string | null;
  address: string | null;
  disposition: TicketDisposition | null;
}

const blank = (v: string | number | null) => v === null || (typeof v === 'string' && v.trim() === '');

/** Categories whose matter need not have a place. */
const PLACELESS: ReadonlySet<TicketCategory> = new Set(['consult', 'suggestion']);

/** The fields still missing for 登记完成, in the form's order and words (empty: complete). */
export function missingForRegistration(t: RegistrationFacts): string[] {
  const missing: [string, boolean][] = [
    ['来电人姓名', blank(t.callerName)],
    ['联系电话', blank(t.contactPhone)],
    ['诉求类型', t.category === null],
    ['诉求分类', t.matterId === null],
    ['紧急程度', t.urgency === null],
    ['诉求内容', blank(t.content)],
  ];
  if (!t.category || !PLACELESS.has(t.category)) {
    missing.push(['事发区/县', blank(t.districtCode)], ['事发乡镇/街道', blank(t.streetCode)], ['详细地址', blank(t.address)]);
  }
  missing.push(['处理方式', t.disposition === null]);
  return missing.filter(([, isMissing]) => isMissing).map(([name]) => name);
}

export type Check = { ok: true } | { ok: false; reason: string };

/** 派单: registered, a unit chosen. */
export function checkDispatchReady(t: { registeredAt: string | null; handlingUnitId: number | null }): Check {
  if (!t.registeredAt) return { ok: false, reason: '工单尚未登记完成，不能派单' };
  if (t.handlingUnitId === null) return { ok: false, reason: '缺少必填项：承办单位' };
  return { ok: true };
}

/** 直接答复: only a registered ticket closes on the call. */
export function checkAnswerReady(t: { registeredAt: string | null }): Check {
  return t.registeredAt ? { ok: true } : { ok: false, reason: '工单尚未登记完成，不能直接答复办结' };
}

export interface DueChoice {
  /** The deadline the rule gives (deadlines.ts). */
  ruleDueAt: string;
  /** The latest the rules ever allow (the rule's plus the extensions). */
  latestDueAt: string;
  chosen: string;
  reason: string | null;
  now: Date;
}

export function checkDueChoice(c: DueChoice): Check {
  const chosen = Date.parse(c.chosen);
  if (chosen <= c.now.getTime()) return { ok: false, reason: '办理时限须晚于当前时间' };
  if (chosen > Date.parse(c.latestDueAt)) return { ok: false, reason: '办理时限超过规定时限加最长延期，不能设定' };
  if (chosen > Date.parse(c.ruleDueAt) && blank(c.reason)) return { ok: false, reason: '办理时限晚于规定时限，须填写延长理由' };
  return { ok: true };
}
