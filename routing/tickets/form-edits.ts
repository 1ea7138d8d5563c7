/**
 * Edits of the 12345 form (登记信息) after the fact. Pure: which fields a save changes, named in the
 * form's own words (whether the form still takes edits at all: form-lock.ts).
 *
 * An edit of a registered, still open ticket is written to its history by the names of the fields
 * changed, never their contents (a contact phone or a name there would reach everyone who reads the
 * history, confidential ticket or not).
 */
import { isDeepStrictEqual } from 'node:util';
import type { TicketForm, TicketRow } from '../../store/index.js';

/** The fields an agent fills, in the form's order and words. */
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

type FormField = keyof typeof FORM_FIELD_NAMES;

/** The names of the fields whose value the save changes (a field sent as it already is does not count). */
export function changedFormFields(ticket: Pick<TicketRow, FormField>, form: TicketForm): string[] {
  return (Object.keys(FORM_FIELD_NAMES) as FormField[])
    .filter((field) => {
      const sent = form[field];
      if (sent === undefined) return false;
      // No links and an empty list are the same form (the ticket's answer shows `[]` for none).
      if (field === 'knowledgeLinks') return !isDeepStrictEqual(sent ?? [], ticket.knowledgeLinks ?? []);
      return sent !== ticket[field];
    })
    .map((field) => FORM_FIELD_NAMES[field]);
}

