/** Caller id strings as main/callerid.c parses them: `"Name" <number>`, `Name <number>`, `number`, `Name`. */

export interface ParsedCallerId {
  name: string;
  number: string;
}

/** Trim blanks, then one pair of surrounding double quotes (`ast_strip_quoted`). */
function stripQuoted(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) return trimmed.slice(1, -1);
  return trimmed;
}

/** Remove the punctuation people put in phone numbers (`ast_shrink_phone_number`). */
export function shrinkPhoneNumber(text: string): string {
  return text.replace(/[\s().-]/g, '');
}

function isPhoneNumber(text: string): boolean {
  return /^[0-9#*+]+$/.test(text);
}

export function parseCallerId(input: string): ParsedCallerId {
  const text = stripQuoted(input);
  const open = text.lastIndexOf('<');
  if (open !== -1) {
    const close = text.indexOf('>', open);
    const number = text.slice(open + 1, close === -1 ? undefined : close);
    return { name: stripQuoted(text.slice(0, open)).replace(/\\(.)/g, '$1'), number: shrinkPhoneNumber(number) };
  }
  const shrunk = shrinkPhoneNumber(text);
  if (isPhoneNumber(shrunk)) return { name: '', number: shrunk };
  return { name: text.replace(/\\(.)/g, '$1'), number: '' };
}
