/**
 * Date-times from outside (HTTP bodies and query strings, schema `format: 'date-time'`) come with any
 * UTC offset (`2026-06-10T08:00:00+08:00`, `…Z`, `…z`, an RFC 9557 `[Asia/Shanghai]` suffix). The store
 * keeps and compares times as the UTC text `toISOString()` writes (`2026-06-10T00:00:00.000Z`): a
 * time kept as sent would compare as text against those and be wrong. Every route that takes a
 * date-time turns it into that text here, before storing or comparing it.
 */
import { invalid } from './error-replies.js';

/** The schema check's reason for a bad date-time, also given for one that names no instant (a leap second `…:60`). */
export const DATE_TIME_REASON = '不是有效的时间（如 2026-06-10T08:00:00+08:00）';

/** The instant as UTC ISO text (`toISOString()`), or null when the text names none. */
export function utcIsoOrNull(value: string): string | null {
  // The RFC 9557 suffix (a zone name, tags) adds nothing to the instant the offset already fixes.
  const bracket = value.indexOf('[');
  const ms = Date.parse(bracket === -1 ? value : value.slice(0, bracket));
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * The instant as UTC ISO text; a text that names none is a bad request (400) on `field` of `part`,
 * in the same shape as a schema error.
 */
export function utcIso(value: string, field: string, part: 'body' | 'querystring'): string {
  const iso = utcIsoOrNull(value);
  if (iso === null) throw invalid([{ field, in: part, message: DATE_TIME_REASON }]);
  return iso;
}
