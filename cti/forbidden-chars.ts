/**
 * Characters that have no place in text people read on a screen: they hide, cut or reorder what is
 * shown (a right-to-left override reverses everything after it), and nobody types them into a name or
 * a note.
 *
 * - C0 controls U+0000–U+001F — except tab, line feed and carriage return in multi-line text —, DEL
 *   U+007F and the C1 controls U+0080–U+009F;
 * - the bidirectional embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069 and the marks
 *   U+200E, U+200F, U+061C;
 * - the line and paragraph separators U+2028, U+2029;
 * - lone surrogates (a string that is not valid Unicode).
 *
 * Chinese, full-width punctuation and emoji (with their zero-width joiners and variation selectors)
 * are fine. Requests that carry such characters are refused at the edge (softphone-bridge's
 * `free-text.ts` builds the schemas from the classes here); text from the PBX, which a citizen's call
 * must not be refused for, is cleaned with `withoutForbiddenChars`.
 *
 * The classes are regular-expression source in ASCII escapes, meant for the `u` flag (the one JSON
 * Schema patterns are compiled with by TypeBox and Ajv): under it `\uD800-\uDFFF` matches only a
 * surrogate that is not part of a pair.
 */

const ALWAYS = '\\u007F-\\u009F\\u061C\\u200E\\u200F\\u2028-\\u202E\\u2066-\\u2069\\uD800-\\uDFFF';

/** Everything refused in one-line text (names, reasons, labels). */
export const FORBIDDEN_CLASS = `\\u0000-\\u001F${ALWAYS}`;
/** Everything refused in multi-line text (a ticket's content, a note): as above but tab, LF and CR. */
export const FORBIDDEN_MULTILINE_CLASS = `\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F${ALWAYS}`;

const ONE_LINE = new RegExp(`[${FORBIDDEN_CLASS}]`, 'u');
const MULTI_LINE = new RegExp(`[${FORBIDDEN_MULTILINE_CLASS}]`, 'u');
const ONE_LINE_ALL = new RegExp(`[${FORBIDDEN_CLASS}]`, 'gu');

/** Whether `text` holds a character refused in text others read (`multiline`: tab, LF and CR allowed). */
export function hasForbiddenChars(text: string, options: { multiline?: boolean } = {}): boolean {
  return (options.multiline ? MULTI_LINE : ONE_LINE).test(text);
}

/** `text` without the characters refused in one-line text: for what the PBX reports (caller ids). */
export function withoutForbiddenChars(text: string): string {
  return text.replace(ONE_LINE_ALL, '');
}
