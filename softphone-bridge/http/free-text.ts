/**
 * Schema pieces for text from outside, shared by the admin API, the HTTP routes and the WebSockets.
 *
 * - `FreeText` / `MultilineText`: text other people read (names, reasons, notes). Their `pattern`
 *   refuses control characters and the characters that reorder or hide text (see
 *   `cti/forbidden-chars.ts`); multi-line text keeps tab, line feed and carriage return.
 * - `Pattern`: a string of a fixed format (a number, a code) with a human hint for its errors.
 * - `patternReason`: the Chinese reason for a failed `pattern`, never the regular expression itself.
 *   A validation error (TypeBox's and Ajv's alike) names the schema's `pattern` but carries nothing
 *   else of it, so the pattern is the marker: each one built here is registered with its reason.
 *   An unknown pattern reads just `格式不正确`.
 *
 * The patterns use only standard JSON Schema keywords, so they work the same under TypeBox's compiler
 * (the admin API, the WebSockets) and Fastify's Ajv (the other routes), and show in the API docs.
 */
import Type, { type TString } from 'typebox';
import { FORBIDDEN_CLASS, FORBIDDEN_MULTILINE_CLASS } from '../../cti/forbidden-chars.js';

export { hasForbiddenChars } from '../../cti/forbidden-chars.js';

/** The reason given when text holds a refused character. */
export const FORBIDDEN_CHARS_REASON = '不能包含控制字符或文字方向控制符';

export const FREE_TEXT_PATTERN = `^[^${FORBIDDEN_CLASS}]*$`;
export const MULTILINE_TEXT_PATTERN = `^[^${FORBIDDEN_MULTILINE_CLASS}]*$`;

const reasons = new Map<string, string>([
  [FREE_TEXT_PATTERN, FORBIDDEN_CHARS_REASON],
  [MULTILINE_TEXT_PATTERN, FORBIDDEN_CHARS_REASON],
]);

function register(pattern: string, reason: string): void {
  const known = reasons.get(pattern);
  if (known !== undefined && known !== reason) throw new Error(`pattern ${pattern} already has the hint "${known}"`);
  reasons.set(pattern, reason);
}

/** The reason for a value that does not match `pattern` (the `pattern` param of a validation error). */
export function patternReason(pattern: unknown): string {
  return (typeof pattern === 'string' ? reasons.get(pattern) : undefined) ?? '格式不正确';
}

/** What a text field may add to its rule: lengths, and a description for the API docs. */
export interface TextOptions {
  minLength?: number;
  maxLength?: number;
  description?: string;
}

/** One-line text others read: a name, a reason, a label. */
export function FreeText(options: TextOptions = {}): TString {
  return Type.String({ ...options, pattern: FREE_TEXT_PATTERN });
}

/** Multi-line text others read (a ticket's content, a note): tab, line feed and carriage return allowed. */
export function MultilineText(options: TextOptions = {}): TString {
  return Type.String({ ...options, pattern: MULTILINE_TEXT_PATTERN });
}

/**
 * A string of a fixed format. `hint` describes the format for people (`仅数字，3–20 位`) and becomes
 * the error's reason, `格式不正确（<hint>）`; one pattern has one hint wherever it is used.
 */
export function Pattern(pattern: string, hint: string, options: TextOptions = {}): TString {
  register(pattern, `格式不正确（${hint}）`);
  return Type.String({ ...options, pattern });
}

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

/** A calendar day `YYYY-MM-DD` that exists (no 2026-02-30, no month 13). */
export function CalendarDate(options: TextOptions = {}): TString {
  register(DATE_PATTERN, '格式不正确（YYYY-MM-DD）');
  return Type.String({ ...options, pattern: DATE_PATTERN, format: 'date' });
}
