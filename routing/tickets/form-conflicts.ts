/**
 * A form save made from a stale copy of the ticket. Pure. A save may name, for each field it sends,
 * the value that field had in the copy the client last read (`previous`): a field whose value has
 * changed since — someone else saved it — and which the save would set to something else is a
 * conflict, and the save is refused whole, so nobody's change is overwritten unnoticed. A field
 * someone else set to the very value sent is not a conflict.
 */
import { isDeepStrictEqual } from 'node:util';
import type { TicketForm, TicketRow } from '../../store/index.js';
import { FORM_FIELD_NAMES, type FormField } from './form-fields.js';

/** The value of each field the client last read, for the fields it sends. */
export type PreviousForm = Partial<Record<FormField, unknown>>;

export const FORM_CONFLICT_MESSAGE = '工单已被他人修改，请刷新后重试';

const isFormField = (key: string): key is FormField => Object.hasOwn(FORM_FIELD_NAMES, key);

/** No links and an empty list are the same form; `undefined` (not read) stays apart. */
function same(field: FormField, a: unknown, b: unknown): boolean {
  if (field === 'knowledgeLinks') return isDeepStrictEqual(a ?? [], b ?? []);
  return isDeepStrictEqual(a, b);
}

/** The fields sent without their previous value (in the form's words), when `previous` names any at all. */
export function fieldsWithoutPrevious(form: TicketForm, previous: PreviousForm): string[] {
  return Object.keys(form)
    .filter(isFormField)
    .filter((key) => !Object.hasOwn(previous, key))
    .map((key) => FORM_FIELD_NAMES[key]);
}

/**
 * The fields (in the form's words) that someone else changed since the client's copy and that this
 * save would overwrite. `current` is the ticket as this client is shown it (a confidential caller
 * masked for those who do not see it, as they read it).
 */
export function conflictingFormFields(current: Pick<TicketRow, FormField>, form: TicketForm, previous: PreviousForm): string[] {
  return (Object.keys(FORM_FIELD_NAMES) as FormField[])
    .filter((field) => Object.hasOwn(previous, field) && !same(field, previous[field], current[field]) && !same(field, form[field], current[field]))
    .map((field) => FORM_FIELD_NAMES[field]);
}
