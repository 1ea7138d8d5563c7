/**
 * The fields of the 12345 form (登记信息) an agent fills, in the form's order and words. Import-free
 * (a type only), so the agent desk's bundle takes it as it is.
 */
import type { TicketForm } from '../../store/index.js';

export const FORM_FIELD_NAMES = {
  callerName: '来电人姓名',
  contactPhone: '联系电话',
  confidential: '是否保密',
  category: '诉求类型',
  matterId: '诉求分类',
  urgency: '紧急程度',
  content: '诉求内容',
  districtCode: '事发区/县',
  streetCode: '事发乡镇/街道',
  address: '详细地址',
  disposition: '处理方式',
  handlingUnitId: '承办单位',
  dueOverride: '办理时限',
  dueReason: '办理时限延长理由',
  knowledgeLinks: '关联知识',
} as const satisfies Partial<Record<keyof TicketForm, string>>;

export type FormField = keyof typeof FORM_FIELD_NAMES;
