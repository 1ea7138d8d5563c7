/**
 * A phone an agent sits at, as people type it: the extension alone (`1006`) or the endpoint
 * (`PJSIP/1006`). Accepted in both forms wherever a phone is asked for (login, the admin's agent
 * form) and stored in the endpoint form, so `1006` and `PJSIP/1006` are the same phone.
 */
import { Pattern } from './free-text.js';

export const Endpoint = Pattern('^([A-Za-z]+/)?[A-Za-z0-9_.-]+$', '分机号如 1006，或话机如 PJSIP/1006', {
  maxLength: 64,
  description: '话机：分机号（如 1006）或 PJSIP/1006',
});

/** `1006` → `PJSIP/1006`; an endpoint with its technology is kept as it is. */
export function endpointForm(typed: string): string {
  return typed.includes('/') ? typed : `PJSIP/${typed}`;
}
