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
import { FORM_FIELD_NAMES, type FormField } from './form-fields.js';

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

